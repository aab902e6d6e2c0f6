/**
 * A mutating route's `dryRun`, read one way for all of them: left out (a real change), true or
 * false; anything else is a 400 naming it. A lenient read turned `?dryRun=All` (kubectl's word) and
 * `"dryRun": "true"` (a string) into real writes, the opposite of what the caller meant.
 */
import { badRequest } from './errors';

/** How much of a refused value the 400 repeats. */
const MAX_QUOTED = 40;

function quoted(value: string): string {
  return JSON.stringify(value.length > MAX_QUOTED ? `${value.slice(0, MAX_QUOTED - 1)}…` : value);
}

/** `?dryRun=true` or `?dryRun=false`, once, or no dryRun in the query (false). */
export function dryRunOfQuery(query: URLSearchParams): boolean | Response {
  const values = query.getAll('dryRun');
  if (values.length === 0) return false;
  if (values.length > 1) return badRequest(`dryRun must be given at most once, as true or false (got it ${values.length} times)`);
  const value = values[0]!;
  if (value === 'true' || value === 'false') return value === 'true';
  return badRequest(`dryRun must be true or false when given (got dryRun=${quoted(value)})`);
}

/** A JSON body's `dryRun`: true, false, or left out (false). */
export function dryRunOfBody(value: unknown): boolean | Response {
  if (value === undefined) return false;
  if (typeof value === 'boolean') return value;
  const got = typeof value === 'string' ? `the string ${quoted(value)}` : value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
  return badRequest(`dryRun must be true or false (a JSON boolean) when given (got ${got})`);
}
