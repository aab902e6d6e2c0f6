'use client';

// Relative, not '@/': vitest (which tests findingPath) has no path alias.
import { findingPlace, type FindingTarget } from '../../lib/builder/findings';
import { fieldPath } from '../../lib/cluster/fieldPath';
import { pointerSegments } from '../../lib/grove/meta';
import { plural } from '../../lib/workloads/plural';
import type { FindingEntry } from '../validate/reportView';

/** A finding's JSON pointer as a JSON path (`/spec/template/cliques/2/spec/replicas` → `spec.template.cliques[2].spec.replicas`). */
export function findingPath(pointer: string): string {
  return pointerSegments(pointer).reduce<string>((path, s) => fieldPath(path, /^(0|[1-9]\d*)$/.test(s) ? Number(s) : s), '');
}

export interface BuilderFinding {
  entry: FindingEntry;
  target: FindingTarget;
}

/**
 * Every finding of the text (a document's parse errors come as their first from the parser), each named
 * by its document; choosing one selects what it is about and shows the field and the line.
 */
export function FindingsList({ findings, pending, onJump }: { findings: readonly BuilderFinding[]; pending: boolean; onJump: (f: BuilderFinding) => void }) {
  const errors = findings.filter((f) => f.entry.severity === 'error').length;
  const warnings = findings.length - errors;
  return (
    <section aria-labelledby="builder-findings-heading" className="flex min-h-0 flex-col">
      <div className="flex items-center gap-3 border-b border-zinc-200 px-3 py-1.5 dark:border-zinc-800">
        <h2 id="builder-findings-heading" className="text-[11px] font-semibold uppercase tracking-wide text-zinc-500 dark:text-zinc-400">
          Findings
        </h2>
        <p role="status" aria-live="polite" data-testid="builder-findings-summary" className="text-xs">
          {pending ? (
            <span className="text-zinc-500 dark:text-zinc-400">Checking…</span>
          ) : findings.length === 0 ? (
            <span className="font-medium text-emerald-700 dark:text-emerald-400">No problems</span>
          ) : (
            <span>
              <span className={errors ? 'font-medium text-red-700 dark:text-red-400' : ''}>{plural(errors, 'error')}</span>,{' '}
              <span className={warnings ? 'font-medium text-amber-700 dark:text-amber-400' : ''}>{plural(warnings, 'warning')}</span>
            </span>
          )}
        </p>
      </div>
      <ul className="min-h-0 flex-1 overflow-y-auto" aria-label="Findings">
        {findings.map((f) => (
          <li key={f.entry.id}>
            <button
              type="button"
              onClick={() => onJump(f)}
              data-testid="builder-finding"
              data-severity={f.entry.severity}
              data-rule={f.entry.rule ?? 'syntax'}
              className="flex w-full gap-2 px-3 py-1 text-left text-xs hover:bg-zinc-100 dark:hover:bg-zinc-900"
            >
              <span className={`shrink-0 font-semibold ${f.entry.severity === 'error' ? 'text-red-700 dark:text-red-400' : 'text-amber-700 dark:text-amber-400'}`}>{f.entry.severity === 'error' ? 'Error' : 'Warning'}</span>
              <span data-testid="builder-finding-place" className="max-w-[40%] shrink-0 break-words text-zinc-500 dark:text-zinc-400">
                {findingPlace(f.target, f.entry)} · {f.entry.line}:{f.entry.column}
              </span>
              <span className="min-w-0 text-zinc-800 dark:text-zinc-200">
                {f.entry.path ? (
                  <code data-testid="builder-finding-path" className="mr-1.5 break-all font-mono text-[11px] text-zinc-600 dark:text-zinc-400">
                    {findingPath(f.entry.path)}
                  </code>
                ) : null}
                {f.entry.message}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
