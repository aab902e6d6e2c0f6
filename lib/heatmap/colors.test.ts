import { describe, expect, test } from 'vitest';
import { buildHeatmapModel, CELL_FREE, CELL_GROVE, CELL_OTHER, CELL_UNAVAILABLE } from './model';
import { colorCells, roleColor, type Theme } from './colors';
import { boundPod, nestedCluster } from '../placement/testkit';
import { LABEL_MANAGED_BY, LABEL_MANAGED_BY_VALUE, LABEL_PART_OF } from '../grove/labels';

/** Colour-vision-deficiency simulation (Machado, Oliveira & Fernandes 2009, severity 1), on linear RGB. */
const CVD: Record<string, number[][]> = {
  normal: [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
  protanopia: [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
  deuteranopia: [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.01182, 0.04294, 0.968881]],
  tritanopia: [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.148602], [0.004733, 0.691367, 0.3039]],
};
const toLinear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const toSrgb = (c: number) => (c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055);
const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
function simulate(hex: string, kind: string): number[] {
  const lin = rgb(hex).map(toLinear);
  return CVD[kind]!.map((row) => 255 * toSrgb(Math.min(1, Math.max(0, row[0]! * lin[0]! + row[1]! * lin[1]! + row[2]! * lin[2]!))));
}
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
      const hexes = ['prefill', 'decode', 'router'].map((r) => roleColor(r, theme));
      for (const kind of Object.keys(CVD))
        for (let i = 0; i < hexes.length; i++)
          for (let j = i + 1; j < hexes.length; j++) expect(distance(simulate(hexes[i]!, kind), simulate(hexes[j]!, kind)), `${kind}: ${hexes[i]} vs ${hexes[j]}`).toBeGreaterThan(45);
    });
  }
});
