import { describe, expect, it } from 'vitest';
import type { ClusterState } from '../cluster/state';
import { placeGangs, spreadCost } from './index';
import type { GangPlacement, Plan } from './plan';
import { boundPod, GiB, groveE2eCluster, makeGang, makeNode, nestedCluster, topologyOf, type GangSpec } from './testkit';
import { verifyPlan } from './verify';

/** 2 zones × 2 blocks × 2 racks × 4 nodes × 8 GPUs: node-00…node-31, rack-<i/4>, block-<i/8>, zone-<i/16>. */
const small = () => nestedCluster(['zone', 'block', 'rack'], [2, 2, 2, 4]);

function flat(nodes: number, o: Parameters<typeof makeNode>[1] = {}): ClusterState {
  return { nodes: Array.from({ length: nodes }, (_, i) => makeNode(`n${i}`, o)), pods: [], topologies: [] };
}

const labelOf = (state: ClusterState, node: string, key: string) => state.nodes.find((n) => n.name === node)!.labels[key];
const nodesOf = (g: GangPlacement) => g.pods.map((p) => p.node);
const RACK = 'topology.kubernetes.io/rack';
const BLOCK = 'topology.kubernetes.io/block';

function expectValid(state: ClusterState, gangs: Parameters<typeof placeGangs>[1], plan: Plan) {
  expect(verifyPlan(state, [...gangs], plan)).toEqual([]);
}

describe('resource fit', () => {
  it('places a gang on nodes with room for every pod and reports GPUs per pod', () => {
    const state = flat(2);
    const gang = makeGang({ groups: [{ clique: 'w', replicas: 3, gpu: 4 }] });
    const plan = placeGangs(state, [gang]);
    expect(plan.feasible).toBe(true);
    expect(plan.gangs[0]!.pods).toHaveLength(3);
    expect(plan.gangs[0]!.pods.every((p) => p.gpus === 4 && p.clique === 'w' && p.podGroup === 'pcs-0-w')).toBe(true);
    expectValid(state, [gang], plan);
  });

  it('counts GPUs, CPU, memory and pod slots', () => {
    const gpu = placeGangs(flat(2), [makeGang({ groups: [{ clique: 'w', replicas: 3, gpu: 8 }] })]);
    expect(gpu.feasible).toBe(false);
    const cpu = placeGangs(flat(1, { cpuMilli: 8000 }), [makeGang({ groups: [{ clique: 'w', replicas: 3, gpu: 0, cpuMilli: 3000 }] })]);
    expect(cpu.feasible).toBe(false);
    const mem = placeGangs(flat(1, { memory: 10 * GiB }), [makeGang({ groups: [{ clique: 'w', replicas: 2, gpu: 0, memory: 6 * GiB }] })]);
    expect(mem.feasible).toBe(false);
    const slots = placeGangs(flat(1, { pods: 2 }), [makeGang({ groups: [{ clique: 'w', replicas: 3, gpu: 0 }] })]);
    expect(slots.feasible).toBe(false);
    const fits = placeGangs(flat(1, { pods: 3, cpuMilli: 9000, memory: 12 * GiB }), [makeGang({ groups: [{ clique: 'w', replicas: 3, gpu: 0, cpuMilli: 3000, memory: 4 * GiB }] })]);
    expect(fits.feasible).toBe(true);
  });

  it('counts pods already bound in the state; terminal and unbound pods hold nothing', () => {
    const state = flat(2);
    state.pods.push(boundPod('busy', 'n0', 8), boundPod('done', 'n1', 8, {}, true), { ...boundPod('pending', 'n1', 8), nodeName: undefined });
    const plan = placeGangs(state, [makeGang({ groups: [{ clique: 'w', replicas: 1, gpu: 8 }] })]);
    expect(nodesOf(plan.gangs[0]!)).toEqual(['n1']);
    const full = placeGangs(state, [makeGang({ groups: [{ clique: 'w', replicas: 2, gpu: 8 }] })]);
    expect(full.feasible).toBe(false);
  });

  it('packs pods best fit: onto the partly used node first, keeping whole nodes free', () => {
    const state = flat(3);
    state.pods.push(boundPod('busy', 'n2', 4));
    const plan = placeGangs(state, [makeGang({ groups: [{ clique: 'w', replicas: 1, gpu: 4 }] })]);
    expect(nodesOf(plan.gangs[0]!)).toEqual(['n2']);
  });
});

describe('filters in placement', () => {
  it('honours nodeSelector and required node affinity', () => {
    const state = flat(4);
    state.nodes[2]!.labels.pool = 'a';
    state.nodes[3]!.labels.pool = 'b';
    const sel = makeGang({ groups: [{ clique: 'w', replicas: 1, scheduling: { nodeSelector: { pool: 'a' } } }] });
    expect(nodesOf(placeGangs(state, [sel]).gangs[0]!)).toEqual(['n2']);
    const aff = makeGang({
      groups: [{ clique: 'w', replicas: 1, scheduling: { requiredNodeAffinity: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['x'] }] }, { matchExpressions: [{ key: 'pool', operator: 'In', values: ['b'] }] }] } }],
    });
    expect(nodesOf(placeGangs(state, [aff]).gangs[0]!)).toEqual(['n3']);
  });

  it('keeps pods off tainted nodes unless tolerated; PreferNoSchedule does not block', () => {
    const state = flat(3);
    state.nodes[0]!.taints.push({ key: 'dedicated', value: 'infra', effect: 'NoSchedule' });
    state.nodes[1]!.taints.push({ key: 'gpu', effect: 'NoExecute' });
    state.nodes[2]!.taints.push({ key: 'soft', effect: 'PreferNoSchedule' });
    const plain = makeGang({ groups: [{ clique: 'w', replicas: 1 }] });
    expect(nodesOf(placeGangs(state, [plain]).gangs[0]!)).toEqual(['n2']);
    const two = makeGang({ groups: [{ clique: 'w', replicas: 2 }] });
    expect(placeGangs(state, [two]).feasible).toBe(false);
    const tolerant = makeGang({ groups: [{ clique: 'w', replicas: 3, scheduling: { tolerations: [{ operator: 'Exists' }] } }] });
    expect(placeGangs(state, [tolerant]).feasible).toBe(true);
    const one = makeGang({ groups: [{ clique: 'w', replicas: 2, scheduling: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'infra', effect: 'NoSchedule' }] } }] });
    expect(new Set(nodesOf(placeGangs(state, [one]).gangs[0]!))).toEqual(new Set(['n0', 'n2']));
  });

  it('never uses cordoned or NotReady nodes', () => {
    const state = flat(3);
    state.nodes[0]!.unschedulable = true;
    state.nodes[1]!.ready = false;
    const plan = placeGangs(state, [makeGang({ groups: [{ clique: 'w', replicas: 1, scheduling: { tolerations: [{ operator: 'Exists' }] } }] })]);
    expect(nodesOf(plan.gangs[0]!)).toEqual(['n2']);
  });
});

describe('required pack', () => {
  it('puts every pod of the gang in one rack: the fullest rack that still fits (best fit)', () => {
    const state = small();
    // rack-2 (node-08…11) has 8 GPUs in use, rack-5 has 24: rack-5 cannot hold 16 more, rack-2 is the best fit.
    state.pods.push(boundPod('a', 'node-08', 8), boundPod('b', 'node-20', 8), boundPod('c', 'node-21', 8), boundPod('d', 'node-22', 8));
    const gang = makeGang({ constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 2, gpu: 8 }] });
    const plan = placeGangs(state, [gang]);
    const g = plan.gangs[0]!;
    expect(g.placed).toBe(true);
    expect(new Set(nodesOf(g).map((n) => labelOf(state, n, RACK)))).toEqual(new Set(['rack-2']));
    expect(g.domains).toMatchObject({ zone: 'zone-0', block: 'block-1', rack: 'rack-2' });
    expectValid(state, [gang], plan);
  });

  it('does not place a gang larger than any rack, and it consumes nothing', () => {
    const state = small();
    const big = makeGang({ name: 'big-0', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 5, gpu: 8 }] });
    const next = makeGang({ name: 'next-0', groups: [{ clique: 'w', replicas: 32, gpu: 8 }] });
    const plan = placeGangs(state, [big, next]);
    expect(plan.gangs[0]).toMatchObject({ placed: false, pods: [], domains: {} });
    expect(plan.gangs[1]!.placed).toBe(true);
    expect(plan.feasible).toBe(false);
  });

  it('gangs consume capacity in order', () => {
    const state = small();
    const a = makeGang({ name: 'a-0', constraint: { required: 'block' }, groups: [{ clique: 'w', replicas: 8 }] });
    const b = makeGang({ name: 'b-0', constraint: { required: 'block' }, groups: [{ clique: 'w', replicas: 8 }] });
    const plan = placeGangs(state, [a, b, b, b, b]);
    expect(plan.gangs.map((g) => g.placed)).toEqual([true, true, true, true, false]);
    const blocks = plan.gangs.slice(0, 4).map((g) => g.domains.block);
    expect(new Set(blocks).size).toBe(4);
  });

  it('places scaling-group replicas (group configs) each in one rack inside the gang block', () => {
    const state = small();
    const gang = makeGang({
      constraint: { required: 'block' },
      groups: [
        { clique: 'l0', replicas: 1 },
        { clique: 'w0', replicas: 3 },
        { clique: 'l1', replicas: 1 },
        { clique: 'w1', replicas: 3 },
      ],
      configs: [
        { name: 'pcs-0-sg-0', cliques: ['l0', 'w0'], constraint: { required: 'rack' } },
        { name: 'pcs-0-sg-1', cliques: ['l1', 'w1'], constraint: { required: 'rack' } },
      ],
    });
    const plan = placeGangs(state, [gang]);
    const g = plan.gangs[0]!;
    expect(g.placed).toBe(true);
    const rackOf = (prefix: string) => new Set(g.pods.filter((p) => /-(l|w)\d/.test(p.name) && p.name.includes(prefix)).map((p) => labelOf(state, p.node, RACK)));
    expect(rackOf('-l0-').size + rackOf('-w0-').size).toBe(2);
    const r0 = [...rackOf('l0'), ...rackOf('w0')];
    const r1 = [...rackOf('l1'), ...rackOf('w1')];
    expect(new Set(r0).size).toBe(1);
    expect(new Set(r1).size).toBe(1);
    expect(r0[0]).not.toBe(r1[0]);
    expect(Object.keys(g.domains)).toEqual(['zone', 'block']);
    expectValid(state, [gang], plan);
  });

  it('backtracks to another block when the best-fit block cannot hold the nested racks', () => {
    const state = small();
    // block-0: 16 GPUs used spread over both racks (rack-0 and rack-1 each keep 24 free: 40 free in all);
    // block-1 is empty. The gang (32 GPUs, 4 pods per rack) fits block-0 by count but not by rack.
    state.pods.push(boundPod('a', 'node-00', 8), boundPod('b', 'node-04', 8));
    const gang = makeGang({
      constraint: { required: 'block' },
      groups: [{ clique: 'w', replicas: 4, constraint: { required: 'rack' } }],
    });
    const plan = placeGangs(state, [gang]);
    expect(plan.gangs[0]!.placed).toBe(true);
    expect(plan.gangs[0]!.domains.block).toBe('block-1');
    expectValid(state, [gang], plan);
  });
});

describe('preferred pack', () => {
  it('uses one rack when one fits', () => {
    const state = small();
    const gang = makeGang({ constraint: { preferred: 'rack' }, groups: [{ clique: 'w', replicas: 4 }] });
    const plan = placeGangs(state, [gang]);
    expect(plan.gangs[0]!.domains.rack).toBeDefined();
    expect(spreadCost(state, gang, plan.gangs[0]!)).toBe(0);
  });

  it('widens to the block, using as few racks as possible', () => {
    const state = small();
    const gang = makeGang({ constraint: { preferred: 'rack' }, groups: [{ clique: 'w', replicas: 6 }] });
    const plan = placeGangs(state, [gang]);
    const g = plan.gangs[0]!;
    expect(g.placed).toBe(true);
    expect(g.domains.block).toBeDefined();
    expect(g.domains.rack).toBeUndefined();
    expect(spreadCost(state, gang, g)).toBe(1);
  });

  it('when it must widen, fills partly used racks and keeps empty racks whole (same rack count)', () => {
    // 1 block × 4 racks × 2 nodes: racks 0 and 1 empty (4 pods of 4 GPUs each), rack 2 takes 3, rack 3 takes 2.
    // Five pods need two racks either way; racks 3 + 2 leave both empty racks for a later whole-rack gang.
    const state = nestedCluster(['zone', 'block', 'rack'], [1, 1, 4, 2]);
    state.pods.push(boundPod('busy-4', 'node-4', 4), boundPod('busy-6', 'node-6', 8));
    const gang = makeGang({ constraint: { required: 'block', preferred: 'rack' }, groups: [{ clique: 'w', replicas: 5, gpu: 4 }] });
    const plan = placeGangs(state, [gang]);
    const g = plan.gangs[0]!;
    expect(g.placed).toBe(true);
    expect(new Set(nodesOf(g).map((n) => labelOf(state, n, RACK)))).toEqual(new Set(['rack-2', 'rack-3']));
    expect(spreadCost(state, gang, g)).toBe(1);
    expectValid(state, [gang], plan);
    const wholeRack = makeGang({ name: 'next-0', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 2 }] });
    const second = makeGang({ name: 'then-0', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 2 }] });
    expect(placeGangs(state, [gang, wholeRack, second]).feasible).toBe(true);
  });

  it('prefers fewer racks over a narrower intermediate level (the shared objective)', () => {
    // 1 zone × 2 blocks × 3 racks × 4 nodes. Free nodes: block-0 racks 2/2/2, block-1 racks 4/1/0.
    // Six 8-GPU pods fit block-0 only across 3 racks (cost 2); across blocks 4 + 2 need 2 racks (cost 1).
    const state = nestedCluster(['zone', 'block', 'rack'], [1, 2, 3, 4]);
    for (const i of [0, 1, 4, 5, 8, 9, 16, 17, 18, 20, 21, 22, 23]) state.pods.push(boundPod(`busy-${i}`, `node-${String(i).padStart(2, '0')}`, 8));
    const gang = makeGang({ constraint: { preferred: 'rack' }, groups: [{ clique: 'w', replicas: 6 }] });
    const plan = placeGangs(state, [gang]);
    expect(plan.gangs[0]!.placed).toBe(true);
    expect(spreadCost(state, gang, plan.gangs[0]!)).toBe(1);
  });

  it('stays inside the required domain while widening from the preferred one', () => {
    const state = small();
    const gang = makeGang({ constraint: { required: 'block', preferred: 'rack' }, groups: [{ clique: 'w', replicas: 7 }] });
    const plan = placeGangs(state, [gang]);
    const g = plan.gangs[0]!;
    expect(new Set(nodesOf(g).map((n) => labelOf(state, n, BLOCK))).size).toBe(1);
    expect(spreadCost(state, gang, g)).toBe(1);
    expectValid(state, [gang], plan);
  });

  it('pod-group preferences inside a gang preference', () => {
    const state = small();
    const gang = makeGang({
      constraint: { preferred: 'block' },
      groups: [
        { clique: 'a', replicas: 3, constraint: { preferred: 'rack' } },
        { clique: 'b', replicas: 3, constraint: { preferred: 'rack' } },
      ],
    });
    const plan = placeGangs(state, [gang]);
    expect(spreadCost(state, gang, plan.gangs[0]!)).toBe(0);
    expect(plan.gangs[0]!.domains.block).toBeDefined();
  });
});

describe('gang minimum and optional pods', () => {
  it('places a gang when every group has its minimum; the rest are best effort', () => {
    const state = flat(2);
    const gang = makeGang({ groups: [{ clique: 'w', replicas: 4, min: 2, gpu: 6 }] });
    const plan = placeGangs(state, [gang]);
    const g = plan.gangs[0]!;
    expect(g.placed).toBe(true);
    expect(g.pods.map((p) => p.name)).toEqual(['pcs-0-w-0', 'pcs-0-w-1']);
    expect(g.unplacedOptionalPods).toEqual(['pcs-0-w-2', 'pcs-0-w-3']);
    expectValid(state, [gang], plan);
  });

  it('places every group minimum before any optional pod', () => {
    const state = flat(2);
    const gang = makeGang({
      groups: [
        { clique: 'a', replicas: 2, min: 1, gpu: 8 },
        { clique: 'b', replicas: 1, min: 1, gpu: 8 },
      ],
    });
    const g = placeGangs(state, [gang]).gangs[0]!;
    expect(g.placed).toBe(true);
    expect(g.pods.map((p) => p.name).sort()).toEqual(['pcs-0-a-0', 'pcs-0-b-0']);
    expect(g.unplacedOptionalPods).toEqual(['pcs-0-a-1']);
  });

  it('tries the whole gang first: a minimum placed alone must not take the room its optional pods need', () => {
    // One rack of 4 empty 8-GPU hosts; prefill (2 × 4 GPUs, packed in one host) and decode (2 × 4 GPUs)
    // in a rack-packed scaling group, minimum 1 each. The minimum alone would put prefill-0 and decode-0
    // on one host (best fit), leaving prefill-1 no room beside prefill-0.
    const state = nestedCluster(['rack'], [1, 4]);
    const gang = makeGang({
      configs: [{ name: 'pcs-0-workers', cliques: ['prefill', 'decode'], constraint: { required: 'rack' } }],
      groups: [
        { clique: 'prefill', replicas: 2, min: 1, gpu: 4, constraint: { required: 'host' } },
        { clique: 'decode', replicas: 2, min: 1, gpu: 4 },
      ],
    });
    const plan = placeGangs(state, [gang]);
    const g = plan.gangs[0]!;
    expect(g.placed).toBe(true);
    expect(g.unplacedOptionalPods).toBeUndefined();
    expect(g.pods).toHaveLength(4);
    const nodeOf = (pod: string) => g.pods.find((p) => p.name === pod)!.node;
    expect(nodeOf('pcs-0-prefill-1')).toBe(nodeOf('pcs-0-prefill-0'));
    expectValid(state, [gang], plan);
  });

  it('keeps optional pods inside the required domain', () => {
    const state = small();
    const gang = makeGang({ constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 6, min: 2 }] });
    const plan = placeGangs(state, [gang]);
    const g = plan.gangs[0]!;
    expect(g.pods).toHaveLength(4);
    expect(g.unplacedOptionalPods).toHaveLength(2);
    expect(new Set(nodesOf(g).map((n) => labelOf(state, n, RACK))).size).toBe(1);
    expectValid(state, [gang], plan);
  });

  it('is not placed when the minimum does not fit, even if some pods would', () => {
    const g = placeGangs(flat(1), [makeGang({ groups: [{ clique: 'w', replicas: 3, min: 2, gpu: 8 }] })]).gangs[0]!;
    expect(g).toMatchObject({ placed: false, pods: [] });
    expect(g.unplacedOptionalPods).toBeUndefined();
  });

  it('is not placed when a group has fewer pods than its minimum', () => {
    const gang = makeGang({ groups: [{ clique: 'w', replicas: 1 }] });
    gang.podGroups[0]!.minReplicas = 3;
    const g = placeGangs(flat(4), [gang]).gangs[0]!;
    expect(g.placed).toBe(false);
    expect(g.reason).toBe('pod group pcs-0-w needs at least 3 pods but has 1');
  });
});

describe('label values shared by two parents (Grove e2e: zone-<i/28>, block-<i/20>, rack-<i/7>): a domain is its label path, as KAI', () => {
  it('a required rack is one label path: rack-2 of block-0 (6 nodes) and rack-2 of block-1 (1 node) are two racks', () => {
    const state = groveE2eCluster(56);
    const gang = makeGang({ constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 7 }] });
    const plan = placeGangs(state, [gang]);
    const g = plan.gangs[0]!;
    expect(g.placed).toBe(true);
    expect(g.domains.rack).toMatch(/^rack-\d+$/);
    const labels = new Map(state.nodes.map((n) => [n.name, n.labels]));
    const paths = new Set(g.pods.map((p) => ['zone', 'block', 'rack'].map((l) => labels.get(p.node)![`kubernetes.io/${l}`]).join('/')));
    expect(paths.size).toBe(1);
    expectValid(state, [gang], plan);
    // Only whole racks of 7 nodes hold 7 pods of 8 GPUs: with room left only on rack-2's nodes (14…20, two racks) and 6 of rack-6's, none does.
    for (const n of state.nodes) if (!/^worker-(1[4-9]|20|4[2-7])$/.test(n.name)) n.allocatable = { ...n.allocatable, gpu: 0 };
    expect(placeGangs(state, [gang]).feasible).toBe(false);
  });

  it('a required block and a required rack together use the intersection of both', () => {
    const state = groveE2eCluster(56);
    // block-0 = worker-0…19 holds rack-0, rack-1 and its own rack-2 (worker-14…19: 6 nodes).
    const gang = makeGang({ constraint: { required: 'block' }, groups: [{ clique: 'w', replicas: 6, constraint: { required: 'rack' } }, { clique: 'x', replicas: 14 }] });
    const plan = placeGangs(state, [gang]);
    expect(plan.gangs[0]!.placed).toBe(true);
    expectValid(state, [gang], plan);
    const gangs = [0, 1, 2].map((i) => makeGang({ name: `g${i}-0`, constraint: { required: 'block' }, groups: [{ clique: 'w', replicas: 7, constraint: { required: 'rack' } }] }));
    const p2 = placeGangs(state, gangs);
    expectValid(state, gangs, p2);
  });

  it('nodes without the label of any level are outside the topology: no domain holds them', () => {
    const state = groveE2eCluster(14);
    for (const n of state.nodes.slice(0, 7)) delete n.labels['kubernetes.io/rack'];
    const gang = makeGang({ constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 7 }] });
    const g = placeGangs(state, [gang]).gangs[0]!;
    expect(g.domains.rack).toBe('rack-1');
    const tooMany = makeGang({ constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 8 }] });
    expect(placeGangs(state, [tooMany]).feasible).toBe(false);
    // Without a zone label, rack-1's nodes are outside the topology (KAI): no node is left for the gang.
    for (const n of state.nodes.slice(7)) delete n.labels['kubernetes.io/zone'];
    const g2 = placeGangs(state, [gang]).gangs[0]!;
    expect(g2.placed).toBe(false);
    expect(g2.reason).toBe(
      'pod pcs-0-w-0: no node that accepts it is in the topology; 14 nodes lack topology labels and are not used for topology-constrained gangs: 7 lack the zone label (kubernetes.io/zone) and 7 lack the rack label (kubernetes.io/rack)',
    );
    for (const n of state.nodes.slice(0, 7)) n.labels['kubernetes.io/rack'] = 'rack-0';
    expect(placeGangs(state, [tooMany]).gangs[0]!.reason).toBe(
      'the gang needs 64 GPUs for the 8 pods of its minimum, but the nodes its pods may use have only 56 GPUs even when empty; use fewer or smaller pods; 7 nodes with 56 free GPUs lack the zone label (kubernetes.io/zone) and are not used for topology-constrained gangs',
    );
  });
});

describe('nodes outside the topology (KAI: a node without the label of every level is in no domain)', () => {
  const ZONE = 'example.com/zone';
  const RACK = 'example.com/rack';
  /** Zone z0: rack r0 with two 8-GPU nodes, and a third 8-GPU node with the zone label but no rack label. */
  function zoneWithRacklessNode(): ClusterState {
    const nodes = [
      makeNode('r0-a', { labels: { [ZONE]: 'z0', [RACK]: 'r0' } }),
      makeNode('r0-b', { labels: { [ZONE]: 'z0', [RACK]: 'r0' } }),
      makeNode('rackless', { labels: { [ZONE]: 'z0' } }),
    ];
    const levels = [{ domain: 'zone', key: ZONE }, { domain: 'rack', key: RACK }, { domain: 'host', key: 'kubernetes.io/hostname' }];
    return { nodes, pods: [], topologies: [{ name: 'topo', levels }] };
  }
  const three = (extra: Partial<GangSpec>) => makeGang({ name: 'x-0', topologyName: 'topo', groups: [{ clique: 'w', replicas: 3, gpu: 8 }], ...extra });

  it('a zone-packed gang does not use a node with the zone label but no rack label', () => {
    const state = zoneWithRacklessNode();
    const gang = three({ constraint: { required: 'zone' } });
    const plan = placeGangs(state, [gang]);
    expect(plan.gangs[0]!.placed).toBe(false);
    expect(plan.gangs[0]!.reason).toContain('1 node with 8 free GPUs lacks the rack label (example.com/rack) and is not used for topology-constrained gangs');
    expect(verifyPlan(state, [gang], plan)).toEqual([]);
    // Two pods fit the two labelled nodes.
    const two = makeGang({ name: 'y-0', topologyName: 'topo', constraint: { required: 'zone' }, groups: [{ clique: 'w', replicas: 2, gpu: 8 }] });
    const g = placeGangs(state, [two]).gangs[0]!;
    expect(g.placed).toBe(true);
    expect(g.pods.map((p) => p.node).sort()).toEqual(['r0-a', 'r0-b']);
  });

  it('a preferred constraint alone keeps the gang off it too', () => {
    const state = zoneWithRacklessNode();
    const gang = three({ constraint: { preferred: 'rack' } });
    const plan = placeGangs(state, [gang]);
    expect(plan.gangs[0]!.placed).toBe(false);
    expect(plan.gangs[0]!.reason).toContain('1 node with 8 free GPUs lacks the rack label (example.com/rack) and is not used for topology-constrained gangs');
    expect(verifyPlan(state, [gang], plan)).toEqual([]);
  });

  it('a gang without a constraint uses it', () => {
    const state = zoneWithRacklessNode();
    const gang = three({});
    const plan = placeGangs(state, [gang]);
    expect(plan.gangs[0]!.placed).toBe(true);
    expect(plan.gangs[0]!.pods.map((p) => p.node).sort()).toEqual(['r0-a', 'r0-b', 'rackless']);
    expect(verifyPlan(state, [gang], plan)).toEqual([]);
  });

  it('in a gang whose one clique is constrained, only the unconstrained clique may use it', () => {
    const state = zoneWithRacklessNode();
    const gang = makeGang({
      name: 'x-0',
      topologyName: 'topo',
      groups: [
        { clique: 'free', replicas: 1, gpu: 8 },
        { clique: 'packed', replicas: 2, gpu: 8, constraint: { required: 'rack' } },
      ],
    });
    const plan = placeGangs(state, [gang]);
    const g = plan.gangs[0]!;
    expect(g.placed).toBe(true);
    expect(g.pods.find((p) => p.clique === 'free')!.node).toBe('rackless');
    expect(g.pods.filter((p) => p.clique === 'packed').map((p) => p.node).sort()).toEqual(['r0-a', 'r0-b']);
    expect(verifyPlan(state, [gang], plan)).toEqual([]);
    // With the clique's constraint on the whole gang, the three pods no longer fit.
    const whole = makeGang({ name: 'y-0', topologyName: 'topo', constraint: { required: 'zone' }, groups: [{ clique: 'free', replicas: 1, gpu: 8 }, { clique: 'packed', replicas: 2, gpu: 8, constraint: { required: 'rack' } }] });
    expect(placeGangs(state, [whole]).gangs[0]!.placed).toBe(false);
  });

  it('a label with an empty value is a label: the node is in the topology (KAI checks that the key is present)', () => {
    const state = zoneWithRacklessNode();
    state.nodes[2]!.labels[RACK] = '';
    const plan = placeGangs(state, [three({ constraint: { required: 'zone' } })]);
    expect(plan.gangs[0]!.placed).toBe(true);
  });
});

describe('topology selection', () => {
  it('drops a constraint whose domain the binding lacks, with a warning', () => {
    const state = small();
    const gang = makeGang({ constraint: { required: 'datacenter' }, groups: [{ clique: 'w', replicas: 2 }] });
    const g = placeGangs(state, [gang]).gangs[0]!;
    expect(g.placed).toBe(true);
    expect(g.warnings).toEqual(['gang pcs-0: ClusterTopologyBinding "grove-topology" has no level "datacenter"; the constraint is dropped']);
  });

  it('uses the binding named by the gang or by options, and warns about a missing one', () => {
    const state = small();
    state.topologies.push(topologyOf('flat', ['zone']));
    const gang = makeGang({ topologyName: 'flat', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 8 }] });
    expect(placeGangs(state, [gang]).gangs[0]!.placed).toBe(true);
    expect(placeGangs(state, [gang], { topology: 'grove-topology' }).gangs[0]!.placed).toBe(false);
    const missing = placeGangs(state, [gang], { topology: 'nope' }).gangs[0]!;
    expect(missing.warnings?.[0]).toContain('"nope" is not in the cluster');
  });
});

describe('scaled gangs', () => {
  it('a scaled gang waits for its base gang', () => {
    const state = flat(1);
    const base = makeGang({ name: 'pcs-0', groups: [{ clique: 'w', replicas: 2, gpu: 8 }] });
    const scaled = { ...makeGang({ name: 'pcs-0-sg-0', groups: [{ clique: 'x', replicas: 1, gpu: 4 }] }), base: false, baseGang: 'pcs-0' };
    const plan = placeGangs(state, [base, scaled]);
    expect(plan.gangs.map((g) => g.placed)).toEqual([false, false]);
    expect(plan.gangs[1]!.reason).toContain('waits for its base gang pcs-0');
    // A base gang not in the call is taken as running.
    expect(placeGangs(state, [scaled]).gangs[0]!.placed).toBe(true);
  });
});

describe('determinism and purity', () => {
  it('gives the same plan for the same input and leaves the input unchanged', () => {
    const state = small();
    state.pods.push(boundPod('a', 'node-03', 3), boundPod('b', 'node-17', 5));
    const gangs = [
      makeGang({ name: 'a-0', constraint: { required: 'block', preferred: 'rack' }, groups: [{ clique: 'w', replicas: 5, gpu: 4 }, { clique: 'r', replicas: 2, gpu: 0 }] }),
      makeGang({ name: 'b-0', constraint: { preferred: 'rack' }, groups: [{ clique: 'w', replicas: 9, min: 6, gpu: 2 }] }),
    ];
    const before = structuredClone({ state, gangs });
    const one = placeGangs(state, gangs);
    const two = placeGangs(state, gangs);
    const three = placeGangs(structuredClone(state), structuredClone(gangs));
    expect(two).toEqual(one);
    expect(three).toEqual(one);
    expect({ state, gangs }).toEqual(before);
    expectValid(state, gangs, one);
  });

  it('sees nodes and pods changed in place between calls (no stale index)', () => {
    // The simulator and the live store update their arrays in place; a second preview must see it.
    const state = flat(2);
    const gang = () => [makeGang({ groups: [{ clique: 'w', replicas: 1, gpu: 8 }] })];
    expect(nodesOf(placeGangs(state, gang()).gangs[0]!)).toEqual(['n0']);
    state.nodes[0]!.unschedulable = true;
    expect(nodesOf(placeGangs(state, gang()).gangs[0]!)).toEqual(['n1']);
    state.pods.push(boundPod('x', 'n1', 8));
    expect(placeGangs(state, gang()).gangs[0]!.placed).toBe(false);
  });
});

describe('spreadCost', () => {
  it('counts distinct preferred domains minus one per constrained set', () => {
    const state = small();
    const gang = makeGang({ constraint: { preferred: 'rack' }, groups: [{ clique: 'a', replicas: 2, constraint: { preferred: 'host' } }] });
    const placement = (nodes: string[]) => ({ placed: true, pods: nodes.map((node, i) => ({ name: `pcs-0-a-${i}`, podGroup: 'pcs-0-a', node })) });
    expect(spreadCost(state, gang, placement(['node-00', 'node-00']))).toBe(0);
    expect(spreadCost(state, gang, placement(['node-00', 'node-01']))).toBe(1);
    expect(spreadCost(state, gang, placement(['node-00', 'node-04']))).toBe(2);
    expect(spreadCost(state, gang, { placed: false, pods: [] })).toBe(0);
  });
});
