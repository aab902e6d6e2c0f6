/** Synthetic clusters for the benchmarks: a regular hierarchy of labelled nodes plus existing pods. */
import type { ClusterState, NodeInfo, PodInfo, Resources } from '../../lib/cluster/state';

export const HOSTNAME_KEY = 'kubernetes.io/hostname';
export const GI = 1024 ** 3;

export interface LevelShape {
  domain: string;
  key: string;
  /** Children per parent (for the first level: domains in the cluster). */
  fanOut: number;
}

export interface ClusterShape {
  topologyName: string;
  /** Broadest → narrowest, above the nodes. */
  levels: LevelShape[];
  nodesPerLeaf: number;
  /** Adds `host → kubernetes.io/hostname` as the narrowest topology level. */
  hostLevel: boolean;
  node: Resources;
}

/** Nodes named `n-<path>`; label values nest (`z0`, `z0-b1`, `z0-b1-r3`) so levels nest. */
export function buildCluster(shape: ClusterShape): ClusterState {
  const nodes: NodeInfo[] = [];
  const walk = (depth: number, path: string[], labels: Record<string, string>): void => {
    const level = shape.levels[depth];
    if (!level) {
      for (let i = 0; i < shape.nodesPerLeaf; i++) {
        const name = ['n', ...path, String(i)].join('-');
        nodes.push({ name, labels: { ...labels, [HOSTNAME_KEY]: name }, allocatable: { ...shape.node }, taints: [], unschedulable: false, ready: true });
      }
      return;
    }
    for (let i = 0; i < level.fanOut; i++) {
      const p = [...path, `${level.domain[0]}${i}`];
      walk(depth + 1, p, { ...labels, [level.key]: p.join('-') });
    }
  };
  walk(0, [], {});
  const levels = shape.levels.map((l) => ({ domain: l.domain, key: l.key }));
  if (shape.hostLevel) levels.push({ domain: 'host', key: HOSTNAME_KEY });
  return { nodes, pods: [], topologies: [{ name: shape.topologyName, levels }] };
}

export function existingPod(name: string, nodeName: string, requests: Resources): PodInfo {
  return { namespace: 'bench', name, nodeName, labels: {}, requests, phase: 'Running', terminal: false };
}

export function resources(gpu: number, cpuMilli: number, memory: number, pods = 1): Resources {
  return { gpu, cpuMilli, memory, pods };
}

export function totalGpus(state: ClusterState): number {
  return state.nodes.reduce((s, n) => s + n.allocatable.gpu, 0);
}

export function usedGpus(state: ClusterState): number {
  return state.pods.reduce((s, p) => s + (p.terminal || !p.nodeName ? 0 : p.requests.gpu), 0);
}
