/**
 * The Apply panel's diff table: a value too long for its cell is reachable whole (a <details> that
 * opens to it as YAML), a short one stands as it is, and added / removed / reordered rows say so.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, test } from 'vitest';
import type { FieldChange } from '../../lib/cluster/diff';
import { changeKind, DiffTable, INLINE_LIMIT } from './DiffTable';

const render = (changes: FieldChange[]) => renderToStaticMarkup(createElement(DiffTable, { changes }));
/** The markup's text, tags dropped and entities read, as a person reads it. */
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();
const rows = (html: string) => html.split('<tr').slice(2).map((r) => `<tr${r}`);

const SIDECAR = {
  name: 'sidecar',
  image: 'nvcr.io/nvidia/k8s/dcgm-exporter:3.3.5-3.4.0-ubuntu22.04',
  args: ['--collectors', '/etc/dcgm-exporter/dcp-metrics-included.csv', '--address', ':9400'],
};
const PATH = 'spec.template.cliques[name="router"].spec.podSpec.containers[name="sidecar"]';

describe('DiffTable', () => {
  test('a long value: its start in a summary, and the whole of it, as YAML, in the <details> it opens', () => {
    const html = render([{ path: PATH, new: SIDECAR }]);
    expect(JSON.stringify(SIDECAR).length).toBeGreaterThan(INLINE_LIMIT);
    const [row] = rows(html);
    expect(row).toContain('data-change="added"');
    expect(row).toMatch(/<details[^>]*><summary[^>]*>/);
    const summary = text(/<summary[^>]*>([\s\S]*?)<\/summary>/.exec(row!)![1]!);
    expect(summary.startsWith(JSON.stringify(SIDECAR).slice(0, INLINE_LIMIT - 3))).toBe(true);
    expect(summary).toContain('show all');
    const whole = text(/<pre[^>]*>([\s\S]*?)<\/pre>/.exec(row!)![1]!);
    for (const part of ['name: sidecar', `image: ${SIDECAR.image}`, '- /etc/dcgm-exporter/dcp-metrics-included.csv', '- :9400']) expect(whole).toContain(part);
  });

  test('the row says what happened: the path and "added", nothing before, the value after', () => {
    const cells = rows(render([{ path: PATH, new: { name: 'sidecar', image: 'busybox' } }]))[0]!.split('<td').slice(1).map((c) => text(`<td${c}`));
    expect(cells).toEqual([`${PATH} added`, '—', '{"name":"sidecar","image":"busybox"}']);
  });

  test('a short change stands whole in its cells, with no word beside its path and nothing to open', () => {
    const html = render([{ path: 'spec.replicas', old: 2, new: 1 }]);
    expect(html).not.toContain('<details');
    expect(rows(html)[0]!.split('<td').slice(1).map((c) => text(`<td${c}`))).toEqual(['spec.replicas', '2', '1']);
  });

  test('removed and reordered rows say so; the column headers name before and after', () => {
    const html = render([
      { path: 'spec.template.cliques[name="decode"].spec.startsAfter[="router"]', old: 'router' },
      { path: 'spec.template.cliques', old: ['router', 'decode'], new: ['decode', 'router'], reordered: true },
    ]);
    expect(text(html)).toMatch(/^Field Before After /);
    const [removed, reordered] = rows(html);
    expect(text(removed!)).toBe('spec.template.cliques[name="decode"].spec.startsAfter[="router"] removed "router" —');
    expect(text(reordered!)).toBe('spec.template.cliques order changed ["router","decode"] ["decode","router"]');
  });

  test('changeKind', () => {
    expect([{ path: 'a', new: 1 }, { path: 'a', old: 1 }, { path: 'a', old: 1, new: 2 }, { path: 'a', old: [], new: [], reordered: true as const }].map(changeKind)).toEqual(['added', 'removed', 'changed', 'reordered']);
  });
});
