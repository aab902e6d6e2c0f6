/**
 * Health of one stack at a glance (API-NOTES §9's roll-up): available vs desired replicas, the
 * conditions that say something is wrong, GPUs, pods per stage and age. `state` is one word a list
 * can sort and colour by; `problems` says why in sentences.
 */
import type { Condition, LastError } from '../grove/meta';
import { isUnschedulable, type StageCounts } from './pods';
import type { WorkloadTree } from './tree';

export const HEALTH_STATES = ['degraded', 'progressing', 'healthy', 'idle'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

export interface WorkloadHealth {
  namespace: string;
  name: string;
  desired: number;
  available: number;
  state: HealthState;
  /** Sentences, most important first: unschedulable pods, failed pods, breached minimums, PCS errors. */
  problems: string[];
  /** GPUs of pods bound to a node (what the stack holds now). */
  gpusUsed: number;
  /** GPUs all its live pods ask for (bound or not). */
  gpusRequested: number;
  pods: StageCounts;
  podCount: number;
  createdAt?: string;
}

/** What a stack's health says, from its tree. */
export function workloadHealth(tree: WorkloadTree): WorkloadHealth {
  const { pcs } = tree;
  const desired = pcs.spec?.replicas ?? 0;
  const available = pcs.status?.availableReplicas ?? 0;
  const live = tree.pods.filter((p) => p.stage !== 'succeeded' && p.stage !== 'failed');
  const problems: string[] = [];

  const unschedulable = tree.pods.filter((p) => isUnschedulable(p.object));
  if (unschedulable.length > 0) {
    const gangs = [...new Set(unschedulable.map((p) => p.gang).filter(Boolean))];
    problems.push(`${plural(unschedulable.length, 'pod')} unschedulable${gangs.length > 0 ? ` (gang ${gangs.join(', ')})` : ''}`);
  }
  if (tree.counts.failed > 0) problems.push(`${plural(tree.counts.failed, 'pod')} failed`);
  const breached: { kind: string; name: string; c: Condition }[] = [
    ...tree.podCliques.filter((c) => c.breached).map((c) => ({ kind: 'PodClique', name: c.name, c: c.breached! })),
    ...tree.scalingGroups.filter((g) => g.breached).map((g) => ({ kind: 'PodCliqueScalingGroup', name: g.name, c: g.breached! })),
  ];
  for (const b of breached) problems.push(`${b.kind} ${b.name}: MinAvailableBreached (${b.c.reason})`);
  const lastErrors: LastError[] = pcs.status?.lastErrors ?? [];
  for (const e of lastErrors) problems.push(`${e.code}: ${e.description}`);
  for (const c of pcs.status?.conditions ?? []) {
    if (c.type === 'TopologyLevelsUnavailable' && c.status !== 'False') problems.push(`TopologyLevelsUnavailable (${c.reason}): ${c.message}`);
  }

  let state: HealthState;
  if (desired === 0 && live.length === 0) state = 'idle';
  else if (unschedulable.length > 0 || tree.counts.failed > 0 || lastErrors.length > 0) state = 'degraded';
  else if (available >= desired && breached.length === 0 && live.every((p) => p.stage === 'ready')) state = 'healthy';
  else state = 'progressing';

  return {
    namespace: tree.namespace,
    name: tree.name,
    desired,
    available,
    state,
    problems,
    gpusUsed: live.filter((p) => p.node).reduce((n, p) => n + p.gpus, 0),
    gpusRequested: live.reduce((n, p) => n + p.gpus, 0),
    pods: tree.counts,
    podCount: tree.pods.length,
    ...(pcs.metadata?.creationTimestamp ? { createdAt: pcs.metadata.creationTimestamp } : {}),
  };
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
