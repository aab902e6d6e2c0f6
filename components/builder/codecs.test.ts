import { describe, expect, test } from 'vitest';
import { quantityCodec } from './codecs';

describe('inspector field codecs', () => {
  test('quantities are read the way Kubernetes reads them', () => {
    expect(quantityCodec.parse('4')).toBe(4);
    for (const good of ['500m', '16Gi', '1k', '1.5', '1e3', '2Mi']) expect(quantityCodec.parse(good)).toBe(good);
    for (const bad of ['1K', '1ki', '1mi', '16GB', 'lots']) expect(quantityCodec.parse(bad)).toBeInstanceOf(Error);
    expect(quantityCodec.parse('  ')).toBeUndefined();
  });
});
