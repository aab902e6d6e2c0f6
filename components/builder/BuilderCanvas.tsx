'use client';

import '@xyflow/react/dist/style.css';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import {
  applyEdgeChanges,
  applyNodeChanges,
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Connection,
  type EdgeChange,
  type NodeChange,
  type OnSelectionChangeParams,
} from '@xyflow/react';
import { cycleThrough, edgesOnceExplicit, type BuilderGraph, type RoleKind } from '@/lib/builder/graph';
import type { FindingCounts } from '@/lib/builder/findings';
import { CLIQUE_SIZE, cliqueKey, groupFrame, groupKey, kindOf, type Layout, type Point } from '@/lib/builder/layout';
import { NAME_BUDGET, nameBudgetUsed } from '@/lib/grove/naming';
import { toFlowEdges, type StartupFlowEdge } from './flowEdges';
import { EDGE_TYPES, NODE_TYPES, type BuilderFlowNode } from './nodes';

/** MIME type of a palette drag: the role kind, or "group" for a scaling group. */
export const PALETTE_MIME = 'application/x-canopy-palette';

export interface CanvasSelection {
  cliques: string[];
  groups: string[];
  /** Edge ids `from->to`. */
  edges: string[];
}

export { edgeId } from './flowEdges';

/** Minimap colours per mode (backgrounds: React Flow's #fff / #141414). */
const MINIMAP_LIGHT = { nodeColor: '#52525b', nodeStrokeColor: '#18181b', maskColor: 'rgb(82 82 91 / 0.3)', maskStrokeColor: '#2563eb' };
const MINIMAP_DARK = { nodeColor: '#d4d4d8', nodeStrokeColor: '#f4f4f5', maskColor: 'rgb(82 82 91 / 0.4)', maskStrokeColor: '#60a5fa' };

interface BuilderCanvasProps {
  graph: BuilderGraph;
  layout: Layout;
  counts: Record<string, FindingCounts>;
  dark: boolean;
  /** Node to select (and centre on) from outside: a finding clicked, a clique added by keyboard. */
  focusKey: { key: string; seq: number; pan: boolean } | null;
  /** Bumped to fit the whole stack into view (after an import or an auto layout). */
  fitSeq: number;
  onDropItem: (item: RoleKind | 'group', topLeft: Point) => void;
  onConnect: (from: string, to: string) => void;
  /** Absolute top-left corners of the cliques / groups a drag moved. */
  onMoved: (moves: { key: string; position: Point }[]) => void;
  onSelectionChange: (selection: CanvasSelection) => void;
}

function toFlowNodes(graph: BuilderGraph, layout: Layout, counts: Record<string, FindingCounts>): BuilderFlowNode[] {
  const nodes: BuilderFlowNode[] = [];
  const frames = new Map<string, Point>();
  for (const g of graph.groups) {
    const frame = groupFrame(layout, graph, g.name);
    frames.set(g.name, frame);
    const c = counts[groupKey(g.name)] ?? { errors: 0, warnings: 0 };
    nodes.push({
      id: groupKey(g.name),
      type: 'frame',
      position: { x: frame.x, y: frame.y },
      data: { name: g.name, replicas: g.replicas, minAvailable: g.minAvailable, members: g.cliqueNames.length, errors: c.errors, warnings: c.warnings, width: frame.width, height: frame.height },
      style: { width: frame.width, height: frame.height },
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
      zIndex: 1,
      ariaLabel: `clique ${c.name}`,
      width: CLIQUE_SIZE.width,
      height: CLIQUE_SIZE.height,
    });
  }
  return nodes;
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Rebuilt nodes keep the selection the user made on the ones they replace. */
function keepSelection<T extends { id: string; selected?: boolean }>(next: T[], prev: readonly T[]): T[] {
  const selected = new Set(prev.filter((n) => n.selected).map((n) => n.id));
  return selected.size === 0 ? next : next.map((n) => (selected.has(n.id) ? { ...n, selected: true } : n));
}

export function BuilderCanvas({ graph, layout, counts, dark, focusKey, fitSeq, onDropItem, onConnect, onMoved, onSelectionChange }: BuilderCanvasProps) {
  const flow = useReactFlow();
  const derived = useMemo(() => toFlowNodes(graph, layout, counts), [graph, layout, counts]);
  const derivedEdges = useMemo(() => toFlowEdges(graph), [graph]);
  // Local copies, so drags and selection move smoothly; rebuilt whenever the model changes.
  const [nodes, setNodes] = useState<BuilderFlowNode[]>(derived);
  const [edges, setEdges] = useState<StartupFlowEdge[]>(derivedEdges);
  useEffect(() => setNodes((prev) => keepSelection(derived, prev)), [derived]);
  useEffect(() => setEdges((prev) => keepSelection(derivedEdges, prev)), [derivedEdges]);

  // `flow` changes identity as the viewport moves; read it through a ref so only a new request refocuses.
  const flowRef = useRef(flow);
  flowRef.current = flow;
  useEffect(() => {
    if (!focusKey) return;
    setNodes((prev) => prev.map((n) => (!!n.selected === (n.id === focusKey.key) ? n : { ...n, selected: n.id === focusKey.key })));
    setEdges((prev) => (prev.some((e) => e.selected) ? prev.map((e) => ({ ...e, selected: false })) : prev));
    if (!focusKey.pan) return;
    // After the selection lands: the node exists once the model that holds it has rendered.
    window.requestAnimationFrame(() => {
      const node = flowRef.current.getNode(focusKey.key);
      if (node) void flowRef.current.fitView({ nodes: [node], maxZoom: 1, minZoom: 0.5, duration: 150 });
    });
  }, [focusKey]);

  useEffect(() => {
    if (fitSeq === 0) return;
    // Two frames: one for the new nodes to render, one for React Flow to measure them.
    window.requestAnimationFrame(() => window.requestAnimationFrame(() => void flowRef.current.fitView({ padding: 0.1, maxZoom: 1, duration: 0 })));
  }, [fitSeq]);

  // A move ends (drag released, or an arrow key pressed on a selected node) with a position change that
  // is no longer dragging: the one place moves are reported, whether one node, a selection or the keyboard moved them.
  const onNodesChange = useCallback(
    (changes: NodeChange<BuilderFlowNode>[]) => {
      setNodes((current) => applyNodeChanges(changes, current));
      const moves: { key: string; position: Point }[] = [];
      for (const c of changes) {
        if (c.type !== 'position' || c.dragging !== false || !c.position) continue;
        const node = flowRef.current.getNode(c.id);
        const parent = node?.parentId ? flowRef.current.getNode(node.parentId) : undefined;
        moves.push({ key: c.id, position: { x: Math.round(c.position.x + (parent?.position.x ?? 0)), y: Math.round(c.position.y + (parent?.position.y ?? 0)) } });
      }
      if (moves.length > 0) onMoved(moves);
    },
    [onMoved],
  );
  const onEdgesChange = useCallback((changes: EdgeChange<StartupFlowEdge>[]) => {
    setEdges((current) => applyEdgeChanges(changes, current));
  }, []);

  const lastSelection = useRef<CanvasSelection>({ cliques: [], groups: [], edges: [] });
  const handleSelection = useCallback(
    ({ nodes: ns, edges: es }: OnSelectionChangeParams) => {
      const next: CanvasSelection = {
        cliques: ns.filter((n) => n.type === 'clique').map((n) => n.id.slice('clique:'.length)),
        groups: ns.filter((n) => n.type === 'frame').map((n) => n.id.slice('group:'.length)),
        edges: es.map((e) => e.id),
      };
      const prev = lastSelection.current;
      if (sameIds(prev.cliques, next.cliques) && sameIds(prev.groups, next.groups) && sameIds(prev.edges, next.edges)) return;
      lastSelection.current = next;
      onSelectionChange(next);
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
      <ReactFlow<BuilderFlowNode, StartupFlowEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        edgeTypes={EDGE_TYPES}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onSelectionChange={handleSelection}
        onConnect={(c: Connection) => {
          if (c.source.startsWith('clique:') && c.target.startsWith('clique:')) onConnect(c.source.slice(7), c.target.slice(7));
        }}
        // A cycle is refused while it is drawn (the handle shows invalid), and said why when dropped.
        isValidConnection={(c) => c.source !== c.target && !cycleThrough(edgesOnceExplicit(graph), c.source.slice(7), c.target.slice(7))}
        onConnectEnd={(_, state) => {
          if (state.isValid !== false || !state.fromNode || !state.toNode || !state.fromHandle || !state.toHandle) return;
          if (state.toHandle.type === state.fromHandle.type) return;
          const [from, to] = state.fromHandle.type === 'source' ? [state.fromNode.id, state.toNode.id] : [state.toNode.id, state.fromNode.id];
          if (from.startsWith('clique:') && to.startsWith('clique:')) onConnect(from.slice(7), to.slice(7));
        }}
        deleteKeyCode={null}
        colorMode={dark ? 'dark' : 'light'}
        fitView
        fitViewOptions={{ maxZoom: 1 }}
        minZoom={0.2}
        aria-label="Builder canvas"
        // The attribution link was an extra tab stop at 2.85:1; React Flow's MIT licence allows hiding it.
        proOptions={{ hideAttribution: true }}
      >
        <Background />
        <Controls />
        {/* Mouse-only (the Controls and keyboard panning do its job), so hidden from assistive tech. Nodes are
            ≥ 4.5:1 against its background in either mode, also under the mask; the viewport frame ≥ 3:1 against both. */}
        <div aria-hidden="true">
          <MiniMap pannable zoomable style={{ width: 140, height: 90 }} className="!hidden xl:!block" {...(dark ? MINIMAP_DARK : MINIMAP_LIGHT)} maskStrokeWidth={2} />
        </div>
      </ReactFlow>
    </div>
  );
}
