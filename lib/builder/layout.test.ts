import { describe, expect, test } from 'vitest';
import { readBuilderText } from './document';
import { graphFromObject } from './graph';
import { copySelection, pasteClipboard } from './edits';
import { autoLayout, CLIQUE_SIZE, cliqueKey, completeLayout, EMPTY_LAYOUT, groupAt, groupFrame, groupKey, layoutBounds, layoutNewCliques, moveGroup, placePastedGroups, renameInLayout, WRAP_ASPECT } from './layout';
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
