'use client';
/**
 * The wall clock for components, re-read every `intervalMs` so ages and time-weighed health move on
 * without a reload. lib/ never reads the clock: pages pass this `now` into it. Every component asking
 * for the same interval shares one timer and sees the same instant, so a list and a page header agree.
 */
import { useSyncExternalStore } from 'react';

/** Often enough that a "2m" age or a threshold crossing shows within seconds, rarely enough to cost nothing. */
export const NOW_TICK_MS = 15_000;

interface Ticker {
  now: number;
  listeners: Set<() => void>;
  timer?: ReturnType<typeof setInterval>;
}

export interface NowStore {
  subscribe(listener: () => void): () => void;
  snapshot(): number;
}

const stores = new Map<number, NowStore>();

/** The one clock of interval `intervalMs` (what useNow reads): a timer runs only while someone listens. */
export function nowStore(intervalMs: number): NowStore {
  let store = stores.get(intervalMs);
  if (store) return store;
  const t: Ticker = { now: Date.now(), listeners: new Set() };
  store = {
    subscribe(listener) {
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
    },
    snapshot() {
      // Nobody listening (a page's first render): a value older than one tick is stale, read the clock.
      // Within one tick the same value, so React's repeated reads of one render agree.
      if (!t.timer && Date.now() - t.now >= intervalMs) t.now = Date.now();
      return t.now;
    },
  };
  stores.set(intervalMs, store);
  return store;
}

export function useNow(intervalMs: number = NOW_TICK_MS): number {
  const store = nowStore(intervalMs);
  return useSyncExternalStore(store.subscribe, store.snapshot, store.snapshot);
}
