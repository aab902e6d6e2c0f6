import { describe, expect, test } from 'vitest';
import { createHistory, HISTORY_LIMIT, openingHistory, pushHistory, redo, undo } from './history';

describe('undo history', () => {
  test('undo and redo walk back and forth; a new change drops the redo branch', () => {
    let h = createHistory('a');
    h = pushHistory(h, 'b');
    h = pushHistory(h, 'c');
    h = undo(h);
    expect(h.present).toBe('b');
    h = undo(h);
    expect(h.present).toBe('a');
    expect(undo(h)).toBe(h);
    h = redo(h);
    expect(h.present).toBe('b');
    h = pushHistory(h, 'd');
    expect(h.future).toEqual([]);
    expect(redo(h)).toBe(h);
    expect(undo(h).present).toBe('b');
  });

  test('changes with the same key merge into one step, until something else happens', () => {
    let h = createHistory('');
    for (const t of ['r', 're', 'rep']) h = pushHistory(h, t, 'field:name');
    expect(h.past).toEqual(['']);
    h = pushHistory(h, 'rep+', null);
    h = pushHistory(h, 'x', 'field:name');
    expect(h.past).toEqual(['', 'rep', 'rep+']);
    // An undo ends the merging: typing again is a new step.
    h = undo(h);
    h = pushHistory(h, 'y', 'field:name');
    expect(h.past).toEqual(['', 'rep', 'rep+']);
    h = pushHistory(h, 'yz', 'field:name');
    expect(h.past).toEqual(['', 'rep', 'rep+']);
    expect(h.present).toBe('yz');
  });

  test('keeps at most HISTORY_LIMIT steps', () => {
    let h = createHistory(0);
    for (let i = 1; i <= HISTORY_LIMIT + 50; i++) h = pushHistory(h, i);
    expect(h.past).toHaveLength(HISTORY_LIMIT);
    expect(h.past[0]).toBe(50);
  });

  test('a shared state opens on top of the saved work, which one undo brings back', () => {
    const same = (a: string, b: string) => a === b;
    const h = openingHistory('saved', 'shared', same)!;
    expect(h.present).toBe('shared');
    expect(undo(h).present).toBe('saved');
    expect(openingHistory('saved', 'saved', same)).toEqual(createHistory('saved'));
    expect(openingHistory(null, 'shared', same)).toEqual(createHistory('shared'));
    expect(openingHistory('saved', null, same)).toEqual(createHistory('saved'));
    expect(openingHistory<string>(null, null, same)).toBeNull();
  });
});
