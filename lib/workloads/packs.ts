/**
 * Required topology packs checked against where a stack's pods actually are (API-NOTES §2.6, §12): every
 * `pack.required` (or legacy `packDomain`) of the PodCliqueSet (per PodGang: a base gang, or a scaled gang
 * whose scaling group has none), of each scaling-group replica, and of each PodClique, against the
 * domains of the nodes its bound pods run on (node labels, the binding's levels), judged and worded by
 * lib/topology/packs.ts checkPacks as the topology page's selection is.
 *
 * Checked whatever the scheduler: kube-scheduler ignores the constraints, so that is where they break
 * most often, and the stack then runs without the locality it asked for (say a prefill group split over
 * racks, its NVLink traffic over the network). Preferred packs are best effort and not checked here; a
 * gang without a required pack may spread freely.
 */
import type { ClusterState, NodeInfo } from '../cluster/state';
import { planPodCliqueSet, type PlannedGang } from '../grove/expand';
import { requiredDomain } from '../grove/topology-constraint';
import { placesPodsIndependently } from '../placement/backend';
import { checkPacks, type PackConstraint, type PackOwnerKind } from '../topology/packs';
import { isLiveStage, type PodObject } from './pods';
import { workloadTopology } from './placement';
import type { PodNode, WorkloadTree } from './tree';

export type { PackOwnerKind } from '../topology/packs';

export interface UnmetPack {
  /** Which level of the manifest the constraint is written at. */
  owner: PackOwnerKind;
  /** Its name in the manifest: the PodCliqueSet, the scaling group or clique template name. */
  ownerName: string;
  /** Which replica of it broke the pack: "replica 0, gang x-0", "replica x-0-prefill-1", "x-0-decode". */
  replica: string;
  /** The domain (binding level) the pack requires, e.g. "rack". */
  domain: string;
  /** The domains its bound pods are on, sorted (more than one). */
  domains: string[];
  /** The pods' scheduler, when it is one that ignores topology constraints (default-scheduler). */
  ignoredBy?: string;
  /** One sentence (lib/topology/packs.ts checkPacks, the topology page's words too) and the scheduler clause. */
  text: string;
}

/**
 * Every required pack of the stack whose bound pods lie in more than one domain of its level, in gang order.
 * Read from the PodCliqueSet spec (what the user asked for), so it is judged even when the PodGangs carry no constraints.
 */
export function unmetRequiredPacks(state: ClusterState, tree: WorkloadTree): UnmetPack[] {
  const topology = workloadTopology(state, tree);
  if (!topology) return [];
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
  const constraints: (PackConstraint & { pods: PodNode[] })[] = [];
  const add = (owner: PackOwnerKind, ownerName: string, replica: string, podCliques: readonly string[], required: string | undefined) => {
    if (required) constraints.push({ owner, ownerName, replica, required, pods: podCliques.flatMap((name) => boundPods.get(name) ?? []) });
  };
  for (const gang of plan.gangs) {
    const all = gang.podCliques.map((c) => c.fqn);
    // A scaled gang carries its scaling group's constraint, else the PodCliqueSet's (Grove's fallback).
    const sg = gang.scalingGroup;
    if (sg?.config.topologyConstraint) add('scaling group', sg.config.name, `replica ${sg.fqn}-${sg.replicaIndex}`, all, requiredDomain(gang.constraint));
    else add('PodCliqueSet', plan.name, `replica ${gang.pcsIndex}, gang ${gang.name}`, all, requiredDomain(gang.constraint));
    for (const c of gang.groupConfigs) add('scaling group', scalingGroupOf(gang, c.podGroupNames) ?? c.name, `replica ${c.name}`, c.podGroupNames, requiredDomain(c.constraint));
    for (const pc of gang.podCliques) add('clique', pc.template.name, pc.fqn, [pc.fqn], requiredDomain(pc.template.topologyConstraint));
  }
  if (constraints.length === 0) return [];
  const labelsOf = nodeLabelsByName(state.nodes);
  return checkPacks(constraints, (node) => labelsOf.get(node), topology.levels)
    .filter((c) => !c.met)
    .map(({ constraint: { owner, ownerName, replica, pods }, domain, domains, text }) => {
      const ignoredBy = ignoringScheduler(pods, plan.schedulerName);
      return { owner, ownerName, replica, domain, domains, ...(ignoredBy ? { ignoredBy } : {}), text: `${text}${ignoredBy ? `; ${ignoredBy} ignores topology constraints` : ''}` };
    });
}

// One map per nodes array (the store keeps the array while no node changes): 300 stacks read it for
// one list, and building it per stack was most of the workloads list's first load at 12,500 nodes.
const labelsMemo = new WeakMap<readonly NodeInfo[], Map<string, Record<string, string>>>();
function nodeLabelsByName(nodes: readonly NodeInfo[]): Map<string, Record<string, string>> {
  let labels = labelsMemo.get(nodes);
  if (!labels) labelsMemo.set(nodes, (labels = new Map(nodes.map((n) => [n.name, n.labels]))));
  return labels;
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
