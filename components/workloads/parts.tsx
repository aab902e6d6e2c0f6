'use client';
/** Small pieces the Workloads pages share: health and stage badges, the stage bar, a copyable command. */
import { useState, type ReactNode } from 'react';
import type { HealthNote, HealthSeverity, HealthState } from '../../lib/workloads/health';
import { LIVE_STAGES, totalStageCount, type PodStage, type StageCounts } from '../../lib/workloads/pods';

const HEALTH_CLASS: Record<HealthState, string> = {
  healthy: 'bg-emerald-100 text-emerald-900 ring-emerald-600/30 dark:bg-emerald-950 dark:text-emerald-200 dark:ring-emerald-400/30',
  progressing: 'bg-sky-100 text-sky-900 ring-sky-600/30 dark:bg-sky-950 dark:text-sky-200 dark:ring-sky-400/30',
  degraded: 'bg-red-100 text-red-900 ring-red-600/30 dark:bg-red-950 dark:text-red-200 dark:ring-red-400/30',
  idle: 'bg-zinc-100 text-zinc-800 ring-zinc-500/30 dark:bg-zinc-800 dark:text-zinc-200 dark:ring-zinc-400/30',
  deleting: 'bg-violet-100 text-violet-900 ring-violet-600/30 dark:bg-violet-950 dark:text-violet-200 dark:ring-violet-400/30',
};

const HEALTH_WORD: Record<HealthState, string> = { healthy: 'Healthy', progressing: 'Progressing', degraded: 'Degraded', idle: 'Scaled to zero', deleting: 'Deleting' };

export function HealthBadge({ state }: { state: HealthState }) {
  return (
    <span data-health={state} className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${HEALTH_CLASS[state]}`}>
      {HEALTH_WORD[state]}
    </span>
  );
}

// The severity in words as well as colour (generated text: seen, and read by screen readers, yet not part of the note's own text).
export const NOTE_CLASS: Record<HealthSeverity, string> = {
  problem: "text-red-800 dark:text-red-300 before:font-semibold before:content-['Problem:_']",
  warning: "text-amber-800 dark:text-amber-300 before:font-semibold before:content-['Warning:_']",
  info: "text-zinc-700 dark:text-zinc-300 before:font-semibold before:content-['Note:_']",
};

/** A list Canopy could not read (kindAvailability.ts): said in amber, apart from a list that is really empty. */
export const UNAVAILABLE_CLASS = 'text-amber-800 dark:text-amber-300';

/** The sentence beside rows kept from a kind that cannot be read now: "Could not list Pods in team-a: Unauthorized. The pods below may be out of date." */
export const staleListText = (unavailable: string, rows: string): string => `${unavailable} The ${rows} below may be out of date.`;

/**
 * Said beside a list still shown while its kind is not live: a kind that went from live to failing (or
 * refused) keeps its last objects in the tab's store, which may no longer be the cluster's. `unavailable`
 * is kindAvailability.ts's sentence for the kind (unavailableText), null when it is live: nothing is
 * said. `rows`: what the list shows, as the sentence names them ("PodGangs", "pods", "events").
 */
export function StaleListNote({ unavailable, rows }: { unavailable: string | null | undefined; rows: string }) {
  if (!unavailable) return null;
  return (
    <p data-testid="stale-list" data-rows={rows} className={`text-xs ${UNAVAILABLE_CLASS}`}>
      {staleListText(unavailable, rows)}
    </p>
  );
}

/** A note that ages says since when on hover (the browser's local time). */
export const noteTitle = (n: HealthNote): string | undefined => (n.since ? `since ${new Date(n.since).toLocaleString()}` : undefined);

/** Fill colour per stage (bars, graph nodes); the word is always shown or labelled next to it. */
export const STAGE_FILL: Record<PodStage, string> = {
  gated: 'bg-zinc-400 dark:bg-zinc-500',
  pending: 'bg-amber-400 dark:bg-amber-500',
  scheduled: 'bg-sky-400 dark:bg-sky-500',
  running: 'bg-indigo-500 dark:bg-indigo-400',
  ready: 'bg-emerald-500 dark:bg-emerald-400',
  succeeded: 'bg-zinc-300 dark:bg-zinc-600',
  failed: 'bg-red-500 dark:bg-red-400',
};

const STAGE_TEXT: Record<PodStage, string> = {
  gated: 'bg-zinc-100 text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200',
  pending: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200',
  scheduled: 'bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-200',
  running: 'bg-indigo-100 text-indigo-900 dark:bg-indigo-950 dark:text-indigo-200',
  ready: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200',
  succeeded: 'bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300',
  failed: 'bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200',
};

export function StageBadge({ stage }: { stage: PodStage }) {
  return (
    <span data-stage={stage} className={`inline-flex min-w-[4.5rem] justify-center rounded px-1.5 py-0.5 text-xs font-medium ${STAGE_TEXT[stage]}`}>
      {stage}
    </span>
  );
}

/** A stacked bar of pods per stage, with the counts as its accessible name. */
export function StageBar({ counts, label }: { counts: StageCounts; label?: string }) {
  const total = totalStageCount(counts);
  const stages = [...LIVE_STAGES, 'failed', 'succeeded'] as const;
  const text = stages.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`).join(', ') || 'no pods';
  return (
    <div role="img" aria-label={`${label ? `${label}: ` : ''}${text}`} title={text} className="flex h-2 w-28 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800">
      {total > 0 && stages.map((s) => (counts[s] > 0 ? <div key={s} className={STAGE_FILL[s]} style={{ width: `${(counts[s] / total) * 100}%` }} /> : null))}
    </div>
  );
}

export function StageLegend() {
  return (
    <ul aria-label="Pod stages" className="flex flex-wrap gap-x-3 gap-y-1 text-xs text-zinc-600 dark:text-zinc-400">
      {LIVE_STAGES.map((s) => (
        <li key={s} className="flex items-center gap-1">
          <span aria-hidden className={`inline-block h-2 w-2 rounded-full ${STAGE_FILL[s]}`} />
          {s}
        </li>
      ))}
    </ul>
  );
}

export function Section({ title, id, children, actions }: { title: string; id: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <section aria-labelledby={id} className="rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900/40">
      <div className="flex items-center justify-between gap-3 border-b border-zinc-200 px-4 py-2 dark:border-zinc-800">
        <h2 id={id} className="text-sm font-semibold">
          {title}
        </h2>
        {actions}
      </div>
      <div className="p-4">{children}</div>
    </section>
  );
}

/** A shell command with a copy button (for people who script). */
export function CommandLine({ command, label = 'Equivalent command' }: { command: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="flex items-center gap-2 text-xs">
      <span className="shrink-0 text-zinc-600 dark:text-zinc-400">{label}:</span>
      <code data-testid="kubectl-command" className="min-w-0 flex-1 truncate rounded bg-zinc-100 px-2 py-1 font-mono text-zinc-800 dark:bg-zinc-800 dark:text-zinc-100">
        {command}
      </code>
      <button
        type="button"
        className={BUTTON_SECONDARY}
        onClick={() => {
          void navigator.clipboard?.writeText(command).then(
            () => setCopied(true),
            () => setCopied(false),
          );
        }}
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  );
}

export const BUTTON_SECONDARY =
  'rounded-md border border-zinc-300 bg-white px-2 py-1 text-xs font-medium text-zinc-800 hover:bg-zinc-50 disabled:cursor-not-allowed disabled:opacity-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800';
export const BUTTON_PRIMARY =
  'rounded-md bg-zinc-900 px-2.5 py-1 text-xs font-medium text-white hover:bg-zinc-700 disabled:cursor-not-allowed disabled:opacity-50 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300';
export const BUTTON_DANGER =
  'rounded-md bg-red-700 px-2.5 py-1 text-xs font-medium text-white hover:bg-red-600 disabled:cursor-not-allowed disabled:opacity-50 dark:bg-red-600 dark:hover:bg-red-500';
export const INPUT =
  'rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm text-zinc-900 placeholder:text-zinc-500 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:placeholder:text-zinc-400';
