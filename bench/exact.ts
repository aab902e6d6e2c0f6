/**
 * Exact comparison: the engine against the HiGHS MILP (bench/milp.ts) on random small instances
 * (bench/instances.ts). Per instance:
 * - MILP on the base gang's core (minReplicas pods per group); its optimum is itself verified;
 * - the engine on the same core → verifier, feasibility and spreadCost against the optimum;
 * - the engine on the full base gang (optional pods too) and on all gangs of the PodCliqueSet → verifier,
 *   and "placed" must agree with the core's answer;
 * - the input state must come back unchanged.
 */
import loadHighs from 'highs';
import type { Highs } from 'highs';
import { verifyPlan, type Violation } from '../lib/placement/verify';
import type { Placer } from './baselines/common';
import type { EngineHandle } from './engine';
import { exactInstance } from './instances';
import { median, round, spreadCost } from './lib/metrics';
import { coreOf, gangsOf } from './lib/pcs';
import { solveGang } from './milp';

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

export async function runExact(engine: EngineHandle, opts: ExactOptions) {
  let highs: Highs = await loadHighs();
  const c = {
    milpOptimal: 0, milpInfeasible: 0, milpUnknown: 0, milpSelfViolations: 0, milpCostMismatch: 0,
    engineViolations: 0, instancesWithViolations: 0, enginePlacedWhenMilpFeasible: 0, enginePlacedWhenMilpInfeasible: 0,
    bothFeasible: 0, objectiveEqual: 0, objectiveBetterThanOptimum: 0, excessSum: 0, engineCostSum: 0, optimumCostSum: 0,
    fullGangDisagrees: 0, stateMutated: 0, engineSpreadCostMismatch: 0, engineThrew: 0,
  };
  const byRule: Record<string, number> = {};
  const byTag: Record<string, { instances: number; milpFeasible: number; enginePlaced: number; optimal: number; bothFeasible: number }> = {};
  const examples: Example[] = [];
  const milpMs: number[] = [];
  const engineMs: number[] = [];
  const note = (e: Example) => examples.length < 25 && examples.push(e);

  for (let id = 0; id < opts.count; id++) {
    const inst = exactInstance(opts.seed, id);
    const { state, gang } = inst;
    const core = coreOf(gang);
    let milp = null as ReturnType<typeof solveGang> | null;
    try {
      milp = solveGang(highs, state, gang);
    } catch (e) {
      highs = await loadHighs(); // a WASM abort leaves the module unusable
      note({ instance: id, tags: inst.tags, what: `MILP error: ${(e as Error).message}` });
      c.milpUnknown++;
    }
    if (milp) milpMs.push(milp.ms);
    const feasible = milp?.status === 'optimal';
    if (milp?.status === 'optimal') c.milpOptimal++;
    else if (milp?.status === 'infeasible') c.milpInfeasible++;
    else if (milp) c.milpUnknown++;
    if (milp?.placement) {
      const v = verifyPlan(state, [gang], { feasible: true, gangs: [milp.placement] });
      c.milpSelfViolations += v.length;
      if (v.length) note({ instance: id, tags: inst.tags, what: 'MILP optimum fails the verifier (model bug)', violations: v.slice(0, 5) });
      if (spreadCost(state, gang, milp.placement) !== milp.objective) c.milpCostMismatch++;
    }

    const snapshot = JSON.stringify(state);
    const run = (place: Placer, gangs: typeof gang[]) => {
      try {
        return place(state, gangs);
      } catch (e) {
        c.engineThrew++;
        note({ instance: id, tags: inst.tags, what: `engine threw: ${(e as Error).stack?.split('\n').slice(0, 3).join(' | ')}` });
        return undefined;
      }
    };
    const t0 = performance.now();
    const planCore = run(engine.place, [core]);
    engineMs.push(performance.now() - t0);
    const planFull = run(engine.place, [gang]);
    const all = gangsOf(inst.pcs);
    const planAll = run(engine.place, all);
    if (JSON.stringify(state) !== snapshot) c.stateMutated++;

    const violations = [
      ...(planCore ? verifyPlan(state, [core], planCore) : []),
      ...(planFull ? verifyPlan(state, [gang], planFull) : []),
      ...(planAll ? verifyPlan(state, all, planAll) : []),
    ];
    c.engineViolations += violations.length;
    if (violations.length) {
      c.instancesWithViolations++;
      for (const v of violations) byRule[v.rule] = (byRule[v.rule] ?? 0) + 1;
      note({ instance: id, tags: inst.tags, what: 'engine plan fails the verifier', violations: violations.slice(0, 5) });
    }

    const gp = planCore?.gangs.find((g) => g.name === core.name);
    const placed = !!gp?.placed;
    const fullPlaced = !!planFull?.gangs.find((g) => g.name === gang.name)?.placed;
    if (planCore && planFull && placed !== fullPlaced) {
      c.fullGangDisagrees++;
      note({ instance: id, tags: inst.tags, what: `core ${placed ? 'placed' : 'not placed'} but full gang ${fullPlaced ? 'placed' : 'not placed'}` });
    }
    for (const tag of inst.tags.length ? inst.tags : ['plain']) {
      const t = (byTag[tag] ??= { instances: 0, milpFeasible: 0, enginePlaced: 0, optimal: 0, bothFeasible: 0 });
      t.instances++;
      if (feasible) t.milpFeasible++;
      if (feasible && placed) t.enginePlaced++;
    }
    if (feasible && placed && gp) {
      c.enginePlacedWhenMilpFeasible++;
      c.bothFeasible++;
      const cost = spreadCost(state, core, gp);
      const opt = milp?.objective ?? 0;
      if (engine.spreadCost && engine.spreadCost(state, core, gp) !== cost) c.engineSpreadCostMismatch++;
      c.engineCostSum += cost;
      c.optimumCostSum += opt;
      c.excessSum += cost - opt;
      for (const tag of inst.tags.length ? inst.tags : ['plain']) {
        const t = byTag[tag]!;
        t.bothFeasible++;
        if (cost === opt) t.optimal++;
      }
      if (cost === opt) c.objectiveEqual++;
      else if (cost < opt) {
        c.objectiveBetterThanOptimum++;
        note({ instance: id, tags: inst.tags, what: `engine cost ${cost} below the MILP optimum ${opt} (MILP or verifier bug)` });
      } else note({ instance: id, tags: inst.tags, what: `engine cost ${cost} > optimum ${opt}` });
    } else if (feasible && !placed) {
      note({ instance: id, tags: inst.tags, what: `MILP feasible (optimum ${milp?.objective}) but engine did not place: ${gp?.reason ?? '(no plan)'}` });
    } else if (!feasible && placed && milp?.status === 'infeasible') {
      c.enginePlacedWhenMilpInfeasible++;
      note({ instance: id, tags: inst.tags, what: 'engine placed a gang the MILP calls infeasible' });
    }
    opts.progress?.(id + 1, opts.count);
  }

  const feasibleCount = c.milpOptimal;
  const feasibilityAgreement = feasibleCount ? c.enginePlacedWhenMilpFeasible / feasibleCount : 1;
  const objectiveOptimalShare = c.bothFeasible ? c.objectiveEqual / c.bothFeasible : 1;
  return {
    engine: engine.name,
    instances: opts.count,
    seed: opts.seed,
    optionalPods: 'both solvers place exactly minReplicas pods per pod group (the gang core); pods above it are best effort and outside feasibility and objective',
    milp: {
      optimal: c.milpOptimal,
      infeasible: c.milpInfeasible,
      unknown: c.milpUnknown,
      selfCheckViolations: c.milpSelfViolations,
      costMismatch: c.milpCostMismatch,
      medianMs: round(median(milpMs)),
      maxMs: round(Math.max(0, ...milpMs)),
    },
    violations: c.engineViolations,
    instancesWithViolations: c.instancesWithViolations,
    violationsByRule: byRule,
    feasibilityAgreement: round(feasibilityAgreement, 4),
    enginePlacedWhenMilpFeasible: c.enginePlacedWhenMilpFeasible,
    enginePlacedWhenMilpInfeasible: c.enginePlacedWhenMilpInfeasible,
    objectiveOptimalShare: round(objectiveOptimalShare, 4),
    bothFeasible: c.bothFeasible,
    objectiveEqual: c.objectiveEqual,
    objectiveBelowOptimum: c.objectiveBetterThanOptimum,
    meanExcessCost: c.bothFeasible ? round(c.excessSum / c.bothFeasible, 4) : 0,
    costRatioOfSums: c.optimumCostSum ? round(c.engineCostSum / c.optimumCostSum, 4) : c.engineCostSum === 0 ? 1 : null,
    fullGangDisagreesWithCore: c.fullGangDisagrees,
    stateMutated: c.stateMutated,
    engineThrew: c.engineThrew,
    engineSpreadCostMismatch: engine.spreadCost ? c.engineSpreadCostMismatch : null,
    engineMedianMs: round(median(engineMs)),
    byTag,
    examples,
  };
}

export type ExactReport = Awaited<ReturnType<typeof runExact>>;
