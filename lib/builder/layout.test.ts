import { describe, expect, test } from 'vitest';
import { readBuilderText } from './document';
import { graphFromObject } from './graph';
import { copySelection, pasteClipboard } from './edits';
import { autoLayout, CLIQUE_SIZE, cliqueKey, completeLayout, EMPTY_LAYOUT, groupAt, groupFrame, groupKey, moveGroup, placePastedGroups, renameInLayout } from './layout';
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
