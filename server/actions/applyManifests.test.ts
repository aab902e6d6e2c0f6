import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/grove/meta';
import type { ApplyResult, ClusterSource } from '../sources/types';
import { applyManifests, DocumentFailure, readManifests } from './applyManifests';
import { actionErrorFromStatus } from './errors';

const pcs = (name: string, ns = 'apps') => `apiVersion: grove.io/v1alpha1\nkind: PodCliqueSet\nmetadata: {name: ${name}, namespace: ${ns}}\nspec: {template: {cliques: []}}\n`;

describe('readManifests', () => {
  it('puts Namespaces first and keeps file order otherwise, skipping empty documents', () => {
    const docs = readManifests(`${pcs('a')}---\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: apps}\n---\n${pcs('b')}`);
    expect(docs.map((d) => [d.index, d.object.kind, d.object.metadata?.name])).toEqual([
      [2, 'Namespace', 'apps'],
      [0, 'PodCliqueSet', 'a'],
      [3, 'PodCliqueSet', 'b'],
    ]);
  });

  it('accepts JSON', () => {
    expect(readManifests(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }))[0]?.object.kind).toBe('Namespace');
  });

  it('refuses other kinds, syntax errors and empty files, naming the document', () => {
    let error: unknown;
    try {
      readManifests(`${pcs('a')}---\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\n`);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DocumentFailure);
    expect((error as DocumentFailure).document).toBe(1);
    expect((error as DocumentFailure).message).toContain('v1/Secret');
    expect(() => readManifests('a: [\n')).toThrow(/^line \d+, column \d+: /);
    expect(() => readManifests('---\n')).toThrow('no object');
  });
});

/** A source whose apiserver has no namespace "apps" yet and answers with `notFound` for objects in it. */
function sourceWithout(notFound: () => unknown) {
  const calls: { kind: string; dryRun: boolean }[] = [];
  const source = {
    async apply(object: KubeObject, options: { dryRun: boolean }): Promise<ApplyResult> {
      calls.push({ kind: String(object.kind), dryRun: options.dryRun });
      if (object.kind !== 'Namespace' && options.dryRun) throw notFound();
      return { kind: String(object.kind), namespace: object.metadata?.namespace ?? null, name: object.metadata?.name ?? '', before: null, after: object, dryRun: options.dryRun, unchanged: false, warnings: [] } as ApplyResult;
    },
  } as unknown as ClusterSource;
  return { source, calls };
}

describe('applyManifests', () => {
  const file = `apiVersion: v1\nkind: Namespace\nmetadata: {name: apps}\n---\n${pcs('a')}`;

  it('dry-runs a manifest that creates its own namespace: the 404 for that namespace is expected', async () => {
    const { source } = sourceWithout(() => actionErrorFromStatus(404, { reason: 'NotFound', message: 'namespaces "apps" not found', details: { name: 'apps', kind: 'namespaces' } }));
    const results = await applyManifests(source, file, { dryRun: true });
    expect(results.map((r) => r.kind)).toEqual(['Namespace', 'PodCliqueSet']);
    expect(results[1]!.warnings[0]).toContain('created by this same manifest');
  });

  it('any other 404 (no Grove CRDs) fails the file in the dry run, before anything is applied', async () => {
    const { source, calls } = sourceWithout(() => actionErrorFromStatus(404, { reason: 'NotFound', message: 'the server could not find the requested resource', details: {} }));
    await expect(applyManifests(source, file, { dryRun: false })).rejects.toThrow('could not find the requested resource');
    expect(calls.every((c) => c.dryRun)).toBe(true);
  });
});
