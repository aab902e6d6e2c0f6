import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { quantityCodec, tolerationsCodec, tolerationsUnrepresentable } from './codecs';

describe('inspector field codecs', () => {
  test('quantities are read the way Kubernetes reads them', () => {
    expect(quantityCodec.parse('4')).toBe(4);
    for (const good of ['500m', '16Gi', '1k', '1.5', '1e3', '2Mi']) expect(quantityCodec.parse(good)).toBe(good);
    for (const bad of ['1K', '1ki', '1mi', '16GB', 'lots']) expect(quantityCodec.parse(bad)).toBeInstanceOf(Error);
    expect(quantityCodec.parse('  ')).toBeUndefined();
  });
});

describe('tolerations as key=value:Effect lines', () => {
  const roundTrip = (v: unknown) => tolerationsCodec.parse(tolerationsCodec.format(v));

  test('a key-less Exists toleration (tolerate everything) is not representable, so the field is never rewritten without it', () => {
    const v = [{ operator: 'Exists' }, { key: 'gpu', operator: 'Equal', value: 'x', effect: 'NoSchedule' }];
    expect(tolerationsUnrepresentable(v)).toMatch(/Toleration 1 .*every taint/);
    // Why it must be: the line form drops it.
    expect(roundTrip(v)).toHaveLength(1);
  });

  test('the usual forms are representable', () => {
    const v = [
      { key: 'gpu', operator: 'Exists' },
      { key: 'gpu', operator: 'Equal', value: 'a100', effect: 'NoSchedule' },
      { operator: 'Exists', effect: 'NoExecute' },
      { key: 'nvidia.com/gpu', operator: 'Equal', value: '' },
    ];
    expect(tolerationsUnrepresentable(v)).toBeNull();
    expect(tolerationsCodec.format(v)).toBe('gpu\ngpu=a100:NoSchedule\n:NoExecute\nnvidia.com/gpu=');
    expect(roundTrip(v)).toEqual(v);
  });

  test('what the lines would change is said', () => {
    expect(tolerationsUnrepresentable([{ key: 'gpu', value: 'x' }])).toMatch(/operator to the default/);
    expect(tolerationsUnrepresentable([{ key: 'gpu', operator: 'Exists', tolerationSeconds: 30 }])).toMatch(/tolerationSeconds/);
    expect(tolerationsUnrepresentable([{ key: 'gpu', operator: 'Equal', value: 'a:b' }])).toMatch(/value/);
  });

  // Parts drawn from the characters the line form gives meaning to, so every way of breaking it is tried.
  const part = fc.string({ unit: fc.constantFrom('a', 'b', '=', ':', ' ', '\n', '\t', '/'), maxLength: 4 });
  const tolerationRecord = fc.record(
    {
      key: fc.oneof(part, fc.constant('gpu'), fc.integer()),
      operator: fc.constantFrom('Equal', 'Exists', 'In'),
      value: fc.oneof(part, fc.constant('x'), fc.integer()),
      effect: fc.constantFrom('NoSchedule', 'PreferNoSchedule', 'NoExecute', '', 'Never'),
      tolerationSeconds: fc.integer({ min: 0, max: 600 }),
    },
    // YAML reads plain objects, which is what the round trip is compared against.
    { requiredKeys: [], noNullPrototype: true },
  );
  const toleration = fc.oneof({ weight: 20, arbitrary: tolerationRecord }, { weight: 1, arbitrary: fc.constantFrom<unknown>('gpu', null, 3) });

  test('property: a list round-trips through the lines exactly when tolerationsUnrepresentable says it can', () => {
    fc.assert(
      fc.property(fc.array(toleration, { maxLength: 4 }), (v) => {
        const exact = isDeepStrictEqual(roundTrip(v), v.length ? v : undefined);
        expect(tolerationsUnrepresentable(v) === null).toBe(exact);
      }),
      { numRuns: 3000 },
    );
  });

  test('property: every list of representable tolerations round-trips', () => {
    const representable = fc.record(
      {
        key: fc.stringMatching(/^[a-z][a-z0-9./-]{0,10}$/),
        value: fc.option(fc.stringMatching(/^[a-z0-9=._ -]{0,8}[a-z0-9]$|^$/), { nil: undefined }),
        effect: fc.option(fc.constantFrom('NoSchedule', 'PreferNoSchedule', 'NoExecute'), { nil: undefined }),
      },
      { requiredKeys: ['key'] },
    ).map(({ key, value, effect }) => ({ key, operator: value === undefined ? 'Exists' : 'Equal', ...(value !== undefined ? { value } : {}), ...(effect ? { effect } : {}) }));
    fc.assert(
      fc.property(fc.array(representable, { minLength: 1, maxLength: 5 }), (v) => {
        expect(tolerationsUnrepresentable(v)).toBeNull();
        expect(roundTrip(v)).toEqual(v);
      }),
    );
  });
});
