/**
 * JSON paths for error messages, written the way a person would type them into jq or a JS console:
 * `items[3].status.allocatable["nvidia.com/gpu"]`.
 */

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `base` extended by an object key or an array index. */
export function fieldPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (IDENTIFIER.test(key)) return base === '' ? key : `${base}.${key}`;
  return `${base}[${JSON.stringify(key)}]`;
}

/** A problem with one field of an input object. */
export class FieldError extends Error {
  override readonly name = 'FieldError';
  constructor(
    /** JSON path of the field, e.g. `items[3].spec.taints[0].effect` ("" for the document itself). */
    readonly path: string,
    /** What is wrong, e.g. `"x" is not a quantity`. */
    readonly problem: string,
  ) {
    super(path === '' ? problem : `${path}: ${problem}`);
  }
}
