'use client';
/**
 * The accessible alternative to the canvas: one row per domain frame of the same model (so the
 * numbers are the picture's numbers), with the selected workload's GPUs per domain when one is selected.
 */
import { memo, useMemo, useState } from 'react';
import { frameWorkloads, NODE_CORDONED, NODE_NOT_READY, type HeatmapModel } from '../../lib/heatmap/model';
import { clusterTaintsText } from '../../lib/heatmap/taints';

const LIMIT = 300;

/** Nodes with NoSchedule/NoExecute taints not every GPU node carries, in layout order; a cordoned or NotReady one says so (its GPUs count as unavailable). */
export function taintedNodes(model: HeatmapModel): { node: string; taints: readonly string[]; status: string }[] {
  return [...model.nodeTaints.entries()]
    .sort(([a], [b]) => a - b)
    .map(([n, taints]) => ({ node: model.layout.nodes[n]!.name, taints, status: model.nodeStatus[n] === NODE_NOT_READY ? 'NotReady' : model.nodeStatus[n] === NODE_CORDONED ? 'cordoned' : '' }));
}

/** Memoised: the page re-renders on every hover move, the table only when its props change. */
export const DomainTable = memo(function DomainTable({ model, highlight, selected, onFocusFrame }: { model: HeatmapModel; highlight: Uint8Array | null; selected: string | null; onFocusFrame: (frame: number) => void }) {
  const [all, setAll] = useState(false);
  const { layout } = model;
  const selectedPerFrame = useMemo(() => {
    if (!highlight) return null;
    const perNode = layout.nodes.map((box) => {
      let n = 0;
      for (let c = box.firstCell; c < box.firstCell + box.gpus; c++) n += highlight[c]!;
      return n;
    });
    return layout.frames.map((f) => {
      let n = 0;
      for (let i = f.nodeStart; i < f.nodeEnd; i++) n += perNode[i]!;
      return n;
    });
  }, [layout, highlight]);
  const highlighted = highlight ? highlight.reduce((s, v) => s + v, 0) : 0;
  const frames = all ? layout.frames : layout.frames.slice(0, LIMIT);
  const t = model.totals;
  const tainted = useMemo(() => taintedNodes(model), [model]);
  const clusterTaintNote = clusterTaintsText(model.clusterTaints);
  const cell = 'px-2 py-1 text-right tabular-nums';
  return (
    <div className="overflow-x-auto">
      <table className="w-full border-collapse text-sm" data-testid="domain-table">
        <caption className="mb-1 text-left text-sm text-zinc-600 dark:text-zinc-400">
          GPUs per topology domain ({layout.visibleLevels.length ? layout.visibleLevels.join(' › ') : 'no levels shown'}), the same numbers as the map.
          {selected && (
            <>
              {' '}
              Selected workload <strong>{selected}</strong>: <span data-testid="highlighted-gpus">{highlighted}</span> GPUs highlighted.
            </>
          )}
        </caption>
        <thead>
          <tr className="border-b border-zinc-300 text-left dark:border-zinc-700">
            <th scope="col" className="px-2 py-1">Domain</th>
            <th scope="col" className={cell}>GPUs</th>
            <th scope="col" className={cell}>Used</th>
            <th scope="col" className={cell}>Free</th>
            <th scope="col" className={cell} title="Of the free GPUs, those on nodes with a NoSchedule or NoExecute taint not every GPU node carries: free only for pods that tolerate it">
              Of free, on tainted nodes
            </th>
            <th scope="col" className={cell}>Unavailable</th>
            {selectedPerFrame && <th scope="col" className={cell}>Selected</th>}
            <th scope="col" className="px-2 py-1">Workloads</th>
          </tr>
        </thead>
        <tbody>
          {frames.map((frame) => {
            const s = model.frameStats[frame.index]!;
            return (
              <tr key={frame.id} data-domain={frame.id} className="border-b border-zinc-100 dark:border-zinc-800">
                <th scope="row" className="px-2 py-1 text-left font-normal" style={{ paddingLeft: `${0.5 + frame.depth * 1.25}rem` }}>
                  <button type="button" className="underline decoration-dotted underline-offset-2" onClick={() => onFocusFrame(frame.index)} title={frame.value}>
                    {frame.label}
                  </button>
                </th>
                <td className={cell}>{s.gpus}</td>
                <td className={cell}>{s.used}</td>
                <td className={cell}>{s.free}</td>
                <td className={cell}>{s.tainted}</td>
                <td className={cell}>{s.unavailable}</td>
                {selectedPerFrame && <td className={cell}>{selectedPerFrame[frame.index]}</td>}
                <td className="px-2 py-1 text-xs">{frameWorkloads(model, frame.index).join(', ')}</td>
              </tr>
            );
          })}
        </tbody>
        <tfoot>
          <tr className="border-t border-zinc-300 font-semibold dark:border-zinc-700">
            <th scope="row" className="px-2 py-1 text-left">All ({t.nodes} nodes)</th>
            <td className={cell} data-testid="table-total-gpus">{t.gpus}</td>
            <td className={cell}>{t.used}</td>
            <td className={cell}>{t.free}</td>
            <td className={cell} data-testid="table-total-tainted">{t.tainted}</td>
            <td className={cell}>{t.unavailable}</td>
            {selectedPerFrame && <td className={cell}>{highlighted}</td>}
            <td className="px-2 py-1 text-xs">{model.workloads.length} workloads</td>
          </tr>
        </tfoot>
      </table>
      {tainted.length > 0 && (
        <div className="mt-2 text-sm" data-testid="tainted-nodes">
          <h3 className="font-medium">Tainted nodes ({tainted.length})</h3>
          <p className="text-xs text-zinc-600 dark:text-zinc-400">Their free GPUs are part of “Free” and counted again under “Of free, on tainted nodes”: only pods that tolerate the taints may use them.</p>
          <ul className="ml-4 list-disc">
            {tainted.slice(0, LIMIT).map(({ node, taints, status }) => (
              <li key={node}>
                {node}
                {status ? ` (${status})` : ''}: {taints.join(', ')}
              </li>
            ))}
          </ul>
        </div>
      )}
      {clusterTaintNote && (
        <p className="mt-2 text-sm" data-testid="cluster-taints">
          {clusterTaintNote}.
        </p>
      )}
      {!all && layout.frames.length > LIMIT && (
        <button type="button" className="mt-2 rounded-md border border-zinc-300 px-2 py-1 text-sm dark:border-zinc-700" onClick={() => setAll(true)}>
          Show all {layout.frames.length} domains
        </button>
      )}
    </div>
  );
});
