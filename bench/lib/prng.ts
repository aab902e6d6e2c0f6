import { mulberry32 } from '../../lib/random';

/** Seeded PRNG (mulberry32) and helpers: every benchmark input is a pure function of its seed. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(xs: readonly T[]): T;
  /** Pick by weight: [[value, weight], ...]. */
  weighted<T>(xs: readonly (readonly [T, number])[]): T;
  shuffle<T>(xs: T[]): T[];
}

export function rng(seed: number): Rng {
  const next = mulberry32(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: (xs) => {
      if (xs.length === 0) throw new Error('pick from empty list');
      return xs[int(0, xs.length - 1)] as (typeof xs)[number];
    },
    weighted: (xs) => {
      const total = xs.reduce((s, [, w]) => s + w, 0);
      let r = next() * total;
      for (const [v, w] of xs) {
        r -= w;
        if (r < 0) return v;
      }
      return (xs[xs.length - 1] as (typeof xs)[number])[0];
    },
    shuffle: (xs) => {
      for (let i = xs.length - 1; i > 0; i--) {
        const j = int(0, i);
        [xs[i], xs[j]] = [xs[j] as (typeof xs)[number], xs[i] as (typeof xs)[number]];
      }
      return xs;
    },
  };
}
