import { describe, expect, test } from 'vitest';
import { PREVIEW_HANDOFF_PREFIX, previewHref, readPreviewHandoff, storePreviewHandoff } from './previewHandoff';

/** sessionStorage's two methods over a Map. */
function memoryStorage() {
  const map = new Map<string, string>();
  return { map, getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
}

describe('preview handoff', () => {
  test('a stored YAML or Plan comes back under its id, keyed canopy.preview.<id>', () => {
    const storage = memoryStorage();
    const yamlId = storePreviewHandoff({ kind: 'podcliqueset', yaml: 'kind: PodCliqueSet\n', title: 'from the builder' }, storage);
    const planId = storePreviewHandoff({ kind: 'plan', plan: { feasible: true, gangs: [] } }, storage);
    expect(yamlId).not.toBe(planId);
    expect([...storage.map.keys()].sort()).toEqual([`${PREVIEW_HANDOFF_PREFIX}${yamlId}`, `${PREVIEW_HANDOFF_PREFIX}${planId}`].sort());
    expect(readPreviewHandoff(yamlId, storage)).toEqual({ ok: true, payload: { kind: 'podcliqueset', yaml: 'kind: PodCliqueSet\n', title: 'from the builder' } });
    expect(readPreviewHandoff(planId, storage)).toEqual({ ok: true, payload: { kind: 'plan', plan: { feasible: true, gangs: [] } } });
    expect(previewHref(yamlId)).toBe(`/topology?preview=${yamlId}`);
  });

  test('a missing or malformed entry is a sentence, not a crash', () => {
    const storage = memoryStorage();
    expect(readPreviewHandoff('nope', storage)).toMatchObject({ ok: false, problem: expect.stringContaining('no preview "nope"') });
    storage.setItem(`${PREVIEW_HANDOFF_PREFIX}bad`, '{not json');
    expect(readPreviewHandoff('bad', storage)).toMatchObject({ ok: false, problem: expect.stringContaining('is not a PodCliqueSet YAML or a Plan') });
    storage.setItem(`${PREVIEW_HANDOFF_PREFIX}odd`, JSON.stringify({ kind: 'plan', plan: {} }));
    expect(readPreviewHandoff('odd', storage).ok).toBe(false);
    const blocked = { getItem: () => { throw new Error('SecurityError'); }, setItem: () => undefined };
    expect(readPreviewHandoff('x', blocked)).toMatchObject({ ok: false, problem: expect.stringContaining('blocks sessionStorage') });
  });
});
