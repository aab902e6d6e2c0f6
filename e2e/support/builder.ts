/** What browser tests of the builder's canvas share: boxes that have stopped moving, and the saved draft. */
import type { Locator, Page } from '@playwright/test';
import { parse } from 'yaml';

export type Box = { x: number; y: number; width: number; height: number };

/** The box once it has stopped moving (the canvas fits the view, and frames make room, a frame or two after a change). */
export async function settled(target: Locator): Promise<Box> {
  let box = await target.boundingBox();
  for (let i = 0; i < 40; i++) {
    await target.page().waitForTimeout(100);
    const next = await target.boundingBox();
    if (box && next && box.x === next.x && box.y === next.y && box.width === next.width && box.height === next.height) return next;
    box = next;
  }
  throw new Error('the element kept moving (or was not there) for 4 s');
}

/** The saved draft (every change that takes is saved): its YAML, its scaling groups, and the stored top-left of a clique. */
export async function draft(page: Page): Promise<{ text: string; groups: Record<string, string[]>; at: (c: string) => { x: number; y: number } }> {
  const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('canopy.builder.work') ?? '{}') as { text: string; layout: { positions: Record<string, { x: number; y: number }> } });
  const pcs = parse(saved.text) as { spec: { template: { podCliqueScalingGroups?: { name: string; cliqueNames: string[] }[] } } };
  return {
    text: saved.text,
    groups: Object.fromEntries((pcs.spec.template.podCliqueScalingGroups ?? []).map((g) => [g.name, g.cliqueNames])),
    at: (c) => saved.layout.positions[`clique:${c}`]!,
  };
}
