/** schema.unknownKind and object.kind: what the validator does with objects it has no schema for. */
import { describe, expect, test } from 'vitest';
import { checkManifestText } from '../check';
import { validate } from '.';
import { validPcs } from './fixtures';

const rules = (object: unknown) => validate(object).map((f) => [f.rule, f.path, f.severity]);

describe('schema.unknownKind', () => {
  test('a grove.io apiVersion the validator does not know is an error, naming the known versions', () => {
    const [finding] = validate({ ...validPcs(), apiVersion: 'grove.io/v1beta1' });
    expect(finding).toMatchObject({ rule: 'schema.unknownKind', path: '/apiVersion', severity: 'error' });
    expect(finding!.message).toBe('PodCliqueSet is served as apiVersion grove.io/v1alpha1, not grove.io/v1beta1');
    expect(rules({ apiVersion: 'scheduler.grove.io/v1', kind: 'Thing', metadata: { name: 'x' } })).toEqual([['schema.unknownKind', '/apiVersion', 'error']]);
  });

  test('a kind typo in a Grove group is an error at /kind, with the kind it probably means', () => {
    const [finding] = validate({ ...validPcs(), kind: 'PodCliqueset' });
    expect(finding).toMatchObject({ rule: 'schema.unknownKind', path: '/kind', severity: 'error' });
    expect(finding!.message).toContain('grove.io/v1alpha1 has no kind PodCliqueset (did you mean PodCliqueSet?)');
    expect(finding!.message).toContain('known Grove kinds: grove.io/v1alpha1 PodCliqueSet, PodClique, PodCliqueScalingGroup, ClusterTopologyBinding; scheduler.grove.io/v1alpha1 PodGang');
  });

  test('a Grove kind under another group (apiVersion: v1 on a PodCliqueSet) is an error', () => {
    expect(rules({ ...validPcs(), apiVersion: 'v1' })).toEqual([['schema.unknownKind', '/apiVersion', 'error']]);
  });

  test('accepted: Grove kinds it knows, and kinds of other groups (unchecked, no finding)', () => {
    expect(rules(validPcs()).map(([r]) => r)).not.toContain('schema.unknownKind');
    expect(rules({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } })).toEqual([]);
    expect(rules({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' } })).toEqual([]);
    // A group that merely ends in the same letters is not Grove's.
    expect(rules({ apiVersion: 'notgrove.io/v1', kind: 'Widget', metadata: { name: 'x' } })).toEqual([]);
  });
});

describe('object.kind', () => {
  test('an object without apiVersion or kind is an error (kubectl refuses it)', () => {
    expect(rules({ metadata: { name: 'x' } })).toEqual([['object.kind', '', 'error']]);
    expect(rules({ kind: 'PodCliqueSet', metadata: { name: 'x' } })).toEqual([['object.kind', '', 'error']]);
    expect(rules({ apiVersion: 'grove.io/v1alpha1', metadata: { name: 'x' } })).toEqual([['object.kind', '', 'error']]);
  });
});

describe('checkManifestText', () => {
  test('an unknown Grove kind is reported with its position; other kinds are marked unchecked', () => {
    const report = checkManifestText('apiVersion: grove.io/v1beta1\nkind: PodCliqueSet\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n');
    expect(report.documents.map((d) => [d.kind, d.checked, d.findings.map((f) => [f.rule, f.line, f.column])])).toEqual([
      ['PodCliqueSet', false, [['schema.unknownKind', 1, 1]]],
      ['ConfigMap', false, []],
    ]);
  });
});
