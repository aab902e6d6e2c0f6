/**
 * The index's two parts: node tables (domains, eligibility masks) that calls over the same nodes array
 * may share (sharedNodeTables), and the free amounts after the state's pods, which reset returns to
 * between gangs placed each on its own (placeEachGang).
 */
import { describe, expect, it } from 'vitest';
import type { ClusterState, NodeInfo } from '../cluster/state';
import { buildNodeTables, ClusterIndex, sharedNodeTables } from './cluster-index';
import { placeEachGang, placeGangs } from './place';
import { boundPod, LEVEL_KEYS, makeGang, makeNode, topologyOf } from './testkit';

const RDMA = 'rdma/ib';

function cluster(): ClusterState {
  const nodes: NodeInfo[] = [];
  for (let i = 0; i < 8; i++) {
    const node = makeNode(`n${i}`, { labels: { [LEVEL_KEYS.zone!]: 'z0', [LEVEL_KEYS.rack!]: `r${i >> 2}` }, taints: i === 7 ? [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }] : [] });
    nodes.push(i < 4 ? { ...node, allocatable: { ...node.allocatable, extended: { [RDMA]: 4 } } } : node);
  }
  const pods = [boundPod('a', 'n0', 4), boundPod('b', 'n5', 8), { ...boundPod('c', 'n1', 2), requests: { ...boundPod('c', 'n1', 2).requests, extended: { [RDMA]: 1 } } }];
  return { nodes, pods, topologies: [topologyOf('topo', ['zone', 'rack', 'host'])] };
}

/** What a gang placement reads of an index: every free amount, per node and per domain. */
function freeOf(index: ClusterIndex, state: ClusterState) {
  const topo = index.topology(state.topologies[0]!);
  return {
    gpu: [...index.freeGpu],
    cpu: [...index.freeCpu],
    mem: [...index.freeMem],
    pods: [...index.freePods],
    ext: [...index.freeExt].map(([name, f]) => [name, [...f]]),
    domains: topo.levels.map((l) => [...l.domFreeGpu]),
  };
}

describe('node tables', () => {
  it('sharedNodeTables: one per nodes array, kept with what calls added; a new array gets new ones', () => {
    const state = cluster();
    const tables = sharedNodeTables(state.nodes);
    expect(sharedNodeTables(state.nodes)).toBe(tables);
    expect(sharedNodeTables([...state.nodes])).not.toBe(tables);
    expect(buildNodeTables(state.nodes)).not.toBe(tables);
  });

  it('two indexes over states that differ only in pods share the domains and masks; the free amounts are each state’s own', () => {
    const state = cluster();
    const tables = sharedNodeTables(state.nodes);
    const first = new ClusterIndex(state, tables);
    const topo = first.topology(state.topologies[0]!);
    const mask = first.mask({ tolerations: [{ key: 'dedicated', operator: 'Exists' }] });
    const moved: ClusterState = { ...state, pods: [boundPod('d', 'n2', 8)] };
    const second = new ClusterIndex(moved, sharedNodeTables(moved.nodes));
    expect(second.tables).toBe(first.tables);
    const again = second.topology(moved.topologies[0]!);
    again.levels.forEach((level, l) => {
      // The node-derived arrays are the same objects (not rebuilt), the free sums are not.
      expect(level.nodeDom).toBe(topo.levels[l]!.nodeDom);
      expect(level.order).toBe(topo.levels[l]!.order);
      expect(level.domFreeGpu).not.toBe(topo.levels[l]!.domFreeGpu);
    });
    expect(again.inTopology).toBe(topo.inTopology);
    expect(second.mask({ tolerations: [{ key: 'dedicated', operator: 'Exists' }] })).toBe(mask);
    // Each index's free amounts are as a fresh index over its own state counts them.
    expect(freeOf(first, state)).toEqual(freeOf(new ClusterIndex(state), state));
    expect(freeOf(second, moved)).toEqual(freeOf(new ClusterIndex(moved), moved));
    expect(second.freeGpu[2]).toBe(0);
    expect(second.freeGpu[0]).toBe(8);
  });

  it('refuses tables built from another nodes array (they would index other nodes)', () => {
    const state = cluster();
    expect(() => new ClusterIndex(state, buildNodeTables([...state.nodes]))).toThrow(/node tables were built from another nodes array/);
  });
});

describe('reset', () => {
  it('gives back every assignment, forgets extended resources no node offers, and counts domain sums again: as a fresh index', () => {
    const state = cluster();
    const index = new ClusterIndex(state);
    const fresh = freeOf(new ClusterIndex(state), state);
    const topo = index.topology(state.topologies[0]!);
    index.apply(2, 8, 4000, 2 ** 30, 1, 1);
    index.apply(6, 3, 1000, 0, 1, 1);
    index.extFree(RDMA)[2] = 0;
    index.extFree('example.com/none');
    expect(freeOf(index, state)).not.toEqual(fresh);
    index.reset();
    expect(freeOf(index, state)).toEqual(fresh);
    expect(index.freeExt.has('example.com/none')).toBe(false);
    // The topology is kept (its levels are the same objects), with the state's sums.
    expect(index.topology(state.topologies[0]!)).toBe(topo);
    index.apply(3, 1, 0, 0, 0, 1);
    index.reset();
    expect(freeOf(index, state)).toEqual(fresh);
  });

  it('placeEachGang: each gang as if alone, with extended resources and a gang that does not fit in between', () => {
    const state = cluster();
    const withRdma = (name: string, gpu: number, replicas: number) => {
      const gang = makeGang({ name, topologyName: 'topo', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas, gpu }] });
      for (const pod of gang.podGroups[0]!.pods) pod.requests = { ...pod.requests, extended: { [RDMA]: 2 } };
      return gang;
    };
    const gangs = [
      withRdma('a-0', 4, 2),
      makeGang({ name: 'none-0', groups: [{ clique: 'w', replicas: 1, gpu: 1 }] }),
      { ...withRdma('b-0', 8, 9) },
      withRdma('c-0', 4, 2),
      makeGang({ name: 'd-0', topologyName: 'topo', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 2, gpu: 8 }] }),
    ];
    gangs[1]!.podGroups[0]!.pods[0]!.requests = { ...gangs[1]!.podGroups[0]!.pods[0]!.requests, extended: { 'example.com/none': 1 } };
    const each = placeEachGang(state, gangs, { nodeTables: sharedNodeTables(state.nodes) });
    expect(each).toEqual(gangs.map((g) => placeGangs(state, [g]).gangs[0]));
    expect(each.map((g) => g.placed)).toEqual([true, false, false, true, true]);
    // a-0 and c-0 ask for the same room and each gets it: neither took it from the other.
    expect(each[3]!.pods.map((p) => p.node)).toEqual(each[0]!.pods.map((p) => p.node));
  });
});
