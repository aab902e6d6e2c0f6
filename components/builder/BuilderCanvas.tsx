'use client';

import '@xyflow/react/dist/style.css';
import { useCallback, useEffect, useMemo, useState, type DragEvent } from 'react';
import {
  applyNodeChanges,
  Background,
  Controls,
  MarkerType,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Connection,
  type Edge,
  type NodeChange,
  type OnSelectionChangeParams,
} from '@xyflow/react';
import type { BuilderGraph, RoleKind } from '@/lib/builder/graph';
import type { FindingCounts } from '@/lib/builder/findings';
import { CLIQUE_SIZE, cliqueKey, groupFrame, groupKey, kindOf, type Layout, type Point } from '@/lib/builder/layout';
import { NAME_BUDGET, nameBudgetUsed } from '@/lib/grove/naming';
import { NODE_TYPES, type BuilderFlowNode } from './nodes';

/** MIME type of a palette drag: the role kind, or "group" for a scaling group. */
export const PALETTE_MIME = 'application/x-canopy-palette';

export interface CanvasSelection {
  cliques: string[];
  groups: string[];
  /** Edge ids `from->to`. */
  edges: string[];
}

export const edgeId = (from: string, to: string) => `${from}->${to}`;

interface BuilderCanvasProps {
  graph: BuilderGraph;
  layout: Layout;
  counts: Record<string, FindingCounts>;
  dark: boolean;
  /** Node to select (and centre on) from outside: a finding clicked, a clique added by keyboard. */
  focusKey: string | null;
  onDropItem: (item: RoleKind | 'group', topLeft: Point) => void;
  onConnect: (from: string, to: string) => void;
  /** Absolute top-left corners of the cliques / groups a drag moved. */
  onMoved: (moves: { key: string; position: Point }[]) => void;
  onSelectionChange: (selection: CanvasSelection) => void;
}

function toFlowNodes(graph: BuilderGraph, layout: Layout, counts: Record<string, FindingCounts>, selected: ReadonlySet<string>): BuilderFlowNode[] {
  const nodes: BuilderFlowNode[] = [];
  const frames = new Map<string, Point>();
  for (const g of graph.groups) {
    const frame = groupFrame(layout, graph, g.name);
    frames.set(g.name, frame);
    const c = counts[groupKey(g.name)] ?? { errors: 0, warnings: 0 };
    nodes.push({
      id: groupKey(g.name),
      type: 'group',
      position: { x: frame.x, y: frame.y },
      data: { name: g.name, replicas: g.replicas, minAvailable: g.minAvailable, members: g.cliqueNames.length, errors: c.errors, warnings: c.warnings, width: frame.width, height: frame.height },
      style: { width: frame.width, height: frame.height },
      selected: selected.has(groupKey(g.name)),
      zIndex: 0,
      ariaLabel: `scaling group ${g.name}`,
    });
  }
  for (const c of graph.cliques) {
    const abs = layout.positions[cliqueKey(c.name)] ?? { x: 0, y: 0 };
    const parent = c.group ? frames.get(c.group) : undefined;
    const counted = counts[cliqueKey(c.name)] ?? { errors: 0, warnings: 0 };
    nodes.push({
      id: cliqueKey(c.name),
      type: 'clique',
      position: parent ? { x: abs.x - parent.x, y: abs.y - parent.y } : abs,
      ...(parent ? { parentId: groupKey(c.group!) } : {}),
      data: {
        name: c.name,
        roleName: c.roleName,
        kind: kindOf(layout, c.name, c.roleName),
        replicas: c.replicas,
        gpus: c.gpus,
        group: c.group,
        errors: counted.errors,
        warnings: counted.warnings,
        budgetUsed: nameBudgetUsed(graph.name, c.name, c.group ?? undefined),
        budget: NAME_BUDGET,
      },
      selected: selected.has(cliqueKey(c.name)),
      zIndex: 1,
      ariaLabel: `clique ${c.name}`,
      width: CLIQUE_SIZE.width,
      height: CLIQUE_SIZE.height,
    });
  }
  return nodes;
}

export function BuilderCanvas({ graph, layout, counts, dark, focusKey, onDropItem, onConnect, onMoved, onSelectionChange }: BuilderCanvasProps) {
  const flow = useReactFlow();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [selectedEdges, setSelectedEdges] = useState<ReadonlySet<string>>(new Set());
  const derived = useMemo(() => toFlowNodes(graph, layout, counts, selected), [graph, layout, counts, selected]);
  // Local copy so drags move smoothly; replaced whenever the model changes.
  const [nodes, setNodes] = useState<BuilderFlowNode[]>(derived);
  useEffect(() => setNodes(derived), [derived]);

  useEffect(() => {
    if (!focusKey) return;
    setSelected(new Set([focusKey]));
    const node = flow.getNode(focusKey);
    if (node) void flow.fitView({ nodes: [node], maxZoom: 1.2, duration: 200 });
  }, [focusKey, flow]);

  const edges: Edge[] = useMemo(
    () =>
      graph.edges.map((e) => ({
        id: edgeId(e.from, e.to),
        source: cliqueKey(e.from),
        target: cliqueKey(e.to),
        sourceHandle: 'out',
        targetHandle: 'in',
        markerEnd: { type: MarkerType.ArrowClosed },
        selected: selectedEdges.has(edgeId(e.from, e.to)),
        ariaLabel: `${e.to} starts after ${e.from}`,
        zIndex: 2,
        style: { strokeWidth: 2 },
      })),
    [graph.edges, selectedEdges],
  );

  const onNodesChange = useCallback((changes: NodeChange<BuilderFlowNode>[]) => {
    setNodes((current) => applyNodeChanges(changes, current));
  }, []);

  const handleSelection = useCallback(
    ({ nodes: ns, edges: es }: OnSelectionChangeParams) => {
      const keys = new Set(ns.map((n) => n.id));
      setSelected((prev) => (prev.size === keys.size && [...keys].every((k) => prev.has(k)) ? prev : keys));
      const edgeKeys = new Set(es.map((e) => e.id));
      setSelectedEdges((prev) => (prev.size === edgeKeys.size && [...edgeKeys].every((k) => prev.has(k)) ? prev : edgeKeys));
      onSelectionChange({
        cliques: ns.filter((n) => n.type === 'clique').map((n) => n.id.slice('clique:'.length)),
        groups: ns.filter((n) => n.type === 'group').map((n) => n.id.slice('group:'.length)),
        edges: es.map((e) => e.id),
      });
    },
    [onSelectionChange],
  );

  const onDragOver = (e: DragEvent) => {
    if (!Array.from(e.dataTransfer.types).includes(PALETTE_MIME)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  };
  const onDrop = (e: DragEvent) => {
    const item = e.dataTransfer.getData(PALETTE_MIME);
    if (!item) return;
    e.preventDefault();
    const at = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
    const size = item === 'group' ? { width: 0, height: 0 } : CLIQUE_SIZE;
    onDropItem(item as RoleKind | 'group', { x: Math.round(at.x - size.width / 2), y: Math.round(at.y - size.height / 2) });
  };

  return (
    <div className="h-full w-full" onDragOver={onDragOver} onDrop={onDrop} data-testid="builder-canvas">
      <ReactFlow<BuilderFlowNode, Edge>
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        onNodesChange={onNodesChange}
        onSelectionChange={handleSelection}
        onConnect={(c: Connection) => {
          if (c.source.startsWith('clique:') && c.target.startsWith('clique:')) onConnect(c.source.slice(7), c.target.slice(7));
        }}
        onNodeDragStop={(_, __, dragged) => {
          onMoved(
            dragged.map((n) => {
              const abs = flow.getInternalNode(n.id)?.internals.positionAbsolute ?? n.position;
              return { key: n.id, position: { x: Math.round(abs.x), y: Math.round(abs.y) } };
            }),
          );
        }}
        deleteKeyCode={null}
        colorMode={dark ? 'dark' : 'light'}
        fitView
        fitViewOptions={{ maxZoom: 1 }}
        minZoom={0.2}
        proOptions={{ hideAttribution: true }}
        aria-label="Builder canvas"
      >
        <Background />
        <Controls />
        <MiniMap pannable zoomable className="!hidden lg:!block" />
      </ReactFlow>
    </div>
  );
}
