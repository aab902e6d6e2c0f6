/**
 * Where a workload is: its GPU cells, the domains it spans per visible level, and per gang whether the
 * gang is split across domains of a level (a gang split across racks is what a person wants called out).
 * A domain is its label path (lib/topology/domainPath.ts), not its value: a gang on block-1 of zone-0
 * and block-1 of zone-1 spans two blocks.
 */
import { domainNameBook } from '../placement/cluster-index';
import { childDomainId } from '../topology/domainPath';
import type { HeatmapLayout, HeatmapNodeBox } from './layout';
import { levelValueLabel, type HeatmapLevel } from './levels';
import type { HeatmapModel } from './model';

export interface GangSpan {
  name: string;
  gpus: number;
  /**
   * Names of the domains its pods are on, per level of the layout (visible or collapsed, in layout
   * order), in map order. A domain is its path over all levels, so a collapsed broader level still
   * tells block-1 of zone-0 from block-1 of zone-1 ("block-1 in zone zone-0"; see domainName).
   */
  domains: Record<string, string[]>;
  /**
   * Levels at which the gang's pods sit in more than one domain. A split is a fact about the
   * placement, so collapsed levels count too (hiding racks, or the zones above them, does not un-split a gang).
   */
  splitAt: string[];
  /** Its pods on the map: PodClique (full name), node, and the node's domain (label value) per layout level. */
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
  /**
   * Names of the frames it is in, per visible level (layout order), in map order: a frame is a path
   * over the visible levels (HeatmapFrame.id), so two block-1 frames are two entries, named apart
   * ("block-1 in zone zone-0"), and with the zone level collapsed they are the one frame the map draws.
   */
  domains: Record<string, string[]>;
  gangs: GangSpan[];
}

/** Domains over some levels of a layout: each box's path id per level, and each id's name for people. */
interface PathNames {
  /** Per distinct domains record of the layout's boxes (records are shared): its path id at each level. */
  idsOf: Map<Readonly<Record<string, string>>, string[]>;
  nameOf: Map<string, string>;
}

/**
 * Paths over `levels` of the layout's boxes and their names, as domainName (lib/placement/cluster-index.ts)
 * gives them: the value's label in the layout, with its parent's name where another domain of the level
 * has the same value. One pass over the distinct domains records (not over every node).
 */
function pathNames(layout: HeatmapLayout, levels: readonly HeatmapLevel[]): PathNames {
  const book = domainNameBook(levels.map((level) => level.domain));
  const idsOf = new Map<Readonly<Record<string, string>>, string[]>();
  for (const box of layout.nodes) {
    if (idsOf.has(box.domains)) continue;
    const ids: string[] = [];
    let parent = '';
    levels.forEach((level, l) => {
      const value = box.domains[level.domain]!;
      const id = childDomainId(parent, level.domain, value);
      ids.push(id);
      book.add(l, id, value, l > 0 ? parent : null, levelValueLabel(level, value));
      parent = id;
    });
    idsOf.set(box.domains, ids);
  }
  const nameOf = new Map<string, string>();
  for (const ids of idsOf.values()) for (const id of ids) if (!nameOf.has(id)) nameOf.set(id, book.nameOf(id));
  return { idsOf, nameOf };
}

/** Per layout: paths over the visible levels (the frames) and over all levels (the domains). */
const pathNamesCache = new WeakMap<HeatmapLayout, { visible: PathNames; all: PathNames }>();
function layoutPathNames(layout: HeatmapLayout): { visible: PathNames; all: PathNames } {
  let cached = pathNamesCache.get(layout);
  if (!cached) {
    const all = pathNames(layout, layout.levels);
    const visible = layout.visibleLevels.length === layout.levels.length ? all : pathNames(layout, layout.levels.filter((l) => layout.visibleLevels.includes(l.domain)));
    pathNamesCache.set(layout, (cached = { visible, all }));
  }
  return cached;
}

/** Domains met per level: path id → the first layout node (map order) it was met on. */
type DomainSets = Map<string, number>[];
const emptySets = (count: number): DomainSets => Array.from({ length: count }, () => new Map<string, number>());
function addBox(sets: DomainSets, names: PathNames, box: HeatmapNodeBox, boxIndex: number): void {
  const ids = names.idsOf.get(box.domains)!;
  ids.forEach((id, l) => {
    const seen = sets[l]!.get(id);
    if (seen === undefined || boxIndex < seen) sets[l]!.set(id, boxIndex);
  });
}
/** Each level's domain names, in map order. */
function namesPerLevel(sets: DomainSets, names: PathNames, levels: readonly string[]): Record<string, string[]> {
  return Object.fromEntries(levels.map((level, l) => [level, [...sets[l]!.entries()].sort((a, b) => a[1] - b[1]).map(([id]) => names.nameOf.get(id)!)]));
}

export function workloadSpan(model: HeatmapModel, key: string): WorkloadSpan | null {
  const workload = model.workloads.find((w) => w.key === key);
  if (!workload) return null;
  const { layout } = model;
  const visible = layout.levels.filter((l) => layout.visibleLevels.includes(l.domain)).map((l) => l.domain);
  // Node boxes carry every level's value, so gangs are judged on all levels.
  const levels = layout.levels.map((l) => l.domain);
  const names = layoutPathNames(layout);
  const cells: number[] = [];
  const domains = emptySets(visible.length);
  const gangs = new Map<string, { gpus: number; domains: DomainSets; members: GangSpan['members'] }>();
  for (const p of workload.pods) {
    const pod = model.pods[p]!;
    for (let k = 0; k < pod.cellCount; k++) cells.push(pod.firstCell + k);
    if (pod.cellCount === 0) continue; // a CPU-only pod holds no cell and spans nothing on this map
    const boxIndex = layout.cellNode[pod.firstCell]!;
    const box = layout.nodes[boxIndex]!;
    const name = pod.podGang || '(no PodGang)';
    let gang = gangs.get(name);
    if (!gang) gangs.set(name, (gang = { gpus: 0, domains: emptySets(levels.length), members: [] }));
    gang.gpus += pod.cellCount;
    gang.members.push({ podClique: pod.podClique, node: box.name, domains: box.domains });
    addBox(domains, names.visible, box, boxIndex);
    addBox(gang.domains, names.all, box, boxIndex);
  }
  cells.sort((a, b) => a - b);
  return {
    key,
    cells: Int32Array.from(cells),
    gpus: cells.length,
    pods: workload.pods.length,
    pendingPods: workload.pendingPods,
    pendingGpus: workload.pendingGpus,
    domains: namesPerLevel(domains, names.visible, visible),
    gangs: [...gangs.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, g]) => ({ name, gpus: g.gpus, domains: namesPerLevel(g.domains, names.all, levels), splitAt: levels.filter((_, l) => g.domains[l]!.size > 1), members: g.members })),
  };
}
