/** Re-basing an edit of a running stack onto the version another user applied since (a three-way merge). */
import { describe, expect, test } from 'vitest';
import { parseManifests } from '../grove/manifest';
import type { KubeObject } from '../grove/meta';
import { setField } from './edits';
import { liveStackText, loadedStackOf } from './liveStack';
import { merge3, rebaseOntoLive } from './rebase';

type Stack = KubeObject & { spec: { replicas: number; template: { terminationDelay?: string; cliques: { name: string; spec: Record<string, unknown> & { podSpec: { containers: { name: string; image: string }[] } } }[] } } };

function running(resourceVersion = '42'): Stack {
  return {
    apiVersion: 'grove.io/v1alpha1',
    kind: 'PodCliqueSet',
    metadata: { name: 'disagg', namespace: 'default', resourceVersion, labels: { app: 'disagg' } },
    spec: {
      replicas: 2,
      template: {
        cliques: [
          { name: 'frontend', spec: { roleName: 'frontend', replicas: 1, minAvailable: 1, podSpec: { containers: [{ name: 'router', image: 'router:1' }] } } },
          { name: 'decode', spec: { roleName: 'decode', replicas: 2, minAvailable: 1, podSpec: { containers: [{ name: 'engine', image: 'engine:1' }] } } },
        ],
      },
    },
  } as Stack;
}

/** The stack after another user's image hotfix of the decode engine. */
function hotfixed(): Stack {
  const o = running('57');
  o.spec.template.cliques[1]!.spec.podSpec.containers[0]!.image = 'engine:hotfix';
  return o;
}

const edited = (text: string, path: (string | number)[], value: unknown) => {
  const r = setField(text, path, value);
  if (!r.ok) throw new Error(r.message);
  return r.text;
};

describe('merge3', () => {
  test('takes what one side changed, keeps what both changed alike, keeps the edit where both changed differently (listed)', () => {
    expect(merge3({ a: 1, b: 1, c: 1 }, { a: 2, b: 1, c: 3 }, { a: 1, b: 2, c: 3 })).toEqual({ value: { a: 2, b: 2, c: 3 }, conflicts: [] });
    expect(merge3({ a: 1 }, { a: 2 }, { a: 3 })).toEqual({ value: { a: 2 }, conflicts: [{ path: 'a', base: 1, ours: 2, theirs: 3 }] });
    // Removed on one side and untouched on the other: gone; removed on one side and changed on the other: the edit wins, listed.
    expect(merge3({ a: 1, b: 1 }, { b: 1 }, { a: 1 })).toEqual({ value: {}, conflicts: [] });
    expect(merge3({ a: 1 }, {}, { a: 2 })).toEqual({ value: {}, conflicts: [{ path: 'a', base: 1, theirs: 2 }] });
  });

  test('merges lists with an identity item by item (cliques and containers by name), others as one value', () => {
    const base = { cliques: [{ name: 'a', x: 1 }, { name: 'b', x: 1 }], args: ['--x'] };
    const ours = { cliques: [{ name: 'a', x: 2 }, { name: 'b', x: 1 }, { name: 'mine', x: 1 }], args: ['--y'] };
    const theirs = { cliques: [{ name: 'b', x: 3 }, { name: 'a', x: 1 }, { name: 'theirs', x: 1 }], args: ['--x'] };
    expect(merge3(base, ours, theirs)).toEqual({
      value: { cliques: [{ name: 'a', x: 2 }, { name: 'b', x: 3 }, { name: 'mine', x: 1 }, { name: 'theirs', x: 1 }], args: ['--y'] },
      conflicts: [],
    });
    // An item the edit removed that the cluster changed since: still removed, and said.
    expect(merge3(base, { cliques: [{ name: 'a', x: 1 }] }, { cliques: [{ name: 'a', x: 1 }, { name: 'b', x: 9 }] }).conflicts).toEqual([{ path: 'cliques[name="b"]', base: { name: 'b', x: 1 }, theirs: { name: 'b', x: 9 } }]);
    expect(merge3({ args: ['a'] }, { args: ['b'] }, { args: ['c'] }).conflicts).toEqual([{ path: 'args', base: ['a'], ours: ['b'], theirs: ['c'] }]);
  });
});

describe('rebaseOntoLive', () => {
  test("the reviewer's case: a termination delay edited on the version before a hotfix keeps the hotfix, and only the delay differs from the live stack", () => {
    const loaded = loadedStackOf(running())!;
    const text = edited(liveStackText(running()), ['spec', 'template', 'terminationDelay'], '60s');
    const r = rebaseOntoLive(text, loaded, hotfixed(), null);
    if (!r.ok) throw new Error(r.message);
    expect(r.loaded).toEqual(loadedStackOf(hotfixed()));
    expect(r.conflicts).toEqual([]);
    expect(r.taken).toEqual([{ path: 'spec.template.cliques[name="decode"].spec.podSpec.containers[name="engine"].image', old: 'engine:1', new: 'engine:hotfix' }]);
    const object = parseManifests(r.text).documents[0]!.object as Stack;
    expect(object.spec.template.terminationDelay).toBe('60s');
    expect(object.spec.template.cliques[1]!.spec.podSpec.containers[0]!.image).toBe('engine:hotfix');
    // Only the hotfixed line changed in the user's text: comments and layout stay.
    const before = text.split('\n');
    expect(r.text.split('\n').filter((l, i) => l !== before[i])).toEqual(['                image: engine:hotfix']);
  });

  test('a field both changed keeps the edit and lists it; a text for another stack, or unreadable, is not re-based', () => {
    const loaded = loadedStackOf(running())!;
    const text = edited(liveStackText(running()), ['spec', 'template', 'cliques', 1, 'spec', 'podSpec', 'containers', 0, 'image'], 'engine:mine');
    const r = rebaseOntoLive(text, loaded, hotfixed(), null);
    if (!r.ok) throw new Error(r.message);
    expect(r.conflicts).toEqual([{ path: 'spec.template.cliques[name="decode"].spec.podSpec.containers[name="engine"].image', base: 'engine:1', ours: 'engine:mine', theirs: 'engine:hotfix' }]);
    expect(r.text).toBe(text);
    expect(rebaseOntoLive(text.replace('name: disagg', 'name: other'), loaded, hotfixed(), null)).toEqual({ ok: false, message: "the builder's PodCliqueSet is default/other, not default/disagg" });
    expect(rebaseOntoLive('kind: [', loaded, hotfixed(), null).ok).toBe(false);
  });
});
