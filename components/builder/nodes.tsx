'use client';

import { BaseEdge, getBezierPath, Handle, Position, type EdgeProps, type Node, type NodeProps } from '@xyflow/react';
import { ROLE_KIND_LABELS, type RoleKind } from '@/lib/builder/graph';
import { CLIQUE_SIZE } from '@/lib/builder/layout';
import { plural } from '@/lib/workloads/plural';
import type { StartupFlowEdge } from './flowEdges';

export interface CliqueNodeData extends Record<string, unknown> {
  name: string;
  roleName: string;
  kind: RoleKind;
  replicas: number | null;
  gpus: number;
  group: string | null;
  errors: number;
  warnings: number;
  budgetUsed: number;
  budget: number;
}

export interface GroupNodeData extends Record<string, unknown> {
  name: string;
  replicas: number | null;
  minAvailable: number | null;
  members: number;
  errors: number;
  warnings: number;
  width: number;
  height: number;
}

export type CliqueFlowNode = Node<CliqueNodeData, 'clique'>;
export type GroupFlowNode = Node<GroupNodeData, 'frame'>;
export type BuilderFlowNode = CliqueFlowNode | GroupFlowNode;

/** Accent per role kind: a left stripe, readable in both modes. */
export const KIND_ACCENT: Record<RoleKind, string> = {
  // The dark: variants restate the stripe, which the nodes' dark border colour would otherwise paint over.
  frontend: 'border-l-sky-500 dark:border-l-sky-400',
  'prefill-leader': 'border-l-violet-600 dark:border-l-violet-400',
  'prefill-worker': 'border-l-violet-400 dark:border-l-violet-300',
  'decode-leader': 'border-l-emerald-600 dark:border-l-emerald-400',
  'decode-worker': 'border-l-emerald-400 dark:border-l-emerald-300',
  generic: 'border-l-zinc-400 dark:border-l-zinc-500',
};

function FindingBadge({ errors, warnings }: { errors: number; warnings: number }) {
  if (errors + warnings === 0) return null;
  return (
    <span
      data-testid="node-findings"
      className={`ml-auto shrink-0 rounded px-1.5 text-[10px] font-semibold ${errors ? 'bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300' : 'bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300'}`}
      title={`${errors} error(s), ${warnings} warning(s)`}
    >
      {errors ? plural(errors, 'error') : plural(warnings, 'warning')}
    </span>
  );
}

export function CliqueNodeView({ data, selected }: NodeProps<CliqueFlowNode>) {
  const over = data.budgetUsed > data.budget;
  return (
    <div
      data-testid={`clique-${data.name}`}
      data-kind={data.kind}
      data-group={data.group ?? ''}
      data-errors={data.errors}
      style={{ width: CLIQUE_SIZE.width, height: CLIQUE_SIZE.height }}
      className={`flex flex-col justify-center gap-0.5 rounded-md border border-l-4 bg-white px-2.5 py-1.5 text-xs shadow-sm dark:bg-zinc-900 ${KIND_ACCENT[data.kind]} ${
        data.errors ? 'border-red-500 dark:border-red-500' : selected ? 'border-blue-500 dark:border-blue-400' : 'border-zinc-300 dark:border-zinc-700'
      } ${selected ? 'ring-2 ring-blue-500/60' : ''}`}
    >
      <Handle type="target" position={Position.Left} id="in" data-testid={`handle-in-${data.name}`} className="!h-3 !w-3 !bg-zinc-500" title={`${data.name} starts after… (drag from another clique’s right handle)`} />
      <div className="flex items-center gap-1.5">
        <span className="truncate font-semibold text-zinc-900 dark:text-zinc-100">{data.name || '(no name)'}</span>
        <FindingBadge errors={data.errors} warnings={data.warnings} />
      </div>
      <div className="flex items-center gap-2 text-[11px] text-zinc-600 dark:text-zinc-400">
        <span>{ROLE_KIND_LABELS[data.kind]}</span>
        <span>×{data.replicas ?? '?'}</span>
        {data.gpus > 0 && <span>{data.gpus} GPU</span>}
        <span className={`ml-auto ${over ? 'font-semibold text-red-700 dark:text-red-400' : ''}`} title="name budget: PodCliqueSet + scaling group + clique name characters">
          {data.budgetUsed}/{data.budget}
        </span>
      </div>
      <Handle type="source" position={Position.Right} id="out" data-testid={`handle-out-${data.name}`} className="!h-3 !w-3 !bg-blue-600" title={`…start after ${data.name} (drag to another clique’s left handle)`} />
    </div>
  );
}

export function GroupNodeView({ data, selected }: NodeProps<GroupFlowNode>) {
  return (
    <div
      data-testid={`group-${data.name}`}
      data-errors={data.errors}
      style={{ width: data.width, height: data.height }}
      className={`rounded-lg border-2 border-dashed bg-zinc-50/70 dark:bg-zinc-900/40 ${
        data.errors ? 'border-red-400 dark:border-red-600' : selected ? 'border-blue-500 dark:border-blue-400' : 'border-zinc-300 dark:border-zinc-700'
      }`}
    >
      <div className="flex items-center gap-2 px-2.5 py-1.5 text-xs">
        <span className="font-semibold text-zinc-800 dark:text-zinc-200">{data.name}</span>
        <span className="text-zinc-500 dark:text-zinc-400">
          scaling group ×{data.replicas ?? 1} · min {data.minAvailable ?? 1}
        </span>
        <FindingBadge errors={data.errors} warnings={data.warnings} />
      </div>
      {data.members === 0 && <p className="px-3 pt-3 text-center text-xs text-zinc-500 dark:text-zinc-400">Drag cliques here, or select this frame and add them from the palette</p>}
    </div>
  );
}

/** Not `group`: React Flow styles its built-in group type with a border and padding of its own. */
export const NODE_TYPES = { clique: CliqueNodeView, frame: GroupNodeView };

/** A startup edge with its meaning as a tooltip (implied and ignored edges say why they look as they do). */
export function StartupEdgeView({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, markerEnd, style, data, interactionWidth }: EdgeProps<StartupFlowEdge>) {
  const [path] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  return (
    <g data-testid={`edge-${id}`} data-kind={data?.kind}>
      <title>{data?.why}</title>
      {/* The focus ring, under the edge's line: shown only while the edge has keyboard focus (app/globals.css). */}
      <path d={path} className="canopy-edge-focus-ring" />
      <BaseEdge id={id} path={path} markerEnd={markerEnd} style={style} interactionWidth={interactionWidth} />
    </g>
  );
}

export const EDGE_TYPES = { startup: StartupEdgeView };
