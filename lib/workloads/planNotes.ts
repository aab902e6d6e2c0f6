/**
 * What a placement plan says about a gang besides "placed" or "does not fit", in one wording for every
 * preview (scale, builder, topology): pods above minAvailable left out and why, and pods a pod-by-pod
 * scheduler leaves Pending. Pure; takes the plan's own fields.
 */
import type { GangPlacement, Plan } from '../placement/plan';

type GangFacts = Pick<GangPlacement, 'name' | 'independent' | 'unplacedPods' | 'unplacedOptionalPods' | 'unplacedOptionalReason'>;

const pods = (n: number) => `${n} pod${n === 1 ? '' : 's'}`;

const leftOutOf = (g: GangFacts) => (g.unplacedOptionalPods?.length ?? 0) + (g.independent ? (g.unplacedPods?.length ?? 0) : 0);

/** "1 pod of X above minAvailable not placed (pod): reason", or undefined when every pod above the minimum fits. */
export function unplacedOptionalNote(g: GangFacts): string | undefined {
  const left = g.unplacedOptionalPods ?? [];
  if (left.length === 0) return undefined;
  return `${pods(left.length)} of ${g.name} above minAvailable not placed (${left.join(', ')})${g.unplacedOptionalReason ? `: ${g.unplacedOptionalReason}` : ''}`;
}

/** "2 pods of X would stay Pending, the others run: a, b", for a gang whose scheduler places pod by pod. */
export function pendingPodsNote(g: GangFacts): string | undefined {
  const left = g.independent ? (g.unplacedPods ?? []) : [];
  if (left.length === 0) return undefined;
  return `${pods(left.length)} of ${g.name} would stay Pending, the others run: ${left.join(', ')}`;
}

/** Pods of the plan that will not be placed though their gang is (above minAvailable, or left Pending pod by pod). */
export function podsLeftOut(gangs: readonly GangFacts[]): number {
  return gangs.reduce((n, g) => n + leftOutOf(g), 0);
}


/** Every pod fits ('all'); every gang fits but some pods do not ('partial'); or a gang does not fit ('none'). */
export type PlanFit = 'all' | 'partial' | 'none';

export function planFit(plan: Pick<Plan, 'feasible' | 'gangs'>): PlanFit {
  if (!plan.feasible) return 'none';
  return podsLeftOut(plan.gangs) > 0 ? 'partial' : 'all';
}

/** Pods the plan places for a gang, out of the pods it tried (placed + left out above minAvailable or Pending). */
export function podTally(g: GangFacts & Pick<GangPlacement, 'pods'>): { placed: number; total: number } {
  return { placed: g.pods.length, total: g.pods.length + leftOutOf(g) };
}
