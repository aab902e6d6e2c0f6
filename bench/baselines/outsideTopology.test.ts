/**
 * The benchmark's references follow KAI's rule for nodes outside the topology, as the engine and the
 * verifier do: a node without the label of every level takes no pod of a set with a topology constraint
 * (required or preferred), and any pod of a set without one. The exact MILP and the KAI-style greedy
 * must agree with the verifier here, or the exact benchmark compares against a different problem.
 */
import loadHighs from 'highs';
import { describe, expect, it } from 'vitest';
import type { ClusterState } from '../../lib/cluster/state';
import type { GangTopologyConstraint } from '../../lib/grove/gang';
import { makeGang, makeNode } from '../../lib/placement/testkit';
import { verifyPlan } from '../../lib/placement/verify';
import { solveGang } from '../milp';
import { kaiGreedy } from './kaiGreedy';

const ZONE = 'example.com/zone';
const RACK = 'example.com/rack';

/** Zone z0: two 8-GPU nodes in rack r0 and a third with the zone label but no rack label. */
function cluster(): ClusterState {
  const levels = [{ domain: 'zone', key: ZONE }, { domain: 'rack', key: RACK }, { domain: 'host', key: 'kubernetes.io/hostname' }];
  const nodes = [makeNode('r0-a', { labels: { [ZONE]: 'z0', [RACK]: 'r0' } }), makeNode('r0-b', { labels: { [ZONE]: 'z0', [RACK]: 'r0' } }), makeNode('rackless', { labels: { [ZONE]: 'z0' } })];
  return { nodes, pods: [], topologies: [{ name: 'topo', levels }] };
}

const threePods = (constraint?: GangTopologyConstraint) => makeGang({ name: 'x-0', topologyName: 'topo', ...(constraint ? { constraint } : {}), groups: [{ clique: 'w', replicas: 3, gpu: 8 }] });

describe('nodes outside the topology in the benchmark references', () => {
  it('the MILP has no placement for a zone-packed or zone-preferred gang that needs the rackless node, and uses it without a constraint', async () => {
    const highs = await loadHighs();
    const state = cluster();
    expect(solveGang(highs, state, threePods({ required: 'zone' })).status).toBe('infeasible');
    expect(solveGang(highs, state, threePods({ preferred: 'zone' })).status).toBe('infeasible');
    const free = threePods();
    const r = solveGang(highs, state, free);
    expect(r.status).toBe('optimal');
    expect(r.placement!.pods.map((p) => p.node).sort()).toEqual(['r0-a', 'r0-b', 'rackless']);
    expect(verifyPlan(state, [free], { feasible: true, gangs: [r.placement!] })).toEqual([]);
  });

  it('kai-greedy leaves a constrained gang unplaced rather than use the rackless node, and places an unconstrained one', () => {
    const state = cluster();
    for (const constraint of [{ required: 'zone' }, { preferred: 'zone' }]) {
      const gang = threePods(constraint);
      const plan = kaiGreedy(state, [gang]);
      expect(plan.gangs[0]!.placed).toBe(false);
      expect(verifyPlan(state, [gang], plan)).toEqual([]);
    }
    const free = threePods();
    const plan = kaiGreedy(state, [free]);
    expect(plan.gangs[0]!.pods.map((p) => p.node).sort()).toEqual(['r0-a', 'r0-b', 'rackless']);
    expect(verifyPlan(state, [free], plan)).toEqual([]);
  });
});
