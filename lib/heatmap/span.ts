/**
 * Where a workload is: its GPU cells, the domains it spans per visible level, and per gang whether the
 * gang is split across domains of a level (a gang split across racks is what a person wants called out).
 */
import type { HeatmapModel } from './model';

export interface GangSpan {
  name: string;
  gpus: number;
  /** Domain values per level of the layout, visible or collapsed, in layout order. */
  domains: Record<string, string[]>;
  /**
   * Levels at which the gang's pods sit in more than one domain. A split is a fact about the
   * placement, so collapsed levels count too (hiding racks does not un-split a gang).
   */
  splitAt: string[];
  /** Its pods on the map: PodClique (full name), node, and the node's domain per layout level. */
  members: { podClique: string; node: string; domains: Readonly<Record<string, string>> }[];
}

export interface WorkloadSpan {
  key: string;
  /** Highlighted cells. */
  cells: Int32Array;
  gpus: number;
  /** Bound pods (on the map). */
  pods: number;
  /** Pods not bound to a node yet, and the GPUs they ask for (drawn nowhere). */
  pendingPods: number;
  pendingGpus: number;
  /** Domain values per visible level, in layout order. */
  domains: Record<string, string[]>;
  gangs: GangSpan[];
}

export function workloadSpan(model: HeatmapModel, key: string): WorkloadSpan | null {
  const workload = model.workloads.find((w) => w.key === key);
  if (!workload) return null;
  const { layout } = model;
  const visible = layout.visibleLevels;
  // Node boxes carry every level's value, so gangs are judged on all levels.
  const levels = layout.levels.map((l) => l.domain);
  const emptySets = (names: readonly string[]): Record<string, Set<string>> => Object.fromEntries(names.map((l) => [l, new Set<string>()]));
  const cells: number[] = [];
  const domains = emptySets(visible);
  const gangs = new Map<string, { gpus: number; domains: Record<string, Set<string>>; members: GangSpan['members'] }>();
  for (const p of workload.pods) {
    const pod = model.pods[p]!;
    for (let k = 0; k < pod.cellCount; k++) cells.push(pod.firstCell + k);
    if (pod.cellCount === 0) continue; // a CPU-only pod holds no cell and spans nothing on this map
    const box = layout.nodes[layout.cellNode[pod.firstCell]!]!;
    const name = pod.podGang || '(no PodGang)';
    let gang = gangs.get(name);
    if (!gang) gangs.set(name, (gang = { gpus: 0, domains: emptySets(levels), members: [] }));
    gang.gpus += pod.cellCount;
    gang.members.push({ podClique: pod.podClique, node: box.name, domains: box.domains });
    for (const level of visible) domains[level]!.add(box.domains[level]!);
    for (const level of levels) gang.domains[level]!.add(box.domains[level]!);
  }
  cells.sort((a, b) => a - b);
  const list = (sets: Record<string, Set<string>>, names: readonly string[]): Record<string, string[]> => Object.fromEntries(names.map((l) => [l, [...sets[l]!]]));
  return {
    key,
    cells: Int32Array.from(cells),
    gpus: cells.length,
    pods: workload.pods.length,
    pendingPods: workload.pendingPods,
    pendingGpus: workload.pendingGpus,
    domains: list(domains, visible),
    gangs: [...gangs.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, g]) => ({ name, gpus: g.gpus, domains: list(g.domains, levels), splitAt: levels.filter((l) => g.domains[l]!.size > 1), members: g.members })),
  };
}
