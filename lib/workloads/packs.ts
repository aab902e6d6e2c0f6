/**
 * Required topology packs checked against where a stack's pods actually are (API-NOTES §2.6, §12): every
 * `pack.required` (or legacy `packDomain`) of the PodCliqueSet (per PodGang: a base gang, or a scaled gang
 * whose scaling group has none), of each scaling-group replica, and of each PodClique, against the
 * domains of the nodes its bound pods run on (node labels, the binding's levels).
 *
 * Checked whatever the scheduler: kube-scheduler ignores the constraints, so that is where they break
 * most often, and the stack then runs without the locality it asked for (say a prefill group split over
 * racks, its NVLink traffic over the network). Preferred packs are best effort and not checked here; a
 * gang without a required pack may spread freely.
 */
import type { ClusterState } from '../cluster/state';
import { planPodCliqueSet, type PlannedGang } from '../grove/expand';
import { requiredDomain } from '../grove/topology-constraint';
import { placesPodsIndependently } from '../placement/backend';
import { naturalCompare } from '../topology/tree';
import { isLiveStage, type PodObject } from './pods';
import { workloadTopology } from './placement';
import type { PodNode, WorkloadTree } from './tree';

export type PackOwnerKind = 'PodCliqueSet' | 'scaling group' | 'clique';

export interface UnmetPack {
  /** Which level of the manifest the constraint is written at. */
  owner: PackOwnerKind;
  /** Its name in the manifest: the PodCliqueSet, the scaling group or clique template name (the topology page's words: lib/heatmap/constraints.ts). */
  ownerName: string;
  /** Which replica of it broke the pack: "replica 0, gang x-0", "replica x-0-prefill-1", "x-0-decode". */
  replica: string;
  /** The domain (binding level) the pack requires, e.g. "rack". */
  domain: string;
  /** The domains its bound pods are on, sorted (more than one). */
  domains: string[];
  /** The pods' scheduler, when it is one that ignores topology constraints (default-scheduler). */
  ignoredBy?: string;
  /** One sentence: "Required rack pack of scaling group prefill (replica x-0-prefill-0) not met: pods on 3 racks (…)". */
  text: string;
}

/** Every required pack of the stack whose bound pods lie in more than one domain of its level, in gang order. */
export function unmetRequiredPacks(state: ClusterState, tree: WorkloadTree): UnmetPack[] {
  const topology = workloadTopology(state, tree);
  if (!topology) return [];
  const depthOf = new Map(topology.levels.map((l, i) => [l.domain, i]));
  const labelsOf = new Map(state.nodes.map((n) => [n.name, n.labels]));
  const boundPods = new Map(tree.podCliques.map((c) => [c.name, c.pods.filter((p) => p.node && isLiveStage(p.stage))]));
  let plan;
  try {
    plan = planPodCliqueSet(tree.pcs, {
      scalingGroupReplicas: Object.fromEntries(tree.scalingGroups.map((g) => [g.name, g.replicas])),
      podCliqueReplicas: Object.fromEntries(tree.podCliques.map((c) => [c.name, c.replicas])),
    });
  } catch {
    return []; // a PodCliqueSet the expansion cannot read: nothing to compare with
  }
  const out: UnmetPack[] = [];
  const check = (owner: PackOwnerKind, ownerName: string, replica: string, podCliques: readonly string[], domain: string | undefined) => {
    const depth = domain ? depthOf.get(domain) : undefined;
    if (!domain || depth === undefined) return; // no such level in the binding: Grove drops the constraint
    const key = topology.levels[depth]!.key;
    const pods = podCliques.flatMap((name) => boundPods.get(name) ?? []);
    // A domain is its values from the top level down (rack r1 of zone a is not rack r1 of zone b).
    const paths = new Map<string, string[]>();
    for (const p of pods) {
      const labels = labelsOf.get(p.node!);
      if (!labels) continue; // a node the state does not know yet: no verdict
      const path = topology.levels.slice(0, depth + 1).map((l) => labels[l.key] ?? '');
      if (!labels[key]) path[depth] = `(node ${p.node} without ${key})`;
      paths.set(path.join('\u0000'), path);
    }
    if (paths.size <= 1) return;
    // Named by the level's value, or by the path where two domains share a value.
    const values = [...paths.values()].map((path) => path[depth]!);
    const domains = [...paths.values()].map((path) => (values.filter((v) => v === path[depth]).length > 1 ? path.filter(Boolean).join('/') : path[depth]!)).sort(naturalCompare);
    const ignoredBy = ignoringScheduler(pods, plan.schedulerName);
    const text = `Required ${domain} pack of ${owner} ${ownerName} (${replica}) not met: pods on ${domains.length} ${domain}s (${domains.join(', ')})${ignoredBy ? `; ${ignoredBy} ignores topology constraints` : ''}`;
    out.push({ owner, ownerName, replica, domain, domains, ...(ignoredBy ? { ignoredBy } : {}), text });
  };
  for (const gang of plan.gangs) {
    const all = gang.podCliques.map((c) => c.fqn);
    // A scaled gang carries its scaling group's constraint, else the PodCliqueSet's (Grove's fallback).
    const sg = gang.scalingGroup;
    if (sg?.config.topologyConstraint) check('scaling group', sg.config.name, `replica ${sg.fqn}-${sg.replicaIndex}`, all, requiredDomain(gang.constraint));
    else check('PodCliqueSet', plan.name, `replica ${gang.pcsIndex}, gang ${gang.name}`, all, requiredDomain(gang.constraint));
    for (const c of gang.groupConfigs) check('scaling group', scalingGroupOf(gang, c.podGroupNames) ?? c.name, `replica ${c.name}`, c.podGroupNames, requiredDomain(c.constraint));
    for (const pc of gang.podCliques) check('clique', pc.template.name, pc.fqn, [pc.fqn], requiredDomain(pc.template.topologyConstraint));
  }
  return out;
}

/** The scaling group (template name) a base gang's group config packs. */
function scalingGroupOf(gang: PlannedGang, podCliques: readonly string[]): string | undefined {
  return gang.podCliques.find((pc) => podCliques.includes(pc.fqn))?.scalingGroup?.config.name;
}

/** The pods' scheduler (their spec.schedulerName, else the stack's) when it places pod by pod and ignores the constraints. */
function ignoringScheduler(pods: readonly PodNode[], stackScheduler: string): string | undefined {
  const names = new Set(
    pods.map((p) => {
      const own = (p.object as PodObject).spec?.schedulerName;
      return typeof own === 'string' && own ? own : stackScheduler;
    }),
  );
  const [only] = names;
  return names.size === 1 && only && placesPodsIndependently(only) ? only : undefined;
}
