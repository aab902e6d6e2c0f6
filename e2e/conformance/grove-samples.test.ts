/**
 * Conformance: every sample PodCliqueSet of the pinned Grove release validates with zero errors,
 * except samples whose cliques omit roleName (CRD-required), which fail on exactly those roleName paths.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { checkManifestText } from '../../lib/grove/check';
import { isRecord } from '../../lib/grove/meta';
import { groveRelease } from '../fixtures/grove-release';

const samples = groveRelease().sampleFiles;

/** `/spec/template/cliques/<i>/spec/roleName` for every clique of a PodCliqueSet document that lacks roleName. */
function missingRoleNamePaths(doc: unknown): string[] {
  if (!isRecord(doc) || doc.kind !== 'PodCliqueSet' || !isRecord(doc.spec) || !isRecord(doc.spec.template)) return [];
  const cliques = Array.isArray(doc.spec.template.cliques) ? doc.spec.template.cliques : [];
  return cliques.flatMap((c, i) => (isRecord(c) && isRecord(c.spec) && typeof c.spec.roleName === 'string' ? [] : [`/spec/template/cliques/${i}/spec/roleName`]));
}

describe(`Grove ${groveRelease().tag} samples`, () => {
  test('there are enough samples for this to mean something', () => {
    expect(samples.length).toBeGreaterThanOrEqual(10);
  });

  test.each(samples.map((f) => [path.basename(f), f]))('%s', (_, file) => {
    const text = readFileSync(file, 'utf8');
    const report = checkManifestText(text);
    expect(report.parseErrors).toEqual([]);
    const docs = text.split(/^---$/m).map((t) => parse(t) as unknown).filter((d) => d !== null);
    expect(report.documents).toHaveLength(docs.length);
    report.documents.forEach((d, i) => {
      const errors = d.findings.filter((f) => f.severity === 'error');
      const expected = missingRoleNamePaths(docs[i]);
      expect(errors.map((f) => f.path).sort(), JSON.stringify(errors, null, 1)).toEqual(expected.sort());
      for (const f of errors) expect(f.rule).toBe('schema.required');
    });
  });

  test('the samples that omit roleName are the ones the notes name', () => {
    const lacking = samples.filter((f) => missingRoleNamePaths(parse(readFileSync(f, 'utf8'))).length > 0).map((f) => path.basename(f));
    expect(lacking.sort()).toEqual(['multinode-disaggregated-with-frontend.yaml', 'standalone-env-vars.yaml']);
  });
});
