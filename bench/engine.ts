/**
 * Which placer the benchmarks measure as "the engine". The harness was built before lib/placement's
 * placeGangs existed, so it looks the engine up at run time and falls back to the first-fit baseline
 * (clearly labelled) when it is not there. BENCH_ENGINE=first-fit|kai-greedy forces a baseline.
 */
import type { ClusterState } from '../lib/cluster/state';
import type { ExpandedGang } from '../lib/grove/gang';
import type { GangPlacement } from '../lib/placement/plan';
import type { Placer } from './baselines/common';
import { firstFit } from './baselines/firstFit';
import { kaiGreedy } from './baselines/kaiGreedy';

export interface EngineHandle {
  /** "placeGangs (lib/placement/…)" or the stand-in baseline's name. */
  name: string;
  /** false when a baseline stands in for the engine. */
  real: boolean;
  place: Placer;
  /** The engine's own objective, when it exports one (cross-checked against bench/lib/metrics). */
  spreadCost?: (state: ClusterState, gang: ExpandedGang, placement: GangPlacement) => number;
}

const CANDIDATES = ['index.ts', 'place.ts', 'placeGangs.ts', 'engine.ts', 'sets.ts'];

export async function loadEngine(): Promise<EngineHandle> {
  const forced = process.env.BENCH_ENGINE;
  if (forced === 'first-fit') return { name: 'first-fit (forced by BENCH_ENGINE)', real: false, place: firstFit };
  if (forced === 'kai-greedy') return { name: 'kai-greedy (forced by BENCH_ENGINE)', real: false, place: kaiGreedy };
  let place: Placer | undefined;
  let from = '';
  let spreadCost: EngineHandle['spreadCost'];
  for (const file of CANDIDATES) {
    try {
      const mod = (await import(new URL(`../lib/placement/${file}`, import.meta.url).href)) as Record<string, unknown>;
      if (!place && typeof mod.placeGangs === 'function') {
        place = mod.placeGangs as Placer;
        from = file;
      }
      if (!spreadCost && typeof mod.spreadCost === 'function') spreadCost = mod.spreadCost as EngineHandle['spreadCost'];
    } catch {
      // not there (yet), or not loadable: try the next file
    }
  }
  if (place) return { name: `placeGangs (lib/placement/${from})`, real: true, place, ...(spreadCost ? { spreadCost } : {}) };
  return { name: 'first-fit (stand-in: lib/placement has no placeGangs yet)', real: false, place: firstFit };
}
