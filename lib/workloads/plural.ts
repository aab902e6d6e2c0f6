/** A count with its noun, in English: "1 pod", "3 pods". Its own module so deletion.ts and health.ts (which imports deletion) share it. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
