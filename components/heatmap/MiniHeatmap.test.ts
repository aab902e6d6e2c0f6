import { describe, expect, it } from 'vitest';
import { miniHeatmapSummary } from './MiniHeatmap';

describe('the mini heatmap’s caption', () => {
  it('counts the gangs that do not fit and points to their reasons instead of repeating them', () => {
    const summary = miniHeatmapSummary({ gpus: 352, used: 120, highlighted: null, ghosts: { drawn: 64, undrawn: 0 }, unplaced: 14, unplacedReasonsAt: 'above' });
    expect(summary).toBe('352 GPUs, 120 used. 64 planned GPUs shown as ghosts. 14 gangs do not fit; reasons above');
  });

  it('one gang: singular; without a place given, the reasons are said to be with the gangs', () => {
    expect(miniHeatmapSummary({ gpus: 8, used: 0, highlighted: null, ghosts: { drawn: 0, undrawn: 0 }, unplaced: 1 })).toBe(
      '8 GPUs, 0 used. 0 planned GPUs shown as ghosts. 1 gang does not fit; reasons listed with the gangs',
    );
  });

  it('highlighted GPUs and undrawn ghosts are counted; nothing about fitting without a plan', () => {
    expect(miniHeatmapSummary({ gpus: 352, used: 120, highlighted: 32, ghosts: null, unplaced: 0 })).toBe('352 GPUs, 120 used. 32 GPUs highlighted');
    expect(miniHeatmapSummary({ gpus: 16, used: 0, highlighted: null, ghosts: { drawn: 8, undrawn: 2 }, unplaced: 0 })).toBe('16 GPUs, 0 used. 8 planned GPUs shown as ghosts (2 not drawn)');
  });
});
