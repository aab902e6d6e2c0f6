/**
 * The speed scenario of issue 4 as data: a cluster of 8-GPU nodes (nested zone / block / rack, or
 * Grove's non-nested e2e labels) about half full, and one multi-clique PodCliqueSet gang. Used by
 * `npx tsx lib/placement/perf.run.ts` and available to the benchmark.
 */
import type { ClusterState, PodInfo } from '../cluster/state';
import type { ExpandedGang } from '../grove/gang';
import { boundPod, groveE2eCluster, makeGang, makeNode } from './testkit';

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** nodes × 8 GPUs; racks of 10 nodes, blocks of 10 racks, zones of 1,250 nodes (nested). */
export function syntheticCluster(nodes: number, layout: 'nested' | 'e2e' = 'nested'): ClusterState {
  if (layout === 'e2e') return groveE2eCluster(nodes);
  const list = Array.from({ length: nodes }, (_, i) =>
    makeNode(`n${i}`, {
      labels: {
        'topology.kubernetes.io/zone': `zone-${Math.floor(i / 1250)}`,
        'topology.kubernetes.io/block': `block-${Math.floor(i / 100)}`,
        'topology.kubernetes.io/rack': `rack-${Math.floor(i / 10)}`,
      },
    }),
  );
  return {
    nodes: list,
    pods: [],
    topologies: [
      {
        name: 'grove-topology',
        levels: [
          { domain: 'zone', key: 'topology.kubernetes.io/zone' },
          { domain: 'block', key: 'topology.kubernetes.io/block' },
          { domain: 'rack', key: 'topology.kubernetes.io/rack' },
          { domain: 'host', key: 'kubernetes.io/hostname' },
        ],
      },
    ],
  };
}

/** Fill about `fraction` of the GPUs with running pods of 1, 2, 4 or 8 GPUs on random nodes. */
export function fillCluster(state: ClusterState, fraction: number, seed = 1): ClusterState {
  const random = rng(seed);
  const used = new Float64Array(state.nodes.length);
  const total = state.nodes.reduce((s, n) => s + n.allocatable.gpu, 0);
  let target = Math.floor(total * fraction);
  const pods: PodInfo[] = [...state.pods];
  const sizes = [1, 2, 4, 8, 8, 8];
  let tries = 0;
  while (target > 0 && tries++ < total * 4) {
    const size = Math.min(target, sizes[Math.floor(random() * sizes.length)]!);
    const i = Math.floor(random() * state.nodes.length);
    const node = state.nodes[i]!;
    if (used[i]! + size > node.allocatable.gpu) continue;
    used[i] = used[i]! + size;
    target -= size;
    pods.push(boundPod(`busy-${pods.length}`, node.name, size));
  }
  return { ...state, pods };
}

/**
 * One base gang of a disaggregated-serving PodCliqueSet: the gang prefers one block; two prefill
 * scaling-group replicas (leader + 3 workers, 8 GPUs each) must each sit in one rack; decode (4 × 4 GPUs)
 * prefers one rack; a CPU-only router.
 */
export function syntheticPcsGang(name = 'serve-0'): ExpandedGang {
  return makeGang({
    name,
    constraint: { preferred: 'block' },
    groups: [
      { clique: 'router', replicas: 2, gpu: 0, cpuMilli: 4000 },
      { clique: 'decode', replicas: 4, gpu: 4, constraint: { preferred: 'rack' } },
      { clique: 'p0-leader', replicas: 1, gpu: 8, scalingGroup: { name: 'prefill', replicaIndex: 0 } },
      { clique: 'p0-worker', replicas: 3, gpu: 8, scalingGroup: { name: 'prefill', replicaIndex: 0 } },
      { clique: 'p1-leader', replicas: 1, gpu: 8, scalingGroup: { name: 'prefill', replicaIndex: 1 } },
      { clique: 'p1-worker', replicas: 3, gpu: 8, scalingGroup: { name: 'prefill', replicaIndex: 1 } },
    ],
    configs: [
      { name: `${name}-prefill-0`, cliques: ['p0-leader', 'p0-worker'], constraint: { required: 'rack' } },
      { name: `${name}-prefill-1`, cliques: ['p1-leader', 'p1-worker'], constraint: { required: 'rack' } },
    ],
  });
}
