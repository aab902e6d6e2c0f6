import type { ReactNode } from 'react';
import { documentLabel, plural, type FindingEntry, type ReportView } from './reportView';

export type PanelState =
  | { kind: 'empty' }
  | { kind: 'report'; view: ReportView; pending: boolean }
  | { kind: 'crashed'; message: string };

interface FindingsPanelProps {
  state: PanelState;
  onSelect: (entry: FindingEntry) => void;
  onLoadExample: () => void;
}

/** The findings beside the editor: a summary, then syntax errors, then one group per document. */
export function FindingsPanel({ state, onSelect, onLoadExample }: FindingsPanelProps) {
  return (
    <section aria-labelledby="findings-heading" className="flex min-h-0 flex-col">
      <div className="flex items-center justify-between gap-2 border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
        <h2 id="findings-heading" className="text-xs font-semibold uppercase tracking-wide text-zinc-500 dark:text-zinc-400">
          Findings
        </h2>
        <div role="status" aria-live="polite" className="text-xs" data-testid="findings-summary">
          <Summary state={state} />
        </div>
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto">
        <Body state={state} onSelect={onSelect} onLoadExample={onLoadExample} />
      </div>
    </section>
  );
}

function Summary({ state }: { state: PanelState }) {
  if (state.kind === 'empty') return <span className="text-zinc-500 dark:text-zinc-400">Nothing to check</span>;
  if (state.kind === 'crashed') return <span className="font-medium text-red-700 dark:text-red-400">Validator failed</span>;
  const { view, pending } = state;
  return (
    <span className="flex items-center gap-3">
      {pending && <span className="text-zinc-500 dark:text-zinc-400">Checking…</span>}
      {view.errors + view.warnings === 0 ? (
        <span className="font-medium text-emerald-700 dark:text-emerald-400">No problems</span>
      ) : (
        <>
          <span className={view.errors ? 'font-medium text-red-700 dark:text-red-400' : 'text-zinc-500 dark:text-zinc-400'}>
            {plural(view.errors, 'error')}
          </span>
          <span className={view.warnings ? 'font-medium text-amber-700 dark:text-amber-400' : 'text-zinc-500 dark:text-zinc-400'}>
            {plural(view.warnings, 'warning')}
          </span>
        </>
      )}
    </span>
  );
}

function Body({ state, onSelect, onLoadExample }: FindingsPanelProps) {
  if (state.kind === 'empty') {
    return (
      <div className="px-4 py-8 text-sm text-zinc-600 dark:text-zinc-400">
        <p className="font-medium text-zinc-800 dark:text-zinc-200">Nothing to check yet.</p>
        <p className="mt-1">
          Paste a Grove manifest into the editor, drop a <code className="font-mono text-xs">.yaml</code> file on
          it, or start from an example.
        </p>
        <button
          type="button"
          onClick={onLoadExample}
          className="mt-4 rounded-md border border-zinc-300 px-2.5 py-1.5 text-xs font-medium text-zinc-800 hover:bg-zinc-100 dark:border-zinc-700 dark:text-zinc-100 dark:hover:bg-zinc-800"
        >
          Load example PodCliqueSet
        </button>
      </div>
    );
  }
  if (state.kind === 'crashed') {
    return (
      <div role="alert" className="m-3 rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-900 dark:bg-red-950/40 dark:text-red-200">
        <p className="font-medium">The validator failed on this text.</p>
        <p className="mt-1 font-mono text-xs">{state.message}</p>
        <p className="mt-1">This is a bug in Canopy, not in your manifest.</p>
      </div>
    );
  }

  const { view } = state;
  if (view.syntax.length === 0 && view.documents.length === 0) {
    return (
      <p className="px-4 py-8 text-sm text-zinc-600 dark:text-zinc-400">
        No Kubernetes documents found in this text.
      </p>
    );
  }
  return (
    <div className="pb-4">
      {view.syntax.length > 0 && (
        <Group title="YAML syntax" meta={plural(view.syntax.length, 'error')}>
          <EntryList entries={view.syntax} onSelect={onSelect} label="YAML syntax errors" />
        </Group>
      )}
      {view.documents.map((doc) => (
        <Group
          key={`${doc.index}:${doc.line}`}
          title={documentLabel(doc)}
          meta={`line ${doc.line}`}
          counts={doc.entries.length === 0 ? 'ok' : `${plural(doc.errors, 'error')}, ${plural(doc.warnings, 'warning')}`}
        >
          {doc.entries.length === 0 ? (
            doc.checked ? (
              <p className="px-3 py-1.5 text-xs text-emerald-700 dark:text-emerald-400">No problems found.</p>
            ) : (
              <p className="px-3 py-1.5 text-xs text-zinc-500 dark:text-zinc-400">Not a Grove kind: passed through unchecked.</p>
            )
          ) : (
            <EntryList entries={doc.entries} onSelect={onSelect} label={`Findings for ${documentLabel(doc)}`} />
          )}
        </Group>
      ))}
    </div>
  );
}

function Group({ title, meta, counts, children }: { title: string; meta: string; counts?: string; children: ReactNode }) {
  return (
    <div className="border-b border-zinc-100 dark:border-zinc-900">
      <h3 className="flex items-baseline gap-2 bg-zinc-50 px-3 py-1.5 text-xs dark:bg-zinc-900/60">
        <span className="truncate font-semibold text-zinc-800 dark:text-zinc-200">{title}</span>
        <span className="text-zinc-500 dark:text-zinc-400">{meta}</span>
        {counts && counts !== 'ok' && <span className="ml-auto shrink-0 text-zinc-500 dark:text-zinc-400">{counts}</span>}
      </h3>
      {children}
    </div>
  );
}

function EntryList({ entries, onSelect, label }: { entries: readonly FindingEntry[]; onSelect: (e: FindingEntry) => void; label: string }) {
  return (
    <ul aria-label={label}>
      {entries.map((entry) => (
        <li key={entry.id}>
          <button
            type="button"
            onClick={() => onSelect(entry)}
            data-finding=""
            data-source={entry.rule === null ? 'syntax' : 'validator'}
            data-severity={entry.severity}
            data-line={entry.line}
            data-rule={entry.rule ?? undefined}
            data-path={entry.path ?? undefined}
            className="group flex w-full gap-2 px-3 py-2 text-left hover:bg-zinc-100 focus-visible:bg-zinc-100 focus-visible:outline-offset-[-2px] dark:hover:bg-zinc-900 dark:focus-visible:bg-zinc-900"
          >
            <SeverityIcon severity={entry.severity} />
            <span className="min-w-0 flex-1">
              <span className="sr-only">{entry.severity === 'error' ? 'Error: ' : 'Warning: '}</span>
              <span className="block text-sm leading-snug text-zinc-900 dark:text-zinc-100">{entry.message}</span>
              <span className="mt-0.5 flex flex-wrap items-baseline gap-x-2 text-xs text-zinc-500 dark:text-zinc-400">
                <span className="font-medium text-zinc-700 tabular-nums dark:text-zinc-300">line {entry.line}</span>
                {entry.rule && <span>{entry.rule}</span>}
                {entry.path && <code className="break-all font-mono text-[11px]">{entry.path}</code>}
              </span>
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

function SeverityIcon({ severity }: { severity: FindingEntry['severity'] }) {
  return severity === 'error' ? (
    <svg aria-hidden="true" viewBox="0 0 16 16" className="mt-0.5 size-4 shrink-0 text-red-600 dark:text-red-400">
      <circle cx="8" cy="8" r="7" fill="currentColor" />
      <path d="M5.5 5.5l5 5m0-5l-5 5" stroke="white" strokeWidth="1.6" strokeLinecap="round" />
    </svg>
  ) : (
    <svg aria-hidden="true" viewBox="0 0 16 16" className="mt-0.5 size-4 shrink-0 text-amber-500 dark:text-amber-400">
      <path d="M8 1.2 15.2 14H.8L8 1.2Z" fill="currentColor" />
      <path d="M8 6v3.6" stroke="black" strokeWidth="1.6" strokeLinecap="round" />
      <circle cx="8" cy="11.6" r=".9" fill="black" />
    </svg>
  );
}
