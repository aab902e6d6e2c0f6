/**
 * A pack that no domain has room for, when the free room there is is on tainted nodes: the advice says
 * the taint keeps the gang from it ("once room frees" alone would send the reader waiting for GPUs that
 * are free already, and that the domain table shows as free).
 */
import { describe, expect, it } from 'vitest';
import type { ClusterState } from '../cluster/state';
import { placeGangs } from './index';
import { boundPod, makeGang, makeNode, topologyOf } from './testkit';

const TAINT = { key: 'dedicated', value: 'infer', effect: 'NoSchedule' as const };

/**
 * Two blocks of two racks of two 8-GPU nodes: block-0 = rack-0 (a0, a1) and rack-1 (t0, t1, tainted),
 * block-1 = rack-2 (c0, c1) and rack-3 (d0, d1). `held`: GPUs running pods hold per node.
 */
function cluster(held: Record<string, number>): ClusterState {
  const racks: [string, string, string[], boolean][] = [
    ['block-0', 'rack-0', ['a0', 'a1'], false],
    ['block-0', 'rack-1', ['t0', 't1'], true],
    ['block-1', 'rack-2', ['c0', 'c1'], false],
    ['block-1', 'rack-3', ['d0', 'd1'], false],
  ];
  const nodes = racks.flatMap(([block, rack, names, tainted]) =>
    names.map((name) => makeNode(name, { gpu: 8, labels: { 'topology.kubernetes.io/block': block, 'topology.kubernetes.io/rack': rack }, ...(tainted ? { taints: [TAINT] } : {}) })),
  );
  const pods = Object.entries(held).map(([node, gpus]) => boundPod(`holder-${node}`, node, gpus));
  return { nodes, pods, topologies: [topologyOf('t', ['block', 'rack', 'host'])] };
}

/** 3 pods × 8 GPUs in one rack: more than a rack (16 GPUs) holds even when empty, so the advice is to loosen the pack. */
const gang = makeGang({ name: 'big-0', topologyName: 't', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 3, gpu: 8 }] });

describe('the advice of a pack no domain holds names free GPUs a taint keeps from the gang', () => {
  it('the block with the most room has more free, on a tainted node: said with the taint', () => {
    // block-0: 16 free in rack-0 plus 8 on the tainted t1 (24, what the gang needs); block-1: 16 free in rack-2.
    const g = placeGangs(cluster({ t0: 8, d0: 8, d1: 8 }), [gang]).gangs[0]!;
    expect(g.placed).toBe(false);
    expect(g.reason).toContain(
      'no block has room for it now (the most, block-0, has 16 GPUs free that its pods can use; block-0 has 24 GPUs free, only 16 of them usable: 8 on 1 node its pods may not use (taint dedicated=infer:NoSchedule not tolerated))',
    );
  });

  it('the only partly free rack is tainted: "no block has room for any of its pods now" says where the free GPUs are, and why not', () => {
    // Free: 8 on the tainted t1 (rack-1), and 4 on each of c0, c1, d1 (no room for a pod of 8).
    const g = placeGangs(cluster({ a0: 8, a1: 8, t0: 8, c0: 4, c1: 4, d0: 8, d1: 4 }), [gang]).gangs[0]!;
    expect(g.placed).toBe(false);
    const rack = g.explanation!.find((e) => e.level === 'rack')!;
    expect(rack.message).toContain(
      'no block has room for any of its pods now (block-0 has 8 GPUs free, none of them usable: 8 on 1 node its pods may not use (taint dedicated=infer:NoSchedule not tolerated))',
    );
  });

  it('free GPUs the pods’ own selector leaves out are not said as kept from them', () => {
    const state = cluster({ t0: 8, d0: 8, d1: 8 });
    // The tainted rack's nodes are of another product, which the pods do not select.
    state.nodes = state.nodes.map((n) => ({ ...n, labels: { ...n.labels, product: n.taints.length ? 'other' : 'gpu' } }));
    const selective = makeGang({ name: 'big-0', topologyName: 't', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 3, gpu: 8, scheduling: { nodeSelector: { product: 'gpu' } } }] });
    const g = placeGangs(state, [selective]).gangs[0]!;
    expect(g.reason).toContain('no block has room for it now (the most, block-0, has 16 GPUs free that its pods can use)');
  });
});
