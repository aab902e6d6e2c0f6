/**
 * Gang expansion: a PodCliqueSet → the PodGangs, PodCliques and pods Grove creates for it
 * (API-NOTES §0, §6, §7, §11, §12), as plain data for placement, the heatmap, scale previews and
 * the simulated cluster. Pure and isomorphic: no I/O, imports only from lib/.
 *
 * What Grove does, and what this module reproduces:
 * - per PCS replica i a base gang `<pcs>-<i>` holding every standalone clique's PodClique and the
 *   PodCliques of scaling-group replicas 0..minAvailable-1;
 * - one scaled gang per scaling-group replica j ≥ minAvailable, named `<pcs>-<i>-<sg>-<j - minAvailable>`
 *   (API-NOTES §22 pitfall 13: the index in the name is offset by minAvailable);
 * - pod groups = PodCliques, `minReplicas` = the clique's minAvailable;
 * - topology constraints (§12): PCS → base gang; PCSG → one group config per base-gang replica and the
 *   scaled gang's own constraint (PCS constraint as fallback); clique → its pod group.
 *
 * Replica counts: PodCliques and PodCliqueScalingGroups take the template's `replicas` only when they
 * are created; afterwards `/scale` (or an HPA) owns them (§3, §14). `options` carries those live
 * counts so the simulator and the scale previews expand what actually exists.
 */
import { podRequests } from '../cluster/resources';
import type { PodSchedulingRequirements } from '../cluster/state';
import type { PodSpec } from './core';
import type { ExpandedGang, ExpandedGroupConfig, ExpandedPod, ExpandedPodGroup, GangTopologyConstraint } from './gang';
import {
  COMPONENT,
  LABEL_APP_NAME,
  LABEL_BASE_PODGANG,
  LABEL_COMPONENT,
  LABEL_KAI_SUBGROUP_NAME,
  LABEL_PCS_REPLICA_INDEX,
  LABEL_PCSG,
  LABEL_PCSG_REPLICA_INDEX,
  LABEL_PODCLIQUE,
  LABEL_PODCLIQUE_POD_INDEX,
  LABEL_PODGANG,
  LABEL_SCHEDULER_NAME,
  managedLabels,
} from './labels';
import {
  basePodGangName,
  podCliqueName,
  podHostname,
  scaledPodGangName,
  scalingGroupName,
  scalingGroupPodCliqueName,
  topologyGroupConfigName,
} from './naming';
import {
  cliqueTemplateMinAvailable,
  DEFAULT_SCALING_GROUP_MIN_AVAILABLE,
  defaultPodCliqueSet,
  scalingGroupOf,
  type PodCliqueScalingGroupConfig,
  type PodCliqueSet,
  type PodCliqueTemplateSpec,
} from './podcliqueset';
import { builtReplicas } from './pod-count';
import { preferredDomain, requiredDomain, type TopologyConstraint } from './topology-constraint';

/** Grove's default scheduler profile when the operator config names none (§13). */
export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
/** The KAI backend's profile name; its pods get the `kai.scheduler/subgroup-name` label (§7, §13). */
export const KAI_SCHEDULER_NAME = 'kai-scheduler';
/** Prefix of the operator-owned label/annotation namespace that PodGangs do not mirror from the PCS. */
const GROVE_PREFIX = 'grove.io/';

export interface ExpandOptions {
  /**
   * Live replica count of scaling groups, keyed by PCSG full name (`<pcs>-<i>-<sg>`) or by the group's
   * template name (applies to every PCS replica); the full name wins. Default: the template's replicas.
   */
  scalingGroupReplicas?: Record<string, number>;
  /** Live replica count of PodCliques, keyed by PodClique full name. Default: the template's replicas. */
  podCliqueReplicas?: Record<string, number>;
  /**
   * The operator's default scheduler profile, used when no clique sets `podSpec.schedulerName`
   * (Grove's own default is `default-scheduler`). Decides the PodGang `grove.io/scheduler-name` label
   * and whether pods get KAI's subgroup label.
   */
  defaultSchedulerName?: string;
}

/** A scaling-group replica a PodClique belongs to. */
export interface PlannedScalingGroupReplica {
  config: PodCliqueScalingGroupConfig;
  /** PCSG full name `<pcs>-<i>-<sg>`. */
  fqn: string;
  replicaIndex: number;
  minAvailable: number;
}

/** One PodClique as Grove would create it (internal to expand*.ts). */
export interface PlannedPodClique {
  fqn: string;
  template: PodCliqueTemplateSpec;
  pcsIndex: number;
  replicas: number;
  minAvailable: number;
  podGang: string;
  basePodGang: string;
  scalingGroup?: PlannedScalingGroupReplica;
}

export interface PlannedGang {
  name: string;
  pcsIndex: number;
  base: boolean;
  baseGang?: string;
  /** For scaled gangs: the scaling-group replica it holds. */
  scalingGroup?: PlannedScalingGroupReplica;
  /** Gang-level constraint as authored (PCS for base gangs; PCSG, else PCS, for scaled gangs). */
  constraint?: TopologyConstraint;
  /** Base gangs: one per scaling-group replica below minAvailable, for groups that carry a constraint. */
  groupConfigs: { name: string; podGroupNames: string[]; constraint: TopologyConstraint }[];
  podCliques: PlannedPodClique[];
}

export interface PlannedScalingGroup {
  fqn: string;
  pcsIndex: number;
  config: PodCliqueScalingGroupConfig;
  replicas: number;
  minAvailable: number;
}

export interface ExpansionPlan {
  /** The defaulted PodCliqueSet everything was derived from. */
  pcs: PodCliqueSet;
  name: string;
  namespace: string;
  schedulerName: string;
  /** Effective ClusterTopologyBinding name (PCS, else first scaling group, else first clique that names one). */
  topologyName?: string;
  gangs: PlannedGang[];
  scalingGroups: PlannedScalingGroup[];
}

/** The gangs Grove builds for `pcs`, with pods, labels, requests and constraints (see module comment). */
export function expandPodGangs(pcs: PodCliqueSet, options: ExpandOptions = {}): ExpandedGang[] {
  return gangsFromPlan(planPodCliqueSet(pcs, options));
}

/** The expansion skeleton shared by expandPodGangs and expandPodCliqueSet. */
export function planPodCliqueSet(input: PodCliqueSet, options: ExpandOptions = {}): ExpansionPlan {
  const pcs = defaultPodCliqueSet(input);
  const name = pcs.metadata.name ?? '';
  const namespace = pcs.metadata.namespace ?? 'default';
  const template = pcs.spec.template;
  const cliquesByName = new Map(template.cliques.map((c) => [c.name, c] as const));
  const groups = template.podCliqueScalingGroups ?? [];
  const schedulerName =
    template.cliques.find((c) => c.spec.podSpec?.schedulerName)?.spec.podSpec.schedulerName ??
    options.defaultSchedulerName ??
    DEFAULT_SCHEDULER_NAME;

  const planned = (t: PodCliqueTemplateSpec, fqn: string, pcsIndex: number, podGang: string, sg?: PlannedScalingGroupReplica): PlannedPodClique => ({
    fqn,
    template: t,
    pcsIndex,
    replicas: builtReplicas(options.podCliqueReplicas?.[fqn] ?? t.spec.replicas),
    minAvailable: cliqueTemplateMinAvailable(t.spec),
    podGang,
    basePodGang: basePodGangName(name, pcsIndex),
    ...(sg ? { scalingGroup: sg } : {}),
  });
  // A clique name a group lists but the template lacks is skipped (Grove fails the PodGang sync; the
  // validator reports it). Names listed by an earlier group belong to that group (first match, as Grove).
  const members = (g: PodCliqueScalingGroupConfig): PodCliqueTemplateSpec[] =>
    g.cliqueNames.flatMap((n) => {
      const t = cliquesByName.get(n);
      return t && scalingGroupOf(template, n) === g ? [t] : [];
    });

  const baseGangs: PlannedGang[] = [];
  const scaledGangs: PlannedGang[] = [];
  const scalingGroups: PlannedScalingGroup[] = [];
  // Every replica count goes through builtReplicas, the rule the pod budget counts by (pod-count.ts):
  // a loop over a string `replicas` would coerce it and build what the count called 0.
  const pcsReplicas = builtReplicas(pcs.spec.replicas);
  for (let i = 0; i < pcsReplicas; i++) {
    const baseName = basePodGangName(name, i);
    const base: PlannedGang = {
      name: baseName,
      pcsIndex: i,
      base: true,
      ...(template.topologyConstraint ? { constraint: template.topologyConstraint } : {}),
      groupConfigs: [],
      podCliques: template.cliques.filter((c) => !scalingGroupOf(template, c.name)).map((c) => planned(c, podCliqueName(name, i, c.name), i, baseName)),
    };
    baseGangs.push(base);
    for (const g of groups) {
      const fqn = scalingGroupName(name, i, g.name);
      const minAvailable = g.minAvailable ?? DEFAULT_SCALING_GROUP_MIN_AVAILABLE;
      const replicas = builtReplicas(options.scalingGroupReplicas?.[fqn] ?? options.scalingGroupReplicas?.[g.name] ?? g.replicas ?? 1);
      scalingGroups.push({ fqn, pcsIndex: i, config: g, replicas, minAvailable });
      // Grove lists replicas 0..minAvailable-1 in the base gang even before they exist; here only
      // replicas that exist are expanded (a PCSG scaled below minAvailable leaves the base gang short).
      for (let j = 0; j < replicas; j++) {
        const sg: PlannedScalingGroupReplica = { config: g, fqn, replicaIndex: j, minAvailable };
        const inBase = j < minAvailable;
        const gangName = inBase ? baseName : scaledPodGangName(name, i, g.name, j, minAvailable);
        const pclqs = members(g).map((c) => planned(c, scalingGroupPodCliqueName(name, i, g.name, j, c.name), i, gangName, sg));
        if (inBase) {
          base.podCliques.push(...pclqs);
          if (g.topologyConstraint) {
            base.groupConfigs.push({ name: topologyGroupConfigName(name, i, g.name, j), podGroupNames: pclqs.map((p) => p.fqn), constraint: g.topologyConstraint });
          }
        } else {
          const constraint = g.topologyConstraint ?? template.topologyConstraint;
          scaledGangs.push({
            name: gangName,
            pcsIndex: i,
            base: false,
            baseGang: baseName,
            scalingGroup: sg,
            ...(constraint ? { constraint } : {}),
            groupConfigs: [],
            podCliques: pclqs,
          });
        }
      }
    }
  }
  const topologyName =
    template.topologyConstraint?.topologyName ||
    groups.find((g) => g.topologyConstraint?.topologyName)?.topologyConstraint?.topologyName ||
    template.cliques.find((c) => c.topologyConstraint?.topologyName)?.topologyConstraint?.topologyName ||
    undefined;
  // Grove's order: every base gang, then the scaled gangs replica by replica.
  return { pcs, name, namespace, schedulerName, ...(topologyName ? { topologyName } : {}), gangs: [...baseGangs, ...scaledGangs], scalingGroups };
}

/** `{required, preferred}` in domain names, or undefined when the constraint packs nothing. */
export function gangConstraint(c: TopologyConstraint | undefined): GangTopologyConstraint | undefined {
  const required = requiredDomain(c);
  const preferred = preferredDomain(c);
  if (!required && !preferred) return undefined;
  return { ...(required ? { required } : {}), ...(preferred ? { preferred } : {}) };
}

/** Labels on a PodClique object (§7): template labels, then the operator's own (which win). */
export function podCliqueLabels(plan: Pick<ExpansionPlan, 'name'>, p: PlannedPodClique): Record<string, string> {
  const own: Record<string, string> = {
    [LABEL_APP_NAME]: p.fqn,
    [LABEL_COMPONENT]: p.scalingGroup ? COMPONENT.scalingGroupPodClique : COMPONENT.standalonePodClique,
    [LABEL_PCS_REPLICA_INDEX]: String(p.pcsIndex),
    [LABEL_PODGANG]: p.podGang,
  };
  if (p.scalingGroup) {
    own[LABEL_PCSG] = p.scalingGroup.fqn;
    own[LABEL_PCSG_REPLICA_INDEX] = String(p.scalingGroup.replicaIndex);
    if (p.podGang !== p.basePodGang) own[LABEL_BASE_PODGANG] = p.basePodGang;
  }
  // `grove.io/pod-template-hash` is left out: the operator computes it as FNV-64a over Go's
  // dump.ForHash() rendering of a corev1.PodTemplateSpec (Go struct layout, resource.Quantity
  // internals) and encodes it with rand.SafeEncodeString; that cannot be reproduced byte-exact here.
  return { ...(p.template.labels ?? {}), ...managedLabels(plan.name), ...own };
}

/**
 * Labels on a pod (§7). The operator builds them as managed-by/part-of, then every label of the
 * PodClique (so pods also carry `app.kubernetes.io/name` = PodClique name, the PodClique's
 * `app.kubernetes.io/component`, the scaling-group labels and `grove.io/base-podgang`), then
 * podclique / replica index / podgang / pod index; the KAI backend adds its subgroup label.
 */
export function podLabels(plan: Pick<ExpansionPlan, 'name' | 'schedulerName'>, p: PlannedPodClique, podIndex: number): Record<string, string> {
  const labels: Record<string, string> = {
    ...managedLabels(plan.name),
    ...podCliqueLabels(plan, p),
    [LABEL_PODCLIQUE]: p.fqn,
    [LABEL_PCS_REPLICA_INDEX]: String(p.pcsIndex),
    [LABEL_PODGANG]: p.podGang,
    [LABEL_PODCLIQUE_POD_INDEX]: String(podIndex),
  };
  if (plan.schedulerName === KAI_SCHEDULER_NAME) labels[LABEL_KAI_SUBGROUP_NAME] = p.fqn;
  return labels;
}

/** Labels on a PodGang: the PCS's non-`grove.io/` labels, then the operator's (which win). */
export function podGangLabels(plan: Pick<ExpansionPlan, 'name' | 'schedulerName' | 'pcs'>): Record<string, string> {
  const mirrored = Object.fromEntries(Object.entries(plan.pcs.metadata.labels ?? {}).filter(([k]) => !k.startsWith(GROVE_PREFIX)));
  return { ...mirrored, ...managedLabels(plan.name), [LABEL_COMPONENT]: COMPONENT.podGang, [LABEL_SCHEDULER_NAME]: plan.schedulerName };
}

/** The PCS's non-`grove.io/` annotations, which PodGangs mirror. */
export function mirroredAnnotations(pcs: PodCliqueSet): Record<string, string> {
  return Object.fromEntries(Object.entries(pcs.metadata.annotations ?? {}).filter(([k]) => !k.startsWith(GROVE_PREFIX)));
}

/** ExpandedGangs of a plan, in the plan's gang order. */
export function gangsFromPlan(plan: ExpansionPlan): ExpandedGang[] {
  const gangLabels = podGangLabels(plan);
  const priorityClassName = plan.pcs.spec.template.priorityClassName;
  const cliqueIndex = new Map(plan.pcs.spec.template.cliques.map((c, k) => [c, k] as const));
  return plan.gangs.map((g) => {
    const podGroups: ExpandedPodGroup[] = g.podCliques.map((p) => {
      // Sum of containers, max with init containers (sidecars kept running), + overhead, + 1 pod slot;
      // a missing request defaults to the limit (how `limits: {nvidia.com/gpu: 8}` alone asks for 8 GPUs).
      const requests = podRequests(p.template.spec.podSpec, `spec.template.cliques[${cliqueIndex.get(p.template) ?? 0}].spec.podSpec`);
      const scheduling = podSchedulingRequirements(p.template.spec.podSpec);
      const pods: ExpandedPod[] = [];
      for (let k = 0; k < p.replicas; k++) {
        pods.push({
          name: podHostname(p.fqn, k),
          namespace: plan.namespace,
          podIndex: k,
          podClique: p.fqn,
          clique: p.template.name,
          labels: podLabels(plan, p, k),
          requests: { ...requests },
          scheduling: structuredClone(scheduling),
        });
      }
      const topologyConstraint = gangConstraint(p.template.topologyConstraint);
      return {
        name: p.fqn,
        clique: p.template.name,
        minReplicas: p.minAvailable,
        pods,
        ...(topologyConstraint ? { topologyConstraint } : {}),
        ...(p.scalingGroup ? { scalingGroup: { name: p.scalingGroup.fqn, replicaIndex: p.scalingGroup.replicaIndex } } : {}),
      };
    });
    const groupConfigs: ExpandedGroupConfig[] = g.groupConfigs.map((c) => {
      const topologyConstraint = gangConstraint(c.constraint);
      return { name: c.name, podGroupNames: [...c.podGroupNames], ...(topologyConstraint ? { topologyConstraint } : {}) };
    });
    const topologyConstraint = gangConstraint(g.constraint);
    const constrained = !!topologyConstraint || groupConfigs.some((c) => c.topologyConstraint) || podGroups.some((pg) => pg.topologyConstraint);
    return {
      name: g.name,
      namespace: plan.namespace,
      podCliqueSet: plan.name,
      pcsIndex: g.pcsIndex,
      base: g.base,
      ...(g.baseGang ? { baseGang: g.baseGang } : {}),
      ...(constrained && plan.topologyName ? { topologyName: plan.topologyName } : {}),
      ...(topologyConstraint ? { topologyConstraint } : {}),
      groupConfigs,
      podGroups,
      labels: { ...gangLabels },
      ...(priorityClassName ? { priorityClassName } : {}),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Scheduling requirements (requests come from lib/cluster/resources.ts, the one owner of that arithmetic)

/** nodeSelector, required node-affinity terms and tolerations of a pod spec (empty parts omitted). */
export function podSchedulingRequirements(spec: PodSpec): PodSchedulingRequirements {
  const out: PodSchedulingRequirements = {};
  if (spec.nodeSelector && Object.keys(spec.nodeSelector).length > 0) out.nodeSelector = { ...spec.nodeSelector };
  const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms && terms.length > 0) out.requiredNodeAffinity = structuredClone(terms);
  if (spec.tolerations && spec.tolerations.length > 0) out.tolerations = structuredClone(spec.tolerations);
  return out;
}
