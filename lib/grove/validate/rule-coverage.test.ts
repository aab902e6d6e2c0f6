/**
 * Every rule id the validator can emit is named in a test of lib/grove: a new rule without a test
 * fails here. (The rule tests themselves assert rule, path and severity of a rejected case and the
 * absence of the rule in an accepted one.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const GROVE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PREFIXES = ['schema', 'topology', 'pcs', 'clique', 'pcsg', 'podSpec', 'scheduler', 'mnnvl', 'immutable', 'binding', 'meta', 'canopy', 'object', 'sglang'];
// Rule ids are single-quoted string literals in the sources (doc comments use backticks).
const RULE = new RegExp(`'(${PREFIXES.join('|')})\\.([A-Za-z]+)'`, 'g');

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

test('every rule id in lib/grove has a test that names it', () => {
  const all = files(GROVE);
  const sources = all.filter((f) => !f.endsWith('.test.ts') && !f.endsWith('fixtures.ts'));
  const tests = all.filter((f) => f.endsWith('.test.ts') && !f.endsWith('rule-coverage.test.ts')).map((f) => readFileSync(f, 'utf8')).join('\n');
  const rules = new Set<string>();
  for (const f of sources) for (const m of readFileSync(f, 'utf8').matchAll(RULE)) rules.add(`${m[1]}.${m[2]}`);
  // `immutable.${field}` in update.ts expands to these three.
  for (const field of ['roleName', 'minAvailable', 'startsAfter']) rules.add(`immutable.${field}`);
  expect(rules.size).toBeGreaterThan(80);
  const untested = [...rules].filter((r) => !tests.includes(`'${r}'`)).sort();
  expect(untested).toEqual([]);
});
