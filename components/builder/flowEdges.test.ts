import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { graphFromObject } from '../../lib/builder/graph';
import { contrastRatio } from '../../lib/heatmap/colors';
import { toFlowEdges } from './flowEdges';

const stack = (startupType: string, cliques: [string, string[]][]) =>
  graphFromObject({
    metadata: { name: 's' },
    spec: { template: { cliqueStartupType: startupType, cliques: cliques.map(([name, startsAfter]) => ({ name, spec: { roleName: name, replicas: 1, startsAfter } })) } },
  });

describe('startup edges on the canvas', () => {
  test('InOrder: the implied order is dashed and can be neither selected nor deleted; a startsAfter it ignores is faded and says why', () => {
    const edges = toFlowEdges(stack('CliqueStartupTypeInOrder', [['a', []], ['b', []], ['c', ['a']]]));
    const byId = Object.fromEntries(edges.map((e) => [e.id, e]));
    for (const id of ['a->b', 'b->c']) {
      expect(byId[id]).toMatchObject({ data: { kind: 'implied' }, selectable: false, deletable: false, style: { strokeDasharray: expect.any(String) } });
      expect(byId[id]!.ariaLabel).toMatch(/InOrder/);
    }
    const ignored = byId['a->c']!;
    expect(ignored.data!.kind).toBe('ignored');
    expect(ignored.selectable).not.toBe(false);
    // Told apart by a dash pattern and colour of its own, not by fading (which would lose the contrast).
    expect(ignored.style!.opacity).toBeUndefined();
    expect(ignored.style!.strokeDasharray).toBeDefined();
    expect(ignored.style!.strokeDasharray).not.toBe(byId['a->b']!.style!.strokeDasharray);
    expect(ignored.style).toHaveProperty('--xy-edge-stroke', 'var(--canopy-edge-ignored)');
    expect(ignored.markerEnd).toMatchObject({ color: 'var(--canopy-edge-ignored)' });
    expect(ignored.data!.why).toMatch(/ignores under InOrder.*Explicit/);
  });

  test('Explicit: startsAfter entries are plain arrows that can be deleted', () => {
    const edges = toFlowEdges(stack('CliqueStartupTypeExplicit', [['a', []], ['b', ['a']]]));
    expect(edges).toHaveLength(1);
    expect(edges[0]).toMatchObject({ id: 'a->b', data: { kind: 'explicit', why: 'b starts after a' } });
    expect(edges[0]!.selectable).toBeUndefined();
    expect(edges[0]!.style!.strokeDasharray).toBeUndefined();
  });

  test('AnyOrder: every startsAfter is drawn as ignored', () => {
    const edges = toFlowEdges(stack('CliqueStartupTypeAnyOrder', [['a', []], ['b', ['a']]]));
    expect(edges.map((e) => [e.id, e.data!.kind])).toEqual([['a->b', 'ignored']]);
    expect(edges[0]!.data!.why).toMatch(/AnyOrder/);
  });
});

/** The custom properties a rule of app/globals.css sets, by its exact selector. */
function cssVariables(selector: string): Record<string, string> {
  const css = readFileSync('app/globals.css', 'utf8');
  const start = css.indexOf(`\n${selector} {`);
  expect(start, `${selector} in app/globals.css`).toBeGreaterThanOrEqual(0);
  const body = css.slice(start, css.indexOf('}', start));
  return Object.fromEntries([...body.matchAll(/(--[\w-]+):\s*([^;]+);/g)].map((m) => [m[1]!, m[2]!.trim()]));
}

// What an edge is drawn over: the canvas (light: the page's white, React Flow's background is
// transparent; dark: React Flow's #141414) and a scaling group's frame (bg-zinc-50/70, dark:bg-zinc-900/40).
const UNDER_EDGES = { light: ['#ffffff', '#fbfbfb'], dark: ['#141414', '#161617'] };

describe('edge colours: WCAG non-text contrast ≥ 3:1 against the canvas in both modes', () => {
  test.each([
    ['light', '.react-flow'],
    ['dark', '.react-flow.dark'],
  ] as const)('%s (%s)', (mode, selector) => {
    const vars = cssVariables(selector);
    const strokes = ['--xy-edge-stroke', '--xy-edge-stroke-selected', '--canopy-edge-ignored'].map((name) => [name, vars[name]] as const);
    for (const [name, colour] of strokes) {
      expect(colour, `${name} is #rrggbb, so its contrast can be measured`).toMatch(/^#[0-9a-f]{6}$/);
      for (const under of UNDER_EDGES[mode]) expect(contrastRatio(colour!, under), `${name} ${colour} on ${under}`).toBeGreaterThanOrEqual(3);
    }
    // An ignored edge is told from the others by colour as well as its dots; a selected one stands out.
    expect(vars['--canopy-edge-ignored']).not.toBe(vars['--xy-edge-stroke']);
    expect(vars['--xy-edge-stroke-selected']).not.toBe(vars['--xy-edge-stroke']);
  });

  test('the formula: black on white is 21:1, and the faded edge the review measured is below 3:1', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#2a2a2a', '#141414')).toBeLessThan(3); // #3e3e3e at 45% over #141414
  });
});
