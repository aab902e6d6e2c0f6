/**
 * Names Grove gives the objects it generates (operator/api/common/namegen.go, API-NOTES §6).
 * Note the offset of scaled PodGangs: PCSG replica `j ≥ minAvailable` lives in gang `…-<sg>-<j - minAvailable>`.
 */

/** The combined length of PCS + [scaling group] + clique names may not exceed this (pod hostname budget). */
export const NAME_BUDGET = 45;

export function podCliqueName(pcs: string, pcsIndex: number, clique: string): string {
  return `${pcs}-${pcsIndex}-${clique}`;
}

export function scalingGroupName(pcs: string, pcsIndex: number, group: string): string {
  return `${pcs}-${pcsIndex}-${group}`;
}

/** A PodClique belonging to replica `groupIndex` of a scaling group. */
export function scalingGroupPodCliqueName(pcs: string, pcsIndex: number, group: string, groupIndex: number, clique: string): string {
  return `${scalingGroupName(pcs, pcsIndex, group)}-${groupIndex}-${clique}`;
}

export function basePodGangName(pcs: string, pcsIndex: number): string {
  return `${pcs}-${pcsIndex}`;
}

/** The PodGang of scaling-group replica `groupIndex` (must be ≥ minAvailable). */
export function scaledPodGangName(pcs: string, pcsIndex: number, group: string, groupIndex: number, minAvailable: number): string {
  if (groupIndex < minAvailable) {
    throw new RangeError(`scaling-group replica ${groupIndex} is below minAvailable ${minAvailable}: it belongs to the base PodGang`);
  }
  return `${scalingGroupName(pcs, pcsIndex, group)}-${groupIndex - minAvailable}`;
}

/** Name of the topologyConstraintGroupConfig of a scaling-group replica inside the base gang. */
export function topologyGroupConfigName(pcs: string, pcsIndex: number, group: string, groupIndex: number): string {
  return `${scalingGroupName(pcs, pcsIndex, group)}-${groupIndex}`;
}

export function podGenerateName(podClique: string): string {
  return `${podClique}-`;
}

/** Pod `spec.hostname`; must be a DNS label (≤ 63), which is where the 45-character budget comes from. */
export function podHostname(podClique: string, podIndex: number): string {
  return `${podClique}-${podIndex}`;
}

export function headlessServiceName(pcs: string, pcsIndex: number): string {
  return `${pcs}-${pcsIndex}`;
}

export function podFqdn(podClique: string, podIndex: number, pcs: string, pcsIndex: number, namespace: string): string {
  return `${podHostname(podClique, podIndex)}.${headlessServiceName(pcs, pcsIndex)}.${namespace}.svc.cluster.local`;
}

export function serviceAccountName(pcs: string): string {
  return pcs;
}

export function roleName(pcs: string): string {
  return `grove.io:pcs:${pcs}`;
}

export function initContainerTokenSecretName(pcs: string): string {
  return `${pcs}-ic-sat`;
}

/** HPAs take the name of their target (PodClique or PodCliqueScalingGroup). */
export function hpaName(target: string): string {
  return target;
}

export function sharedResourceClaimName(owner: string, template: string, scope: 'AllReplicas' | 'PerReplica', replicaIndex?: number): string {
  if (scope === 'AllReplicas') return `${owner}-all-${template}`;
  if (replicaIndex === undefined) throw new TypeError('a PerReplica claim name needs the replica index');
  return `${owner}-${replicaIndex}-${template}`;
}

export function computeDomainName(pcs: string, pcsIndex: number, group: string): string {
  return `${pcs}-${pcsIndex}-${group}`;
}

/** Characters counted against the 45-character budget (separators and indices are not counted). */
export function nameBudgetUsed(pcs: string, clique: string, group?: string): number {
  return pcs.length + clique.length + (group?.length ?? 0);
}
