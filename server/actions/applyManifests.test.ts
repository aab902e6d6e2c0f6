import { describe, expect, it } from 'vitest';
import { DocumentFailure, readManifests } from './applyManifests';

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
