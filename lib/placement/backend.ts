/**
 * Which scheduler places a gang, and what that scheduler honours (API-NOTES §12, §13). Grove resolves
 * one scheduler per PodCliqueSet (the cliques' podSpec.schedulerName, else the operator's default
 * profile, `default-scheduler`) and writes it on the PodGang as label `grove.io/scheduler-name`.
 *   - kai-scheduler: gang scheduling (all-or-nothing per pod group minimum) and topology constraints;
 *   - default-scheduler (kube-scheduler): neither. Grove only gates the pods until the gang exists,
 *     then each pod is scheduled on its own, and the topology constraints are ignored.
 * Other backends (volcano, lpx-scheduler) refuse topology constraints at admission; volcano
 * gang-schedules, so they keep the gang rule here.
 */
import { DEFAULT_SCHEDULER_NAME } from '../grove/expand';
import type { ExpandedGang } from '../grove/gang';
import { LABEL_PART_OF, LABEL_SCHEDULER_NAME } from '../grove/labels';
import type { KubeObject } from '../grove/meta';

/** The scheduler Grove resolved for the gang (its PodGang label), `default-scheduler` when it names none. */
export function schedulerNameOf(gang: Pick<ExpandedGang, 'labels'>): string {
  return gang.labels?.[LABEL_SCHEDULER_NAME] || DEFAULT_SCHEDULER_NAME;
}

/**
 * The scheduler Grove resolved for a stack in the cluster, as its PodGangs say (label
 * grove.io/scheduler-name); undefined when it has none yet. A stack whose cliques name no scheduler
 * gets the operator's default profile, which only the operator's config says (kai-scheduler on a KAI
 * install): its PodGangs are where Canopy can read it, to expand the stack as the operator did.
 */
export function stackSchedulerName(podGangs: readonly KubeObject[], namespace: string, pcsName: string): string | undefined {
  for (const gang of podGangs) {
    const labels = gang.metadata?.labels;
    if ((gang.metadata?.namespace ?? 'default') !== namespace || labels?.[LABEL_PART_OF] !== pcsName) continue;
    const name = labels[LABEL_SCHEDULER_NAME];
    if (name) return name;
  }
  return undefined;
}

/** Does this scheduler place each pod on its own, without gangs or topology (kube-scheduler)? */
export function placesPodsIndependently(schedulerName: string): boolean {
  return schedulerName === DEFAULT_SCHEDULER_NAME;
}

/** Does the gang carry any topology constraint (gang, group config or pod group)? */
export function hasTopologyConstraint(gang: ExpandedGang): boolean {
  const set = (c: { required?: string; preferred?: string } | undefined) => !!c && (c.required !== undefined || c.preferred !== undefined);
  return set(gang.topologyConstraint) || gang.groupConfigs.some((c) => set(c.topologyConstraint)) || gang.podGroups.some((g) => set(g.topologyConstraint));
}

/** The sentence a plan carries for a gang placed pod by pod: what its scheduler does not do. */
export function independentPlacementNote(gang: ExpandedGang, schedulerName = schedulerNameOf(gang)): string {
  const constraints = hasTopologyConstraint(gang) ? 'ignores the topology constraints and ' : '';
  return `${schedulerName} (kube-scheduler) ${constraints}does not gang-schedule: each pod of ${gang.name} is placed on its own, and a pod that does not fit stays Pending while the others run (use kai-scheduler for gang and topology-aware placement)`;
}
