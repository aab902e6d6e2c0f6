'use client';
/** Mode, levels and search: plain form controls, all reachable by keyboard. */
import { useState } from 'react';
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

export function SearchBox({ suggestions, onSearch, message }: { suggestions: readonly string[]; onSearch: (query: string) => void; message: string | null }) {
  const [query, setQuery] = useState('');
  return (
    <form
      role="search"
      className="flex items-center gap-2 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        onSearch(query.trim());
      }}
    >
      <label htmlFor="heatmap-search" className="font-medium text-zinc-700 dark:text-zinc-300">
        Find
      </label>
      <input
        id="heatmap-search"
        list="heatmap-search-options"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        placeholder="node, pod or workload"
        className="w-56 rounded-md border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900"
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
    </form>
  );
}
