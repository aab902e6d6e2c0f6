import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClusterState } from '../cluster/state';
import { LABEL_MANAGED_BY, LABEL_MANAGED_BY_VALUE, LABEL_PART_OF } from '../grove/labels';
import { buildTopologyTree } from '../topology/tree';
import { formatCpu, formatMemory } from './explain';
import { placeGangs } from './index';
import type { GangPlacement } from './plan';
import { boundPod, GiB, makeGang, makeNode, nestedCluster, type GangSpec } from './testkit';

function flat(nodes: number, o: Parameters<typeof makeNode>[1] = {}): ClusterState {
  return { nodes: Array.from({ length: nodes }, (_, i) => makeNode(`n${i}`, o)), pods: [], topologies: [] };
}

function fail(state: ClusterState, spec: GangSpec): GangPlacement {
  const g = placeGangs(state, [makeGang(spec)]).gangs[0]!;
  expect(g.placed).toBe(false);
  expect(g.pods).toEqual([]);
  // The first row, and after the free room a level that never holds the gang too (see neverHeadline).
  if (g.reason !== g.explanation![0]!.message) {
    expect(g.explanation![0]!.level).toBe('cluster');
    expect(g.reason!.startsWith(`${g.explanation![0]!.message}; and no `)).toBe(true);
  }
  return g;
}

describe('explanations when a gang is not placed', () => {
  it('a pod larger than any node: capacity, not free room, and what to change', () => {
    const g = fail(flat(4), { name: 'llm-0', groups: [{ clique: 'prefill', replicas: 1, gpu: 16 }] });
    expect(g.reason).toBe('pod llm-0-prefill-0 needs 16 GPUs on one node, but no node in the cluster has 16 GPUs even when empty (the largest has 8); use smaller pods');
    expect(g.explanation![0]).toMatchObject({ level: 'node', needs: '16 GPUs on one node', best: 'the largest node has 8 GPUs even when empty', exceedsCapacity: true });
  });

  it('an empty cluster is said once, not once per kind of pod', () => {
    const g = fail(flat(0), { name: 'llm-0', groups: [{ clique: 'prefill', replicas: 1, gpu: 8 }, { clique: 'decode', replicas: 2, gpu: 4 }, { clique: 'router', replicas: 1, gpu: 0 }] });
    expect(g.explanation!.filter((e) => e.message === 'the cluster has no nodes')).toHaveLength(1);
    expect(g.reason).toBe('the cluster has no nodes');
  });

  it('a pod larger than any free node', () => {
    const state = flat(2);
    state.pods.push(boundPod('a', 'n0', 4), boundPod('b', 'n1', 6));
    const g = fail(state, { name: 'llm-0', groups: [{ clique: 'prefill', replicas: 1, gpu: 8 }] });
    expect(g.reason).toBe('pod llm-0-prefill-0 needs 8 GPUs on one node; the largest free node has 4');
    expect(g.explanation![0]!.exceedsCapacity).toBeUndefined();
  });

  it('nodes with room that the filters keep the pod off are counted, with the most common reason', () => {
    // rack-0's two free nodes are tainted for inference; rack-1 is full.
    const tainted = nestedCluster(['rack'], [2, 2]);
    for (const n of tainted.nodes.slice(0, 2)) n.taints.push({ key: 'dedicated', value: 'infer', effect: 'NoSchedule' });
    tainted.pods.push(boundPod('a', 'node-2', 8), boundPod('b', 'node-3', 8));
    expect(fail(tainted, { name: 'llm-0', groups: [{ clique: 'w', replicas: 1, gpu: 8 }] }).reason).toBe(
      'pod llm-0-w-0 needs 8 GPUs on one node; the largest free node it may use has 0; 16 GPUs free on 2 nodes it may not use: taint dedicated=infer:NoSchedule not tolerated',
    );

    // pool=a: n0 (4 free) and n3 (free, cordoned); n1 and n2 (free) are pool=b.
    const pools = flat(4);
    pools.nodes.forEach((n, i) => (n.labels.pool = i === 0 || i === 3 ? 'a' : 'b'));
    pools.nodes[3]!.unschedulable = true;
    pools.pods.push(boundPod('a', 'n0', 4));
    expect(fail(pools, { name: 'x-0', groups: [{ clique: 'w', replicas: 1, gpu: 8, scheduling: { nodeSelector: { pool: 'a' } } }] }).reason).toBe(
      'pod x-0-w-0 needs 8 GPUs on one node; the largest free node it may use has 4; 24 GPUs free on 3 nodes it may not use: not matching nodeSelector pool=a on 2, cordoned on 1',
    );

    // A pod without GPUs: the room, not free GPUs.
    const cpus: ClusterState = { nodes: [makeNode('big', { cpuMilli: 64_000, taints: [{ key: 'a', effect: 'NoExecute' }] }), makeNode('small', { cpuMilli: 16_000 })], pods: [], topologies: [] };
    expect(fail(cpus, { name: 'x-0', groups: [{ clique: 'c', replicas: 1, gpu: 0, cpuMilli: 32_000 }] }).reason).toBe(
      'pod x-0-c-0 needs 32 CPUs on one node, but no node it may use has 32 CPUs even when empty (the largest has 16 CPUs); use smaller pods; room on 1 node it may not use: taint a:NoExecute not tolerated',
    );
  });

  it('CPU, memory and pod slots on one node', () => {
    // Busy nodes: free room.
    const cpuBusy = flat(2, { cpuMilli: 64_000 });
    cpuBusy.pods.push(boundPod('a', 'n0', 0, { cpuMilli: 48_000 }), boundPod('b', 'n1', 0, { cpuMilli: 48_000 }));
    expect(fail(cpuBusy, { name: 'x-0', groups: [{ clique: 'c', replicas: 1, gpu: 0, cpuMilli: 32_000 }] }).reason).toBe('pod x-0-c-0 needs 32 CPUs on one node; the most free on a node is 16 CPUs');
    const memBusy = flat(2, { memory: 128 * GiB });
    memBusy.pods.push(boundPod('a', 'n0', 0, { memory: 64 * GiB }), boundPod('b', 'n1', 0, { memory: 64 * GiB }));
    expect(fail(memBusy, { name: 'x-0', groups: [{ clique: 'c', replicas: 1, gpu: 0, memory: 100 * GiB }] }).reason).toBe('pod x-0-c-0 needs 100Gi memory on one node; the most free on a node is 64Gi');
    // Nodes too small even when empty: capacity.
    expect(fail(flat(2, { cpuMilli: 16_000 }), { name: 'x-0', groups: [{ clique: 'c', replicas: 1, gpu: 0, cpuMilli: 32_000 }] }).reason).toBe(
      'pod x-0-c-0 needs 32 CPUs on one node, but no node in the cluster has 32 CPUs even when empty (the largest has 16 CPUs); use smaller pods',
    );
    expect(fail(flat(2, { memory: 64 * GiB }), { name: 'x-0', groups: [{ clique: 'c', replicas: 1, gpu: 0, memory: 100 * GiB }] }).reason).toBe(
      'pod x-0-c-0 needs 100Gi memory on one node, but no node in the cluster has 100Gi memory even when empty (the largest has 64Gi memory); use smaller pods',
    );
    expect(fail(flat(1, { pods: 0 }), { name: 'x-0', groups: [{ clique: 'c', replicas: 1, gpu: 0 }] }).reason).toBe('pod x-0-c-0 needs a pod slot; every node is at its pod limit (0)');
  });

  it('no node matches the nodeSelector, and some that carry the label are cordoned', () => {
    const state = flat(6);
    for (const i of [0, 1, 2]) {
      state.nodes[i]!.labels['nvidia.com/gpu.product'] = 'H100';
      state.nodes[i]!.unschedulable = true;
    }
    const g = fail(state, { name: 'llm-0', groups: [{ clique: 'w', replicas: 1, scheduling: { nodeSelector: { 'nvidia.com/gpu.product': 'H100' } } }] });
    expect(g.reason).toBe('pod llm-0-w-0: the 3 nodes with nvidia.com/gpu.product=H100 are cordoned');
    const none = fail(flat(2), { name: 'llm-0', groups: [{ clique: 'w', replicas: 1, scheduling: { nodeSelector: { 'nvidia.com/gpu.product': 'H100' } } }] });
    expect(none.reason).toBe('pod llm-0-w-0: no node matches nodeSelector nvidia.com/gpu.product=H100');
  });

  it('label matches excluded by NotReady and taints are counted separately', () => {
    const state = flat(4);
    for (const n of state.nodes) n.labels.pool = 'a';
    state.nodes[0]!.ready = false;
    state.nodes[1]!.unschedulable = true;
    state.nodes[2]!.taints.push({ key: 'dedicated', value: 'infra', effect: 'NoSchedule' });
    state.nodes[3]!.taints.push({ key: 'dedicated', value: 'infra', effect: 'NoSchedule' });
    const g = fail(state, { name: 'x-0', groups: [{ clique: 'w', replicas: 1, scheduling: { nodeSelector: { pool: 'a' } } }] });
    expect(g.reason).toBe('pod x-0-w-0: of the 4 nodes with pool=a, 1 is cordoned, 1 is NotReady and 2 carry taint dedicated=infra:NoSchedule, which the pod does not tolerate');
  });

  it('required node affinity that nothing matches', () => {
    const g = fail(flat(2), {
      name: 'x-0',
      groups: [{ clique: 'w', replicas: 1, scheduling: { requiredNodeAffinity: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }] } }],
    });
    expect(g.reason).toBe('pod x-0-w-0: no node matches the required node affinity (zone In [a,b])');
  });

  it('an untolerated taint on every node', () => {
    const state = flat(12, { taints: [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }] });
    const g = fail(state, { name: 'x-0', groups: [{ clique: 'w', replicas: 1 }] });
    expect(g.reason).toBe('pod x-0-w-0: taint dedicated=infra:NoSchedule on 12 nodes is not tolerated');
  });

  it('taints, cordons and NotReady nodes together', () => {
    const state = flat(4);
    state.nodes[0]!.taints.push({ key: 'a', effect: 'NoExecute' });
    state.nodes[1]!.unschedulable = true;
    state.nodes[2]!.ready = false;
    state.nodes[3]!.ready = false;
    const g = fail(state, { name: 'x-0', groups: [{ clique: 'w', replicas: 1 }] });
    expect(g.reason).toBe('pod x-0-w-0: taint a:NoExecute on 1 node is not tolerated; 1 node is cordoned; 2 nodes are NotReady');
  });

  it('the gang minimum against the free capacity', () => {
    const state = flat(4);
    state.pods.push(boundPod('a', 'n0', 8));
    const g = fail(state, { name: 'x-0', groups: [{ clique: 'w', replicas: 4, gpu: 8 }] });
    expect(g.reason).toBe('the gang needs 32 GPUs for the 4 pods of its minimum; only 24 GPUs are free on the nodes its pods may use (the other 8 are held by pod default/a)');
    expect(g.explanation![0]!.level).toBe('cluster');
  });

  it('free GPUs split so that whole pods do not fit', () => {
    const state = flat(4);
    for (const n of ['n1', 'n2', 'n3']) state.pods.push(boundPod(`b-${n}`, n, 2));
    const g = fail(state, { name: 'x-0', groups: [{ clique: 'w', replicas: 3, gpu: 8 }] });
    expect(g.reason).toBe('the gang needs 3 pods of 8 GPUs for its minimum; only 1 such pod fits: the nodes its pods may use have 8, 6, 6 and 6 GPUs free');
  });

  it('needs N GPUs in one rack; names the largest free rack', () => {
    const state = nestedCluster(['zone', 'rack'], [1, 8, 4]);
    // rack-7 (node-28…31) keeps 24 free GPUs; every other rack keeps 16.
    for (let i = 0; i < 28; i++) if (i % 4 < 2) state.pods.push(boundPod(`b${i}`, `node-${String(i).padStart(2, '0')}`, 8));
    state.pods.push(boundPod('b28', 'node-28', 8));
    const g = fail(state, { name: 'llm-0', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 8, gpu: 4 }] });
    expect(g.reason).toBe('the gang needs 32 GPUs in one rack; the largest free rack, rack-7, has 24');
    expect(g.explanation![0]).toMatchObject({ level: 'rack', needs: '32 GPUs in one rack', best: 'rack-7 has 24 GPUs free' });
  });

  it('a required rack whose free GPUs are split across nodes', () => {
    const state = nestedCluster(['rack'], [2, 4]);
    for (let i = 0; i < 8; i++) state.pods.push(boundPod(`b${i}`, `node-${i}`, 4));
    const g = fail(state, { name: 'llm-0', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 2, gpu: 8 }] });
    // No single node fits an 8-GPU pod: the node-level message is the most specific.
    expect(g.reason).toBe('pod llm-0-w-0 needs 8 GPUs on one node; the largest free node has 4');
    // Racks of three 8-GPU nodes hold three pods of 5 when empty; a busy node in each leaves room for two.
    const racks = nestedCluster(['rack'], [2, 3]);
    racks.pods.push(boundPod('a', 'node-2', 4), boundPod('b', 'node-5', 4));
    const g2 = fail(racks, { name: 'llm-0', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 3, gpu: 5 }] });
    expect(g2.reason).toBe('the gang needs 3 pods of 5 GPUs in one rack; the best rack, rack-0, has 20 GPUs free but room for only 2 of them');
  });

  it('free GPUs split over nodes: a domain reports all its free GPUs, and how many whole pods can use', () => {
    // Each rack: one node with 4 free and one with 8 (12 free); each zone 24, as the heatmap counts them.
    const state = nestedCluster(['zone', 'rack'], [2, 2, 2]);
    for (const n of ['node-0', 'node-2', 'node-4', 'node-6']) state.pods.push(boundPod(`b-${n}`, n, 4));
    const g = fail(state, {
      name: 'llm-0',
      constraint: { required: 'zone' },
      groups: [
        { clique: 'r0', replicas: 2, gpu: 8 },
        { clique: 'r1', replicas: 2, gpu: 8 },
      ],
      configs: [
        { name: 'llm-0-sg-0', cliques: ['r0'], constraint: { required: 'rack' } },
        { name: 'llm-0-sg-1', cliques: ['r1'], constraint: { required: 'rack' } },
      ],
    });
    expect(g.explanation!.map((e) => e.message)).toEqual([
      'the gang needs 32 GPUs in one zone; the best zone, zone-0, has 24 GPUs free, only 16 of them on nodes that can take a pod of 8 GPUs',
      'scaling group replica llm-0-sg-0 needs 16 GPUs in one rack; the best rack, rack-0, has 12 GPUs free, only 8 of them on nodes that can take a pod of 8 GPUs',
      'scaling group replica llm-0-sg-1 needs 16 GPUs in one rack; the best rack, rack-0, has 12 GPUs free, only 8 of them on nodes that can take a pod of 8 GPUs',
    ]);
    expect(g.explanation![0]).toMatchObject({ level: 'zone', best: 'zone-0 has 24 GPUs free, 16 usable' });
  });

  it('enough free GPUs in the best domain, but split so that too few whole pods fit', () => {
    // rack-0: 4 + 8 + 4 free = 16; two pods of 8 need 16, but only one node can take one. rack-1: 8 free.
    const state = nestedCluster(['rack'], [2, 3]);
    state.pods.push(boundPod('a', 'node-0', 4), boundPod('b', 'node-2', 4), boundPod('d', 'node-4', 8), boundPod('e', 'node-5', 8));
    const g = fail(state, { name: 'llm-0', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 2, gpu: 8 }] });
    expect(g.reason).toBe('the gang needs 2 pods of 8 GPUs in one rack; the best rack, rack-0, has 16 GPUs free but room for only 1 of them');
  });

  it('a scaling-group replica and a podclique name themselves', () => {
    const state = nestedCluster(['block', 'rack'], [2, 2, 2]);
    const g = fail(state, {
      name: 'llm-0',
      groups: [{ clique: 'l', replicas: 3 }],
      configs: [{ name: 'llm-0-prefill-0', cliques: ['l'], constraint: { required: 'rack' } }],
    });
    expect(g.reason).toBe(
      'scaling group replica llm-0-prefill-0 needs 24 GPUs in one rack, but no rack in the cluster has 24 GPUs even when empty (the largest, rack-0, has 16); loosen the pack to block or use fewer or smaller pods',
    );
    const c = fail(state, { name: 'llm-0', groups: [{ clique: 'w', replicas: 3, constraint: { required: 'rack' } }] });
    expect(c.reason).toBe('podclique llm-0-w needs 24 GPUs in one rack, but no rack in the cluster has 24 GPUs even when empty (the largest, rack-0, has 16); loosen the pack to block or use fewer or smaller pods');
  });

  it('a rack inside the gang block', () => {
    // Every block has 32 free GPUs, but spread over two racks of 16; the clique needs 24 in one rack.
    const state = nestedCluster(['block', 'rack'], [2, 2, 4]);
    for (const i of [0, 1, 4, 5, 8, 9, 12, 13]) state.pods.push(boundPod(`b${i}`, `node-${String(i).padStart(2, '0')}`, 8));
    const wide = nestedCluster(['block', 'rack'], [2, 2, 4]);
    // Make one rack with 24 free in block-1 but fill the rest of block-1 so the gang cannot fit there.
    for (const i of [0, 1, 4, 5, 8, 12, 13, 14, 15]) wide.pods.push(boundPod(`b${i}`, `node-${String(i).padStart(2, '0')}`, 8));
    const g = fail(wide, {
      name: 'llm-0',
      constraint: { required: 'block' },
      groups: [
        { clique: 'w', replicas: 3, constraint: { required: 'rack' } },
        { clique: 'x', replicas: 1 },
      ],
    });
    expect(g.reason).toBe(
      "podclique llm-0-w needs 24 GPUs in one rack inside the block of the gang; no block that can hold the gang (32 GPUs) has such a rack (the best, rack rack-0 in block block-0, fits 2 of its pods)",
    );
    expect(g.explanation![0]!.level).toBe('rack');
    void state;
  });

  it('pods pinned to one node that cannot hold them all', () => {
    const pin = { nodeSelector: { 'kubernetes.io/hostname': 'node-0' } };
    const g = fail(nestedCluster(['rack'], [2, 2]), {
      name: 'llm-0',
      groups: [
        { clique: 'a', replicas: 1, gpu: 8, scheduling: pin },
        { clique: 'b', replicas: 1, gpu: 4, scheduling: pin },
      ],
    });
    expect(g.reason).toBe(
      'the gang needs 12 GPUs for the 2 pods of its minimum, but the nodes its pods may use have only 8 GPUs even when empty; use fewer or smaller pods; 24 GPUs free on 3 nodes it may not use: not matching nodeSelector kubernetes.io/hostname=node-0',
    );
    expect(g.explanation![0]).toMatchObject({ level: 'cluster', exceedsCapacity: true });
  });

  it('parts that fit alone but not together', () => {
    const g = fail(nestedCluster(['rack'], [2, 2]), {
      name: 'llm-0',
      groups: [
        { clique: 'a', replicas: 2, gpu: 6, constraint: { required: 'rack' } },
        { clique: 'b', replicas: 2, gpu: 6, constraint: { required: 'rack' } },
        { clique: 'c', replicas: 1, gpu: 8 },
      ],
    });
    expect(g.reason).toBe(
      "the gang's pods fit each constraint on its own, but its 2 constrained groups (llm-0-a in one rack, llm-0-b in one rack) cannot all be packed into the free nodes at once; free capacity there or relax a constraint",
    );
  });

  it('formats quantities', () => {
    expect(formatCpu(1000)).toBe('1 CPU');
    expect(formatCpu(2500)).toBe('2500m CPU');
    expect(formatMemory(1.5 * GiB)).toBe('1.5Gi');
    expect(formatMemory(512)).toBe('512B');
  });
});

describe('a gang that can never fit says so: capacity, not free room', () => {
  it('a host-packed clique larger than any host: no host has it even when empty; loosen the pack or use fewer or smaller pods', () => {
    // 2 racks × 4 hosts of 8 GPUs; 4 pods × 4 GPUs packed in one host need 16.
    const state = nestedCluster(['zone', 'rack'], [1, 2, 4]);
    const g = fail(state, { name: 'llm-0', groups: [{ clique: 'w', replicas: 4, gpu: 4, constraint: { required: 'host' } }] });
    expect(g.reason).toBe('podclique llm-0-w needs 16 GPUs in one host, but no host in the cluster has 16 GPUs even when empty (the largest has 8); loosen the pack to rack or use fewer or smaller pods');
    expect(g.explanation![0]).toMatchObject({ level: 'host', needs: '16 GPUs in one host', best: 'the largest host has 8 GPUs even when empty', exceedsCapacity: true });
    expect(g.reason).not.toMatch(/free/);
  });

  it('the same clique on 16-GPU hosts that are busy: the largest free host, not capacity', () => {
    const state = nestedCluster(['zone', 'rack'], [1, 2, 4], { gpu: 16 });
    for (const n of state.nodes) state.pods.push(boundPod(`b-${n.name}`, n.name, 8));
    const g = fail(state, { name: 'llm-0', groups: [{ clique: 'w', replicas: 4, gpu: 4, constraint: { required: 'host' } }] });
    expect(g.reason).toBe('podclique llm-0-w needs 16 GPUs in one host; the largest free host, node-0, has 8');
    expect(g.explanation![0]!.exceedsCapacity).toBeUndefined();
  });

  it('at a rack: the narrowest wider level that holds it is named; with none, the pack is to be dropped', () => {
    const state = nestedCluster(['zone', 'rack'], [2, 2, 2]);
    // 40 GPUs: more than a rack (16) and a zone (32) hold; the cluster (64) would.
    const g = fail(state, { name: 'llm-0', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 5, gpu: 8 }] });
    expect(g.reason).toBe(
      'the gang needs 40 GPUs in one rack, but no rack in the cluster has 40 GPUs even when empty (the largest, rack-0, has 16); no wider level holds it either: drop the required rack pack or use fewer or smaller pods',
    );
    const z = fail(state, { name: 'llm-0', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 3, gpu: 8 }] });
    expect(z.reason).toMatch(/, but no rack in the cluster has 24 GPUs even when empty \(the largest, rack-0, has 16\); loosen the pack to zone or use fewer or smaller pods$/);
  });

  it('more than the whole cluster holds', () => {
    const g = fail(nestedCluster(['rack'], [2, 2]), { name: 'llm-0', groups: [{ clique: 'w', replicas: 5, gpu: 8 }] });
    expect(g.reason).toBe('the gang needs 40 GPUs for the 5 pods of its minimum, but the cluster has only 32 GPUs even when empty; use fewer or smaller pods');
    expect(g.explanation![0]).toMatchObject({ level: 'cluster', exceedsCapacity: true });
  });

  it('NotReady and cordoned nodes count as capacity (they come back)', () => {
    const state = nestedCluster(['rack'], [1, 2]);
    state.nodes[0]!.ready = false;
    state.nodes[0]!.taints.push({ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' });
    state.nodes[1]!.unschedulable = true;
    const g = fail(state, { name: 'llm-0', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 2, gpu: 8 }] });
    expect(g.explanation!.some((e) => e.exceedsCapacity)).toBe(false);
  });
});

/** The reviewer's cluster: 32 nodes of 8 GPUs, zone › block › rack › host, racks of 4 nodes (32 GPUs). */
function reviewCluster(): ClusterState {
  return nestedCluster(['zone', 'block', 'rack'], [2, 2, 2, 4]);
}

/** Busy every node with GPU pods so that only `free` (node → GPUs) stays free; others are full. */
function leaveFree(state: ClusterState, free: Record<string, number>): ClusterState {
  for (const n of state.nodes) {
    const used = n.allocatable.gpu - (free[n.name] ?? 0);
    if (used > 0) state.pods.push(boundPod(`busy-${n.name}`, n.name, used));
  }
  return state;
}

/** Taint a node so that the test gangs (which tolerate nothing) may not use it. */
function taintNode(state: ClusterState, name: string): void {
  state.nodes.find((n) => n.name === name)!.taints.push({ key: 'dedicated', value: 'infer', effect: 'NoSchedule' });
}

describe('a stack that can never fit is said first, on a busy cluster too', () => {
  const rackGang: GangSpec = { name: 'llm-0', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 5, gpu: 8 }] };
  const rackNever =
    'the gang needs 40 GPUs in one rack, but no rack in the cluster has 40 GPUs even when empty (the largest, rack-0, has 32); loosen the pack to block or use fewer or smaller pods';

  it('idle: the rack capacity alone', () => {
    const g = fail(reviewCluster(), rackGang);
    expect(g.explanation).toEqual([{ level: 'rack', needs: '40 GPUs in one rack', best: 'the largest rack has 32 GPUs even when empty', message: rackNever, exceedsCapacity: true }]);
  });

  // With 12 GPUs free no pack level helps now: the free room comes first, and the rack's advice offers a
  // block once room frees (none has room for it now), or fewer or smaller pods.
  const rackNeverBusy = (most: string) =>
    `the gang needs 40 GPUs in one rack, but no rack in the cluster has 40 GPUs even when empty (the largest, rack-0, has 32); a block would hold it when empty, but no block has room for ${most}: loosen the pack to block once room frees or use fewer or smaller pods`;

  it('12 GPUs free: the free room first, since no looser pack helps now; the rack capacity after it, offering a block once room frees', () => {
    const g = fail(leaveFree(reviewCluster(), { 'node-00': 8, 'node-17': 4 }), rackGang);
    const short = 'the gang needs 40 GPUs for the 5 pods of its minimum; only 12 GPUs are free on the nodes its pods may use (the other 244 are held by 31 pods)';
    expect(g.explanation!.map((e) => [e.level, e.message, e.exceedsCapacity ?? false])).toEqual([
      ['cluster', short, false],
      ['rack', rackNeverBusy('it now (the most, block-0, has 8 GPUs free that its pods can use)'), true],
    ]);
    // The one-line reason keeps the shortage first, and says too that no rack ever holds the gang, with what to change.
    expect(g.reason).toBe(`${short}; and no rack in the cluster holds 40 GPUs even when empty: loosen the pack to block once room frees or use fewer or smaller pods`);
  });

  it('no free node large enough for one pod: the free room first, then the rack capacity, then the node', () => {
    const g = fail(leaveFree(reviewCluster(), { 'node-00': 4, 'node-09': 4, 'node-17': 4 }), rackGang);
    expect(g.explanation!.map((e) => [e.level, e.message])).toEqual([
      ['cluster', 'the gang needs 40 GPUs for the 5 pods of its minimum; only 12 GPUs are free on the nodes its pods may use (the other 244 are held by 32 pods)'],
      ['rack', rackNeverBusy('any of its pods now')],
      ['node', 'pod llm-0-w-0 needs 8 GPUs on one node; the largest free node has 4'],
    ]);
  });

  it('more than the whole cluster holds, with no free node large enough: the cluster capacity first', () => {
    const state = flat(4);
    for (const n of state.nodes) state.pods.push(boundPod(`b-${n.name}`, n.name, 4));
    const g = fail(state, { name: 'x-0', groups: [{ clique: 'w', replicas: 5, gpu: 8 }] });
    expect(g.explanation!.map((e) => [e.level, e.message, e.exceedsCapacity ?? false])).toEqual([
      ['cluster', 'the gang needs 40 GPUs for the 5 pods of its minimum, but the cluster has only 32 GPUs even when empty; use fewer or smaller pods', true],
      ['node', 'pod x-0-w-0 needs 8 GPUs on one node; the largest free node has 4', false],
    ]);
  });

  it('a pod no node matches is not also reported as a rack without capacity', () => {
    const g = fail(reviewCluster(), {
      name: 'x-0',
      constraint: { required: 'rack' },
      groups: [
        { clique: 'a', replicas: 2, gpu: 8, scheduling: { nodeSelector: { pool: 'none' } } },
        { clique: 'b', replicas: 2, gpu: 8 },
      ],
    });
    expect(g.explanation!.map((e) => e.message)).toEqual(['pod x-0-a-0: no node matches nodeSelector pool=none']);
  });
});

describe('the best domain named is the one with the most room, and free GPUs it cannot use are explained', () => {
  it('a tie on usable GPUs goes to the domain with more free, whose unusable GPUs are said', () => {
    // rack-0: 8, 8, 8 free (24). rack-5: 8, 8, 8 free and 4 on a node the gang may not use (28). Others full.
    const state = leaveFree(reviewCluster(), { 'node-00': 8, 'node-01': 8, 'node-02': 8, 'node-20': 8, 'node-21': 8, 'node-22': 8, 'node-23': 4 });
    taintNode(state, 'node-23');
    const g = fail(state, { name: 'llm-0', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 8, gpu: 4 }] });
    expect(g.reason).toBe(
      'the gang needs 32 GPUs in one rack; the best rack, rack-5, has 28 GPUs free, only 24 of them usable: 4 on 1 node its pods may not use (taint dedicated=infer:NoSchedule not tolerated)',
    );
    expect(g.explanation![0]).toMatchObject({ level: 'rack', best: 'rack-5 has 28 GPUs free, 24 usable' });
  });

  it('free GPUs on nodes its pods may not use and on nodes with no room for a pod are said apart', () => {
    // rack-1: 8, 8 free, 4 on a tainted node and 6 on a node too full for a pod of 8 (26); rack-2: 8, 8 (16). Others full.
    const state = leaveFree(reviewCluster(), { 'node-04': 8, 'node-05': 8, 'node-06': 4, 'node-07': 6, 'node-08': 8, 'node-09': 8 });
    taintNode(state, 'node-06');
    const g = fail(state, {
      name: 'llm-0',
      constraint: { required: 'rack' },
      groups: [
        { clique: 'a', replicas: 2, gpu: 8 },
        { clique: 'b', replicas: 2, gpu: 8 },
      ],
    });
    expect(g.reason).toBe(
      'the gang needs 32 GPUs in one rack; the best rack, rack-1, has 26 GPUs free, only 16 of them usable: 4 on 1 node its pods may not use (taint dedicated=infer:NoSchedule not tolerated) and 6 on 1 node with no room for a pod of 8 GPUs',
    );
  });

  it('one size of pod: room for too few of them, and the free GPUs its pods may not use said after', () => {
    // rack-2: 8, 8 free and 8 on a tainted node (24 free, room for 2 pods of 8); rack-0 and rack-1 keep 8 each; other racks full.
    const state = leaveFree(reviewCluster(), { 'node-08': 8, 'node-09': 8, 'node-10': 8, 'node-00': 8, 'node-04': 8 });
    taintNode(state, 'node-10');
    // Nodes without the topology's labels: outside it, so not used for the rack-packed gang (KAI).
    state.nodes.push(makeNode('spare-0'), makeNode('spare-1'));
    const g = fail(state, { name: 'llm-0', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 3, gpu: 8 }] });
    expect(g.reason).toBe(
      'the gang needs 3 pods of 8 GPUs in one rack; the best rack, rack-2, has 24 GPUs free but room for only 2 of them; 8 on 1 node its pods may not use (taint dedicated=infer:NoSchedule not tolerated) (2 nodes with 16 free GPUs lack the zone, block and rack labels (topology.kubernetes.io/zone, topology.kubernetes.io/block, topology.kubernetes.io/rack) and are not used for topology-constrained gangs)',
    );
  });

  it('"the largest free" is the domain with the most usable GPUs, not the one with room for most pods', () => {
    // rack-0: 8 and 8 free (16, room for 2 pods of 5); rack-1: 5, 5 and 5 free (15, room for 3). Others full.
    const state = leaveFree(reviewCluster(), { 'node-00': 8, 'node-01': 8, 'node-04': 5, 'node-05': 5, 'node-06': 5 });
    const g = fail(state, { name: 'llm-0', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 4, gpu: 5 }] });
    expect(g.reason).toBe('the gang needs 20 GPUs in one rack; the largest free rack, rack-0, has 16');
  });

  it('an exact tie is broken by name', () => {
    // rack-1 and rack-7 both keep 16 free; the nodes are listed last rack first.
    const state = leaveFree(reviewCluster(), { 'node-28': 8, 'node-29': 8, 'node-04': 8, 'node-05': 8 });
    state.nodes.reverse();
    const g = fail(state, { name: 'llm-0', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 3, gpu: 8 }] });
    expect(g.reason).toBe('the gang needs 24 GPUs in one rack; the largest free rack, rack-1, has 16');
  });
});

/** A running pod of a Grove stack (the labels the operator puts on its pods), holding `gpu` GPUs. */
function stackPod(stack: string, name: string, node: string, gpu: number) {
  return { ...boundPod(name, node, gpu), labels: { [LABEL_PART_OF]: stack, [LABEL_MANAGED_BY]: LABEL_MANAGED_BY_VALUE } };
}

const H100 = { nodeSelector: { 'nvidia.com/gpu.product': 'H100' } };

/**
 * The demo's shape: zone-0 of 8 H100 nodes (racks of 4 × 8 GPUs, one block), half held by the stack
 * mixtral-agg (2 nodes of each rack); zone-1 of 8 free GB200 nodes (4 GPUs) the H100 pods may not use.
 */
function h100Cluster(): ClusterState {
  const state = nestedCluster(['zone', 'block', 'rack'], [2, 1, 2, 4]);
  for (const n of state.nodes) {
    const h100 = n.labels['topology.kubernetes.io/zone'] === 'zone-0';
    n.labels['nvidia.com/gpu.product'] = h100 ? 'H100' : 'GB200';
    if (!h100) n.allocatable = { ...n.allocatable, gpu: 4 };
  }
  for (const [i, node] of ['node-00', 'node-01', 'node-04', 'node-05'].entries()) state.pods.push(stackPod('mixtral-agg', `mixtral-agg-${i}`, node, 8));
  return state;
}

describe('advice that works on what is free now', () => {
  const nofit = (required: string): GangSpec => ({ name: 'nofit-h100-0', constraint: { required }, groups: [{ clique: 'w', replicas: 5, gpu: 8, scheduling: H100 }] });
  // The GB200 nodes' 32 free GPUs are not counted: the pods may not use them (and a pod of 8 fits none).
  const freeShort = 'the gang needs 40 GPUs for the 5 pods of its minimum; only 32 GPUs are free on the nodes its pods may use (the other 32 are held by default/mixtral-agg)';

  it('fewer GPUs free than the gang needs: that comes first, with what holds the rest; the looser pack only once room frees', () => {
    const g = fail(h100Cluster(), nofit('rack'));
    expect(g.explanation!.map((e) => [e.level, e.message])).toEqual([
      ['cluster', freeShort],
      [
        'rack',
        'the gang needs 40 GPUs in one rack, but no rack its pods may use has 40 GPUs even when empty (the largest, rack-0, has 32); a block would hold it when empty, but no block has room for it now (the most, block-0, has 32 GPUs free that its pods can use): loosen the pack to block once room frees or use fewer or smaller pods',
      ],
    ]);
    // The looser pack in the one-line reason too, but only once room frees: while the shortage lasts it does not help.
    expect(g.reason).toBe(`${freeShort}; and no rack its pods may use holds 40 GPUs even when empty: loosen the pack to block once room frees or use fewer or smaller pods`);
    // What the old advice said to do: the block pack fails too, for the reason said first.
    expect(fail(h100Cluster(), nofit('block')).explanation!.map((e) => e.message)).toEqual([freeShort]);
  });

  it('a wider level is offered only where one of its domains has room now, and that advice places the gang', () => {
    // Racks of 2 nodes (16 GPUs), blocks of 2 racks, zones of 2 blocks. 16 GPUs free in block-0 and 16 in block-1, both in zone-0.
    const free = { 'node-00': 8, 'node-01': 8, 'node-04': 8, 'node-05': 8 };
    const busy = () => leaveFree(nestedCluster(['zone', 'block', 'rack'], [2, 2, 2, 2]), free);
    const gang = (required?: string): GangSpec => ({ name: 'llm-0', ...(required ? { constraint: { required } } : {}), groups: [{ clique: 'w', replicas: 3, gpu: 8 }] });
    const g = fail(busy(), gang('rack'));
    expect(g.reason).toBe('the gang needs 24 GPUs in one rack, but no rack in the cluster has 24 GPUs even when empty (the largest, rack-0, has 16); loosen the pack to zone or use fewer or smaller pods');
    expect(fail(busy(), gang('block')).reason).toBe('the gang needs 24 GPUs in one block; the largest free block, block-0, has 16');
    expect(placeGangs(busy(), [makeGang(gang('zone'))]).gangs[0]!.placed).toBe(true);

    // The same 32 free GPUs split over the two zones: no zone has room either, the free nodes together do.
    const split = () => leaveFree(nestedCluster(['zone', 'block', 'rack'], [2, 2, 2, 2]), { 'node-00': 8, 'node-01': 8, 'node-08': 8, 'node-09': 8 });
    expect(fail(split(), gang('rack')).reason).toBe(
      'the gang needs 24 GPUs in one rack, but no rack in the cluster has 24 GPUs even when empty (the largest, rack-0, has 16); no block has room for it now (the most, block-0, has 16 GPUs free that its pods can use): drop the required rack pack or use fewer or smaller pods',
    );
    expect(fail(split(), gang('zone')).reason).toBe('the gang needs 24 GPUs in one zone; the largest free zone, zone-0, has 16');
    expect(placeGangs(split(), [makeGang(gang())]).gangs[0]!.placed).toBe(true);
  });

  it('no wider level holds it and the free nodes do not either: drop the pack once room frees, or fewer or smaller pods', () => {
    // Racks of 16 GPUs, zones of 32; 40 GPUs fit only the whole cluster (64), of which 32 are free.
    const state = leaveFree(nestedCluster(['zone', 'rack'], [2, 2, 2]), { 'node-0': 8, 'node-2': 8, 'node-4': 8, 'node-6': 8 });
    const g = fail(state, { name: 'llm-0', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 5, gpu: 8 }] });
    expect(g.explanation!.map((e) => e.message)).toEqual([
      'the gang needs 40 GPUs for the 5 pods of its minimum; only 32 GPUs are free on the nodes its pods may use (the other 32 are held by 4 pods)',
      'the gang needs 40 GPUs in one rack, but no rack in the cluster has 40 GPUs even when empty (the largest, rack-0, has 16); no wider level holds it, and even without the rack pack the nodes its pods may use have no room for it now (32 GPUs free that its pods can use): drop the required rack pack once room frees or use fewer or smaller pods',
    ]);
  });

  it('a pack no domain holds even when empty, on a busy cluster: dropping it is named (once room frees), never only fewer or smaller pods', () => {
    // 2 racks × 2 nodes × 8 GPUs, 3 nodes busy: no rack ever holds 3 pods × 8 GPUs, so keeping them takes
    // dropping the pack; with 8 GPUs free that fits only once room frees.
    const state = leaveFree(nestedCluster(['rack'], [2, 2]), { 'node-3': 8 });
    const g = fail(state, { name: 'llm-0', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 3, gpu: 8 }] });
    expect(g.explanation!.map((e) => [e.level, e.message])).toEqual([
      ['cluster', 'the gang needs 24 GPUs for the 3 pods of its minimum; only 8 GPUs are free on the nodes its pods may use (the other 24 are held by 3 pods)'],
      [
        'rack',
        'the gang needs 24 GPUs in one rack, but no rack in the cluster has 24 GPUs even when empty (the largest, rack-0, has 16); even without the rack pack the nodes its pods may use have no room for it now (8 GPUs free that its pods can use): drop the required rack pack once room frees or use fewer or smaller pods',
      ],
    ]);
    // No free node takes a pod of 8: none of its pods has room now.
    const full = leaveFree(nestedCluster(['rack'], [2, 2]), { 'node-0': 4, 'node-3': 4 });
    const f = fail(full, { name: 'llm-0', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 3, gpu: 8 }] });
    expect(f.explanation!.find((e) => e.level === 'rack')!.message).toMatch(
      /; even without the rack pack the nodes its pods may use have no room for any of its pods now: drop the required rack pack once room frees or use fewer or smaller pods$/,
    );
  });

  it('dropping the pack once room frees: the free figure only when it is what falls short', () => {
    // 3 pods of 5 GPUs: a rack of two 8-GPU nodes takes 2 even when empty. 16 GPUs are free, more than
    // the 15 it needs, but on two nodes that take one pod each.
    const state = leaveFree(nestedCluster(['rack'], [2, 2]), { 'node-0': 8, 'node-2': 8 });
    const g = fail(state, { name: 'llm-0', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 3, gpu: 5 }] });
    expect(g.explanation!.map((e) => e.message)).toEqual([
      'the gang needs 3 pods of 5 GPUs for its minimum; only 2 such pods fit: the nodes its pods may use have 8 and 8 GPUs free',
      'the gang needs 3 pods of 5 GPUs in one rack, but no rack in the cluster holds that many even when empty (at most 2 fit in rack-0); even without the rack pack the nodes its pods may use have no room for it now: drop the required rack pack once room frees or use fewer or smaller pods',
    ]);
  });

  // Zones of 2 blocks of 2 racks of 2 nodes (8 GPUs each): a rack holds 16 GPUs, a block 32, a zone 64.
  const nested = (free: Record<string, number>) => leaveFree(nestedCluster(['zone', 'block', 'rack'], [2, 2, 2, 2]), free);
  /** The stack packed at `stack`, clique w (3 pods of 8 GPUs) at `w`, and `x` pods of 8 GPUs of clique x with no pack of their own. */
  const packed = (stack: string | undefined, w: string | undefined, x = 0): GangSpec => ({
    name: 'llm-0',
    ...(stack ? { constraint: { required: stack } } : {}),
    groups: [{ clique: 'w', replicas: 3, gpu: 8, ...(w ? { constraint: { required: w } } : {}) }, ...(x > 0 ? [{ clique: 'x', replicas: x, gpu: 8 }] : [])],
  });
  const places = (state: ClusterState, spec: GangSpec) => placeGangs(state, [makeGang(spec)]).gangs[0]!.placed;
  const rackRow = (g: GangPlacement) => g.explanation!.find((e) => e.level === 'rack')!.message;
  const wNever = 'podclique llm-0-w needs 24 GPUs in one rack, but no rack in the cluster has 24 GPUs even when empty (the largest, rack-0, has 16); ';

  it('a pack inside the zone of the stack: dropping it is offered as working now only when the gang then fits its zone', () => {
    // 8 GPUs free in block-0, block-1 (both zone-0) and block-2 (zone-1): the cluster has 24, no zone more than 16.
    const free = { 'node-00': 8, 'node-04': 8, 'node-08': 8 };
    const g = fail(nested(free), packed('zone', 'rack'));
    expect(rackRow(g)).toBe(
      `${wNever}a block would hold it when empty, but no block has room for it now (the most, block-0, has 8 GPUs free that its pods can use): loosen the pack to block once room frees or use fewer or smaller pods`,
    );
    // Neither change places it now (the old advice, "drop the required rack pack or …", said dropping would).
    expect(places(nested(free), packed('zone', undefined))).toBe(false);
    expect(places(nested(free), packed('zone', 'block'))).toBe(false);
  });

  it('a looser pack is offered as working now only when the rest of the gang fits beside it, in the pack round it', () => {
    // Block-0 has the 24 GPUs clique w needs, but zone-0 has no room for clique x's pod besides.
    const g = fail(nested({ 'node-00': 8, 'node-01': 8, 'node-02': 8, 'node-08': 8 }), packed('zone', 'rack', 1));
    expect(rackRow(g)).toBe(
      `${wNever}a block would hold it when empty, but with the pack loosened to block the gang does not fit in one zone now: loosen the pack to block once room frees or use fewer or smaller pods`,
    );
    expect(places(nested({ 'node-00': 8, 'node-01': 8, 'node-02': 8, 'node-08': 8 }), packed('zone', 'block', 1))).toBe(false);
    // 8 more free in zone-0 (block-1): now the block pack places it, and is offered plainly.
    const roomy = { 'node-00': 8, 'node-01': 8, 'node-02': 8, 'node-04': 8 };
    expect(rackRow(fail(nested(roomy), packed('zone', 'rack', 1)))).toBe(`${wNever}loosen the pack to block or use fewer or smaller pods`);
    expect(places(nested(roomy), packed('zone', 'block', 1))).toBe(true);
  });

  it('never a level wider than the pack round it: there, dropping the pack is the loosest change', () => {
    // The stack is packed in one block; zone-0 has 24 GPUs free, but no block more than 16.
    const g = fail(nested({ 'node-00': 8, 'node-01': 8, 'node-04': 8 }), packed('block', 'rack'));
    expect(rackRow(g)).toBe(
      `${wNever}even without the rack pack the gang requires one block, and no block has room for it now (the most, block-0, has 16 GPUs free that its pods can use): drop the required rack pack once room frees or use fewer or smaller pods`,
    );
    expect(rackRow(g)).not.toMatch(/zone/);
    // 24 free in block-0: dropping the rack pack places it now.
    const roomy = { 'node-00': 8, 'node-01': 8, 'node-02': 8 };
    expect(rackRow(fail(nested(roomy), packed('block', 'rack')))).toBe(`${wNever}drop the required rack pack or use fewer or smaller pods`);
    expect(places(nested(roomy), packed('block', undefined))).toBe(true);
  });

  it('dropping the only pack lets the pods use nodes outside the topology: offered as working now when they have the room', () => {
    // Racks of 16 GPUs, all full; three unlabelled nodes (outside the topology) have 24 free.
    const state = () => {
      const s = leaveFree(nestedCluster(['rack'], [2, 2]), {});
      s.nodes.push(makeNode('spare-0'), makeNode('spare-1'), makeNode('spare-2'));
      return s;
    };
    const g = fail(state(), { name: 'llm-0', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 3, gpu: 8 }] });
    expect(rackRow(g)).toMatch(/; drop the required rack pack or use fewer or smaller pods$/);
    expect(places(state(), { name: 'llm-0', groups: [{ clique: 'w', replicas: 3, gpu: 8 }] })).toBe(true);
  });

  it("a scaling group's replicas change together: one edit of its template loosens every replica's pack", () => {
    // Two replicas of 24 GPUs, each packed in a rack of 16, in a zone-packed stack; zone-0 is free.
    const free = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`node-0${i}`, 8]));
    const sg = (pack: string | undefined): GangSpec => ({
      name: 'llm-0',
      constraint: { required: 'zone' },
      groups: [
        { clique: 'a', replicas: 3, gpu: 8 },
        { clique: 'b', replicas: 3, gpu: 8 },
      ],
      configs: ['a', 'b'].map((c, i) => ({ name: `llm-0-sg-${i}`, cliques: [c], ...(pack ? { constraint: { required: pack } } : {}) })),
    });
    const g = fail(nested(free), sg('rack'));
    expect(g.explanation!.filter((e) => e.level === 'rack').map((e) => e.message.replace(/^.*; /, ''))).toEqual(['loosen the pack to block or use fewer or smaller pods', 'loosen the pack to block or use fewer or smaller pods']);
    expect(places(nested(free), sg('block'))).toBe(true);
  });

  it('property: advice offered as working now (no "once room frees") places the gang when followed', () => {
    const levels = [undefined, 'zone', 'block', 'rack'] as const;
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(0, 0, 4, 8), { minLength: 16, maxLength: 16 }),
        fc.constantFrom(...levels),
        fc.constantFrom(...levels),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom(4, 8),
        fc.integer({ min: 0, max: 3 }),
        fc.boolean(),
        (free, stackPack, wPack, replicas, gpu, x, scalingGroup) => {
          const state = () => nested(Object.fromEntries(free.map((f, i) => [`node-${String(i).padStart(2, '0')}`, f])));
          // Clique w packed at `w`, or a scaling group of two replicas (cliques w0, w1) each packed at `w`; x pods of 8 GPUs besides.
          const spec = (stack: string | undefined, w: string | undefined): GangSpec => {
            const pack = w ? { constraint: { required: w } } : {};
            const others = x > 0 ? [{ clique: 'x', replicas: x, gpu: 8 }] : [];
            return {
              name: 'llm-0',
              ...(stack ? { constraint: { required: stack } } : {}),
              ...(scalingGroup
                ? { groups: [{ clique: 'w0', replicas, gpu }, { clique: 'w1', replicas, gpu }, ...others], configs: ['w0', 'w1'].map((c, i) => ({ name: `llm-0-sg-${i}`, cliques: [c], ...pack })) }
                : { groups: [{ clique: 'w', replicas, gpu, ...pack }, ...others] }),
            };
          };
          const g = placeGangs(state(), [makeGang(spec(stackPack, wPack))]).gangs[0]!;
          if (g.placed) return;
          for (const e of g.explanation!) {
            const m = /; (?:loosen the pack to (\w+)|drop the required \w+ pack) or use fewer or smaller pods$/.exec(e.message);
            if (!m) continue;
            const followed = e.message.startsWith('the gang ') ? spec(m[1], wPack) : spec(stackPack, m[1]);
            expect(places(state(), followed), e.message).toBe(true);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('what holds the rest: stacks by name, other pods together, and gangs planned before it in the same call', () => {
    const state = flat(4);
    state.pods.push(stackPod('a', 'a-0', 'n0', 8), boundPod('x', 'n1', 8));
    const plan = placeGangs(state, [makeGang({ name: 'first-0', groups: [{ clique: 'w', replicas: 1, gpu: 8 }] }), makeGang({ name: 'second-0', groups: [{ clique: 'w', replicas: 2, gpu: 8 }] })]);
    expect(plan.gangs.map((g) => g.placed)).toEqual([true, false]);
    expect(plan.gangs[1]!.reason).toBe(
      'the gang needs 16 GPUs for the 2 pods of its minimum; only 8 GPUs are free on the nodes its pods may use (the other 24 are held by default/a (8), pod default/x (8) and gangs planned before it (8))',
    );
  });

  it('an over-committed node: gangs planned before it count what they took, and the excess is said, not given to them', () => {
    // n0's pod requests 80 of its 64 CPUs; the first gang takes 32 of n1's 64. 32 CPUs are free, the other 96 held.
    const state: ClusterState = { nodes: [makeNode('n0', { cpuMilli: 64_000 }), makeNode('n1', { cpuMilli: 64_000 })], pods: [boundPod('a', 'n0', 0, { cpuMilli: 80_000 })], topologies: [] };
    const cpuGang = (name: string, replicas: number, cpuMilli: number) => makeGang({ name, groups: [{ clique: 'w', replicas, gpu: 0, cpuMilli }] });
    const plan = placeGangs(state, [cpuGang('first-0', 1, 32_000), cpuGang('second-0', 2, 30_000)]);
    expect(plan.gangs.map((g) => g.placed)).toEqual([true, false]);
    expect(plan.gangs[1]!.reason).toBe(
      'the gang needs 60 CPUs for the 2 pods of its minimum; only 32 CPUs are free on the nodes its pods may use (the other 96 are held by pod default/a (80) and gangs planned before it (32); 1 node is over-committed by 16)',
    );
    // Alone: nothing is put down to gangs planned before it, and one holder is given its amount.
    expect(fail(state, { name: 'second-0', groups: [{ clique: 'w', replicas: 3, gpu: 0, cpuMilli: 30_000 }] }).reason).toBe(
      'the gang needs 90 CPUs for the 3 pods of its minimum; only 64 CPUs are free on the nodes its pods may use (the other 64 are held by pod default/a (80); 1 node is over-committed by 16)',
    );
  });
});

describe('a domain named for its free GPUs says what it counts, beside the table', () => {
  it('another rack with more free GPUs, partly on nodes the pods may not use or in pieces too small, is named with both figures', () => {
    // rack-0: 8 + 8 free, all usable. rack-1: 8 usable, 8 on a tainted node, 3 and 2 on nodes too full for a pod of 8 (21 free).
    const state = leaveFree(reviewCluster(), { 'node-00': 8, 'node-01': 8, 'node-04': 8, 'node-05': 8, 'node-06': 3, 'node-07': 2 });
    taintNode(state, 'node-05');
    const g = fail(state, { name: 'llm-0', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 3, gpu: 8 }] });
    expect(g.reason).toBe(
      'the gang needs 24 GPUs in one rack; the rack with the most free GPUs its pods can use, rack-0, has 16; rack-1 has 21 GPUs free, only 8 of them usable: 8 on 1 node its pods may not use (taint dedicated=infer:NoSchedule not tolerated) and 5 on 2 nodes with no room for a pod of 8 GPUs',
    );
    // The figures are the table's: free GPUs per rack as the topology tree counts them.
    const racks = buildTopologyTree(state, state.topologies[0]!).domains('rack');
    expect(racks.find((d) => d.value === 'rack-0')!.free.gpu).toBe(16);
    expect(racks.find((d) => d.value === 'rack-1')!.free.gpu).toBe(21);
  });

  it('when no rack has more free GPUs than the one named, "the largest free" stands', () => {
    const state = leaveFree(reviewCluster(), { 'node-00': 8, 'node-01': 8, 'node-04': 8, 'node-06': 3, 'node-07': 2 });
    const g = fail(state, { name: 'llm-0', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 3, gpu: 8 }] });
    expect(g.reason).toBe('the gang needs 24 GPUs in one rack; the largest free rack, rack-0, has 16');
  });
});
