'use client';
/**
 * The wall clock for components, re-read every `intervalMs` so ages and time-weighed health move on
 * without a reload. lib/ never reads the clock: pages pass this `now` into it. Every component asking
 * for the same interval shares one timer and sees the same instant, so a list and a page header agree.
 */
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';

/** Often enough that a "2m" age or a threshold crossing shows within seconds, rarely enough to cost nothing. */
export const NOW_TICK_MS = 15_000;

/** A view's shown text has a duration in seconds ("Updating for 2s", "5m10s"): it must move every second. */
export const SECOND_TICK_MS = 1_000;

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

/**
 * The tick a view needs for the durations it shows, given how often each one's text changes
 * (lib/workloads/health durationTickMs; undefined for none): every second while any shows seconds,
 * else NOW_TICK_MS, within which thresholds and minute-long units are still noticed.
 */
export function tickFor(ticks: Iterable<number | undefined>): number {
  for (const t of ticks) if (t !== undefined && t <= SECOND_TICK_MS) return SECOND_TICK_MS;
  return NOW_TICK_MS;
}

/**
 * useNow for a view whose shown durations decide how often it must re-render: it calls `show` while
 * rendering with the ticks of what it shows (tickFor), and from the next commit on the clock ticks
 * at that rate: every second only while a duration in seconds is on screen, and only for this view
 * (the per-second clock is its own store; views on NOW_TICK_MS keep their pace).
 */
export function useShownNow(): { now: number; show(ticks: Iterable<number | undefined>): void } {
  const [tick, setTick] = useState(NOW_TICK_MS);
  const now = useNow(tick);
  const wanted = useRef(tick);
  useEffect(() => {
    if (wanted.current !== tick) setTick(wanted.current);
  });
  return {
    now,
    show(ticks) {
      wanted.current = tickFor(ticks);
    },
  };
}
