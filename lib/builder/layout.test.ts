import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { readBuilderText } from './document';
import { entryRefs, graphFromObject, groupOfCliques, type BuilderGraph } from './graph';
import { addClique, copySelection, moveIntoGroup, pasteClipboard } from './edits';
import {
  autoLayout,
  CLIQUE_SIZE,
  cliqueKey,
  completeLayout,
  EMPTY_LAYOUT,
  frameIds,
  GROUP_DROP_SLOT,
  GROUP_PADDING,
  groupAt,
  groupFrame,
  groupKey,
  layoutBounds,
  layoutNewCliques,
  moveGroup,
  placePastedGroups,
  pruneLayout,
  renameCliqueInLayout,
  renameInLayout,
  ROOM_GAP,
  WRAP_ASPECT,
  type Layout,
  type Point,
  type Rect,
} from './layout';
import { stackText } from './templates';

function graph(text = stackText('multi-node-disaggregated-frontend', 'sglang')) {
  const r = readBuilderText(text);
  if (!r.ok) throw new Error(r.message);
  return graphFromObject(r.object);
}

function overlaps(a: { x: number; y: number }, b: { x: number; y: number }) {
  return Math.abs(a.x - b.x) < CLIQUE_SIZE.width && Math.abs(a.y - b.y) < CLIQUE_SIZE.height;
}

describe('layout', () => {
  test('completeLayout places everything; members sit inside their frame, kinds are inferred', () => {
    const g = graph();
    const l = completeLayout(EMPTY_LAYOUT, g);
    for (const c of g.cliques) expect(l.positions[cliqueKey(c.name)]).toBeDefined();
    expect(l.kinds).toMatchObject({ frontend: 'frontend', pleader: 'prefill-leader', pworker: 'prefill-worker', dleader: 'decode-leader', dworker: 'decode-worker' });
    for (const grp of g.groups) for (const c of grp.cliqueNames) expect(groupAt(l, g, l.positions[cliqueKey(c)]!)).toBe(grp.name);
    expect(groupAt(l, g, l.positions[cliqueKey('frontend')]!)).toBeNull();
  });

  test('autoLayout (elk) puts prerequisites left of dependants, without overlaps, members inside frames', async () => {
    const g = graph();
    const l = await autoLayout(EMPTY_LAYOUT, g);
    const p = (n: string) => l.positions[cliqueKey(n)]!;
    for (const e of g.edges) expect(p(e.from).x).toBeLessThan(p(e.to).x);
    const names = g.cliques.map((c) => c.name);
    for (const a of names) for (const b of names) if (a < b) expect(overlaps(p(a), p(b)), `${a} / ${b}`).toBe(false);
    for (const grp of g.groups) for (const c of grp.cliqueNames) expect(groupAt(l, g, p(c))).toBe(grp.name);
  });

  test('moving a group moves its cliques; rename carries the position', () => {
    const g = graph();
    const l = completeLayout(EMPTY_LAYOUT, g);
    const frame = groupFrame(l, g, 'prefill');
    const moved = moveGroup(l, g, 'prefill', { x: frame.x + 100, y: frame.y + 50 });
    expect(moved.positions[cliqueKey('pleader')]).toEqual({ x: l.positions[cliqueKey('pleader')]!.x + 100, y: l.positions[cliqueKey('pleader')]!.y + 50 });
    expect(groupFrame(moved, g, 'prefill')).toMatchObject({ x: frame.x + 100, y: frame.y + 50 });
    const renamed = renameInLayout(moved, 'group', 'prefill', 'pf');
    expect(renamed.positions[groupKey('pf')]).toEqual(moved.positions[groupKey('prefill')]);
  });

  test('a pasted scaling group goes right of everything, its member copies arranged in its frame as the originals are in theirs', () => {
    const text = stackText('multi-node-disaggregated-frontend', 'sglang');
    const before = graph(text);
    const l = completeLayout(EMPTY_LAYOUT, before);
    const r = pasteClipboard(text, copySelection(text, { cliques: [], groups: ['prefill'] }));
    if (!r.ok) throw new Error(r.message);
    const after = graph(r.text);
    const placed = placePastedGroups(l, after, r.groups, r.cliques);
    const frame = groupFrame(placed, after, 'prefill-2');
    const source = groupFrame(l, before, 'prefill');
    expect(frame).toMatchObject({ width: source.width, height: source.height });
    // Clear of every frame and clique already drawn.
    for (const g of before.groups) expect(frame.x).toBeGreaterThan(groupFrame(l, before, g.name).x + groupFrame(l, before, g.name).width);
    for (const c of before.cliques) expect(frame.x).toBeGreaterThan(l.positions[cliqueKey(c.name)]!.x + CLIQUE_SIZE.width);
    for (const { name, from } of r.cliques) {
      const p = placed.positions[cliqueKey(name)]!;
      const o = l.positions[cliqueKey(from)]!;
      expect({ dx: p.x - frame.x, dy: p.y - frame.y }).toEqual({ dx: o.x - source.x, dy: o.y - source.y });
      expect(groupAt(placed, after, p)).toBe('prefill-2');
      expect(placed.kinds[name]).toBe(l.kinds[from]);
    }
    // Nothing that was there moved.
    for (const [k, v] of Object.entries(l.positions)) expect(placed.positions[k]).toEqual(v);
  });
});

/** A chain of `fronts` frontends, each with a scaling group of four cliques after it. */
function chainStack(fronts: number): string {
  const lines = ['apiVersion: grove.io/v1alpha1', 'kind: PodCliqueSet', 'metadata: {name: big}', 'spec:', '  template:', '    cliqueStartupType: CliqueStartupTypeExplicit', '    cliques:'];
  const one = (name: string, after: string | null) => `      - {name: ${name}, spec: {roleName: ${name}, replicas: 1, ${after ? `startsAfter: [${after}], ` : ''}podSpec: {containers: [{name: main, image: busybox}]}}}`;
  for (let i = 0; i < fronts; i++) lines.push(one(`fe${i}`, i ? `fe${i - 1}` : null));
  for (let g = 0; g < fronts; g++) for (const [k, role] of ['lead', 'wa', 'wb', 'wc'].entries()) lines.push(one(`g${g}${role}`, k ? `g${g}lead` : `fe${g}`));
  lines.push('    podCliqueScalingGroups:');
  for (let g = 0; g < fronts; g++) lines.push(`      - {name: grp${g}, cliqueNames: [g${g}lead, g${g}wa, g${g}wb, g${g}wc]}`);
  return `${lines.join('\n')}\n`;
}

describe('laying out what has no position', () => {
  test('nothing placed: the whole stack is laid out by startup order', async () => {
    const g = graph();
    const l = (await layoutNewCliques(EMPTY_LAYOUT, g))!;
    for (const e of g.edges) expect(l.positions[cliqueKey(e.from)]!.x + CLIQUE_SIZE.width).toBeLessThanOrEqual(l.positions[cliqueKey(e.to)]!.x);
    expect(await layoutNewCliques(l, g)).toBeNull();
  });

  test('placed cliques stay; new cliques go right of everything, in startup order', async () => {
    const text = stackText('multi-node-disaggregated-frontend', 'sglang');
    const before = graph(text);
    const l = await autoLayout(EMPTY_LAYOUT, before);
    const added = text.replace(
      '    podCliqueScalingGroups:',
      [
        '      - {name: router, spec: {roleName: router, replicas: 1, startsAfter: [frontend], podSpec: {containers: [{name: main, image: busybox}]}}}',
        '      - {name: cache, spec: {roleName: cache, replicas: 1, startsAfter: [router], podSpec: {containers: [{name: main, image: busybox}]}}}',
        '    podCliqueScalingGroups:',
      ].join('\n'),
    );
    expect(added).not.toBe(text);
    const after = graph(added);
    const next = (await layoutNewCliques(l, after))!;
    for (const c of before.cliques) expect(next.positions[cliqueKey(c.name)]).toEqual(l.positions[cliqueKey(c.name)]);
    const router = next.positions[cliqueKey('router')]!;
    const cache = next.positions[cliqueKey('cache')]!;
    expect(router.x + CLIQUE_SIZE.width).toBeLessThanOrEqual(cache.x);
    const right = Math.max(...before.cliques.map((c) => l.positions[cliqueKey(c.name)]!.x + CLIQUE_SIZE.width), ...before.groups.map((x) => groupFrame(l, before, x.name).x + groupFrame(l, before, x.name).width));
    expect(router.x).toBeGreaterThan(right);
    for (const c of after.cliques) expect(after.cliques.filter((o) => o !== c).some((o) => overlaps(next.positions[cliqueKey(c.name)]!, next.positions[cliqueKey(o.name)]!))).toBe(false);
  });

  test('a big stack laid out as a long chain is wrapped into rows that fit a screen, without overlaps', async () => {
    const g = graph(chainStack(8));
    expect(g.cliques).toHaveLength(40);
    const l = await autoLayout(EMPTY_LAYOUT, g);
    const box = layoutBounds(l, g);
    expect(box.width).toBeLessThanOrEqual(WRAP_ASPECT * box.height);
    for (const c of g.cliques) expect(g.cliques.filter((o) => o !== c).some((o) => overlaps(l.positions[cliqueKey(c.name)]!, l.positions[cliqueKey(o.name)]!))).toBe(false);
    for (const grp of g.groups) for (const c of grp.cliqueNames) expect(groupAt(l, g, l.positions[cliqueKey(c)]!)).toBe(grp.name);
  }, 30_000);
});

/** Whether two boxes share area (kept here, not imported, so these tests also run against a layout.ts without it). */
const boxesMeet = (a: Rect, b: Rect) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const cliqueBox = (l: Layout, name: string): Rect => ({ ...l.positions[cliqueKey(name)]!, ...CLIQUE_SIZE });

/**
 * What a frame covers that it must not: cliques that are not its members, and other frames. A clique
 * is a member of the first group that lists it (groups sharing a name are one frame), as the graph says.
 */
function covered(l: Layout, g: BuilderGraph): string[] {
  const out: string[] = [];
  const groupOf = groupOfCliques(g.groups);
  const names = [...new Set(g.groups.map((grp) => grp.name))];
  for (const name of names) {
    const frame = groupFrame(l, g, name);
    for (const c of g.cliques) if (groupOf.get(c.name) !== name && boxesMeet(frame, cliqueBox(l, c.name))) out.push(`${name} covers clique ${c.name}`);
    for (const other of names) if (other > name && boxesMeet(frame, groupFrame(l, g, other))) out.push(`${name} covers frame ${other}`);
  }
  return out;
}

function edited(r: ReturnType<typeof addClique>): { text: string; note?: string } {
  if (!r.ok) throw new Error(r.message);
  return r;
}

const nudges = [-3, 0, 3].flatMap((dx) => [-3, 0, 3].map((dy) => ({ dx, dy }))).filter((d) => d.dx || d.dy);

describe('frames make room; membership changes only on a deliberate move', () => {
  /**
   * The reviewer's steps on "Multi-node disaggregated with frontend": frontend dropped just below the
   * decode frame joins prefill (the frame under its centre); decode is selected and a decode worker
   * added from the palette (Enter), at the bottom of decode's frame, as the workbench adds it.
   */
  async function reviewerScenario() {
    const text0 = stackText('multi-node-disaggregated-frontend', 'sglang');
    const g0 = graph(text0);
    const l0 = await autoLayout(EMPTY_LAYOUT, g0);
    const decode0 = groupFrame(l0, g0, 'decode');
    const prefill0 = groupFrame(l0, g0, 'prefill');
    // The template stacks decode above prefill; just below decode is the top of prefill's frame.
    expect(decode0.y + decode0.height).toBeLessThan(prefill0.y);
    const dropped = { x: decode0.x + GROUP_PADDING, y: decode0.y + decode0.height + 16 };
    expect(groupAt(l0, g0, dropped)).toBe('prefill');
    const text1 = edited(moveIntoGroup(text0, 'frontend', 'prefill')).text;
    const g1 = graph(text1);
    const l1 = completeLayout({ ...l0, positions: { ...l0.positions, [cliqueKey('frontend')]: dropped } }, g1);
    const added = edited(addClique(text1, { kind: 'decode-worker', flavour: 'sglang', group: 'decode' }));
    const g2 = graph(added.text);
    const decode1 = groupFrame(l1, g1, 'decode');
    const slot = { x: decode1.x + GROUP_PADDING, y: decode1.y + decode1.height - GROUP_DROP_SLOT };
    const l2 = completeLayout({ ...l1, positions: { ...l1.positions, [cliqueKey(added.note!)]: slot }, kinds: { ...l1.kinds, [added.note!]: 'decode-worker' } }, g2);
    return { l0, g1, l1, g2, l2, dropped, slot, newWorker: added.note! };
  }

  test('a frame that grows (a member added at its bottom) covers no other clique nor frame: what it reached moves out of its way', async () => {
    const { l0, g1, l1, g2, l2, slot, newWorker } = await reviewerScenario();
    expect(covered(l1, g1)).toEqual([]);
    expect(covered(l2, g2)).toEqual([]);
    // The grown frame and its members stayed where they were put; prefill (with frontend) moved, as one, straight down.
    for (const c of ['dleader', 'dworker']) expect(l2.positions[cliqueKey(c)]).toEqual(l0.positions[cliqueKey(c)]);
    expect(l2.positions[cliqueKey(newWorker)]).toEqual(slot);
    const shift = { dx: l2.positions[cliqueKey('pleader')]!.x - l1.positions[cliqueKey('pleader')]!.x, dy: l2.positions[cliqueKey('pleader')]!.y - l1.positions[cliqueKey('pleader')]!.y };
    expect(shift.dx).toBe(0);
    expect(shift.dy).toBeGreaterThan(0);
    for (const c of ['pworker', 'frontend']) expect(l2.positions[cliqueKey(c)]).toEqual({ x: l1.positions[cliqueKey(c)]!.x, y: l1.positions[cliqueKey(c)]!.y + shift.dy });
  });

  test('a 3 px nudge of a member near the other frame keeps it where it is; a move that puts its centre in another frame moves it there', async () => {
    const { g2, l2 } = await reviewerScenario();
    const at = l2.positions[cliqueKey('frontend')]!;
    for (const { dx, dy } of nudges) expect(groupAt(l2, g2, { x: at.x + dx, y: at.y + dy }), `nudged by ${dx},${dy}`).toBe('prefill');
    const decode = groupFrame(l2, g2, 'decode');
    // Its centre just inside decode's bottom edge: it joins decode.
    const into = { x: decode.x + GROUP_PADDING, y: decode.y + decode.height - CLIQUE_SIZE.height / 2 - 2 };
    expect(groupAt(l2, g2, into)).toBe('decode');
    // Its centre just outside prefill's frame, in no frame: it leaves.
    const prefill = groupFrame(l2, g2, 'prefill');
    expect(groupAt(l2, g2, { x: prefill.x + prefill.width - CLIQUE_SIZE.width / 2 + 2, y: at.y })).toBeNull();
  });

  test('a layout that needs no room comes back as it was (the same object); one made room in is stable', async () => {
    const { g2, l2 } = await reviewerScenario();
    expect(completeLayout(l2, g2)).toBe(l2);
    const g = graph();
    const l = completeLayout(await autoLayout(EMPTY_LAYOUT, g), g);
    expect(covered(l, g)).toEqual([]);
    expect(completeLayout(l, g)).toBe(l);
  });

  test('a clique in no group that a frame covers moves the shortest way out of it, clear of the other cliques; its row stays', () => {
    const g = graph();
    const l = completeLayout(EMPTY_LAYOUT, g);
    const frame = groupFrame(l, g, 'decode');
    // frontend overlapping decode's right edge by 10 px, its centre outside: it was not dropped in.
    const at = { x: frame.x + frame.width - 10, y: frame.y + 100 };
    expect(groupAt(l, g, at)).toBeNull();
    const made = completeLayout({ ...l, positions: { ...l.positions, [cliqueKey('frontend')]: at } }, g);
    expect(covered(made, g)).toEqual([]);
    expect(made.positions[cliqueKey('frontend')]).toEqual({ x: frame.x + frame.width + ROOM_GAP, y: at.y });
    for (const c of g.cliques) if (c.name !== 'frontend') expect(made.positions[cliqueKey(c.name)]).toEqual(l.positions[cliqueKey(c.name)]);
  });
});

/** A stack as typed into the YAML pane: `cliques` by name, each scaling group with the members it lists (Grove may refuse it). */
function typedStack(cliques: readonly string[], groups: readonly (readonly [string, readonly string[]])[]): BuilderGraph {
  const lines = ['apiVersion: grove.io/v1alpha1', 'kind: PodCliqueSet', 'metadata: {name: typed, namespace: default}', 'spec:', '  replicas: 1', '  template:', '    cliques:'];
  for (const c of cliques) lines.push(`      - {name: ${c}, spec: {roleName: ${c}, replicas: 1, podSpec: {containers: [{name: main, image: busybox}]}}}`);
  lines.push('    podCliqueScalingGroups:');
  for (const [name, members] of groups) lines.push(`      - {name: ${name}, cliqueNames: [${members.join(', ')}], replicas: 1}`);
  return graph(`${lines.join('\n')}\n`);
}

describe('a stack Grove refuses, while it is typed, is laid out once: the layout settles', () => {
  test('a clique two scaling groups list is in the first one only: its frame alone holds it, and laying out again moves nothing', () => {
    const g = typedStack(['x', 'a', 'b'], [['A', ['x', 'a']], ['B', ['x', 'b']]]);
    const l = completeLayout(EMPTY_LAYOUT, g);
    // Before: B's frame was fitted around x too, always over A's, and moved (with x) 270 px per call.
    expect(completeLayout(l, g)).toBe(l);
    expect(covered(l, g)).toEqual([]);
    expect(groupAt(l, g, l.positions[cliqueKey('x')]!)).toBe('A');
    expect(groupAt(l, g, l.positions[cliqueKey('b')]!)).toBe('B');
    expect(boxesMeet(groupFrame(l, g, 'B'), cliqueBox(l, 'x'))).toBe(false);
  });

  test('two scaling groups of one name are one frame around both lists, laid out once', () => {
    const g = typedStack(['a', 'b'], [['A', ['a']], ['A', ['b']]]);
    const l = completeLayout(EMPTY_LAYOUT, g);
    expect(completeLayout(l, g)).toBe(l);
    expect(covered(l, g)).toEqual([]);
    for (const c of ['a', 'b']) expect(groupAt(l, g, l.positions[cliqueKey(c)]!)).toBe('A');
  });

  test('two scaling groups of one name get a frame id each, the first its groupKey, each the same while the names are', () => {
    expect(frameIds(['A', 'B', 'A', 'A'])).toEqual([groupKey('A'), groupKey('B'), 'group:A#2', 'group:A#3']);
    // An id another entry's name already makes is skipped, whichever comes first.
    expect(frameIds(['A', 'A', 'A#2'])).toEqual(['group:A', 'group:A#3', 'group:A#2']);
    expect(frameIds(['A#2', 'A', 'A'])).toEqual(['group:A#2', 'group:A', 'group:A#3']);
    for (const names of [['A', 'A', 'A#2'], ['x', 'x', 'x', 'x#3', 'x#2'], ['', '', '#2']]) expect(new Set(frameIds(names)).size).toBe(names.length);
    // A group added after, or one of another name, leaves the ids before it as they were.
    expect(frameIds(['A', 'B', 'A', 'C']).slice(0, 3)).toEqual(frameIds(['A', 'B', 'A']));
  });

  test('two cliques of one name (Grove refuses it) each have a place and a role kind of their own, kept through a rename of either', async () => {
    const text = stackText('multi-node-disaggregated-frontend', 'sglang').replace(/( +)- name: frontend\n/, (line, indent: string) => `${indent}- name: dworker\n${indent}  spec: {roleName: extra, replicas: 1, podSpec: {containers: [{name: app, image: busybox}]}}\n${line}`);
    const g = graph(text);
    expect(g.cliques.filter((c) => c.name === 'dworker').map((c) => c.ref)).toEqual(['dworker', 'dworker#2']);
    const l = completeLayout(EMPTY_LAYOUT, g);
    const first = l.positions[cliqueKey('dworker')]!;
    const second = l.positions[cliqueKey('dworker#2')]!;
    expect(second).toBeDefined();
    expect(overlaps(first, second)).toBe(false);
    // Both are members of decode by name: its frame holds both.
    for (const ref of ['dworker', 'dworker#2']) expect(groupAt(l, g, l.positions[cliqueKey(ref)]!), ref).toBe('decode');
    expect(pruneLayout(l, g)).toBe(l);
    const laid = await autoLayout(EMPTY_LAYOUT, g);
    expect(overlaps(laid.positions[cliqueKey('dworker')]!, laid.positions[cliqueKey('dworker#2')]!)).toBe(false);
    // The first renamed: the other takes the plain name's ref, and keeps its place; the renamed one keeps its own.
    const kinds = { ...l, kinds: { ...l.kinds, 'dworker#2': 'generic' as const } };
    const renamed = renameCliqueInLayout(kinds, g, g.cliques.find((c) => c.ref === 'dworker')!.index, 'dw');
    expect(renamed.positions[cliqueKey('dw')]).toEqual(first);
    expect(renamed.positions[cliqueKey('dworker')]).toEqual(second);
    expect(renamed.positions[cliqueKey('dworker#2')]).toBeUndefined();
    expect(renamed.kinds).toMatchObject({ dworker: 'generic', dw: 'decode-worker' });
  });

  test('a clique listed twice in one group moves once with its frame', () => {
    const g = typedStack(['a', 'b'], [['A', ['b']], ['B', ['a', 'a']]]);
    // B's frame drawn over A's lower part: it moves down just clear of A, and a with it by as much.
    const l0: Layout = { positions: { [groupKey('A')]: { x: 0, y: 0 }, [cliqueKey('b')]: { x: 20, y: 50 }, [groupKey('B')]: { x: 0, y: 100 }, [cliqueKey('a')]: { x: 20, y: 150 } }, kinds: {} };
    const l = completeLayout(l0, g);
    const a = groupFrame(l, g, 'A');
    const b = groupFrame(l, g, 'B');
    expect(b.y).toBe(a.y + a.height + ROOM_GAP);
    expect(l.positions[cliqueKey('a')]!.y - 150).toBe(b.y - groupFrame(l0, g, 'B').y);
    expect(completeLayout(l, g)).toBe(l);
  });

  test('autoLayout draws each clique once, in the frame that holds it', async () => {
    const g = typedStack(['x', 'a', 'b', 'c'], [['A', ['x', 'a', 'a']], ['B', ['x', 'b']], ['A', ['c']]]);
    const l = completeLayout(await autoLayout(EMPTY_LAYOUT, g), g);
    expect(covered(l, g)).toEqual([]);
    expect(completeLayout(l, g)).toBe(l);
    for (const [c, grp] of [['x', 'A'], ['a', 'A'], ['c', 'A'], ['b', 'B']] as const) expect(groupAt(l, g, l.positions[cliqueKey(c)]!), c).toBe(grp);
  });
});

/**
 * A graph of plain cliques (no specs): the layout reads nothing else. Each clique is listed by the
 * group at its `group` index (or none); `listedAgain` adds further entries, as YAML typed by hand may
 * (Grove refuses them): a clique in a second group, or twice in one. `groups` are names, and may repeat.
 */
function plainGraph(cliques: readonly { name: string; group: number | null }[], groups: readonly string[], listedAgain: readonly { group: number; clique: string }[] = []): BuilderGraph {
  const refs = entryRefs(cliques.map((c) => c.name));
  return {
    name: 'prop',
    namespace: '',
    replicas: 1,
    startupType: 'CliqueStartupTypeAnyOrder',
    cliques: cliques.map((c, index) => ({ name: c.name, ref: refs[index]!, index, roleName: c.name, replicas: 1, minAvailable: null, group: null, startsAfter: [], gpus: 0, gpuError: null })),
    groups: groups.map((name, index) => ({
      name,
      index,
      cliqueNames: [...cliques.filter((c) => c.group === index).map((c) => c.name), ...listedAgain.filter((e) => e.group === index).map((e) => e.clique)],
      replicas: 1,
      minAvailable: null,
    })),
    edges: [],
    resourceSharing: [],
  };
}

type Op =
  | { op: 'addToGroup'; g: number }
  | { op: 'drop'; at: Point }
  | { op: 'moveClique'; c: number; by: Point }
  | { op: 'moveGroup'; g: number; by: Point }
  | { op: 'addGroup'; at: Point }
  // What Grove refuses, typed into the YAML: a clique listed again (in another group or its own), a group named as another.
  | { op: 'listAgain'; g: number; c: number }
  | { op: 'nameAs'; g: number; as: number };

const coord = fc.integer({ min: -200, max: 1400 });
const delta = fc.integer({ min: -500, max: 500 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('addToGroup' as const), g: fc.nat(9) }),
  fc.record({ op: fc.constant('drop' as const), at: fc.record({ x: coord, y: coord }) }),
  fc.record({ op: fc.constant('moveClique' as const), c: fc.nat(30), by: fc.record({ x: delta, y: delta }) }),
  fc.record({ op: fc.constant('moveGroup' as const), g: fc.nat(9), by: fc.record({ x: delta, y: delta }) }),
  fc.record({ op: fc.constant('addGroup' as const), at: fc.record({ x: coord, y: coord }) }),
  fc.record({ op: fc.constant('listAgain' as const), g: fc.nat(9), c: fc.nat(30) }),
  fc.record({ op: fc.constant('nameAs' as const), g: fc.nat(9), as: fc.nat(9) }),
);

describe('property: any sequence of adds and moves, on stacks Grove takes or refuses', () => {
  test('leaves no frame over a clique that is not its member or over another frame; a nudge of up to 30 px never changes membership; the layout is stable', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 14 }), (ops) => {
        // Start: the template's stack (frontend, prefill and decode groups), placed as an import places it.
        const start = graph();
        const groups = start.groups.map((x) => x.name);
        const cliques = start.cliques.map((c) => ({ name: c.name, group: c.group === null ? null : groups.indexOf(c.group) }));
        const listedAgain: { group: number; clique: string }[] = [];
        let g = plainGraph(cliques, groups, listedAgain);
        let l = completeLayout(EMPTY_LAYOUT, g);
        let n = 0;
        // Membership as the graph reads it: the first group listing the clique (by name).
        const memberOf = (name: string) => groupOfCliques(g.groups).get(name) ?? null;
        // A clique moved into `group` (a name, or none), as edits.moveIntoGroup does: out of every list, into the first group of that name.
        const moveInto = (c: { name: string; group: number | null }, group: string | null) => {
          if (group === memberOf(c.name)) return;
          c.group = group === null ? null : groups.indexOf(group);
          for (let i = listedAgain.length - 1; i >= 0; i--) if (listedAgain[i]!.clique === c.name) listedAgain.splice(i, 1);
        };
        // Each op as the workbench does it: from the layout as drawn, membership by groupAt, then drawn again.
        for (const o of ops) {
          const positions = { ...l.positions };
          if (o.op === 'addToGroup' && groups.length) {
            const grp = groups[o.g % groups.length]!;
            const frame = groupFrame(l, g, grp);
            const name = `n${n++}`;
            cliques.push({ name, group: groups.indexOf(grp) });
            positions[cliqueKey(name)] = { x: frame.x + GROUP_PADDING, y: frame.y + frame.height - GROUP_DROP_SLOT };
          } else if (o.op === 'drop') {
            const name = `n${n++}`;
            const grp = groupAt(l, g, o.at);
            cliques.push({ name, group: grp === null ? null : groups.indexOf(grp) });
            positions[cliqueKey(name)] = o.at;
          } else if (o.op === 'moveClique' && cliques.length) {
            const c = cliques[o.c % cliques.length]!;
            const from = l.positions[cliqueKey(c.name)]!;
            const to = { x: from.x + o.by.x, y: from.y + o.by.y };
            moveInto(c, groupAt(l, g, to));
            positions[cliqueKey(c.name)] = to;
          } else if (o.op === 'moveGroup' && groups.length) {
            const grp = groups[o.g % groups.length]!;
            const frame = groupFrame(l, g, grp);
            Object.assign(positions, moveGroup(l, g, grp, { x: frame.x + o.by.x, y: frame.y + o.by.y }).positions);
          } else if (o.op === 'addGroup') {
            const name = `grp${n++}`;
            groups.push(name);
            positions[groupKey(name)] = o.at;
          } else if (o.op === 'listAgain' && groups.length && cliques.length) {
            listedAgain.push({ group: o.g % groups.length, clique: cliques[o.c % cliques.length]!.name });
          } else if (o.op === 'nameAs' && groups.length) {
            groups[o.g % groups.length] = groups[o.as % groups.length]!;
          }
          g = plainGraph(cliques, groups, listedAgain);
          l = completeLayout({ ...l, positions }, g);
          expect(covered(l, g), JSON.stringify(o)).toEqual([]);
          expect(completeLayout(l, g), JSON.stringify(o)).toBe(l);
        }
        for (const c of cliques) {
          const at = l.positions[cliqueKey(c.name)]!;
          for (const dx of [-30, 0, 30]) for (const dy of [-30, 0, 30]) expect(groupAt(l, g, { x: at.x + dx, y: at.y + dy }), `${c.name} by ${dx},${dy}`).toBe(memberOf(c.name));
        }
      }),
      { numRuns: 200 },
    );
  });
});
