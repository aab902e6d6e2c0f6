import { describe, expect, test } from 'vitest';
import { decodeShare, encodeShare, loadLocal, loadSessionHistory, readDraft, revOf, sameWork, saveDraft, saveSessionHistory, SHARE_PREFIX, STORAGE_KEY } from './persistence';

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

  test('a draft keeps the version of the running stack its text was opened at (a new tab still applies as of it); a damaged one is dropped', () => {
    const storage = memoryStorage();
    const opened = { key: 'team-a/x', resourceVersion: '5', object: { kind: 'PodCliqueSet', metadata: { name: 'x', namespace: 'team-a' } } };
    expect(saveDraft({ ...work('edit'), opened }, 0, { storage })).toEqual({ saved: true, rev: 1 });
    expect(loadLocal(storage)).toEqual({ ...work('edit'), opened, rev: 1 });
    // The same text on another version (an own apply moved it on) is a change to save.
    expect(saveDraft({ ...work('edit'), opened: { ...opened, resourceVersion: '6' } }, 1, { storage })).toEqual({ saved: true, rev: 2 });
    expect(loadLocal(storage)?.opened?.resourceVersion).toBe('6');
    storage.setItem(STORAGE_KEY, JSON.stringify({ ...work('edit'), opened: { key: 'team-a/x', resourceVersion: '' }, rev: 3 }));
    expect(loadLocal(storage)).toEqual({ ...work('edit'), rev: 3 });
  });

  test('one rule for the same work: text, layout, flavour and the version opened at', () => {
    const opened = (resourceVersion: string) => ({ key: 'team-a/x', resourceVersion, object: {} });
    expect(sameWork({ ...work('a'), opened: opened('5') }, { ...work('a'), opened: opened('5') })).toBe(true);
    expect(sameWork({ ...work('a'), opened: opened('5') }, { ...work('a'), opened: opened('9') })).toBe(false);
    expect(sameWork({ ...work('a'), opened: opened('5') }, work('a'))).toBe(false);
    expect(sameWork(work('a'), work('a'))).toBe(true);
    expect(sameWork(work('a'), work('b'))).toBe(false);
    expect(sameWork({ ...work('a'), flavour: 'vllm' }, { ...work('a'), flavour: 'sglang' })).toBe(false);
    expect(sameWork(work('a'), { text: 'a', layout: { positions: { 'clique:x': { x: 1, y: 2 } }, kinds: {} } })).toBe(false);
  });
});

describe('the undo history kept for the session', () => {
  const history = (present: string, past: string[] = [], future: string[] = []) => ({ past: past.map(work), present: work(present), future: future.map(work) });

  test('comes back with the stored draft it belongs to, at its revision', () => {
    const session = memoryStorage();
    saveSessionHistory(history('c', ['a', 'b'], ['d']), { baseRev: 3, flavour: 'vllm' }, session);
    expect(loadSessionHistory({ ...work('c'), flavour: 'vllm', rev: 3 }, session)).toEqual({
      history: { past: [work('a'), work('b')], present: work('c'), future: [work('d')], lastKey: null },
      baseRev: 3,
      flavour: 'vllm',
      conflict: null,
    });
  });

  test('work left unsaved while another tab saved a newer draft is not dropped: it opens, in conflict with theirs', () => {
    const drafts = memoryStorage();
    const session = memoryStorage();
    saveDraft({ ...work('base'), flavour: 'vllm' }, 0, { storage: drafts }); // rev 1, read by both tabs
    saveDraft({ ...work('theirs'), flavour: 'vllm' }, 1, { storage: drafts }); // rev 2, the other tab
    // This tab typed while the choice was open (nothing saved) and went to another page.
    saveSessionHistory(history('mine', ['base']), { baseRev: 1, flavour: 'sglang' }, session);
    const back = loadSessionHistory(loadLocal(drafts), session);
    expect(back?.history.present).toEqual(work('mine'));
    expect(back?.history.past).toEqual([work('base')]);
    expect(back?.flavour).toBe('sglang');
    expect(back?.baseRev).toBe(1);
    expect(back?.conflict).toMatchObject({ text: 'theirs', rev: 2 });
    // Theirs is still stored: a save based on the session's revision does not overwrite it.
    expect(saveDraft({ ...work('mine'), flavour: 'sglang' }, back!.baseRev, { storage: drafts }).saved).toBe(false);
    expect(loadLocal(drafts)?.text).toBe('theirs');
  });

  test('a draft put in place outside the builder (no newer revision than the base) opens; with no draft, the session does', () => {
    const session = memoryStorage();
    saveSessionHistory(history('mine'), { baseRev: 2, flavour: 'vllm' }, session);
    expect(loadSessionHistory({ ...work('written by hand'), flavour: 'vllm' }, session)).toBeNull();
    expect(loadSessionHistory(null, session)).toMatchObject({ history: { present: work('mine') }, baseRev: 2, conflict: null });
  });

  test('its steps keep what else they carry (the builder numbers the stack each step is of), the present step too', () => {
    const session = memoryStorage();
    const step = (text: string, stack: number) => ({ ...work(text), stack });
    saveSessionHistory({ past: [step('a', 1)], present: step('b', 2), future: [step('c', 2)] }, { baseRev: 4, flavour: 'vllm' }, session);
    expect(loadSessionHistory({ ...work('b'), flavour: 'vllm', rev: 4 }, session)?.history).toEqual({ past: [step('a', 1)], present: step('b', 2), future: [step('c', 2)], lastKey: null });
  });

  test("each step keeps the version of the running stack it was written against (a reload still applies it as of that version); a damaged one is dropped, never sent", () => {
    const session = memoryStorage();
    const v = (resourceVersion: string) => ({ key: 'team-a/x', resourceVersion, object: { kind: 'PodCliqueSet', metadata: { name: 'x', namespace: 'team-a' } } });
    const step = (text: string, opened: unknown) => ({ ...work(text), stack: 7, opened });
    saveSessionHistory({ past: [step('edit', v('5'))], present: step('rebased', v('9')), future: [step('broken', { key: 'team-a/x', resourceVersion: '' })] } as never, { baseRev: 4, flavour: 'vllm' }, session);
    const back = loadSessionHistory({ ...work('rebased'), flavour: 'vllm', rev: 4 }, session)?.history;
    expect(back?.past).toEqual([step('edit', v('5'))]);
    expect(back?.present).toEqual(step('rebased', v('9')));
    expect(back?.future).toEqual([{ ...work('broken'), stack: 7 }]);
  });

  test('nothing kept, or something unreadable: no history', () => {
    const session = memoryStorage();
    expect(loadSessionHistory(work('a'), session)).toBeNull();
    session.setItem('canopy.builder.history', '{"past": [], "present": "x", "future": []}');
    expect(loadSessionHistory(work('a'), session)).toBeNull();
  });
});
