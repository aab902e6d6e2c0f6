/**
 * Speed: one multi-clique PodCliqueSet (router, prefill, a 2-replica decode scaling group of leader +
 * workers; 40 GPUs, required block / preferred rack, scaling-group replicas required rack) placed on
 * 1k / 10k / 100k GPUs (125 / 1,250 / 12,500 nodes × 8 GPUs) with the cluster half full of existing pods.
 *
 * Runs in a child process pinned to one core (`taskset -c 0` pins every thread of the process, so GC and
 * compilation helpers share that core too). Median of `runs` timed calls after `warmup` calls, interleaved with the references timed
 * in the same process on the same input, so ratios compare across machines:
 *   - loop: one pass over the state that any placer must make (free GPUs per node from the pod list);
 *   - first-fit: the topology-blind baseline (bench/baselines/firstFit.ts).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ClusterState } from '../lib/cluster/state';
import type { ExpandedGang } from '../lib/grove/gang';
import { verifyPlan } from '../lib/placement/verify';
import type { Placer } from './baselines/common';
import { firstFit } from './baselines/firstFit';
import { loadEngine } from './engine';
import { buildCluster, existingPod, GI, resources } from './lib/cluster';
import { median, round } from './lib/metrics';
import { gangsOf, type PcsSpec } from './lib/pcs';
import { rng } from './lib/prng';

export const SIZES = [125, 1250, 12_500] as const;

export function speedCluster(nodes: number, seed = 7): ClusterState {
  const state = buildCluster({
    topologyName: 'speed',
    levels: [
      { domain: 'zone', key: 'topology.kubernetes.io/zone', fanOut: nodes / 125 },
      { domain: 'block', key: 'kubernetes.io/block', fanOut: 5 },
      { domain: 'rack', key: 'kubernetes.io/rack', fanOut: 5 },
    ],
    nodesPerLeaf: 5,
    hostLevel: true,
    node: resources(8, 128_000, 1024 * GI, 110),
  });
  // Exactly half the GPUs in use: each rack of 5 nodes holds 0, 2, 4, 6 and 8 used GPUs in a seeded order.
  const r = rng(seed);
  for (let i = 0; i < state.nodes.length; i += 5) {
    const used = r.shuffle([0, 2, 4, 6, 8]);
    for (let k = 0; k < 5; k++) {
      const node = state.nodes[i + k]!;
      state.pods.push(existingPod(`daemon-${node.name}`, node.name, resources(0, 500, GI)));
      if (used[k]! > 0) state.pods.push(existingPod(`job-${node.name}`, node.name, resources(used[k]!, used[k]! * 8000, used[k]! * 64 * GI)));
    }
  }
  return state;
}

export const SPEED_PCS: PcsSpec = {
  name: 'serve',
  topologyName: 'speed',
  pack: { required: 'block', preferred: 'rack' },
  cliques: [
    { name: 'router', replicas: 2, gpu: 0, cpu: '4', memory: '8Gi' },
    { name: 'prefill', replicas: 4, gpu: 4, cpu: '16', memory: '128Gi', pack: { preferred: 'rack' } },
    { name: 'leader', replicas: 1, gpu: 4, cpu: '16', memory: '128Gi' },
    { name: 'worker', replicas: 2, gpu: 4, cpu: '16', memory: '128Gi' },
  ],
  scalingGroups: [{ name: 'decode', cliqueNames: ['leader', 'worker'], replicas: 2, minAvailable: 2, pack: { required: 'rack', preferred: 'host' } }],
};

/** The minimal pass over the state: free GPUs per node, and how many nodes have at least 4. */
export function loopReference(state: ClusterState): number {
  const used = new Map<string, number>();
  for (const p of state.pods) if (!p.terminal && p.nodeName) used.set(p.nodeName, (used.get(p.nodeName) ?? 0) + p.requests.gpu);
  let fit = 0;
  for (const n of state.nodes) if (n.allocatable.gpu - (used.get(n.name) ?? 0) >= 4) fit++;
  return fit;
}

/**
 * Times several functions in interleaved rounds (a, b, c, a, b, c, …) so that a change in machine load
 * hits all of them alike and their ratios stay meaningful. Each function times itself (so untimed set-up
 * such as copying the input stays out) and returns milliseconds. Stops early once `budgetMs` is spent.
 */
function timeInterleaved(fns: (() => number)[], warmup: number, runs: number, budgetMs: number): { medianMs: number; minMs: number; runs: number }[] {
  for (let i = 0; i < warmup; i++) for (const fn of fns) fn();
  const xs: number[][] = fns.map(() => []);
  const start = performance.now();
  for (let i = 0; i < runs; i++) {
    fns.forEach((fn, k) => xs[k]!.push(fn()));
    if (performance.now() - start > budgetMs && i >= 4) break;
  }
  return xs.map((x) => ({ medianMs: round(median(x), 3), minMs: round(Math.min(...x), 3), runs: x.length }));
}

const timed = (fn: () => unknown): number => {
  const t = performance.now();
  fn();
  return performance.now() - t;
};

export interface SpeedRow {
  nodes: number;
  gpus: number;
  existingPods: number;
  engineMs: number;
  engineMinMs: number;
  engineRuns: number;
  firstFitMs: number;
  loopMs: number;
  engineOverLoop: number;
  engineOverFirstFit: number;
  placed: boolean;
  violations: number;
}

export function runSpeedHere(place: Placer, opts: { warmup: number; runs: number; budgetMs: number }): SpeedRow[] {
  const gangs: ExpandedGang[] = gangsOf(SPEED_PCS);
  return SIZES.map((nodes) => {
    const state = speedCluster(nodes);
    const plan = place(state, gangs);
    const violations = verifyPlan(state, gangs, plan).length;
    // New nodes/pods arrays per call (same objects), as a preview on a freshly received snapshot.
    const fresh = (): ClusterState => ({ ...state, nodes: [...state.nodes], pods: [...state.pods] });
    type T = { medianMs: number; minMs: number; runs: number };
    const [engine, ff, loop] = timeInterleaved(
      [
        () => {
          const s = fresh();
          return timed(() => place(s, gangs));
        },
        () => {
          const s = fresh();
          return timed(() => firstFit(s, gangs));
        },
        () => {
          const s = fresh();
          return timed(() => loopReference(s));
        },
      ],
      opts.warmup,
      opts.runs,
      opts.budgetMs,
    ) as [T, T, T];
    return {
      nodes,
      gpus: nodes * 8,
      existingPods: state.pods.length,
      engineMs: engine.medianMs,
      engineMinMs: engine.minMs,
      engineRuns: engine.runs,
      firstFitMs: ff.medianMs,
      loopMs: loop.medianMs,
      engineOverLoop: round(engine.medianMs / loop.medianMs, 2),
      engineOverFirstFit: round(engine.medianMs / ff.medianMs, 2),
      placed: plan.gangs.every((g) => g.placed),
      violations,
    };
  });
}

/** Runs the speed part in a child pinned to one core; falls back to in-process when taskset is missing. */
export function runSpeed(opts: { warmup: number; runs: number; budgetMs: number }): { pinned: string; rows: SpeedRow[] } {
  const self = fileURLToPath(import.meta.url);
  const args = ['--import', 'tsx', self, '--child', JSON.stringify(opts)];
  let r = spawnSync('taskset', ['-c', '0', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  let pinned = 'taskset -c 0 (every thread of the child on one core)';
  if (r.error || r.status !== 0) {
    r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
    pinned = `not pinned (taskset unavailable: ${r.error?.message ?? 'failed'})`;
  }
  if (r.status !== 0) throw new Error(`speed child failed: ${r.stderr}`);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return { pinned, rows: JSON.parse(line) as SpeedRow[] };
}

if (process.argv[2] === '--child') {
  const opts = JSON.parse(process.argv[3] ?? '{}') as { warmup: number; runs: number; budgetMs: number };
  const engine = await loadEngine();
  process.stdout.write(`${JSON.stringify(runSpeedHere(engine.place, opts))}\n`);
}
