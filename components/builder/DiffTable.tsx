'use client';
/**
 * The field changes of one object's dry run (lib/cluster/diff): a row per change, its path, the
 * value before and after. A value too long for its cell shows its start, and opens in place (a
 * <details>, so Enter or Space on it opens it) to the whole value as YAML; cells wrap, so no row
 * runs out of the panel.
 */
import { stringify } from 'yaml';
import type { FieldChange } from '@/lib/cluster/diff';

/** Longest value (as one line of JSON) shown whole in its cell. */
export const INLINE_LIMIT = 80;

export type ChangeKind = 'added' | 'removed' | 'reordered' | 'changed';

export function changeKind(change: FieldChange): ChangeKind {
  if (change.reordered) return 'reordered';
  if (change.old === undefined) return 'added';
  if (change.new === undefined) return 'removed';
  return 'changed';
}

/** What the path cell says besides the path; a plain change needs no word. */
const KIND_WORD: Record<ChangeKind, string | null> = { added: 'added', removed: 'removed', reordered: 'order changed', changed: null };

export function DiffTable({ changes }: { changes: readonly FieldChange[] }) {
  return (
    // Automatic layout: a short value ("2", "—") leaves its room to the path and the long values;
    // overflow-wrap: anywhere lets every cell wrap, so the table never runs wider than the panel.
    <table className="mt-1 w-full font-mono text-[11px]" data-testid="apply-diff">
      <thead>
        <tr className="text-left font-sans text-zinc-600 dark:text-zinc-400">
          <th scope="col" className="pr-2 font-medium">Field</th>
          <th scope="col" className="pr-2 font-medium">Before</th>
          <th scope="col" className="font-medium">After</th>
        </tr>
      </thead>
      <tbody>
        {changes.map((c) => {
          const kind = changeKind(c);
          const word = KIND_WORD[kind];
          return (
            <tr key={`${c.path}${c.reordered ? ' order' : ''}`} data-change={kind} className="border-t border-zinc-100 align-top dark:border-zinc-900">
              <td className="py-0.5 pr-2 [overflow-wrap:anywhere]">
                {c.path}
                {word && (
                  <>
                    {' '}
                    <span className="whitespace-nowrap rounded bg-zinc-100 px-1 font-sans text-zinc-700 dark:bg-zinc-800 dark:text-zinc-200">{word}</span>
                  </>
                )}
              </td>
              <td className="py-0.5 pr-2 text-red-700 [overflow-wrap:anywhere] dark:text-red-400">
                <Value value={c.old} />
              </td>
              <td className="py-0.5 text-emerald-700 [overflow-wrap:anywhere] dark:text-emerald-400">
                <Value value={c.new} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** A value in a cell: whole when short, else its start with the whole of it a keypress away. */
export function Value({ value }: { value: unknown }) {
  if (value === undefined) return <span className="text-zinc-600 dark:text-zinc-400">—</span>;
  const line = JSON.stringify(value);
  if (line.length <= INLINE_LIMIT) return <>{line}</>;
  return (
    <details className="group">
      <summary className="cursor-pointer">
        {/* Open, the whole value below says it all: the summary is only the way to close it. */}
        <span className="group-open:hidden">{line.slice(0, INLINE_LIMIT - 3)}…</span>{' '}
        <span className="whitespace-nowrap font-sans text-zinc-700 underline dark:text-zinc-300">
          <span className="group-open:hidden">show all</span>
          <span className="hidden group-open:inline">hide</span>
        </span>
      </summary>
      {/* YAML, as the manifest is written; lineWidth 0 so no long string is folded into lines it does not have. */}
      <pre className="mt-1 whitespace-pre-wrap rounded bg-zinc-50 p-1 [overflow-wrap:anywhere] dark:bg-zinc-900">{stringify(value, { lineWidth: 0 }).trimEnd()}</pre>
    </details>
  );
}
