import { describe, expect, test } from 'vitest';
import { createHistory, pushHistory, redo, undo, type History } from '../../lib/builder/history';
import { EMPTY_LAYOUT } from '../../lib/builder/layout';
import type { LoadedStack } from '../../lib/builder/liveStack';
import { advanceOpened, nextStep, type Work } from './workStep';

const v = (resourceVersion: string): LoadedStack => ({ key: 'team-a/x', resourceVersion, object: { metadata: { name: 'x', namespace: 'team-a' } } });
const w = (text: string, stack?: number, opened?: LoadedStack): Work => ({ text, layout: EMPTY_LAYOUT, ...(stack !== undefined ? { stack } : {}), ...(opened ? { opened } : {}) });

/** The workbench's commit: the step nextStep makes, pushed (nothing when it changes nothing). */
const commit = (h: History<Work>, next: Work) => {
  const step = nextStep(h.present, next);
  return step ? pushHistory(h, step) : h;
};

describe('the version a step was opened at travels with it', () => {
  test('an edit keeps it; a load is a stack of its own with only the version it names', () => {
    const opened = w('live', 1, v('5'));
    expect(nextStep(opened, w('edited'))).toEqual(w('edited', 1, v('5')));
    expect(nextStep(opened, w('a file', 2))).toEqual(w('a file', 2));
    expect(nextStep(opened, w('live', 1))).toBeNull();
    // A re-base that takes nothing into the text still moves the version on.
    expect(nextStep(opened, w('live', undefined, v('9')))).toEqual(w('live', 1, v('9')));
  });

  test('re-base, then Undo: the old text comes back with the old version (so its apply is refused), Redo the new', () => {
    let h = createHistory(w('live', 1, v('5')));
    h = commit(h, w('edited'));
    h = commit(h, w('rebased', undefined, v('9')));
    expect(h.present.opened).toEqual(v('9'));
    h = undo(h);
    expect(h.present).toEqual(w('edited', 1, v('5')));
    expect(redo(h).present).toEqual(w('rebased', 1, v('9')));
  });

  test("stack A opened, then B loaded: undo back to A's steps brings A's version with them", () => {
    let h = createHistory(w('blank'));
    h = commit(h, w('A', 1, v('5')));
    h = commit(h, w('A edited'));
    h = commit(h, w('B', 2, { ...v('3'), key: 'team-a/b' }));
    h = commit(h, w('B edited'));
    expect(undo(undo(h)).present).toEqual(w('A edited', 1, v('5')));
    expect(undo(undo(undo(undo(h)))).present).toEqual(w('blank'));
  });

  test('advancing (own apply, a status-only write) moves every step on that version, not those before a re-base', () => {
    let h = createHistory(w('live', 1, v('5')));
    h = commit(h, w('rebased', undefined, v('9')));
    h = commit(h, w('rebased, edited'));
    h = advanceOpened(undo(h), v('9'), v('10'));
    expect([...h.past, h.present, ...h.future].map((s) => s.opened?.resourceVersion)).toEqual(['5', '10', '10']);
    expect(advanceOpened(h, v('1'), v('2'))).toBe(h);
  });
});
