'use client';
/** What is under the pointer: a GPU (and the pod holding it), a node, or a domain frame. */
import type { HeatmapHit } from '../../lib/heatmap/hitTest';
import { frameWorkloads, NODE_CORDONED, NODE_NOT_READY, type HeatmapModel } from '../../lib/heatmap/model';

export const SLOT_NOTE = 'GPU index assigned by Canopy: Kubernetes does not say which device a pod holds, so pods on a node are sorted by name and given consecutive indices.';

function Row({ name, value }: { name: string; value: string }) {
  return (
    <>
      <dt className="text-zinc-500 dark:text-zinc-400">{name}</dt>
      <dd className="font-mono break-all">{value || '—'}</dd>
    </>
  );
}

export function HeatmapTooltip({ model, hit, x, y, ghostGang }: { model: HeatmapModel; hit: NonNullable<HeatmapHit>; x: number; y: number; ghostGang?: string }) {
  const { layout } = model;
  let body: React.ReactNode;
  if (hit.kind === 'frame') {
    const frame = layout.frames[hit.frame]!;
    const s = model.frameStats[hit.frame]!;
    body = (
      <dl className="grid grid-cols-[auto_1fr] gap-x-3">
        <Row name={frame.level} value={frame.value} />
        <Row name="GPUs" value={`${s.used} used / ${s.gpus} (${s.free} free${s.unavailable ? `, ${s.unavailable} unavailable` : ''})`} />
        <Row name="Workloads" value={frameWorkloads(model, hit.frame).join(', ')} />
      </dl>
    );
  } else {
    const n = hit.node;
    const box = layout.nodes[n]!;
    const status = model.nodeStatus[n] === NODE_NOT_READY ? 'NotReady' : model.nodeStatus[n] === NODE_CORDONED ? 'cordoned' : 'Ready';
    const pod = hit.kind === 'cell' ? model.pods[model.cellPod[hit.cell]!] : undefined;
    body = (
      <dl className="grid grid-cols-[auto_1fr] gap-x-3">
        <Row name="Node" value={`${box.name} (${status})`} />
        {hit.kind === 'cell' && <Row name="GPU" value={`${hit.gpu} of ${box.gpus}`} />}
        {hit.kind === 'cell' && <Row name="Pod" value={pod ? pod.key : 'free'} />}
        {pod && <Row name="PodClique" value={pod.podClique} />}
        {pod && <Row name="PodGang" value={pod.podGang} />}
        {pod && <Row name="PodCliqueSet" value={pod.podCliqueSet} />}
        {pod?.role && <Row name="Role" value={pod.role} />}
        {pod && <Row name="Phase" value={pod.phase} />}
        {ghostGang && <Row name="Planned" value={`gang ${ghostGang}`} />}
      </dl>
    );
  }
  return (
    <div
      role="tooltip"
      data-testid="heatmap-tooltip"
      className="pointer-events-none fixed z-40 max-w-sm rounded-md border border-zinc-300 bg-white/95 p-2 text-xs text-zinc-900 shadow-lg dark:border-zinc-700 dark:bg-zinc-900/95 dark:text-zinc-100"
      style={{ left: x + 14, top: y + 14 }}
    >
      {body}
      {hit.kind === 'cell' && <p className="mt-1 max-w-xs text-[10px] leading-snug text-zinc-500 dark:text-zinc-400">{SLOT_NOTE}</p>}
    </div>
  );
}
