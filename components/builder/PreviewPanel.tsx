'use client';

import { useMemo } from 'react';
import type { KubeObject } from '../../lib/grove/meta';
import type { PodCliqueSet } from '../../lib/grove/podcliqueset';
import type { ClusterState } from '../../lib/cluster/state';
import { previewPodCliqueSet, type PlacementPreview } from '../../lib/placement/preview';
import { expandedPodCount, gangPlacementText, gangPlanNotes, planFit, podsLeftOut, runningGangFacts, runningGangLine, type PlanFit } from '../../lib/workloads/planNotes';
import { plural } from '../../lib/workloads/plural';
import { useClusterState } from '../hooks/useClusterState';
import { useConnectionState, useKindAvailability } from '../hooks/useClusterStream';
import { unavailableText } from '../hooks/kindAvailability';
import { MiniHeatmap } from '../heatmap/MiniHeatmap';
import { previewHref, storePreviewHandoff } from '../heatmap/previewHandoff';

type PreviewOutcome = { kind: 'ok'; preview: PlacementPreview; state: ClusterState } | { kind: 'failed'; message: string };

const NO_PODS: readonly KubeObject[] = [];

/**
 * Where the stack would land on the cluster as the stream shows it now; computed in the browser.
 * `errors`: the validation errors of the text (Grove would refuse it): the verdict says so first.
 */
export function PreviewPanel({ pcs, text, errors, readable = true, onClose }: { pcs: PodCliqueSet; text: string; errors: number; readable?: boolean; onClose: () => void }) {
  const { state, error, unreadablePods } = useClusterState();
  const connection = useConnectionState();
  const nodes = useKindAvailability('Node');
  const outcome: PreviewOutcome | null = useMemo(() => {
    if (error !== null) return { kind: 'failed', message: `the cluster's nodes could not be read: ${error}` };
    if (!state || state.nodes.length === 0) return null;
    try {
      return { kind: 'ok', preview: previewPodCliqueSet(state, pcs), state };
    } catch (e) {
      return { kind: 'failed', message: e instanceof Error ? e.message : String(e) };
    }
  }, [state, error, pcs]);

  return (
    <section aria-labelledby="preview-heading" data-testid="preview-panel" className="flex max-h-full min-h-0 flex-col">
      <div className="flex items-center gap-2 border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
        <h2 id="preview-heading" className="text-xs font-semibold">
          Placement preview
        </h2>
        {outcome?.kind === 'ok' && <PreviewSummary preview={outcome.preview} errors={errors} readable={readable} />}
        <button
          type="button"
          className="ml-auto text-xs font-medium text-blue-700 underline hover:no-underline dark:text-blue-400"
          onClick={() => {
            const id = storePreviewHandoff({ kind: 'podcliqueset', yaml: text, title: pcs.metadata?.name ? `builder: ${pcs.metadata.name}` : 'builder' });
            window.location.assign(previewHref(id));
          }}
        >
          Open on the topology page
        </button>
        <button type="button" onClick={onClose} className="rounded px-2 text-xs hover:bg-zinc-100 dark:hover:bg-zinc-800" aria-label="Close the preview">
          Close
        </button>
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto px-3 py-2 text-xs">
        {outcome === null && (nodes.status === 'forbidden' || nodes.status === 'failed') && (
          // Nodes that cannot be read will not arrive by waiting: say why, not "Loading…".
          <p role="alert" className="text-red-700 dark:text-red-400">
            No preview: {unavailableText('Node', nodes)}
          </p>
        )}
        {outcome === null && nodes.status !== 'forbidden' && nodes.status !== 'failed' && (
          <p role="status" className="text-zinc-500 dark:text-zinc-400">
            {!connection.synced ? 'Waiting for the cluster…' : nodes.status === 'loading' ? 'Loading the cluster’s nodes…' : 'The cluster has no nodes.'}
          </p>
        )}
        {outcome?.kind === 'failed' && (
          <p role="alert" className="text-red-700 dark:text-red-400">
            The preview failed: {outcome.message}
          </p>
        )}
        {outcome?.kind === 'ok' && unreadablePods > 0 && (
          <p role="status" className="mb-2 text-amber-800 dark:text-amber-300">
            {unreadablePods} pod(s) could not be read: the GPUs they hold count as free here.
          </p>
        )}
        {outcome?.kind === 'ok' && (
          <div className="mb-2" data-testid="preview-heatmap">
            <MiniHeatmap state={outcome.state} pods={NO_PODS} overlay={outcome.preview.plan} overlayReplaces={outcome.preview.replaces} overlayRunning={outcome.preview.running} height={120} />
          </div>
        )}
        {outcome?.kind === 'ok' && outcome.preview.running.length > 0 && (
          // A stack that already runs keeps its running gangs where they are: named, not planned again.
          <ul data-testid="preview-running" aria-label="Running gangs" className="mb-2 flex flex-col gap-1 text-zinc-700 dark:text-zinc-300">
            {outcome.preview.running.map((r) => (
              <li key={r.name} data-gang={r.name} className="rounded border border-zinc-200 px-2 py-1 dark:border-zinc-800">
                {runningGangLine(runningGangFacts(r))}
              </li>
            ))}
          </ul>
        )}
        {outcome?.kind === 'ok' && (
          <ul className="flex flex-col gap-2" aria-label="Gangs">
            {outcome.preview.plan.gangs.map((g) => {
              const nodesUsed = [...new Set(g.pods.map((p) => p.node))];
              return (
                <li key={g.name} data-testid="preview-gang" data-gang={g.name} data-placed={g.placed} className="rounded border border-zinc-200 p-2 dark:border-zinc-800">
                  <p className="flex flex-wrap items-baseline gap-2">
                    <span className="font-mono font-semibold">{g.name}</span>
                    <span className={g.placed ? 'text-emerald-700 dark:text-emerald-400' : 'text-red-700 dark:text-red-400'}>{g.placed ? 'placed' : 'not placed'}</span>
                    <span data-testid="preview-gang-line" className={g.placed ? 'text-zinc-500 dark:text-zinc-400' : 'text-red-700 dark:text-red-400'}>
                      {gangPlacementText(g)}
                    </span>
                  </p>
                  {gangPlanNotes(g).map((note) => (
                    <p
                      key={`${note.kind}-${note.text}`}
                      data-testid={note.kind === 'warning' ? 'preview-gang-warning' : 'preview-gang-note'}
                      className={`mt-1 ${note.kind === 'warning' ? 'text-amber-700 dark:text-amber-400' : 'text-amber-800 dark:text-amber-300'}`}
                    >
                      {note.text}
                    </p>
                  ))}
                  {g.explanation && g.explanation.length > 0 && (
                    <ul className="mt-1 list-disc pl-4 text-zinc-600 dark:text-zinc-400">
                      {g.explanation.map((e, i) => (
                        <li key={i}>
                          <span className="font-medium">{e.level}</span>: needs {e.needs}; best offers {e.best}. {e.message}
                        </li>
                      ))}
                    </ul>
                  )}
                  {nodesUsed.length > 0 && <p className="mt-1 truncate font-mono text-[11px] text-zinc-500 dark:text-zinc-400">{nodesUsed.join(', ')}</p>}
                </li>
              );
            })}
          </ul>
        )}
      </div>
    </section>
  );
}

/**
 * The verdict: "Every gang fits", but not when pods above minAvailable are left out (then how many). A
 * stack with validation errors is no success whatever fits: Grove would refuse it, so that comes first
 * and the placement is said as the placement of what the YAML says.
 */
export function previewVerdict(fit: PlanFit, leftOut: number, errors: number, readable = true): { text: string; tone: 'ok' | 'warning' | 'error' } {
  const placement = fit === 'all' ? 'Every gang fits' : fit === 'partial' ? `Every gang fits; ${plural(leftOut, 'pod')} not placed` : 'Does not fit';
  const inSentence = `${placement.charAt(0).toLowerCase()}${placement.slice(1)}`;
  // The YAML broke while the panel was open: what is shown is the stack as it last read, not the text.
  if (!readable) return { text: `The YAML cannot be read; placement of its last readable version: ${inSentence}`, tone: 'warning' };
  if (errors > 0) return { text: `${plural(errors, 'error')}: Grove would refuse this stack. Placement of what the YAML says: ${inSentence}`, tone: 'error' };
  return { text: placement, tone: fit === 'all' ? 'ok' : fit === 'partial' ? 'warning' : 'error' };
}

const VERDICT_COLOUR = { ok: 'text-emerald-700 dark:text-emerald-400', warning: 'text-amber-800 dark:text-amber-300', error: 'text-red-700 dark:text-red-400' } as const;

/** The verdict, beside the pod count; and the running gangs kept. */
function PreviewSummary({ preview, errors, readable }: { preview: PlacementPreview; errors: number; readable: boolean }) {
  const fit = planFit(preview.plan);
  const placed = preview.plan.gangs.reduce((n, g) => n + g.pods.length, 0);
  const total = expandedPodCount(preview.gangs);
  // As `canopy place` counts them: running gangs with nothing new (one that gains pods is in the plan too).
  const runningOnly = preview.running.filter((r) => r.complete).length;
  const verdict = previewVerdict(fit, podsLeftOut(preview.plan.gangs), errors, readable);
  return (
    <span data-testid="preview-summary" data-fit={fit} data-errors={errors} className={`text-xs font-medium ${VERDICT_COLOUR[verdict.tone]}`}>
      {verdict.text} · {preview.plan.gangs.length} gang(s), {placed === total ? placed : `${placed} of ${total}`} pod(s) placed
      {runningOnly > 0 ? ` (${runningOnly} more running, not re-placed)` : ''}
    </span>
  );
}
