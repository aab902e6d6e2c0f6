import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { NodeInfo } from '../cluster/state';
import { buildHeatmapModel, CELL_FREE, CELL_GROVE, CELL_OTHER, CELL_UNAVAILABLE, type HeatmapModel } from './model';
import { COLOR_MODES, colorCells, contrastRatio, domainFillColor, linearRgb, MARK_COLORS, markShapes, NODE_BOX, traceMarkShape, roleColors, stableHash, WORKLOAD_PALETTE, workloadColor, workloadColors, workloadSlots, type Theme } from './colors';
import { roleResolver } from './roles';
import { withStacks } from './testkit';
import { boundPod, nestedCluster } from '../placement/testkit';
import { LABEL_MANAGED_BY, LABEL_MANAGED_BY_VALUE, LABEL_PART_OF, LABEL_PODCLIQUE } from '../grove/labels';
import { demoSnapshot, demoStacks } from '../topology/demo';
import { clusterStateFromSnapshot } from '../topology/snapshot';

const THEMES: Theme[] = ['light', 'dark'];

/** Colour-vision-deficiency simulation (Machado, Oliveira & Fernandes 2009, severity 1), on linear RGB. */
const CVD: Record<string, number[][]> = {
  normal: [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
  protanopia: [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
  deuteranopia: [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.01182, 0.04294, 0.968881]],
  tritanopia: [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.148602], [0.004733, 0.691367, 0.3039]],
};
const toSrgb = (c: number) => (c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055);
function simulate(hex: string, kind: string): number[] {
  const lin = linearRgb(hex);
  return CVD[kind]!.map((row) => 255 * toSrgb(Math.min(1, Math.max(0, row[0]! * lin[0]! + row[1]! * lin[1]! + row[2]! * lin[2]!))));
}
const hexOf = (rgb: number[]) => `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
const distance = (a: number[], b: number[]) => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);

/** A model with one cell of each allocation status. */
function allStatuses() {
  const state = nestedCluster(['rack'], [1, 2], { gpu: 2 });
  state.nodes[1]!.unschedulable = true;
  state.pods = [{ ...boundPod('g', 'node-0', 1), labels: { [LABEL_MANAGED_BY]: LABEL_MANAGED_BY_VALUE, [LABEL_PART_OF]: 'w' } }, boundPod('o', 'node-1', 1)];
  const model = buildHeatmapModel(state);
  const cellOf = (status: number) => model.cellStatus.indexOf(status);
  return { model, cells: [CELL_FREE, CELL_GROVE, CELL_OTHER, CELL_UNAVAILABLE].map(cellOf) };
}

describe('colours stay apart for colour-blind eyes, in both themes', () => {
  for (const theme of ['light', 'dark'] as Theme[]) {
    test(`allocation (${theme}): free, Grove, other and unavailable differ under every simulated deficiency`, () => {
      const { model, cells } = allStatuses();
      expect(cells.every((c) => c >= 0)).toBe(true);
      const colors = colorCells(model, 'allocation', theme);
      const hexes = cells.map((c) => colors.palette[colors.index[c]!]!);
      expect(new Set(hexes).size).toBe(4);
      for (const kind of Object.keys(CVD))
        for (let i = 0; i < hexes.length; i++)
          for (let j = i + 1; j < hexes.length; j++) expect(distance(simulate(hexes[i]!, kind), simulate(hexes[j]!, kind)), `${kind}: ${hexes[i]} vs ${hexes[j]}`).toBeGreaterThan(45);
    });

    test(`roles (${theme}): prefill, decode and router differ under every simulated deficiency`, () => {
      const together = roleColors(['prefill', 'decode', 'router'], theme);
      const hexes = ['prefill', 'decode', 'router'].map((r) => together.get(r)!);
      for (const kind of Object.keys(CVD))
        for (let i = 0; i < hexes.length; i++)
          for (let j = i + 1; j < hexes.length; j++) expect(distance(simulate(hexes[i]!, kind), simulate(hexes[j]!, kind)), `${kind}: ${hexes[i]} vs ${hexes[j]}`).toBeGreaterThan(45);
    });
  }
});

/** CIE76 ΔE in CIELAB (D65): how far apart two colours look to normal vision. */
function deltaE(a: string, b: string): number {
  const lab = (hex: string) => {
    const [r, g, b] = linearRgb(hex);
    const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
    const [x, y, z] = [(0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b, (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883].map(f) as [number, number, number];
    return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
  };
  return distance(lab(a), lab(b));
}

/** CIELAB (D65) of '#rrggbb'. */
function cieLab(hex: string): [number, number, number] {
  const [r, g, b] = linearRgb(hex);
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
  const [x, y, z] = [(0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047, 0.2126729 * r + 0.7151522 * g + 0.072175 * b, (0.0193339 * r + 0.119192 * g + 0.9503041 * b) / 1.08883].map(f) as [number, number, number];
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}

/** CIEDE2000 colour difference (Sharma, Wu & Dalal 2005): how far apart two colours look, ~1 being just noticeable. */
function ciede2000(a: string, b: string): number {
  const [L1, a1, b1] = cieLab(a);
  const [L2, a2, b2] = cieLab(b);
  const rad = Math.PI / 180;
  const cBar = (Math.hypot(a1, b1) + Math.hypot(a2, b2)) / 2;
  const g = 0.5 * (1 - Math.sqrt(cBar ** 7 / (cBar ** 7 + 25 ** 7)));
  const [a1p, a2p] = [(1 + g) * a1, (1 + g) * a2];
  const [c1, c2] = [Math.hypot(a1p, b1), Math.hypot(a2p, b2)];
  const hue = (x: number, y: number) => (x === 0 && y === 0 ? 0 : (Math.atan2(y, x) / rad + 360) % 360);
  const [h1, h2] = [hue(a1p, b1), hue(a2p, b2)];
  let dh = c1 * c2 === 0 ? 0 : h2 - h1;
  if (dh > 180) dh -= 360;
  else if (dh < -180) dh += 360;
  const dH = 2 * Math.sqrt(c1 * c2) * Math.sin((dh / 2) * rad);
  const lBar = (L1 + L2) / 2;
  const cBarP = (c1 + c2) / 2;
  const hBar = c1 * c2 === 0 ? h1 + h2 : Math.abs(h1 - h2) > 180 ? (h1 + h2 + (h1 + h2 < 360 ? 360 : -360)) / 2 : (h1 + h2) / 2;
  const t = 1 - 0.17 * Math.cos((hBar - 30) * rad) + 0.24 * Math.cos(2 * hBar * rad) + 0.32 * Math.cos((3 * hBar + 6) * rad) - 0.2 * Math.cos((4 * hBar - 63) * rad);
  const sL = 1 + (0.015 * (lBar - 50) ** 2) / Math.sqrt(20 + (lBar - 50) ** 2);
  const sC = 1 + 0.045 * cBarP;
  const sH = 1 + 0.015 * cBarP * t;
  const rT = -Math.sin(2 * 30 * Math.exp(-(((hBar - 275) / 25) ** 2)) * rad) * 2 * Math.sqrt(cBarP ** 7 / (cBarP ** 7 + 25 ** 7));
  const [dL, dC] = [(L2 - L1) / sL, (c2 - c1) / sC];
  return Math.sqrt(dL ** 2 + dC ** 2 + (dH / sH) ** 2 + rT * dC * (dH / sH));
}

/** The demo cluster with its three stacks and their roles, as the page shows it. */
const demoModel = (): HeatmapModel => buildHeatmapModel(withStacks(clusterStateFromSnapshot(demoSnapshot()), demoStacks()), { roleOf: roleResolver([], demoStacks()) });

/** One GPU pod per workload `default/<name>`, each with role `role-<i>` when `roles` is set. */
function manyWorkloads(names: readonly string[], roles = false): HeatmapModel {
  const state = nestedCluster(['rack'], [1, names.length], { gpu: 2 });
  state.pods = names.map((name, i) => ({
    ...boundPod(`${name}-0`, state.nodes[i]!.name, 1),
    labels: { [LABEL_MANAGED_BY]: LABEL_MANAGED_BY_VALUE, [LABEL_PART_OF]: name, [LABEL_PODCLIQUE]: `${name}-0-c` },
  }));
  const roleOf = roles ? (pod: { labels: Record<string, string> }) => `role-${names.indexOf(pod.labels[LABEL_PART_OF]!)}` : undefined;
  return buildHeatmapModel(state, { roleOf });
}

/** One GPU pod per workload key (namespace/name). */
function manyWorkloadsIn(keys: readonly string[]): HeatmapModel {
  const state = nestedCluster(['rack'], [1, keys.length], { gpu: 2 });
  state.pods = keys.map((key, i) => {
    const [namespace, name] = key.split('/') as [string, string];
    return { ...boundPod(`${name}-0`, state.nodes[i]!.name, 1), namespace, labels: { [LABEL_MANAGED_BY]: LABEL_MANAGED_BY_VALUE, [LABEL_PART_OF]: name, [LABEL_PODCLIQUE]: `${name}-0-c` } };
  });
  return buildHeatmapModel(state);
}

/** The colour a role gets alone (a well-known role's fixed colour, else its hash slot among the others). */
const roleAlone = (role: string, theme: Theme): string => roleColors([role], theme).get(role)!;

/** `count` workload names whose keys all hash to the same palette slot. */
function collidingNames(count: number, theme: Theme): string[] {
  const size = WORKLOAD_PALETTE[theme].length;
  const names: string[] = [];
  for (let i = 0; names.length < count; i++) if (stableHash(`default/w${i}`) % size === 0) names.push(`w${i}`);
  return names;
}

const cellColorOf = (model: HeatmapModel, colors: ReturnType<typeof colorCells>, workload: string) =>
  colors.palette[colors.index[model.pods[model.workloads.find((w) => w.key === workload)!.pods[0]!]!.firstCell]!]!;

describe('by workload: colours never collide while there are no more workloads than colours', () => {
  for (const theme of THEMES) {
    test(`demo cluster (${theme}): the three stacks get three different colours, on the canvas and in the legend`, () => {
      const model = demoModel();
      const colors = colorCells(model, 'workload', theme);
      const drawn = model.workloads.map((w) => cellColorOf(model, colors, w.key));
      expect(new Set(drawn).size).toBe(3);
      expect(colors.legend.filter((e) => e.workload).map((e) => e.color)).toEqual(drawn);
    });

    test(`${theme}: workloads whose hash slots collide take the next free slot; the first in key order keeps its own`, () => {
      const names = collidingNames(WORKLOAD_PALETTE[theme].length, theme);
      const model = manyWorkloads(names);
      const colors = colorCells(model, 'workload', theme);
      const drawn = model.workloads.map((w) => cellColorOf(model, colors, w.key));
      expect(new Set(drawn).size).toBe(names.length);
      const first = [...model.workloads.map((w) => w.key)].sort()[0]!;
      expect(cellColorOf(model, colors, first)).toBe(workloadColor(first, theme));
      expect(colors.legend.some((e) => e.sharedColor)).toBe(false);
    });
  }

  test('property: any ≤ palette-size set of workloads gets distinct colours, the same whatever order they come in (stable across reloads)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z0-9-]{1,12}\/[a-z0-9-]{1,12}$/), { maxLength: WORKLOAD_PALETTE.light.length }), fc.constantFrom(...THEMES), (keys, theme) => {
        const colors = workloadColors(keys, theme);
        expect(new Set(colors.values()).size).toBe(keys.length);
        expect(workloadColors([...keys].reverse(), theme)).toEqual(colors);
        // One workload alone always has its hash colour.
        for (const key of keys.slice(0, 1)) expect(workloadColors([key], theme).get(key)).toBe(workloadColor(key, theme));
      }),
    );
  });

  test('past the palette size colours repeat evenly (≤ ⌈n / size⌉ each, every colour used), and the legend marks the shared ones', () => {
    for (const theme of THEMES) {
      const size = WORKLOAD_PALETTE[theme].length;
      for (const count of [size + 1, 2 * size + 3]) {
        const names = collidingNames(count, theme);
        const model = manyWorkloads(names);
        const colors = colorCells(model, 'workload', theme);
        const uses = new Map<string, number>();
        for (const w of model.workloads) uses.set(cellColorOf(model, colors, w.key), (uses.get(cellColorOf(model, colors, w.key)) ?? 0) + 1);
        expect(uses.size).toBe(size);
        expect(Math.max(...uses.values())).toBeLessThanOrEqual(Math.ceil(count / size));
        for (const entry of colors.legend.filter((e) => e.workload)) expect(entry.sharedColor ?? false).toBe(uses.get(entry.color!)! > 1);
        expect(workloadColors(names.map((n) => `default/${n}`).reverse(), theme)).toEqual(workloadColors(names.map((n) => `default/${n}`), theme));
      }
    }
  });
});

describe('by workload: while the page is open a workload keeps its colour when others come', () => {
  /** A key that sorts before `key` and whose hash slot is `key`'s: alone it would take that colour. */
  function usurperOf(key: string): string {
    const size = WORKLOAD_PALETTE.light.length;
    for (let i = 0; ; i++) if (stableHash(`a-ns/w${i}`) % size === stableHash(key) % size) return `a-ns/w${i}`;
  }

  for (const theme of THEMES)
    test(`${theme}: a new stack whose key sorts first and hashes to an existing stack's slot takes a free one instead`, () => {
      const existing = 'team-b/llama';
      const newcomer = usurperOf(existing);
      expect(newcomer < existing).toBe(true);
      const before = manyWorkloadsIn([existing]);
      const first = colorCells(before, 'workload', theme);
      const after = manyWorkloadsIn([existing, newcomer]);
      // From scratch (a reload) the newcomer, first in key order, takes the slot:
      expect(cellColorOf(after, colorCells(after, 'workload', theme), existing)).not.toBe(cellColorOf(before, first, existing));
      // With the slots handed back, the existing stack keeps its colour and the newcomer gets another.
      const kept = colorCells(after, 'workload', theme, { workloadSlots: first.workloadSlots });
      expect(cellColorOf(after, kept, existing)).toBe(cellColorOf(before, first, existing));
      expect(cellColorOf(after, kept, newcomer)).not.toBe(cellColorOf(after, kept, existing));
      expect(kept.legend.find((e) => e.workload === existing)!.color).toBe(cellColorOf(before, first, existing));
      expect(kept.workloadSlots!.get(existing)).toBe(first.workloadSlots!.get(existing));
    });

  test('other modes hand back no slots (the kept ones stay with the page)', () => {
    expect(colorCells(demoModel(), 'allocation', 'light').workloadSlots).toBeUndefined();
    expect(colorCells(demoModel(), 'workload', 'light').workloadSlots!.size).toBe(3);
  });

  test('property: over any sequence of workload sets, a workload present in two sets in a row keeps its slot, and ≤ palette-size sets never share one', () => {
    const size = WORKLOAD_PALETTE.light.length;
    fc.assert(
      fc.property(fc.array(fc.uniqueArray(fc.constantFrom(...Array.from({ length: 14 }, (_, i) => `ns/w${i}`)), { maxLength: size }), { minLength: 1, maxLength: 8 }), (sets) => {
        let kept: ReadonlyMap<string, number> = new Map();
        for (const keys of sets) {
          const slots = workloadSlots(keys, kept);
          expect([...slots.keys()].sort()).toEqual([...keys].sort());
          expect(new Set(slots.values()).size).toBe(keys.length);
          for (const key of keys) if (kept.has(key)) expect(slots.get(key)).toBe(kept.get(key));
          kept = slots;
        }
      }),
    );
  });

  test('slots handed back that are out of the palette are ignored (given afresh)', () => {
    expect(workloadSlots(['ns/a'], new Map([['ns/a', 99]]))).toEqual(workloadSlots(['ns/a']));
  });
});

describe('by role', () => {
  for (const theme of THEMES) {
    test(`${theme}: "No role" has a colour no role can get, apart from free and unavailable, and says no more than it knows`, () => {
      const model = demoModel();
      const colors = colorCells(model, 'role', theme);
      const noRole = colors.legend.find((e) => e.label === 'No role');
      expect(noRole).toBeDefined();
      expect(colors.legend.some((e) => /not Grove/.test(e.label))).toBe(false);
      const roleNames = ['prefill', 'decode', 'router', 'frontend', 'leader', 'worker', 'prefill-leader', ...Array.from({ length: 40 }, (_, i) => `role-${i}`)];
      const reachable = new Set([...roleNames.map((r) => roleAlone(r, theme)), ...roleColors(roleNames, theme).values()]);
      expect(reachable.has(noRole!.color!)).toBe(false);
      expect([colors.palette[0], colors.palette[1]]).not.toContain(noRole!.color);
    });

    test(`${theme}: two roles of the same kind (prefill-leader, prefill-worker) get different colours; the first keeps the well-known one`, () => {
      const colors = roleColors(['prefill-worker', 'prefill-leader', 'decode', 'worker'], theme);
      expect(colors.get('prefill-leader')).toBe(roleAlone('prefill', theme));
      expect(colors.get('decode')).toBe(roleAlone('decode', theme));
      expect(new Set(colors.values()).size).toBe(4);
    });
  }

  test('property: any ≤ 9 roles get distinct colours, whatever order they come in', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z-]{1,12}$/), { maxLength: 9 }), fc.constantFrom(...THEMES), (roles, theme) => {
        const colors = roleColors(roles, theme);
        expect(new Set(colors.values()).size).toBe(roles.length);
        expect(roleColors([...roles].reverse(), theme)).toEqual(colors);
      }),
    );
  });
});

describe('legends: every entry of every mode has its own colour, in both themes', () => {
  const models = { demo: demoModel(), 'nine roles': manyWorkloads(collidingNames(9, 'light'), true) };
  for (const theme of THEMES)
    for (const mode of COLOR_MODES)
      for (const [name, model] of Object.entries(models))
        test(`${mode}, ${theme}, ${name}`, () => {
          // Entries about nodes (an outline) have no cell colour.
          const legend = colorCells(model, mode, theme).legend.filter((e) => e.color);
          const hexes = legend.map((e) => e.color!);
          expect(new Set(hexes).size, hexes.join(' ')).toBe(hexes.length);
          // Not merely different codes: categorical entries are visibly apart (domain fill is an ordered scale).
          if (mode !== 'domain')
            for (let i = 0; i < hexes.length; i++) for (let j = i + 1; j < hexes.length; j++) expect(deltaE(hexes[i]!, hexes[j]!), `${legend[i]!.label} ${hexes[i]} vs ${legend[j]!.label} ${hexes[j]}`).toBeGreaterThan(15);
        });
});

describe('contrast: every cell colour has WCAG non-text contrast ≥ 3:1 against the node box of its theme', () => {
  for (const theme of THEMES) {
    test(`${theme}: free, unavailable, every palette entry of every mode, both domain-fill ends`, () => {
      const many = manyWorkloads(collidingNames(30, theme), true);
      const colors = new Set<string>([...WORKLOAD_PALETTE[theme], ...roleColors(many.roles, theme).values(), domainFillColor(0, theme), domainFillColor(1, theme)]);
      for (const model of [demoModel(), many]) for (const mode of COLOR_MODES) for (const c of colorCells(model, mode, theme).palette) colors.add(c);
      for (let s = 0; s <= 10; s++) colors.add(domainFillColor(s / 10, theme));
      for (const c of colors) expect(c, 'colours are #rrggbb, so their contrast can be measured').toMatch(/^#[0-9a-f]{6}$/);
      const weak = [...colors].filter((c) => contrastRatio(c, NODE_BOX[theme]) < 3).map((c) => `${c} ${contrastRatio(c, NODE_BOX[theme]).toFixed(2)}:1`);
      expect(weak).toEqual([]);
    });
  }

  test('domain fill runs one way per theme: a fuller domain stands further from the node box', () => {
    for (const theme of THEMES) {
      const steps = Array.from({ length: 11 }, (_, s) => contrastRatio(domainFillColor(s / 10, theme), NODE_BOX[theme]));
      for (let s = 1; s < steps.length; s++) expect(steps[s]!).toBeGreaterThan(steps[s - 1]!);
    }
  });

  test('workload and role colours (all of them) and the neutral grey stay apart from free cells under every simulated deficiency', () => {
    const roleNames = ['prefill', 'decode', 'router', 'leader', ...Array.from({ length: 40 }, (_, i) => `role-${i}`)];
    for (const theme of THEMES) {
      const [free, , , neutral] = colorCells(demoModel(), 'role', theme).palette as [string, string, string, string];
      for (const c of [...WORKLOAD_PALETTE[theme], ...roleColors(roleNames, theme).values(), neutral]) for (const kind of Object.keys(CVD)) expect(distance(simulate(c, kind), simulate(free, kind)), `${theme} ${kind}: ${c} vs free ${free}`).toBeGreaterThan(30);
    }
  });
});

describe('legends list what the map can show', () => {
  /** The demo with one node cordoned and another tainted (free GPUs on both), and a CPU-only stack bound to a GPU node. */
  function demoWith({ cordon = false, taint = false, cpuOnly = false }) {
    const state = withStacks(clusterStateFromSnapshot(demoSnapshot()), demoStacks());
    const idle = state.nodes.filter((n) => !state.pods.some((p) => p.nodeName === n.name && p.requests.gpu > 0));
    if (cordon) idle[0]!.unschedulable = true;
    if (taint) idle[1]!.taints = [{ key: 'dedicated', value: 'infer', effect: 'NoSchedule' }];
    if (cpuOnly)
      state.pods = [...state.pods, { ...boundPod('cpu-only-0', idle[2]!.name, 0), labels: { [LABEL_MANAGED_BY]: LABEL_MANAGED_BY_VALUE, [LABEL_PART_OF]: 'cpu-only', [LABEL_PODCLIQUE]: 'cpu-only-0-router' } }];
    return buildHeatmapModel(state, { roleOf: roleResolver([], demoStacks()) });
  }

  for (const theme of THEMES)
    for (const mode of COLOR_MODES)
      test(`${mode}, ${theme}: an entry with a cell colour is on some cell, unless it says none; one saying none is on none`, () => {
        for (const model of [demoModel(), demoWith({ cordon: true, taint: true, cpuOnly: true })]) {
          const colors = colorCells(model, mode, theme);
          const drawn = new Set(Array.from(colors.index, (i) => colors.palette[i]!));
          for (const entry of colors.legend.filter((e) => e.color && !e.label.endsWith('% used'))) expect(drawn.has(entry.color!), `${entry.label} ${entry.color}`).toBe(!entry.none);
        }
      });

  test('role mode: the router pod holds no GPU, so "router" is not listed (the demo)', () => {
    const model = demoModel();
    expect(model.pods.some((p) => p.role === 'router' && p.gpus === 0)).toBe(true);
    for (const theme of THEMES) expect(colorCells(model, 'role', theme).legend.map((e) => e.label)).not.toContain('router');
  });

  test('workload mode: a stack whose pods hold no GPU is not listed', () => {
    const model = demoWith({ cpuOnly: true });
    expect(model.workloads.some((w) => w.key === 'default/cpu-only')).toBe(true);
    expect(colorCells(model, 'workload', 'light').legend.map((e) => e.label)).not.toContain('default/cpu-only');
  });

  test('every mode lists cordoned / NotReady and tainted nodes once, in one wording, saying "none" when the cluster has none', () => {
    const plain = demoModel();
    const marked = demoWith({ cordon: true, taint: true });
    for (const theme of THEMES)
      for (const mode of COLOR_MODES) {
        for (const [model, none] of [
          [plain, true],
          [marked, undefined],
        ] as const) {
          const legend = colorCells(model, mode, theme).legend;
          const cordoned = legend.filter((e) => /cordon|not ?ready/i.test(e.label));
          expect(cordoned.map((e) => e.label)).toEqual(['Cordoned / NotReady node']);
          expect(cordoned[0]).toMatchObject({ nodeMark: 'unavailableNode' });
          expect(cordoned[0]!.none).toBe(none);
          const tainted = legend.filter((e) => e.nodeMark === 'taintedNode');
          expect(tainted).toHaveLength(1);
          expect(tainted[0]!.none).toBe(none);
        }
      }
  });

  test('a NotReady node counts as present too; a fully used cordoned node still has its outline listed', () => {
    const state = nestedCluster(['rack'], [1, 2], { gpu: 2 });
    state.nodes[1]!.ready = false;
    state.pods = [boundPod('full', 'node-1', 2)];
    const colors = colorCells(buildHeatmapModel(state), 'allocation', 'light');
    expect(colors.legend.find((e) => e.nodeMark === 'unavailableNode')!.none).toBeUndefined();
  });
});

describe('marks: each has ≥ 3:1 against what it is drawn on, in both themes', () => {
  for (const theme of THEMES)
    test(theme, () => {
      const c = MARK_COLORS[theme];
      const box = NODE_BOX[theme];
      const unavailable = colorCells(demoModel(), 'allocation', theme).palette[1]!;
      expect(contrastRatio(c.hatch, unavailable)).toBeGreaterThanOrEqual(3);
      for (const outline of [c.unavailableNode, c.taintedNode, c.ghost]) expect(contrastRatio(outline, box), outline).toBeGreaterThanOrEqual(3);
      // The ghost's ring and dot on its hollow (the node box): its first shape.
      expect(markShapes('ghost', theme)[0]).toMatchObject({ shape: 'fill', inset: 0, color: box });
    });

  test('a ghost on a cell too small for its ring (zoomed out to 1–3 CSS pixel cells) is drawn in colours with ≥ 3:1 against the whole fixed palette of its theme', () => {
    const sink = { rect: () => undefined, moveTo: () => undefined, lineTo: () => undefined };
    for (const theme of THEMES) {
      // The fixed entries: free, unavailable, tainted-free, Grove and other (allocation), and the grey of a pod no role names (role mode).
      const state = nestedCluster(['rack'], [1, 3], { gpu: 2 });
      state.nodes[1]!.unschedulable = true;
      state.nodes[2]!.taints = [{ key: 'dedicated', value: 'infer', effect: 'NoSchedule' }];
      state.pods = [{ ...boundPod('g', 'node-0', 1), labels: { [LABEL_MANAGED_BY]: LABEL_MANAGED_BY_VALUE, [LABEL_PART_OF]: 'w' } }, boundPod('o', 'node-1', 1)];
      const model = buildHeatmapModel(state);
      const fixed = new Set([...colorCells(model, 'allocation', theme).palette, ...colorCells(model, 'role', theme).palette]);
      expect(fixed.size, [...fixed].join(' ')).toBe(6);
      for (const k of [0.1, 0.2, 0.3]) {
        const drawn = markShapes('ghost', theme).filter((shape) => traceMarkShape(sink, shape, 0, 0, 10, 10, k));
        expect(drawn.length, `${theme} k=${k}`).toBeGreaterThan(0);
        for (const shape of drawn)
          for (const c of fixed) expect(contrastRatio(shape.color, c), `${theme} k=${k}: ${shape.shape} ${shape.color} against ${c}`).toBeGreaterThanOrEqual(3);
      }
    }
  });
});

describe('legends: every pair of colours one legend shows together is apart to the eye (CIEDE2000), in both themes', () => {
  /** Least CIEDE2000 between any two colours of one legend (a just-noticeable difference is about 1; 10 is plainly another colour). */
  const MIN_DE2000 = 10;
  /**
   * Least CIEDE2000, under each simulated colour-vision deficiency, between a free GPU's colours (free,
   * free on a tainted node: told from a used GPU by colour alone) and every other colour of the legend.
   * Nine categorical colours cannot all stay apart under a deficiency (selecting a workload picks out its
   * cells); what is free must.
   */
  const MIN_DE2000_FREE_CVD = 7.5;
  const WELL_KNOWN_ROLES = ['prefill', 'decode', 'router', 'leader'];

  /**
   * A cluster showing every colour `mode`'s legend can hold at once: a pod on each of the first nodes
   * (each its own workload, with its own role: nine workloads take all nine workload colours, the four
   * well-known roles and five others all nine role colours), a pod of no workload, a cordoned and a
   * tainted node with free GPUs, and free GPUs.
   */
  function everyColour(): HeatmapModel {
    const roles = [...WELL_KNOWN_ROLES, 'alpha', 'beta', 'gamma', 'delta', 'epsilon'];
    const names = collidingNames(roles.length, 'light');
    const state = nestedCluster(['rack'], [1, names.length + 3], { gpu: 2 });
    const [cordoned, tainted, loose] = state.nodes.slice(names.length) as [NodeInfo, NodeInfo, NodeInfo];
    cordoned.unschedulable = true;
    tainted.taints = [{ key: 'dedicated', value: 'infer', effect: 'NoSchedule' }];
    state.pods = [
      ...names.map((name, i) => ({ ...boundPod(`${name}-0`, state.nodes[i]!.name, 1), labels: { [LABEL_MANAGED_BY]: LABEL_MANAGED_BY_VALUE, [LABEL_PART_OF]: name, [LABEL_PODCLIQUE]: `${name}-0-c` } })),
      boundPod('loose', loose.name, 1),
    ];
    return buildHeatmapModel(state, { roleOf: (pod) => (pod.labels[LABEL_PART_OF] ? roles[names.indexOf(pod.labels[LABEL_PART_OF])] : undefined) });
  }
  const model = everyColour();

  test('the cluster shows every workload and role colour there is', () => {
    for (const theme of THEMES) {
      expect(new Set(colorCells(model, 'workload', theme).legend.filter((e) => e.workload).map((e) => e.color))).toEqual(new Set(WORKLOAD_PALETTE[theme]));
      const roleEntries = colorCells(model, 'role', theme).legend.filter((e) => model.roles.includes(e.label));
      expect(roleEntries.map((e) => e.label)).toEqual(expect.arrayContaining(WELL_KNOWN_ROLES));
      expect(new Set(roleEntries.map((e) => e.color)).size).toBe(9);
    }
  });

  for (const theme of THEMES)
    for (const mode of COLOR_MODES.filter((m) => m !== 'domain'))
      test(`${mode}, ${theme}`, () => {
        const legend = colorCells(model, mode, theme).legend.filter((e) => e.color);
        const close: string[] = [];
        const freeClose: string[] = [];
        const isFree = (e: (typeof legend)[number]) => e.label === 'Free' || e.tainted === true;
        for (let i = 0; i < legend.length; i++)
          for (let j = i + 1; j < legend.length; j++) {
            const [a, b] = [legend[i]!, legend[j]!];
            const normal = ciede2000(a.color!, b.color!);
            if (normal < MIN_DE2000) close.push(`${a.label} ${a.color} vs ${b.label} ${b.color}: ${normal.toFixed(1)}`);
            if (!isFree(a) && !isFree(b)) continue;
            for (const kind of Object.keys(CVD).filter((k) => k !== 'normal')) {
              const seen = ciede2000(hexOf(simulate(a.color!, kind)), hexOf(simulate(b.color!, kind)));
              if (seen < MIN_DE2000_FREE_CVD) freeClose.push(`${kind}: ${a.label} ${a.color} vs ${b.label} ${b.color}: ${seen.toFixed(1)}`);
            }
          }
        expect(close).toEqual([]);
        expect(freeClose).toEqual([]);
      });
});
