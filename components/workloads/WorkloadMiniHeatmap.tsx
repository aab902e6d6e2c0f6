'use client';
/** The cluster heatmap with this stack's GPUs highlighted (components/heatmap/MiniHeatmap); the domain list beside it reads the same facts as text. */
import { useMemo } from 'react';
import type { ClusterState } from '../../lib/cluster/state';
import type { KubeObject } from '../../lib/grove/meta';
import { MiniHeatmap } from '../heatmap/MiniHeatmap';

export function WorkloadMiniHeatmap({ state, pods, namespace, name }: { state: ClusterState; pods: readonly KubeObject[]; namespace: string; name: string }) {
  const highlightWorkload = useMemo(() => ({ namespace, name }), [namespace, name]);
  return <MiniHeatmap state={state} pods={pods} highlightWorkload={highlightWorkload} height={140} />;
}
