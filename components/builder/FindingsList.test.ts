import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, test } from 'vitest';
import { readBuilderText } from '../../lib/builder/document';
import { setField } from '../../lib/builder/edits';
import { findingTarget } from '../../lib/builder/findings';
import { graphFromObject } from '../../lib/builder/graph';
import { stackText } from '../../lib/builder/templates';
import { checkManifestText } from '../../lib/grove/check';
import { parseYamlDocuments } from '../../lib/grove/manifest';
import { viewReport } from '../validate/reportView';
import { findingPath, FindingsList, type BuilderFinding } from './FindingsList';

test('a finding names its field by JSON path, as typed in jq or a console', () => {
  expect(findingPath('/spec/template/cliques/2/spec/replicas')).toBe('spec.template.cliques[2].spec.replicas');
  expect(findingPath('/spec/template/cliques/0/spec/podSpec/containers/1/resources/limits/nvidia.com~1gpu')).toBe('spec.template.cliques[0].spec.podSpec.containers[1].resources.limits["nvidia.com/gpu"]');
  expect(findingPath('/metadata/labels/kai.scheduler~1queue')).toBe('metadata.labels["kai.scheduler/queue"]');
  expect(findingPath('')).toBe('');
});

/** The findings of `text` as the builder page hands them to the list: targets on the canvas's PodCliqueSet (`pcsIndex`) only. */
function builderFindings(text: string, pcsIndex: number, canvasText: string): BuilderFinding[] {
  const read = readBuilderText(canvasText);
  if (!read.ok) throw new Error(read.message);
  const graph = graphFromObject(read.object);
  return viewReport(checkManifestText(text)).all.map((entry) => ({ entry, target: entry.path !== null && entry.document === pcsIndex ? findingTarget(graph, entry.path) : { kind: 'stack' as const } }));
}

/** Each listed finding as text: its place (`name › clique x · line:col`) and its message. */
function rendered(findings: readonly BuilderFinding[]) {
  const html = renderToStaticMarkup(createElement(FindingsList, { findings, pending: false, onJump: () => {} })).replace(/<!-- -->/g, '');
  const text = (s: string) => s.replace(/<[^>]+>/g, '').replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&amp;/g, '&').replace(/&gt;/g, '>').replace(/&lt;/g, '<');
  const items = [...html.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1]!);
  return {
    summary: text(/data-testid="builder-findings-summary"[^>]*>([\s\S]*?)<\/p>/.exec(html)![1]!),
    items: items.map((li) => ({ place: text(/data-testid="builder-finding-place"[^>]*>([\s\S]*?)<\/span>/.exec(li)![1]!), text: text(li) })),
  };
}

describe('the builder findings list', () => {
  test('one unclosed [ reads as one parse error at the cause, with how many more the parser reported, in a few hundred characters', () => {
    const good = stackText('multi-node-disaggregated-frontend', 'vllm');
    const text = good.replace(/^spec:$/m, 'spec: [');
    // What yaml reports: tens of errors, some quoting whole blocks of the file; the report has the first (lib/grove/manifest.ts).
    const reported = parseYamlDocuments(text).documents[0]!.errors;
    expect(reported.length).toBeGreaterThan(50);
    expect(Math.max(...reported.map((e) => e.message.length))).toBeGreaterThan(900);
    const [first] = checkManifestText(text).parseErrors;

    const { summary, items } = rendered(builderFindings(text, 0, good));
    expect(summary).toBe('1 error, 0 warnings');
    expect(items).toHaveLength(1);
    expect(items[0]!.place).toBe(`document 1 · ${first!.line}:${first!.column}`);
    expect(items[0]!.text).toContain(first!.message.slice(0, 30));
    expect(items[0]!.text).toContain(`and ${reported.length - 1} more parse errors after it`);
    expect(items[0]!.text.length).toBeLessThan(400);
  });

  test('each finding names its document: metadata.name, or "document N" when it has none', () => {
    const first = stackText('single-node-aggregated', 'vllm');
    const bad = setField(stackText('single-node-disaggregated', 'sglang'), ['spec', 'template', 'cliques', 1, 'spec', 'minAvailable'], 99);
    if (!bad.ok) throw new Error(bad.message);
    const nameless = stackText('single-node-aggregated', 'sglang').replace(/^ {2}name: sglang-agg\n/m, '');
    const text = `${first}---\n${bad.text}---\n${nameless}`;

    const { items } = rendered(builderFindings(text, 0, first));
    const places = items.map((i) => i.place.replace(/ · \d+:\d+$/, ''));
    expect(places).toContain('sglang-disagg');
    expect(places).toContain('document 3');
    expect(places.every((p) => p === 'sglang-disagg' || p === 'document 3' || p.startsWith('vllm-agg'))).toBe(true);
    expect(places).not.toContain('stack');
    // The error in the second stack's decode clique is named by that stack.
    expect(items.find((i) => i.text.includes('minAvailable'))!.place).toMatch(/^sglang-disagg · \d+:\d+$/);
  });

  test('findings of the canvas stack name it and the clique they are on', () => {
    const r = setField(stackText('single-node-aggregated', 'vllm'), ['spec', 'template', 'cliques', 0, 'spec', 'minAvailable'], 99);
    if (!r.ok) throw new Error(r.message);
    const { items } = rendered(builderFindings(r.text, 0, r.text));
    expect(items.map((i) => i.place)).toContainEqual(expect.stringMatching(/^vllm-agg › clique worker · \d+:\d+$/));
  });
});
