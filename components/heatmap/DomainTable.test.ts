/**
 * The domain table beside a placement preview: a Planned column says the GPUs the preview's ghosts take
 * per domain, so the reasons a later gang of it does not fit (judged after its earlier gangs) add up.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, test } from 'vitest';
import { buildHeatmapModel } from '../../lib/heatmap/model';
import { ghostOverlay } from '../../lib/heatmap/overlay';
import { placeGangs } from '../../lib/placement';
import { boundPod, makeGang, nestedCluster } from '../../lib/placement/testkit';
import { DomainTable, plannedPerFrame } from './DomainTable';

/** The rows of the table as cell texts, by the domain's id; and the total row. */
function rows(html: string): { header: string[]; byDomain: Record<string, string[]>; total: string[] } {
  const cells = (row: string) => [...row.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, ''));
  const header = cells(/<thead[^>]*>(.*?)<\/thead>/.exec(html)![1]!);
  const byDomain = Object.fromEntries([...html.matchAll(/<tr[^>]*data-domain="([^"]+)"[^>]*>(.*?)<\/tr>/g)].map((m) => [m[1]!, cells(m[2]!)]));
  const total = cells(/<tfoot[^>]*>(.*?)<\/tfoot>/.exec(html)![1]!);
  return { header, byDomain, total };
}

describe('the Planned column of a placement preview', () => {
  // Two racks of two 8-GPU nodes; rack-0 holds 8 GPUs of a running pod. Three gangs of one pod × 8 GPUs packed in a rack.
  const state = nestedCluster(['rack'], [2, 2]);
  state.pods = [boundPod('running', 'node-0', 8)];
  const model = buildHeatmapModel(state);
  const gangs = [0, 1, 2, 3].map((i) => makeGang({ name: `s-${i}`, constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 1, gpu: 8 }] }));
  const plan = placeGangs(state, gangs, { bySchedulerName: false });
  const ghosts = ghostOverlay(model, plan);

  test('per domain, the GPUs its ghosts take; the total is the ghosts drawn', () => {
    expect(plan.gangs.map((g) => g.placed)).toEqual([true, true, true, false]);
    const perFrame = plannedPerFrame(model.layout, ghosts);
    const byId = Object.fromEntries(model.layout.frames.map((f) => [f.id, perFrame[f.index]]));
    expect(byId).toEqual({ 'rack=rack-0': 8, 'rack=rack-1': 16 });
  });

  test('shown only with a preview: used + free = GPUs, and planned is part of free', () => {
    const without = rows(renderToStaticMarkup(createElement(DomainTable, { model, highlight: null, selected: null, onFocusFrame: () => undefined })));
    expect(without.header).not.toContain('Planned (preview)');
    const html = renderToStaticMarkup(createElement(DomainTable, { model, highlight: null, selected: null, onFocusFrame: () => undefined, planned: ghosts }));
    const table = rows(html);
    expect(table.header).toEqual(['Domain', 'GPUs', 'Used', 'Free', 'Planned (preview)', 'Of free, on tainted nodes', 'Unavailable', 'Workloads']);
    // Domain, GPUs, used, free, planned: rack-0 has 8 used by the running pod and 8 planned of its 8 free.
    expect(table.byDomain['rack=rack-0']!.slice(1, 5)).toEqual(['16', '8', '8', '8']);
    expect(table.byDomain['rack=rack-1']!.slice(1, 5)).toEqual(['16', '0', '16', '16']);
    expect(table.total.slice(1, 5)).toEqual(['32', '8', '24', '24']);
    expect(html).toContain('data-testid="domain-table-planned-note"');
    expect(html).toContain('a gang of it that does not fit is judged after its earlier gangs took theirs');
  });
});
