/**
 * The domain table and the tainted-node list of a large cluster: shown in full, only the rows in view
 * are rendered (the table still says how many rows it has, and where each shown row is), and a list cut
 * to its first rows says so and offers the rest.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, test } from 'vitest';
import { buildHeatmapModel, type HeatmapModel } from '../../lib/heatmap/model';
import { nestedCluster } from '../../lib/placement/testkit';
import { DomainTable, LIMIT } from './DomainTable';

/** `racks` racks of one 8-GPU node each; every other node tainted (a taint not every GPU node carries). */
function bigModel(racks: number): HeatmapModel {
  const state = nestedCluster(['rack'], [racks, 1], { gpu: 8 });
  state.nodes.forEach((node, i) => {
    if (i % 2 === 0) node.taints = [{ key: 'dedicated', value: 'infer', effect: 'NoSchedule' }];
  });
  return buildHeatmapModel(state);
}

const render = (model: HeatmapModel, initialShowAll: boolean) =>
  renderToStaticMarkup(createElement(DomainTable, { model, highlight: null, selected: null, onFocusFrame: () => undefined, initialShowAll }));

const tableOf = (html: string) => html.slice(html.indexOf('<table'), html.indexOf('</table>'));
const domainRows = (html: string) => [...tableOf(html).matchAll(/<tr[^>]*data-domain="[^"]*"[^>]*>/g)].map((m) => m[0]);
const taintedItems = (html: string) => {
  const list = html.slice(html.indexOf('data-testid="tainted-nodes"'));
  return [...list.matchAll(/<li[^>]*>/g)].map((m) => m[0]);
};

describe('a large cluster’s domain table', () => {
  const model = bigModel(2_000);
  const frames = model.layout.frames.length;

  test('shown in full, only the rows in view are rendered, and the table counts them all (aria-rowcount / aria-rowindex)', () => {
    expect(frames).toBe(2_000);
    const html = render(model, true);
    const rows = domainRows(html);
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(100);
    // Header row + every domain + the totals row.
    expect(tableOf(html)).toContain(`aria-rowcount="${frames + 2}"`);
    expect(rows[0]).toContain('aria-rowindex="2"');
    expect(rows.at(-1)).toContain(`aria-rowindex="${rows.length + 1}"`);
    // The totals row is the last of the table's rows.
    expect(html).toMatch(new RegExp(`<tr[^>]*aria-rowindex="${frames + 2}"[^>]*><th scope="row"[^>]*>All \\(2000 nodes\\)`));
    // The scrolling box is reachable by keyboard, and named.
    expect(html).toMatch(/tabindex="0" role="region" aria-label="Table of [\d,]+ domains: scroll for more rows"/);
  });

  test('before "Show all", the first LIMIT rows are plain rows and the caption says how many of all are shown', () => {
    const html = render(model, false);
    expect(domainRows(html)).toHaveLength(LIMIT);
    expect(html).not.toContain('aria-rowcount');
    expect(html).toContain(`The first 300 of ${frames.toLocaleString('en-US')} domains are shown.`);
    expect(html).toContain(`Show all ${frames} domains`);
  });

  test('a small cluster’s table is plain rows, all of them', () => {
    const small = bigModel(12);
    const html = render(small, false);
    expect(domainRows(html)).toHaveLength(small.layout.frames.length);
    expect(html).not.toContain('aria-rowcount');
    expect(html).not.toContain('Show all');
  });
});

describe('a large cluster’s tainted nodes', () => {
  const model = bigModel(2_000);

  test('cut to the first LIMIT, the list says "300 of 1,000 shown" and offers the rest', () => {
    const html = render(model, false);
    expect(html).toContain('Tainted nodes (1,000)');
    expect(taintedItems(html)).toHaveLength(LIMIT);
    expect(html).toContain('300 of 1,000 shown.');
    expect(html).toContain('Show all 1,000 tainted nodes');
  });

  test('after "Show all", every tainted node is in the list (windowed: set size and positions told)', () => {
    const html = render(model, true);
    const items = taintedItems(html);
    expect(items.length).toBeGreaterThan(10);
    expect(items.length).toBeLessThan(100);
    expect(items[0]).toContain('aria-setsize="1000"');
    expect(items[0]).toContain('aria-posinset="1"');
    expect(html).not.toContain('300 of 1,000 shown');
  });
});
