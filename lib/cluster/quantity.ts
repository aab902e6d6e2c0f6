/**
 * Kubernetes resource quantities ("500m", "64Gi", "1e3", "0.5Gi") parsed exactly, the way
 * k8s.io/apimachinery/pkg/api/resource does, and converted to the integer units of ClusterState:
 * CPU → millicores, memory → bytes, GPUs and pod slots → whole counts.
 *
 * Grammar (resource/quantity.go):
 *   <quantity>        ::= <signedNumber><suffix>
 *   <number>          ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
 *   <suffix>          ::= <binarySI> | <decimalExponent> | <decimalSI>
 *   <binarySI>        ::= Ki | Mi | Gi | Ti | Pi | Ei
 *   <decimalSI>       ::= n | u | m | "" | k | M | G | T | P | E
 *   <decimalExponent> ::= "e" <signedNumber> | "E" <signedNumber>   (an integer exponent)
 * Arithmetic is done on BigInt rationals, so "0.1" + rounding never goes through a float.
 */
import type { Quantity } from '../grove/core';

export type QuantityUnit = 'milli' | 'whole' | 'ceil';

/** Thrown for a string that is not a quantity, or one that cannot be the asked-for amount. */
export class QuantityError extends Error {
  override readonly name = 'QuantityError';
  constructor(
    /** The offending input, as given. */
    readonly input: unknown,
    /** Why, without the input: "is not a quantity", "must not be negative", … */
    readonly reason: string,
  ) {
    super(`${JSON.stringify(input) ?? String(input)} ${reason}`);
  }
}

/** An exact quantity: numerator / denominator (denominator > 0, a power of ten). */
export interface ExactQuantity {
  numerator: bigint;
  denominator: bigint;
}

const NUMBER = /^([+-]?)(\d*)(?:\.(\d*))?(.*)$/;
// Maps, not object literals: "1constructor" must not find Object.prototype.constructor.
const DECIMAL_SI = new Map(Object.entries({ n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 }));
const BINARY_SI = new Map(Object.entries({ Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 }));
const EXPONENT = /^[eE]([+-]?\d+)$/;
/** Beyond this the value is astronomically far from any real resource; refuse rather than build huge BigInts. */
const MAX_EXPONENT = 100;
const MAX_DIGITS = 200;

/** Parse a quantity exactly; throws QuantityError when it is not one. */
export function parseQuantity(input: Quantity): ExactQuantity {
  let text: string;
  if (typeof input === 'number') {
    // YAML may hold a bare number; JSON from the apiserver always holds strings.
    if (!Number.isFinite(input)) throw new QuantityError(input, 'is not a quantity');
    text = String(input);
  } else if (typeof input === 'string') {
    text = input;
  } else {
    throw new QuantityError(input, 'is not a quantity (expected a string such as "500m" or "64Gi")');
  }
  const match = NUMBER.exec(text);
  const intPart = match?.[2] ?? '';
  const fracPart = match?.[3] ?? '';
  const suffix = match?.[4] ?? '';
  if (!match || (intPart === '' && fracPart === '')) throw new QuantityError(input, 'is not a quantity');
  if (intPart.length + fracPart.length > MAX_DIGITS) throw new QuantityError(input, 'has too many digits');

  let exponent10 = -fracPart.length;
  let exponent2 = 0;
  const decimal = DECIMAL_SI.get(suffix);
  const binary = BINARY_SI.get(suffix);
  if (decimal !== undefined) {
    exponent10 += decimal;
  } else if (binary !== undefined) {
    exponent2 = binary;
  } else {
    const exp = EXPONENT.exec(suffix);
    if (!exp) throw new QuantityError(input, `is not a quantity (unknown suffix "${suffix}")`);
    const value = Number(exp[1]);
    if (Math.abs(value) > MAX_EXPONENT) throw new QuantityError(input, 'is out of range');
    exponent10 += value;
  }

  const digits = BigInt(intPart + fracPart || '0');
  let numerator = (match[1] === '-' ? -digits : digits) << BigInt(exponent2);
  let denominator = 1n;
  if (exponent10 >= 0) numerator *= 10n ** BigInt(exponent10);
  else denominator = 10n ** BigInt(-exponent10);
  return { numerator, denominator };
}

function ceilDiv(numerator: bigint, denominator: bigint): bigint {
  const q = numerator / denominator; // truncates toward zero
  return numerator % denominator > 0n ? q + 1n : q;
}

function toSafeNumber(input: Quantity, value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new QuantityError(input, 'is too large (above 2^53 - 1 units)');
  return Number(value);
}

function nonNegative(input: Quantity): ExactQuantity {
  const q = parseQuantity(input);
  if (q.numerator < 0n) throw new QuantityError(input, 'must not be negative');
  return q;
}

/** CPU: millicores, rounded up as Quantity.MilliValue() does ("0.0001" → 1). */
export function cpuMillis(input: Quantity): number {
  const q = nonNegative(input);
  return toSafeNumber(input, ceilDiv(q.numerator * 1000n, q.denominator));
}

/** Memory (and other byte amounts): bytes, rounded up as Quantity.Value() does ("0.5" → 1). */
export function bytes(input: Quantity): number {
  const q = nonNegative(input);
  return toSafeNumber(input, ceilDiv(q.numerator, q.denominator));
}

/**
 * A count that Kubernetes only allows whole (extended resources such as nvidia.com/gpu, pod slots):
 * "8", "1e1", "1k" are fine, "1.5" and "500m" are errors rather than silently rounded.
 */
export function wholeCount(input: Quantity): number {
  const q = nonNegative(input);
  if (q.numerator % q.denominator !== 0n) throw new QuantityError(input, 'must be a whole number');
  return toSafeNumber(input, q.numerator / q.denominator);
}

/** True when `input` parses as a quantity. */
export function isQuantity(input: unknown): input is Quantity {
  if (typeof input !== 'string' && typeof input !== 'number') return false;
  try {
    parseQuantity(input);
    return true;
  } catch {
    return false;
  }
}
