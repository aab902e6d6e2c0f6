/**
 * Label, annotation, finalizer and scheduling-gate keys that the Grove operator reads or writes
 * (operator/api/common/labels.go and constants.go at the pinned release).
 */

export const GROVE_GROUP = 'grove.io';
export const GROVE_SCHEDULER_GROUP = 'scheduler.grove.io';
export const GROVE_API_VERSION = 'grove.io/v1alpha1';
export const GROVE_SCHEDULER_API_VERSION = 'scheduler.grove.io/v1alpha1';

// Common labels on every object the operator manages.
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const LABEL_MANAGED_BY_VALUE = 'grove-operator';
export const LABEL_PART_OF = 'app.kubernetes.io/part-of';
export const LABEL_APP_NAME = 'app.kubernetes.io/name';
export const LABEL_COMPONENT = 'app.kubernetes.io/component';

// Grove's own labels.
export const LABEL_PCS_REPLICA_INDEX = 'grove.io/podcliqueset-replica-index';
export const LABEL_PODGANG = 'grove.io/podgang';
export const LABEL_BASE_PODGANG = 'grove.io/base-podgang';
export const LABEL_PCSG = 'grove.io/podcliquescalinggroup';
export const LABEL_PCSG_REPLICA_INDEX = 'grove.io/podcliquescalinggroup-replica-index';
export const LABEL_POD_TEMPLATE_HASH = 'grove.io/pod-template-hash';
export const LABEL_PODCLIQUE = 'grove.io/podclique';
export const LABEL_PODCLIQUE_POD_INDEX = 'grove.io/podclique-pod-index';
export const LABEL_SCHEDULER_NAME = 'grove.io/scheduler-name';
export const LABEL_KAI_SUBGROUP_NAME = 'kai.scheduler/subgroup-name';

/** Values of `app.kubernetes.io/component` per generated object. */
export const COMPONENT = {
  standalonePodClique: 'pcs-podclique',
  scalingGroupPodClique: 'pcsg-podclique',
  podCliqueScalingGroup: 'pcs-podcliquescalinggroup',
  podGang: 'podgang',
  headlessService: 'pcs-headless-service',
  hpa: 'pcs-hpa',
  serviceAccount: 'pod-service-account',
  role: 'pod-role',
  roleBinding: 'pod-role-binding',
  serviceAccountTokenSecret: 'pod-sa-token-secret',
  resourceClaim: 'resource-claim',
} as const;

// Annotations.
export const ANNOTATION_TOPOLOGY_NAME = 'grove.io/topology-name';
export const ANNOTATION_MNNVL_GROUP = 'grove.io/mnnvl-group';
export const ANNOTATION_RECONCILE_TRIGGER = 'grove.io/reconcile-trigger';
export const ANNOTATION_DISABLE_MANAGED_RESOURCE_PROTECTION = 'grove.io/disable-managed-resource-protection';
export const ANNOTATION_KAI_POD_GROUP_NAME = 'pod-group-name';
export const ANNOTATION_KAI_SKIP_PODGROUPER = 'kai.scheduler/skip-podgrouper';
export const ANNOTATION_VOLCANO_GROUP_NAME = 'scheduling.k8s.io/group-name';
export const ANNOTATION_VOLCANO_GROUP_NAME_LEGACY = 'scheduling.volcano.sh/group-name';

/** KAI queue: a label (or annotation) on the PCS or on clique templates. */
export const LABEL_KAI_QUEUE = 'kai.scheduler/queue';
/** Volcano queue annotation on the PCS or on clique templates. */
export const ANNOTATION_VOLCANO_QUEUE = 'scheduling.grove.io/volcano-queue';

/** The MNNVL annotation value that opts a resource out of an inherited group. */
export const MNNVL_GROUP_NONE = 'none';

/** Scheduling gate on every new pod until its PodGang exists and is initialised. */
export const SCHEDULING_GATE_PODGANG_PENDING = 'grove.io/podgang-pending-creation';

export const FINALIZER_PODCLIQUESET = 'grove.io/podcliqueset.grove.io';
export const FINALIZER_PODCLIQUE = 'grove.io/podclique.grove.io';
export const FINALIZER_PCSG = 'grove.io/podcliquescalinggroup.grove.io';
export const FINALIZER_COMPUTEDOMAIN = 'grove.io/computedomain-finalizer';

/** Init container that waits for parent cliques (startup ordering). */
export const INIT_CONTAINER_NAME = 'grove-initc';

/** Env vars the operator appends to every container, after its own (v0.1.0-alpha.11). */
export const ENV = {
  pcsName: 'GROVE_PCS_NAME',
  pcsIndex: 'GROVE_PCS_INDEX',
  pclqName: 'GROVE_PCLQ_NAME',
  headlessService: 'GROVE_HEADLESS_SERVICE',
  pclqPodIndex: 'GROVE_PCLQ_POD_INDEX',
  pcsgName: 'GROVE_PCSG_NAME',
  pcsgIndex: 'GROVE_PCSG_INDEX',
  pcsgTemplateNumPods: 'GROVE_PCSG_TEMPLATE_NUM_PODS',
} as const;

/** Labels the operator puts on every object it manages for one PodCliqueSet. */
export function managedLabels(pcsName: string): Record<string, string> {
  return { [LABEL_MANAGED_BY]: LABEL_MANAGED_BY_VALUE, [LABEL_PART_OF]: pcsName };
}

/** Label selector string for all pods of a PodCliqueSet (PCS `status.hpaPodSelector`). */
export function podCliqueSetSelector(pcsName: string): string {
  return `${LABEL_MANAGED_BY}=${LABEL_MANAGED_BY_VALUE},${LABEL_PART_OF}=${pcsName}`;
}

/** `status.hpaPodSelector` of a standalone PodClique. */
export function podCliqueSelector(pcsName: string, podCliqueName: string): string {
  return `${podCliqueSetSelector(pcsName)},${LABEL_PODCLIQUE}=${podCliqueName}`;
}

/** `status.selector` of a PodCliqueScalingGroup. */
export function scalingGroupSelector(pcsName: string, pcsgName: string): string {
  return `${podCliqueSetSelector(pcsName)},${LABEL_PCSG}=${pcsgName}`;
}
