'use client';
/**
 * What is under the pointer or the keyboard cursor: a GPU (and the pod holding it), a node, or a
 * domain frame. One list of facts (hitFacts) serves the tooltip and the sentence a screen reader hears,
 * so both always say the same.
 */
import { forwardRef, useImperativeHandle, useLayoutEffect, useRef, useState } from 'react';
import type { PodInfo } from '../../lib/cluster/state';
import { LABEL_PCSG } from '../../lib/grove/labels';
import type { HeatmapHit } from '../../lib/heatmap/hitTest';
import { freeText, nodeTaintsText } from '../../lib/heatmap/taints';
import { CELL_TAINTED, CELL_UNAVAILABLE, frameWorkloads, NODE_CORDONED, NODE_NOT_READY, type HeatmapModel } from '../../lib/heatmap/model';
import type { GhostOverlay } from '../../lib/heatmap/overlay';
import type { HoverInfo } from './HeatmapCanvas';

export const SLOT_NOTE = 'GPU index assigned by Canopy: Kubernetes does not say which device a pod holds, so pods on a node are sorted by name and given consecutive indices.';

export interface HitFact {
  name: string;
  value: string;
  /** Said after the value and drawn quieter: context that marks nothing (a taint every GPU node carries). */
  aside?: string;
}

/** The planned gang drawn as a ghost on `cell`, if any. */
export function ghostGangAt(ghosts: GhostOverlay | null, cell: number): string | undefined {
  if (!ghosts) return undefined;
  const i = ghosts.cells.indexOf(cell);
  return i >= 0 ? ghosts.gangs[ghosts.cellGang[i]!]!.name : undefined;
}

/**
 * Pod key → the PodCliqueScalingGroup its PodClique belongs to (the pod's grove.io/podcliquescalinggroup
 * label), for pods in one. Kept beside the model, which does not carry it.
 */
export type PodScalingGroups = ReadonlyMap<string, string>;

/** The scaling groups of the pods in one (by pod key). */
export function podScalingGroups(pods: readonly PodInfo[]): PodScalingGroups {
  const groups = new Map<string, string>();
  for (const pod of pods) {
    const group = pod.labels[LABEL_PCSG];
    if (group) groups.set(`${pod.namespace}/${pod.name}`, group);
  }
  return groups;
}

/** What a hit shows, as rows; null when the hit does not belong to this model's layout (a stale hover). */
export function hitFacts(model: HeatmapModel, hit: NonNullable<HeatmapHit>, ghosts: GhostOverlay | null, scalingGroups?: PodScalingGroups): HitFact[] | null {
  const { layout } = model;
  if (hit.kind === 'frame') {
    const frame = layout.frames[hit.frame];
    const s = model.frameStats[hit.frame];
    if (!frame || !s) return null;
    return [
      // The friendly name, as the frame and the domain table show it.
      { name: frame.level, value: frame.valueLabel },
      { name: 'GPUs', value: `${s.used} used / ${s.gpus} (${freeText(s)}${s.unavailable ? `, ${s.unavailable} unavailable` : ''})` },
      { name: 'Workloads', value: frameWorkloads(model, hit.frame).join(', ') },
    ];
  }
  const box = layout.nodes[hit.node];
  if (!box || (hit.kind === 'cell' && (hit.cell >= layout.cellCount || layout.cellNode[hit.cell] !== hit.node))) return null;
  const status = model.nodeStatus[hit.node] === NODE_NOT_READY ? 'NotReady' : model.nodeStatus[hit.node] === NODE_CORDONED ? 'cordoned' : 'Ready';
  const taints = model.nodeTaints.get(hit.node);
  const facts: HitFact[] = [{ name: 'Node', value: `${box.name} (${status}${taints ? ', tainted' : ''})` }];
  // Only the node's own taints make it "tainted"; the cluster-wide ones are named too (a person hovering
  // a node should see every taint a pod must tolerate there), as such and quieter.
  const taintText = nodeTaintsText(taints, box.gpus > 0 ? model.clusterTaints : []);
  if (taintText) facts.push({ name: 'Taints', value: taintText.own, ...(taintText.clusterWide ? { aside: taintText.clusterWide } : {}) });
  if (hit.kind !== 'cell') return facts;
  const pod = model.pods[model.cellPod[hit.cell]!];
  const cellStatus = model.cellStatus[hit.cell];
  facts.push({ name: 'GPU', value: `${hit.gpu} of ${box.gpus}` });
  facts.push({
    name: 'Pod',
    value: pod ? pod.key : cellStatus === CELL_UNAVAILABLE ? 'none (node unavailable)' : cellStatus === CELL_TAINTED ? 'none (free only for pods that tolerate the node’s taints)' : 'free',
  });
  if (pod) {
    facts.push({ name: 'PodClique', value: pod.podClique });
    const scalingGroup = scalingGroups?.get(pod.key);
    if (scalingGroup) facts.push({ name: 'Scaling group', value: scalingGroup });
    facts.push({ name: 'PodGang', value: pod.podGang }, { name: 'PodCliqueSet', value: pod.podCliqueSet });
    if (pod.role) facts.push({ name: 'Role', value: pod.role });
    facts.push({ name: 'Phase', value: pod.terminating ? `${pod.phase || 'unknown'}, terminating (deleted; holds its GPUs until it is gone)` : pod.phase });
  }
  const ghostGang = ghostGangAt(ghosts, hit.cell);
  if (ghostGang) facts.push({ name: 'Planned', value: `gang ${ghostGang}` });
  return facts;
}

/** The hit of one GPU cell. */
export function cellHit(model: HeatmapModel, cell: number): NonNullable<HeatmapHit> {
  return { kind: 'cell', cell, node: model.layout.cellNode[cell]!, gpu: model.layout.cellGpu[cell]! };
}

/** The facts of one GPU in one sentence, for the keyboard cursor's live region ('' when there is none). */
export function cellAnnouncement(model: HeatmapModel, cell: number, ghosts: GhostOverlay | null, scalingGroups?: PodScalingGroups): string {
  if (cell < 0 || cell >= model.layout.cellCount) return '';
  const facts = hitFacts(model, cellHit(model, cell), ghosts, scalingGroups);
  return facts ? facts.map((f) => `${f.name}: ${factText(f) || 'none'}`).join('; ') : '';
}

/** A fact's value with its aside, as one text. */
const factText = (f: HitFact): string => [f.value, f.aside].filter(Boolean).join(', ');

function Row({ name, value, aside }: HitFact) {
  return (
    <>
      <dt className="text-zinc-500 dark:text-zinc-400">{name}</dt>
      <dd className="font-mono break-all">
        {value || (aside ? '' : '—')}
        {aside && <span className="text-zinc-500 dark:text-zinc-400">{value ? ', ' : ''}{aside}</span>}
      </dd>
    </>
  );
}

/** How far (CSS px) the tooltip sits from the pointer, and the least it keeps from the window's edges. */
export const TOOLTIP_OFFSET = 14;
export const TOOLTIP_EDGE_MARGIN = 8;

/**
 * Where a tooltip of `size` goes for a pointer at (x, y) in a window of `viewport` (all CSS px): below
 * and right of the pointer; flipped to the left / above where it would cross the right / bottom edge;
 * and where neither side has room, pushed in from the edge (it may then cover the pointer, never leave the window).
 */
export function tooltipPosition(pointer: { x: number; y: number }, size: { width: number; height: number }, viewport: { width: number; height: number }): { left: number; top: number } {
  const place = (at: number, extent: number, room: number): number => {
    const after = at + TOOLTIP_OFFSET;
    if (after + extent <= room - TOOLTIP_EDGE_MARGIN) return after;
    const before = at - TOOLTIP_OFFSET - extent;
    if (before >= TOOLTIP_EDGE_MARGIN) return before;
    return Math.max(TOOLTIP_EDGE_MARGIN, Math.min(after, room - TOOLTIP_EDGE_MARGIN - extent));
  };
  return { left: place(pointer.x, size.width, viewport.width), top: place(pointer.y, size.height, viewport.height) };
}

export function HeatmapTooltip({ model, hit, x, y, ghosts, scalingGroups }: { model: HeatmapModel; hit: NonNullable<HeatmapHit>; x: number; y: number; ghosts: GhostOverlay | null; scalingGroups?: PodScalingGroups }) {
  const facts = hitFacts(model, hit, ghosts, scalingGroups);
  const box = useRef<HTMLDivElement>(null);
  // Placed once its size is known, before the browser paints it: near the window's right or bottom
  // edge it flips to the pointer's other side instead of running off-screen.
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    // Measured at the window's corner: where it was, near the right edge, a fixed box shrinks to the
    // room left, and placed by that narrow size it would widen again over the pointer.
    el.style.left = '0px';
    el.style.top = '0px';
    const { left, top } = tooltipPosition({ x, y }, { width: el.offsetWidth, height: el.offsetHeight }, { width: document.documentElement.clientWidth, height: document.documentElement.clientHeight });
    el.style.left = `${left}px`;
    el.style.top = `${top}px`;
  });
  if (!facts) return null;
  return (
    <div
      ref={box}
      role="tooltip"
      data-testid="heatmap-tooltip"
      className="pointer-events-none fixed z-40 rounded-md border border-zinc-300 bg-white/95 p-2 text-xs text-zinc-900 shadow-lg dark:border-zinc-700 dark:bg-zinc-900/95 dark:text-zinc-100"
      // Never wider than the window (less its margins), so there is always a place where it fits.
      style={{ left: x + TOOLTIP_OFFSET, top: y + TOOLTIP_OFFSET, maxWidth: `min(24rem, calc(100vw - ${2 * TOOLTIP_EDGE_MARGIN}px))` }}
    >
      <dl className="grid grid-cols-[auto_1fr] gap-x-3">
        {facts.map((f, i) => (
          // By position: a topology level may be named like a fixed row ("GPUs", "Workloads").
          <Row key={i} {...f} />
        ))}
      </dl>
      {hit.kind === 'cell' && <p className="mt-1 max-w-xs text-[10px] leading-snug text-zinc-500 dark:text-zinc-400">{SLOT_NOTE}</p>}
    </div>
  );
}

export interface HoverTooltipHandle {
  /** What the pointer is over now (null: nothing, hide). */
  show(hover: HoverInfo | null): void;
}

/**
 * The tooltip that follows the pointer. It owns the hover state, so a mouse move re-renders this
 * small component only, not the page around the canvas (controls, legend, domain table).
 */
export const HoverTooltip = forwardRef<HoverTooltipHandle, { model: HeatmapModel; ghosts: GhostOverlay | null; scalingGroups?: PodScalingGroups }>(function HoverTooltip({ model, ghosts, scalingGroups }, ref) {
  const [hover, setHover] = useState<HoverInfo | null>(null);
  useImperativeHandle(ref, () => ({ show: setHover }), []);
  return hover ? <HeatmapTooltip model={model} hit={hover.hit} x={hover.clientX} y={hover.clientY} ghosts={ghosts} scalingGroups={scalingGroups} /> : null;
});
