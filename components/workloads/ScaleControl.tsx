'use client';
/**
 * One-click scale of a PodCliqueSet, a scaling group or a standalone PodClique: − / + and a set-to
 * field open the impact preview (lib/placement/preview on the browser's ClusterState: the new gangs
 * fit, and where, or why not; the server's dry-run for what only it knows, such as an HPA), the
 * equivalent kubectl command, and a confirm. A scale-up also opens on the full topology map, which
 * takes the request from its URL and re-plans it as the cluster changes. After the scale: live
 * progress of the new pods from gated to ready, and an undo for a few seconds while the live count is
 * still the one this page set. The undo opens the same preview.
 * An open preview follows the cluster: the plan, the minAvailable check and the dry run are for the
 * live count (the one the heading shows), and it says when that count moved since it opened. Every
 * confirm is guarded by that count: the server refuses it (409) if the count moved before it arrived.
 * A count typed into the field stays until it is sent or dropped; the live count is beside it.
 */
import Link from 'next/link';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { refusedPermissionText, type Permission } from '../../lib/cluster/capabilities';
import type { KubeObject } from '../../lib/grove/meta';
import { LABEL_SCHEDULER_NAME } from '../../lib/grove/labels';
import type { ScaleResult } from '../../lib/cluster/actions';
import { minAvailableBreach, previewScale, type GroveObjects, type MinAvailableBreach, type ScalePreview, type ScaleTarget } from '../../lib/placement/preview';
import { plural } from '../../lib/workloads/plural';
import { plannedPodCounts, scaleOnTopologyHref } from '../../lib/heatmap/scalePreview';
import { gangPlacementLine, gangPlanNotes, planFit, podsLeftOut } from '../../lib/workloads/planNotes';
import { totalStageCount } from '../../lib/workloads/pods';
import { hpaRefusal, kubectlScaleCommand, scaleProgress, replicasChangedSince, undoState, type RecentScale, type ScaleTargetInfo } from '../../lib/workloads/scale';
import { deletingRefusal, workloadDeletion } from '../../lib/workloads/deletion';
import type { WorkloadTree } from '../../lib/workloads/tree';
import { ActionFailure, scaleObject } from '../hooks/clusterActions';
import { MiniHeatmap } from '../heatmap/MiniHeatmap';
import { BUTTON_PRIMARY, BUTTON_SECONDARY, CommandLine, INPUT, StageBar } from './parts';
import type { WorkloadData } from './useWorkloadData';

/** How long the undo stays offered after a scale. */
export const UNDO_WINDOW_MS = 10_000;

const NO_PODS: readonly KubeObject[] = [];

export type PermissionState = Permission | 'loading' | undefined;

/**
 * What the person asked to preview. What follows from it (plan, minAvailable breach, dry run) is
 * worked out for the live count, so it cannot describe a count that has moved since.
 */
interface Preview {
  to: number;
  /** The live count when the preview opened: another one now was set by someone else since. */
  openedFrom: number;
  /**
   * The breach message the person ticked "I understand" for. A breach that reads otherwise now (the
   * count moved, so other replicas go) is not acknowledged until ticked again.
   */
  acknowledgedBreach?: string;
  /** An undo: the count this page's scale set, which the live count must still be (the server checks it too). */
  undoOf?: RecentScale;
}

/** The server's dry run of scaling from `from` to `to`: its answer or its refusal. */
export interface DryRun {
  from: number;
  to: number;
  result?: ScaleResult;
  error?: string;
}

/** The dry run that answers for this preview now: one asked for another count (from or to) is no answer, and the preview is still checking. */
export function currentDryRun(dry: DryRun | null, from: number, to: number): DryRun | undefined {
  return dry && dry.from === from && dry.to === to ? dry : undefined;
}

/** What the preview says when the live count moved since it opened: its plan is now for the new count. */
export function countMovedNotice(name: string, openedFrom: number, from: number, to: number): string | undefined {
  return openedFrom === from ? undefined : `${name} changed from ${openedFrom} to ${from} since you opened this (not by this page): this preview is now for ${from} → ${to}.`;
}

/**
 * Whether the replica field shows the live count: not while a preview is open (it shows the preview's
 * count) nor while the person has typed a count of their own, which a scale elsewhere must not replace.
 */
export function fieldFollowsLiveCount(previewOpen: boolean, edited: boolean): boolean {
  return !previewOpen && !edited;
}

/**
 * What a scale preview's plan is worked out from (scaleImpact): the cluster's nodes, pods and
 * topologies, why they cannot be had, and the stack's own objects (its PodCliqueSet, scaling groups
 * and PodCliques: the counts it expands with; of its PodGangs only the scheduler they name, which a
 * status write leaves as it is). The page's data is a new object on every stream batch (an Event,
 * another stack's pod); the plan is worked out again only when one of these is another object or
 * value, as it is when the count moves or the cluster's capacity changes.
 */
export function scalePlanInputs(data: Pick<WorkloadData, 'state' | 'stateError'>, objects: GroveObjects): readonly unknown[] {
  const schedulers = objects.podGangs.map((g) => g.metadata?.labels?.[LABEL_SCHEDULER_NAME] ?? '').join(',');
  return [data.state?.nodes, data.state?.pods, data.state?.topologies, data.stateError, ...objects.podCliqueSets, ...objects.podCliqueScalingGroups, ...objects.podCliques, schedulers];
}

/** The Grove objects a scale plan reads: the stack's own, as its tree holds them (its PodGangs say which scheduler the operator gave it). */
export function stackGroveObjects(tree: WorkloadTree): GroveObjects {
  return { podCliqueSets: [tree.pcs], podCliqueScalingGroups: tree.scalingGroups.map((g) => g.object), podCliques: tree.podCliques.map((c) => c.object), podGangs: tree.gangs.map((g) => g.object) };
}

/** Whether two scalePlanInputs are the same objects, entry by entry. */
export function samePlanInputs(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}

/** `inputs` as an earlier render had them while they are the same (samePlanInputs): a memo on it reruns only when one changes. */
function useKeptPlanInputs(inputs: readonly unknown[]): readonly unknown[] {
  const kept = useRef(inputs);
  if (!samePlanInputs(kept.current, inputs)) kept.current = inputs;
  return kept.current;
}

/** What the page says of a refused confirm: a 409 is a count that moved before the scale arrived, and nothing was changed. */
export function scaleFailureText(error: unknown): string {
  if (error instanceof ActionFailure && error.status === 409) return `Not scaled: ${error.message}. Check the preview again before confirming.`;
  return `Scale failed: ${failureText(error)}`;
}

interface Recent extends RecentScale {
  at: number;
}

function failureText(error: unknown): string {
  if (error instanceof ActionFailure) return error.message;
  return error instanceof Error ? error.message : String(error);
}

export function ScaleControl({ target, tree, data, permission, label }: { target: ScaleTargetInfo; tree: WorkloadTree; data: WorkloadData; permission: PermissionState; label: string }) {
  const id = useId();
  const [draft, setDraft] = useState(String(target.replicas));
  // The person typed a count: it stays until sent (a preview opened) or dropped (closed, Escape).
  const [edited, setEdited] = useState(false);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [dry, setDry] = useState<DryRun | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [recent, setRecent] = useState<Recent | null>(null);
  const live = target.replicas;
  // What the live count says of the last scale (state adjusted while rendering, React's pattern for what
  // follows from a prop): seen once it shows `to`; withdrawn for good once it moves elsewhere.
  const undo = recent ? undoState(recent, live) : undefined;
  if (recent && undo && (undo.seen !== recent.seen || undo.withdrawn !== recent.withdrawn)) setRecent({ ...recent, seen: undo.seen, withdrawn: undo.withdrawn });
  const [now, setNow] = useState(() => Date.now());
  const previewRef = useRef<HTMLDivElement>(null);
  const progressRef = useRef<HTMLDivElement>(null);
  const fieldRef = useRef<HTMLInputElement>(null);
  const plusRef = useRef<HTMLButtonElement>(null);
  // The control that opened the preview gets focus back when it closes (else focus falls to <body>).
  const openerRef = useRef<HTMLElement | null>(null);
  const requestSeq = useRef(0);

  const previewOpen = preview !== null;
  // Follow the live count while nothing is being edited ("now N" beside the field always shows it).
  useEffect(() => {
    if (fieldFollowsLiveCount(previewOpen, edited)) setDraft(String(target.replicas));
  }, [target.replicas, previewOpen, edited]);

  // The undo offer expires: tick while it is shown.
  useEffect(() => {
    if (!recent || recent.wasUndo || recent.withdrawn) return;
    const left = recent.at + UNDO_WINDOW_MS - Date.now();
    if (left <= 0) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [recent]);

  // A stack being deleted is torn down by the garbage collector: a scale would fight it.
  const deletion = workloadDeletion(tree);
  const disabledReason =
    (deletion ? deletingRefusal(tree, deletion) : undefined) ??
    target.refused ??
    (permission === 'loading' ? 'Checking whether you may scale…' : permission && !permission.allowed ? refusedPermissionText(`scale ${target.kind} ${target.name}`, permission) : undefined);
  const disabled = !!disabledReason;

  const open = (to: number, opener: HTMLElement, undoOf?: RecentScale) => {
    if (disabled || !Number.isInteger(to) || to < 0) return;
    openerRef.current = opener;
    setDraft(String(to));
    setError(null);
    setPreview({ to, openedFrom: target.replicas, ...(undoOf ? { undoOf } : {}) });
    requestAnimationFrame(() => previewRef.current?.focus());
  };

  const from = target.replicas;
  const previewTo = preview?.to;
  // The plan for the live count and cluster, worked out again whenever either moves (or the count asked for),
  // from what it reads only (scalePlanInputs): not on every stream batch while the preview is open.
  const planObjects = stackGroveObjects(tree);
  const planInputs = useKeptPlanInputs(scalePlanInputs(data, planObjects));
  const planned = useMemo(
    () => (previewTo === undefined ? undefined : scaleImpact(data, planObjects, { kind: target.kind, namespace: target.namespace, name: target.name, replicas: previewTo })),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- data and planObjects are read through planInputs
    [planInputs, from, target.kind, target.namespace, target.name, previewTo],
  );
  // From the stack's own objects, so it is known even when placement cannot be previewed.
  const breach = previewTo === undefined ? undefined : scaleBreach(tree, target, previewTo);

  // The server's dry run, asked again whenever the count it is from (or to) moves; guarded by that count as the confirm is.
  useEffect(() => {
    if (previewTo === undefined) return;
    const seq = ++requestSeq.current;
    const answer = (outcome: Pick<DryRun, 'result' | 'error'>) => {
      if (seq === requestSeq.current) setDry({ from, to: previewTo, ...outcome });
    };
    scaleObject({ kind: target.kind, namespace: target.namespace, name: target.name, replicas: previewTo, dryRun: true, expectedReplicas: from }).then(
      (result) => answer({ result }),
      (e: unknown) => answer({ error: failureText(e) }),
    );
  }, [target.kind, target.namespace, target.name, previewTo, from]);

  // The progress (and the Dismiss button in it) goes away: focus moves to + (else the field), not <body>.
  const dismiss = () => {
    setRecent(null);
    requestAnimationFrame(() => {
      const plus = plusRef.current;
      if (plus && !plus.disabled) plus.focus();
      else fieldRef.current?.focus();
    });
  };

  const close = () => {
    requestSeq.current++;
    setPreview(null);
    setDry(null);
    setEdited(false);
    setDraft(String(target.replicas));
    const opener = openerRef.current;
    requestAnimationFrame(() => {
      // A − that closing disables (now at 0) cannot take focus: the replicas field can.
      if (opener?.isConnected && !(opener as HTMLButtonElement).disabled) opener.focus();
      else fieldRef.current?.focus();
    });
  };

  const run = async (from: number, to: number, undoOf: RecentScale | undefined) => {
    setBusy(true);
    setError(null);
    try {
      // Sent with the count the preview showed (an undo's is the count it undoes, or it is refused above):
      // a scale by someone else in between is refused (409), not overridden by a change nobody previewed.
      await scaleObject({ kind: target.kind, namespace: target.namespace, name: target.name, replicas: to, dryRun: false, expectedReplicas: from });
      setRecent({ from, to, at: Date.now(), wasUndo: !!undoOf, seen: from === to, withdrawn: false });
      setNow(Date.now());
      requestSeq.current++;
      setPreview(null);
      setDry(null);
      setEdited(false);
      requestAnimationFrame(() => progressRef.current?.focus());
    } catch (e) {
      setError(scaleFailureText(e));
    } finally {
      setBusy(false);
    }
  };

  // The undo's own check first: the count moved since this page's scale (the server would refuse it too).
  const undoMoved = preview?.undoOf && live !== preview.undoOf.to ? `${target.name} ${replicasChangedSince(live)}; undo withdrawn` : undefined;
  const impact = planned?.impact;
  const dryNow = preview ? currentDryRun(dry, from, preview.to) : undefined;
  const checking = !!preview && !dryNow;
  const refusal = preview
    ? (undoMoved ??
      impact?.refused ??
      (dryNow?.result?.hpa ? hpaRefusal(target.kind, target.name, dryNow.result.hpa) : undefined) ??
      (dryNow?.error ? `The server refuses: ${dryNow.error}` : undefined))
    : undefined;
  const breachAcknowledged = !!breach && preview?.acknowledgedBreach === breach.message;
  const moved = preview && !preview.undoOf ? countMovedNotice(target.name, preview.openedFrom, from, preview.to) : undefined;
  const fit = impact ? planFit(impact.plan) : undefined;
  const fits = fit === undefined ? undefined : fit !== 'none';
  const pods = impact ? plannedPods(impact) : undefined;
  const progress = recent ? scaleProgress(tree, target, recent.from, recent.to) : undefined;
  // Offered only while the live count is the one this page set (undo.offered), for UNDO_WINDOW_MS.
  const undoLeft = recent && undo?.offered ? Math.max(0, Math.ceil((recent.at + UNDO_WINDOW_MS - now) / 1000)) : 0;
  const reasonId = `${id}-reason`;
  const breachId = `${id}-breach`;
  const draftNumber = Number(draft);
  const draftValid = draft.trim() !== '' && Number.isInteger(draftNumber) && draftNumber >= 0;

  return (
    <div className="space-y-2" data-testid="scale-control" data-kind={target.kind} data-name={target.name}>
      <div className="flex flex-wrap items-center gap-1.5">
        <span className="mr-1 text-xs text-zinc-600 dark:text-zinc-400">{label}</span>
        <button
          type="button"
          className={BUTTON_SECONDARY}
          aria-label={`Scale ${target.name} down to ${Math.max(0, (preview?.to ?? from) - 1)}`}
          aria-describedby={disabled ? reasonId : undefined}
          disabled={disabled || busy || (preview?.to ?? from) <= 0}
          onClick={(e) => open((preview?.to ?? from) - 1, e.currentTarget)}
        >
          −
        </button>
        <input
          ref={fieldRef}
          type="number"
          min={0}
          inputMode="numeric"
          className={`${INPUT} w-16 text-center tabular-nums`}
          aria-label={`Replicas of ${target.name}`}
          aria-describedby={disabled ? reasonId : undefined}
          aria-invalid={!draftValid}
          value={draft}
          disabled={disabled || busy}
          onChange={(e) => {
            setDraft(e.target.value);
            setEdited(true);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && draftValid) {
              e.preventDefault();
              open(draftNumber, e.currentTarget);
            }
            if (e.key === 'Escape' && preview) {
              e.preventDefault();
              close();
            } else if (e.key === 'Escape' && edited) {
              // Drop the typed count: the field follows the live count again.
              e.preventDefault();
              setEdited(false);
            }
          }}
        />
        <button
          ref={plusRef}
          type="button"
          className={BUTTON_SECONDARY}
          aria-label={`Scale ${target.name} up to ${(preview?.to ?? from) + 1}`}
          aria-describedby={disabled ? reasonId : undefined}
          disabled={disabled || busy}
          onClick={(e) => open((preview?.to ?? from) + 1, e.currentTarget)}
        >
          +
        </button>
        <button type="button" className={BUTTON_SECONDARY} disabled={disabled || busy || !draftValid || (draftNumber === from && !preview)} onClick={(e) => open(draftNumber, e.currentTarget)}>
          Set to {draftValid ? draftNumber : '…'}
        </button>
        <span className="text-xs text-zinc-600 dark:text-zinc-400">
          now {plural(from, target.unit)}
        </span>
      </div>
      {disabledReason && (
        <p id={reasonId} data-testid="scale-disabled-reason" className="text-xs text-amber-800 dark:text-amber-300">
          {disabledReason}
        </p>
      )}

      {preview && (
        <div
          ref={previewRef}
          tabIndex={-1}
          role="group"
          aria-label={`Scale preview for ${target.name}`}
          data-testid="scale-preview"
          className="space-y-2 rounded-md border border-zinc-300 bg-zinc-50 p-3 text-sm dark:border-zinc-700 dark:bg-zinc-900"
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              close();
            }
          }}
        >
          <p className="font-medium">
            {preview.undoOf ? 'Undo: scale' : 'Scale'} {target.kind} {target.name} from {from} {preview.undoOf ? 'back ' : ''}to {plural(preview.to, target.unit)}
          </p>
          {moved && (
            <p role="status" data-testid="scale-count-moved" className="text-amber-800 dark:text-amber-300">
              {moved}
            </p>
          )}
          {refusal ? (
            <p data-testid="scale-refused" className="text-red-800 dark:text-red-300">
              Refused: {refusal}
            </p>
          ) : preview.to === from ? (
            <p className="text-zinc-600 dark:text-zinc-400">No change.</p>
          ) : preview.to < from ? (
            <p data-testid="scale-impact">
              {target.kind === 'PodClique'
                ? `${plural(countPods(tree, target, from, preview.to), 'pod')} will be deleted; pending or unready pods are removed first.`
                : `Removes the highest-numbered ${target.unit}s: ${plural(countPods(tree, target, from, preview.to), 'pod')} will be deleted.`}
            </p>
          ) : impact ? (
            <div data-testid="scale-impact" data-fits={fit === 'all' ? 'true' : fit === 'partial' ? 'partial' : 'false'}>
              <p className={fit === 'all' ? 'text-emerald-800 dark:text-emerald-300' : fit === 'partial' ? 'text-amber-800 dark:text-amber-300' : 'text-red-800 dark:text-red-300'}>
                {fit === 'all'
                  ? pods && pods.waiting > 0
                    ? 'The new pods and the pods already waiting fit:'
                    : `The new pods fit: ${impact.plan.gangs.length === 0 ? 'nothing new to place.' : ''}`
                  : fit === 'partial' && pods
                    ? `The gangs fit, but ${leftOutText(pods)}:`
                    : 'Does not fit:'}
              </p>
              {pods && pods.waiting > 0 && (
                <p data-testid="scale-waiting" className="text-xs text-zinc-700 dark:text-zinc-300">
                  {waitingText(pods)}
                </p>
              )}
              <ul className="ml-4 list-disc text-xs">
                {impact.plan.gangs.map((g) => (
                  <li key={g.name}>
                    {gangPlacementLine(g)}
                    {gangPlanNotes(g).map((note) => (
                      <p key={note.text} data-testid={note.kind === 'warning' ? 'scale-plan-warning' : 'scale-left-out'} className="text-amber-800 dark:text-amber-300">
                        {note.text}
                      </p>
                    ))}
                  </li>
                ))}
              </ul>
              {fit === 'none' && <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">If you scale anyway, the pods that do not fit stay pending until room is made.</p>}
              {fit === 'partial' && <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">The gangs start without them; those pods stay pending until room is made.</p>}
              {data.unreadablePods > 0 && (
                <p role="status" className="mt-1 text-xs text-amber-800 dark:text-amber-300">
                  {plural(data.unreadablePods, 'pod')} could not be read: the GPUs they hold count as free in this preview.
                </p>
              )}
              {data.state && impact.plan.gangs.length > 0 && (
                <div className="mt-2 max-w-2xl">
                  <MiniHeatmap state={data.state} pods={NO_PODS} overlay={impact.plan} height={110} unplacedReasonsAt="above" />
                </div>
              )}
              {impact.plan.gangs.length > 0 && (
                <div className="mt-1.5">
                  {/* The request, not this plan: the topology page re-plans it as the cluster changes, and its address reproduces it. */}
                  <Link href={scaleOnTopologyHref({ kind: target.kind, namespace: target.namespace, name: target.name, replicas: preview.to })} className={BUTTON_SECONDARY}>
                    Open on Topology
                  </Link>
                </div>
              )}
            </div>
          ) : (
            <p className="text-zinc-600 dark:text-zinc-400">Placement preview unavailable: {planned?.impactError}</p>
          )}
          {breach && !refusal && (
            <div data-testid="scale-breach" className="space-y-1.5 rounded-md border border-amber-400 bg-amber-50 p-2 text-xs text-amber-950 dark:border-amber-600 dark:bg-amber-950 dark:text-amber-100">
              <p id={breachId}>
                <span className="font-semibold">Below minAvailable:</span> {breach.message}
              </p>
              <label className="flex items-start gap-2">
                <input
                  type="checkbox"
                  className="mt-0.5"
                  checked={breachAcknowledged}
                  onChange={(e) => {
                    const acknowledged = e.target.checked ? breach.message : undefined;
                    setPreview((p) => (p ? { ...p, acknowledgedBreach: acknowledged } : p));
                  }}
                />
                <span>
                  I understand: scale {target.name} below its minAvailable of {breach.minAvailable} anyway
                </span>
              </label>
            </div>
          )}
          {checking && <p className="text-xs text-zinc-600 dark:text-zinc-400">Asking the server (dry run)…</p>}
          {dryNow?.result?.warnings?.map((w) => (
            <p key={w} className="text-xs text-amber-800 dark:text-amber-300">
              Warning: {w}
            </p>
          ))}
          <CommandLine command={kubectlScaleCommand(target, preview.to)} />
          <div className="flex gap-2">
            <button
              type="button"
              className={BUTTON_PRIMARY}
              disabled={disabled || !!refusal || busy || preview.to === from || checking || (!!breach && !breachAcknowledged)}
              aria-describedby={breach && !refusal ? breachId : undefined}
              onClick={() => void run(from, preview.to, preview.undoOf)}
            >
              {busy
                ? 'Scaling…'
                : breach
                  ? `Scale below minAvailable to ${preview.to}`
                  : fits === false
                    ? `Scale anyway to ${preview.to}`
                    : preview.undoOf
                      ? `Confirm undo: scale to ${preview.to}`
                      : `Confirm scale to ${preview.to}`}
            </button>
            <button type="button" className={BUTTON_SECONDARY} onClick={close}>
              Cancel
            </button>
          </div>
        </div>
      )}

      {error && (
        <p role="alert" data-testid="scale-failed" className="text-xs text-red-800 dark:text-red-300">
          {error}
        </p>
      )}

      {recent && progress && (
        <div
          ref={progressRef}
          tabIndex={-1}
          data-testid="scale-progress"
          data-done={progress.done && !recent.withdrawn ? 'true' : 'false'}
          data-withdrawn={recent.withdrawn ? 'true' : undefined}
          className="flex flex-wrap items-center gap-2 rounded-md border border-zinc-200 px-3 py-2 text-xs dark:border-zinc-800"
        >
          <span role="status">
            {recent.wasUndo ? 'Undid: scaled' : 'Scaled'} {target.name} from {recent.from} to {recent.to}
            {/* Progress of this page's scale means nothing once the count moved: say what it is now instead. */}
            {recent.withdrawn ? `; ${replicasChangedSince(live)}${recent.wasUndo ? '' : '; undo withdrawn'}` : `: ${progress.summary}${progress.done ? ' ✓' : ''}`}
          </span>
          {recent.to > recent.from && !recent.withdrawn && <StageBar counts={progress.counts} label="New pods" />}
          {undoLeft > 0 && (
            <button type="button" className={BUTTON_SECONDARY} disabled={busy} onClick={(e) => open(recent.from, e.currentTarget, recent)}>
              Undo ({undoLeft}s)
            </button>
          )}
          {(progress.done || recent.wasUndo || recent.withdrawn || undoLeft === 0) && (
            <button type="button" className={BUTTON_SECONDARY} onClick={dismiss} aria-label="Dismiss scale progress">
              Dismiss
            </button>
          )}
        </div>
      )}
    </div>
  );
}

/**
 * The pods a scale-up preview plans: those the scale adds, and those the current counts already ask
 * for that are not running (Pending on the cluster, or not created yet), which need room too; and how
 * many of each the plan leaves out (podsLeftOut, counted over the added pods alone and over all).
 */
interface PlannedPods {
  added: number;
  waiting: number;
  /** Real names of the waiting pods that exist on the cluster, not bound yet. */
  pending: string[];
  notCreated: number;
  addedLeftOut: number;
  waitingLeftOut: number;
}

function plannedPods(impact: ScalePreview): PlannedPods {
  const added = new Set(impact.added);
  const isAdded = (name: string) => added.has(name);
  const addedLeftOut = podsLeftOut(impact.plan.gangs.map((g) => ({ ...g, unplacedOptionalPods: g.unplacedOptionalPods?.filter(isAdded), unplacedPods: g.unplacedPods?.filter(isAdded) })));
  const pending = Object.values(impact.pending).flat();
  const { waiting } = plannedPodCounts(impact);
  return { added: added.size, waiting, pending, notCreated: Math.max(0, waiting - pending.length), addedLeftOut, waitingLeftOut: podsLeftOut(impact.plan.gangs) - addedLeftOut };
}

/** "2 new pods will not be placed, and neither will 1 pod already waiting": what a partial plan leaves out, new and waiting pods counted apart. */
function leftOutText(p: PlannedPods): string {
  const waiting = `${plural(p.waitingLeftOut, 'pod')} already waiting`;
  if (p.addedLeftOut === 0) return `${waiting} will not be placed`;
  const added = `${plural(p.addedLeftOut, 'new pod')} will not be placed`;
  return p.waitingLeftOut === 0 ? added : `${added}, and neither will ${waiting}`;
}

/** A few names, then how many more: a scale past what fits can leave dozens waiting. */
function someNames(names: readonly string[], shown = 3): string {
  return names.length <= shown ? names.join(', ') : `${names.slice(0, shown).join(', ')} and ${names.length - shown} more`;
}

/** "2 new pods and 1 pod already waiting (Pending: x) are planned: …", for a preview that plans pods the current counts already asked for. */
function waitingText(p: PlannedPods): string {
  const pending = p.pending.length > 0 ? `Pending: ${someNames(p.pending)}` : '';
  const notCreated = p.notCreated > 0 ? 'not created yet' : '';
  const detail = pending && notCreated ? `${p.pending.length} ${pending}; ${p.notCreated} ${notCreated}` : pending || notCreated;
  return `${plural(p.added, 'new pod')} and ${plural(p.waiting, 'pod')} already waiting (${detail}) are planned: the pods already waiting need room too.`;
}

/** Pods a scale-down removes (those of the replicas above the new count; for a PodClique, the excess). */
function countPods(tree: WorkloadTree, target: ScaleTargetInfo, from: number, to: number): number {
  return totalStageCount(scaleProgress(tree, target, from, to).counts);
}

/** The placement preview of `scale` on the cluster as `data` has it now, with the stack's own objects (stackGroveObjects), or why there is none. */
function scaleImpact(data: Pick<WorkloadData, 'state' | 'stateError'>, objects: GroveObjects, scale: ScaleTarget): { impact?: ScalePreview; impactError?: string } {
  if (!data.state) return { impactError: data.stateError ?? 'the cluster’s nodes are not loaded yet, so placement cannot be previewed' };
  try {
    return { impact: previewScale(data.state, objects, scale) };
  } catch (e) {
    return { impactError: failureText(e) };
  }
}

/** The minAvailable breach of this scale (minAvailableBreach, as previewScale reports it), from the stack's objects alone. */
function scaleBreach(tree: WorkloadTree, target: ScaleTargetInfo, to: number): MinAvailableBreach | undefined {
  if (target.kind === 'PodCliqueSet') return undefined;
  const object = target.kind === 'PodCliqueScalingGroup' ? tree.scalingGroups.find((g) => g.name === target.name)?.object : tree.podCliques.find((c) => c.name === target.name)?.object;
  return object ? minAvailableBreach(tree.pcs, object, target.kind, target.replicas, to) : undefined;
}
