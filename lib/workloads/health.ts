/**
 * Health of one stack at a glance (API-NOTES §9's roll-up): available vs desired replicas, what is
 * wrong or worth knowing, GPUs, pods per stage and age. `state` is one word a list can sort and colour
 * by; `notes` say why in sentences, each with its weight.
 *
 * Pods on their way (gated, Pending without an Unschedulable condition yet, bound and starting) are not
 * a problem, nor is the MinAvailableBreached Grove sets while they start (pods of it on their way): the
 * stack is progressing.
 * A pod the scheduler refused above its clique's minAvailable is a warning, with how long it has
 * waited: the gang runs without it. A scaled PodGang the scheduler refused (a scaling-group replica
 * past the group's minAvailable, with a gang of its own) runs nowhere: its own note names the replica
 * and weighs as a gang minimum does (the clock below), and the stack is not healthy meanwhile
 * (progressing, degraded once a problem), though its base gang runs. Degraded means something needs a
 * person: a gang minimum that cannot be scheduled (see the clock below), failed or crashing pods,
 * operator errors, a required topology pack (of the PodCliqueSet, a scaling-group replica or a clique)
 * its pods do not keep to (packs.ts).
 *
 * Time matters, as it does to anyone reading `kubectl get pods`: the caller passes `now` (ms; lib/ reads
 * no clock) and the notes say how long pods have waited, from the timestamps the objects carry. A gang
 * minimum the scheduler refused is part of starting for its first minutes (an autoscaler may be adding
 * nodes, other pods may be leaving), then a warning, then a problem; at once a problem when it would not
 * fit even on an empty cluster (waiting cannot help). A stack still starting past the progress deadline
 * is a warning. Without `now` (or without timestamps) nothing is aged, and a refused gang minimum is a
 * problem at once, as it always was.
 *
 * A MinAvailableBreached that has settled (the clique or group scaled below its minAvailable, or nothing
 * of it on its way to end the breach) is a problem: Grove gang-terminates the replica once it has
 * lasted the PodCliqueSet's terminationDelay, and the note counts down to that moment. A breach with
 * pods on their way (a model still loading: running, not Ready) stays starting however long it lasts,
 * a warning past the progress deadline like any slow start.
 *
 * A rolling update Grove drives (a template change under RollingRecreate: status.updateProgress
 * started and not ended, one PodCliqueSet replica at a time) reads "Updating: N of M replicas updated",
 * with the replica being updated and what in it is being replaced, in place of "Starting": its pods are
 * replaced on purpose. Grove marks the updating PodCliques and scaling groups MinAvailableBreached
 * Unknown/UpdateInProgress, which is not a breach (tree.ts reads only True).
 */
import type { ClusterState, NodeInfo, PodInfo, TopologyInfo } from '../cluster/state';
import type { Condition, LastError } from '../grove/meta';
import { DEFAULT_TERMINATION_DELAY } from '../grove/podcliqueset';
import { parseGoDuration } from '../grove/validate/duration';
import { isLiveStage, isUnschedulable, LIVE_STAGES, podCondition, type PodObject, type StageCounts } from './pods';
import { workloadDeletion } from './deletion';
import { plural } from './plural';
import { placePendingGangs } from './placement';
import { boundPodsByGang } from '../placement/pin';
import { unmetRequiredPacks } from './packs';
import type { CliqueNode, PodNode, ScalingGroupNode, WorkloadTree } from './tree';

/** deleting: the PodCliqueSet has a deletionTimestamp and its teardown is under way (lib/workloads/deletion.ts); it outranks the rest. */
export const HEALTH_STATES = ['degraded', 'deleting', 'progressing', 'healthy', 'idle'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

/** problem: needs a person (makes the stack degraded); warning: worth knowing, the stack runs; info: what is going on. */
export type HealthSeverity = 'problem' | 'warning' | 'info';

export interface HealthNote {
  severity: HealthSeverity;
  text: string;
  /** When what the note ages began (RFC 3339), for notes that say how long: a page can show the moment. */
  since?: string;
}

/**
 * How long a refused gang minimum reads as still starting. Schedulers retry a refused pod as soon as
 * the cluster changes in a way that could make room (KAI every scheduling cycle, about a second), so a
 * refusal still standing after 2 minutes is no queue hiccup: worth a warning. An autoscaler may still
 * be bringing nodes (that takes minutes), so not yet a problem.
 */
export const UNSCHEDULABLE_GRACE_MS = 2 * 60_000;

/**
 * Kubernetes' own patience: a Deployment's default progressDeadlineSeconds is 600 s, after which
 * `kubectl rollout status` gives up and Argo CD calls it Degraded. Inference images (tens of GB) and
 * model loads take minutes, so a shorter deadline would flag ordinary cold starts. A stack still
 * starting past it gets a warning; a gang minimum still refused past it is a problem.
 */
export const PROGRESS_DEADLINE_MS = 10 * 60_000;

export interface WorkloadHealth {
  namespace: string;
  name: string;
  desired: number;
  available: number;
  state: HealthState;
  /** Problems first, then warnings, then what is in progress. */
  notes: HealthNote[];
  /** The notes' sentences, in the same order (what a list column shows). */
  problems: string[];
  /** GPUs of pods bound to a node (what the stack holds now). */
  gpusUsed: number;
  /** GPUs all its live pods ask for (bound or not). */
  gpusRequested: number;
  pods: StageCounts;
  podCount: number;
  createdAt?: string;
  /** A note's text or weight depends on `now` (an age, a threshold): recompute as the clock moves. */
  timeDependent: boolean;
  /** How often the finest duration the notes show changes (durationTickMs): what a clock showing them should tick at. None shown: absent. */
  tickMs?: number;
}

/** A rolling update under way, as the PodCliqueSet's status tells it (Grove's isAutoUpdateInProgress). */
export interface RollingUpdate {
  /** status.updatedReplicas: replicas available on the new template. */
  updated: number;
  desired: number;
  /** status.updateProgress.currentlyUpdating[0].replicaIndex, when Grove has picked one. */
  replica?: number;
  /** updateProgress.updateStartedAt. */
  since?: string;
  /** What the replica is replacing now: "pod <name>", "<scaling group> replica <j>". */
  replacing: string[];
}

/**
 * Grove's MinAvailableBreached False for a PodClique or scaling group with nothing scheduled
 * (InsufficientScheduledPods, InsufficientScheduledPodCliqueScalingGroupReplicas): below minAvailable,
 * yet no breach, as gang termination would only bring back the same Pending pods.
 */
function nothingScheduled(o: { status?: { conditions?: Condition[] } }): boolean {
  const c = o.status?.conditions?.find((x) => x.type === 'MinAvailableBreached');
  return c?.status === 'False' && /^InsufficientScheduled/.test(c.reason ?? '');
}

/** A PodClique or scaling group whose MinAvailableBreached is True, with what it has against its minimum. */
interface Breach {
  kind: 'PodClique' | 'PodCliqueScalingGroup';
  name: string;
  c: Condition;
  pods: PodNode[];
  /** spec.replicas (pods of a clique, replicas of a group). */
  replicas: number;
  minAvailable: number;
  /** Pods (replicas of a group) the spec asks for that do not exist yet: the operator is creating them. */
  missing: number;
  /** What it has now, in the condition's terms: "1 of 2 scheduled". */
  have: number;
  measure: 'scheduled' | 'ready' | 'replicas available';
  /** What Grove gang-terminates once terminationDelay has passed: "replica 0", "<group> replica 1". */
  target: string;
}

/** A clique's live pods bound to a node (scheduled, in Grove's ScheduledReplicasBelowMinAvailable terms); none without it. */
const boundIn = (c: CliqueNode | undefined) => (c ? c.pods.filter((p) => p.node && isLiveStage(p.stage)).length : 0);
/** Pods a clique's spec asks for that are not there live: the operator is creating them. */
const missingIn = (c: CliqueNode) => Math.max(0, c.replicas - LIVE_STAGES.reduce((n, stage) => n + c.counts[stage], 0));

/**
 * What Grove gang-terminates for a clique's breach (PCSG sync.go processMinAvailableBreachedPCSGReplicas):
 * a clique of a scaling group takes down only its group replica while the group keeps its own
 * minAvailable without its breached replicas (those with any clique MinAvailableBreached); else the
 * group is breached and its PodCliqueSet replica goes, as for a standalone clique.
 */
function cliqueTarget(c: CliqueNode, groups: readonly ScalingGroupNode[]): string {
  const sg = c.scalingGroup;
  const group = sg && groups.find((g) => g.name === sg.name);
  if (sg && group) {
    const breachedReplicas = group.replicaNodes.filter((r) => r.cliques.some((x) => x.breached)).length;
    if (group.replicas - breachedReplicas >= group.minAvailable) return `${sg.name} replica ${sg.replicaIndex}`;
  }
  return `replica ${c.pcsIndex}`;
}

function cliqueBreach(c: CliqueNode, groups: readonly ScalingGroupNode[]): Breach {
  const scheduled = c.breached!.reason === 'ScheduledReplicasBelowMinAvailable';
  return {
    kind: 'PodClique',
    name: c.name,
    c: c.breached!,
    pods: c.pods,
    replicas: c.replicas,
    minAvailable: c.minAvailable,
    missing: missingIn(c),
    have: scheduled ? boundIn(c) : c.counts.ready,
    measure: scheduled ? 'scheduled' : 'ready',
    target: cliqueTarget(c, groups),
  };
}

function groupBreach(g: ScalingGroupNode): Breach {
  // A group replica is available when each of its cliques has its minAvailable ready (Grove's availableReplicas),
  // counted from the pods: the group's status.availableReplicas lags them, and the breach is read against the pods.
  const available = g.replicaNodes.filter((r) => r.cliques.length > 0 && r.cliques.every((c) => c.counts.ready >= c.minAvailable)).length;
  const present = new Set(g.replicaNodes.filter((r) => r.cliques.length > 0).map((r) => r.index)).size;
  return {
    kind: 'PodCliqueScalingGroup',
    name: g.name,
    c: g.breached!,
    pods: g.replicaNodes.flatMap((r) => r.cliques.flatMap((c) => c.pods)),
    replicas: g.replicas,
    minAvailable: g.minAvailable,
    missing: Math.max(0, g.replicas - present) + g.replicaNodes.reduce((n, r) => n + r.cliques.reduce((m, c) => m + missingIn(c), 0), 0),
    have: available,
    measure: 'replicas available',
    target: `replica ${g.pcsIndex}`,
  };
}

/**
 * Settled below minAvailable, not starting: its own spec.replicas is under minAvailable (scaled down
 * past it: nothing is coming); or, with less than its minimum, nothing that could end the breach is
 * on its way (no pod of it starting, none being created). With its minimum there the condition lags
 * the pods: not settled. However long pods on their way take, the breach is not settled by time:
 * Grove counts a pod started but not Ready against minAvailable (InsufficientReadyPods), so a model
 * loading for longer than the progress deadline breaches with nothing wrong; the slow start's own
 * late warning says so. Grove's terminationDelay runs all the while (gangterminate.go).
 */
function settledBelowMin(b: Breach, onTheWay: ReadonlySet<PodNode>): boolean {
  if (b.replicas < b.minAvailable) return true;
  // Enough of it already there: the condition has not caught up yet.
  if (b.have >= b.minAvailable) return false;
  return b.missing === 0 && !b.pods.some((p) => onTheWay.has(p));
}

/** The stack's terminationDelay, when the breach began, and what is left of the delay (when both it and `now` are known). */
function terminationCountdown(b: Breach, tree: WorkloadTree, now: number | undefined): { delay: string; since?: number; left?: number } {
  const delay = tree.pcs.spec?.template?.terminationDelay || DEFAULT_TERMINATION_DELAY;
  const delayMs = parseGoDuration(delay);
  const since = parseTime(b.c.lastTransitionTime);
  const left = since !== undefined && now !== undefined && delayMs !== null ? since + delayMs - now : undefined;
  return { delay, ...(since !== undefined ? { since } : {}), ...(left !== undefined ? { left } : {}) };
}

/**
 * What Grove does once terminationDelay runs out: while it runs, the countdown ("Grove gang-terminates
 * replica 0 in 3h45m (terminationDelay 4h)"), which `running` may add to; after, that it has passed.
 */
function gangTerminationText(target: string, delay: string, left: number, running = (text: string) => text): string {
  return left > 0 ? running(`Grove gang-terminates ${target} in ${formatDuration(left)} (terminationDelay ${delay})`) : `terminationDelay ${delay} has passed: Grove gang-terminates ${target}`;
}

/**
 * The note for a breach that has settled: what it has against its minimum, and what Grove does about
 * it (API-NOTES §11): once MinAvailableBreached has been True for the PodCliqueSet's terminationDelay
 * (template.terminationDelay, Grove's default 4h), a standalone clique or a scaling group takes its
 * PodCliqueSet replica down and up again; a clique of a scaling group its scaling-group replica, or
 * the PodCliqueSet replica when the group would fall below its own minAvailable (cliqueTarget).
 * Counts down from the condition's lastTransitionTime when it and `now` are known.
 */
function breachNote(b: Breach, tree: WorkloadTree, now: number | undefined): { text: string; since?: number; left?: number } {
  const { delay, since, left } = terminationCountdown(b, tree, now);
  const { target } = b;
  const short = b.replicas < b.minAvailable;
  const unless = short ? `unless scaled back to at least ${b.minAvailable}` : 'unless it recovers';
  let fate = `Grove gang-terminates ${target} after ${delay} (terminationDelay) ${unless}`;
  if (left !== undefined) fate = gangTerminationText(target, delay, left, (text) => `${text} ${unless}`);
  const text = `${b.kind} ${b.name} below minAvailable (${b.have} of ${b.minAvailable} ${b.measure}${short ? `, spec.replicas ${b.replicas}` : ''}); ${fate}`;
  return { text, ...(since !== undefined && now !== undefined ? { since } : {}), ...(left !== undefined && left > 0 ? { left } : {}) };
}

export function rollingUpdateOf(tree: WorkloadTree): RollingUpdate | undefined {
  const { pcs } = tree;
  const progress = pcs.status?.updateProgress;
  // OnDelete ends its update at once (pods take the template when deleted): nothing runs.
  if (!progress || progress.updateEndedAt || pcs.spec?.updateStrategy?.type === 'OnDelete') return undefined;
  const replica = progress.currentlyUpdating?.[0]?.replicaIndex;
  const replacing: string[] = [];
  if (replica !== undefined) {
    for (const c of tree.podCliques) {
      const p = c.object.status?.updateProgress;
      if (c.pcsIndex === replica && !c.scalingGroup && p && !p.updateEndedAt && p.readyPodsSelectedToUpdate?.current) replacing.push(`pod ${p.readyPodsSelectedToUpdate.current}`);
    }
    for (const g of tree.scalingGroups) {
      const p = g.object.status?.updateProgress;
      const j = p?.readyReplicaIndicesSelectedToUpdate?.current;
      if (g.pcsIndex === replica && p && !p.updateEndedAt && j !== undefined) replacing.push(`${g.name} replica ${j}`);
    }
  }
  return {
    updated: pcs.status?.updatedReplicas ?? 0,
    desired: pcs.spec?.replicas ?? 0,
    ...(replica !== undefined ? { replica } : {}),
    ...(progress.updateStartedAt ? { since: progress.updateStartedAt } : {}),
    replacing,
  };
}

/** Container waiting reasons that mean the pod will not start by itself. */
const STUCK_REASONS = new Set(['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

/** Why a live pod will not start by itself ("CrashLoopBackOff"), if it will not. */
export function stuckReason(pod: PodNode): string | undefined {
  for (const c of (pod.object as PodObject).status?.containerStatuses ?? []) {
    const reason = c.state?.waiting?.reason;
    if (reason && STUCK_REASONS.has(reason)) return `${c.name}: ${reason}`;
  }
  return undefined;
}

const MAX_NAMED = 3;
const named = (names: readonly string[]) => (names.length <= MAX_NAMED ? names.join(', ') : `${names.slice(0, MAX_NAMED).join(', ')} and ${names.length - MAX_NAMED} more`);

const STATUS_WORD: Partial<Record<PodNode['stage'], string>> = { gated: 'SchedulingGated', pending: 'Pending', scheduled: 'Scheduled', running: 'Running' };
const parseTime = (t: string | undefined): number | undefined => {
  const ms = t ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? undefined : ms;
};

/** What a container status tells of when the container ran (the fields notReadySince reads). */
interface ContainerHistory {
  lastState?: { terminated?: { startedAt?: string } };
  state?: { running?: { startedAt?: string }; terminated?: { startedAt?: string } };
}

/**
 * Since when (ms) a live pod has been on its way to Ready: since it was created (kubectl's AGE
 * column), unless it shows it was Ready before and dropped out, then since its Ready condition went
 * False (a pod ready for days that drops out waits from then). The kubelet writes Ready=False at its
 * first sync after binding, so that transition alone says nothing: a pod Pending for 9 minutes then
 * bound would restart its wait at 0s. What shows an earlier Ready: Ready=False set after a run of a
 * container began (its current run, or the last one the kubelet recorded in lastState.terminated),
 * since that first sync comes before any container starts, so a later False can only have come from
 * True. A restart alone shows nothing: a container that crashes while starting restarts without the
 * pod ever being Ready. Otherwise the earlier of creation and the Ready transition; with neither,
 * PodScheduled's. (A pod that was Ready and then crashed more than once shows no run begun before
 * the drop, so it reads from creation: late, which its crash loop is anyway.)
 */
export function notReadySince(pod: PodNode): number | undefined {
  const ready = podCondition(pod.object, 'Ready');
  const droppedAt = ready?.status === 'False' ? parseTime(ready.lastTransitionTime) : undefined;
  if (droppedAt !== undefined && wasReadyBefore(pod, droppedAt)) return droppedAt;
  const known = [parseTime(pod.object.metadata?.creationTimestamp), droppedAt].filter((t): t is number => t !== undefined);
  return known.length > 0 ? Math.min(...known) : parseTime(podCondition(pod.object, 'PodScheduled')?.lastTransitionTime);
}

/** Does the pod show it was Ready before its Ready condition went False at `droppedAt`: did a container run begin before that (see notReadySince)? */
function wasReadyBefore(pod: PodNode, droppedAt: number): boolean {
  const statuses = ((pod.object as PodObject).status?.containerStatuses ?? []) as ContainerHistory[];
  return statuses.some((c) =>
    [c.state?.running?.startedAt, c.state?.terminated?.startedAt, c.lastState?.terminated?.startedAt].some((t) => {
      const started = parseTime(t);
      return started !== undefined && droppedAt > started;
    }),
  );
}

/** What a pod waits for, in the cluster's words: its first False condition on the road to Ready ("Unschedulable: 0/8 nodes are available"). */
export function waitingReason(pod: PodNode): string | undefined {
  for (const type of ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready']) {
    const c = podCondition(pod.object, type);
    if (c?.status === 'False') return [c.reason, c.message].filter(Boolean).join(': ') || undefined;
  }
  return undefined;
}

/**
 * What a stack's health says, from its tree. With `state` (the ClusterState the pods are bound in),
 * required packs its pods do not keep to are problems too (whatever the scheduler), and a refused gang
 * minimum that would not fit even on the empty cluster is one at once. With `now` (ms since the epoch,
 * the caller's clock), notes say how long pods have waited and weigh more as time passes.
 */
export function workloadHealth(tree: WorkloadTree, state?: ClusterState, now?: number): WorkloadHealth {
  const { pcs } = tree;
  const desired = pcs.spec?.replicas ?? 0;
  const available = pcs.status?.availableReplicas ?? 0;
  const live = tree.pods.filter((p) => isLiveStage(p.stage));
  const notes: HealthNote[] = [];
  const add = (severity: HealthSeverity, text: string, since?: number) => notes.push({ severity, text, ...(since !== undefined ? { since: new Date(since).toISOString() } : {}) });
  let timeDependent = false;
  let tickMs: number | undefined;
  // A duration a note shows: the clock must tick as often as its text changes.
  const shown = (ms: number | undefined) => {
    if (ms === undefined) return;
    timeDependent = true;
    tickMs = Math.min(tickMs ?? Infinity, durationTickMs(ms));
  };
  // How long since `since`, when both it and the clock are known.
  const waited = (since: number | undefined) => (since !== undefined && now !== undefined ? Math.max(0, now - since) : undefined);
  const aged = (since: number | undefined) => {
    const ms = waited(since);
    if (ms === undefined) return '';
    shown(ms);
    return ` for ${formatDuration(ms)}`;
  };

  // Unschedulable pods: above the minimum (their clique has minAvailable bound), of a scaled gang that
  // does not run (a whole scaling-group replica), or of a gang minimum.
  const cliqueOf = new Map(tree.podCliques.map((c) => [c.name, c]));
  const refused = live.filter((p) => isUnschedulable(p.object));
  const optional = refused.filter((p) => boundIn(cliqueOf.get(p.podClique)) >= (cliqueOf.get(p.podClique)?.minAvailable ?? Infinity));
  // A scaled PodGang (a scaling-group replica at or past the group's minAvailable, API-NOTES §11) with
  // nothing bound is a gang of its own that does not run at all; one with pods bound lacks pods of its
  // minimum, as a base gang would.
  const idleScaledGangs = new Set(tree.gangs.filter((g) => !g.base && !g.members.some((m) => m.pods.some((p) => p.node && isLiveStage(p.stage)))).map((g) => g.name));
  // A refused gang minimum weighs by how long it has waited; unaged, or one that never fits, is a problem now.
  const neverFits = state && now !== undefined ? gangsThatNeverFit(state, tree, refused.filter((p) => !optional.includes(p))) : new Set<string>();
  const refusedWeight = (p: PodNode): HealthSeverity => {
    const ms = waited(notReadySince(p));
    if (ms === undefined || ms >= PROGRESS_DEADLINE_MS || (p.gang && neverFits.has(p.gang))) return 'problem';
    return ms >= UNSCHEDULABLE_GRACE_MS ? 'warning' : 'info';
  };
  const weighed = refused.filter((p) => !optional.includes(p)).map((p) => ({ pod: p, weight: refusedWeight(p) }));
  const inIdleScaledGang = (p: PodNode) => !!p.gang && idleScaledGangs.has(p.gang);
  const required = weighed.filter((r) => !inIdleScaledGang(r.pod));
  const scaled = weighed.filter((r) => inIdleScaledGang(r.pod));
  const refusedYoung = required.filter((r) => r.weight === 'info').map((r) => r.pod);
  const stuck = live.map((p) => ({ pod: p, reason: stuckReason(p) })).filter((s): s is { pod: PodNode; reason: string } => !!s.reason);
  const failed = tree.pods.filter((p) => p.stage === 'failed');
  const troubled = new Set([...weighed.filter((r) => r.weight !== 'info').map((r) => r.pod), ...stuck.map((s) => s.pod), ...failed]);

  for (const weight of ['problem', 'warning'] as const) {
    const pods = required.filter((r) => r.weight === weight).map((r) => r.pod);
    if (pods.length === 0) continue;
    const gangs = [...new Set(pods.map((p) => p.gang).filter((g): g is string => !!g))];
    const oldest = oldestFirst(pods)[0]!;
    const since = notReadySince(oldest);
    const message = podCondition(oldest.object, 'PodScheduled')?.message;
    const never = gangs.filter((g) => neverFits.has(g));
    add(
      weight,
      `${plural(pods.length, 'pod')} unschedulable${aged(since)}${gangs.length > 0 ? ` (gang ${gangs.join(', ')})` : ''}${message ? `: ${message}` : ''}${neverFitText(never, tree)}`,
      waited(since) !== undefined ? since : undefined,
    );
  }
  if (failed.length > 0) add('problem', `${plural(failed.length, 'pod')} failed`);
  if (stuck.length > 0) add('problem', `${plural(stuck.length, 'pod')} not starting: ${named(stuck.map((s) => `${s.pod.name} (${s.reason})`))}`);
  const lastErrors: LastError[] = pcs.status?.lastErrors ?? [];
  for (const e of lastErrors) add('problem', `${e.code}: ${e.description}`);
  // Every required pack (PodCliqueSet, scaling-group replica, clique) against where the pods are, whatever the scheduler.
  for (const p of state ? unmetRequiredPacks(state, tree) : []) add('problem', p.text);

  // A breach is calm while the pods it counts are on their way; with one of them failing it says so.
  const breached: Breach[] = [...tree.podCliques.filter((c) => c.breached).map((c) => cliqueBreach(c, tree.scalingGroups)), ...tree.scalingGroups.filter((g) => g.breached).map(groupBreach)];
  const breachTroubled = (b: (typeof breached)[number]) => b.pods.some((p) => troubled.has(p));
  for (const b of breached.filter(breachTroubled)) add('warning', `${b.kind} ${b.name}: MinAvailableBreached (${b.c.reason})`);

  if (optional.length > 0) {
    // The longest-waiting one with its age and the scheduler's words, as `kubectl get pods` would put it; the others named.
    const [longest, ...others] = oldestFirst(optional);
    const since = notReadySince(longest!);
    const ms = waited(since);
    shown(ms);
    add(
      'warning',
      `${plural(optional.length, 'pod')} above minAvailable not scheduled: ${podWait(longest!, ms)}${others.length > 0 ? ` (also ${named(others.map((p) => p.name))})` : ''}; the gang runs without ${optional.length === 1 ? 'it' : 'them'}`,
      ms !== undefined ? since : undefined,
    );
  }
  // A scaled gang that cannot be scheduled: a scaling-group replica the stack asked for runs nowhere.
  // It weighs as a gang minimum does (by its longest wait, or at once when it never fits); the base gang
  // runs meanwhile, so the note says so.
  const weightRank: Record<HealthSeverity, number> = { problem: 0, warning: 1, info: 2 };
  const scaledGangs = [...new Set(scaled.map((r) => r.pod.gang!))].map((gang) => {
    const entries = scaled.filter((r) => r.pod.gang === gang);
    const weight = entries.map((r) => r.weight).sort((a, b) => weightRank[a] - weightRank[b])[0]!;
    return { gang, weight, pods: oldestFirst(entries.map((r) => r.pod)) };
  });
  for (const weight of ['problem', 'warning', 'info'] as const) {
    const gangs = scaledGangs.filter((g) => g.weight === weight).sort((a, b) => (notReadySince(a.pods[0]!) ?? Infinity) - (notReadySince(b.pods[0]!) ?? Infinity) || a.gang.localeCompare(b.gang));
    if (gangs.length === 0) continue;
    const [lead, ...rest] = gangs;
    const [longest, ...others] = lead!.pods;
    const since = notReadySince(longest!);
    const ms = waited(since);
    shown(ms);
    const group = cliqueOf.get(longest!.podClique)?.scalingGroup;
    const bases = [...new Set(gangs.map((g) => tree.gangs.find((x) => x.name === g.gang)?.baseGang).filter((b): b is string => !!b))];
    const more = rest.length > 0 ? `; nor ${plural(rest.length, 'more scaling-group replica')} (PodGang ${named(rest.map((g) => g.gang))})` : '';
    add(
      weight,
      `${group ? `scaling-group replica ${group.name} ${group.replicaIndex} (PodGang ${lead!.gang})` : `scaled PodGang ${lead!.gang}`} not scheduled: ${podWait(longest!, ms)}${others.length > 0 ? ` (also ${named(others.map((p) => p.name))})` : ''}${more}${neverFitText(
        gangs.map((g) => g.gang).filter((g) => neverFits.has(g)),
        tree,
      )}${bases.length > 0 ? `; the base gang${bases.length > 1 ? 's' : ''} ${bases.join(', ')} run${bases.length > 1 ? '' : 's'} without ${gangs.length === 1 ? 'it' : 'them'}` : ''}`,
      ms !== undefined ? since : undefined,
    );
  }
  for (const c of pcs.status?.conditions ?? []) {
    if (c.type === 'TopologyLevelsUnavailable' && c.status !== 'False') add('warning', `TopologyLevelsUnavailable (${c.reason}): ${c.message}`);
  }

  // A scaled gang's pods refused by the scheduler are said in their own note, not as starting.
  const starting = live.filter((p) => p.stage !== 'ready' && !troubled.has(p) && !optional.includes(p) && !(isUnschedulable(p.object) && inIdleScaledGang(p)));
  // A breach none of whose pods is troubled is starting only while pods that could end it are on their way
  // (gated, pending, bound, or running and not Ready yet: a model loading), however long they take;
  // settled below minAvailable, Grove's terminationDelay runs out and the replica is gang-terminated: a problem.
  const onTheWay = new Set(starting);
  const settled = breached.filter((b) => !breachTroubled(b) && settledBelowMin(b, onTheWay));
  for (const b of settled) {
    const n = breachNote(b, tree, now);
    if (n.since !== undefined) timeDependent = true;
    shown(n.left);
    add('problem', n.text, n.since);
  }
  const breachStarting = (b: (typeof breached)[number]) => !breachTroubled(b) && !settled.includes(b);
  const update = rollingUpdateOf(tree);
  if (update) {
    const since = parseTime(update.since);
    const ready = live.filter((p) => p.stage === 'ready').length;
    const where = update.replica !== undefined ? `; replica ${update.replica} being updated${update.replacing.length > 0 ? ` (replacing ${named(update.replacing)})` : ''}` : '';
    add('info', `Updating${aged(since)}: ${update.updated} of ${plural(update.desired, 'replica')} updated${where}; ${ready} of ${plural(live.length, 'pod')} ready`, waited(since) !== undefined ? since : undefined);
  }
  if (starting.length > 0) {
    // Below minAvailable too: nothing of it scheduled yet, which Grove does not call a breach (MinAvailableBreached False/InsufficientScheduled…).
    const calm = new Set(breached.filter(breachStarting).map((b) => b.name));
    // A refused scaled gang's cliques have their own note: they are not on their way.
    const refusedScaled = new Set(scaled.map((r) => r.pod.gang));
    const waiting = [...tree.podCliques.filter((c) => !refusedScaled.has(c.gang)), ...tree.scalingGroups].filter((x) => calm.has(x.name) || nothingScheduled(x.object)).map((x) => x.name);
    const ready = live.filter((p) => p.stage === 'ready').length;
    // The stack has been starting since its longest-waiting pod began to wait.
    const longest = oldestFirst(starting)[0]!;
    const since = notReadySince(longest);
    const ms = waited(since);
    const late = ms !== undefined && ms >= PROGRESS_DEADLINE_MS;
    // Who holds it up, with age and reason: the scheduler's refusals while young, the longest wait once late.
    const holdup = refusedYoung.length > 0 ? oldestFirst(refusedYoung)[0]! : late ? longest : undefined;
    const others = holdup ? (refusedYoung.length > 0 ? refusedYoung.length : starting.length) - 1 : 0;
    const holdupMs = holdup ? waited(notReadySince(holdup)) : undefined;
    shown(holdupMs);
    const holdupText = holdup ? `; ${podWait(holdup, holdupMs)}${others > 0 ? ` (and ${others} more waiting)` : ''}` : '';
    // Late with a breach that is True (pods started but not Ready: InsufficientReadyPods): Grove's
    // terminationDelay runs all the while, so the warning says when it would act, from the first breach.
    const clock = late
      ? breached
          .filter(breachStarting)
          .map((b) => ({ b, ...terminationCountdown(b, tree, now) }))
          .filter((x) => x.left !== undefined)
          .sort((x, y) => x.left! - y.left!)[0]
      : undefined;
    if (clock) shown(Math.max(0, clock.left!));
    const fateText = clock ? `; ${gangTerminationText(clock.b.target, clock.delay, clock.left!, (text) => `if still below minAvailable, ${text}`)}` : '';
    // Mid-update the Updating note speaks for pods on their way; a pod late past the deadline is still a warning.
    if (!update || late || refusedYoung.length > 0) {
      add(
        late ? 'warning' : 'info',
        `Starting${aged(since)}: ${ready} of ${plural(live.length, 'pod')} ready${holdupText}${waiting.length > 0 ? `; below minAvailable until their pods are ready: ${named(waiting)}` : ''}${fateText}`,
        ms !== undefined ? since : undefined,
      );
    }
  }

  // Being deleted: whatever else holds, the stack is going away, and that is said first.
  const deletion = workloadDeletion(tree);
  let health: HealthState;
  if (deletion) health = 'deleting';
  else if (desired === 0 && live.length === 0) health = 'idle';
  else if (notes.some((n) => n.severity === 'problem')) health = 'degraded';
  // A scaling-group replica that does not run is not healthy: the stack has less than was asked of it.
  else if (available >= desired && breached.length === 0 && starting.length === 0 && !update && scaled.length === 0) health = 'healthy';
  else health = 'progressing';

  const order: HealthSeverity[] = ['problem', 'warning', 'info'];
  const sorted = order.flatMap((severity) => notes.filter((n) => n.severity === severity));
  if (deletion) sorted.unshift({ severity: 'info', text: deletion.text, since: deletion.since });
  return {
    namespace: tree.namespace,
    name: tree.name,
    desired,
    available,
    state: health,
    notes: sorted,
    problems: sorted.map((n) => n.text),
    gpusUsed: live.filter((p) => p.node).reduce((n, p) => n + p.gpus, 0),
    gpusRequested: live.reduce((n, p) => n + p.gpus, 0),
    pods: tree.counts,
    podCount: tree.pods.length,
    ...(pcs.metadata?.creationTimestamp ? { createdAt: pcs.metadata.creationTimestamp } : {}),
    timeDependent,
    ...(tickMs !== undefined ? { tickMs } : {}),
  };
}

/**
 * "; gang X would not fit even on an empty cluster" for gangs that never fit (gangsThatNeverFit); a
 * gang with pods running is kept beside them, so it says so.
 */
function neverFitText(gangs: readonly string[], tree: WorkloadTree): string {
  if (gangs.length === 0) return '';
  const running = (name: string) => tree.gangs.some((g) => g.name === name && g.members.some((m) => m.pods.some((p) => p.node && isLiveStage(p.stage))));
  const fresh = gangs.filter((g) => !running(g));
  const joining = gangs.filter(running);
  return [
    ...(fresh.length > 0 ? [`; gang ${fresh.join(', ')} would not fit even on an empty cluster`] : []),
    ...(joining.length > 0 ? [`; gang ${joining.join(', ')} would not fit beside its running pods even with every other pod gone`] : []),
  ].join('');
}

/** Longest-waiting first (unknown times last), then by name: the same pod leads on every render. */
function oldestFirst(pods: readonly PodNode[]): PodNode[] {
  return pods
    .map((p) => ({ p, since: notReadySince(p) ?? Infinity }))
    .sort((a, b) => a.since - b.since || a.p.name.localeCompare(b.p.name))
    .map((x) => x.p);
}

/** One pod's wait as `kubectl get pods` would put it: "decode-0 Pending 12m: Unschedulable: 0/8 nodes are available". */
function podWait(pod: PodNode, ms: number | undefined): string {
  const reason = waitingReason(pod);
  return `${pod.name} ${STATUS_WORD[pod.stage] ?? pod.stage}${ms !== undefined ? ` ${formatDuration(ms)}` : ''}${reason ? `: ${reason}` : ''}`;
}

// Per node list and topology list (what an empty cluster is made of), per PodCliqueSet: the engine's
// verdict for a gang's waiting pods, so a stuck stack re-read every clock tick runs the engine once.
const neverFitMemo = new WeakMap<readonly NodeInfo[], WeakMap<readonly TopologyInfo[], WeakMap<object, Map<string, boolean>>>>();

/**
 * Gangs of `refused` pods the placement engine cannot place even on `state` emptied of every other
 * pod: no wait makes room, the request must change (what `canopy place` reports as exceedsCapacity).
 * A gang's own bound pods stay: they do not move while it waits, and its new pods must join the
 * required domains they run in (as "why pending" places them, lib/workloads/placement.ts).
 */
export function gangsThatNeverFit(state: ClusterState, tree: WorkloadTree, refused: readonly PodNode[]): Set<string> {
  const gangs = [...new Set(refused.map((p) => p.gang).filter((g): g is string => !!g))].sort();
  const out = new Set<string>();
  if (gangs.length === 0) return out;
  let byTopologies = neverFitMemo.get(state.nodes);
  if (!byTopologies) neverFitMemo.set(state.nodes, (byTopologies = new WeakMap()));
  let byPcs = byTopologies.get(state.topologies);
  if (!byPcs) byTopologies.set(state.topologies, (byPcs = new WeakMap()));
  let verdicts = byPcs.get(tree.pcs);
  if (!verdicts) byPcs.set(tree.pcs, (verdicts = new Map()));
  const bound = boundPodsByGang(state.pods);
  const ownOf = (gang: string) => bound.get(`${tree.namespace}/${gang}`) ?? [];
  // The verdict holds while the same pods wait and the gang's own pods sit on the same nodes.
  const keyOf = (gang: string) =>
    `${gang}|${refused.filter((p) => p.gang === gang).map((p) => p.name).sort().join(',')}|${ownOf(gang).map((p) => `${p.name}@${p.nodeName}`).sort().join(',')}`;
  const unknown = gangs.filter((g) => !verdicts.has(keyOf(g)));
  if (unknown.length > 0) {
    // The emptied cluster keeps the bound pods of every gang asked about.
    const own = gangs.flatMap(ownOf);
    let placed: Map<string, { placed: boolean }>;
    try {
      placed = placePendingGangs({ ...state, pods: own }, tree, unknown, unknown.length);
    } catch {
      placed = new Map(); // an expansion the engine cannot read: no verdict, the clock decides
    }
    for (const g of unknown) verdicts.set(keyOf(g), placed.get(g)?.placed === false);
  }
  for (const g of gangs) if (verdicts.get(keyOf(g))) out.add(g);
  return out;
}

/** kubectl's AGE column: 45s, 12m, 5h, 3d (two units below a few days: 2d4h, 1h30m, 5m10s). */
export function formatAge(createdAt: string | undefined, now: number): string {
  const t = parseTime(createdAt);
  return t === undefined ? '—' : formatDuration(now - t);
}

/** How often formatAge(createdAt, now)'s text changes (durationTickMs); undefined without a time. */
export function ageTickMs(createdAt: string | undefined, now: number): number | undefined {
  const t = parseTime(createdAt);
  return t === undefined ? undefined : durationTickMs(now - t);
}

/** How often formatDuration's text changes, by the unit it ends in: seconds, minutes, hours, days. */
const DURATION_TICKS_MS = [1000, 60_000, 3_600_000, 86_400_000] as const;

/** How often formatDuration(ms) changes from `ms` on: every second while it shows seconds (under 10 minutes), then every minute, hour, day. */
export function durationTickMs(ms: number): number {
  const m = Math.max(0, ms) / 60_000;
  if (m < 10) return DURATION_TICKS_MS[0];
  if (m < 8 * 60) return DURATION_TICKS_MS[1];
  if (m < 8 * 24 * 60) return DURATION_TICKS_MS[2];
  return DURATION_TICKS_MS[3];
}

/** A duration as kubectl prints ages (see formatAge); negative (clock skew) reads as 0s. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60 ? `${s % 60}s` : ''}`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return `${h}h${m % 60 ? `${m % 60}m` : ''}`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return `${d}d${h % 24 ? `${h % 24}h` : ''}`;
  return d < 365 * 2 ? `${d}d` : `${Math.floor(d / 365)}y`;
}

export type WorkloadSortKey = 'name' | 'namespace' | 'health' | 'available' | 'gpus' | 'age';

/** Rows matching `filter` (name, namespace, state or a problem, case-insensitive), sorted. */
export function filterAndSortWorkloads(rows: readonly WorkloadHealth[], filter: string, key: WorkloadSortKey, direction: 'asc' | 'desc'): WorkloadHealth[] {
  const needle = filter.trim().toLowerCase();
  const matches = (r: WorkloadHealth) =>
    !needle || r.name.toLowerCase().includes(needle) || r.namespace.toLowerCase().includes(needle) || r.state.includes(needle) || r.problems.some((p) => p.toLowerCase().includes(needle));
  const byName = (a: WorkloadHealth, b: WorkloadHealth) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);
  const compare: Record<WorkloadSortKey, (a: WorkloadHealth, b: WorkloadHealth) => number> = {
    name: (a, b) => a.name.localeCompare(b.name) || a.namespace.localeCompare(b.namespace),
    namespace: byName,
    health: (a, b) => HEALTH_STATES.indexOf(a.state) - HEALTH_STATES.indexOf(b.state),
    available: (a, b) => a.available / Math.max(1, a.desired) - b.available / Math.max(1, b.desired),
    gpus: (a, b) => a.gpusUsed - b.gpusUsed,
    // By age: ascending = youngest first.
    age: (a, b) => Date.parse(b.createdAt ?? '') - Date.parse(a.createdAt ?? '') || 0,
  };
  const sign = direction === 'asc' ? 1 : -1;
  return rows.filter(matches).sort((a, b) => sign * compare[key](a, b) || byName(a, b));
}
