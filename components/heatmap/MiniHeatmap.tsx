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
 * - height: the box's least height; it grows up to maxHeight (default 240) when the map needs it to fill
 *   the width (lib/heatmap/boxFit.ts packs the layout for the box's shape).
 * - unplacedReasonsAt: where the page lists the reasons of gangs that do not fit (the caption then
 *   counts them instead of repeating every reason).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ClusterState } from '../../lib/cluster/state';
import type { KubeObject } from '../../lib/grove/meta';
import { boxHeight, layoutForBox } from '../../lib/heatmap/boxFit';
import { colorCells } from '../../lib/heatmap/colors';
import type { HeatmapLayout } from '../../lib/heatmap/layout';
import { occupyLayout, stableLayout } from '../../lib/heatmap/model';
import { ghostOverlay, type GhostOptions } from '../../lib/heatmap/overlay';
import type { Plan } from '../../lib/placement/plan';
import { plural } from '../../lib/workloads/plural';
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
  maxHeight?: number;
  unplacedReasonsAt?: 'above' | 'below';
}

/** The box's width is rounded down to this step for packing: a resize by a few pixels keeps the layout. */
const WIDTH_STEP = 32;

/** What the map shows, in words (its caption and the canvas's accessible name). */
export function miniHeatmapSummary(facts: {
  gpus: number;
  used: number;
  /** GPUs highlighted, or null when nothing is asked to be. */
  highlighted: number | null;
  ghosts: { drawn: number; undrawn: number } | null;
  unplaced: number;
  unplacedReasonsAt?: 'above' | 'below' | undefined;
}): string {
  const { gpus, used, highlighted, ghosts, unplaced, unplacedReasonsAt } = facts;
  // The page lists every gang with its reason; the caption only counts them, pointing there.
  const where = unplacedReasonsAt ? `reasons ${unplacedReasonsAt}` : 'reasons listed with the gangs';
  return [
    `${gpus} GPUs, ${used} used`,
    highlighted !== null ? `${highlighted} GPUs highlighted` : null,
    ghosts ? `${ghosts.drawn} planned GPUs shown as ghosts${ghosts.undrawn ? ` (${ghosts.undrawn} not drawn)` : ''}` : null,
    unplaced ? `${plural(unplaced, 'gang')} ${unplaced === 1 ? 'does' : 'do'} not fit; ${where}` : null,
  ]
    .filter(Boolean)
    .join('. ');
}

export function MiniHeatmap({ state, pods, highlightWorkload, overlay, overlayReplaces, overlayRunning, height = 160, maxHeight = 240, unplacedReasonsAt }: MiniHeatmapProps) {
  const theme = useTheme();
  // The box's width, measured: the layout is packed for it, and the box made as tall as the map needs.
  const boxRef = useRef<HTMLDivElement>(null);
  const [boxWidth, setBoxWidth] = useState(0);
  useEffect(() => {
    const box = boxRef.current!;
    const observer = new ResizeObserver(() => setBoxWidth(box.clientWidth));
    observer.observe(box);
    return () => observer.disconnect();
  }, []);
  const packWidth = Math.floor(boxWidth / WIDTH_STEP) * WIDTH_STEP;
  const tallest = Math.max(height, maxHeight);
  // The layout reads only nodes, bindings and the box's width; a pod change keeps it (same object), so
  // the canvas patches the changed cells rather than repainting and refitting.
  const lastLayout = useRef<HeatmapLayout | undefined>(undefined);
  const { nodes, topologies } = state;
  const layout = useMemo(() => {
    const nodesOnly = { nodes, topologies, pods: [] };
    // Before the box is measured (the first render): the topology page's shape, at the least height.
    const kept = packWidth > 0 ? layoutForBox(nodesOnly, { width: packWidth, minHeight: height, maxHeight: tallest }, lastLayout.current) : stableLayout(nodesOnly, { previousLayout: lastLayout.current });
    lastLayout.current = kept;
    return kept;
  }, [nodes, topologies, packWidth, height, tallest]);
  const canvasHeight = boxWidth > 0 ? boxHeight(layout, { width: boxWidth, minHeight: height, maxHeight: tallest }) : height;
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

  const summary = miniHeatmapSummary({
    gpus: model.totals.gpus,
    used: model.totals.used,
    highlighted: highlight ? count : null,
    ghosts: ghosts ? { drawn: ghosts.cells.length, undrawn: ghosts.undrawn } : null,
    unplaced: ghosts?.gangs.filter((g) => !g.placed).length ?? 0,
    unplacedReasonsAt,
  });

  return (
    <figure ref={boxRef} className="m-0" data-testid="mini-heatmap" data-highlighted-gpus={count} data-ghost-gpus={ghosts?.cells.length ?? 0}>
      <HeatmapCanvas model={model} colors={colors} theme={theme} highlight={highlight} ghosts={ghosts} label={`Cluster heatmap: ${summary}`} height={canvasHeight} interactive={false} />
      <figcaption className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">{summary}</figcaption>
    </figure>
  );
}
