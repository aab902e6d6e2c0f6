import { describe, expect, test } from 'vitest';
import { createHistory, HISTORY_LIMIT, NO_TYPING, openingHistory, pushHistory, redo, typingStep, TYPING_PAUSE_MS, undo } from './history';

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

describe('typing runs', () => {
  test('typing goes on in one step; a pause of TYPING_PAUSE_MS or a jump of the cursor starts the next', () => {
    let runs = NO_TYPING;
    const keys: string[] = [];
    const type = (at: number, jumped = false) => {
      const step = typingStep(runs, at, jumped);
      runs = step.runs;
      keys.push(step.key);
    };
    type(0, true);
    type(200);
    type(900);
    type(900 + TYPING_PAUSE_MS); // paused
    type(900 + TYPING_PAUSE_MS + 100);
    type(900 + TYPING_PAUSE_MS + 200, true); // jumped
    expect(keys).toEqual(['typing:1', 'typing:1', 'typing:1', 'typing:2', 'typing:2', 'typing:3']);
  });

  test('two typed edits 2.5 s apart undo one at a time', () => {
    let h = createHistory('a');
    let runs = NO_TYPING;
    for (const [text, at] of [['ab', 0], ['abc', 100], ['abcd', 2600]] as const) {
      const step = typingStep(runs, at, false);
      runs = step.runs;
      h = pushHistory(h, text, step.key);
    }
    expect(undo(h).present).toBe('abc');
    expect(undo(undo(h)).present).toBe('a');
  });
});
