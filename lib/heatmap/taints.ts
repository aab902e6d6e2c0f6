/**
 * How the topology page words taints, in one place for the header, the tooltip, the table and the
 * legend: GPUs on tainted nodes are a part of the free GPUs, and a taint every GPU node carries is
 * said once rather than marked on every node (a node's tooltip still names it, quietly, as such).
 */
import type { FrameStats } from './model';

/** "12 free" or "12 free, 4 of them on tainted nodes". */
export function freeText(stats: Pick<FrameStats, 'free' | 'tainted'>): string {
  return `${stats.free} free${stats.tainted ? `, ${taintedPartText(stats.tainted)}` : ''}`;
}

/** "4 of them on tainted nodes" (the tainted part of the free GPUs). */
export function taintedPartText(tainted: number): string {
  return `${tainted} of them on tainted node${tainted === 1 ? '' : 's'}`;
}

/** "All GPU nodes carry nvidia.com/gpu=present:NoSchedule: pods need a toleration for nvidia.com/gpu=present:NoSchedule" (null when none). */
export function clusterTaintsText(clusterTaints: readonly string[]): string | null {
  if (!clusterTaints.length) return null;
  const list = clusterTaints.join(', ');
  return `All GPU nodes carry ${list}: pods need a toleration for ${list} (not marked on the nodes)`;
}

/**
 * A node's taints as its tooltip names them: its own (`own`, as model.nodeTaints holds them) and, said
 * apart and after them, those every GPU node carries, which mark no node but still keep a pod that does
 * not tolerate them off this one ("nvidia.com/gpu=present:NoSchedule (on every GPU node)"). Null when
 * the node has neither.
 */
export function nodeTaintsText(own: readonly string[] | undefined, clusterTaints: readonly string[]): { own: string; clusterWide: string } | null {
  if (!own?.length && !clusterTaints.length) return null;
  return { own: (own ?? []).join(', '), clusterWide: clusterTaints.length ? `${clusterTaints.join(', ')} (on every GPU node)` : '' };
}
