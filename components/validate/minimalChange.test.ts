import { describe, expect, test } from 'vitest';
import { minimalChange } from './YamlEditor';

describe('minimalChange', () => {
  const apply = (text: string, c: { from: number; to: number; insert: string } | null) => (c ? text.slice(0, c.from) + c.insert + text.slice(c.to) : text);

  test('replaces only what lies between the common start and end', () => {
    const a = 'spec:\n  replicas: 2\n  name: x\n';
    const b = 'spec:\n  replicas: 12\n  name: x\n';
    const c = minimalChange(a, b)!;
    expect(c).toEqual({ from: 18, to: 18, insert: '1' });
    expect(apply(a, c)).toBe(b);
    expect(minimalChange(a, a)).toBeNull();
  });

  test('turns any text into any other (repeats, empty texts, shared start and end overlapping)', () => {
    const cases: [string, string][] = [['', 'abc'], ['abc', ''], ['aaa', 'aa'], ['aa', 'aaaa'], ['abcabc', 'abc'], ['x\ny\nx', 'x\nx'], ['héllo ✓', 'hello ✓']];
    for (const [a, b] of cases) {
      const c = minimalChange(a, b)!;
      expect(apply(a, c)).toBe(b);
      expect(c.to - c.from + c.insert.length).toBeLessThanOrEqual(Math.max(a.length, b.length));
    }
  });
});
