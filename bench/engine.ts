/**
 * Which placer the benchmarks measure as "the engine": lib/placement's placeGangs (with its spreadCost,
 * cross-checked against bench/lib/metrics). BENCH_ENGINE=first-fit|kai-greedy measures a baseline in its
 * place instead (the harness was first developed against first-fit, before placeGangs existed).
 */
import type { ClusterState } from '../lib/cluster/state';
import type { ExpandedGang } from '../lib/grove/gang';
import { placeGangs, spreadCost } from '../lib/placement';
import type { GangPlacement } from '../lib/placement/plan';
import type { Placer } from './baselines/common';
import { firstFit } from './baselines/firstFit';
import { kaiGreedy } from './baselines/kaiGreedy';

export interface EngineHandle {
  name: string;
  /** false when a baseline stands in for the engine. */
  real: boolean;
  place: Placer;
  /** The placer's own objective, when it has one. */
  spreadCost?: (state: ClusterState, gang: ExpandedGang, placement: GangPlacement) => number;
}

export async function loadEngine(): Promise<EngineHandle> {
  const forced = process.env.BENCH_ENGINE;
  if (forced === 'first-fit') return { name: 'first-fit (forced by BENCH_ENGINE)', real: false, place: firstFit };
  if (forced === 'kai-greedy') return { name: 'kai-greedy (forced by BENCH_ENGINE)', real: false, place: kaiGreedy };
  return { name: 'placeGangs', real: true, place: (state, gangs) => placeGangs(state, gangs), spreadCost: (s, g, p) => spreadCost(s, g, p) };
}
