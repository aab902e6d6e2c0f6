/**
 * Saturation: fill KAI's test shape (4 zones × 8 blocks × 8 racks × 2 nodes × 8 GPUs = 4,096 GPUs) with a
 * seeded stream of mixed PodCliqueSets, one gang at a time (each placed gang's pods become existing pods),
 * until the first gang is rejected. Same stream for every placer. Measured per placer: GPUs placed, the
 * share of placed gangs inside their preferred domains, the GPUs left free but unusable at the rejection,
 * and the verifier's findings on the whole run.
 */
import type { ClusterState } from '../lib/cluster/state';
import type { ExpandedGang } from '../lib/grove/gang';
import type { GangPlacement } from '../lib/placement/plan';
import { nodeDomainPath, verifyPlan } from '../lib/placement/verify';
import type { Placer } from './baselines/common';
import { gangGpus } from './baselines/common';
import { buildCluster, GI, resources, totalGpus } from './lib/cluster';
import { insidePreferred, nodeIndex, round, spreadCost, withPlan } from './lib/metrics';
import { gangsOf, type CliqueSpec, type PcsSpec } from './lib/pcs';
import { rng, type Rng } from './lib/prng';

export function kaiShape(): ClusterState {
  return buildCluster({
    topologyName: 'kai-test',
    levels: [
      { domain: 'zone', key: 'kubernetes.io/zone', fanOut: 4 },
      { domain: 'block', key: 'kubernetes.io/block', fanOut: 8 },
      { domain: 'rack', key: 'kubernetes.io/rack', fanOut: 8 },
    ],
    nodesPerLeaf: 2,
    hostLevel: true,
    node: resources(8, 128_000, 1024 * GI, 110),
  });
}

const clique = (name: string, replicas: number, gpu: number, extra: Partial<CliqueSpec> = {}): CliqueSpec => ({
  name, replicas, gpu, cpu: gpu > 0 ? String(4 * gpu) : '4', memory: `${gpu > 0 ? 32 * gpu : 16}Gi`, ...extra,
});

/** Preferred level for a set of `gpus`: the narrowest level that holds it in an empty cluster. */
const preferFor = (gpus: number): { preferred?: string } => (gpus <= 8 ? { preferred: 'host' } : gpus <= 16 ? { preferred: 'rack' } : {});

/**
 * One PodCliqueSet of the stream: 1–64 GPUs, required rack/block, preferred rack/host.
 * - `mixed` (the issue's goal stream): serving and training gangs alike.
 * - `large`: only disaggregated serving and training (informative).
 * - `inference`: inference stacks only, with the multi-node kinds large-model serving has on 8-GPU nodes:
 *   single-node replicas, two-clique stacks, disaggregated serving, a model split over nodes (TP8 × PP2
 *   = one whole rack, required rack; PP4 = 32 GPUs, required block) and wide expert-parallel
 *   disaggregated serving (prefill workers of 2 × 8 GPUs each required in one rack, one decode worker of
 *   4 × 8 GPUs, all in one block). Added to check whether larger, whole-rack gangs leave a placer more
 *   room over the greedy than the issue's stream does (informative; the goal line stays on `mixed`).
 */
export type StreamMix = 'mixed' | 'large' | 'inference';
const MIXES = {
  mixed: [['single', 30], ['pair', 20], ['disagg', 25], ['training', 25]],
  large: [['disagg', 50], ['training', 50]],
  inference: [['single', 35], ['pair', 15], ['disagg', 25], ['multinode', 15], ['wide', 10]],
} as const;

export function streamPcs(r: Rng, i: number, mix: StreamMix = 'mixed'): PcsSpec {
  const name = `w${i}`;
  const kind = r.weighted(MIXES[mix]);
  if (kind === 'single') {
    const gpu = r.pick([1, 2, 4, 8]);
    const n = r.int(1, 8 / gpu);
    return { name, topologyName: 'kai-test', pack: { required: 'rack', ...preferFor(n * gpu) }, cliques: [clique('main', n, gpu)] };
  }
  if (kind === 'pair') {
    const a = r.pick([2, 4, 8]);
    const b = r.pick([2, 4, 8]);
    const na = r.int(1, Math.max(1, Math.floor(8 / a)));
    const nb = r.int(1, Math.max(1, Math.floor((16 - na * a) / b)));
    return {
      name, topologyName: 'kai-test', pack: { required: 'rack', ...preferFor(na * a + nb * b) },
      cliques: [clique('prefill', na, a, { pack: preferFor(na * a) }), clique('decode', nb, b, { pack: preferFor(nb * b) })],
    };
  }
  if (kind === 'disagg') {
    const prefill = r.int(1, 2);
    const dg = r.pick([4, 8]);
    const dn = r.int(1, 16 / dg);
    const replicas = r.int(1, 3);
    const minAvailable = r.int(1, replicas);
    return {
      name, topologyName: 'kai-test', pack: { required: 'block' },
      cliques: [
        clique('router', r.int(1, 2), 0),
        clique('prefill', prefill, 8, { pack: preferFor(prefill * 8) }),
        clique('decode', dn, dg),
      ],
      scalingGroups: [{ name: 'dec', cliqueNames: ['decode'], replicas, minAvailable, pack: { required: 'rack', ...preferFor(dn * dg) } }],
    };
  }
  if (kind === 'multinode') {
    const workers = r.pick([1, 3]);
    return {
      name, topologyName: 'kai-test', pack: workers === 1 ? { required: 'rack' } : { required: 'block' },
      cliques: [clique('leader', 1, 8), clique('worker', workers, 8)],
    };
  }
  if (kind === 'wide') {
    const prefillWorkers = r.int(1, 2);
    return {
      name, topologyName: 'kai-test', pack: { required: 'block' },
      cliques: [clique('frontend', 1, 0), clique('prefill', 2, 8), clique('decode', 4, 8)],
      scalingGroups: [{ name: 'pre', cliqueNames: ['prefill'], replicas: prefillWorkers, minAvailable: prefillWorkers, pack: { required: 'rack' } }],
    };
  }
  const workers = r.int(1, 7);
  const total = 8 * (1 + workers);
  return {
    name, topologyName: 'kai-test', pack: { required: 'block', ...preferFor(total) },
    cliques: [clique('leader', 1, 8), clique('worker', workers, 8, { pack: preferFor(workers * 8) })],
  };
}

export interface SaturationResult {
  placer: string;
  gangsPlaced: number;
  gpusPlaced: number;
  utilisation: number;
  gangsWithPreference: number;
  insidePreferred: number;
  preferredShare: number;
  meanSpreadCost: number;
  freeUnusableGpus: number;
  rejected?: { gang: string; gpus: number; reason: string };
  /** Where the free GPUs are at the rejection: per level, domains with any free GPU and the largest free amount. */
  freeByLevel: Record<string, { domainsWithFree: number; maxFree: number }>;
  violations: number;
  violationsByRule: Record<string, number>;
  ms: number;
}

export function saturate(placerName: string, place: Placer, seed: number, mix: StreamMix = 'mixed', maxGangs = 5000): SaturationResult {
  const t0 = performance.now();
  const initial = kaiShape();
  const nodes = nodeIndex(initial);
  const r = rng(seed);
  let state = initial;
  const gangs: ExpandedGang[] = [];
  const placements: GangPlacement[] = [];
  let rejected: SaturationResult['rejected'];
  let withPref = 0;
  let inside = 0;
  let cost = 0;
  stream: for (let i = 0; gangs.length < maxGangs; i++) {
    for (const gang of gangsOf(streamPcs(r, i, mix))) {
      const plan = place(state, [gang]);
      const gp = plan.gangs.find((g) => g.name === gang.name) ?? { name: gang.name, placed: false, reason: 'missing from plan', domains: {}, pods: [] };
      gangs.push(gang);
      placements.push(gp);
      if (!gp.placed) {
        rejected = { gang: gang.name, gpus: gangGpus(gang), reason: gp.reason ?? '' };
        break stream;
      }
      state = withPlan(state, [gang], { feasible: true, gangs: [gp] });
      const ins = insidePreferred(initial, gang, gp, nodes);
      if (ins !== undefined) (withPref++, ins && inside++);
      cost += spreadCost(initial, gang, gp, nodes);
    }
  }
  const ms = performance.now() - t0;
  const usedOn = new Map<string, number>();
  for (const p of state.pods) if (p.nodeName) usedOn.set(p.nodeName, (usedOn.get(p.nodeName) ?? 0) + p.requests.gpu);
  const freeByLevel: SaturationResult['freeByLevel'] = {};
  const levels = initial.topologies[0]!.levels;
  levels.forEach((level, depth) => {
    // Per domain, i.e. per label path (rack-1 of zone z0 and of zone z1 are two).
    const free = new Map<string, number>();
    for (const n of initial.nodes) {
      const v = nodeDomainPath(n.labels, levels.slice(0, depth + 1)) ?? `\u0000${n.name}`;
      free.set(v, (free.get(v) ?? 0) + n.allocatable.gpu - (usedOn.get(n.name) ?? 0));
    }
    const xs = [...free.values()];
    freeByLevel[level.domain] = { domainsWithFree: xs.filter((x) => x > 0).length, maxFree: Math.max(0, ...xs) };
  });
  const violations = verifyPlan(initial, gangs, { feasible: rejected === undefined, gangs: placements });
  const byRule: Record<string, number> = {};
  for (const v of violations) byRule[v.rule] = (byRule[v.rule] ?? 0) + 1;
  const gpusPlaced = placements.reduce((s, g) => s + (g.placed ? g.pods.reduce((t, p) => t + p.gpus, 0) : 0), 0);
  const total = totalGpus(initial);
  const placedCount = placements.filter((g) => g.placed).length;
  return {
    placer: placerName,
    gangsPlaced: placedCount,
    gpusPlaced,
    utilisation: round(gpusPlaced / total, 4),
    gangsWithPreference: withPref,
    insidePreferred: inside,
    preferredShare: withPref ? round(inside / withPref, 4) : 1,
    meanSpreadCost: placedCount ? round(cost / placedCount, 4) : 0,
    freeUnusableGpus: total - gpusPlaced,
    ...(rejected ? { rejected } : {}),
    freeByLevel,
    violations: violations.length,
    violationsByRule: byRule,
    ms: round(ms, 1),
  };
}

/**
 * An upper bound on what ANY placer can place on a seed's stream before its first rejection. Every placer
 * rejects, at the latest, the first gang whose all-or-nothing core (minReplicas pods) takes the cores so
 * far past the cluster's GPUs; before it, a placer holds at most the GPUs of the gangs before it (optional
 * pods included) and never more than the cluster. Topology, node boundaries and the order of arrival only
 * lower the real optimum, so the bound is loose: the headroom over a baseline is at most bound / baseline − 1.
 */
export function streamBound(seed: number, mix: StreamMix = 'mixed', capacity = totalGpus(kaiShape())): number {
  const r = rng(seed);
  let cores = 0;
  let all = 0;
  for (let i = 0; ; i++) {
    for (const gang of gangsOf(streamPcs(r, i, mix))) {
      cores += gangGpus(gang);
      if (cores > capacity) return Math.min(all, capacity);
      all += gangGpus(gang, false);
    }
  }
}

export interface SaturationReport {
  mix: StreamMix;
  seeds: number[];
  totalGpus: number;
  /** streamBound per seed, and summed over seeds. */
  bounds: number[];
  boundTotal: number;
  runs: SaturationResult[];
  /** Per placer, summed over seeds. */
  totals: Record<string, { gpusPlaced: number; gangsPlaced: number; gangsWithPreference: number; insidePreferred: number; preferredShare: number; freeUnusableGpus: number; violations: number }>;
}

export function runSaturation(placers: [string, Placer][], seeds: number[], mix: StreamMix = 'mixed', progress?: (msg: string) => void): SaturationReport {
  const runs: SaturationResult[] = [];
  for (const seed of seeds) {
    for (const [name, place] of placers) {
      const res = saturate(name, place, seed, mix);
      runs.push(res);
      progress?.(`${mix} seed ${seed} ${name}: ${res.gpusPlaced} GPUs, ${res.gangsPlaced} gangs, preferred ${res.insidePreferred}/${res.gangsWithPreference}, ${res.violations} violations (${res.ms} ms)`);
    }
  }
  const totals: SaturationReport['totals'] = {};
  for (const r of runs) {
    const t = (totals[r.placer] ??= { gpusPlaced: 0, gangsPlaced: 0, gangsWithPreference: 0, insidePreferred: 0, preferredShare: 0, freeUnusableGpus: 0, violations: 0 });
    t.gpusPlaced += r.gpusPlaced;
    t.gangsPlaced += r.gangsPlaced;
    t.gangsWithPreference += r.gangsWithPreference;
    t.insidePreferred += r.insidePreferred;
    t.freeUnusableGpus += r.freeUnusableGpus;
    t.violations += r.violations;
  }
  for (const t of Object.values(totals)) t.preferredShare = t.gangsWithPreference ? round(t.insidePreferred / t.gangsWithPreference, 4) : 1;
  const bounds = seeds.map((seed) => streamBound(seed, mix));
  const sum = (placer: string) => totals[placer]?.gpusPlaced ?? 0;
  progress?.(`${mix}: GPUs placed over ${seeds.length} seeds: ${Object.keys(totals).map((p) => `${p} ${sum(p)}`).join(', ')}; stream bound (no placer can exceed) ${bounds.reduce((s, x) => s + x, 0)}`);
  return { mix, seeds, totalGpus: totalGpus(kaiShape()), bounds, boundTotal: bounds.reduce((s, x) => s + x, 0), runs, totals };
}
