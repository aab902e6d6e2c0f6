import { describe, expect, test } from 'vitest';
import { decodeShare, encodeShare, SHARE_PREFIX } from './persistence';

describe('share links', () => {
  test('round-trip the YAML (comments and all) and the layout, compressed', async () => {
    const text = `# a comment ✓\n${'apiVersion: grove.io/v1alpha1\nkind: PodCliqueSet\n'.repeat(40)}`;
    const work = { text, layout: { positions: { 'clique:a': { x: 1, y: 2 } }, kinds: { a: 'frontend' as const } }, flavour: 'sglang' as const };
    const hash = await encodeShare(work);
    expect(hash.startsWith(SHARE_PREFIX)).toBe(true);
    expect(hash).toMatch(/^#pcs=[A-Za-z0-9_-]+$/);
    expect(hash.length).toBeLessThan(text.length);
    expect(await decodeShare(hash)).toEqual(work);
  });

  test('a damaged link says so', async () => {
    const hash = await encodeShare({ text: 'kind: PodCliqueSet', layout: { positions: {}, kinds: {} } });
    await expect(decodeShare(hash.slice(0, hash.length - 6))).rejects.toThrow(/damaged/);
    await expect(decodeShare('#other')).rejects.toThrow(/not a builder link/);
  });
});
