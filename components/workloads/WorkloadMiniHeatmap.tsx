'use client';
/**
 * The heatmap of where a stack's pods are. Waits for components/heatmap/MiniHeatmap (being built);
 * until then the per-domain list next to it is the view.
 */
import type { ClusterState } from '../../lib/cluster/state';
import type { KubeObject } from '../../lib/grove/meta';

export function WorkloadMiniHeatmap(_props: { state: ClusterState; pods: readonly KubeObject[]; namespace: string; name: string }) {
  return null;
}
