import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { durationTickMs, formatDuration } from '../../lib/workloads/health';
import { NOW_TICK_MS, nowStore, SECOND_TICK_MS, tickFor } from './useNow';

describe('nowStore (the clock useNow reads)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.parse('2026-01-01T00:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('one timer per interval, shared: every listener hears each tick and reads the same instant', () => {
    const store = nowStore(1_000);
    expect(nowStore(1_000)).toBe(store);
    const heard: number[] = [];
    const off1 = store.subscribe(() => heard.push(store.snapshot()));
    const off2 = store.subscribe(() => heard.push(store.snapshot()));
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(2_500);
    const t1 = Date.parse('2026-01-01T00:00:01Z');
    const t2 = Date.parse('2026-01-01T00:00:02Z');
    expect(heard).toEqual([t1, t1, t2, t2]);
    // Between ticks the value holds (React reads it more than once per render).
    expect(store.snapshot()).toBe(t2);
    off1();
    expect(vi.getTimerCount()).toBe(1);
    off2();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('with nobody listening, a first read after a while gets the clock, not the value of the last tick', () => {
    const store = nowStore(2_000);
    const off = store.subscribe(() => undefined);
    off();
    vi.advanceTimersByTime(60_000);
    expect(store.snapshot()).toBe(Date.parse('2026-01-01T00:01:00Z'));
  });
});

describe('tickFor: the clock follows the resolution the view shows', () => {
  it('every second while any shown duration is in seconds, NOW_TICK_MS once none is; none shown is the slow tick', () => {
    expect(tickFor([durationTickMs(2_000)])).toBe(SECOND_TICK_MS); // "2s"
    expect(tickFor([durationTickMs(3 * 3_600_000), durationTickMs(9 * 60_000 + 59_000)])).toBe(SECOND_TICK_MS); // "9m59s" beside "3h"
    expect(tickFor([durationTickMs(10 * 60_000), undefined])).toBe(NOW_TICK_MS); // "10m"
    expect(tickFor([])).toBe(NOW_TICK_MS);
  });

  it('durationTickMs says how often formatDuration’s text changes: it never changes within one tick, and does across the next', () => {
    for (const ms of [0, 59_000, 119_000, 9 * 60_000 + 30_000, 10 * 60_000, 179 * 60_000, 5 * 3_600_000 + 60_000, 30 * 3_600_000, 5 * 86_400_000, 9 * 86_400_000]) {
      const tick = durationTickMs(ms);
      const start = Math.floor(ms / tick) * tick;
      expect(formatDuration(start + tick - 1), `${ms}`).toBe(formatDuration(start));
      expect(formatDuration(start + tick), `${ms}`).not.toBe(formatDuration(start));
    }
  });
});
