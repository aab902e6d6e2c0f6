/**
 * Small builders of ClusterState and ExpandedGang for placement tests, benchmarks and demos.
 * Pure data; nothing here is used by the engine itself.
 */
import type { ClusterState, NodeInfo, PodInfo, PodSchedulingRequirements, Resources, TopologyInfo } from '../cluster/state';
import type { Taint } from '../grove/core';
import type { ExpandedGang, ExpandedPodGroup, GangTopologyConstraint } from '../grove/gang';

export const GiB = 2 ** 30;

export interface NodeOptions {
  gpu?: number;
  cpuMilli?: number;
  memory?: number;
  pods?: number;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
  ready?: boolean;
}

export function makeNode(name: string, o: NodeOptions = {}): NodeInfo {
  return {
    name,
    labels: { 'kubernetes.io/hostname': name, ...(o.labels ?? {}) },
    allocatable: { gpu: o.gpu ?? 8, cpuMilli: o.cpuMilli ?? 128_000, memory: o.memory ?? 1024 * GiB, pods: o.pods ?? 110 },
    taints: o.taints ?? [],
    unschedulable: o.unschedulable ?? false,
    ready: o.ready ?? true,
  };
}

export const LEVEL_KEYS: Record<string, string> = {
  zone: 'topology.kubernetes.io/zone',
  block: 'topology.kubernetes.io/block',
  rack: 'topology.kubernetes.io/rack',
  host: 'kubernetes.io/hostname',
};

export function topologyOf(name: string, domains: string[]): TopologyInfo {
  return { name, levels: domains.map((domain) => ({ domain, key: LEVEL_KEYS[domain] ?? `example.com/${domain}` })) };
}

/**
 * A nested cluster: fanOut[i] children per level-i domain; the last level is the node. Values are
 * `<domain>-<index>` with a global index per level (zone-0, block-3, rack-11, node-042).
 */
export function nestedCluster(domains: string[], fanOut: number[], o: NodeOptions = {}, topologyName = 'grove-topology'): ClusterState {
  const total = fanOut.reduce((a, b) => a * b, 1);
  const nodes: NodeInfo[] = [];
  const width = String(total - 1).length;
  for (let i = 0; i < total; i++) {
    const labels: Record<string, string> = {};
    let span = total;
    domains.forEach((domain, l) => {
      span /= fanOut[l]!;
      labels[LEVEL_KEYS[domain] ?? `example.com/${domain}`] = `${domain}-${Math.floor(i / span)}`;
    });
    const name = `node-${String(i).padStart(width, '0')}`;
    nodes.push(makeNode(name, { ...o, labels: { ...labels, ...(o.labels ?? {}) } }));
  }
  return { nodes, pods: [], topologies: [topologyOf(topologyName, [...domains, 'host'])] };
}

/** Grove's e2e hierarchy, which does not nest: zone-<i/28>, block-<i/20>, rack-<i/7>. */
export function groveE2eCluster(count: number, o: NodeOptions = {}): ClusterState {
  const nodes: NodeInfo[] = [];
  for (let i = 0; i < count; i++) {
    nodes.push(
      makeNode(`worker-${i}`, {
        ...o,
        labels: {
          'kubernetes.io/zone': `zone-${Math.floor(i / 28)}`,
          'kubernetes.io/block': `block-${Math.floor(i / 20)}`,
          'kubernetes.io/rack': `rack-${Math.floor(i / 7)}`,
          ...(o.labels ?? {}),
        },
      }),
    );
  }
  return {
    nodes,
    pods: [],
    topologies: [
      {
        name: 'grove-topology',
        levels: [
          { domain: 'zone', key: 'kubernetes.io/zone' },
          { domain: 'block', key: 'kubernetes.io/block' },
          { domain: 'rack', key: 'kubernetes.io/rack' },
          { domain: 'host', key: 'kubernetes.io/hostname' },
        ],
      },
    ],
  };
}

/** A running pod that holds `gpu` GPUs (and a little CPU/memory) on a node, in namespace `default` unless `extra` names another. */
export function boundPod(name: string, nodeName: string, gpu: number, extra: Partial<Resources> & { namespace?: string } = {}, terminal = false): PodInfo {
  return {
    namespace: extra.namespace ?? 'default',
    name,
    nodeName,
    labels: {},
    requests: { gpu, cpuMilli: extra.cpuMilli ?? 1000, memory: extra.memory ?? GiB, pods: extra.pods ?? 1 },
    phase: terminal ? 'Succeeded' : 'Running',
    terminal,
  };
}

export interface GroupSpec {
  clique: string;
  replicas: number;
  min?: number;
  gpu?: number;
  cpuMilli?: number;
  memory?: number;
  constraint?: GangTopologyConstraint;
  scheduling?: PodSchedulingRequirements;
  scalingGroup?: { name: string; replicaIndex: number };
}

export interface GangSpec {
  name?: string;
  constraint?: GangTopologyConstraint;
  topologyName?: string;
  groups: GroupSpec[];
  /** Group configs by clique names: { name, cliques, constraint }. */
  configs?: { name: string; cliques: string[]; constraint?: GangTopologyConstraint }[];
}

export function makeGang(spec: GangSpec): ExpandedGang {
  const name = spec.name ?? 'pcs-0';
  const podGroups: ExpandedPodGroup[] = spec.groups.map((g) => {
    const full = `${name}-${g.clique}`;
    return {
      name: full,
      clique: g.clique,
      minReplicas: g.min ?? g.replicas,
      ...(g.constraint ? { topologyConstraint: g.constraint } : {}),
      ...(g.scalingGroup ? { scalingGroup: g.scalingGroup } : {}),
      pods: Array.from({ length: g.replicas }, (_, i) => ({
        name: `${full}-${i}`,
        namespace: 'default',
        podIndex: i,
        podClique: full,
        clique: g.clique,
        labels: {},
        requests: { gpu: g.gpu ?? 8, cpuMilli: g.cpuMilli ?? 1000, memory: g.memory ?? GiB, pods: 1 },
        scheduling: g.scheduling ?? {},
      })),
    };
  });
  return {
    name,
    namespace: 'default',
    podCliqueSet: name.replace(/-\d+$/, ''),
    pcsIndex: 0,
    base: true,
    ...(spec.topologyName ? { topologyName: spec.topologyName } : {}),
    ...(spec.constraint ? { topologyConstraint: spec.constraint } : {}),
    groupConfigs: (spec.configs ?? []).map((c) => ({
      name: c.name,
      podGroupNames: c.cliques.map((q) => `${name}-${q}`),
      ...(c.constraint ? { topologyConstraint: c.constraint } : {}),
    })),
    podGroups,
    labels: {},
  };
}
