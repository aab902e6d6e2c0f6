import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { PREVIEW_HANDOFF_PREFIX, previewHref, readPreviewHandoff, storePreviewHandoff } from './previewHandoff';

/** sessionStorage's two methods over a Map. */
function memoryStorage() {
  const map = new Map<string, string>();
  return { map, getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
}

describe('preview handoff', () => {
  test('a stored YAML comes back under its id, keyed canopy.preview.<id>', () => {
    const storage = memoryStorage();
    const yamlId = storePreviewHandoff({ kind: 'podcliqueset', yaml: 'kind: PodCliqueSet\n', title: 'from the builder' }, storage);
    const otherId = storePreviewHandoff({ kind: 'podcliqueset', yaml: 'kind: PodCliqueSet\n' }, storage);
    expect(yamlId).not.toBe(otherId);
    expect([...storage.map.keys()].sort()).toEqual([`${PREVIEW_HANDOFF_PREFIX}${yamlId}`, `${PREVIEW_HANDOFF_PREFIX}${otherId}`].sort());
    expect(readPreviewHandoff(yamlId, storage)).toEqual({ ok: true, payload: { kind: 'podcliqueset', yaml: 'kind: PodCliqueSet\n', title: 'from the builder' } });
    expect(readPreviewHandoff(otherId, storage)).toEqual({ ok: true, payload: { kind: 'podcliqueset', yaml: 'kind: PodCliqueSet\n' } });
    expect(previewHref(yamlId)).toBe(`/topology?preview=${yamlId}`);
  });

  test('a missing or malformed entry is a sentence, not a crash', () => {
    const storage = memoryStorage();
    expect(readPreviewHandoff('nope', storage)).toMatchObject({ ok: false, problem: expect.stringContaining('no preview "nope"') });
    storage.setItem(`${PREVIEW_HANDOFF_PREFIX}bad`, '{not json');
    expect(readPreviewHandoff('bad', storage)).toMatchObject({ ok: false, problem: expect.stringContaining('could not be read: it is not JSON') });
    const blocked = { getItem: () => { throw new Error('SecurityError'); }, setItem: () => undefined };
    expect(readPreviewHandoff('x', blocked)).toMatchObject({ ok: false, problem: expect.stringContaining('blocks sessionStorage') });
  });

  /** Each malformed payload with the JSON path its problem names. */
  const malformed: [string, unknown, string][] = [
    // What an earlier version stored for a scale-up: the topology page now takes the scale request from its URL and re-plans it.
    ['a frozen Plan (the old scale-up handoff)', { kind: 'plan', plan: { feasible: true, gangs: [] }, title: 'Scale-up of PodCliqueSet default/x 1 → 2' }, '/kind: expected "podcliqueset"'],
    ['YAML that is not text', { kind: 'podcliqueset', yaml: { kind: 'PodCliqueSet' } }, '/yaml: expected a string'],
    ['a title that is not text', { kind: 'podcliqueset', yaml: 'x', title: 7 }, '/title'],
    ['an unknown kind', { kind: 'pcs', yaml: 'x' }, '/kind'],
    ['null', null, 'expected an object'],
  ];

  test.each(malformed)('malformed: %s → refused with its JSON path, never handed on', (_, payload, path) => {
    const storage = memoryStorage();
    storage.setItem(`${PREVIEW_HANDOFF_PREFIX}bad`, JSON.stringify(payload));
    const read = readPreviewHandoff('bad', storage);
    expect(read.ok).toBe(false);
    if (!read.ok) {
      expect(read.problem).toContain('preview "bad" could not be read');
      expect(read.problem).toContain(path);
    }
  });

  test('property: whatever JSON is stored, reading it never throws, and what it accepts is a YAML text', () => {
    const payload = fc.oneof(fc.record({ kind: fc.constantFrom('podcliqueset', 'plan'), yaml: fc.anything(), title: fc.anything() }, { requiredKeys: [] }), fc.jsonValue());
    fc.assert(
      fc.property(payload, (value) => {
        const storage = memoryStorage();
        storage.setItem(`${PREVIEW_HANDOFF_PREFIX}x`, JSON.stringify(value) ?? 'null');
        const read = readPreviewHandoff('x', storage);
        if (read.ok) {
          expect(read.payload.kind).toBe('podcliqueset');
          expect(typeof read.payload.yaml).toBe('string');
        }
      }),
    );
  });
});
