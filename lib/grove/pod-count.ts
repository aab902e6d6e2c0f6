/**
 * How many pods a PodCliqueSet asks for, counted from its spec without expanding it: PCS replicas ×
 * (standalone clique replicas + Σ scaling group replicas × the group's clique replicas). Arithmetic
 * only, so the count of a `replicas: 1000000` manifest costs what the count of a small one does, and a
 * caller can refuse it before anything is built. Tolerant of malformed input (the count runs before
 * validation): a part of the wrong type counts as the expansion builds it, a replica count that is not
 * a number as 0 (builtReplicas, which the expansion loops over too).
 */
import { isRecord } from './meta';

/**
 * How many replicas Canopy builds for a `replicas` value: ⌈n⌉ for a positive number, 0 for anything
 * else (a string such as "20000" included; the schema pass reports its type). The one rule for the
 * count here and for the expansion's loops (expand.ts), so the two cannot disagree.
 */
export function builtReplicas(value: unknown): number {
  return typeof value === 'number' && value > 0 ? Math.ceil(value) : 0;
}

/** a × b where 0 × ∞ is 0 (no replicas of an unbounded template build nothing). */
function times(a: number, b: number): number {
  return a === 0 || b === 0 ? 0 : a * b;
}

/** A clique's replicas after Grove's defaulting (0 becomes 1). */
function cliqueReplicas(clique: Record<string, unknown>): number {
  const replicas = isRecord(clique.spec) ? clique.spec.replicas : undefined;
  return replicas === 0 ? 1 : builtReplicas(replicas);
}

function namesOf(group: Record<string, unknown>): string[] {
  return Array.isArray(group.cliqueNames) ? group.cliqueNames.filter((n): n is string => typeof n === 'string') : [];
}

/** Pods one replica of a PodCliqueSet's template has, scaling groups at their template replicas. */
export function podsPerPodCliqueSetReplica(template: unknown): number {
  if (!isRecord(template)) return 0;
  const cliques = Array.isArray(template.cliques) ? template.cliques.filter(isRecord) : [];
  const groups = Array.isArray(template.podCliqueScalingGroups) ? template.podCliqueScalingGroups.filter(isRecord) : [];
  // A clique listed by two groups belongs to the first (as the expansion and Grove take it).
  const groupOf = new Map<string, number>();
  groups.forEach((g, i) => {
    for (const name of namesOf(g)) if (!groupOf.has(name)) groupOf.set(name, i);
  });
  const perGroupReplica = groups.map(() => 0);
  let pods = 0;
  for (const clique of cliques) {
    const group = typeof clique.name === 'string' ? groupOf.get(clique.name) : undefined;
    if (group === undefined) pods += cliqueReplicas(clique);
    else perGroupReplica[group]! += cliqueReplicas(clique);
  }
  groups.forEach((g, i) => {
    // Absent or null is defaulted to 1 (as defaultPodCliqueSet does).
    pods += times(builtReplicas(g.replicas ?? 1), perGroupReplica[i]!);
  });
  return pods;
}

/** Pods one replica of a scaling group adds: the template replicas of the cliques it names. */
export function podsPerScalingGroupReplica(template: unknown, cliqueNames: readonly string[]): number {
  if (!isRecord(template) || !Array.isArray(template.cliques)) return 0;
  const names = new Set(cliqueNames);
  return template.cliques.filter(isRecord).reduce((n, c) => n + (typeof c.name === 'string' && names.has(c.name) ? cliqueReplicas(c) : 0), 0);
}

/** The replica count and pods a PodCliqueSet's spec asks for. */
export function podCliqueSetPodCount(pcs: unknown): { replicas: number; podsPerReplica: number; pods: number } {
  const spec = isRecord(pcs) && isRecord(pcs.spec) ? pcs.spec : {};
  const replicas = builtReplicas(spec.replicas);
  const podsPerReplica = podsPerPodCliqueSetReplica(spec.template);
  return { replicas, podsPerReplica, pods: times(replicas, podsPerReplica) };
}
