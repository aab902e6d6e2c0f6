/**
 * The levels the heatmap can group by: the ClusterTopologyBinding's levels (broadest first), with the
 * NVLink domain (`nvidia.com/gpu.clique`, set by GPU Feature Discovery) inserted just above the node.
 * The binding's node level (kubernetes.io/hostname) is not a level here: every node always gets its
 * own box, and its GPUs the cells inside it.
 */
import type { ClusterState, TopologyInfo } from '../cluster/state';
import { GPU_CLIQUE_LABEL, HOSTNAME_LABEL } from '../topology/spec';
import { UNLABELLED } from '../topology/tree';

export interface HeatmapLevel {
  /** Topology domain name ("zone", "rack"), or NVLINK_LEVEL. */
  domain: string;
  /** Node label key holding the level's value. */
  key: string;
  nvlink: boolean;
  /**
   * A layout's names for the level's values (set by layoutHeatmap): each unique among the values of
   * that layout. Without it a value gets its short name (levelValueLabel).
   */
  labels?: ReadonlyMap<string, string>;
}

export const NVLINK_LEVEL = 'nvlink';

/** The binding the heatmap uses: the one named, else the first (in name order, so it is stable). */
export function pickTopology(state: ClusterState, name?: string | null): TopologyInfo | undefined {
  if (name) {
    const named = state.topologies.find((t) => t.name === name);
    if (named) return named;
  }
  return [...state.topologies].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))[0];
}

/** Levels of `topology` (binding levels without the host level, then NVLink when any node has a clique). */
export function heatmapLevels(state: ClusterState, topology: TopologyInfo | undefined): HeatmapLevel[] {
  const levels: HeatmapLevel[] = (topology?.levels ?? [])
    .filter((level) => level.key !== HOSTNAME_LABEL)
    .map((level) => ({ domain: level.domain, key: level.key, nvlink: false }));
  const hasCliques = state.nodes.some((node) => typeof node.labels[GPU_CLIQUE_LABEL] === 'string');
  const bindingNamesNvlink = levels.some((level) => level.key === GPU_CLIQUE_LABEL || level.domain === NVLINK_LEVEL);
  if (hasCliques && !bindingNamesNvlink) levels.push({ domain: NVLINK_LEVEL, key: GPU_CLIQUE_LABEL, nvlink: true });
  return levels;
}

/** A clique value `<clusterUUID>.<cliqueId>` split in two; null for a value of another shape. */
function cliqueParts(value: string): { uuid: string; id: string } | null {
  const dot = value.lastIndexOf('.');
  return dot >= 0 && dot < value.length - 1 ? { uuid: value.slice(0, dot), id: value.slice(dot + 1) } : null;
}

/** A value's name for people: a clique by its id (what a person tells apart), a missing label as "(unlabelled)". */
function shortValueLabel(level: HeatmapLevel, value: string): string {
  if (value === UNLABELLED) return '(unlabelled)';
  if (!level.nvlink) return value;
  const clique = cliqueParts(value);
  return clique ? `clique ${clique.id}` : value;
}

/** The value's name in its layout (unique there, see levelValueLabels), else its short name. */
export function levelValueLabel(level: HeatmapLevel, value: string): string {
  return level.labels?.get(value) ?? shortValueLabel(level, value);
}

/** Shortest UUID prefix that tells these UUIDs apart: 8 characters, more when needed. */
const UUID_PREFIX = 8;
function distinctPrefixLength(uuids: readonly string[]): number {
  const longest = Math.max(...uuids.map((u) => u.length));
  for (let n = UUID_PREFIX; n < longest; n++) if (new Set(uuids.map((u) => u.slice(0, n))).size === uuids.length) return n;
  return longest;
}

/**
 * Names for a level's values, each unique among `values`. Clique ids repeat across NVLink clusters
 * (each NVL72 rack is its own cluster with its own UUID), so when an id is shared, every clique of the
 * clusters involved is named with a short prefix of its cluster UUID ("clique 0b2a5c1e…/32766"), not
 * only the ones that collide: the cliques of one cluster read alike ("…/0" to "…/7", not "…/0" and "4").
 */
export function levelValueLabels(level: HeatmapLevel, values: readonly string[]): Map<string, string> {
  const labels = new Map<string, string>();
  for (const value of values) labels.set(value, shortValueLabel(level, value));
  if (!level.nvlink) return labels;
  const cliques = values.flatMap((value) => {
    const clique = cliqueParts(value);
    return clique && value !== UNLABELLED ? [{ value, ...clique }] : [];
  });
  const uuidsById = new Map<string, Set<string>>();
  for (const { id, uuid } of cliques) {
    const uuids = uuidsById.get(id);
    if (uuids) uuids.add(uuid);
    else uuidsById.set(id, new Set([uuid]));
  }
  const qualified = new Set<string>();
  for (const uuids of uuidsById.values()) if (uuids.size > 1) for (const uuid of uuids) qualified.add(uuid);
  if (!qualified.size) return labels;
  const n = distinctPrefixLength([...qualified]);
  for (const { value, uuid, id } of cliques) {
    if (!qualified.has(uuid)) continue;
    labels.set(value, `clique ${uuid.length > n ? `${uuid.slice(0, n)}…` : uuid}/${id}`);
  }
  return labels;
}
