'use client';
/**
 * The accessible alternative to the canvas: one row per domain frame of the same model (so the
 * numbers are the picture's numbers), with the selected workload's GPUs per domain when one is selected,
 * and a placement preview's planned GPUs (its ghosts) per domain when one is shown.
 *
 * A large cluster has tens of thousands of domains: the first LIMIT rows are plain rows; "Show all"
 * renders only the rows in view of a scrolling box (@tanstack/react-virtual), and the table says how
 * many rows it has and where each shown row is (aria-rowcount / aria-rowindex), so screen readers
 * still read it as one table. A row's workloads are looked up only when the row is rendered.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import type { HeatmapLayout } from '../../lib/heatmap/layout';
import { frameWorkloads, NODE_CORDONED, NODE_NOT_READY, type HeatmapModel } from '../../lib/heatmap/model';
import type { GhostOverlay } from '../../lib/heatmap/overlay';
import { clusterTaintsText } from '../../lib/heatmap/taints';
import { count } from './headerSummary';

/** Rows (domains, tainted nodes) shown before "Show all". */
export const LIMIT = 300;
/** Height of the scrolling box of a list shown in full, and a row's height before it is measured. */
const SCROLL_HEIGHT = 600;
const ROW_ESTIMATE = 29;
/** Rows rendered beyond the box's edges, so a short scroll shows no blank rows. */
const OVERSCAN = 12;

/** A virtualiser over `count` rows in the box `scroller`; a first render (and the server's) shows the first box-full. */
function useRows(rowCount: number, scroller: RefObject<HTMLDivElement | null>) {
  return useVirtualizer({ count: rowCount, getScrollElement: () => scroller.current, estimateSize: () => ROW_ESTIMATE, overscan: OVERSCAN, initialRect: { width: 0, height: SCROLL_HEIGHT } });
}

/**
 * A list cut to LIMIT rows until "Show all": then every row, windowed (only the rows in view of the
 * scrolling box are rendered). A short list is plain rows (nothing to scroll inside). `indices`: the rows to render.
 */
function useCutList(total: number, all: boolean, show: () => void) {
  const shown = all ? total : Math.min(LIMIT, total);
  const windowed = shown > LIMIT;
  const scroller = useRef<HTMLDivElement>(null);
  const showAll = useFocusAfterShowAll(scroller, windowed, show);
  const rows = useRows(windowed ? shown : 0, scroller);
  const items = windowed ? rows.getVirtualItems() : null;
  const indices = items ? items.map((item) => item.index) : Array.from({ length: shown }, (_, i) => i);
  return { shown, windowed, scroller, showAll, rows, items, indices };
}

/** The blank space standing for rows not rendered above or below (hidden from screen readers: aria-rowcount counts them). */
function Spacer({ height, columns }: { height: number; columns: number }) {
  return height > 0 ? (
    <tr aria-hidden="true">
      <td colSpan={columns} style={{ height, padding: 0 }} />
    </tr>
  ) : null;
}

/** Nodes with NoSchedule/NoExecute taints not every GPU node carries, in layout order; a cordoned or NotReady one says so (its GPUs count as unavailable). */
export function taintedNodes(model: HeatmapModel): { node: string; taints: readonly string[]; status: string }[] {
  return [...model.nodeTaints.entries()]
    .sort(([a], [b]) => a - b)
    .map(([n, taints]) => ({ node: model.layout.nodes[n]!.name, taints, status: model.nodeStatus[n] === NODE_NOT_READY ? 'NotReady' : model.nodeStatus[n] === NODE_CORDONED ? 'cordoned' : '' }));
}

/** Per domain frame, the sum over its nodes of `perNode` (a frame's nodes are contiguous in the layout). */
function perFrame(layout: HeatmapLayout, perNode: ArrayLike<number>): number[] {
  return layout.frames.map((f) => {
    let n = 0;
    for (let i = f.nodeStart; i < f.nodeEnd; i++) n += perNode[i]!;
    return n;
  });
}

/** Per domain frame, the GPUs a preview plans there: its ghost cells (planned GPUs with no cell on the map are in none). */
export function plannedPerFrame(layout: HeatmapLayout, ghosts: Pick<GhostOverlay, 'cells'>): number[] {
  const perNode = new Int32Array(layout.nodes.length);
  for (const c of ghosts.cells) perNode[layout.cellNode[c]!]!++;
  return perFrame(layout, perNode);
}

/** Memoised: the page re-renders on every hover move, the table only when its props change. */
export const DomainTable = memo(function DomainTable({
  model,
  highlight,
  selected,
  onFocusFrame,
  planned = null,
  initialShowAll = false,
}: {
  model: HeatmapModel;
  highlight: Uint8Array | null;
  selected: string | null;
  onFocusFrame: (frame: number) => void;
  /**
   * The placement preview shown on the map, if any: a Planned column says its GPUs per domain, so the
   * reasons a later gang of it does not fit (which count what its earlier gangs take) add up.
   */
  planned?: GhostOverlay | null;
  /** Start with every domain and tainted node shown (tests; the page starts with LIMIT). */
  initialShowAll?: boolean;
}) {
  const [all, setAll] = useState(initialShowAll);
  const { layout } = model;
  const selectedPerFrame = useMemo(() => {
    if (!highlight) return null;
    const perNode = layout.nodes.map((box) => {
      let n = 0;
      for (let c = box.firstCell; c < box.firstCell + box.gpus; c++) n += highlight[c]!;
      return n;
    });
    return perFrame(layout, perNode);
  }, [layout, highlight]);
  const highlighted = highlight ? highlight.reduce((s, v) => s + v, 0) : 0;
  const plannedFrames = useMemo(() => (planned ? plannedPerFrame(layout, planned) : null), [layout, planned]);
  const { shown, windowed, scroller, showAll, rows, items, indices } = useCutList(layout.frames.length, all, () => setAll(true));
  const columns = 7 + (selectedPerFrame ? 1 : 0) + (plannedFrames ? 1 : 0);
  const t = model.totals;
  const tainted = useMemo(() => taintedNodes(model), [model]);
  const clusterTaintNote = clusterTaintsText(model.clusterTaints);
  const cell = 'px-2 py-1 text-right tabular-nums';
  return (
    <div>
      <div
        ref={scroller}
        className={windowed ? 'overflow-auto' : 'overflow-x-auto'}
        style={windowed ? { maxHeight: SCROLL_HEIGHT } : undefined}
        {...(windowed ? { tabIndex: 0, role: 'region', 'aria-label': `Table of ${count(shown)} domains: scroll for more rows` } : {})}
        data-testid="domain-table-scroller"
      >
        <table className="w-full border-collapse text-sm" data-testid="domain-table" {...(windowed ? { 'aria-rowcount': shown + 2 } : {})}>
          <caption className="mb-1 text-left text-sm text-zinc-600 dark:text-zinc-400">
            GPUs per topology domain ({layout.visibleLevels.length ? layout.visibleLevels.join(' › ') : 'no levels shown'}), the same numbers as the map; a domain’s name zooms the map to it.
            {shown < layout.frames.length && ` The first ${count(shown)} of ${count(layout.frames.length)} domains are shown.`}
            {selected && (
              <>
                {' '}
                Selected workload <strong>{selected}</strong>: <span data-testid="highlighted-gpus">{highlighted}</span> GPUs highlighted.
              </>
            )}
            {plannedFrames && (
              <span data-testid="domain-table-planned-note">
                {' '}
                Planned: the GPUs the placement preview would take (its ghosts), still counted as free, or as used where they are GPUs of the running pods an update replaces; a gang of it that does not fit is judged after its earlier gangs took theirs.
              </span>
            )}
          </caption>
          <thead className={windowed ? 'sticky top-0 z-10 bg-white dark:bg-zinc-950' : undefined}>
            <tr className="border-b border-zinc-300 text-left dark:border-zinc-700" {...(windowed ? { 'aria-rowindex': 1 } : {})}>
              <th scope="col" className="px-2 py-1">Domain</th>
              <th scope="col" className={cell}>GPUs</th>
              <th scope="col" className={cell}>Used</th>
              <th scope="col" className={cell}>Free</th>
              {plannedFrames && (
                <th scope="col" className={cell} title="GPUs the placement preview would take here (its ghosts): part of Free until it is applied">
                  Planned (preview)
                </th>
              )}
              <th scope="col" className={cell} title="Of the free GPUs, those on nodes with a NoSchedule or NoExecute taint not every GPU node carries: free only for pods that tolerate it">
                Of free, on tainted nodes
              </th>
              <th scope="col" className={cell}>Unavailable</th>
              {selectedPerFrame && <th scope="col" className={cell}>Selected</th>}
              <th scope="col" className="px-2 py-1">Workloads</th>
            </tr>
          </thead>
          <tbody>
            {items && <Spacer height={items[0]?.start ?? 0} columns={columns} />}
            {indices.map((i) => {
              const frame = layout.frames[i]!;
              const s = model.frameStats[frame.index]!;
              return (
                <tr
                  key={frame.id}
                  data-domain={frame.id}
                  className="border-b border-zinc-100 dark:border-zinc-800"
                  {...(items ? { 'aria-rowindex': i + 2, 'data-index': i, ref: rows.measureElement } : {})}
                >
                  <th scope="row" className="px-2 py-1 text-left font-normal" style={{ paddingLeft: `${0.5 + frame.depth * 1.25}rem` }}>
                    <button type="button" className="underline decoration-dotted underline-offset-2" onClick={() => onFocusFrame(frame.index)} title={frame.value}>
                      {frame.label}
                    </button>
                  </th>
                  <td className={cell}>{s.gpus}</td>
                  <td className={cell}>{s.used}</td>
                  <td className={cell}>{s.free}</td>
                  {plannedFrames && <td className={cell}>{plannedFrames[frame.index]}</td>}
                  <td className={cell}>{s.tainted}</td>
                  <td className={cell}>{s.unavailable}</td>
                  {selectedPerFrame && <td className={cell}>{selectedPerFrame[frame.index]}</td>}
                  <td className="px-2 py-1 text-xs">{frameWorkloads(model, frame.index).join(', ')}</td>
                </tr>
              );
            })}
            {items && <Spacer height={rows.getTotalSize() - (items[items.length - 1]?.end ?? 0)} columns={columns} />}
          </tbody>
          <tfoot className={windowed ? 'sticky bottom-0 z-10 bg-white dark:bg-zinc-950' : undefined}>
            <tr className="border-t border-zinc-300 font-semibold dark:border-zinc-700" {...(windowed ? { 'aria-rowindex': shown + 2 } : {})}>
              <th scope="row" className="px-2 py-1 text-left">All ({t.nodes} nodes)</th>
              <td className={cell} data-testid="table-total-gpus">{t.gpus}</td>
              <td className={cell}>{t.used}</td>
              <td className={cell}>{t.free}</td>
              {planned && <td className={cell} data-testid="table-total-planned">{planned.cells.length}</td>}
              <td className={cell} data-testid="table-total-tainted">{t.tainted}</td>
              <td className={cell}>{t.unavailable}</td>
              {selectedPerFrame && <td className={cell}>{highlighted}</td>}
              <td className="px-2 py-1 text-xs">{model.workloads.length} workloads</td>
            </tr>
          </tfoot>
        </table>
      </div>
      {!all && layout.frames.length > LIMIT && (
        <button type="button" className="mt-2 rounded-md border border-zinc-300 px-2 py-1 text-sm dark:border-zinc-700" onClick={showAll}>
          Show all {layout.frames.length} domains
        </button>
      )}
      {tainted.length > 0 && <TaintedNodes tainted={tainted} showAll={all} />}
      {clusterTaintNote && (
        <p className="mt-2 text-sm" data-testid="cluster-taints">
          {clusterTaintNote}.
        </p>
      )}
    </div>
  );
});

/**
 * A "Show all" button removes itself: the keyboard's focus moves to the scrolling box that replaces the
 * cut list (focusable and named), not back to the page's start.
 */
function useFocusAfterShowAll(scroller: RefObject<HTMLDivElement | null>, windowed: boolean, show: () => void): () => void {
  const asked = useRef(false);
  useEffect(() => {
    if (windowed && asked.current) scroller.current?.focus();
    asked.current = false;
  }, [windowed, scroller]);
  return () => {
    asked.current = true;
    show();
  };
}

/** The tainted nodes: the first LIMIT, all of them (windowed) after either "Show all". */
function TaintedNodes({ tainted, showAll }: { tainted: ReturnType<typeof taintedNodes>; showAll: boolean }) {
  const [own, setOwn] = useState(false);
  const all = showAll || own;
  const { shown, windowed, scroller, showAll: showAllTainted, rows, items, indices } = useCutList(tainted.length, all, () => setOwn(true));
  const top = items?.[0]?.start ?? 0;
  const bottom = items ? rows.getTotalSize() - (items[items.length - 1]?.end ?? 0) : 0;
  return (
    <div className="mt-2 text-sm" data-testid="tainted-nodes">
      <h3 className="font-medium">Tainted nodes ({count(tainted.length)})</h3>
      <p className="text-xs text-zinc-600 dark:text-zinc-400">Their free GPUs are part of “Free” and counted again under “Of free, on tainted nodes”: only pods that tolerate the taints may use them.</p>
      <div
        ref={scroller}
        style={windowed ? { maxHeight: SCROLL_HEIGHT, overflowY: 'auto' } : undefined}
        {...(windowed ? { tabIndex: 0, role: 'region', 'aria-label': `List of ${count(shown)} tainted nodes: scroll for more` } : {})}
      >
        <ul className="ml-4 list-disc" style={windowed ? { paddingTop: top, paddingBottom: bottom } : undefined}>
          {indices.map((i) => {
            const { node, taints, status } = tainted[i]!;
            return (
              <li key={node} {...(items ? { 'aria-setsize': shown, 'aria-posinset': i + 1, 'data-index': i, ref: rows.measureElement } : {})}>
                {node}
                {status ? ` (${status})` : ''}: {taints.join(', ')}
              </li>
            );
          })}
        </ul>
      </div>
      {!all && tainted.length > LIMIT && (
        <p className="mt-1 text-xs" data-testid="tainted-nodes-cut">
          {count(LIMIT)} of {count(tainted.length)} shown.{' '}
          <button type="button" className="rounded-md border border-zinc-300 px-2 py-0.5 dark:border-zinc-700" onClick={showAllTainted}>
            Show all {count(tainted.length)} tainted nodes
          </button>
        </p>
      )}
    </div>
  );
}
