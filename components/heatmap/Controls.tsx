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
  /** What was searched for, to name the list. */
  query: string;
  options: readonly { key: string; label: string }[];
  /** Matches left out of `options` (too many to list): typing more narrows them. */
  more?: number;
  onChoose: (key: string) => void;
  /** Escape in the list: it closes, and focus goes back to the search. */
  onDismiss?: () => void;
}

/** The button `step` places from the focused one in a list of buttons (wrapping), or the first/last. */
function focusChoice(list: HTMLElement | null, step: number | 'first' | 'last'): void {
  const buttons = Array.from(list?.querySelectorAll<HTMLButtonElement>('button') ?? []);
  if (buttons.length === 0) return;
  const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
  const next = step === 'first' ? 0 : step === 'last' ? buttons.length - 1 : (at + step + buttons.length) % buttons.length;
  buttons[next]!.focus();
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
  const list = useRef<HTMLUListElement>(null);
  const listed = choices && choices.options.length > 0 ? choices : null;
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
        onKeyDown={(e) => {
          // Down from the box goes into the matches listed under it.
          if (e.key === 'ArrowDown' && listed && !e.altKey) {
            e.preventDefault();
            focusChoice(list.current, 'first');
          }
        }}
        aria-describedby={[listed ? 'heatmap-search-choices-hint' : '', suggestionsNote ? 'heatmap-search-note' : ''].filter(Boolean).join(' ') || undefined}
        placeholder="node, pod, gang, workload or domain"
        className="w-64 max-w-full rounded-md border border-zinc-300 bg-white px-2 py-1 placeholder:text-zinc-500 dark:border-zinc-700 dark:bg-zinc-900 dark:placeholder:text-zinc-400"
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
      {listed && (
        <div role="group" aria-label={`Matches for “${listed.query}”`} className="w-full" data-testid="search-choices" data-own-escape>
          <p id="heatmap-search-choices-hint" className="sr-only">
            Down arrow from the search box goes to the matches; up and down arrows move between them, Enter picks one, Escape goes back to the search.
          </p>
          <ul
            ref={list}
            className="flex max-h-48 flex-col gap-1 overflow-y-auto"
            onKeyDown={(e) => {
              const step = e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : e.key === 'Home' ? 'first' : e.key === 'End' ? 'last' : null;
              if (step !== null) {
                e.preventDefault();
                focusChoice(list.current, step);
              } else if (e.key === 'Escape') {
                e.preventDefault();
                listed.onDismiss?.();
                input.current?.focus();
              }
            }}
          >
            {listed.options.map((o) => (
              <li key={o.key}>
                <button
                  type="button"
                  onClick={() => {
                    listed.onChoose(o.key);
                    // The choices go away with the pick: focus returns to the search, not to the page's start.
                    input.current?.focus();
                  }}
                  className="w-full rounded-md border border-blue-600 px-2 py-0.5 text-left text-blue-800 [overflow-wrap:anywhere] hover:bg-blue-50 focus-visible:bg-blue-50 dark:border-blue-400 dark:text-blue-200 dark:hover:bg-blue-950/50 dark:focus-visible:bg-blue-950/50"
                >
                  {o.label}
                </button>
              </li>
            ))}
          </ul>
          {listed.more ? <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">{listed.more} more not listed: type more of the name to narrow.</p> : null}
        </div>
      )}
    </form>
  );
}
