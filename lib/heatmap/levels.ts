/**
 * The levels the heatmap can group by: the ClusterTopologyBinding's levels (broadest first), with the
 * NVLink domain (`nvidia.com/gpu.clique`, set by GPU Feature Discovery) inserted just above the node.
 * The binding's node level (kubernetes.io/hostname) is not a level here: every node always gets its
 * own box, and its GPUs the cells inside it.
 */
import type { ClusterState, TopologyInfo } from '../cluster/state';
import { GPU_CLIQUE_LABEL, HOSTNAME_LABEL } from '../topology/spec';

export interface HeatmapLevel {
  /** Topology domain name ("zone", "rack"), or NVLINK_LEVEL. */
  domain: string;
  /** Node label key holding the level's value. */
  key: string;
  nvlink: boolean;
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

/** A clique value is `<clusterUUID>.<cliqueId>`: the id is what a person tells apart. */
export function levelValueLabel(level: HeatmapLevel, value: string): string {
  if (!level.nvlink) return value;
  const dot = value.lastIndexOf('.');
  return dot >= 0 && dot < value.length - 1 ? `clique ${value.slice(dot + 1)}` : value;
}
