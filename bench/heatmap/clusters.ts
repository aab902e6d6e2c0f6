/**
 * Synthetic clusters for the heatmap benchmark, built with lib/topology/spec (the same node labels and
 * cliques as the demo): 10k GPUs = 1,250 nodes × 8; 100k GPUs = 12,500 nodes × 8 as two zones of 6,250
 * (one spec caps at 10,000 nodes), under one binding. About half the GPUs are held by Grove-labelled
 * pods of 40 workloads (deterministic, seeded).
 */
import type { ClusterState, PodInfo } from '../../lib/cluster/state';
import { LABEL_MANAGED_BY, LABEL_MANAGED_BY_VALUE, LABEL_PART_OF, LABEL_PODCLIQUE, LABEL_PODGANG } from '../../lib/grove/labels';
import { mulberry32 } from '../../lib/random';
import { clusterStateFromSnapshot, kubeList } from '../../lib/topology/snapshot';
import { DEFAULT_TEST_TOPOLOGY, nodesFromTopologySpec, topologyBindingFromSpec, type TopologySpec } from '../../lib/topology/spec';

const KEYS = DEFAULT_TEST_TOPOLOGY.levels.map((l) => l.key);

function spec(zonePrefix: string, blocks: number, racks: number, hosts: number): TopologySpec {
  return {
    ...DEFAULT_TEST_TOPOLOGY,
    name: 'bench',
    levels: [
      { domain: 'zone', key: KEYS[0]!, fanOut: 1, valuePrefix: zonePrefix },
      { domain: 'block', key: KEYS[1]!, fanOut: blocks, valuePrefix: 'b' },
      { domain: 'rack', key: KEYS[2]!, fanOut: racks, valuePrefix: 'r' },
      { domain: 'host', key: KEYS[3]!, fanOut: hosts, valuePrefix: 'n' },
    ],
    nvlinkDomain: 'rack',
    gpusPerNode: 8,
    nodeNamePrefix: `${zonePrefix}-`,
  };
}

export function benchCluster(gpus: 10_000 | 100_000, seed = 1): ClusterState {
  const specs = gpus === 10_000 ? [spec('za', 5, 10, 25)] : [spec('za', 10, 25, 25), spec('zb', 10, 25, 25)];
  const state = clusterStateFromSnapshot(kubeList([...specs.flatMap((s) => nodesFromTopologySpec(s)), topologyBindingFromSpec(specs[0]!)]));
  const random = mulberry32(seed);
  const pods: PodInfo[] = [];
  state.nodes.forEach((node, i) => {
    // 0, 1 or 2 pods of 4 GPUs: half the GPUs used on average.
    const count = Math.floor(random() * 3);
    for (let k = 0; k < count; k++) pods.push(benchPod(`w${Math.floor(random() * 40)}`, `p${i}-${k}`, node.name, 4));
  });
  return { ...state, pods };
}

export function benchPod(workload: string, name: string, node: string, gpus: number): PodInfo {
  return {
    namespace: 'bench',
    name: `${workload}-${name}`,
    nodeName: node,
    labels: { [LABEL_MANAGED_BY]: LABEL_MANAGED_BY_VALUE, [LABEL_PART_OF]: workload, [LABEL_PODGANG]: `${workload}-0`, [LABEL_PODCLIQUE]: `${workload}-0-worker` },
    requests: { gpu: gpus, cpuMilli: 1000, memory: 2 ** 30, pods: 1 },
    phase: 'Running',
    terminal: false,
  };
}

/** The state with pods added on free GPUs until `share` of all GPUs changed hands (a 1% update). */
export function withUpdate(state: ClusterState, share: number, seed = 2): ClusterState {
  const total = state.nodes.reduce((s, n) => s + n.allocatable.gpu, 0);
  const used = new Map<string, number>();
  for (const p of state.pods) used.set(p.nodeName!, (used.get(p.nodeName!) ?? 0) + p.requests.gpu);
  const random = mulberry32(seed);
  const added: PodInfo[] = [];
  let changed = 0;
  const order = state.nodes.map((_, i) => i).sort(() => random() - 0.5);
  for (const i of order) {
    if (changed >= total * share) break;
    const node = state.nodes[i]!;
    const free = node.allocatable.gpu - (used.get(node.name) ?? 0);
    if (free < 4) continue;
    added.push(benchPod('update', `u${i}`, node.name, 4));
    changed += 4;
  }
  return { ...state, pods: [...state.pods, ...added] };
}
