/**
 * `npm run bench`: the exact comparison, the saturation run and the speed run, with a goal line each.
 * Writes test-reports/bench.json. Options: --quick (fewer instances/seeds/runs, for development),
 * --only exact|saturation|speed|fanout|heatmap (repeatable; fanout is the watch hub's fan-out, bench/fanout.ts). BENCH_ENGINE=first-fit|kai-greedy measures a baseline as
 * the engine (see bench/engine.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { firstFit } from './baselines/firstFit';
import { kaiGreedy } from './baselines/kaiGreedy';
import { loadEngine, type EngineHandle } from './engine';
import { runExact, type ExactReport } from './exact';
import { P99_LIMIT_MS, runFanout, SUBSCRIBERS, type FanoutReport } from './fanout';
import { round } from './lib/metrics';
import { runSaturation, type SaturationReport } from './saturation';
import { runSpeed, type SpeedRow } from './speed';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.flatMap((a, i) => (a === '--only' ? [args[i + 1] ?? ''] : []));
const wants = (part: string) => only.length === 0 || only.includes(part);

const t0 = performance.now();
const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
const log = (msg: string) => process.stdout.write(`[bench ${elapsed()}] ${msg}\n`);

const engine = await loadEngine();
const kai: EngineHandle = { name: 'kai-greedy', real: false, place: kaiGreedy };
const ff: EngineHandle = { name: 'first-fit', real: false, place: firstFit };
log(`engine: ${engine.name}${engine.real ? '' : ' — goals below are measured on a stand-in, not on placeGangs'}`);

interface Goal {
  goal: string;
  measured: string;
  met: boolean;
}
const goals: Goal[] = [];
const goal = (g: string, measured: string, met: boolean) => goals.push({ goal: g, measured, met });

let exact: ExactReport | undefined;
if (wants('exact')) {
  const count = quick ? 60 : 500;
  log(`exact: ${count} random instances, MILP (highs) + engine, kai-greedy, first-fit`);
  let last = performance.now();
  exact = await runExact([engine, kai, ff], {
    count,
    seed: 1,
    progress: (done, total) => {
      if (performance.now() - last > 10_000 || done === total) {
        last = performance.now();
        log(`exact: ${done}/${total} instances`);
      }
    },
  });
  const e = exact.placers[0]!;
  const feasibleCount = exact.milp.optimal;
  goal('exact: 0 violations (core, full gang, whole PCS)', `${e.violations} in ${e.instancesWithViolations} instance(s)`, e.violations === 0);
  goal('exact: feasible whenever the MILP is, ≥ 99.5%', `${(100 * e.feasibilityAgreement).toFixed(2)}% (${e.placedWhenMilpFeasible}/${feasibleCount})`, e.feasibilityAgreement >= 0.995);
  goal('exact: objective = optimum, ≥ 95%', `${(100 * e.objectiveOptimalShare).toFixed(2)}% (${e.objectiveEqual}/${e.bothFeasible}), mean excess ${e.meanExcessCost}`, e.objectiveOptimalShare >= 0.95);
  goal('exact: input state unchanged, nothing thrown', `${e.stateMutated} mutated, ${e.threw} threw`, e.stateMutated === 0 && e.threw === 0);
  goal('exact: MILP optimum passes the verifier', `${exact.milp.selfCheckViolations} violations, ${exact.milp.unknown} unsolved`, exact.milp.selfCheckViolations === 0 && exact.milp.unknown === 0);
}

const saturation: SaturationReport[] = [];
if (wants('saturation')) {
  const seeds = quick ? [1, 2] : [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  for (const mix of ['mixed', 'large', 'inference'] as const) {
    log(`saturation (${mix} stream): KAI test shape, 4,096 GPUs, seeds ${seeds.join(',')}`);
    saturation.push(runSaturation([[engine.name, engine.place], ['kai-greedy', kaiGreedy], ['first-fit', firstFit]], seeds, mix, (m) => log(m)));
  }
  const mixed = saturation[0]!;
  const te = mixed.totals[engine.name]!;
  const tk = mixed.totals['kai-greedy']!;
  const gain = te.gpusPlaced / tk.gpusPlaced - 1;
  const ceiling = (mixed.totalGpus * mixed.seeds.length) / tk.gpusPlaced - 1;
  const bound = mixed.boundTotal / tk.gpusPlaced - 1;
  goal('saturation: ≥ 5% more GPUs placed than kai-greedy', `${(100 * gain).toFixed(2)}% (${te.gpusPlaced} vs ${tk.gpusPlaced} over ${mixed.seeds.length} seeds; a full cluster would be +${(100 * ceiling).toFixed(2)}%, any placer on this stream at most +${(100 * bound).toFixed(2)}% (stream bound ${mixed.boundTotal}))`, gain >= 0.05);
  goal('saturation: ≥ 98% of gangs inside their preferred domain', `${(100 * te.preferredShare).toFixed(2)}% (${te.insidePreferred}/${te.gangsWithPreference})`, te.preferredShare >= 0.98);
  const v = saturation.reduce((s, r) => s + (r.totals[engine.name]?.violations ?? 0), 0);
  goal('saturation: 0 violations', String(v), v === 0);
}

let speed: { pinned: string; rows: SpeedRow[] } | undefined;
if (wants('speed')) {
  const opts = quick ? { warmup: 3, runs: 10, budgetMs: 10_000 } : { warmup: 5, runs: 30, budgetMs: 60_000 };
  log(`speed: 125 / 1,250 / 12,500 nodes half full, ${opts.runs} runs after ${opts.warmup} warm-up, one core`);
  speed = runSpeed(opts);
  for (const r of speed.rows) log(`speed: ${r.gpus} GPUs: engine ${r.engineMs} ms (min ${r.engineMinMs}), first-fit ${r.firstFitMs} ms, loop ${r.loopMs} ms`);
  const limits = [5, 20, 100];
  speed.rows.forEach((r, i) => goal(`speed: ${r.gpus / 1000}k GPUs ≤ ${limits[i]} ms median`, `${r.engineMs} ms (${r.engineOverLoop}× loop, ${r.engineOverFirstFit}× first-fit; placed ${r.placed}, ${r.violations} violations)`, r.engineMs <= (limits[i] as number) && r.placed && r.violations === 0));
  const [, r10, r100] = speed.rows;
  if (r10 && r100) {
    const ratio = r100.engineMs / r10.engineMs;
    goal('speed: time(100k)/time(10k) ≤ 11', `${ratio.toFixed(2)} (loop reference: ${(r100.loopMs / r10.loopMs).toFixed(2)}, first-fit: ${(r100.firstFitMs / r10.firstFitMs).toFixed(2)})`, ratio <= 11);
  }
}

let fanout: FanoutReport | undefined;
if (wants('fanout')) {
  fanout = await runFanout(log, { quick });
  const line = (r: FanoutReport['inProcess']) => {
    const top = r.stages[r.stages.length - 1];
    const failed = top && !top.sustained ? `; at ${top.targetRate}/s: ${top.achievedRate}/s, p99 ${top.p99Ms} ms, lost ${top.lost}, stores differing ${top.storesDiffering}` : '';
    return `${r.sustainedRate}/s sustained to ${SUBSCRIBERS} subscribers, p99 ${r.sustainedP99Ms ?? '–'} ms${failed}${r.error ? `; error: ${r.error}` : ''}`;
  };
  goal(`fanout in-process: ≥ 2,000 events/s to ${SUBSCRIBERS} subscribers, p99 ≤ ${P99_LIMIT_MS} ms, no loss`, line(fanout.inProcess), fanout.inProcess.sustainedRate >= 2_000);
  goal(`fanout apiserver: ≥ 500 events/s to ${SUBSCRIBERS} subscribers, p99 ≤ ${P99_LIMIT_MS} ms, no loss`, line(fanout.apiserver), fanout.apiserver.sustainedRate >= 500 && !fanout.apiserver.error);
}

let heatmap: import('./heatmap/run').HeatmapReport | undefined;
if (wants('heatmap')) {
  // Heatmap rendering in headless Chromium, canvas vs a one-<rect>-per-GPU SVG reference (bench/heatmap/run.ts).
  const { runHeatmap, heatmapGoals } = await import('./heatmap/run');
  log('heatmap: 10k / 100k GPUs, canvas renderer vs d3 SVG reference, first paint, 1% update, DOM size');
  heatmap = await runHeatmap(log, { quick });
  for (const g of heatmapGoals(heatmap)) goal(g.goal, g.measured, g.met);
}

const result = {
  version: 1,
  when: new Date().toISOString(),
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '', node: process.version, platform: `${os.platform()} ${os.arch()}` },
  engine: { name: engine.name, real: engine.real },
  quick,
  seconds: round((performance.now() - t0) / 1000, 1),
  goals,
  exact,
  saturation,
  speed,
  fanout,
  heatmap,
};
mkdirSync('test-reports', { recursive: true });
writeFileSync('test-reports/bench.json', `${JSON.stringify(result, null, 2)}\n`);

log('summary');
for (const g of goals) process.stdout.write(`  ${g.met ? 'MET    ' : 'NOT MET'}  ${g.goal}: ${g.measured}\n`);
process.stdout.write(`  engine: ${engine.name}; results in test-reports/bench.json; total ${elapsed()}\n`);
