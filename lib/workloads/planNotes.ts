/**
 * What a placement plan says about a gang besides "placed" or "does not fit", in one wording for every
 * preview (scale, builder, topology): pods above minAvailable left out and why, pods a pod-by-pod
 * scheduler leaves Pending, the plan's warnings (the engine's own sentences, as the CLI and the other
 * previews print them), and where the pods land. Pure; takes the plan's own fields.
 */
import type { ExpandedGang } from '../grove/gang';
import type { GangPlacement, Plan, PlannedPod } from '../placement/plan';
import type { RunningGang } from '../placement/preview';
import { plural } from './plural';

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

/** The pods of some expanded gangs: what a plan of them places when everything fits. */
export function expandedPodCount(gangs: readonly Pick<ExpandedGang, 'podGroups'>[]): number {
  return gangs.reduce((n, g) => n + g.podGroups.reduce((m, pg) => m + pg.pods.length, 0), 0);
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

/**
 * The plan's warnings on a gang, word for word as `canopy place` and the topology and builder previews
 * show them: the scheduler that ignores the topology constraints and does not gang-schedule, a
 * constraint dropped (a level or binding missing), a preferred pack not met.
 */
export function planWarnings(g: Pick<GangPlacement, 'warnings'>): string[] {
  return [...new Set(g.warnings ?? [])];
}

/** Everything the plan says about a gang beyond where it lands: pods left out above minAvailable, pods left Pending, then its warnings. */
export function gangPlanNotes(g: GangFacts & Pick<GangPlacement, 'warnings'>): { kind: 'left-out' | 'warning'; text: string }[] {
  const leftOut = [unplacedOptionalNote(g), pendingPodsNote(g)].filter((n): n is string => !!n).map((text) => ({ kind: 'left-out' as const, text }));
  return [...leftOut, ...planWarnings(g).map((text) => ({ kind: 'warning' as const, text }))];
}

/**
 * One line per gang of a preview: how many of its pods land on how many nodes, and the domains only when
 * the plan chose them (a gang scheduler keeping a constraint). A gang placed pod by pod (kube-scheduler)
 * or with no constraint has no domain: its nodes are one placement the scheduler might make, not a fact,
 * so the line says who picks. A gang that does not fit says why.
 */
export function gangPlacementLine(g: GangFacts & Pick<GangPlacement, 'placed' | 'reason' | 'domains' | 'pods'>): string {
  return `${g.name}: ${gangPlacementText(g)}`;
}

/** gangPlacementLine without the gang's name, for a panel that shows the name on its own. */
export function gangPlacementText(g: GangFacts & Pick<GangPlacement, 'placed' | 'reason' | 'domains' | 'pods'>): string {
  if (!g.placed && !g.independent) return g.reason ?? 'does not fit';
  const nodes = new Set(g.pods.map((p) => p.node)).size;
  const where = g.independent
    ? ''
    : Object.entries(g.domains)
        .map(([level, value]) => `${level} ${value}`)
        .join(', ');
  const { placed, total } = podTally(g);
  const count = total === placed ? plural(total, 'pod') : `${placed} of ${plural(total, 'pod')}`;
  const who = g.independent ? '; the default scheduler picks the nodes' : '';
  const rest = !g.placed && g.reason ? `; the others: ${g.reason}` : '';
  return `${count} on ${plural(nodes, 'node')}${where ? ` in ${where}` : ''}${who}${rest}`;
}

/** A gang of the stack that already runs, as a preview names it: its name, its running pods and their GPUs. */
export interface RunningGangFacts {
  name: string;
  pods: number;
  gpus: number;
  /** Nothing of it is planned; otherwise its new pods are in the plan under the same name. */
  complete: boolean;
}

/**
 * The counts of a running gang (its kept pods and their GPUs): a previewApply RunningGang, or an
 * applyGangs gang's running pods as `canopy place` prints them.
 */
export function runningGangFacts(g: Pick<RunningGang, 'name' | 'complete'> & { pods: readonly Pick<PlannedPod, 'gpus'>[] }): RunningGangFacts {
  return { name: g.name, pods: g.pods.length, gpus: g.pods.reduce((n, p) => n + p.gpus, 0), complete: g.complete };
}

/**
 * "mixtral-agg-0: running (2 pods, 16 GPUs), not re-placed", as `canopy place` says it, for every preview
 * of a stack that already runs; a running gang that gains pods adds that only those are planned.
 */
export function runningGangLine(g: RunningGangFacts): string {
  return `${g.name}: running (${plural(g.pods, 'pod')}, ${plural(g.gpus, 'GPU')}), not re-placed${g.complete ? '' : '; only its pods not running yet are planned'}`;
}
