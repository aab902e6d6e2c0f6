'use client';
/**
 * A small, fitted heatmap for other pages: "where are this stack's pods" (highlightWorkload, pods) and
 * "where would this land" (overlay: a Plan drawn as ghost cells, each gang outlined). Props are stable;
 * other pages embed it. Not zoomable; the words under it say what it shows for screen readers too.
 *
 * - state: the cluster (clusterStateFromObjects of the watched Nodes, Pods, ClusterTopologyBindings).
 * - pods: Pod objects to highlight (e.g. one stack's pods), by namespace/name; may be empty.
 * - highlightWorkload: highlight every pod of this PodCliqueSet too.
 * - overlay: a placement Plan (previewPodCliqueSet / previewScale) to draw as ghosts.
 * - overlayReplaces: for a previewPodCliqueSet plan, its `replaces` (the stack's running pods were left
 *   out of the plan, so ghosts may go on their GPUs); none for a scale-up's plan.
 * - overlayRunning: with overlayReplaces, the preview's `running` gangs: their pods are kept, so their GPUs stay taken.
 */
import { useMemo, useRef } from 'react';
import type { ClusterState } from '../../lib/cluster/state';
import type { KubeObject } from '../../lib/grove/meta';
import { colorCells } from '../../lib/heatmap/colors';
import type { HeatmapLayout } from '../../lib/heatmap/layout';
import { occupyLayout, stableLayout } from '../../lib/heatmap/model';
import { ghostOverlay, type GhostOptions } from '../../lib/heatmap/overlay';
import type { Plan } from '../../lib/placement/plan';
import { HeatmapCanvas } from './HeatmapCanvas';
import { useTheme } from './useTheme';

export interface MiniHeatmapProps {
  state: ClusterState;
  pods: readonly KubeObject[];
  highlightWorkload?: { namespace: string; name: string };
  overlay?: Plan;
  overlayReplaces?: string;
  overlayRunning?: GhostOptions['running'];
  height?: number;
}

export function MiniHeatmap({ state, pods, highlightWorkload, overlay, overlayReplaces, overlayRunning, height = 160 }: MiniHeatmapProps) {
  const theme = useTheme();
  // The layout reads only nodes and bindings; a pod change keeps it (same object), so the canvas
  // patches the changed cells rather than repainting and refitting.
  const lastLayout = useRef<HeatmapLayout | undefined>(undefined);
  const { nodes, topologies } = state;
  const layout = useMemo(() => {
    const kept = stableLayout({ nodes, topologies, pods: [] }, { previousLayout: lastLayout.current });
    lastLayout.current = kept;
    return kept;
  }, [nodes, topologies]);
  const model = useMemo(() => occupyLayout(layout, state), [layout, state]);
  const colors = useMemo(() => colorCells(model, 'allocation', theme), [model, theme]);
  const ghosts = useMemo(() => (overlay ? ghostOverlay(model, overlay, { replaces: overlayReplaces, running: overlayRunning }) : null), [model, overlay, overlayReplaces, overlayRunning]);
  const { highlight, count } = useMemo(() => {
    const keys = new Set(pods.map((p) => `${p.metadata?.namespace ?? 'default'}/${p.metadata?.name ?? ''}`));
    const workload = highlightWorkload ? `${highlightWorkload.namespace}/${highlightWorkload.name}` : null;
    if (keys.size === 0 && !workload) return { highlight: null, count: 0 };
    const flags = new Uint8Array(model.layout.cellCount);
    let n = 0;
    for (const pod of model.pods) {
      if (!keys.has(pod.key) && pod.workload !== workload) continue;
      for (let k = 0; k < pod.cellCount; k++) flags[pod.firstCell + k] = 1;
      n += pod.cellCount;
    }
    return { highlight: flags, count: n };
  }, [model, pods, highlightWorkload]);

  const unplaced = ghosts?.gangs.filter((g) => !g.placed) ?? [];
  const summary = [
    `${model.totals.gpus} GPUs, ${model.totals.used} used`,
    highlight ? `${count} GPUs highlighted` : null,
    ghosts ? `${ghosts.cells.length} planned GPUs shown as ghosts${ghosts.undrawn ? ` (${ghosts.undrawn} not drawn)` : ''}` : null,
    unplaced.length ? `${unplaced.length} gang(s) do not fit: ${unplaced.map((g) => `${g.name}: ${g.reason ?? 'no reason given'}`).join('; ')}` : null,
  ]
    .filter(Boolean)
    .join('. ');

  return (
    <figure className="m-0" data-testid="mini-heatmap" data-highlighted-gpus={count} data-ghost-gpus={ghosts?.cells.length ?? 0}>
      <HeatmapCanvas model={model} colors={colors} theme={theme} highlight={highlight} ghosts={ghosts} label={`Cluster heatmap: ${summary}`} height={height} interactive={false} />
      <figcaption className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">{summary}</figcaption>
    </figure>
  );
}
