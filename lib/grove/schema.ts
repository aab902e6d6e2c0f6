/**
 * A small structural-schema interpreter: the subset of Kubernetes' OpenAPI v3 structural schemas
 * that Grove's CRDs use (types, required, enums, patterns, lengths, int32/int64 ranges, list-map
 * keys), plus null pruning as the apiserver does it. The Grove schemas themselves are written as
 * code in crd-schemas.ts; this module knows nothing of Grove.
 */
import type { Finding } from './findings';
import { isRecord, pointer } from './meta';

export type Schema =
  | ObjectSchema
  | ArraySchema
  | StringSchema
  | IntegerSchema
  | { type: 'boolean' }
  | { type: 'number' }
  /** int-or-string Kubernetes resource quantity. */
  | { type: 'quantity' }
  /** Anything (x-kubernetes-preserve-unknown-fields, or a part we do not model). */
  | { type: 'any' };

export interface ObjectSchema {
  type: 'object';
  properties?: Record<string, Schema>;
  required?: readonly string[];
  /** Schema of values of a map (`additionalProperties`). */
  values?: Schema;
  /** Unknown fields are kept without a warning (large core/v1 structs we only partly model). */
  open?: boolean;
}

export interface ArraySchema {
  type: 'array';
  items: Schema;
  minItems?: number;
  /** x-kubernetes-list-type: map — these keys must be unique across items. */
  listMapKeys?: readonly string[];
}

export interface StringSchema {
  type: 'string';
  enum?: readonly string[];
  pattern?: RegExp;
  minLength?: number;
  maxLength?: number;
}

export interface IntegerSchema {
  type: 'integer';
  format: 'int32' | 'int64';
  minimum?: number;
}

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;
/** int64 bounds: -2^63 ≤ n < 2^63 (2^63 - 1 is not a double; 2^63 is, and is out of range). */
export const INT64_MIN = -(2 ** 63);
export const INT64_LIMIT = 2 ** 63;

const QUANTITY = /^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/;

// Builders keep the declarations in crd-schemas.ts short.
export const obj = (properties: Record<string, Schema>, required: readonly string[] = [], extra: Partial<ObjectSchema> = {}): ObjectSchema => ({
  type: 'object',
  properties,
  required,
  ...extra,
});
export const map = (values: Schema): ObjectSchema => ({ type: 'object', values });
export const arr = (items: Schema, extra: Partial<ArraySchema> = {}): ArraySchema => ({ type: 'array', items, ...extra });
export const str = (extra: Partial<StringSchema> = {}): StringSchema => ({ type: 'string', ...extra });
export const int32 = (extra: Partial<IntegerSchema> = {}): IntegerSchema => ({ type: 'integer', format: 'int32', ...extra });
export const int64 = (): IntegerSchema => ({ type: 'integer', format: 'int64' });
export const bool = (): Schema => ({ type: 'boolean' });
export const quantity = (): Schema => ({ type: 'quantity' });
export const any = (): Schema => ({ type: 'any' });

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function finding(path: (string | number)[], rule: string, message: string, severity: Finding['severity'] = 'error'): Finding {
  return { path: pointer(path), rule, severity, message };
}

/**
 * Checks `value` against `schema`. Rule ids: schema.type, schema.required, schema.enum, schema.pattern,
 * schema.minLength, schema.maxLength, schema.format (integer range; a warning for int64 values beyond
 * ±2^53, which a JavaScript number cannot hold exactly), schema.minItems,
 * schema.listMapKey (duplicate key of an x-kubernetes map list), schema.unknownField (an error:
 * Canopy's apply, like kubectl apply, asks for strict field validation (server/actions/apply.ts), so the
 * apiserver refuses the object; only a client without it would have the field dropped silently).
 */
export function validateSchema(value: unknown, schema: Schema, path: (string | number)[] = []): Finding[] {
  const out: Finding[] = [];
  walk(value, schema, path, out);
  return out;
}

function walk(value: unknown, schema: Schema, path: (string | number)[], out: Finding[]): void {
  switch (schema.type) {
    case 'any':
      return;
    case 'boolean':
      if (typeof value !== 'boolean') out.push(finding(path, 'schema.type', `must be a boolean, got ${typeName(value)}`));
      return;
    case 'number':
      if (typeof value !== 'number') out.push(finding(path, 'schema.type', `must be a number, got ${typeName(value)}`));
      return;
    case 'quantity':
      // x-kubernetes-int-or-string: an integer or a string; a number like 0.5 must be written as a string.
      if (typeof value === 'number' && Number.isInteger(value)) return;
      if (typeof value !== 'string') out.push(finding(path, 'schema.type', `must be a quantity (string or integer), got ${typeName(value)}`));
      else if (!QUANTITY.test(value)) out.push(finding(path, 'schema.pattern', `"${value}" is not a valid resource quantity (e.g. "8", "500m", "64Gi")`));
      return;
    case 'integer': {
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        out.push(finding(path, 'schema.type', `must be an integer, got ${typeName(value)}`));
        return;
      }
      if (schema.format === 'int32' && (value < INT32_MIN || value > INT32_MAX)) {
        out.push(finding(path, 'schema.format', `${value} does not fit in a 32-bit integer`));
      } else if (schema.format === 'int64' && (value < INT64_MIN || value >= INT64_LIMIT)) {
        out.push(finding(path, 'schema.format', `${value} does not fit in a 64-bit integer`));
      } else if (schema.format === 'int64' && !Number.isSafeInteger(value)) {
        // Legal for the API server, but a JavaScript number cannot hold it exactly: what we read may
        // differ from what the file says.
        out.push(finding(path, 'schema.format', `${value} is beyond ±2^53 and may not be represented exactly here`, 'warning'));
      }
      if (schema.minimum !== undefined && value < schema.minimum) {
        out.push(finding(path, 'schema.minimum', `must be ≥ ${schema.minimum}, got ${value}`));
      }
      return;
    }
    case 'string': {
      if (typeof value !== 'string') {
        out.push(finding(path, 'schema.type', `must be a string, got ${typeName(value)}`));
        return;
      }
      if (schema.enum && !schema.enum.includes(value)) {
        out.push(finding(path, 'schema.enum', `"${value}" is not one of ${schema.enum.map((e) => `"${e}"`).join(', ')}`));
      }
      // Kubernetes counts characters (runes), not UTF-16 units.
      const length = [...value].length;
      if (schema.minLength !== undefined && length < schema.minLength) {
        out.push(finding(path, 'schema.minLength', `must be at least ${schema.minLength} character${schema.minLength === 1 ? '' : 's'}`));
      }
      if (schema.maxLength !== undefined && length > schema.maxLength) {
        out.push(finding(path, 'schema.maxLength', `must be at most ${schema.maxLength} characters, got ${length}`));
      }
      if (schema.pattern && !schema.pattern.test(value)) {
        out.push(finding(path, 'schema.pattern', `"${value}" does not match ${schema.pattern.source}`));
      }
      return;
    }
    case 'array': {
      if (!Array.isArray(value)) {
        out.push(finding(path, 'schema.type', `must be a list, got ${typeName(value)}`));
        return;
      }
      if (schema.minItems !== undefined && value.length < schema.minItems) {
        out.push(finding(path, 'schema.minItems', `must have at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}`));
      }
      value.forEach((item, i) => walk(item, schema.items, [...path, i], out));
      if (schema.listMapKeys) checkListMapKeys(value, schema.listMapKeys, path, out);
      return;
    }
    case 'object': {
      if (!isRecord(value)) {
        out.push(finding(path, 'schema.type', `must be an object, got ${typeName(value)}`));
        return;
      }
      for (const key of schema.required ?? []) {
        if (!(key in value)) out.push(finding([...path, key], 'schema.required', `${key} is required`));
      }
      for (const [key, child] of Object.entries(value)) {
        const childSchema = ownProperty(schema, key) ?? schema.values;
        if (childSchema) walk(child, childSchema, [...path, key], out);
        else if (!schema.open) {
          out.push(finding([...path, key], 'schema.unknownField', `unknown field "${key}": not in the CRD's schema, so Canopy's apply refuses it (strict field validation, as kubectl apply); a client without it would have the field dropped`));
        }
      }
      return;
    }
  }
}

function checkListMapKeys(items: unknown[], keys: readonly string[], path: (string | number)[], out: Finding[]): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    if (!isRecord(item)) return;
    const id = JSON.stringify(keys.map((k) => item[k] ?? null));
    const first = seen.get(id);
    if (first === undefined) seen.set(id, i);
    else {
      const shown = keys.map((k) => `${k}=${JSON.stringify(item[k])}`).join(', ');
      out.push(finding([...path, i], 'schema.listMapKey', `duplicate entry (${shown}); item ${first} has the same key`));
    }
  });
}

/**
 * Removes `null` values the way the apiserver prunes them before validation (fields whose schema is
 * not nullable; none of Grove's are), returning a copy and the pointers of what was removed.
 * Inside `any` parts (opaque to us) nulls are kept.
 */
export function pruneNulls(value: unknown, schema: Schema, path: (string | number)[] = []): { value: unknown; pruned: string[] } {
  const pruned: string[] = [];
  const result = prune(value, schema, path, pruned);
  return { value: result, pruned };
}

function prune(value: unknown, schema: Schema | undefined, path: (string | number)[], pruned: string[]): unknown {
  if (!schema || schema.type === 'any') return value;
  if (schema.type === 'object' && isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const childSchema = ownProperty(schema, key) ?? schema.values;
      if (child === null && (childSchema || !schema.open)) {
        pruned.push(pointer([...path, key]));
        continue;
      }
      // defineProperty, not assignment: a key named `__proto__` must stay a key, not become the prototype.
      Object.defineProperty(out, key, { value: prune(child, childSchema, [...path, key], pruned), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  if (schema.type === 'array' && Array.isArray(value)) {
    return value.map((item, i) => prune(item, schema.items, [...path, i], pruned));
  }
  return value;
}

/** The schema of a declared property; `constructor` or `toString` in a manifest are just unknown keys. */
function ownProperty(schema: ObjectSchema, key: string): Schema | undefined {
  return schema.properties && Object.hasOwn(schema.properties, key) ? schema.properties[key] : undefined;
}
