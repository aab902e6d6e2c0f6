/** Writing into the PodCliqueSet document: shared nodes refused, JSON paths in refusals, emptied maps pruned, comments kept. */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { parseManifests } from '../grove/manifest';
import { readBuilderText } from './document';
import { deleteSelection, removeContainer, removeStartsAfter, setField, setFields, type EditResult } from './edits';

function ok(r: EditResult): string {
  if (!r.ok) throw new Error(r.message);
  return r.text;
}
function objectOf(text: string): { metadata: Record<string, unknown>; spec: { template: Record<string, any> } } {
  const r = readBuilderText(text);
  if (!r.ok) throw new Error(r.message);
  return r.object as never;
}
function refusal(r: EditResult): string {
  if (r.ok) throw new Error(`expected a refusal, got:\n${r.text}`);
  return r.message;
}

const HEAD = `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata:
  name: demo
  namespace: default
spec:
  replicas: 1
  template:
`;

// Clique b merges clique a's whole item (`<<: *base`) and overrides only the name.
const MERGED = `${HEAD}    cliques:
      - &base
        name: a
        spec:
          roleName: a
          replicas: 1
          podSpec:
            containers: [{name: app, image: busybox}]
      - <<: *base
        name: b
`;

// Clique b's pod template is clique a's (`podSpec: *pod`).
const ALIASED = `${HEAD}    cliques:
      - name: a
        spec:
          roleName: a
          replicas: 1
          podSpec: &pod
            containers:
              - {name: app, image: busybox}
      - name: b
        spec:
          roleName: b
          replicas: 1
          podSpec: *pod
`;

const image = (clique: number) => ['spec', 'template', 'cliques', clique, 'spec', 'podSpec', 'containers', 0, 'image'];

describe('a PodCliqueSet with shared YAML nodes is edited in the YAML pane only', () => {
  test('merge key: editing what a clique merged is refused with where the merge is, and the text stays as it was', () => {
    const read = readBuilderText(MERGED);
    if (!read.ok) throw new Error(read.message);
    // The canvas still shows b as Grove reads it: everything it merged from a.
    expect(read.object).toMatchObject({ spec: { template: { cliques: [{ name: 'a' }, { name: 'b', spec: { roleName: 'a', replicas: 1 } }] } } });
    expect(read.editRefusal).toMatch(/merge key << at line 17:9\).*YAML pane/);
    const r = setField(MERGED, ['spec', 'template', 'cliques', 1, 'spec', 'replicas'], 3);
    expect(refusal(r)).toBe(read.editRefusal);
  });

  test('alias: editing either clique, or deleting the anchor holder, is refused with the alias and anchor positions', () => {
    const message = refusal(setField(ALIASED, image(0), 'nginx'));
    expect(message).toMatch(/alias \*pod at line 21:20, anchor &pod at line 14:20\).*YAML pane/);
    expect(refusal(setField(ALIASED, image(1), 'nginx'))).toBe(message);
    expect(() => deleteSelection(ALIASED, { cliques: ['a'], groups: [] })).not.toThrow();
    expect(refusal(deleteSelection(ALIASED, { cliques: ['a'], groups: [] }))).toBe(message);
  });

  test('an anchor nothing refers to does not stop edits', () => {
    const lone = ALIASED.replace('podSpec: *pod', 'podSpec: {containers: [{name: app, image: busybox}]}');
    expect(readBuilderText(lone)).toMatchObject({ ok: true, editRefusal: null });
    expect(objectOf(ok(setField(lone, image(0), 'nginx'))).spec.template.cliques[0].spec.podSpec.containers[0].image).toBe('nginx');
  });
});

describe('refusals name the field by its JSON path', () => {
  test('a value where a map is needed: the path written and the path in the way', () => {
    const text = `${HEAD}    cliques:\n      - name: a\n        spec: {roleName: a, replicas: 1, podSpec: oops}\n`;
    const message = refusal(setField(text, image(0), 'nginx'));
    expect(message).toContain('spec.template.cliques[0].spec.podSpec.containers[0].image:');
    expect(message).toContain('spec.template.cliques[0].spec.podSpec holds the value "oops" where a map is needed');
    expect(message).not.toMatch(/Remaining path|Expected YAML collection/);
  });
});

describe('maps left empty by a deletion go', () => {
  test('clearing both stack topology fields removes topologyConstraint (Grove rejects an empty one)', () => {
    const text = `${HEAD}    topologyConstraint:\n      topologyName: t\n      pack:\n        required: rack\n    cliques:\n      - name: a\n        spec: {roleName: a, replicas: 1, podSpec: {containers: [{name: app, image: busybox}]}}\n`;
    const cleared = ok(
      setFields(text, [
        { path: ['spec', 'template', 'topologyConstraint', 'topologyName'], value: undefined },
        { path: ['spec', 'template', 'topologyConstraint', 'pack', 'required'], value: '' },
      ]),
    );
    expect(cleared).not.toContain('topologyConstraint');
    expect(objectOf(cleared).spec.template.cliques).toHaveLength(1);
  });

  test('removing the last annotation removes annotations; spec and spec.template stay even when emptied', () => {
    const text = HEAD.replace('  namespace: default\n', '  namespace: default\n  annotations:\n    note: x\n') + '    replicasHint: 1\n';
    const cleared = ok(setField(text, ['metadata', 'annotations', 'note'], undefined));
    expect(cleared).not.toContain('annotations');
    const bare = ok(setField(cleared, ['spec', 'template', 'replicasHint'], undefined));
    expect(objectOf(bare).spec).toEqual({ replicas: 1, template: {} });
  });
});

describe('clearing a field keeps the comments written on its lines', () => {
  const CLIQUE = `${HEAD}    cliques:
      - name: a
        spec:
          roleName: a
          # two per node, keep it even
          replicas: 8 # set by the ops team
          minAvailable: 1
          podSpec:
            containers: [{name: app, image: busybox}]
`;
  const replicas = ['spec', 'template', 'cliques', 0, 'spec', 'replicas'];

  test('the key goes; the comment above it and the one at the end of its line stay where its line was', () => {
    const cleared = ok(setField(CLIQUE, replicas, undefined));
    expect(cleared).toBe(CLIQUE.replace('          replicas: 8 # set by the ops team\n', '          # set by the ops team\n'));
    expect(objectOf(cleared).spec.template.cliques[0].spec).not.toHaveProperty('replicas');
  });

  test('typing a value again after clearing ("8", cleared, "16"): the comments are still in the file, every other line as it was', () => {
    const retyped = ok(setField(ok(setField(CLIQUE, replicas, undefined)), replicas, 16));
    expect(retyped).toContain('# two per node, keep it even\n');
    expect(retyped).toContain('# set by the ops team\n');
    expect(objectOf(retyped).spec.template.cliques[0].spec.replicas).toBe(16);
    // A value typed over the old one (no clear in between, as the inspector writes it) keeps the comment on its own line.
    expect(ok(setField(CLIQUE, replicas, 16))).toBe(CLIQUE.replace('replicas: 8 #', 'replicas: 16 #'));
  });

  test('the last key of a map: its comments go below the map; a map the deletion empties goes, its comments with them', () => {
    const labelled = HEAD.replace('  namespace: default\n', '  namespace: default\n  labels:\n    a: b\n    # about c\n    c: d # inline c\n') + '    cliques: []\n';
    expect(ok(setField(labelled, ['metadata', 'labels', 'c'], undefined))).toBe(labelled.replace('    c: d # inline c\n', '    # inline c\n'));
    const packed = `${HEAD}    # stack packing
    topologyConstraint:
      pack:
        required: rack # our racks
    cliques: []
`;
    expect(ok(setField(packed, ['spec', 'template', 'topologyConstraint', 'pack', 'required'], undefined))).toBe(`${HEAD}    # stack packing\n    # our racks\n    cliques: []\n`);
  });
});

/** A stack whose comments stand inside blocks (a clique's spec, a container, a group, a sharing entry), none above a list item. */
const NESTED = `${HEAD}    cliqueStartupType: CliqueStartupTypeExplicit
    topologyConstraint:
      # pack each replica
      pack:
        required: rack # our racks
        # prefer a block
        preferred: block
    resourceSharing:
      - name: gpus
        scope: AllReplicas # one claim for all
        filter:
          # only b shares it
          childCliqueNames: [b]
    cliques:
      - name: a
        spec:
          roleName: a # the a role
          replicas: 1
          # the pod
          podSpec:
            containers:
              - name: app
                image: busybox # small
              - name: side
                # side image
                image: x
      - name: b
        spec:
          roleName: b
          replicas: 1
          startsAfter: [a] # b waits for a
          podSpec:
            containers: [{name: app, image: busybox}] # b's one container
    podCliqueScalingGroups:
      - name: g
        # a alone, for now
        cliqueNames: [a]
        replicas: 1 # one replica
`;

/** Every comment of a text, in order (`# x` at a line's start or after a value). */
const commentsOf = (text: string) => [...text.matchAll(/(?:^|\s)# (.*)$/gm)].map((m) => m[1]!);

describe('a deleted block keeps the comments inside it as comment lines where it was', () => {
  test('clearing a field with a block map below it: its comments, at any depth, go above the next key', () => {
    const text = ok(setField(NESTED, ['spec', 'template', 'topologyConstraint'], undefined));
    expect(text).toContain('    cliqueStartupType: CliqueStartupTypeExplicit\n    # pack each replica\n    # our racks\n    # prefer a block\n    resourceSharing:\n');
    expect(objectOf(text).spec.template.topologyConstraint).toBeUndefined();
  });

  test("deleting a clique: the comments in its spec and containers go above the next clique, or below the list for the last", () => {
    const first = ok(deleteSelection(NESTED, { cliques: ['a'], groups: [] }));
    expect(first).toContain('    cliques:\n      # the a role\n      # the pod\n      # small\n      # side image\n      - name: b\n');
    const last = ok(deleteSelection(NESTED, { cliques: ['b'], groups: [] }));
    expect(last).toContain('                image: x\n      # b waits for a\n      # b\'s one container\n    podCliqueScalingGroups:\n');
    // b's resourceSharing entry lost its last child and went too: its comments stay where it was.
    expect(last).toContain('    # one claim for all\n    # only b shares it\n    cliques:\n');
    expect(objectOf(last).spec.template.resourceSharing).toBeUndefined();
  });

  test('deleting a group: its comments and those of its member stay; the emptied list key goes, they stay in its place', () => {
    const text = ok(deleteSelection(NESTED, { cliques: [], groups: ['g'] }));
    expect(objectOf(text).spec.template.podCliqueScalingGroups).toBeUndefined();
    expect(text.endsWith('            containers: [{name: app, image: busybox}] # b\'s one container\n    # a alone, for now\n    # one replica\n')).toBe(true);
    for (const c of ['the a role', 'the pod', 'small', 'side image']) expect(text).toContain(`# ${c}\n`);
  });

  test('removing a container keeps the comment inside it; removing the last startsAfter entry keeps the comment of its line', () => {
    const container = ok(removeContainer(NESTED, 'a', 'containers', 1));
    expect(container).toContain('                image: busybox # small\n              # side image\n      - name: b\n');
    const edge = ok(removeStartsAfter(NESTED, 'a', 'b'));
    expect(edge).toContain('          replicas: 1\n          # b waits for a\n          podSpec:\n');
    expect(objectOf(edge).spec.template.cliques[1].spec.startsAfter).toBeUndefined();
  });

  test('property: whatever cliques and groups are deleted, every comment stays, once, in order, and the data is what the deletion makes', () => {
    const plain = NESTED.replace(/ *# .*$/gm, '').replace(/^\n/gm, '');
    const selection = fc.record({ cliques: fc.subarray(['a', 'b']), groups: fc.subarray(['g']) });
    fc.assert(
      fc.property(selection, (sel) => {
        const text = ok(deleteSelection(NESTED, sel));
        expect(commentsOf(text)).toEqual(commentsOf(NESTED));
        expect(objectOf(text)).toEqual(objectOf(ok(deleteSelection(plain, sel))));
      }),
    );
  });
});

describe('object edits change only the keys that changed', () => {
  test('comments on untouched keys of a map survive an edit of the map', () => {
    const text = HEAD.replace('  namespace: default\n', '  namespace: default\n  labels:\n    team: x # owner\n    tier: gold # billing\n    old: y\n') + '    cliques: []\n';
    const edited = ok(setField(text, ['metadata', 'labels'], { team: 'x', tier: 'silver', added: 'z' }));
    expect(edited).toContain('team: x # owner');
    expect(edited).toContain('tier: silver # billing');
    expect(edited).not.toContain('old: y');
    expect(objectOf(edited).metadata.labels).toEqual({ team: 'x', tier: 'silver', added: 'z' });
  });

  test('lists are changed item by item: a comment on an unchanged item survives, items past the new end go', () => {
    const text = `${HEAD}    cliques:\n      - name: a\n        spec:\n          roleName: a\n          replicas: 1\n          podSpec:\n            containers: [{name: app, image: busybox}]\n            tolerations:\n              - operator: Exists # any taint\n              - {key: gpu, operator: Equal, value: x}\n              - {key: old, operator: Exists}\n`;
    const path = ['spec', 'template', 'cliques', 0, 'spec', 'podSpec', 'tolerations'];
    const edited = ok(setField(text, path, [{ operator: 'Exists' }, { key: 'gpu', operator: 'Equal', value: 'x2' }]));
    expect(edited).toContain('- operator: Exists # any taint');
    expect(edited).toContain('{key: gpu, operator: Equal, value: x2}');
    expect(objectOf(edited).spec.template.cliques[0].spec.podSpec.tolerations).toEqual([{ operator: 'Exists' }, { key: 'gpu', operator: 'Equal', value: 'x2' }]);
  });

  test('an empty string inside an object value is kept as a value (only a top-level "" deletes)', () => {
    const text = HEAD.replace('  namespace: default\n', '  namespace: default\n  labels: {a: b}\n') + '    cliques: []\n';
    expect(objectOf(ok(setField(text, ['metadata', 'labels'], { a: '', c: 'd' }))).metadata.labels).toEqual({ a: '', c: 'd' });
  });
});

describe('list edits keep each comment with its own item', () => {
  const ENV = ['spec', 'template', 'cliques', 0, 'spec', 'podSpec', 'containers', 0, 'env'];
  const withEnv = (items: string) =>
    `${HEAD}    cliques:\n      - name: a\n        spec:\n          roleName: a\n          replicas: 1\n          podSpec:\n            containers:\n              - name: app\n                image: busybox\n                env:\n${items}`;
  const envOf = (text: string) => objectOf(text).spec.template.cliques[0].spec.podSpec.containers[0].env;

  test('removing the first env var: the one that stays keeps its comment, the removed one takes its comment along', () => {
    const text = withEnv('                  - name: FIRST # first: remove me\n                    value: "1"\n                  - name: KEEP # keep: explains KEEP\n                    value: "2"\n');
    const edited = ok(setField(text, ENV, [{ name: 'KEEP', value: '2' }]));
    expect(edited).toContain('- name: KEEP # keep: explains KEEP');
    expect(edited).not.toContain('remove me');
    expect(envOf(edited)).toEqual([{ name: 'KEEP', value: '2' }]);
  });

  test('args: removing the first line keeps the comment of the next; an arg edited in place keeps its own', () => {
    const text = withEnv('                  - {name: X, value: "1"}\n').replace('                image: busybox\n', '                image: busybox\n                args:\n                  - --first # goes\n                  - --port=80 # the port\n                  - --tail # last one\n');
    const args = ENV.slice(0, -1).concat('args');
    const removed = ok(setField(text, args, ['--port=80', '--tail']));
    expect(removed).toContain('- --port=80 # the port');
    expect(removed).toContain('- --tail # last one');
    expect(removed).not.toContain('# goes');
    const edited = ok(setField(text, args, ['--first', '--port=8080', '--tail']));
    expect(edited).toContain('- --port=8080 # the port');
    expect(edited).toContain('- --first # goes');
  });

  test('property: after removing, inserting, reordering or changing values, every surviving item keeps exactly its own comment', () => {
    const names = fc.uniqueArray(fc.constantFrom<string>('A', 'B', 'C', 'D', 'E', 'F', 'G'), { minLength: 1, maxLength: 6 });
    const scenario = names.chain((old) =>
      fc.record({
        old: fc.constant(old),
        // The new list: some old names (any order) and some new ones, each with a value changed or not.
        next: fc.shuffledSubarray([...old, 'N1', 'N2', 'N3']).chain((picked) => fc.shuffledSubarray(picked, { minLength: picked.length })),
        changed: fc.uniqueArray(fc.constantFrom(...old), { maxLength: old.length }),
      }),
    );
    fc.assert(
      fc.property(scenario, ({ old, next, changed }) => {
        const text = withEnv(old.map((n) => `                  - name: ${n} # about ${n}\n                    value: "${n}-v"\n`).join(''));
        const wanted = next.map((n) => ({ name: n, value: changed.includes(n) ? `${n}-changed` : `${n}-v` }));
        const edited = ok(setField(text, ENV, wanted));
        expect(envOf(edited)).toEqual(wanted);
        const lines = [...edited.matchAll(/^ {18}- name: (\w+)(?: # (.*))?$/gm)].map((m) => [m[1], m[2]]);
        expect(lines).toEqual(next.map((n) => [n, old.includes(n) ? `about ${n}` : undefined]));
        for (const n of old) if (!next.includes(n)) expect(edited).not.toContain(`# about ${n}`);
      }),
      { numRuns: 200 },
    );
  });
});

test('an alias, merge or key that cannot be read is refused with the message and line:column the Validate page and canopy validate give it', () => {
  const pcs = (spec: string) => `apiVersion: grove.io/v1alpha1\nkind: PodCliqueSet\nmetadata:\n  name: x\nspec:\n${spec}`;
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`)].join('\n');
  const texts = [pcs('  replicas: *nope\n'), pcs('  template: &t {cliques: [*t]}\n'), pcs('  replicas: &r 1\n  template: {<<: *r}\n'), pcs('  template:\n    ? [a]\n    : 1\n'), `${bomb}\n`];
  for (const text of texts) {
    const { document: _document, ...validated } = parseManifests(text).errors[0]!;
    expect(readBuilderText(text), text).toEqual({ ok: false, ...validated });
  }
  // At the alias itself, not where the document starts (1:1).
  expect(readBuilderText(texts[0]!)).toEqual({ ok: false, message: 'Unresolved alias (the anchor must be set before the alias): nope', line: 6, column: 13 });
});

test('an alias bomb in the text is refused with where it is, not thrown (the builder page reads every text typed)', () => {
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`)].join('\n');
  const read = readBuilderText(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n${bomb}\n`);
  expect(read).toMatchObject({ ok: false, line: 5, column: 1 });
  expect(read.ok ? '' : read.message).toMatch(/alias/i);
});

