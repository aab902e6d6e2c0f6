import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nowStore } from './useNow';

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
