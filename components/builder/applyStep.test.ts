import { describe, expect, test } from 'vitest';
import { applyBlockedReason, settleStep, type ApplyStep } from './applyStep';

const diffOf = (text: string): ApplyStep => ({ kind: 'diff', results: [], text });

describe('apply panel steps', () => {
  test('Apply is enabled only after a dry run of the text on screen', () => {
    expect(applyBlockedReason({ kind: 'idle' }, 'a', null, 0)).toMatch(/dry run first/);
    expect(applyBlockedReason(diffOf('a'), 'a', null, 0)).toBeNull();
    expect(applyBlockedReason(diffOf('old'), 'new', null, 0)).toMatch(/dry run first/);
    expect(applyBlockedReason(diffOf('a'), 'a', 'read-only', 0)).toBe('read-only');
    expect(applyBlockedReason(diffOf('a'), 'a', null, 2)).toMatch(/2 error/);
  });

  test('a dry run answered after the text changed is dropped', () => {
    expect(settleStep('new', 'old', true, diffOf('old'))).toEqual({ kind: 'idle' });
    expect(settleStep('same', 'same', true, diffOf('same'))).toEqual(diffOf('same'));
    const applied: ApplyStep = { kind: 'applied', results: [], text: 'old' };
    expect(settleStep('new', 'old', false, applied)).toEqual(applied);
  });
});
