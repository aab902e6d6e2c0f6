'use client';
/**
 * The wall clock for components, re-read every `intervalMs` so ages and time-weighed health move on
 * without a reload. lib/ never reads the clock: pages pass this `now` into it. Every component asking
 * for the same interval shares one timer and sees the same instant, so a list and a page header agree.
 */
import { useCallback, useSyncExternalStore } from 'react';

/** Often enough that a "2m" age or a threshold crossing shows within seconds, rarely enough to cost nothing. */
export const NOW_TICK_MS = 15_000;

interface Ticker {
  now: number;
  listeners: Set<() => void>;
  timer?: ReturnType<typeof setInterval>;
}

const tickers = new Map<number, Ticker>();

function tickerFor(intervalMs: number): Ticker {
  let t = tickers.get(intervalMs);
  if (!t) tickers.set(intervalMs, (t = { now: Date.now(), listeners: new Set() }));
  return t;
}

function subscribe(intervalMs: number, listener: () => void): () => void {
  const t = tickerFor(intervalMs);
  t.listeners.add(listener);
  if (!t.timer) {
    t.now = Date.now();
    t.timer = setInterval(() => {
      t.now = Date.now();
      for (const l of t.listeners) l();
    }, intervalMs);
  }
  return () => {
    t.listeners.delete(listener);
    if (t.listeners.size === 0 && t.timer) {
      clearInterval(t.timer);
      delete t.timer;
    }
  };
}

function snapshot(intervalMs: number): number {
  const t = tickerFor(intervalMs);
  // Nobody subscribed (the first render of a page): a value older than one tick is stale, read the clock.
  // Within one tick the same value, so React's repeated reads of one render agree.
  if (!t.timer && Date.now() - t.now >= intervalMs) t.now = Date.now();
  return t.now;
}

export function useNow(intervalMs: number = NOW_TICK_MS): number {
  const sub = useCallback((listener: () => void) => subscribe(intervalMs, listener), [intervalMs]);
  const get = useCallback(() => snapshot(intervalMs), [intervalMs]);
  return useSyncExternalStore(sub, get, get);
}
