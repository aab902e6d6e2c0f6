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
import { verifyPlan } from '../lib/placement/verify';
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

/** One PodCliqueSet of the stream: 1–64 GPUs, required rack/block, preferred rack/host. */
export type StreamMix = 'mixed' | 'large';
const MIXES = {
  mixed: [['single', 30], ['pair', 20], ['disagg', 25], ['training', 25]],
  large: [['disagg', 50], ['training', 50]],
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
  for (const level of initial.topologies[0]!.levels) {
    const free = new Map<string, number>();
    for (const n of initial.nodes) {
      const v = n.labels[level.key] as string;
      free.set(v, (free.get(v) ?? 0) + n.allocatable.gpu - (usedOn.get(n.name) ?? 0));
    }
    const xs = [...free.values()];
    freeByLevel[level.domain] = { domainsWithFree: xs.filter((x) => x > 0).length, maxFree: Math.max(0, ...xs) };
  }
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

export interface SaturationReport {
  mix: StreamMix;
  seeds: number[];
  totalGpus: number;
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
  return { mix, seeds, totalGpus: totalGpus(kaiShape()), runs, totals };
}
