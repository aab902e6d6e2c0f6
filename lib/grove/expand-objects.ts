/**
 * The objects the Grove operator generates for a PodCliqueSet — PodCliques, PodCliqueScalingGroups and
 * PodGangs — with the operator's names, labels and specs (API-NOTES §3, §6, §7, §10, §12), built on
 * the same expansion as expandPodGangs. For the simulated cluster and for "what will be created" views.
 *
 * Left out on purpose: ownerReferences (they need UIDs), finalizers (a simulated apiserver without
 * the operator would never remove them), status, `grove.io/pod-template-hash` (see expand.ts), and the
 * MNNVL resource claims (opt-in feature with its own operator config).
 */
import type { TopologyLevel } from './clustertopologybinding';
import type { Container, EnvVar } from './core';
import {
  gangConstraint,
  gangsFromPlan,
  mirroredAnnotations,
  planPodCliqueSet,
  podCliqueLabels,
  podGangLabels,
  type ExpandOptions,
  type ExpansionPlan,
  type PlannedPodClique,
} from './expand';
import type { ExpandedGang } from './gang';
import {
  ANNOTATION_MNNVL_GROUP,
  ANNOTATION_TOPOLOGY_NAME,
  COMPONENT,
  ENV,
  GROVE_API_VERSION,
  GROVE_SCHEDULER_API_VERSION,
  LABEL_APP_NAME,
  LABEL_COMPONENT,
  LABEL_PCS_REPLICA_INDEX,
  LABEL_PCSG,
  LABEL_PCSG_REPLICA_INDEX,
  managedLabels,
} from './labels';
import { podCliqueName, scalingGroupPodCliqueName } from './naming';
import { PODCLIQUE_KIND, type PodClique } from './podclique';
import { STARTUP_EXPLICIT, STARTUP_IN_ORDER, scalingGroupOf, type PodCliqueSet, type PodCliqueSetTemplateSpec } from './podcliqueset';
import { PCSG_KIND, type PodCliqueScalingGroup } from './podcliquescalinggroup';
import { PODGANG_KIND, type PodGang, type PodGangTopologyConstraint, type PodGroup } from './podgang';

export interface ExpandObjectsOptions extends ExpandOptions {
  /**
   * Levels of the effective ClusterTopologyBinding (broadest → narrowest). When given, PodGang
   * constraints are translated to node label keys as Grove does with topology-aware scheduling
   * enabled (a domain missing from the levels is dropped); when absent, PodGangs carry no
   * constraints, as with TAS disabled.
   */
  levels?: TopologyLevel[];
}

export interface ExpandedObjects {
  podCliques: PodClique[];
  scalingGroups: PodCliqueScalingGroup[];
  podGangs: PodGang[];
  gangs: ExpandedGang[];
}

export function expandPodCliqueSet(pcs: PodCliqueSet, options: ExpandObjectsOptions = {}): ExpandedObjects {
  const plan = planPodCliqueSet(pcs, options);
  const gangs = gangsFromPlan(plan);
  const podCliques = plan.gangs.flatMap((g) => g.podCliques.map((p) => buildPodClique(plan, p)));
  const scalingGroups = plan.scalingGroups.map(
    (sg): PodCliqueScalingGroup => ({
      apiVersion: GROVE_API_VERSION,
      kind: PCSG_KIND,
      metadata: {
        name: sg.fqn,
        namespace: plan.namespace,
        labels: {
          ...managedLabels(plan.name),
          [LABEL_APP_NAME]: sg.fqn,
          [LABEL_COMPONENT]: COMPONENT.podCliqueScalingGroup,
          [LABEL_PCS_REPLICA_INDEX]: String(sg.pcsIndex),
        },
        ...nonEmpty('annotations', pcsgAnnotations(plan, sg.config.annotations)),
      },
      spec: { replicas: sg.replicas, minAvailable: sg.minAvailable, cliqueNames: [...sg.config.cliqueNames] },
    }),
  );
  const podGangs = plan.gangs.map((g, index): PodGang => {
    const gang = gangs[index];
    if (!gang || gang.name !== g.name) throw new Error(`internal: gang order mismatch at ${index}`);
    const levels = options.levels;
    const podgroups: PodGroup[] = gang.podGroups.map((pg) => {
      const tc = levels ? translate(pg.topologyConstraint, levels) : undefined;
      return {
        name: pg.name,
        podReferences: pg.pods.map((p) => ({ namespace: p.namespace, name: p.name })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
        minReplicas: pg.minReplicas,
        ...(tc ? { topologyConstraint: tc } : {}),
      };
    });
    const topologyConstraint = levels ? translate(gangConstraint(g.constraint), levels) : undefined;
    const groupConfigs = levels
      ? g.groupConfigs.map((c) => {
          const tc = translate(gangConstraint(c.constraint), levels);
          return { name: c.name, podGroupNames: [...c.podGroupNames], ...(tc ? { topologyConstraint: tc } : {}) };
        })
      : [];
    const translated = !!topologyConstraint || groupConfigs.some((c) => c.topologyConstraint) || podgroups.some((p) => p.topologyConstraint);
    const annotations = mirroredAnnotations(plan.pcs);
    if (translated && plan.topologyName) annotations[ANNOTATION_TOPOLOGY_NAME] = plan.topologyName;
    const priorityClassName = plan.pcs.spec.template.priorityClassName;
    return {
      apiVersion: GROVE_SCHEDULER_API_VERSION,
      kind: PODGANG_KIND,
      metadata: { name: g.name, namespace: plan.namespace, labels: podGangLabels(plan), ...nonEmpty('annotations', annotations) },
      spec: {
        podgroups,
        ...(topologyConstraint ? { topologyConstraint } : {}),
        ...(groupConfigs.length > 0 ? { topologyConstraintGroupConfigs: groupConfigs } : {}),
        ...(priorityClassName ? { priorityClassName } : {}),
      },
    };
  });
  return { podCliques, scalingGroups, podGangs, gangs };
}

function nonEmpty<K extends string>(key: K, map: Record<string, string>): { [P in K]?: Record<string, string> } {
  return (Object.keys(map).length > 0 ? { [key]: map } : {}) as { [P in K]?: Record<string, string> };
}

/** PCSG annotations: the group config's, plus the PCS's MNNVL group when the config sets none (§17). */
function pcsgAnnotations(plan: ExpansionPlan, own: Record<string, string> | undefined): Record<string, string> {
  const out = { ...(own ?? {}) };
  const inherited = plan.pcs.metadata.annotations?.[ANNOTATION_MNNVL_GROUP];
  if (inherited !== undefined && !(ANNOTATION_MNNVL_GROUP in out)) out[ANNOTATION_MNNVL_GROUP] = inherited;
  return out;
}

/** Domain names → node label keys through the binding's levels; unknown domains are dropped, as Grove does. */
export function translate(c: { required?: string; preferred?: string } | undefined, levels: TopologyLevel[]): PodGangTopologyConstraint | undefined {
  if (!c) return undefined;
  const key = (domain: string | undefined) => (domain ? levels.find((l) => l.domain === domain)?.key : undefined);
  const required = key(c.required);
  const preferred = key(c.preferred);
  if (!required && !preferred) return undefined;
  return { packConstraint: { ...(required ? { required } : {}), ...(preferred ? { preferred } : {}) } };
}

function buildPodClique(plan: ExpansionPlan, p: PlannedPodClique): PodClique {
  const spec = structuredClone(p.template.spec);
  spec.replicas = p.replicas;
  const startsAfter = startupDependencies(plan, p);
  if (startsAfter.length > 0) spec.startsAfter = startsAfter;
  else delete spec.startsAfter;
  if (p.scalingGroup) {
    // The PCSG controller appends these to every container and init container of member cliques (§3, §8;
    // v0.1.0-alpha.11's AddEnvVarsToContainers: after the container's own, a name it has too listed twice).
    const numPods = p.scalingGroup.config.cliqueNames.reduce((n, c) => n + (plan.pcs.spec.template.cliques.find((t) => t.name === c)?.spec.replicas ?? 0), 0);
    const env: EnvVar[] = [
      { name: ENV.pcsgName, valueFrom: { fieldRef: { fieldPath: `metadata.labels['${LABEL_PCSG}']` } } },
      { name: ENV.pcsgTemplateNumPods, value: String(numPods) },
      { name: ENV.pcsgIndex, valueFrom: { fieldRef: { fieldPath: `metadata.labels['${LABEL_PCSG_REPLICA_INDEX}']` } } },
    ];
    spec.podSpec.containers = appendEnv(spec.podSpec.containers, env);
    if (spec.podSpec.initContainers) spec.podSpec.initContainers = appendEnv(spec.podSpec.initContainers, env);
  }
  const annotations = { ...(p.template.annotations ?? {}) };
  delete annotations[ANNOTATION_TOPOLOGY_NAME];
  return {
    apiVersion: GROVE_API_VERSION,
    kind: PODCLIQUE_KIND,
    metadata: { name: p.fqn, namespace: plan.namespace, labels: podCliqueLabels(plan, p), ...nonEmpty('annotations', annotations) },
    spec,
  };
}

function appendEnv(containers: Container[], env: EnvVar[]): Container[] {
  return containers.map((c) => ({ ...c, env: [...(c.env ?? []), ...structuredClone(env)] }));
}

/**
 * Full PodClique names a PodClique waits for (§10). InOrder: the previous clique in `cliques[]`;
 * Explicit: `startsAfter`; AnyOrder: none. A parent inside a scaling group expands to that clique in
 * the group's replicas 0..minAvailable-1 of the same PCS replica (the base gang). A PodClique of a
 * scaled gang only waits for parents of its own scaling-group replica; others are dropped, since
 * ordering is only enforced inside one PodGang.
 */
export function startupDependencies(plan: ExpansionPlan, p: PlannedPodClique): string[] {
  const template = plan.pcs.spec.template;
  let parents: string[];
  if (template.cliqueStartupType === STARTUP_IN_ORDER) {
    const at = template.cliques.findIndex((c) => c.name === p.template.name);
    const previous = at > 0 ? template.cliques[at - 1] : undefined;
    parents = previous ? [previous.name] : [];
  } else if (template.cliqueStartupType === STARTUP_EXPLICIT) {
    parents = p.template.spec.startsAfter ?? [];
  } else {
    return [];
  }
  const sg = p.scalingGroup;
  if (sg && sg.replicaIndex >= sg.minAvailable) {
    return parents.filter((n) => sg.config.cliqueNames.includes(n)).map((n) => scalingGroupPodCliqueName(plan.name, p.pcsIndex, sg.config.name, sg.replicaIndex, n));
  }
  return parents.flatMap((n) => baseGangPodCliqueNames(plan.name, template, p.pcsIndex, n));
}

function baseGangPodCliqueNames(pcs: string, template: PodCliqueSetTemplateSpec, pcsIndex: number, clique: string): string[] {
  const group = scalingGroupOf(template, clique);
  if (!group) return [podCliqueName(pcs, pcsIndex, clique)];
  return Array.from({ length: group.minAvailable ?? 1 }, (_, j) => scalingGroupPodCliqueName(pcs, pcsIndex, group.name, j, clique));
}
