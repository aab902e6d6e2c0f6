/** PodCliqueSet (grove.io/v1alpha1): the object users author (API-NOTES §2, §4, §9). */
import type { PodSpec } from './core';
import { GROVE_API_VERSION, LABEL_PCS_REPLICA_INDEX } from './labels';
import { podCliqueName, scalingGroupName } from './naming';
import { isRecord, type Condition, type KubeObject, type LastError, type ObjectMeta } from './meta';
import type { TopologyConstraint } from './topology-constraint';

export const PODCLIQUESET_KIND = 'PodCliqueSet';
export const PODCLIQUESET_PLURAL = 'podcliquesets';

export const STARTUP_ANY_ORDER = 'CliqueStartupTypeAnyOrder';
export const STARTUP_IN_ORDER = 'CliqueStartupTypeInOrder';
export const STARTUP_EXPLICIT = 'CliqueStartupTypeExplicit';
export const CLIQUE_STARTUP_TYPES = [STARTUP_ANY_ORDER, STARTUP_IN_ORDER, STARTUP_EXPLICIT] as const;
export type CliqueStartupType = (typeof CLIQUE_STARTUP_TYPES)[number];

export const UPDATE_STRATEGY_TYPES = ['RollingRecreate', 'OnDelete'] as const;
export type UpdateStrategyType = (typeof UPDATE_STRATEGY_TYPES)[number];

export const RESOURCE_SHARING_SCOPES = ['AllReplicas', 'PerReplica'] as const;
export type ResourceSharingScope = (typeof RESOURCE_SHARING_SCOPES)[number];

/** Webhook default for `template.terminationDelay`. */
export const DEFAULT_TERMINATION_DELAY = '4h';
export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;

/** autoscaling/v2 MetricSpec, kept opaque. */
export type MetricSpec = Record<string, unknown>;

/** `autoScalingConfig` on cliques and `scaleConfig` on scaling groups. */
export interface AutoScalingConfig {
  minReplicas?: number;
  maxReplicas: number;
  metrics?: MetricSpec[];
}

export interface ResourceSharingFilter {
  childCliqueNames?: string[];
  childScalingGroupNames?: string[];
}

export interface ResourceSharingEntry {
  name: string;
  namespace?: string;
  scope: ResourceSharingScope;
  filter?: ResourceSharingFilter;
}

export interface ResourceClaimTemplateConfig {
  name: string;
  /** resource.k8s.io/v1 ResourceClaimTemplateSpec, kept opaque apart from what validation reads. */
  templateSpec: { spec: { devices?: { requests?: unknown[] } & Record<string, unknown> } & Record<string, unknown>; metadata?: Record<string, unknown> };
}

/** PodCliqueSpec: a clique template's spec, and the spec of a PodClique object. */
export interface PodCliqueSpec {
  roleName: string;
  replicas: number;
  minAvailable?: number;
  startsAfter?: string[];
  autoScalingConfig?: AutoScalingConfig;
  podSpec: PodSpec;
}

export interface PodCliqueTemplateSpec {
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  topologyConstraint?: TopologyConstraint;
  resourceSharing?: Omit<ResourceSharingEntry, 'filter'>[];
  spec: PodCliqueSpec;
}

export interface PodCliqueScalingGroupConfig {
  name: string;
  cliqueNames: string[];
  annotations?: Record<string, string>;
  replicas?: number;
  minAvailable?: number;
  scaleConfig?: AutoScalingConfig;
  resourceSharing?: ResourceSharingEntry[];
  topologyConstraint?: TopologyConstraint;
}

export interface PodCliqueSetTemplateSpec {
  cliques: PodCliqueTemplateSpec[];
  cliqueStartupType?: CliqueStartupType;
  priorityClassName?: string;
  headlessServiceConfig?: { publishNotReadyAddresses: boolean };
  topologyConstraint?: TopologyConstraint;
  terminationDelay?: string;
  resourceClaimTemplates?: ResourceClaimTemplateConfig[];
  resourceSharing?: ResourceSharingEntry[];
  podCliqueScalingGroups?: PodCliqueScalingGroupConfig[];
}

export interface PodCliqueSetSpec {
  replicas?: number;
  updateStrategy?: { type?: UpdateStrategyType };
  template: PodCliqueSetTemplateSpec;
}

export interface UpdateProgress {
  updateStartedAt?: string;
  updateEndedAt?: string;
  updatedPodCliquesCount?: number;
  totalPodCliquesCount?: number;
  updatedPodCliqueScalingGroupsCount?: number;
  totalPodCliqueScalingGroupsCount?: number;
  currentlyUpdating?: { replicaIndex: number; updateStartedAt?: string; updateEndedAt?: string }[];
}

export interface PodCliqueSetStatus {
  observedGeneration?: number;
  /** Mirrors spec.replicas; not an observation. */
  replicas?: number;
  availableReplicas: number;
  updatedReplicas: number;
  hpaPodSelector?: string;
  currentGenerationHash?: string;
  updateProgress?: UpdateProgress;
  lastErrors?: LastError[];
  conditions?: Condition[];
  /** Defined by the CRD but never filled by the operator at the pinned release. */
  podGangStatuses?: { name: string; phase: string; conditions?: Condition[] }[];
}

export interface PodCliqueSet extends KubeObject {
  apiVersion: typeof GROVE_API_VERSION;
  kind: typeof PODCLIQUESET_KIND;
  metadata: ObjectMeta;
  spec: PodCliqueSetSpec;
  status?: PodCliqueSetStatus;
}

/** Condition type set on a PCS with topology constraints. */
export const CONDITION_TOPOLOGY_LEVELS_UNAVAILABLE = 'TopologyLevelsUnavailable';

/** Which scaling group (if any) a clique template belongs to. */
export function scalingGroupOf(template: PodCliqueSetTemplateSpec, cliqueName: string): PodCliqueScalingGroupConfig | undefined {
  // `?.`: live and hand-written objects may lack cliqueNames (the validator reports it; readers go on).
  return template.podCliqueScalingGroups?.find((g) => g.cliqueNames?.includes(cliqueName));
}

/** CRD default of a scaling group's `minAvailable` (§3). */
export const DEFAULT_SCALING_GROUP_MIN_AVAILABLE = 1;

/**
 * A clique template's minAvailable: its own, else Grove's webhook default, the clique's `replicas` as
 * written (§2.4, §4). Falls back to 1, the least Grove accepts, when neither is a number.
 */
export function cliqueTemplateMinAvailable(spec: { minAvailable?: number; replicas?: number } | undefined): number {
  return spec?.minAvailable ?? spec?.replicas ?? 1;
}

/** The PodCliqueSet replica an object of it belongs to: its label, else the `<pcs>-<i>` its name starts with (0 when neither says). */
export function replicaIndexOf(object: KubeObject, pcsName: string): number {
  const label = object.metadata?.labels?.[LABEL_PCS_REPLICA_INDEX];
  if (label !== undefined && /^\d+$/.test(label)) return Number(label);
  const name = object.metadata?.name ?? '';
  const m = name.startsWith(`${pcsName}-`) ? /^(\d+)(?:-|$)/.exec(name.slice(pcsName.length + 1)) : null;
  return m ? Number(m[1]) : 0;
}

/**
 * The minAvailable of a live PodClique or PodCliqueScalingGroup of `pcs`: the object's own (the
 * operator copies it from the template, and it is immutable), else its template's with Grove's
 * defaults (a clique: the template's replicas; a group: 1), else, for a PodClique whose template is
 * not found, its own replicas. Never below 1: Grove rejects less.
 */
export function minAvailableOf(pcs: PodCliqueSet, object: KubeObject, kind: 'PodClique' | 'PodCliqueScalingGroup'): number {
  const spec = (object as { spec?: { minAvailable?: number; replicas?: number } }).spec;
  if (typeof spec?.minAvailable === 'number') return spec.minAvailable;
  const pcsName = pcs.metadata?.name ?? '';
  const name = object.metadata?.name ?? '';
  const index = replicaIndexOf(object, pcsName);
  const template = pcs.spec?.template;
  if (kind === 'PodCliqueScalingGroup') {
    const config = template?.podCliqueScalingGroups?.find((g) => scalingGroupName(pcsName, index, g.name) === name);
    return config?.minAvailable ?? DEFAULT_SCALING_GROUP_MIN_AVAILABLE;
  }
  const clique = template?.cliques?.find((c) => {
    const group = scalingGroupOf(template, c.name);
    if (!group) return podCliqueName(pcsName, index, c.name) === name;
    // A member is `<pcs>-<i>-<group>-<j>-<clique>`.
    const prefix = `${scalingGroupName(pcsName, index, group.name)}-`;
    return name.startsWith(prefix) && name.slice(prefix.length).replace(/^\d+-/, '') === c.name;
  });
  return clique ? cliqueTemplateMinAvailable(clique.spec) : cliqueTemplateMinAvailable({ replicas: spec?.replicas });
}

/**
 * The object as the apiserver stores it after CRD defaults and Grove's defaulting webhook (§4).
 * Pure: returns a deep copy. Tolerant of malformed input (parts of the wrong type are left alone),
 * because the validator defaults before it checks, as the apiserver does.
 */
export function defaultPodCliqueSet(pcs: PodCliqueSet): PodCliqueSet {
  const out = structuredClone(pcs);
  if (isRecord(out.metadata)) out.metadata.namespace ||= 'default';
  if (!isRecord(out.spec)) return out;
  out.spec.replicas ??= 0;
  out.spec.updateStrategy ??= {};
  if (isRecord(out.spec.updateStrategy)) out.spec.updateStrategy.type ??= 'RollingRecreate';
  const t = out.spec.template;
  if (!isRecord(t)) return out;
  t.cliqueStartupType ??= STARTUP_ANY_ORDER;
  t.terminationDelay ??= DEFAULT_TERMINATION_DELAY;
  t.headlessServiceConfig ??= { publishNotReadyAddresses: true };
  for (const clique of Array.isArray(t.cliques) ? t.cliques : []) {
    const spec = isRecord(clique) ? clique.spec : undefined;
    if (!isRecord(spec)) continue;
    const originalReplicas = spec.replicas;
    if (isRecord(spec.podSpec)) {
      spec.podSpec.restartPolicy ||= 'Always';
      spec.podSpec.terminationGracePeriodSeconds ??= DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS;
    }
    if (spec.replicas === 0) spec.replicas = 1;
    spec.minAvailable ??= originalReplicas;
    if (isRecord(spec.autoScalingConfig)) spec.autoScalingConfig.minReplicas ??= originalReplicas;
  }
  for (const group of Array.isArray(t.podCliqueScalingGroups) ? t.podCliqueScalingGroups : []) {
    if (!isRecord(group)) continue;
    group.replicas ??= 1;
    group.minAvailable ??= DEFAULT_SCALING_GROUP_MIN_AVAILABLE;
    if (isRecord(group.scaleConfig)) group.scaleConfig.minReplicas ??= group.replicas;
  }
  return out;
}
