import { describe, expect, it } from 'vitest';
import { undoState, type RecentScale } from './scale';

const scaled: RecentScale = { from: 2, to: 3, wasUndo: false, seen: false, withdrawn: false };

describe('undoState: the undo of a scale follows the live replica count', () => {
  it('is not offered before the live count shows the scale (the stream lags the answer), nor withdrawn', () => {
    expect(undoState(scaled, 2)).toEqual({ seen: false, withdrawn: false, offered: false });
  });

  it('is offered once the live count is the one the scale set', () => {
    expect(undoState(scaled, 3)).toEqual({ seen: true, withdrawn: false, offered: true });
  });

  it('is withdrawn when someone else changed the count since, and stays so when it comes back', () => {
    const seen = { ...scaled, seen: true };
    expect(undoState(seen, 5)).toEqual({ seen: true, withdrawn: true, offered: false });
    // Moved to 5 before this page even saw 3: withdrawn too.
    expect(undoState(scaled, 5).withdrawn).toBe(true);
    // Back to 2 after 3 was seen: someone undid it, not this page.
    expect(undoState(seen, 2).withdrawn).toBe(true);
    expect(undoState({ ...seen, withdrawn: true }, 3)).toEqual({ seen: true, withdrawn: true, offered: false });
  });

  it('an undo offers no undo of its own', () => {
    expect(undoState({ from: 3, to: 2, wasUndo: true, seen: false, withdrawn: false }, 2).offered).toBe(false);
  });
});
