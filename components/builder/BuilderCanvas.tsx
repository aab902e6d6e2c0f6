'use client';

import '@xyflow/react/dist/style.css';
import { memo, useCallback, useEffect, useMemo, useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
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
  type OnNodeDrag,
  type OnSelectionChangeParams,
} from '@xyflow/react';
import { cliqueOfRef, cycleThrough, edgesOnceExplicit, type BuilderGraph, type RoleKind } from '@/lib/builder/graph';
import type { FindingCounts } from '@/lib/builder/findings';
import { heldMoveHint, settleKeyboardMove } from '@/lib/builder/keyboardMove';
import { CLIQUE_SIZE, cliqueKey, frameIds, groupAt, groupFrame, groupKey, kindOf, type Layout, type Point } from '@/lib/builder/layout';
import { NAME_BUDGET, nameBudgetUsed } from '@/lib/grove/naming';
import { toFlowEdges, type StartupFlowEdge } from './flowEdges';
import { EDGE_TYPES, NODE_TYPES, type BuilderFlowNode, type GroupFlowNode } from './nodes';

/** MIME type of a palette drag: the role kind, or "group" for a scaling group. */
export const PALETTE_MIME = 'application/x-canopy-palette';

export interface CanvasSelection {
  /** Clique refs (CliqueNode.ref: the name, unless an earlier clique has it; the node id is `clique:<ref>`). */
  cliques: string[];
  groups: string[];
  /** Edge ids `<fromRef>-><toRef>` (edgeId). */
  edges: string[];
}

export { edgeId } from './flowEdges';

const MULTI_SELECT_KEYS = ['Shift', 'Meta', 'Control'];
/** Keys with which React Flow moves the selected nodes (5 px a press, 20 with Shift). */
const ARROW_KEYS = new Set(['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight']);
const MODIFIER_KEYS = new Set(['Shift', 'Control', 'Alt', 'Meta']);

/** Whether a key event comes from a node, or the box around a multi-selection: where React Flow turns arrow keys into moves. */
function fromNode(target: EventTarget | null): boolean {
  return !!(target as Element | null)?.closest?.('.react-flow__node, .react-flow__nodesselection-rect');
}

/**
 * Stacking: frames at the back, startup edges over them, cliques in front, so a click on a clique is
 * never taken by an edge passing under it (React Flow would otherwise raise edges of grouped cliques
 * above them). Set by hand (zIndexMode manual): selection does not restack.
 */
const FRAME_Z = 0;
const EDGE_Z = 1;
const CLIQUE_Z = 2;
/** Pixels either side of an edge's line that still pick it (React Flow's default, 20, covered nodes' edges). */
const EDGE_HIT_WIDTH = 10;
/** The frame a dragged clique would join on release. */
const DROP_TARGET_CLASS = 'canopy-drop-target rounded-lg ring-4 ring-blue-500/80 dark:ring-blue-400/80';

/** Minimap colours per mode (backgrounds: React Flow's #fff / #141414). */
const MINIMAP_LIGHT = { nodeColor: '#52525b', nodeStrokeColor: '#18181b', maskColor: 'rgb(82 82 91 / 0.3)', maskStrokeColor: '#2563eb' };
const MINIMAP_DARK = { nodeColor: '#d4d4d8', nodeStrokeColor: '#f4f4f5', maskColor: 'rgb(82 82 91 / 0.4)', maskStrokeColor: '#60a5fa' };

/** A node to select, by id; `seq` makes a request for the same node again a new one. */
export interface FocusRequest {
  key: string;
  seq: number;
  /** Bring it into view. */
  pan: boolean;
  /** Give it keyboard focus (after bringing it into view). */
  focus: boolean;
}

/** How many frames a focus request waits for its node to be drawn and measured, at most (a second at 60 Hz). */
const FOCUS_WAIT_FRAMES = 60;
/** A node brought into view is shown at least this big: smaller, a card's text cannot be read. */
const MIN_READABLE_ZOOM = 0.5;

interface BuilderCanvasProps {
  graph: BuilderGraph;
  layout: Layout;
  /** Which opened stack the graph is: when it changes (another stack loaded), nothing of the last one stays selected. */
  stack: number | null;
  counts: Record<string, FindingCounts>;
  dark: boolean;
  /** Node to select from outside (a finding clicked, a clique added by keyboard), and to bring into view and give keyboard focus. */
  focusKey: FocusRequest | null;
  /** Bumped to fit the whole stack into view (after an import or an auto layout). */
  fitSeq: number;
  onDropItem: (item: RoleKind | 'group', topLeft: Point) => void;
  onConnect: (from: string, to: string) => void;
  /** Absolute top-left corners of the cliques / groups a drag moved. */
  onMoved: (moves: { key: string; position: Point }[]) => void;
  onSelectionChange: (selection: CanvasSelection) => void;
  /** Says something about a move under way (a keyboard move held over a frame's edge), as the page's status line. */
  onAnnounce: (text: string) => void;
}

function toFlowNodes(graph: BuilderGraph, layout: Layout, counts: Record<string, FindingCounts>): BuilderFlowNode[] {
  const nodes: BuilderFlowNode[] = [];
  const frames = new Map<string, Point>();
  const ids = frameIds(graph.groups.map((g) => g.name));
  graph.groups.forEach((g, i) => {
    // Two groups of one name (Grove refuses it) share the one frame the layout fits around both lists.
    const frame = groupFrame(layout, graph, g.name);
    frames.set(g.name, frame);
    const c = counts[groupKey(g.name)] ?? { errors: 0, warnings: 0 };
    nodes.push({
      id: ids[i]!,
      type: 'frame',
      position: { x: frame.x, y: frame.y },
      data: { name: g.name, replicas: g.replicas, minAvailable: g.minAvailable, members: g.cliqueNames.length, errors: c.errors, warnings: c.warnings, width: frame.width, height: frame.height },
      style: { width: frame.width, height: frame.height },
      zIndex: FRAME_Z,
      ariaLabel: `scaling group ${g.name}`,
    });
  });
  for (const c of graph.cliques) {
    // Each clique its own node, by ref: two of one name (Grove refuses it) are both drawn, each selected and edited apart.
    const abs = layout.positions[cliqueKey(c.ref)] ?? { x: 0, y: 0 };
    const parent = c.group ? frames.get(c.group) : undefined;
    const counted = counts[cliqueKey(c.ref)] ?? { errors: 0, warnings: 0 };
    nodes.push({
      id: cliqueKey(c.ref),
      type: 'clique',
      position: parent ? { x: abs.x - parent.x, y: abs.y - parent.y } : abs,
      ...(parent ? { parentId: groupKey(c.group!) } : {}),
      data: {
        name: c.name,
        roleName: c.roleName,
        kind: kindOf(layout, c.ref, c.roleName),
        replicas: c.replicas,
        gpus: c.gpus,
        group: c.group,
        errors: counted.errors,
        warnings: counted.warnings,
        budgetUsed: nameBudgetUsed(graph.name, c.name, c.group ?? undefined),
        budget: NAME_BUDGET,
      },
      zIndex: CLIQUE_Z,
      ariaLabel: `clique ${c.ref}`,
      width: CLIQUE_SIZE.width,
      height: CLIQUE_SIZE.height,
    });
  }
  return nodes;
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * The frames with the drop-target mark on `target` only. Touches nothing else: rebuilding the dragged
 * clique mid-drag would put it back where the drag started.
 */
function markDropTarget(nodes: BuilderFlowNode[], target: string | null): BuilderFlowNode[] {
  let changed = false;
  const next = nodes.map((n) => {
    if (n.type !== 'frame' || (n.data.name === target) === (n.className === DROP_TARGET_CLASS)) return n;
    changed = true;
    const { className: _drop, ...rest } = n;
    return n.data.name === target ? { ...rest, className: DROP_TARGET_CLASS } : rest;
  });
  return changed ? next : nodes;
}

function shallowEqual(a: object | undefined, b: object | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.is((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

type DrawnItem = { id: string; selected?: boolean; position?: Point; data?: object; style?: object } & Record<string, unknown>;

/** Whether a rebuilt node or edge draws the same as the one it replaces (React Flow's measurements and selection aside). */
function drawsSame(next: DrawnItem, prev: DrawnItem): boolean {
  for (const key of Object.keys(next)) {
    const a = next[key];
    const b = prev[key];
    if (key === 'position' || key === 'data' || key === 'style' || key === 'markerEnd') {
      if (!shallowEqual(a as object | undefined, b as object | undefined)) return false;
    } else if (!Object.is(a, b)) return false;
  }
  // Something dropped (a clique that left its group has no parentId): not the same.
  return Object.keys(prev).every((key) => key in next || REACT_FLOW_KEYS.has(key));
}

/** What React Flow adds to the nodes and edges it is given. */
const REACT_FLOW_KEYS = new Set(['measured', 'selected', 'dragging', 'resizing']);

/**
 * Rebuilt nodes keep the selection the user made on the ones they replace, and a node or edge that
 * draws the same stays the very object it was, so React Flow redraws only what changed (a YAML edit
 * to one clique of forty redraws one).
 */
function keepSelection<T extends DrawnItem>(next: T[], prev: readonly T[]): T[] {
  const before = new Map(prev.map((n) => [n.id, n]));
  let same = next.length === prev.length;
  const out = next.map((n, i) => {
    const old = before.get(n.id);
    if (old && drawsSame(n, old)) {
      if (prev[i] !== old) same = false;
      return old;
    }
    same = false;
    return old?.selected ? { ...n, selected: true } : n;
  });
  return same ? (prev as T[]) : out;
}

/** Nodes moved by the keyboard and held (not written yet) keep where the keys put them when the model is redrawn meanwhile. */
function keepHeld(next: BuilderFlowNode[], prev: readonly BuilderFlowNode[], held: ReadonlyMap<string, Point>): BuilderFlowNode[] {
  if (held.size === 0) return next;
  const before = new Map(prev.map((n) => [n.id, n]));
  return next.map((n) => {
    const old = before.get(n.id);
    return held.has(n.id) && old && old.parentId === n.parentId && !shallowEqual(old.position, n.position) ? { ...n, position: old.position } : n;
  });
}

/** Memoised: typing in the YAML pane re-renders the workbench on every key, and the canvas only needs to when its model does. */
export const BuilderCanvas = memo(function BuilderCanvas({ graph, layout, stack, counts, dark, focusKey, fitSeq, onDropItem, onConnect, onMoved, onSelectionChange, onAnnounce }: BuilderCanvasProps) {
  const flow = useReactFlow();
  // While a clique is dragged: the frame it would join if released now (membership goes by its centre).
  const [dropTarget, setDropTarget] = useState<string | null>(null);
  const dropTargetRef = useRef(dropTarget);
  dropTargetRef.current = dropTarget;
  const derived = useMemo(() => toFlowNodes(graph, layout, counts), [graph, layout, counts]);
  const derivedEdges = useMemo(() => toFlowEdges(graph).map((e) => ({ ...e, zIndex: EDGE_Z, interactionWidth: EDGE_HIT_WIDTH })), [graph]);
  // Local copies, so drags and selection move smoothly; rebuilt whenever the model changes.
  const [nodes, setNodes] = useState<BuilderFlowNode[]>(derived);
  const [edges, setEdges] = useState<StartupFlowEdge[]>(derivedEdges);
  /**
   * Clique ids moved by the arrow keys and not written yet, with their top-left now (flow coordinates):
   * a keyboard move held like a drag, see onKeyUp.
   */
  const held = useRef(new Map<string, Point>());
  // The selection is the canvas's own (React Flow's `selected` on its nodes and edges, kept across
  // rebuilds by id). A clique of another stack is not the one selected, even by the same name: a stack
  // loaded (or one undo or redo brings back) starts with nothing selected, and nothing held.
  const shownStack = useRef(stack);
  useEffect(() => {
    const sameStack = shownStack.current === stack;
    shownStack.current = stack;
    if (!sameStack) {
      held.current.clear();
      setDropTarget(null);
    }
    setNodes((prev) => markDropTarget(sameStack ? keepHeld(keepSelection(derived, prev), prev, held.current) : derived, sameStack ? dropTargetRef.current : null));
    setEdges((prev) => (sameStack ? keepSelection(derivedEdges, prev) : derivedEdges));
  }, [derived, derivedEdges, stack]);
  useEffect(() => setNodes((prev) => markDropTarget(prev, dropTarget)), [dropTarget]);

  // `flow` changes identity as the viewport moves; read it through a ref so only a new request refocuses.
  const flowRef = useRef(flow);
  flowRef.current = flow;
  const wrapper = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!focusKey) return;
    const { key, pan, focus } = focusKey;
    setNodes((prev) => prev.map((n) => (!!n.selected === (n.id === key) ? n : { ...n, selected: n.id === key })));
    setEdges((prev) => (prev.some((e) => e.selected) ? prev.map((e) => ({ ...e, selected: false })) : prev));
    if (!pan && !focus) return;
    // A node just added is in React Flow a render or two after the model that holds it, and measured by
    // its ResizeObserver after that: fitting it before found no node, or a node of no size. So wait, a
    // frame at a time, until it is measured; then bring it into view, and focus it once it is there.
    let frames = 0;
    let handle = 0;
    let cancelled = false;
    // Where focus was when asked (the palette item pressed, or <body> once a focused edge is gone): moved on
    // from there meanwhile (the user tabbed on, or clicked a field), it is left where the user put it.
    const focusedBefore = document.activeElement;
    const giveFocus = () => {
      const el = wrapper.current?.querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(key)}"]`);
      const now = document.activeElement;
      if (cancelled || !el || (now !== focusedBefore && now !== document.body && now !== null)) return;
      // preventScroll: it is in view already, and scrolling React Flow's overflow-hidden box would shift the canvas.
      el.focus({ preventScroll: true });
    };
    const whenDrawn = () => {
      if (cancelled) return;
      const node = flowRef.current.getInternalNode(key);
      if (!node?.measured.width) {
        if (++frames < FOCUS_WAIT_FRAMES) handle = window.requestAnimationFrame(whenDrawn);
        return;
      }
      // Moved only when not wholly in view already, and then centred at the zoom the user chose (at least
      // MIN_READABLE_ZOOM): the rest of the stack stays where the user left it as far as it can.
      const { x, y } = node.internals.positionAbsolute;
      const { width = 0, height = 0 } = node.measured;
      const view = flowRef.current.getViewport();
      const box = wrapper.current?.getBoundingClientRect();
      const inView =
        !!box && x * view.zoom + view.x >= 0 && y * view.zoom + view.y >= 0 && (x + width) * view.zoom + view.x <= box.width && (y + height) * view.zoom + view.y <= box.height;
      const moved = pan && !inView ? flowRef.current.setCenter(x + width / 2, y + height / 2, { zoom: Math.max(view.zoom, MIN_READABLE_ZOOM), duration: 150 }) : Promise.resolve(true);
      if (focus) void moved.then(giveFocus);
    };
    handle = window.requestAnimationFrame(whenDrawn);
    return () => {
      cancelled = true;
      window.cancelAnimationFrame(handle);
    };
  }, [focusKey]);

  useEffect(() => {
    if (fitSeq === 0) return;
    // Two frames: one for the new nodes to render, one for React Flow to measure them.
    window.requestAnimationFrame(() => window.requestAnimationFrame(() => void flowRef.current.fitView({ padding: 0.1, maxZoom: 1, duration: 0 })));
  }, [fitSeq]);

  const layoutRef = useRef(layout);
  layoutRef.current = layout;
  const graphRef = useRef(graph);
  graphRef.current = graph;

  // ---- keyboard moves. React Flow moves the selected nodes a step per arrow key press, each step a
  // position change that is not dragging. Written at once, a clique could never be moved into a frame
  // nor out of its own (lib/builder/keyboardMove). So the steps of cliques are held like a drag: drawn
  // where the keys put them, the frame they would join marked, nothing written; on key release the move
  // is written as a drop (joining or leaving a group as the mouse does) once it lands where the layout
  // keeps it, or in another group; else it stays held, and is said where it stands. Any other key, a
  // click or focus leaving the canvas puts a held move down where it is, as a drop there.
  /** True while React Flow handles an arrow key pressed on a node: the position changes it makes are the keyboard's. */
  const keyStep = useRef(false);
  const arrowsDown = useRef(new Set<string>());
  const lastHint = useRef<string | null>(null);
  /** The held moves, as moves to report; nothing is held after. */
  const takeHeld = () => {
    const moves = [...held.current].map(([key, position]) => ({ key, position }));
    held.current.clear();
    lastHint.current = null;
    return moves;
  };
  const writeHeld = useCallback(() => {
    if (held.current.size === 0) return;
    setDropTarget(null);
    onMoved(takeHeld());
  }, [onMoved]);

  // A move ends (drag released, or an arrow key pressed on a selected node) with a position change that
  // is no longer dragging: moves are reported from here, whether one node, a selection or the keyboard
  // moved them, except the keyboard's steps of cliques, held until writeHeld.
  const onNodesChange = useCallback(
    (changes: NodeChange<BuilderFlowNode>[]) => {
      setNodes((current) => applyNodeChanges(changes, current));
      const moves: { key: string; position: Point }[] = [];
      for (const c of changes) {
        if (c.type !== 'position' || c.dragging !== false || !c.position) continue;
        const node = flowRef.current.getNode(c.id);
        const parent = node?.parentId ? flowRef.current.getNode(node.parentId) : undefined;
        // A frame moves as its group's layout key, whichever frame of a name listed twice it is (frameIds).
        const key = node?.type === 'frame' ? groupKey((node as GroupFlowNode).data.name) : c.id;
        moves.push({ key, position: { x: Math.round(c.position.x + (parent?.position.x ?? 0)), y: Math.round(c.position.y + (parent?.position.y ?? 0)) } });
      }
      if (moves.length === 0) return;
      // Frames moved by the keys are written at once, as before (and any held clique with them): their
      // members go with them, and no step of a frame changes what is in it.
      if (!keyStep.current || moves.some((m) => !m.key.startsWith('clique:'))) {
        onMoved([...takeHeld().filter((h) => !moves.some((m) => m.key === h.key)), ...moves]);
        return;
      }
      for (const m of moves) held.current.set(m.key, m.position);
      const target = groupAt(layoutRef.current, graphRef.current, moves[0]!.position);
      setDropTarget((t) => (t === target ? t : target));
    },
    [onMoved],
  );

  const onKeyDownCapture = useCallback(
    (e: KeyboardEvent) => {
      if (ARROW_KEYS.has(e.key) && fromNode(e.target)) {
        arrowsDown.current.add(e.key);
        keyStep.current = true;
      } else if (!MODIFIER_KEYS.has(e.key)) writeHeld();
    },
    [writeHeld],
  );
  const onKeyDown = useCallback(() => {
    keyStep.current = false;
  }, []);
  const onBlur = useCallback(() => {
    // A key released elsewhere never comes here: start counting afresh.
    arrowsDown.current.clear();
    writeHeld();
  }, [writeHeld]);
  const onKeyUp = useCallback(
    (e: KeyboardEvent) => {
      if (!ARROW_KEYS.has(e.key)) return;
      arrowsDown.current.delete(e.key);
      if (arrowsDown.current.size > 0 || held.current.size === 0) return;
      const moves = [...held.current].map(([key, at]) => ({ ref: key.slice('clique:'.length), at }));
      const outcome = settleKeyboardMove(layoutRef.current, graphRef.current, moves);
      if (outcome.write) {
        writeHeld();
        return;
      }
      const hint = heldMoveHint(outcome);
      if (hint === lastHint.current) return;
      lastHint.current = hint;
      onAnnounce(hint);
    },
    [writeHeld, onAnnounce],
  );
  const onEdgesChange = useCallback((changes: EdgeChange<StartupFlowEdge>[]) => {
    setEdges((current) => applyEdgeChanges(changes, current));
  }, []);

  const onNodeDrag: OnNodeDrag<BuilderFlowNode> = useCallback(
    (_, node) => {
      if (node.type !== 'clique') return;
      const at = flowRef.current.getInternalNode(node.id)?.internals.positionAbsolute;
      const target = at ? groupAt(layout, graph, at) : null;
      setDropTarget((t) => (t === target ? t : target));
    },
    [layout, graph],
  );
  const onNodeDragStop = useCallback(() => setDropTarget(null), []);

  const lastSelection = useRef<CanvasSelection>({ cliques: [], groups: [], edges: [] });
  const handleSelection = useCallback(
    ({ nodes: ns, edges: es }: OnSelectionChangeParams) => {
      const next: CanvasSelection = {
        cliques: ns.filter((n) => n.type === 'clique').map((n) => n.id.slice('clique:'.length)),
        groups: [...new Set(ns.filter((n) => n.type === 'frame').map((n) => (n as GroupFlowNode).data.name))],
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
    <div
      ref={wrapper}
      className="h-full w-full"
      onDragOver={onDragOver}
      onDrop={onDrop}
      onKeyDownCapture={onKeyDownCapture}
      onKeyDown={onKeyDown}
      onKeyUp={onKeyUp}
      onPointerDownCapture={writeHeld}
      onBlur={onBlur}
      data-testid="builder-canvas"
    >
      <ReactFlow<BuilderFlowNode, StartupFlowEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        edgeTypes={EDGE_TYPES}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onNodeDrag={onNodeDrag}
        onNodeDragStop={onNodeDragStop}
        zIndexMode="manual"
        // Shift+click adds to the selection too (Shift+drag on the pane still draws a selection box).
        multiSelectionKeyCode={MULTI_SELECT_KEYS}
        onSelectionChange={handleSelection}
        onConnect={(c: Connection) => {
          if (c.source.startsWith('clique:') && c.target.startsWith('clique:')) onConnect(c.source.slice(7), c.target.slice(7));
        }}
        // A cycle is refused while it is drawn (the handle shows invalid), and said why when dropped.
        isValidConnection={(c) => {
          const [from, to] = [cliqueOfRef(graph, c.source.slice(7))?.name, cliqueOfRef(graph, c.target.slice(7))?.name];
          return c.source !== c.target && from !== undefined && to !== undefined && !cycleThrough(edgesOnceExplicit(graph), from, to);
        }}
        onConnectEnd={(_, state) => {
          if (state.isValid !== false || !state.fromNode || !state.toNode || !state.fromHandle || !state.toHandle) return;
          if (state.toHandle.type === state.fromHandle.type) return;
          const [from, to] = state.fromHandle.type === 'source' ? [state.fromNode.id, state.toNode.id] : [state.toNode.id, state.fromNode.id];
          if (from.startsWith('clique:') && to.startsWith('clique:')) onConnect(from.slice(7), to.slice(7));
        }}
        deleteKeyCode={null}
        colorMode={dark ? 'dark' : 'light'}
        // No fitView prop: React Flow would fit once the first nodes are drawn, and on an empty canvas that
        // is the first clique dropped, which then jumped away from where it was dropped. A document opened,
        // laid out or loaded is fitted by fitSeq.
        minZoom={0.1}
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
});
