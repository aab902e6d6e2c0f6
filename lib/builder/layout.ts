/**
 * Where things sit on the canvas, and what role kind each clique was dropped as. Kept beside the
 * YAML (in the browser's storage and in shared links), never in it: an annotation such as
 * `canopy.dev/layout` would be applied to the cluster, copied by Grove onto every PodClique and
 * pod, and churn the pod-template hash on every drag.
 *
 * Every position is absolute (flow coordinates). A scaling group's frame is fitted around its
 * cliques; an empty group keeps its own stored position. A frame never covers a clique that is not
 * its member, nor another frame (makeRoom): so a clique's centre is always deep inside its own frame
 * or well outside every frame, and only a deliberate move (its centre into another frame, or out of
 * its own) changes membership.
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import { entryRefs, groupOfCliques, inferRoleKind, type BuilderGraph, type RoleKind } from './graph';

export interface Point {
  x: number;
  y: number;
}
export interface Rect extends Point {
  width: number;
  height: number;
}

export interface Layout {
  /** `clique:<ref>` (CliqueNode.ref: the name, unless an earlier clique has it) / `group:<name>` → top-left corner. */
  positions: Record<string, Point>;
  /** Clique ref → the role kind it was dropped as. */
  kinds: Record<string, RoleKind>;
}

export const EMPTY_LAYOUT: Layout = { positions: {}, kinds: {} };

export const CLIQUE_SIZE = { width: 208, height: 76 } as const;
export const EMPTY_GROUP_SIZE = { width: 260, height: 140 } as const;
export const GROUP_PADDING = 20;
export const GROUP_HEADER = 30;
/** Room left at the bottom of every frame to drop one more clique into. */
export const GROUP_DROP_SLOT = CLIQUE_SIZE.height + 24;

export const cliqueKey = (name: string) => `clique:${name}`;
export const groupKey = (name: string) => `group:${name}`;

/**
 * The canvas node id of each scaling group's frame, in YAML order. Grove refuses two groups of one name,
 * but while the YAML says so the canvas draws every entry, and React Flow needs one id per node: the
 * first of a name is groupKey(name) (what layout positions, findings, focus and members' parentId use),
 * another of that name `group:<name>#2`, `#3`…, the lowest not taken by any entry (entryRefs, as cliques
 * of one name get). An entry's id depends only on the names, so it stays while they do.
 */
export function frameIds(names: readonly string[]): string[] {
  return entryRefs(names).map(groupKey);
}

/** The role kind of the clique `ref` (its name, when no earlier clique has it). */
export function kindOf(layout: Layout, ref: string, roleName = ''): RoleKind {
  return layout.kinds[ref] ?? inferRoleKind(ref, roleName);
}

/** A spot right of everything placed so far, for cliques added by keyboard or import. */
export function freeSpot(layout: Layout, graph: BuilderGraph): Point {
  let maxX = -Infinity;
  let minY = Infinity;
  for (const c of graph.cliques) {
    const p = layout.positions[cliqueKey(c.ref)];
    if (!p) continue;
    maxX = Math.max(maxX, p.x + CLIQUE_SIZE.width);
    minY = Math.min(minY, p.y);
  }
  for (const g of graph.groups) {
    const r = groupFrame(layout, graph, g.name);
    maxX = Math.max(maxX, r.x + r.width);
    minY = Math.min(minY, r.y);
  }
  return maxX === -Infinity ? { x: 40, y: 40 } : { x: maxX + 60, y: minY };
}

/**
 * The scaling groups as drawn: one frame per name (YAML order), each with its members, the cliques
 * groupOfCliques puts in it (the first group naming a clique holds it), each once, by ref: a name listed
 * is every clique of that name (Grove refuses two, but each is drawn), or the name itself when no clique
 * has it. Grove refuses a clique in two groups, two groups of one name and a name listed twice, but
 * while the YAML says so the layout still needs one answer per clique: a clique moved with two frames,
 * or a frame listed twice, would make makeRoom move things on every call, and so on every keystroke.
 */
function drawnGroups(graph: BuilderGraph): { name: string; index: number; members: string[] }[] {
  const refsOf = new Map<string, string[]>();
  for (const c of graph.cliques) refsOf.set(c.name, [...(refsOf.get(c.name) ?? []), c.ref]);
  const members = new Map<string, string[]>();
  for (const [clique, group] of groupOfCliques(graph.groups)) members.set(group, [...(members.get(group) ?? []), ...(refsOf.get(clique) ?? [clique])]);
  const seen = new Set<string>();
  return graph.groups.flatMap((g, index) => {
    if (seen.has(g.name)) return [];
    seen.add(g.name);
    return [{ name: g.name, index, members: members.get(g.name) ?? [] }];
  });
}

function membersOf(graph: BuilderGraph, group: string): string[] {
  return drawnGroups(graph).find((g) => g.name === group)?.members ?? [];
}

/** The frame of a scaling group: fitted around its cliques, else (empty) at its own spot. */
export function groupFrame(layout: Layout, graph: BuilderGraph, group: string): Rect {
  const members = membersOf(graph, group);
  const points = members.map((c) => layout.positions[cliqueKey(c)]).filter((p): p is Point => !!p);
  if (points.length === 0) {
    const p = layout.positions[groupKey(group)] ?? { x: 40, y: 40 };
    return { ...p, ...EMPTY_GROUP_SIZE };
  }
  const x0 = Math.min(...points.map((p) => p.x)) - GROUP_PADDING;
  const y0 = Math.min(...points.map((p) => p.y)) - GROUP_PADDING - GROUP_HEADER;
  const x1 = Math.max(...points.map((p) => p.x + CLIQUE_SIZE.width)) + GROUP_PADDING;
  const y1 = Math.max(...points.map((p) => p.y + CLIQUE_SIZE.height)) + GROUP_PADDING + GROUP_DROP_SLOT;
  return { x: x0, y: y0, width: Math.max(x1 - x0, EMPTY_GROUP_SIZE.width), height: Math.max(y1 - y0, EMPTY_GROUP_SIZE.height) };
}

function inside(p: Point, r: Rect): boolean {
  return p.x >= r.x && p.x <= r.x + r.width && p.y >= r.y && p.y <= r.y + r.height;
}

/**
 * Which group a clique dropped with its top-left corner at `at` lands in: the frame (as drawn
 * before the drag) that holds its centre. A member dragged out past its frame leaves the group.
 * On a layout made room in (completeLayout) this has hysteresis: a member's centre sits at least
 * GROUP_PADDING + half a card inside its frame, any other clique's at least half a card outside
 * every frame, so a nudge of less than half a card's height never changes membership.
 */
export function groupAt(layout: Layout, graph: BuilderGraph, at: Point): string | null {
  const centre = { x: at.x + CLIQUE_SIZE.width / 2, y: at.y + CLIQUE_SIZE.height / 2 };
  // Later groups are drawn on top; prefer them.
  for (const g of [...graph.groups].reverse()) if (inside(centre, groupFrame(layout, graph, g.name))) return g.name;
  return null;
}

/** What putting a clique down somewhere does, judged on the layout as drawn before it moved (as a drop is). */
export interface Drop {
  /** The group whose frame holds its centre there (groupAt), the one it is in once put down. */
  group: string | null;
  /** Whether that is not the group it was in: it joins `group`, or (null) leaves its own. */
  changesGroup: boolean;
  /**
   * Null when the layout draws it, and its frame, as put (or it changes group: the drop is then what
   * the user asked for). Else the frame that would not keep it there, keeping its group: a frame that
   * covers it while it is in no group (makeRoom moves it out of the way), or its own frame when it
   * reaches past what that holds (the frame, fitted around its members, grows to follow it: it could
   * then never be moved out step by step).
   */
  unkeptBy: string | null;
}

/** Clique `ref` put down with its top-left corner at `at`. */
export function dropAt(layout: Layout, graph: BuilderGraph, ref: string, at: Point): Drop {
  const own = graph.cliques.find((c) => c.ref === ref)?.group ?? null;
  const group = groupAt(layout, graph, at);
  if (group !== own) return { group, changesGroup: true, unkeptBy: null };
  if (own === null) {
    const box = { ...at, ...CLIQUE_SIZE };
    return { group, changesGroup: false, unkeptBy: graph.groups.find((g) => intersects(box, groupFrame(layout, graph, g.name)))?.name ?? null };
  }
  const drawn = groupFrame(layout, graph, own);
  const refitted = groupFrame({ ...layout, positions: { ...layout.positions, [cliqueKey(ref)]: at } }, graph, own);
  return { group, changesGroup: false, unkeptBy: within(refitted, drawn) ? null : own };
}

function within(inner: Rect, outer: Rect): boolean {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;
}

/**
 * The layout with each pasted scaling group placed right of everything, its member copies laid out
 * inside its frame as the originals sit in theirs, each with its original's role kind. `graph` is the
 * stack after the paste; `cliques` pairs each pasted clique with the clique it was copied from.
 */
export function placePastedGroups(layout: Layout, graph: BuilderGraph, groups: readonly { name: string; from: string }[], cliques: readonly { name: string; from: string }[]): Layout {
  const origin = new Map(cliques.map((c) => [c.name, c.from]));
  // A group not placed yet would count as an empty frame at the default spot.
  const unplaced = new Set(groups.map((g) => g.name));
  let next: Layout = { positions: { ...layout.positions }, kinds: { ...layout.kinds } };
  for (const { name, from } of groups) {
    const source = groupFrame(layout, graph, from);
    unplaced.delete(name);
    const spot = freeSpot(next, { ...graph, groups: graph.groups.filter((g) => !unplaced.has(g.name)) });
    const positions = { ...next.positions, [groupKey(name)]: spot };
    const kinds = { ...next.kinds };
    membersOf(graph, name).forEach((member, i) => {
      const was = origin.get(member) ?? member;
      const at = layout.positions[cliqueKey(was)];
      // Where the original sits in its frame; a member with no position goes below the others.
      positions[cliqueKey(member)] = at
        ? { x: spot.x + at.x - source.x, y: spot.y + at.y - source.y }
        : { x: spot.x + GROUP_PADDING, y: spot.y + GROUP_HEADER + GROUP_PADDING + i * (CLIQUE_SIZE.height + 24) };
      kinds[member] = kindOf(layout, was);
    });
    next = { positions, kinds };
  }
  return next;
}

/** Gives every clique and group without a position one (imports, YAML edits). */
export function completeLayout(layout: Layout, graph: BuilderGraph): Layout {
  const positions = { ...layout.positions };
  const kinds = { ...layout.kinds };
  let changed = false;
  const next = (): Layout => ({ positions, kinds });
  drawnGroups(graph).forEach((g) => {
    if (positions[groupKey(g.name)]) return;
    const members = g.members.filter((c) => !positions[cliqueKey(c)]);
    const spot = freeSpot(next(), graph);
    positions[groupKey(g.name)] = spot;
    members.forEach((c, i) => {
      positions[cliqueKey(c)] = { x: spot.x + GROUP_PADDING, y: spot.y + GROUP_HEADER + GROUP_PADDING + i * (CLIQUE_SIZE.height + 24) };
    });
    changed = true;
  });
  for (const c of graph.cliques) {
    if (!kinds[c.ref]) {
      kinds[c.ref] = inferRoleKind(c.name, c.roleName);
      changed = true;
    }
    if (positions[cliqueKey(c.ref)]) continue;
    positions[cliqueKey(c.ref)] = freeSpot(next(), graph);
    changed = true;
  }
  return makeRoom(changed ? next() : layout, graph);
}

/** Room left between something moved out of the way and what it made room for. */
export const ROOM_GAP = 24;

/** Whether two boxes share area (touching edges do not). */
function intersects(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/**
 * Where `box` goes to clear every obstacle: where it is if it clears them, else the nearest spot just
 * beside one of them (moving along one axis) that clears them all, else below them all. Ties go down,
 * right, up, left, then by obstacle order, so the same input always gives the same spot.
 */
function clearSpot(box: Rect, obstacles: readonly Rect[]): Point {
  const clears = (at: Point) => !obstacles.some((o) => intersects({ ...box, ...at }, o));
  if (clears(box)) return { x: box.x, y: box.y };
  const beside: ((o: Rect) => Point)[] = [
    (o) => ({ x: box.x, y: o.y + o.height + ROOM_GAP }),
    (o) => ({ x: o.x + o.width + ROOM_GAP, y: box.y }),
    (o) => ({ x: box.x, y: o.y - box.height - ROOM_GAP }),
    (o) => ({ x: o.x - box.width - ROOM_GAP, y: box.y }),
  ];
  let best: Point = { x: box.x, y: Math.max(...obstacles.map((o) => o.y + o.height)) + ROOM_GAP };
  let bestDistance = Math.abs(best.y - box.y);
  for (const spot of beside) {
    for (const o of obstacles) {
      const at = spot(o);
      const distance = Math.abs(at.x - box.x) + Math.abs(at.y - box.y);
      if (distance < bestDistance && clears(at)) {
        best = at;
        bestDistance = distance;
      }
    }
  }
  return best;
}

const topLeftFirst = (a: { rect: Rect; index: number }, b: { rect: Rect; index: number }) => a.rect.y - b.rect.y || a.rect.x - b.rect.x || a.index - b.index;

/**
 * The layout with every frame clear of the other frames and of every clique in no group. Only what
 * overlaps moves, as little as it can, so a layout already clear comes back as the very object and
 * the result is a fixed point (what is stored and shared draws the same after a reload). A frame
 * grows when a member is added or moved; what it comes to cover makes room, deterministically:
 * - frames, top to bottom (then left to right, then YAML order): one that overlaps a frame before it
 *   moves, with its members, to the nearest spot clear of those (a frame grown downwards keeps its
 *   place and pushes the ones below);
 * - then each clique in no group that a frame covers moves to the nearest spot clear of every frame
 *   and of the other such cliques.
 * Cliques in no group may overlap one another: that is where the user put them.
 */
export function makeRoom(layout: Layout, graph: BuilderGraph): Layout {
  let next = layout;
  const frames = drawnGroups(graph)
    .map((g) => ({ name: g.name, index: g.index, rect: groupFrame(layout, graph, g.name) }))
    .sort(topLeftFirst);
  const placed: Rect[] = [];
  for (const f of frames) {
    const at = clearSpot(f.rect, placed);
    if (at.x !== f.rect.x || at.y !== f.rect.y) next = moveGroup(next, graph, f.name, at);
    placed.push({ ...f.rect, ...at });
  }
  const grouped = groupOfCliques(graph.groups);
  const loose = graph.cliques
    .filter((c) => !grouped.has(c.name) && next.positions[cliqueKey(c.ref)])
    .map((c) => ({ key: cliqueKey(c.ref), index: c.index, rect: { ...next.positions[cliqueKey(c.ref)]!, ...CLIQUE_SIZE } }))
    .sort(topLeftFirst);
  let positions: Record<string, Point> | null = null;
  for (const c of loose) {
    if (!placed.some((f) => intersects(c.rect, f))) continue;
    const at = clearSpot(c.rect, [...placed, ...loose.filter((o) => o !== c).map((o) => o.rect)]);
    c.rect = { ...c.rect, ...at };
    positions ??= { ...next.positions };
    positions[c.key] = at;
  }
  return positions ? { ...next, positions } : next;
}

/** Moves a group's frame (and so its cliques) by a delta. */
export function moveGroup(layout: Layout, graph: BuilderGraph, group: string, to: Point): Layout {
  const frame = groupFrame(layout, graph, group);
  const dx = to.x - frame.x;
  const dy = to.y - frame.y;
  const positions = { ...layout.positions, [groupKey(group)]: to };
  for (const c of membersOf(graph, group)) {
    const p = positions[cliqueKey(c)];
    if (p) positions[cliqueKey(c)] = { x: p.x + dx, y: p.y + dy };
  }
  return { ...layout, positions };
}

/**
 * The layout after the clique at `index` of `graph` (the stack before) is renamed `to`: every clique's
 * position and role kind under its ref after the rename. Refs go by name, so renaming one of two
 * cliques of one name gives the other the plain name: each keeps its own place.
 */
export function renameCliqueInLayout(layout: Layout, graph: BuilderGraph, index: number, to: string): Layout {
  const before = graph.cliques.map((c) => c.ref);
  const after = entryRefs(graph.cliques.map((c) => (c.index === index ? to : c.name)));
  const positions = { ...layout.positions };
  const kinds = { ...layout.kinds };
  for (const ref of before) {
    delete positions[cliqueKey(ref)];
    delete kinds[ref];
  }
  before.forEach((ref, i) => {
    const at = layout.positions[cliqueKey(ref)];
    if (at) positions[cliqueKey(after[i]!)] = at;
    const kind = layout.kinds[ref];
    if (kind) kinds[after[i]!] = kind;
  });
  return { positions, kinds };
}

export function renameInLayout(layout: Layout, what: 'clique' | 'group', from: string, to: string): Layout {
  const key = what === 'clique' ? cliqueKey : groupKey;
  const positions = { ...layout.positions };
  if (positions[key(from)]) {
    positions[key(to)] = positions[key(from)]!;
    delete positions[key(from)];
  }
  const kinds = { ...layout.kinds };
  if (what === 'clique' && kinds[from]) {
    kinds[to] = kinds[from]!;
    delete kinds[from];
  }
  return { positions, kinds };
}

/** Drops entries of things that no longer exist. */
export function pruneLayout(layout: Layout, graph: BuilderGraph): Layout {
  const keep = new Set([...graph.cliques.map((c) => cliqueKey(c.ref)), ...graph.groups.map((g) => groupKey(g.name))]);
  const names = new Set(graph.cliques.map((c) => c.ref));
  const positions = Object.fromEntries(Object.entries(layout.positions).filter(([k]) => keep.has(k)));
  const kinds = Object.fromEntries(Object.entries(layout.kinds).filter(([k]) => names.has(k)));
  if (Object.keys(positions).length === Object.keys(layout.positions).length && Object.keys(kinds).length === Object.keys(layout.kinds).length) return layout;
  return { positions, kinds };
}

interface ElkNode {
  id: string;
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  children?: ElkNode[];
  layoutOptions?: Record<string, string>;
  edges?: { id: string; sources: string[]; targets: string[] }[];
}

/** A laid-out stack wider than this many times its height, and wider than WRAP_WIDTH, is wrapped into rows. */
export const WRAP_ASPECT = 3;
/** About ten cards side by side: narrower strips fit a screen at a readable zoom as they are. */
export const WRAP_WIDTH = 2400;

/** The box around every clique and frame placed in `positions`. */
export function layoutBounds(layout: Layout, graph: BuilderGraph): Rect {
  const boxes: Rect[] = [
    ...graph.cliques.flatMap((c) => {
      const p = layout.positions[cliqueKey(c.ref)];
      return p ? [{ ...p, ...CLIQUE_SIZE }] : [];
    }),
    ...graph.groups.map((g) => groupFrame(layout, graph, g.name)),
  ];
  if (boxes.length === 0) return { x: 0, y: 0, width: 0, height: 0 };
  const x = Math.min(...boxes.map((b) => b.x));
  const y = Math.min(...boxes.map((b) => b.y));
  return { x, y, width: Math.max(...boxes.map((b) => b.x + b.width)) - x, height: Math.max(...boxes.map((b) => b.y + b.height)) - y };
}

/**
 * Layered layout (elkjs): startup order left to right, each scaling group a compound node.
 * Returns a new layout with every clique and group placed. A big stack that comes out as one long
 * strip (a chain of frontends, each with its groups) is wrapped into rows, so that fitting it into
 * view leaves its cards readable.
 */
export async function autoLayout(layout: Layout, graph: BuilderGraph): Promise<Layout> {
  const strip = await layered(layout, graph, false);
  const box = layoutBounds(strip, graph);
  return box.width > WRAP_WIDTH && box.width > WRAP_ASPECT * box.height ? layered(layout, graph, true) : strip;
}

async function layered(layout: Layout, graph: BuilderGraph, wrap: boolean): Promise<Layout> {
  const elk = new ELK();
  const grouped = groupOfCliques(graph.groups);
  const exists = new Set(graph.cliques.map((c) => c.ref));
  const cliqueNode = (ref: string): ElkNode => ({ id: cliqueKey(ref), ...CLIQUE_SIZE });
  const root: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.spacing.nodeNode': '40',
      'elk.layered.spacing.nodeNodeBetweenLayers': '80',
      ...(wrap ? { 'elk.layered.wrapping.strategy': 'MULTI_EDGE', 'elk.aspectRatio': '1.6' } : {}),
    },
    children: [
      ...drawnGroups(graph).map((g) => ({
        id: groupKey(g.name),
        layoutOptions: { 'elk.padding': `[top=${GROUP_HEADER + GROUP_PADDING},left=${GROUP_PADDING},bottom=${GROUP_PADDING + GROUP_DROP_SLOT},right=${GROUP_PADDING}]` },
        children: g.members.filter((c) => exists.has(c)).map(cliqueNode),
        ...(g.members.length === 0 ? EMPTY_GROUP_SIZE : {}),
      })),
      ...graph.cliques.filter((c) => !grouped.has(c.name)).map((c) => cliqueNode(c.ref)),
    ],
    edges: graph.edges.map((e, i) => ({ id: `e${i}`, sources: [cliqueKey(e.fromRef)], targets: [cliqueKey(e.toRef)] })),
  };
  const out = (await elk.layout(root as never)) as unknown as ElkNode;
  const positions: Record<string, Point> = {};
  const walk = (n: ElkNode, ox: number, oy: number) => {
    for (const child of n.children ?? []) {
      const x = ox + (child.x ?? 0);
      const y = oy + (child.y ?? 0);
      positions[child.id] = { x: Math.round(x + 40), y: Math.round(y + 40) };
      walk(child, x, y);
    }
  };
  walk(out, 0, 0);
  return { ...layout, positions };
}

/**
 * Positions for the cliques `layout` has none for (a stack pasted or typed into the YAML pane, an
 * import), by startup order, leaving every placed clique where it is. With nothing placed, the whole
 * stack is laid out. Otherwise a new member of a group already drawn goes to the bottom of its frame,
 * and the other new cliques (with their new groups) are laid out among themselves, right of everything.
 * Null when every clique has a position.
 */
export async function layoutNewCliques(layout: Layout, graph: BuilderGraph): Promise<Layout | null> {
  const isPlaced = (ref: string) => !!layout.positions[cliqueKey(ref)];
  const unplaced = graph.cliques.filter((c) => !isPlaced(c.ref));
  if (unplaced.length === 0) return null;
  if (unplaced.length === graph.cliques.length) return autoLayout(layout, graph);
  const positions = { ...layout.positions };
  const rest = new Set(unplaced.map((c) => c.ref));
  const exists = new Set(graph.cliques.map((c) => c.ref));
  const drawn = drawnGroups(graph);
  for (const g of drawn) {
    if (!g.members.some(isPlaced)) continue;
    for (const ref of g.members) {
      if (!rest.has(ref)) continue;
      const frame = groupFrame({ ...layout, positions }, graph, g.name);
      positions[cliqueKey(ref)] = { x: frame.x + GROUP_PADDING, y: frame.y + frame.height - GROUP_DROP_SLOT };
      rest.delete(ref);
    }
  }
  if (rest.size === 0) return { ...layout, positions };
  const newGroups = new Set(drawn.filter((g) => g.members.some((c) => rest.has(c)) && g.members.every((c) => rest.has(c) || !exists.has(c))).map((g) => g.name));
  const part: BuilderGraph = {
    ...graph,
    cliques: graph.cliques.filter((c) => rest.has(c.ref)),
    groups: graph.groups.filter((g) => newGroups.has(g.name)),
    edges: graph.edges.filter((e) => rest.has(e.fromRef) && rest.has(e.toRef)),
  };
  const placed: BuilderGraph = { ...graph, cliques: graph.cliques.filter((c) => !rest.has(c.ref)), groups: graph.groups.filter((g) => !newGroups.has(g.name)) };
  const spot = freeSpot({ ...layout, positions }, placed);
  const laid = await autoLayout(EMPTY_LAYOUT, part);
  const points = Object.values(laid.positions);
  const minX = Math.min(...points.map((p) => p.x));
  const minY = Math.min(...points.map((p) => p.y));
  for (const [key, p] of Object.entries(laid.positions)) positions[key] = { x: p.x - minX + spot.x, y: p.y - minY + spot.y };
  return { ...layout, positions };
}
