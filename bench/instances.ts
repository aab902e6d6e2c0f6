/**
 * Random small instances for the exact comparison: ≤ 32 nodes, 2–4 topology levels (sometimes with
 * label values shared by several parents, several domains of one value since a domain is a label path;
 * sometimes a node missing a label), 1–3 standalone cliques plus a scaling group, required and
 * preferred constraints at PCS / scaling-group / clique level, clique and scaling-group minAvailable,
 * existing usage, and now and then taints, cordoned or NotReady nodes, selectors and affinity.
 * Deterministic: instance k of seed s is always the same.
 */
import type { ClusterState } from '../lib/cluster/state';
import type { Toleration } from '../lib/grove/core';
import type { ExpandedGang } from '../lib/grove/gang';
import type { TopologyPack } from '../lib/grove/topology-constraint';
import { buildCluster, existingPod, GI, resources, type LevelShape } from './lib/cluster';
import { gangsOf, type CliqueSpec, type PcsSpec, type ScalingGroupSpec } from './lib/pcs';
import { rng, type Rng } from './lib/prng';

export interface ExactInstance {
  id: number;
  state: ClusterState;
  pcs: PcsSpec;
  /** The base gang of PCS replica 0, as expand builds it. */
  gang: ExpandedGang;
  tags: string[];
}

const KEYS: Record<string, string> = {
  zone: 'topology.kubernetes.io/zone',
  block: 'kubernetes.io/block',
  rack: 'kubernetes.io/rack',
};

function shape(r: Rng): { levels: LevelShape[]; hostLevel: boolean; nodesPerLeaf: number } {
  const count = r.int(2, 4);
  const hostLevel = r.chance(0.6);
  const above = ['zone', 'block', 'rack'];
  while (above.length > count - (hostLevel ? 1 : 0)) above.splice(r.int(0, above.length - 1), 1);
  for (;;) {
    const levels = above.map((d, i) => ({ domain: d, key: KEYS[d] as string, fanOut: i === 0 ? r.int(1, 4) : r.int(2, 4) }));
    const nodesPerLeaf = r.int(1, 4);
    const total = levels.reduce((p, l) => p * l.fanOut, nodesPerLeaf);
    if (total >= 4 && total <= 32) return { levels, hostLevel, nodesPerLeaf };
  }
}

function pack(r: Rng, domains: string[], pRequired: number, pPreferred: number): TopologyPack | undefined {
  const req = r.chance(pRequired) ? r.int(0, domains.length - 1) : -1;
  const pref = r.chance(pPreferred) ? r.int(Math.max(0, req), domains.length - 1) : -1;
  if (req < 0 && pref < 0) return undefined;
  return { ...(req >= 0 ? { required: domains[req] } : {}), ...(pref >= 0 ? { preferred: domains[pref] } : {}) };
}

export function exactInstance(seed: number, id: number): ExactInstance {
  const r = rng(seed * 1_000_003 + id);
  const tags: string[] = [];
  const s = shape(r);
  const gpusPerNode = r.pick([4, 8]);
  const podSlots = r.chance(0.1) ? 4 : 110;
  const state = buildCluster({ topologyName: 'topo', ...s, node: resources(gpusPerNode, r.pick([32_000, 64_000]), 512 * GI, podSlots) });
  const domains = state.topologies[0]!.levels.map((l) => l.domain);
  if (podSlots < 110) tags.push('pod-slots');

  // Label values shared by several parents (Grove's e2e hierarchy does this): each (parent, value) is its own domain.
  const inner = s.levels.slice(1);
  if (inner.length > 0 && r.chance(0.15)) {
    const level = r.pick(inner);
    const values = r.int(2, 4);
    for (const n of state.nodes) n.labels[level.key] = `x-${level.domain}-${r.int(0, values - 1)}`;
    tags.push('shared-values');
  }
  if (r.chance(0.05)) {
    const key = r.pick(state.topologies[0]!.levels).key;
    delete r.pick(state.nodes).labels[key];
    tags.push('missing-label');
  }
  for (const n of state.nodes) {
    if (r.chance(0.03)) n.unschedulable = true;
    if (r.chance(0.03)) n.ready = false;
  }
  const tainted = r.chance(0.1);
  if (tainted) {
    for (const n of state.nodes) if (r.chance(0.3)) n.taints.push({ key: 'dedicated', value: 'infer', effect: 'NoSchedule' });
    tags.push('taints');
  }
  const pools = r.chance(0.1);
  if (pools) {
    for (const n of state.nodes) n.labels.pool = r.chance(0.6) ? 'a' : 'b';
    tags.push('selector');
  }
  state.nodes.forEach((n, i) => {
    if (r.chance(0.5)) {
      const gpu = r.weighted([[0, 1], [1, 2], [2, 2], [gpusPerNode / 2, 2], [gpusPerNode, 1]] as const);
      state.pods.push(existingPod(`used-${i}`, n.name, resources(gpu, r.int(1, 16) * 1000, r.int(1, 64) * GI)));
    }
  });

  const gpuChoices = [0, 1, 2, 4, 8].filter((g) => g <= gpusPerNode);
  const clique = (name: string, maxReplicas: number): CliqueSpec => {
    const replicas = r.int(1, maxReplicas);
    const c: CliqueSpec = {
      name,
      replicas,
      minAvailable: r.chance(0.6) ? replicas : r.int(1, replicas),
      gpu: r.pick(gpuChoices),
      cpu: String(r.int(1, 8)),
      memory: `${r.int(1, 32)}Gi`,
    };
    const p = pack(r, domains, 0.3, 0.35);
    if (p) c.pack = p;
    if (tainted && r.chance(0.5)) c.tolerations = [{ key: 'dedicated', operator: 'Equal', value: 'infer', effect: 'NoSchedule' } as Toleration];
    if (pools && r.chance(0.5)) c.nodeSelector = { pool: 'a' };
    if (r.chance(0.05)) {
      const topKey = state.topologies[0]!.levels[0]!.key;
      const banned = r.pick(state.nodes).labels[topKey];
      if (banned !== undefined) c.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: topKey, operator: 'NotIn', values: [banned] }] }] } } };
      tags.push('affinity');
    }
    return c;
  };
  const standalone = Array.from({ length: r.int(1, 3) }, (_, i) => clique(`c${i}`, 4));
  const members = Array.from({ length: r.int(1, 2) }, (_, i) => clique(`s${i}`, 3));
  const sgReplicas = r.int(1, 3);
  const sg: ScalingGroupSpec = { name: 'sg', cliqueNames: members.map((m) => m.name), replicas: sgReplicas, minAvailable: r.int(1, sgReplicas) };
  const sgPack = pack(r, domains, 0.5, 0.4);
  if (sgPack) sg.pack = sgPack;
  const pcs: PcsSpec = { name: `inst${id}`, topologyName: 'topo', cliques: [...standalone, ...members], scalingGroups: [sg] };
  const pcsPack = pack(r, domains, 0.5, 0.5);
  if (pcsPack) pcs.pack = pcsPack;
  const gang = gangsOf(pcs)[0] as ExpandedGang;
  return { id, state, pcs, gang, tags: [...new Set(tags)] };
}
