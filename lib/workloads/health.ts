/**
 * Health of one stack at a glance (API-NOTES §9's roll-up): available vs desired replicas, what is
 * wrong or worth knowing, GPUs, pods per stage and age. `state` is one word a list can sort and colour
 * by; `notes` say why in sentences, each with its weight.
 *
 * Pods on their way (gated, Pending without an Unschedulable condition yet, bound and starting) are not
 * a problem, nor is the MinAvailableBreached Grove sets while they start: the stack is progressing.
 * A pod the scheduler refused above its clique's minAvailable (or in a scaled gang) is a warning: the
 * gang runs without it. Degraded means something needs a person: a gang minimum that cannot be
 * scheduled, failed or crashing pods, operator errors, a gang spread past its required domain.
 */
import type { ClusterState } from '../cluster/state';
import { expandPodGangs } from '../grove/expand';
import type { Condition, LastError } from '../grove/meta';
import { placesPodsIndependently, schedulerNameOf } from '../placement/backend';
import { isLiveStage, isUnschedulable, podCondition, type PodObject, type StageCounts } from './pods';
import { workloadTopology } from './placement';
import type { CliqueNode, PodNode, WorkloadTree } from './tree';

export const HEALTH_STATES = ['degraded', 'progressing', 'healthy', 'idle'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

/** problem: needs a person (makes the stack degraded); warning: worth knowing, the stack runs; info: what is going on. */
export type HealthSeverity = 'problem' | 'warning' | 'info';

export interface HealthNote {
  severity: HealthSeverity;
  text: string;
}

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

/**
 * What a stack's health says, from its tree. With `state` (the ClusterState the pods are bound in),
 * gangs spread across more than their required topology domain are problems too.
 */
export function workloadHealth(tree: WorkloadTree, state?: ClusterState): WorkloadHealth {
  const { pcs } = tree;
  const desired = pcs.spec?.replicas ?? 0;
  const available = pcs.status?.availableReplicas ?? 0;
  const live = tree.pods.filter((p) => isLiveStage(p.stage));
  const notes: HealthNote[] = [];
  const add = (severity: HealthSeverity, text: string) => notes.push({ severity, text });

  // Unschedulable pods: above the minimum (their clique has minAvailable bound, or a scaled gang) or of it.
  const cliqueOf = new Map(tree.podCliques.map((c) => [c.name, c]));
  const scaledGangs = new Set(tree.gangs.filter((g) => !g.base).map((g) => g.name));
  const boundIn = (c: CliqueNode | undefined) => (c ? c.pods.filter((p) => p.node && isLiveStage(p.stage)).length : 0);
  const refused = live.filter((p) => isUnschedulable(p.object));
  const optional = refused.filter((p) => (p.gang && scaledGangs.has(p.gang)) || boundIn(cliqueOf.get(p.podClique)) >= (cliqueOf.get(p.podClique)?.minAvailable ?? Infinity));
  const required = refused.filter((p) => !optional.includes(p));
  const stuck = live.map((p) => ({ pod: p, reason: stuckReason(p) })).filter((s): s is { pod: PodNode; reason: string } => !!s.reason);
  const failed = tree.pods.filter((p) => p.stage === 'failed');
  const troubled = new Set([...required, ...stuck.map((s) => s.pod), ...failed]);

  if (required.length > 0) {
    const gangs = [...new Set(required.map((p) => p.gang).filter(Boolean))];
    add('problem', `${plural(required.length, 'pod')} unschedulable${gangs.length > 0 ? ` (gang ${gangs.join(', ')})` : ''}`);
  }
  if (failed.length > 0) add('problem', `${plural(failed.length, 'pod')} failed`);
  if (stuck.length > 0) add('problem', `${plural(stuck.length, 'pod')} not starting: ${named(stuck.map((s) => `${s.pod.name} (${s.reason})`))}`);
  const lastErrors: LastError[] = pcs.status?.lastErrors ?? [];
  for (const e of lastErrors) add('problem', `${e.code}: ${e.description}`);
  const spans = state ? requiredDomainSpans(state, tree) : [];
  for (const s of spans) add('problem', s);

  // A breach is calm while the pods it counts are on their way; with one of them failing it says so.
  const breached: { kind: string; name: string; c: Condition; pods: PodNode[] }[] = [
    ...tree.podCliques.filter((c) => c.breached).map((c) => ({ kind: 'PodClique', name: c.name, c: c.breached!, pods: c.pods })),
    ...tree.scalingGroups
      .filter((g) => g.breached)
      .map((g) => ({ kind: 'PodCliqueScalingGroup', name: g.name, c: g.breached!, pods: g.replicaNodes.flatMap((r) => r.cliques.flatMap((c) => c.pods)) })),
  ];
  const breachStarting = (b: (typeof breached)[number]) => !b.pods.some((p) => troubled.has(p));
  for (const b of breached.filter((x) => !breachStarting(x))) add('warning', `${b.kind} ${b.name}: MinAvailableBreached (${b.c.reason})`);

  if (optional.length > 0) {
    const message = podCondition(optional[0]!.object, 'PodScheduled')?.message;
    add('warning', `${plural(optional.length, 'pod')} above minAvailable not scheduled (${named(optional.map((p) => p.name))})${message ? `: ${message}` : ''}; the gang runs without ${optional.length === 1 ? 'it' : 'them'}`);
  }
  for (const c of pcs.status?.conditions ?? []) {
    if (c.type === 'TopologyLevelsUnavailable' && c.status !== 'False') add('warning', `TopologyLevelsUnavailable (${c.reason}): ${c.message}`);
  }

  const starting = live.filter((p) => p.stage !== 'ready' && !troubled.has(p) && !optional.includes(p));
  if (starting.length > 0) {
    const waiting = breached.filter(breachStarting).map((b) => b.name);
    const ready = live.filter((p) => p.stage === 'ready').length;
    add('info', `Starting: ${ready} of ${plural(live.length, 'pod')} ready${waiting.length > 0 ? `; below minAvailable until their pods are ready: ${named(waiting)}` : ''}`);
  }

  let health: HealthState;
  if (desired === 0 && live.length === 0) health = 'idle';
  else if (notes.some((n) => n.severity === 'problem')) health = 'degraded';
  else if (available >= desired && breached.length === 0 && starting.length === 0) health = 'healthy';
  else health = 'progressing';

  const order: HealthSeverity[] = ['problem', 'warning', 'info'];
  const sorted = order.flatMap((severity) => notes.filter((n) => n.severity === severity));
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
  };
}

/**
 * Gangs (and the parts of them a constraint packs: a scaling-group replica, a PodClique) whose bound
 * pods lie in more than one domain of the level their `pack.required` names, one sentence each with
 * the domains. Only for gang schedulers: kube-scheduler places pod by pod and ignores the constraints.
 */
export function requiredDomainSpans(state: ClusterState, tree: WorkloadTree): string[] {
  const topology = workloadTopology(state, tree);
  if (!topology) return [];
  const keyOf = new Map(topology.levels.map((l) => [l.domain, l.key]));
  const labelsOf = new Map(state.nodes.map((n) => [n.name, n.labels]));
  const boundPods = new Map(tree.podCliques.map((c) => [c.name, c.pods.filter((p) => p.node && isLiveStage(p.stage))]));
  let gangs;
  try {
    gangs = expandPodGangs(tree.pcs, {
      scalingGroupReplicas: Object.fromEntries(tree.scalingGroups.map((g) => [g.name, g.replicas])),
      podCliqueReplicas: Object.fromEntries(tree.podCliques.map((c) => [c.name, c.replicas])),
    });
  } catch {
    return []; // a PodCliqueSet the expansion cannot read: nothing to compare with
  }
  const out: string[] = [];
  for (const gang of gangs) {
    if (placesPodsIndependently(schedulerNameOf(gang))) continue;
    const check = (what: string, podGroupNames: readonly string[], level: string | undefined) => {
      const key = level ? keyOf.get(level) : undefined;
      if (!level || !key) return; // no such level in the binding: Grove drops the constraint
      const values = new Set<string>();
      for (const name of podGroupNames) for (const p of boundPods.get(name) ?? []) values.add(labelsOf.get(p.node!)?.[key] ?? `(node ${p.node} without ${key})`);
      if (values.size > 1) out.push(`${what} spans ${values.size} ${level}s (${[...values].sort().join(', ')}) though it requires one ${level}`);
    };
    const all = gang.podGroups.map((pg) => pg.name);
    check(`Gang ${gang.name}`, all, gang.topologyConstraint?.required);
    for (const c of gang.groupConfigs) check(`Scaling-group replica ${c.name} of gang ${gang.name}`, c.podGroupNames, c.topologyConstraint?.required);
    for (const pg of gang.podGroups) check(`PodClique ${pg.name} of gang ${gang.name}`, [pg.name], pg.topologyConstraint?.required);
  }
  return out;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** kubectl's AGE column: 45s, 12m, 5h, 3d (two units below a few days: 2d4h, 1h30m, 5m10s). */
export function formatAge(createdAt: string | undefined, now: number): string {
  if (!createdAt) return '—';
  const t = Date.parse(createdAt);
  if (Number.isNaN(t)) return '—';
  const s = Math.max(0, Math.floor((now - t) / 1000));
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
