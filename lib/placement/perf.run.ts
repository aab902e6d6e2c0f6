/**
 * Quick speed check of placeGangs (not a benchmark: the real one lives in bench/).
 * Run: npx tsx lib/placement/perf.run.ts [runs]
 */
import { placeGangs } from './place';
import { fillCluster, syntheticCluster, syntheticPcsGang } from './perf';

const runs = Number(process.argv[2] ?? 201);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const results: Record<string, number> = {};
for (const layout of ['nested', 'e2e'] as const) {
  for (const nodes of [125, 1250, 12500]) {
    const state = fillCluster(syntheticCluster(nodes, layout), 0.5, nodes);
    const gang = syntheticPcsGang();
    for (let i = 0; i < 3; i++) placeGangs(state, [gang]); // warm up
    // Warm: the same state again (the label and usage indexes are cached per array). Cold: fresh arrays
    // holding the same objects each call, so every index is rebuilt (a newly received snapshot).
    const times: number[] = [];
    const cold: number[] = [];
    let placed = true;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const plan = placeGangs(state, [gang]);
      times.push(performance.now() - t0);
      placed &&= plan.feasible;
      const fresh = { ...state, nodes: [...state.nodes], pods: [...state.pods] };
      const t1 = performance.now();
      placeGangs(fresh, [gang]);
      cold.push(performance.now() - t1);
    }
    results[`${layout}/${nodes * 8}`] = median(cold);
    console.log(
      `${layout.padEnd(6)} ${String(nodes * 8).padStart(6)} GPUs  ${String(nodes).padStart(5)} nodes  cold median ${median(cold).toFixed(2)} ms  warm median ${median(times).toFixed(2)} ms  (placed: ${placed})`,
    );
  }
  console.log(`${layout} cold ratio 100k/10k: ${(results[`${layout}/100000`]! / results[`${layout}/10000`]!).toFixed(2)}`);
}
