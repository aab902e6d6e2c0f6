/**
 * Reasons a person can act on: the resource that actually ran out is named with its numbers
 * (extended resources, CPU, memory, pod slots, not GPUs by default), capacity the gang may not use is
 * said with every reason, and missing topology labels are not reported as "no room".
 */
import { describe, expect, it } from 'vitest';
import type { ClusterState, NodeInfo } from '../cluster/state';
import { placeGangs } from './index';
import type { GangPlacement } from './plan';
import { boundPod, GiB, makeGang, makeNode, nestedCluster, type GangSpec } from './testkit';
import { verifyPlan } from './verify';
import { parseClusterSnapshot } from '../topology/snapshot';

const TAINT = { key: 'dedicated', value: 'infer', effect: 'NoSchedule' as const };

function place(state: ClusterState, spec: GangSpec): GangPlacement {
  return placeGangs(state, [makeGang(spec)]).gangs[0]!;
}

function fail(state: ClusterState, spec: GangSpec): GangPlacement {
  const g = place(state, spec);
  expect(g.placed).toBe(false);
  expect(g.reason).toBe(g.explanation![0]!.message);
  return g;
}

/** A gang whose pods also ask for extended resources. */
function withExtended(spec: GangSpec, extended: Record<string, number>): ReturnType<typeof makeGang> {
  const gang = makeGang(spec);
  for (const group of gang.podGroups) for (const pod of group.pods) pod.requests = { ...pod.requests, extended };
  return gang;
}

/** Two racks of two 8-GPU nodes; the last `rdma` nodes offer one rdma/ib each. */
function rdmaCluster(rdma: number): ClusterState {
  const state = nestedCluster(['rack'], [2, 2]);
  state.nodes.forEach((n: NodeInfo, i) => {
    if (i >= 4 - rdma) n.allocatable = { ...n.allocatable, extended: { 'rdma/ib': 1 } };
  });
  return state;
}

describe('extended resources', () => {
  it('a pod asking for rdma/ib goes only to nodes that have one free', () => {
    const state = rdmaCluster(2);
    const gang = withExtended({ name: 'ib-0', groups: [{ clique: 'w', replicas: 2, gpu: 8 }] }, { 'rdma/ib': 1 });
    const plan = placeGangs(state, [gang]);
    expect(plan.gangs[0]!.placed).toBe(true);
    expect(plan.gangs[0]!.pods.map((p) => p.node).sort()).toEqual(['node-2', 'node-3']);
    expect(verifyPlan(state, [gang], plan)).toEqual([]);
  });

  it('a gang needing more rdma/ib than the cluster has is refused, naming the resource', () => {
    const gang = withExtended({ name: 'ib-0', groups: [{ clique: 'w', replicas: 3, gpu: 8 }] }, { 'rdma/ib': 1 });
    const g = placeGangs(rdmaCluster(2), [gang]).gangs[0]!;
    expect(g.placed).toBe(false);
    expect(g.reason).toBe('the gang needs 3 rdma/ib for the 3 pods of its minimum; only 2 rdma/ib are free on the nodes its pods may use');
    expect(g.reason).not.toMatch(/GPU/);
  });

  it('a pod whose extended resource is used up everywhere names it and how many nodes have any', () => {
    const state = rdmaCluster(2);
    state.pods.push({ ...boundPod('a', 'node-2', 0), requests: { gpu: 0, cpuMilli: 0, memory: 0, pods: 1, extended: { 'rdma/ib': 1 } } });
    state.pods.push({ ...boundPod('b', 'node-3', 0), requests: { gpu: 0, cpuMilli: 0, memory: 0, pods: 1, extended: { 'rdma/ib': 1 } } });
    const gang = withExtended({ name: 'ib-0', groups: [{ clique: 'w', replicas: 1, gpu: 8 }] }, { 'rdma/ib': 1 });
    const g = placeGangs(state, [gang]).gangs[0]!;
    expect(g.reason).toBe('pod ib-0-w-0 needs 1 rdma/ib; only 2 nodes have any, both full');
    const none = placeGangs(rdmaCluster(0), [gang]).gangs[0]!;
    expect(none.reason).toBe('pod ib-0-w-0 needs 1 rdma/ib; no node has any');
  });

  it('the verifier flags a pod put on a node without the extended resource', () => {
    const state = rdmaCluster(0);
    const gang = withExtended({ name: 'ib-0', groups: [{ clique: 'w', replicas: 1, gpu: 8 }] }, { 'rdma/ib': 1 });
    const plan = { feasible: true, gangs: [{ name: 'ib-0', placed: true, domains: {}, pods: [{ name: 'ib-0-w-0', podGroup: 'ib-0-w', clique: 'w', node: 'node-0', gpus: 8 }] }] };
    const v = verifyPlan(state, [gang], plan);
    expect(v.map((x) => x.rule)).toContain('capacity');
    expect(v.find((x) => x.rule === 'capacity')!.message).toMatch(/over its rdma\/ib: 1 requested > 0 allocatable/);
  });
});

describe('the resource that ran out is named, not GPUs', () => {
  /** Four nodes of 16 CPUs; the first two have 12 CPUs taken. */
  function cpuCluster(hogs = 2): ClusterState {
    const state = nestedCluster(['rack'], [2, 2], { cpuMilli: 16_000 });
    for (let i = 0; i < hogs; i++) state.pods.push(boundPod(`hog-${i}`, `node-${i}`, 0, { cpuMilli: 12_000 }));
    return state;
  }

  it('CPU split into pieces too small: the free CPUs are listed', () => {
    const g = fail(cpuCluster(), { name: 'cpu-0', groups: [{ clique: 'w', replicas: 5, gpu: 2, cpuMilli: 8000 }] });
    expect(g.reason).toBe('the gang needs 5 pods of 8 CPUs for its minimum; only 4 such pods fit: the nodes its pods may use have 16, 16, 4 and 4 CPUs free');
  });

  it('CPU short in total: no contradiction between need and free', () => {
    const g = fail(cpuCluster(), { name: 'cpu-0', groups: [{ clique: 'w', replicas: 6, gpu: 1, cpuMilli: 7000 }] });
    expect(g.reason).toBe('the gang needs 42 CPUs for the 6 pods of its minimum; only 40 CPUs are free on the nodes its pods may use (the other 24 are held by 2 pods)');
  });

  it('memory is named with its numbers', () => {
    const state = nestedCluster(['rack'], [2, 2], { memory: 128 * GiB });
    const g = fail(state, { name: 'mem-0', groups: [{ clique: 'w', replicas: 5, gpu: 1, memory: 100 * GiB }] });
    expect(g.reason).toBe('the gang needs 5 pods of 100Gi memory for its minimum; only 4 such pods fit: the nodes its pods may use have 128Gi, 128Gi, 128Gi and 128Gi memory free');
  });

  it('pod slots: the pod limit is said', () => {
    const state: ClusterState = { nodes: [makeNode('a', { pods: 2 }), makeNode('b', { pods: 2 })], pods: [], topologies: [] };
    state.pods.push(boundPod('p1', 'a', 0), boundPod('p2', 'a', 0), boundPod('p3', 'b', 0));
    const g = fail(state, { name: 's-0', groups: [{ clique: 'w', replicas: 2, gpu: 1 }] });
    expect(g.reason).toBe('the gang needs 2 pod slots for the 2 pods of its minimum; only 1 pod slot is free on the nodes its pods may use (the other 3 are held by 3 pods)');
    state.pods.push(boundPod('p4', 'b', 0));
    expect(fail(state, { name: 's-0', groups: [{ clique: 'w', replicas: 1, gpu: 1 }] }).reason).toBe('pod s-0-w-0 needs a pod slot; every node is at its pod limit (2)');
  });

  it('one GPU pod that fits says "1 such pod fits"', () => {
    const state = nestedCluster(['rack'], [1, 3]);
    state.pods.push(boundPod('a', 'node-1', 4), boundPod('b', 'node-2', 4));
    const g = fail(state, { name: 'g-0', groups: [{ clique: 'w', replicas: 2, gpu: 8, cpuMilli: 1000 }] });
    expect(g.reason).toBe('the gang needs 2 pods of 8 GPUs for its minimum; only 1 such pod fits: the nodes its pods may use have 8, 4 and 4 GPUs free');
  });

  it('at a rack: CPU short in the best rack is said, not GPU fragmentation', () => {
    // Racks of three 16-CPU nodes (48 CPUs each, enough when empty); a hog holds 12 CPUs in each rack.
    const racks = nestedCluster(['rack'], [2, 3], { cpuMilli: 16_000 });
    racks.pods.push(boundPod('hog-0', 'node-0', 0, { cpuMilli: 12_000 }), boundPod('hog-1', 'node-3', 0, { cpuMilli: 12_000 }));
    const g = fail(racks, { name: 'cpu-0', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 5, gpu: 2, cpuMilli: 8000 }] });
    expect(g.reason).toBe('the gang needs 40 CPUs for 5 pods in one rack; in the best rack, rack-0, only 36 CPUs are free on its nodes');
    expect(g.explanation![0]!.exceedsCapacity).toBeUndefined();
    const split = fail(racks, { name: 'cpu-0', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 3, gpu: 2, cpuMilli: 9000 }] });
    expect(split.reason).toBe('the gang needs 3 pods of 9 CPUs in one rack; in the best rack, rack-0, only 2 such pods fit: its nodes have 16, 16 and 4 CPUs free');
  });

  it('at a rack: CPU beyond what any rack has even when empty is said as capacity', () => {
    // Racks of two 16-CPU nodes: 32 CPUs each with nothing running.
    const g = fail(cpuCluster(1), { name: 'cpu-0', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 5, gpu: 2, cpuMilli: 8000 }] });
    expect(g.reason).toBe(
      'the gang needs 40 CPUs in one rack, but no rack in the cluster has 40 CPUs even when empty (the largest, rack-0, has 32 CPUs); drop the required rack pack or use fewer or smaller pods',
    );
    expect(g.explanation![0]).toMatchObject({ level: 'rack', needs: '40 CPUs in one rack', exceedsCapacity: true });
    const split = fail(cpuCluster(1), { name: 'cpu-0', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 3, gpu: 2, cpuMilli: 9000 }] });
    expect(split.reason).toBe(
      'the gang needs 3 pods of 9 CPUs in one rack, but no rack in the cluster holds that many even when empty (at most 2 fit in rack-0); drop the required rack pack or use fewer or smaller pods',
    );
  });
});

describe('capacity the gang may not use is said, with every reason', () => {
  it('tainted nodes left out are named at cluster level', () => {
    const state = nestedCluster(['rack'], [2, 2]);
    for (const n of state.nodes.slice(0, 2)) n.taints.push(TAINT);
    const g = fail(state, { name: 'x-0', groups: [{ clique: 'w', replicas: 3, gpu: 8 }] });
    // The tainted nodes are not counted as capacity the gang could ever use: its minimum is more than the rest hold.
    expect(g.reason).toBe(
      'the gang needs 24 GPUs for the 3 pods of its minimum, but the nodes its pods may use have only 16 GPUs even when empty; use fewer or smaller pods; 16 GPUs free on 2 nodes it may not use: taint dedicated=infer:NoSchedule not tolerated',
    );
    // With a third untainted node busy instead, it is a matter of free room, said as such.
    const busy = nestedCluster(['rack'], [1, 5]);
    for (const n of busy.nodes.slice(0, 2)) n.taints.push(TAINT);
    busy.pods.push(boundPod('b', 'node-2', 8));
    expect(fail(busy, { name: 'x-0', groups: [{ clique: 'w', replicas: 3, gpu: 8 }] }).reason).toBe(
      'the gang needs 24 GPUs for the 3 pods of its minimum; only 16 GPUs are free on the nodes its pods may use (the other 8 are held by pod default/b); 16 GPUs free on 2 nodes it may not use: taint dedicated=infer:NoSchedule not tolerated',
    );
  });

  it('cordoned and NotReady are both named', () => {
    const state = nestedCluster(['rack'], [2, 2]);
    state.nodes[0]!.unschedulable = true;
    state.nodes[1]!.ready = false;
    const g = fail(state, { name: 'x-0', groups: [{ clique: 'w', replicas: 3, gpu: 8 }] });
    expect(g.reason).toMatch(/; 16 GPUs free on 2 nodes it may not use: (cordoned on 1, NotReady on 1|NotReady on 1, cordoned on 1)$/);
  });
});

describe('topology labels', () => {
  it('no node carries the level label: said, not "no room"', () => {
    const state: ClusterState = { nodes: [makeNode('bare-0'), makeNode('bare-1')], pods: [], topologies: nestedCluster(['rack'], [1, 1]).topologies };
    const g = fail(state, { name: 'x-0', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 2, gpu: 8 }] });
    expect(g.reason).toBe('pod x-0-w-0: no node that accepts it is in the topology; 2 nodes lack the rack label (topology.kubernetes.io/rack) and are not used for topology-constrained gangs');
  });

  it('unlabelled free capacity is mentioned: the nodes are not used for a topology-constrained gang', () => {
    const state = nestedCluster(['rack'], [1, 2]);
    state.nodes.push(makeNode('bare-0'));
    const g = fail(state, { name: 'x-0', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 3, gpu: 8 }] });
    expect(g.reason).toBe(
      'the gang needs 24 GPUs for the 3 pods of its minimum, but the nodes its pods may use have only 16 GPUs even when empty; use fewer or smaller pods; 1 node with 8 free GPUs lacks the rack label (topology.kubernetes.io/rack) and is not used for topology-constrained gangs',
    );
    // The rack level's own row says it beside the largest rack.
    expect(g.explanation!.find((e) => e.level === 'rack')!.message).toMatch(/\(the largest, rack-0, has 16\) \(1 node with 8 free GPUs lacks the rack label \(topology\.kubernetes\.io\/rack\) and is not used for topology-constrained gangs\); use fewer or smaller pods: the nodes its pods may use do not hold it even when empty$/);
  });

  it('nodes lacking different labels are counted per label, so a person knows what to add', () => {
    // Racks r0 (2 nodes) in zone z0; 3 nodes lack the rack label, 1 lacks the zone label too.
    const levels = [{ domain: 'zone', key: 'topology.kubernetes.io/zone' }, { domain: 'rack', key: 'topology.kubernetes.io/rack' }, { domain: 'host', key: 'kubernetes.io/hostname' }];
    const zone = { 'topology.kubernetes.io/zone': 'z0' };
    const nodes = [
      makeNode('a', { labels: { ...zone, 'topology.kubernetes.io/rack': 'r0' } }),
      makeNode('b', { labels: { ...zone, 'topology.kubernetes.io/rack': 'r0' } }),
      makeNode('c', { labels: zone }),
      makeNode('d', { labels: zone }),
      makeNode('e'),
    ];
    const state: ClusterState = { nodes, pods: [], topologies: [{ name: 'grove-topology', levels }] };
    const g = fail(state, { name: 'x-0', constraint: { preferred: 'rack' }, groups: [{ clique: 'w', replicas: 4, gpu: 8 }] });
    expect(g.reason).toBe(
      'the gang needs 32 GPUs for the 4 pods of its minimum, but the nodes its pods may use have only 16 GPUs even when empty; use fewer or smaller pods; 3 nodes with 24 free GPUs lack topology labels and are not used for topology-constrained gangs: 2 lack the rack label (topology.kubernetes.io/rack) and 1 lacks the zone and rack labels (topology.kubernetes.io/zone, topology.kubernetes.io/rack)',
    );
    // Without a constraint the gang uses them all.
    expect(place(state, { name: 'y-0', groups: [{ clique: 'w', replicas: 4, gpu: 8 }] }).placed).toBe(true);
  });

  it('free room now short (not capacity) names the nodes outside the topology beside the taints', () => {
    const state = nestedCluster(['rack'], [1, 2]);
    state.pods.push(boundPod('busy', 'node-0', 8));
    state.nodes.push(makeNode('bare-0'), makeNode('bare-1'), makeNode('bare-2'));
    const g = fail(state, { name: 'x-0', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 2, gpu: 8 }] });
    expect(g.reason).toBe(
      'the gang needs 16 GPUs for the 2 pods of its minimum; only 8 GPUs are free on the nodes its pods may use (the other 8 are held by pod default/busy); 3 nodes with 24 free GPUs lack the rack label (topology.kubernetes.io/rack) and are not used for topology-constrained gangs',
    );
  });
});

describe('placed gangs', () => {
  it('a preferred pack that was not met says so', () => {
    const g = place(nestedCluster(['rack'], [2, 2]), { name: 'x-0', constraint: { preferred: 'rack' }, groups: [{ clique: 'w', replicas: 3, gpu: 8 }] });
    expect(g.placed).toBe(true);
    expect(g.warnings).toContain('preferred rack not met: spread over 2 racks');
    const met = place(nestedCluster(['rack'], [2, 2]), { name: 'x-0', constraint: { preferred: 'rack' }, groups: [{ clique: 'w', replicas: 2, gpu: 8 }] });
    expect(met.warnings).toBeUndefined();
  });
});

describe('extended resources from a cluster snapshot', () => {
  it('node allocatable and pod requests read from kubectl JSON carry rdma/ib', () => {
    const node = (name: string, extra: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name } },
      status: { allocatable: { cpu: '64', memory: '512Gi', pods: '110', 'nvidia.com/gpu': '8', ...extra } },
    });
    const snapshot = { apiVersion: 'v1', kind: 'List', items: [node('plain', {}), node('ib', { 'rdma/ib': '1' })] };
    const parsed = parseClusterSnapshot(snapshot);
    if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('; '));
    expect(parsed.state.nodes.find((n) => n.name === 'ib')!.allocatable.extended).toEqual({ 'rdma/ib': 1 });
    const gang = withExtended({ name: 'ib-0', groups: [{ clique: 'w', replicas: 1, gpu: 8 }] }, { 'rdma/ib': 1 });
    expect(placeGangs(parsed.state, [gang]).gangs[0]!.pods[0]!.node).toBe('ib');
  });
});

describe('long lists of free amounts', () => {
  it('past eight nodes the rest are summed, in the unit of the list, not counted as if they were GPUs', () => {
    // node-00 has 8 GPUs free, the other 11 nodes 6 each: only one pod of 8 fits.
    const state = nestedCluster(['rack'], [1, 12]);
    for (const n of state.nodes.slice(1)) state.pods.push(boundPod(`b-${n.name}`, n.name, 2));
    const g = fail(state, { name: 'g-0', groups: [{ clique: 'w', replicas: 3, gpu: 8 }] });
    expect(g.reason).toBe('the gang needs 3 pods of 8 GPUs for its minimum; only 1 such pod fits: the nodes its pods may use have 8, 6, 6, 6, 6, 6, 6 and 6 GPUs free, plus 24 on 4 more nodes');
  });

  it('CPU: the rest summed in CPUs', () => {
    const state = nestedCluster(['rack'], [1, 10], { cpuMilli: 16_000 });
    for (const n of state.nodes.slice(1)) state.pods.push(boundPod(`hog-${n.name}`, n.name, 0, { cpuMilli: 12_000 }));
    const g = fail(state, { name: 'cpu-0', groups: [{ clique: 'w', replicas: 3, gpu: 1, cpuMilli: 8000 }] });
    expect(g.reason).toBe('the gang needs 3 pods of 8 CPUs for its minimum; only 2 such pods fit: the nodes its pods may use have 16, 4, 4, 4, 4, 4, 4 and 4 CPUs free, plus 8 on 2 more nodes');
  });
});
