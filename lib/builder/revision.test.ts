/** RevisionReads: one parse per text serves the canvas and the findings, which stay exactly what they were. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { checkManifestText, fileTopologyBindings, type ValidationContext } from '../grove/check';
import { parseYamlDocuments } from '../grove/manifest';
import { readBuilderText, writeBuilderText } from './document';
import { graphFromObject } from './graph';
import { RevisionReads } from './revision';
import { chainedStackText } from './sampleStacks';
import { FLAVOURS, STACK_TEMPLATES, stackText } from './templates';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../e2e/fixtures/builder');

const bigStack = chainedStackText;

const PCS_HEAD = 'apiVersion: grove.io/v1alpha1\nkind: PodCliqueSet\nmetadata: {name: s, namespace: default}\n';

/** Texts with findings of every sort: warnings, errors deep in cliques, other documents, Lists, parse errors, shared nodes. */
const EDGE_SAMPLES: Record<string, string> = {
  'null pruned, missing roleName, a ConfigMap and empty documents': `---\n${PCS_HEAD}spec:\n  replicas: 1\n  template:\n    terminationDelay: null\n    cliques:\n      - name: a\n        spec:\n          replicas: 0\n          podSpec: {containers: [{name: m, image: x}]}\n---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n`,
  'a binding in the file': `${PCS_HEAD}spec:\n  replicas: 1\n  template:\n    topologyConstraint: {topologyName: racks, packDomain: nope}\n    cliques:\n      - name: a\n        spec: {roleName: a, replicas: 1, podSpec: {containers: [{name: m, image: x}]}}\n---\napiVersion: grove.io/v1alpha1\nkind: ClusterTopologyBinding\nmetadata: {name: racks}\nspec:\n  levels:\n    - {domain: rack, key: example.com/rack}\n    - {domain: host, key: kubernetes.io/hostname}\n`,
  'a v1 List': `apiVersion: v1\nkind: List\nitems:\n  - ${PCS_HEAD.trimEnd().split('\n').join('\n    ')}\n    spec:\n      template:\n        cliques:\n          - name: a\n            spec: {replicas: 1}\n  - 7\n`,
  'a duplicate key': `${PCS_HEAD}spec:\n  replicas: 1\n  replicas: 2\n`,
  'a syntax error': `${PCS_HEAD}spec: {replicas: [1\n`,
  'aliases and a merge key': `${PCS_HEAD}spec:\n  template:\n    cliques:\n      - name: a\n        spec: &s {roleName: a, replicas: 1, podSpec: {containers: [{name: m, image: x}]}}\n      - name: b\n        spec:\n          <<: *s\n          roleName: b\n`,
  'no PodCliqueSet': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: "1"}\n',
  'not a mapping': '- 1\n- 2\n',
  'empty': '',
};

const SAMPLES: [string, string][] = [
  ...readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.yaml'))
    .map((f): [string, string] => [`fixture ${f}`, readFileSync(path.join(FIXTURES, f), 'utf8')]),
  ...STACK_TEMPLATES.flatMap((t) => FLAVOURS.map((f): [string, string] => [`template ${t} (${f})`, stackText(t, f)])),
  ['40 cliques, 8 groups', bigStack(8)],
  ...Object.entries(EDGE_SAMPLES),
];

const CONTEXTS: [string, ValidationContext][] = [
  ['no cluster', {}],
  ['a cluster binding', { topologies: { racks: [{ domain: 'zone', key: 'example.com/zone' }], other: [{ domain: 'rack', key: 'example.com/rack' }] } }],
  ['topology-aware scheduling off', { topologyAwareScheduling: false }],
];

/** A RevisionReads whose parses are counted. */
function counted(keep?: number): { reads: RevisionReads; parses: string[] } {
  const parses: string[] = [];
  const reads = new RevisionReads((text) => {
    parses.push(text);
    return parseYamlDocuments(text);
  }, keep);
  return { reads, parses };
}

describe('RevisionReads: one parse per revision', () => {
  test('the canvas, the findings (in any context) and the file bindings of a text come from one parse', () => {
    const { reads, parses } = counted();
    const text = EDGE_SAMPLES['a binding in the file']!;
    const read = reads.read(text);
    for (const [, context] of CONTEXTS) reads.check(text, context);
    reads.topologyBindings(text);
    expect(reads.read(text)).toBe(read);
    expect(parses).toEqual([text]);
  });

  test('the findings read the very documents the canvas reads', () => {
    const { reads } = counted();
    for (const [name, text] of SAMPLES) {
      const read = reads.read(text);
      if (!read.ok) continue;
      const pcs = reads.manifests(text).documents.find((d) => d.kind === 'PodCliqueSet' && d.item === null);
      expect(pcs, name).toBeDefined();
      expect(pcs!.source, name).toBe(read.doc.documents[read.doc.pcsIndex]);
      expect(pcs!.index, name).toBe(read.doc.pcsIndex);
    }
  });

  test('a new text is parsed once; the last two are kept (the canvas may be one revision ahead of the deferred findings)', () => {
    const { reads, parses } = counted();
    const [a, b, c] = [bigStack(1), bigStack(2), bigStack(3)];
    reads.read(a);
    reads.read(b); // typing paused: the canvas reads b…
    reads.check(a); // …while the deferred findings still render a
    reads.check(b);
    expect(parses).toEqual([a, b]);
    reads.read(c); // c pushes out the one used least recently (a)
    reads.check(b);
    expect(parses).toEqual([a, b, c]);
    reads.check(a);
    expect(parses).toEqual([a, b, c, a]);
  });
});

describe('RevisionReads: same canvas, same findings as reading the text twice', () => {
  test.each(SAMPLES)('%s', (_, text) => {
    const reads = new RevisionReads();
    const read = reads.read(text);
    const alone = readBuilderText(text);
    expect(read.ok).toBe(alone.ok);
    if (read.ok && alone.ok) {
      expect(read.object).toEqual(alone.object);
      expect(read.editRefusal).toBe(alone.editRefusal);
      expect(read.doc.pcsIndex).toBe(alone.doc.pcsIndex);
      expect(graphFromObject(read.object)).toEqual(graphFromObject(alone.object));
      expect(writeBuilderText(read.doc)).toBe(writeBuilderText(alone.doc));
    } else expect(read).toEqual(alone);
    for (const [name, context] of CONTEXTS) {
      const report = reads.check(text, context);
      expect(report, name).toEqual(checkManifestText(text, context));
    }
    expect(reads.topologyBindings(text)).toEqual(fileTopologyBindings(text));
  });

  test('the samples hold findings of every sort, with line:column and JSON paths (so the comparison above compares something)', () => {
    const reports = SAMPLES.map(([, text]) => new RevisionReads().check(text));
    const findings = reports.flatMap((r) => r.documents.flatMap((d) => d.findings));
    expect(findings.some((f) => f.severity === 'error' && f.line !== undefined && f.path.startsWith('/spec/template/cliques/'))).toBe(true);
    expect(findings.some((f) => f.rule === 'schema.nullPruned')).toBe(true);
    expect(reports.some((r) => r.parseErrors.some((e) => e.message.includes('Map keys must be unique')))).toBe(true);
    expect(Object.keys(new RevisionReads().topologyBindings(EDGE_SAMPLES['a binding in the file']!))).toEqual(['racks']);
  });
});
