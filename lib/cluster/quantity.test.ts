import { describe, expect, it } from 'vitest';
import { QuantityError, bytes, cpuMillis, isQuantity, parseQuantity, wholeCount } from './quantity';

const GI = 1024 ** 3;

describe('cpuMillis', () => {
  it.each([
    ['500m', 500],
    ['2', 2000],
    ['1.5', 1500],
    ['0.1', 100],
    ['.5', 500],
    ['1.', 1000],
    ['+1', 1000],
    ['1e3', 1_000_000],
    ['1E3', 1_000_000],
    ['1e-3', 1],
    ['1.5e+2', 150_000],
    ['100u', 1], // 0.0001 cores rounds up to 1m, as MilliValue() does
    ['1n', 1],
    ['0', 0],
    ['-0', 0],
    ['0.0001', 1],
    ['2k', 2_000_000],
    [4, 4000],
    [0.25, 250],
  ] as const)('%s → %i millicores', (input, expected) => {
    expect(cpuMillis(input)).toBe(expected);
  });
});

describe('bytes', () => {
  it.each([
    ['64Gi', 64 * GI],
    ['0.5Gi', GI / 2],
    ['1Ki', 1024],
    ['1Mi', 1024 ** 2],
    ['1Ti', 1024 ** 4],
    ['1Pi', 1024 ** 5],
    ['100M', 100_000_000],
    ['1k', 1000],
    ['1G', 1e9],
    ['128974848', 128974848],
    ['129e6', 129_000_000],
    ['123Mi', 123 * 1024 ** 2],
    ['1.5Ki', 1536],
    ['0.3Ki', 308], // 307.2 rounds up, like the apiserver's Value()
    ['1500m', 2], // 1.5 bytes rounds up
    ['1m', 1],
    ['150Mi', 150 * 1024 ** 2],
  ] as const)('%s → %i bytes', (input, expected) => {
    expect(bytes(input)).toBe(expected);
  });
});

describe('wholeCount (GPUs, pods)', () => {
  it.each([
    ['8', 8],
    ['110', 110],
    ['1e1', 10],
    ['1k', 1000],
    ['2000m', 2],
    ['0.5Ki', 512],
    ['4.0', 4],
    [8, 8],
  ] as const)('%s → %i', (input, expected) => {
    expect(wholeCount(input)).toBe(expected);
  });

  it.each(['1.5', '500m', '0.3Ki'])('refuses the fractional %s', (input) => {
    expect(() => wholeCount(input)).toThrow(/must be a whole number/);
  });
});

describe('parseQuantity', () => {
  it('is exact (no float on the way)', () => {
    expect(parseQuantity('0.1')).toEqual({ numerator: 1n, denominator: 10n });
    expect(parseQuantity('0.5Gi')).toEqual({ numerator: 5n * 2n ** 30n, denominator: 10n });
    expect(parseQuantity('1e3')).toEqual({ numerator: 1000n, denominator: 1n });
    expect(parseQuantity('-2m')).toEqual({ numerator: -2n, denominator: 1000n });
  });

  it('"E" alone is exa, "E3" an exponent', () => {
    expect(parseQuantity('1E')).toEqual({ numerator: 10n ** 18n, denominator: 1n });
    expect(parseQuantity('1E3')).toEqual({ numerator: 1000n, denominator: 1n });
  });

  it.each([
    '',
    ' ',
    '.',
    'x',
    '1x',
    '1 ',
    ' 1',
    '1 Gi',
    '1gi',
    '1KI',
    '1K', // decimal kilo is lower-case k
    '1ki',
    '1e',
    '1e1.5',
    'e3',
    '1.2.3',
    '--1',
    '+-1',
    '0x10',
    '1Gi1',
    '1constructor',
    '1__proto__',
    'Infinity',
    'NaN',
  ])('rejects %j with the offending string in a QuantityError', (input) => {
    let caught: unknown;
    try {
      parseQuantity(input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(QuantityError);
    expect((caught as QuantityError).input).toBe(input);
    expect((caught as QuantityError).message).toContain(JSON.stringify(input));
    expect(isQuantity(input)).toBe(false);
  });

  it('rejects non-strings and non-finite numbers', () => {
    expect(() => parseQuantity(Number.NaN)).toThrow(QuantityError);
    expect(() => parseQuantity(Number.POSITIVE_INFINITY)).toThrow(QuantityError);
    expect(() => parseQuantity({} as unknown as string)).toThrow(/is not a quantity/);
    expect(isQuantity(null)).toBe(false);
  });

  it('refuses absurd exponents and lengths rather than building huge numbers', () => {
    expect(() => parseQuantity('1e1000000')).toThrow(/out of range/);
    expect(() => parseQuantity('1'.repeat(500))).toThrow(/too many digits/);
  });
});

describe('resource conversions', () => {
  it('refuse negative amounts', () => {
    expect(() => cpuMillis('-1')).toThrow(/must not be negative/);
    expect(() => bytes('-1Gi')).toThrow(/must not be negative/);
    expect(() => wholeCount('-8')).toThrow(/must not be negative/);
  });

  it('refuse amounts beyond 2^53 - 1 units instead of rounding them', () => {
    expect(() => bytes('8Ei')).toThrow(/too large/);
    expect(bytes('7Pi')).toBe(7 * 1024 ** 5);
    expect(() => cpuMillis('1e16')).toThrow(/too large/);
  });
});
