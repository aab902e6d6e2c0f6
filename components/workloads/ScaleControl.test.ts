import { describe, expect, it } from 'vitest';
import { ActionFailure } from '../hooks/clusterActions';
import { countMovedNotice, currentDryRun, fieldFollowsLiveCount, scaleFailureText, type DryRun } from './ScaleControl';

describe('an open scale preview follows the live count', () => {
  it('takes a dry run as its answer only for the count it is from and to now', () => {
    const dry: DryRun = { from: 2, to: 3, result: { kind: 'PodCliqueSet', namespace: 'default', name: 'm', from: 2, to: 3, dryRun: true } };
    expect(currentDryRun(dry, 2, 3)).toBe(dry);
    // Someone else scaled 2 → 1: the answer for 2 → 3 says nothing of 1 → 3 (still checking).
    expect(currentDryRun(dry, 1, 3)).toBeUndefined();
    expect(currentDryRun(dry, 2, 4)).toBeUndefined();
    expect(currentDryRun(null, 2, 3)).toBeUndefined();
  });

  it('says when the count moved since it opened, and what it now previews', () => {
    expect(countMovedNotice('mixtral-agg', 2, 2, 3)).toBeUndefined();
    expect(countMovedNotice('mixtral-agg', 2, 1, 3)).toBe('mixtral-agg changed from 2 to 1 since you opened this (not by this page): this preview is now for 1 → 3.');
  });

  it('says a refused confirm (409: the count moved before it arrived) changed nothing', () => {
    const conflict = new ActionFailure('PodCliqueSet default/m has 1 replica now, not 2: it was scaled since (not by this page); nothing was changed', 409, 'Conflict');
    expect(scaleFailureText(conflict)).toBe('Not scaled: PodCliqueSet default/m has 1 replica now, not 2: it was scaled since (not by this page); nothing was changed. Check the preview again before confirming.');
    expect(scaleFailureText(new ActionFailure('forbidden', 403, 'Forbidden'))).toBe('Scale failed: forbidden');
  });
});

describe('the replica field', () => {
  it('follows the live count only while no preview is open and nothing was typed', () => {
    expect(fieldFollowsLiveCount(false, false)).toBe(true);
    expect(fieldFollowsLiveCount(true, false)).toBe(false);
    // A typed count is kept when someone else scales.
    expect(fieldFollowsLiveCount(false, true)).toBe(false);
  });
});
