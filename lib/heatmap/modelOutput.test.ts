/**
 * Guards the heatmap model's output while its code is made faster: the order, cells and statistics
 * keep their invariants on random small clusters (fast-check), and the whole model — every field,
 * typed arrays and maps included — hashes to what the code gave before the speed work.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { ClusterState, NodeInfo, PodInfo } from '../cluster/state';
import type { Taint } from '../grove/core';
import { LABEL_MANAGED_BY, LABEL_MANAGED_BY_VALUE, LABEL_PART_OF, LABEL_PODCLIQUE, LABEL_PODGANG } from '../grove/labels';
import { makeNode } from '../placement/testkit';
import { mulberry32 } from '../random';
import { clusterStateFromSnapshot, snapshotFromTopologySpec } from '../topology/snapshot';
import { DEFAULT_TEST_TOPOLOGY, GPU_CLIQUE_LABEL } from '../topology/spec';
import { naturalCompare, UNLABELLED } from '../topology/tree';
import { buildHeatmapModel, type HeatmapModel, type ModelOptions } from './model';

const LEVELS = [
  { domain: 'zone', key: 'topology.kubernetes.io/zone' },
  { domain: 'block', key: 'topology.kubernetes.io/block' },
  { domain: 'rack', key: 'topology.kubernetes.io/rack' },
];
const CLIQUE_CLUSTERS = ['0b2a5c1e-aaaa', '0b2a5c1e-bbbb', 'ffff'];

/** The pod's PodClique's last word, as a role: enough to give the model roles to collect. */
const roleOf = (pod: PodInfo): string | undefined => pod.labels[LABEL_PODCLIQUE]?.split('-').pop();

/**
 * `count` pods on random nodes of `nodeNames` (or on none, or on a node that does not exist), Grove's or
 * not, some terminal or terminating, asking 0–5 GPUs: more than a node has, at times.
 */
function randomPods(random: () => number, nodeNames: readonly string[], count: number): PodInfo[] {
  const int = (n: number) => Math.floor(random() * n);
  const chance = (p: number) => random() < p;
  const pick = <T,>(items: readonly T[]): T => items[int(items.length)]!;
  const pods: PodInfo[] = [];
  const keys = new Set<string>();
  for (let i = 0; i < count; i++) {
    const namespace = pick(['a', 'b']);
    const name = `p${int(Math.max(30, 2 * count))}`;
    if (keys.has(`${namespace}/${name}`)) continue;
    keys.add(`${namespace}/${name}`);
    const workload = `w${int(5)}`;
    const phase = pick(['Running', 'Pending', undefined]);
    pods.push({
      namespace,
      name,
      ...(chance(0.8) ? { nodeName: chance(0.05) ? 'not-a-node' : pick(nodeNames) } : {}),
      labels: chance(0.6)
        ? { [LABEL_MANAGED_BY]: LABEL_MANAGED_BY_VALUE, [LABEL_PART_OF]: workload, [LABEL_PODGANG]: `${workload}-0`, [LABEL_PODCLIQUE]: `${workload}-0-${pick(['prefill', 'decode', 'router'])}` }
        : {},
      requests: { gpu: int(6), cpuMilli: 1000, memory: 1, pods: 1 },
      ...(phase ? { phase } : {}),
      terminal: chance(0.1),
      ...(chance(0.1) ? { terminating: true } : {}),
    });
  }
  return pods;
}

/**
 * A small random cluster and model options, a pure function of the seed (mulberry32, so the golden
 * hashes below do not depend on fast-check's version): 0–3 binding levels, NVLink cliques or not, labels
 * missing, the same values under different parents, names whose natural order is not their code-unit
 * order (node-2, node-10, node-02, 7), nodes without GPUs, cordoned, NotReady, tainted (a dedicated pool,
 * a taint on every node, a status taint), pods as randomPods makes them, hidden levels, screen shapes.
 */
function randomCluster(seed: number): { state: ClusterState; options: ModelOptions } {
  const random = mulberry32(seed);
  const int = (n: number) => Math.floor(random() * n);
  const chance = (p: number) => random() < p;
  const pick = <T,>(items: readonly T[]): T => items[int(items.length)]!;
  const levels = LEVELS.filter(() => chance(0.6));
  const cliques = chance(0.5);
  const everyNodeTainted = chance(0.2);
  const nodes: NodeInfo[] = [];
  const names = new Set<string>();
  for (let i = int(32); i > 0; i--) {
    const name = pick([`node-${int(12)}`, `node-0${int(12)}`, `rack${int(3)}-node-${int(12)}`, `${int(20)}`, `gpu-${int(3)}a`, `Node-${int(12)}`]);
    if (names.has(name)) continue;
    names.add(name);
    const labels: Record<string, string> = {};
    for (const level of levels) if (!chance(0.15)) labels[level.key] = `${level.domain[0]}${pick(['', '-', '-0'])}${int(4)}`;
    if (cliques && !chance(0.1)) labels[GPU_CLIQUE_LABEL] = `${pick(CLIQUE_CLUSTERS)}.${int(3)}`;
    const taints: Taint[] = [];
    if (everyNodeTainted) taints.push({ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' });
    if (chance(0.15)) taints.push({ key: 'pool', value: pick(['a', 'b']), effect: pick(['NoSchedule', 'NoExecute', 'PreferNoSchedule']) });
    if (chance(0.1)) taints.push({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' });
    nodes.push(makeNode(name, { gpu: pick([0, 1, 3, 4, 8, 8]), labels, taints, unschedulable: chance(0.1), ready: !chance(0.1) }));
  }
  const state: ClusterState = { nodes, pods: randomPods(random, [...names], int(40)), topologies: chance(0.1) ? [] : [{ name: 't', levels }] };
  const options: ModelOptions = {
    hiddenLevels: [...LEVELS.map((l) => l.domain), 'nvlink'].filter(() => chance(0.3)),
    ...(chance(0.3) ? { screenAspect: pick([0.5, 1.8, 6]) } : {}),
    roleOf,
  };
  return { state, options };
}

/** About 10k GPUs (2 zones × 4 blocks × 8 racks × 20 nodes of 8 GPUs), a few hundred random pods on them. */
function largeCluster(): ClusterState {
  const spec = {
    ...DEFAULT_TEST_TOPOLOGY,
    levels: DEFAULT_TEST_TOPOLOGY.levels.map((level, l) => ({ ...level, fanOut: [2, 4, 8, 20][l]! })),
  };
  const state = clusterStateFromSnapshot(snapshotFromTopologySpec(spec));
  const nodes = state.nodes.map((node, i) => (i % 97 === 5 ? { ...node, unschedulable: true } : node));
  return { ...state, nodes, pods: randomPods(mulberry32(7), nodes.map((n) => n.name), 1500) };
}

/** Every field of the model as JSON (typed arrays and maps as arrays), the signature read. */
function modelJson(model: HeatmapModel): string {
  const { layout } = model;
  return JSON.stringify({
    ...model,
    layout: {
      ...layout,
      signature: layout.signature,
      levels: layout.levels.map((level) => ({ ...level, labels: level.labels && [...level.labels] })),
      cellX: Array.from(layout.cellX),
      cellY: Array.from(layout.cellY),
      cellNode: Array.from(layout.cellNode),
      cellGpu: Array.from(layout.cellGpu),
    },
    cellPod: Array.from(model.cellPod),
    cellStatus: Array.from(model.cellStatus),
    nodeStatus: Array.from(model.nodeStatus),
    nodeTaints: [...model.nodeTaints],
  });
}

const hashOf = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** Natural order of two label values, a missing label last (the order frames and nodes are in). */
function compareValues(a: string, b: string): number {
  if (a === b) return 0;
  if (a === UNLABELLED) return 1;
  if (b === UNLABELLED) return -1;
  return naturalCompare(a, b);
}

/** The invariants every model keeps, whatever the code that builds it. */
function checkModel(model: HeatmapModel, state: ClusterState): void {
  const { layout } = model;
  // Nodes in natural order of their visible values, level by level, then of their names.
  for (let n = 1; n < layout.nodes.length; n++) {
    const [a, b] = [layout.nodes[n - 1]!, layout.nodes[n]!];
    let order = 0;
    for (const level of layout.visibleLevels) if ((order = compareValues(a.domains[level]!, b.domains[level]!)) !== 0) break;
    expect(order || naturalCompare(a.name, b.name), `${a.name} before ${b.name}`).toBeLessThan(0);
  }
  // Every node's cells are its own, in GPU order; every cell belongs to one node.
  let cells = 0;
  layout.nodes.forEach((box, n) => {
    expect(state.nodes[box.stateIndex]!.name).toBe(box.name);
    expect(box.firstCell).toBe(cells);
    for (let g = 0; g < box.gpus; g++) {
      expect(layout.cellNode[box.firstCell + g]).toBe(n);
      expect(layout.cellGpu[box.firstCell + g]).toBe(g);
    }
    cells += box.gpus;
  });
  expect(layout.cellCount).toBe(cells);
  // A held cell is in its pod's range, on its pod's node.
  for (let c = 0; c < layout.cellCount; c++) {
    const p = model.cellPod[c]!;
    if (p < 0) continue;
    const pod = model.pods[p]!;
    expect(c - pod.firstCell).toBeGreaterThanOrEqual(0);
    expect(c - pod.firstCell).toBeLessThan(pod.cellCount);
    expect(layout.nodes[layout.cellNode[c]!]!.name).toBe(pod.node);
  }
  // Frame and total statistics are the sums over their nodes' cells.
  const statsOf = (nodeStart: number, nodeEnd: number) => {
    const stats = { gpus: 0, used: 0, free: 0, unavailable: 0, tainted: 0 };
    for (let n = nodeStart; n < nodeEnd; n++) {
      const box = layout.nodes[n]!;
      for (let c = box.firstCell; c < box.firstCell + box.gpus; c++) {
        stats.gpus++;
        if (model.cellPod[c]! >= 0) stats.used++;
        else if (model.cellStatus[c] === 3) stats.unavailable++;
        else stats.free++;
        if (model.cellPod[c]! < 0 && model.cellStatus[c] === 4) stats.tainted++;
      }
    }
    return stats;
  };
  layout.frames.forEach((frame, f) => {
    expect(model.frameStats[f]).toEqual(statsOf(frame.nodeStart, frame.nodeEnd));
    expect(frame.gpus).toBe(model.frameStats[f]!.gpus);
  });
  expect(model.totals).toEqual({ ...statsOf(0, layout.nodes.length), nodes: layout.nodes.length });
}

describe('heatmap model output', () => {
  test('property: random small clusters keep the order, cell and statistics invariants', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const { state, options } = randomCluster(seed);
        checkModel(buildHeatmapModel(state, options), state);
      }),
      { numRuns: 300 },
    );
  });

  test('property: names and values ending in long or zero-padded numbers (n7, n07, n0000000000000000007) come in natural order', () => {
    const numbered = fc.tuple(fc.constantFrom('', 'n', 'n-', 'rack-1-n', 'x9y'), fc.stringMatching(/^[0-9]{1,20}$/)).map(([stem, digits]) => stem + digits);
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(numbered, numbered), { selector: ([name]) => name, maxLength: 40 }), (specs) => {
        const state: ClusterState = {
          nodes: specs.map(([name, rack]) => makeNode(name, { gpu: 1, labels: { [LEVELS[2]!.key]: rack } })),
          pods: [],
          topologies: [{ name: 't', levels: [LEVELS[2]!] }],
        };
        checkModel(buildHeatmapModel(state), state);
      }),
      { numRuns: 300 },
    );
  });

  test('the whole model is what it was before the speed work (golden hashes)', () => {
    // Produced by this test's own modelJson + hashOf on the code at a50f325 (before the model was
    // made faster), with the expectations printed instead of asserted. A change here is a change of
    // the model's output: deliberate only, with the reason in the commit.
    const seeded = Array.from({ length: 200 }, (_, seed) => {
      const { state, options } = randomCluster(seed);
      return hashOf(modelJson(buildHeatmapModel(state, options)));
    });
    const large = largeCluster();
    checkModel(buildHeatmapModel(large), large);
    expect({
      seeded: hashOf(seeded.join(',')),
      large: hashOf(modelJson(buildHeatmapModel(large))),
      largeRackHidden: hashOf(modelJson(buildHeatmapModel(large, { hiddenLevels: ['rack'], roleOf }))),
      largeFlat: hashOf(modelJson(buildHeatmapModel(large, { hiddenLevels: ['zone', 'block', 'rack', 'nvlink'], screenAspect: 4 }))),
    }).toEqual({ seeded: 'b55f16508b1c4bc7', large: 'ea2711fcc62e24c4', largeRackHidden: '8753ba5186090b41', largeFlat: '4b4b6c01a649b53d' });
  });
});
