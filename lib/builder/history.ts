/**
 * Undo / redo over whole builder states (YAML text + layout). Plain data; consecutive changes
 * with the same `coalesce` key (typing in one field, typing in the YAML pane) merge into one step.
 */
export interface History<T> {
  past: T[];
  present: T;
  future: T[];
  /** Key of the last change, for coalescing. */
  lastKey: string | null;
}

export const HISTORY_LIMIT = 200;

export function createHistory<T>(present: T): History<T> {
  return { past: [], present, future: [], lastKey: null };
}

export function pushHistory<T>(h: History<T>, next: T, coalesce: string | null = null): History<T> {
  if (coalesce !== null && coalesce === h.lastKey) return { ...h, present: next, future: [] };
  const past = [...h.past, h.present].slice(-HISTORY_LIMIT);
  return { past, present: next, future: [], lastKey: coalesce };
}

export function undo<T>(h: History<T>): History<T> {
  const prev = h.past[h.past.length - 1];
  if (prev === undefined) return h;
  return { past: h.past.slice(0, -1), present: prev, future: [h.present, ...h.future], lastKey: null };
}

export function redo<T>(h: History<T>): History<T> {
  const next = h.future[0];
  if (next === undefined) return h;
  return { past: [...h.past, h.present], present: next, future: h.future.slice(1), lastKey: null };
}

/**
 * The history the builder opens with: this browser's saved work, and a shared link's state on top
 * of it, so opening a link never loses the saved work (one undo brings it back). Null when neither.
 */
export function openingHistory<T>(saved: T | null, shared: T | null, same: (a: T, b: T) => boolean): History<T> | null {
  if (saved === null) return shared === null ? null : createHistory(shared);
  if (shared === null) return createHistory(saved);
  if (same(saved, shared)) return createHistory(shared); // nothing of the saved work to keep
  return pushHistory(createHistory(saved), shared);
}

/** A pause in typing this long ends an undo step. */
export const TYPING_PAUSE_MS = 1000;

/** Runs of typing, so that one undo takes back one run rather than all typing since the last other change. */
export interface TypingRuns {
  /** When the last typed change came (ms, any monotonic clock). */
  at: number;
  run: number;
}

export const NO_TYPING: TypingRuns = { at: -Infinity, run: 0 };

/**
 * The coalescing key of a typed change: the same as the previous change's while typing goes on, a new
 * one after a pause of TYPING_PAUSE_MS or when the cursor jumped elsewhere first.
 */
export function typingStep(runs: TypingRuns, now: number, jumped: boolean, prefix = 'typing'): { runs: TypingRuns; key: string } {
  const run = jumped || now - runs.at >= TYPING_PAUSE_MS ? runs.run + 1 : runs.run;
  return { runs: { at: now, run }, key: `${prefix}:${run}` };
}
