import { describe, expect, test } from 'vitest';
import { decodeShare, encodeShare, loadLocal, loadSessionHistory, readDraft, revOf, saveDraft, saveSessionHistory, SHARE_PREFIX, STORAGE_KEY } from './persistence';

describe('share links', () => {
  test('round-trip the YAML (comments and all) and the layout, compressed', async () => {
    const text = `# a comment ✓\n${'apiVersion: grove.io/v1alpha1\nkind: PodCliqueSet\n'.repeat(40)}`;
    const work = { text, layout: { positions: { 'clique:a': { x: 1, y: 2 } }, kinds: { a: 'frontend' as const } }, flavour: 'sglang' as const };
    const hash = await encodeShare(work);
    expect(hash.startsWith(SHARE_PREFIX)).toBe(true);
    expect(hash).toMatch(/^#pcs=[A-Za-z0-9_-]+$/);
    expect(hash.length).toBeLessThan(text.length);
    expect(await decodeShare(hash)).toEqual(work);
  });

  test('a damaged link says so', async () => {
    const hash = await encodeShare({ text: 'kind: PodCliqueSet', layout: { positions: {}, kinds: {} } });
    await expect(decodeShare(hash.slice(0, hash.length - 6))).rejects.toThrow(/damaged/);
    await expect(decodeShare('#other')).rejects.toThrow(/not a builder link/);
  });
});

function memoryStorage() {
  const items = new Map<string, string>();
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), items };
}

const work = (text: string) => ({ text, layout: { positions: {}, kinds: {} } });

describe('drafts saved from several tabs', () => {
  test('each save is one revision on; a tab that saw no newer draft saves', () => {
    const storage = memoryStorage();
    const first = saveDraft(work('a'), 0, { storage });
    expect(first).toEqual({ saved: true, rev: 1 });
    const second = saveDraft(work('ab'), 1, { storage });
    expect(second).toEqual({ saved: true, rev: 2 });
    expect(loadLocal(storage)).toMatchObject({ text: 'ab', rev: 2 });
  });

  test('a tab behind the stored draft does not overwrite it; keeping its own saves over it as the newest', () => {
    const storage = memoryStorage();
    saveDraft(work('base'), 0, { storage }); // rev 1: both tabs read it
    const a = saveDraft(work('from A'), 1, { storage });
    expect(a).toEqual({ saved: true, rev: 2 });
    const b = saveDraft(work('from B'), 1, { storage });
    expect(b.saved).toBe(false);
    expect(b.saved === false && b.theirs.text).toBe('from A');
    expect(loadLocal(storage)?.text).toBe('from A');
    const kept = saveDraft(work('from B'), 1, { storage, force: true });
    expect(kept).toEqual({ saved: true, rev: 3 });
    expect(loadLocal(storage)).toMatchObject({ text: 'from B', rev: 3 });
    // A, at rev 2, is now the one behind.
    expect(saveDraft(work('from A again'), 2, { storage }).saved).toBe(false);
  });

  test('the same work as stored is no conflict; drafts from before revisions read as revision 0', () => {
    const storage = memoryStorage();
    storage.setItem(STORAGE_KEY, JSON.stringify(work('old')));
    expect(revOf(loadLocal(storage))).toBe(0);
    expect(saveDraft(work('new'), 0, { storage })).toEqual({ saved: true, rev: 1 });
    expect(saveDraft(work('new'), 0, { storage })).toEqual({ saved: true, rev: 1 });
    expect(readDraft('{broken')).toBeNull();
  });

  test('the session keeps the undo history of the work it belongs to', () => {
    const storage = memoryStorage();
    const same = (x: string, y: string) => x === y;
    saveSessionHistory({ past: ['a', 'b'], present: 'c', future: ['d'] }, storage);
    expect(loadSessionHistory('c', same, storage)).toEqual({ past: ['a', 'b'], present: 'c', future: ['d'], lastKey: null });
    expect(loadSessionHistory('other', same, storage)).toBeNull();
  });
});
