/**
 * Exact comparison: placers against the HiGHS MILP (bench/milp.ts) on random small instances
 * (bench/instances.ts). The MILP is solved once per instance; every placer is compared with it:
 * - MILP on the base gang's core (minReplicas pods per group); its optimum is itself verified;
 * - the placer on the same core → verifier, feasibility and spreadCost against the optimum;
 * - the placer on the full base gang (optional pods too) and on all gangs of the PodCliqueSet → verifier,
 *   and "placed" must agree with the core's answer;
 * - the input state must come back unchanged.
 */
import loadHighs from 'highs';
import type { Highs } from 'highs';
import { verifyPlan, type Violation } from '../lib/placement/verify';
import type { EngineHandle } from './engine';
import { exactInstance, type ExactInstance } from './instances';
import { median, round, spreadCost } from './lib/metrics';
import { coreOf, gangsOf } from './lib/pcs';
import { solveGang, type MilpResult } from './milp';

export interface ExactOptions {
  count: number;
  seed: number;
  progress?: (done: number, total: number) => void;
}

interface Example {
  instance: number;
  tags: string[];
  what: string;
  violations?: Violation[];
}

type TagStats = { instances: number; milpFeasible: number; placed: number; bothFeasible: number; optimal: number };

class PlacerStats {
  violations = 0;
  instancesWithViolations = 0;
  byRule: Record<string, number> = {};
  placedWhenMilpFeasible = 0;
  placedWhenMilpInfeasible = 0;
  bothFeasible = 0;
  objectiveEqual = 0;
  objectiveBelowOptimum = 0;
  excessSum = 0;
  costSum = 0;
  optimumSum = 0;
  fullGangDisagrees = 0;
  stateMutated = 0;
  threw = 0;
  spreadCostMismatch = 0;
  ms: number[] = [];
  byTag: Record<string, TagStats> = {};
  examples: Example[] = [];
  note(e: Example): void {
    if (this.examples.length < 20) this.examples.push(e);
  }
}

function comparePlacer(p: EngineHandle, s: PlacerStats, inst: ExactInstance, milp: MilpResult | undefined): void {
  const { state, gang, id, tags } = inst;
  const core = coreOf(gang);
  const feasible = milp?.status === 'optimal';
  const snapshot = JSON.stringify(state);
  const run = (gangs: (typeof gang)[]) => {
    try {
      return p.place(state, gangs);
    } catch (e) {
      s.threw++;
      s.note({ instance: id, tags, what: `threw: ${(e as Error).stack?.split('\n').slice(0, 3).join(' | ')}` });
      return undefined;
    }
  };
  const t0 = performance.now();
  const planCore = run([core]);
  s.ms.push(performance.now() - t0);
  const planFull = run([gang]);
  const all = gangsOf(inst.pcs);
  const planAll = run(all);
  if (JSON.stringify(state) !== snapshot) s.stateMutated++;

  const violations = [
    ...(planCore ? verifyPlan(state, [core], planCore) : []),
    ...(planFull ? verifyPlan(state, [gang], planFull) : []),
    ...(planAll ? verifyPlan(state, all, planAll) : []),
  ];
  s.violations += violations.length;
  if (violations.length) {
    s.instancesWithViolations++;
    for (const v of violations) s.byRule[v.rule] = (s.byRule[v.rule] ?? 0) + 1;
    s.note({ instance: id, tags, what: 'plan fails the verifier', violations: violations.slice(0, 5) });
  }

  const gp = planCore?.gangs.find((g) => g.name === core.name);
  const placed = !!gp?.placed;
  const fullPlaced = !!planFull?.gangs.find((g) => g.name === gang.name)?.placed;
  if (planCore && planFull && placed !== fullPlaced) {
    s.fullGangDisagrees++;
    s.note({ instance: id, tags, what: `core ${placed ? 'placed' : 'not placed'} but full gang ${fullPlaced ? 'placed' : 'not placed'}` });
  }
  const tagList = tags.length ? tags : ['plain'];
  for (const tag of tagList) {
    const t = (s.byTag[tag] ??= { instances: 0, milpFeasible: 0, placed: 0, bothFeasible: 0, optimal: 0 });
    t.instances++;
    if (feasible) t.milpFeasible++;
    if (feasible && placed) t.placed++;
  }
  if (feasible && placed && gp) {
    s.placedWhenMilpFeasible++;
    s.bothFeasible++;
    const cost = spreadCost(state, core, gp);
    const opt = milp?.objective ?? 0;
    if (p.spreadCost && p.spreadCost(state, core, gp) !== cost) s.spreadCostMismatch++;
    s.costSum += cost;
    s.optimumSum += opt;
    s.excessSum += cost - opt;
    for (const tag of tagList) {
      const t = s.byTag[tag] as TagStats;
      t.bothFeasible++;
      if (cost === opt) t.optimal++;
    }
    if (cost === opt) s.objectiveEqual++;
    else if (cost < opt) {
      s.objectiveBelowOptimum++;
      s.note({ instance: id, tags, what: `cost ${cost} below the MILP optimum ${opt} (MILP or verifier bug)` });
    } else s.note({ instance: id, tags, what: `cost ${cost} > optimum ${opt}` });
  } else if (feasible && !placed) {
    s.note({ instance: id, tags, what: `MILP feasible (optimum ${milp?.objective}) but not placed: ${gp?.reason ?? '(no plan)'}` });
  } else if (placed && milp?.status === 'infeasible') {
    s.placedWhenMilpInfeasible++;
    s.note({ instance: id, tags, what: `placed a gang the MILP calls infeasible (${milp.detail ?? 'solver'})` });
  }
}

function summary(p: EngineHandle, s: PlacerStats, milpFeasible: number) {
  return {
    name: p.name,
    violations: s.violations,
    instancesWithViolations: s.instancesWithViolations,
    violationsByRule: s.byRule,
    feasibilityAgreement: round(milpFeasible ? s.placedWhenMilpFeasible / milpFeasible : 1, 4),
    placedWhenMilpFeasible: s.placedWhenMilpFeasible,
    placedWhenMilpInfeasible: s.placedWhenMilpInfeasible,
    objectiveOptimalShare: round(s.bothFeasible ? s.objectiveEqual / s.bothFeasible : 1, 4),
    bothFeasible: s.bothFeasible,
    objectiveEqual: s.objectiveEqual,
    objectiveBelowOptimum: s.objectiveBelowOptimum,
    meanExcessCost: s.bothFeasible ? round(s.excessSum / s.bothFeasible, 4) : 0,
    costRatioOfSums: s.optimumSum ? round(s.costSum / s.optimumSum, 4) : s.costSum === 0 ? 1 : null,
    fullGangDisagreesWithCore: s.fullGangDisagrees,
    stateMutated: s.stateMutated,
    threw: s.threw,
    spreadCostMismatch: p.spreadCost ? s.spreadCostMismatch : null,
    medianMs: round(median(s.ms), 4),
    byTag: s.byTag,
    examples: s.examples,
  };
}

export async function runExact(placers: EngineHandle[], opts: ExactOptions) {
  let highs: Highs = await loadHighs();
  const m = { optimal: 0, infeasible: 0, unknown: 0, selfCheckViolations: 0, costMismatch: 0, errors: [] as string[] };
  const milpMs: number[] = [];
  const sizes: number[] = [];
  const stats = placers.map(() => new PlacerStats());
  for (let id = 0; id < opts.count; id++) {
    const inst = exactInstance(opts.seed, id);
    let milp: MilpResult | undefined;
    try {
      milp = solveGang(highs, inst.state, inst.gang);
    } catch (e) {
      highs = await loadHighs(); // a WASM abort leaves the module unusable
      m.errors.push(`instance ${id}: ${(e as Error).message}`);
    }
    if (milp) {
      milpMs.push(milp.ms);
      sizes.push(milp.variables);
      m[milp.status]++;
    } else m.unknown++;
    if (milp?.placement) {
      const v = verifyPlan(inst.state, [inst.gang], { feasible: true, gangs: [milp.placement] });
      m.selfCheckViolations += v.length;
      if (v.length) m.errors.push(`instance ${id}: MILP optimum fails the verifier: ${v[0]?.message}`);
      if (spreadCost(inst.state, inst.gang, milp.placement) !== milp.objective) m.costMismatch++;
    }
    placers.forEach((p, i) => comparePlacer(p, stats[i] as PlacerStats, inst, milp));
    opts.progress?.(id + 1, opts.count);
  }
  return {
    instances: opts.count,
    seed: opts.seed,
    optionalPods: 'both solvers place exactly minReplicas pods per pod group (the gang core); pods above it are best effort and outside feasibility and objective',
    milp: {
      ...m,
      errors: m.errors.slice(0, 10),
      medianMs: round(median(milpMs)),
      maxMs: round(Math.max(0, ...milpMs)),
      medianVariables: median(sizes),
      maxVariables: Math.max(0, ...sizes),
    },
    placers: placers.map((p, i) => summary(p, stats[i] as PlacerStats, m.optimal)),
  };
}

export type ExactReport = Awaited<ReturnType<typeof runExact>>;
