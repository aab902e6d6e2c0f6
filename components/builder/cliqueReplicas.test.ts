import { describe, expect, test } from 'vitest';
import type { Path } from '../../lib/builder/document';
import { setFields } from '../../lib/builder/edits';
import { checkManifestText } from '../../lib/grove/check';
import { validateUpdate } from '../../lib/grove/validate';
import { parse } from 'yaml';
import { replicasEdit, replicasHelp, type StackLife } from './cliqueReplicas';

const NEW: StackLife = { kind: 'new' };
const RUNNING: StackLife = { kind: 'running', key: 'default/s' };
const UNKNOWN: StackLife = { kind: 'unknown', why: 'Loading PodCliqueSets…' };

const REPLICAS = ['spec', 'template', 'cliques', 1, 'spec', 'replicas'];
const MIN_AVAILABLE = ['spec', 'template', 'cliques', 1, 'spec', 'minAvailable'];

const stack = (minAvailable: string) => `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata: {name: s, namespace: default}
spec:
  replicas: 1
  template:
    cliques:
      - name: a
        spec: {roleName: a, replicas: 1, podSpec: {containers: [{name: main, image: busybox}]}}
      - name: frontend
        spec: {roleName: frontend, replicas: 2, ${minAvailable}podSpec: {containers: [{name: main, image: busybox}]}}
`;

describe('replicas set in the inspector', () => {
  const equal = { index: 1, replicas: 2, minAvailable: 2 };

  test('on a running stack, or one not known to be new, replicas change alone (minAvailable is create-only)', () => {
    expect(replicasEdit(equal, 3, RUNNING)).toEqual([{ path: REPLICAS, value: 3 }]);
    expect(replicasEdit(equal, 3, UNKNOWN)).toEqual([{ path: REPLICAS, value: 3 }]);
  });

  test('on a new stack, a minAvailable written equal to replicas follows them; any other stays', () => {
    expect(replicasEdit(equal, 3, NEW)).toEqual([{ path: REPLICAS, value: 3 }, { path: MIN_AVAILABLE, value: 3 }]);
    expect(replicasEdit({ index: 1, replicas: 3, minAvailable: 2 }, 4, NEW)).toEqual([{ path: REPLICAS, value: 4 }]);
    // Not written: Grove defaults it to the replicas created with, nothing to write.
    expect(replicasEdit({ index: 1, replicas: 2, minAvailable: null }, 3, NEW)).toEqual([{ path: REPLICAS, value: 3 }]);
    // Cleared (the field emptied): nothing follows.
    expect(replicasEdit(equal, undefined, NEW)).toEqual([{ path: REPLICAS, value: undefined }]);
  });

  test('the reviewer’s edit on a running stack passes Grove’s update rules; the old one (minAvailable too) did not', () => {
    const before = stack('minAvailable: 2, ');
    const running = parse(before) as Record<string, unknown>;
    const apply = (entries: { path: Path; value: unknown }[]) => {
      const r = setFields(before, entries);
      if (!r.ok) throw new Error(r.message);
      return validateUpdate(running, parse(r.text), {}).filter((f) => f.severity === 'error');
    };
    expect(apply(replicasEdit(equal, 3, RUNNING))).toEqual([]);
    expect(apply([{ path: REPLICAS, value: 3 }, { path: MIN_AVAILABLE, value: 3 }]).map((f) => f.rule)).toContain('immutable.minAvailable');
  });

  test('on a new stack, lowering replicas keeps the stack valid when minAvailable followed', () => {
    const r = setFields(stack('minAvailable: 2, '), replicasEdit(equal, 1, NEW));
    if (!r.ok) throw new Error(r.message);
    expect(checkManifestText(r.text).documents[0]!.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  test('the field says what happens to minAvailable', () => {
    expect(replicasHelp(equal, NEW)).toBe('Min available follows while it equals replicas (all pods one gang).');
    expect(replicasHelp(equal, RUNNING)).toBe('The stack runs: min available stays 2 (Grove refuses changing it on update).');
    expect(replicasHelp(equal, UNKNOWN)).toBe('Min available stays 2: whether this stack runs is not known (Loading PodCliqueSets…).');
    expect(replicasHelp({ index: 1, replicas: 3, minAvailable: 2 }, NEW)).toBeNull();
    expect(replicasHelp({ index: 1, replicas: 3, minAvailable: null }, RUNNING)).toBeNull();
  });
});
