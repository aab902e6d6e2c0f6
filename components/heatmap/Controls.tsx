'use client';
/** Mode, levels and search: plain form controls, all reachable by keyboard. */
import { useRef, useState } from 'react';
import { COLOR_MODES, COLOR_MODE_LABELS, type ColorMode } from '../../lib/heatmap/colors';
import type { HeatmapLevel } from '../../lib/heatmap/levels';

const levelName = (level: HeatmapLevel) => (level.nvlink ? 'NVLink domain' : level.domain);

export function ModePicker({ mode, onChange }: { mode: ColorMode; onChange: (mode: ColorMode) => void }) {
  return (
    <fieldset className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
      <legend className="sr-only">Colour by</legend>
      <span className="font-medium text-zinc-700 dark:text-zinc-300" aria-hidden>
        Colour
      </span>
      {COLOR_MODES.map((m) => (
        <label key={m} className="inline-flex items-center gap-1">
          <input type="radio" name="heatmap-mode" value={m} checked={mode === m} onChange={() => onChange(m)} />
          {COLOR_MODE_LABELS[m]}
        </label>
      ))}
    </fieldset>
  );
}

export function LevelPicker({ levels, hidden, onChange }: { levels: readonly HeatmapLevel[]; hidden: readonly string[]; onChange: (hidden: string[]) => void }) {
  if (levels.length === 0) return <p className="text-sm text-zinc-600 dark:text-zinc-400">No topology levels: nodes are shown ungrouped.</p>;
  return (
    <fieldset className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
      <legend className="sr-only">Group by levels</legend>
      <span className="font-medium text-zinc-700 dark:text-zinc-300" aria-hidden>
        Levels
      </span>
      {levels.map((level) => (
        <label key={level.domain} className="inline-flex items-center gap-1">
          <input
            type="checkbox"
            checked={!hidden.includes(level.domain)}
            onChange={(e) => onChange(e.target.checked ? hidden.filter((h) => h !== level.domain) : [...hidden, level.domain].sort())}
          />
          {levelName(level)}
        </label>
      ))}
    </fieldset>
  );
}

/** Several things a search matched: the person picks one (nothing is picked for them). */
export interface SearchChoices {
  /** What was searched for, to name the group. */
  query: string;
  options: readonly { key: string; label: string }[];
  onChoose: (key: string) => void;
}

export function SearchBox({
  suggestions,
  onSearch,
  message,
  choices,
  onQueryChange,
  suggestionsNote,
}: {
  suggestions: readonly string[];
  onSearch: (query: string) => void;
  message: string | null;
  choices?: SearchChoices | null;
  /** The text typed so far, for suggestions that narrow as it grows. */
  onQueryChange?: (query: string) => void;
  /** Why some names are not suggested (the list is cut), shown under the box. */
  suggestionsNote?: string | null;
}) {
  const [query, setQuery] = useState('');
  const input = useRef<HTMLInputElement>(null);
  return (
    <form
      role="search"
      className="flex flex-wrap items-center gap-2 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        onSearch(query.trim());
      }}
    >
      <label htmlFor="heatmap-search" className="font-medium text-zinc-700 dark:text-zinc-300">
        Find
      </label>
      <input
        ref={input}
        id="heatmap-search"
        list="heatmap-search-options"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          onQueryChange?.(e.target.value);
        }}
        aria-describedby={suggestionsNote ? 'heatmap-search-note' : undefined}
        placeholder="node, pod or workload"
        className="w-56 rounded-md border border-zinc-300 bg-white px-2 py-1 placeholder:text-zinc-500 dark:border-zinc-700 dark:bg-zinc-900 dark:placeholder:text-zinc-400"
      />
      <datalist id="heatmap-search-options">
        {suggestions.map((s) => (
          <option key={s} value={s} />
        ))}
      </datalist>
      <button type="submit" className="rounded-md border border-zinc-300 px-2 py-1 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800">
        Find
      </button>
      <span role="status" className="text-zinc-600 dark:text-zinc-400">
        {message ?? ''}
      </span>
      {suggestionsNote && (
        <span id="heatmap-search-note" className="w-full text-xs text-zinc-600 dark:text-zinc-400" data-testid="search-suggestions-note">
          {suggestionsNote}
        </span>
      )}
      {choices && choices.options.length > 0 && (
        <div role="group" aria-label={`Workloads matching “${choices.query}”`} className="flex flex-wrap gap-1">
          {choices.options.map((o) => (
            <button
              key={o.key}
              type="button"
              onClick={() => {
                choices.onChoose(o.key);
                // The choices go away with the pick: focus returns to the search, not to the page's start.
                input.current?.focus();
              }}
              className="rounded-md border border-blue-600 px-2 py-0.5 text-blue-800 hover:bg-blue-50 dark:border-blue-400 dark:text-blue-200 dark:hover:bg-blue-950/50"
            >
              {o.label}
            </button>
          ))}
        </div>
      )}
    </form>
  );
}
