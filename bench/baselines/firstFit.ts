/**
 * Topology-blind first-fit: each pod of a gang on the first node (in cluster order) that passes the node
 * filters and has room; all-or-nothing over the gang's minReplicas pods, optional pods best effort.
 * It ignores every topology constraint, so its plans may break `required` packs (the verifier says so).
 */
import type { ClusterState, NodeInfo } from '../../lib/cluster/state';
import type { ExpandedGang, ExpandedPod } from '../../lib/grove/gang';
import type { GangPlacement, Plan } from '../../lib/placement/plan';
import { commonDomains, Eligibility, FreeIndex, plannedPod, unplaced } from './common';

export function firstFit(state: ClusterState, gangs: ExpandedGang[]): Plan {
  const nodes = state.nodes;
  const free = new FreeIndex(nodes, state);
  const elig = new Eligibility(nodes);
  const placeOne = (pod: ExpandedPod): number => {
    for (let i = 0; i < nodes.length; i++) {
      if (free.fits(i, pod.requests) && elig.ok(i, pod.scheduling)) {
        free.take(i, pod.requests);
        return i;
      }
    }
    return -1;
  };
  const out: GangPlacement[] = [];
  const placedGangs = new Set<string>();
  for (const gang of gangs) {
    if (gang.baseGang && gangs.some((g) => g.name === gang.baseGang) && !placedGangs.has(gang.baseGang)) {
      out.push(unplaced(gang, `first-fit: base gang ${gang.baseGang} is not placed`));
      continue;
    }
    const mark = free.mark();
    const placed: [ExpandedPod, NodeInfo][] = [];
    let failed: ExpandedPod | undefined;
    for (const g of gang.podGroups) {
      for (const pod of g.pods.slice(0, g.minReplicas)) {
        const i = placeOne(pod);
        if (i < 0) {
          failed = pod;
          break;
        }
        placed.push([pod, nodes[i] as NodeInfo]);
      }
      if (failed) break;
    }
    if (failed) {
      free.rollback(mark);
      out.push(unplaced(gang, `first-fit: no node has room for pod ${failed.name} (${failed.requests.gpu} GPU)`));
      continue;
    }
    const optional: string[] = [];
    for (const g of gang.podGroups) {
      for (const pod of g.pods.slice(g.minReplicas)) {
        const i = placeOne(pod);
        if (i < 0) optional.push(pod.name);
        else placed.push([pod, nodes[i] as NodeInfo]);
      }
    }
    placedGangs.add(gang.name);
    out.push({
      name: gang.name,
      placed: true,
      domains: commonDomains(state, gang, placed.map(([, n]) => n)),
      pods: placed.map(([p, n]) => plannedPod(p, n)),
      ...(optional.length ? { unplacedOptionalPods: optional } : {}),
    });
  }
  return { feasible: out.every((g) => g.placed), gangs: out };
}
