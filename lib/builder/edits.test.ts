import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { checkManifestText } from '../grove/check';
import { readBuilderText } from './document';
import { addClique, addContainer, addGroup, addStartsAfter, copyCliques, copySelection, deleteSelection, deletionConsequences, moveIntoGroup, pasteCliques, pasteClipboard, removeStartsAfter, renameClique, renameGroup, setField, type EditResult, type PasteResult } from './edits';
import { cycleThrough, edgesOnceExplicit, graphFromObject } from './graph';
import { stackText } from './templates';

function ok(r: EditResult): string {
  if (!r.ok) throw new Error(r.message);
  return r.text;
}
function graphOf(text: string) {
  const r = readBuilderText(text);
  if (!r.ok) throw new Error(r.message);
  return graphFromObject(r.object);
}

const COMMENTED = `# keep me: file header
apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata:
  name: demo # the stack
  namespace: default
  labels:
    team: x
spec:
  replicas: 1
  template:
    cliqueStartupType: CliqueStartupTypeAnyOrder
    someFutureField: {kept: true} # unknown to Canopy
    cliques:
      # the front door
      - name: frontend
        spec:
          roleName: frontend
          replicas: 2
          podSpec:
            containers: [{name: app, image: busybox}]
      - name: worker
        spec:
          roleName: worker
          replicas: 3
          podSpec:
            containers: [{name: app, image: busybox}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: other} # another document
`;

/** Router in front of a scaling group of prefill + decode (flow member list, group settings, a sharing filter). */
const WORKERS_STACK = `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata: {name: ux}
spec:
  replicas: 1
  template:
    cliqueStartupType: CliqueStartupTypeExplicit
    topologyConstraint: {topologyName: demo, pack: {required: zone}}
    cliques:
      - name: router
        spec: {roleName: router, replicas: 1, startsAfter: [prefill, decode], podSpec: {containers: [{name: app, image: busybox}]}}
      - name: prefill
        topologyConstraint: {pack: {required: host}}
        spec: {roleName: prefill, replicas: 2, minAvailable: 1, podSpec: {containers: [{name: app, image: busybox}]}}
      - name: decode
        spec: {roleName: decode, replicas: 3, minAvailable: 2, startsAfter: [prefill], podSpec: {containers: [{name: app, image: busybox}]}}
    podCliqueScalingGroups:
      - name: workers
        cliqueNames: [prefill, decode]
        replicas: 2
        minAvailable: 1
        topologyConstraint: {pack: {required: rack}}
        resourceSharing:
          - {name: kv, scope: PerReplica, filter: {childCliqueNames: [prefill]}}
`;

function pasted(r: PasteResult) {
  if (!r.ok) throw new Error(r.message);
  return r;
}

describe('graph edits on the YAML document', () => {
  test('graph of a PodCliqueSet: cliques, groups, edges', () => {
    const g = graphOf(stackText('multi-node-disaggregated-frontend', 'vllm'));
    expect(g.cliques.map((c) => c.name)).toEqual(['frontend', 'pleader', 'pworker', 'dleader', 'dworker']);
    expect(g.groups.map((x) => [x.name, x.cliqueNames])).toEqual([['prefill', ['pleader', 'pworker']], ['decode', ['dleader', 'dworker']]]);
    expect(g.edges).toEqual([{ from: 'pleader', to: 'frontend', fromRef: 'pleader', toRef: 'frontend', kind: 'explicit' }, { from: 'dleader', to: 'frontend', fromRef: 'dleader', toRef: 'frontend', kind: 'explicit' }]);
    expect(g.cliques.find((c) => c.name === 'pworker')!.group).toBe('prefill');
  });

  test('addClique appends a uniquely named clique and keeps comments, unknown fields and other documents', () => {
    let text = ok(addClique(COMMENTED, { kind: 'generic' }));
    text = ok(addClique(text, { kind: 'generic' }));
    expect(graphOf(text).cliques.map((c) => c.name)).toEqual(['frontend', 'worker', 'clique', 'clique-2']);
    for (const kept of ['# keep me: file header', '# the stack', '# unknown to Canopy', '# the front door', 'someFutureField', '# another document', 'kind: ConfigMap']) {
      expect(text).toContain(kept);
    }
  });

  test('addClique into a scaling group that does not exist refuses and adds nothing', () => {
    const r = addClique(COMMENTED, { kind: 'generic', group: 'nope' });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/no scaling group "nope"/);
    const text = ok(addGroup(COMMENTED, 'inst'));
    const added = ok(addClique(text, { kind: 'generic', group: 'inst' }));
    expect(graphOf(added).groups[0]!.cliqueNames).toEqual(['clique']);
  });

  test('cliques added to a blank stack (cliques: []) are written block style', () => {
    let text = ok(addClique(stackText('blank', 'vllm'), { kind: 'prefill-worker' }));
    text = ok(addGroup(text, 'inst'));
    text = ok(moveIntoGroup(text, 'prefill-worker', 'inst'));
    expect(text).toMatch(/cliques:\n\s+- name: prefill-worker\n/);
    expect(text).toMatch(/cliqueNames:\n\s+- prefill-worker\n/);
    expect(text).not.toMatch(/\[ *\{|- \{/);
  });

  test('addStartsAfter switches to Explicit, refuses cycles and self edges', () => {
    const first = addStartsAfter(COMMENTED, 'worker', 'frontend');
    expect(first.ok && first.note).toMatch(/Explicit/);
    const text = ok(first);
    expect(parse(text.split('---')[0]!).spec.template.cliqueStartupType).toBe('CliqueStartupTypeExplicit');
    expect(graphOf(text).edges).toEqual([{ from: 'worker', to: 'frontend', fromRef: 'worker', toRef: 'frontend', kind: 'explicit' }]);
    const cycle = addStartsAfter(text, 'frontend', 'worker');
    expect(cycle.ok).toBe(false);
    expect(!cycle.ok && cycle.message).toMatch(/cycle/);
    expect(addStartsAfter(text, 'worker', 'worker').ok).toBe(false);
    expect(addStartsAfter(text, 'worker', 'frontend').ok).toBe(false); // already there
    const second = addStartsAfter(text, 'frontend', 'nope');
    expect(second.ok).toBe(false);
    const removed = ok(removeStartsAfter(text, 'worker', 'frontend'));
    expect(graphOf(removed).edges).toEqual([]);
    expect(removed).not.toContain('startsAfter');
  });

  test('addStartsAfter on an InOrder stack keeps the implicit order as startsAfter and checks cycles against it', () => {
    const inOrder = COMMENTED.replace('CliqueStartupTypeAnyOrder', 'CliqueStartupTypeInOrder');
    let text = ok(addClique(inOrder, { kind: 'generic', name: 'cache' }));
    // worker already starts after frontend (implicitly), and cache after worker.
    expect(addStartsAfter(text, 'frontend', 'worker').ok).toBe(false);
    const cycle = addStartsAfter(text, 'cache', 'frontend');
    expect(!cycle.ok && cycle.message).toMatch(/cycle/);
    const r = addStartsAfter(text, 'frontend', 'cache');
    expect(r.ok && r.note).toMatch(/in-order sequence is kept/);
    text = ok(r);
    expect(parse(text.split('---')[0]!).spec.template.cliqueStartupType).toBe('CliqueStartupTypeExplicit');
    expect(graphOf(text).edges).toEqual([
      { from: 'frontend', to: 'worker', fromRef: 'frontend', toRef: 'worker', kind: 'explicit' },
      { from: 'worker', to: 'cache', fromRef: 'worker', toRef: 'cache', kind: 'explicit' },
      { from: 'frontend', to: 'cache', fromRef: 'frontend', toRef: 'cache', kind: 'explicit' },
    ]);
    expect(text).toContain('# the front door');
  });

  test('a clique counts GPUs per pod as the scheduler does (requests, limits for the rest, sidecars)', () => {
    const podSpec = {
      containers: [
        { name: 'a', resources: { limits: { 'nvidia.com/gpu': '2' } } },
        { name: 'b', resources: { requests: { 'nvidia.com/gpu': 1 }, limits: { 'nvidia.com/gpu': 1 } } },
      ],
      initContainers: [{ name: 'side', restartPolicy: 'Always', resources: { requests: { 'nvidia.com/gpu': 1 } } }],
    };
    const pcs = { kind: 'PodCliqueSet', spec: { template: { cliques: [{ name: 'w', spec: { roleName: 'w', podSpec } }, { name: 'half', spec: { podSpec: { containers: 'no' } } }] } } };
    expect(graphFromObject(pcs).cliques.map((c) => c.gpus)).toEqual([4, 0]);
  });

  test('cycleThrough finds transitive cycles', () => {
    const edges = [{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }];
    expect(cycleThrough(edges, 'c', 'a')).toEqual(['c', 'b', 'a']);
    expect(cycleThrough(edges, 'a', 'c')).toBeNull();
  });

  test('moveIntoGroup moves between groups and out', () => {
    let text = ok(addGroup(COMMENTED, 'inst'));
    text = ok(moveIntoGroup(text, 'worker', 'inst'));
    expect(graphOf(text).groups[0]!.cliqueNames).toEqual(['worker']);
    text = ok(addGroup(text, 'other'));
    text = ok(moveIntoGroup(text, 'worker', 'other'));
    expect(graphOf(text).groups.map((g) => g.cliqueNames)).toEqual([[], ['worker']]);
    text = ok(moveIntoGroup(text, 'worker', null));
    expect(graphOf(text).cliques.every((c) => c.group === null)).toBe(true);
  });

  test('moving into and out of a group keeps the member list as written: flow stays flow, block stays block', () => {
    const groups = (lists: string) => `${COMMENTED.split('---')[0]}    podCliqueScalingGroups:\n${lists}`;
    const flow = groups('      - name: inst\n        cliqueNames: [worker] # members\n        replicas: 1\n');
    let text = ok(moveIntoGroup(flow, 'frontend', 'inst'));
    expect(text).toContain('cliqueNames: [worker, frontend] # members');
    text = ok(moveIntoGroup(text, 'worker', null));
    expect(text).toContain('cliqueNames: [frontend] # members');
    const block = groups('      - name: inst\n        cliqueNames:\n          - worker\n        replicas: 1\n');
    expect(ok(moveIntoGroup(block, 'frontend', 'inst'))).toContain('cliqueNames:\n          - worker\n          - frontend\n');
    // An empty list (`[]`, as addGroup writes it) gets its first member block style.
    expect(ok(moveIntoGroup(ok(addGroup(COMMENTED, 'g')), 'worker', 'g'))).toMatch(/cliqueNames:\n\s+- worker\n/);
  });

  test("renaming an SGLang leader rewrites the address its group's pods name in args (--dist-init-addr), and says where", () => {
    const text = stackText('multi-node-disaggregated-frontend', 'sglang');
    const r = renameClique(text, 'pleader', 'lead');
    if (!r.ok) throw new Error(r.message);
    expect(r.note).toBe("pleader renamed to lead; its pods' addresses updated in lead's args, pworker's args");
    const addr = (name: string) => {
      const args: string[] = (parse(r.text) as { spec: { template: { cliques: { name: string; spec: { podSpec: { containers: { args: string[] }[] } } }[] } } }).spec.template.cliques.find((c) => c.name === name)!.spec.podSpec.containers[0]!.args;
      return args[args.indexOf('--dist-init-addr') + 1];
    };
    expect(addr('lead')).toBe('$(GROVE_PCSG_NAME)-$(GROVE_PCSG_INDEX)-lead-0.$(GROVE_HEADLESS_SERVICE):5000');
    expect(addr('pworker')).toBe('$(GROVE_PCSG_NAME)-$(GROVE_PCSG_INDEX)-lead-0.$(GROVE_HEADLESS_SERVICE):5000');
    // The other group's address names its own leader: unchanged.
    expect(addr('dworker')).toBe('$(GROVE_PCSG_NAME)-$(GROVE_PCSG_INDEX)-dleader-0.$(GROVE_HEADLESS_SERVICE):5000');
  });

  test('renameClique keeps references; rename refuses taken and invalid names', () => {
    let text = ok(addGroup(COMMENTED, 'inst'));
    text = ok(moveIntoGroup(text, 'worker', 'inst'));
    text = ok(addStartsAfter(text, 'worker', 'frontend'));
    text = ok(renameClique(text, 'worker', 'decode'));
    const g = graphOf(text);
    expect(g.groups[0]!.cliqueNames).toEqual(['decode']);
    expect(g.edges).toEqual([{ from: 'decode', to: 'frontend', fromRef: 'decode', toRef: 'frontend', kind: 'explicit' }]);
    expect(renameClique(text, 'decode', 'frontend').ok).toBe(false);
    expect(renameClique(text, 'decode', 'Bad_Name').ok).toBe(false);
    const long = renameClique(text, 'decode', 'a'.repeat(64));
    expect(!long.ok && long.message).toMatch(/63 characters/);
    expect(renameClique(text, 'decode', 'a'.repeat(63)).ok).toBe(true);
    text = ok(renameGroup(text, 'inst', 'dec'));
    expect(graphOf(text).cliques.find((c) => c.name === 'decode')!.group).toBe('dec');
  });

  test('delete takes references with it and says so first', () => {
    let text = ok(addGroup(COMMENTED, 'inst'));
    text = ok(moveIntoGroup(text, 'worker', 'inst'));
    text = ok(addStartsAfter(text, 'worker', 'frontend'));
    const before = graphOf(text);
    expect(deletionConsequences(before, { cliques: [], groups: ['inst'] })).toEqual(['scaling group inst', 'clique worker', 'startup edge: frontend starts after worker']);
    const after = ok(deleteSelection(text, { cliques: [], groups: ['inst'] }));
    const g = graphOf(after);
    expect(g.cliques.map((c) => c.name)).toEqual(['frontend']);
    expect(g.groups).toEqual([]);
    expect(g.edges).toEqual([]);
    expect(after).toContain('# the front door');
    // The fixture's someFutureField (kept to show edits keep what Canopy does not know) is its one error: apply refuses unknown fields.
    expect(checkManifestText(after).documents[0]!.findings.filter((f) => f.severity === 'error').map((f) => f.rule)).toEqual(['schema.unknownField']);
  });

  test('delete takes deleted cliques and groups out of resourceSharing filters', () => {
    let text = ok(addClique(COMMENTED, { kind: 'generic', name: 'cache' }));
    text = ok(addGroup(text, 'inst'));
    text = ok(moveIntoGroup(text, 'worker', 'inst'));
    text = ok(moveIntoGroup(text, 'cache', 'inst'));
    text = ok(addGroup(text, 'spare'));
    text = ok(moveIntoGroup(text, 'frontend', 'spare'));
    text = ok(setField(text, ['spec', 'template', 'resourceSharing'], [{ name: 'shared', scope: 'AllReplicas', filter: { childCliqueNames: ['frontend', 'worker'], childScalingGroupNames: ['inst', 'spare'] } }]));
    text = ok(setField(text, ['spec', 'template', 'podCliqueScalingGroups', 0, 'resourceSharing'], [{ name: 'per', scope: 'PerReplica', filter: { childCliqueNames: ['worker', 'cache'] } }]));
    const after = ok(deleteSelection(text, { cliques: ['worker'], groups: ['spare'] }));
    const t = parse(after.split('---')[0]!).spec.template;
    expect(t.resourceSharing[0].filter).toEqual({ childScalingGroupNames: ['inst'] });
    expect(t.podCliqueScalingGroups[0].resourceSharing[0].filter).toEqual({ childCliqueNames: ['cache'] });
    const messages = checkManifestText(after).documents[0]!.findings.map((f) => f.message);
    expect(messages.filter((m) => /unknown clique|unknown scaling group|not a member/.test(m))).toEqual([]);
  });

  test('copy and paste renames the copies and keeps edges among them', () => {
    let text = ok(addStartsAfter(COMMENTED, 'worker', 'frontend'));
    const copied = copyCliques(text, ['frontend', 'worker']);
    text = ok(pasteCliques(text, copied));
    const g = graphOf(text);
    expect(g.cliques.map((c) => c.name)).toEqual(['frontend', 'worker', 'frontend-2', 'worker-2']);
    expect(g.edges).toContainEqual({ from: 'worker-2', to: 'frontend-2', fromRef: 'worker-2', toRef: 'frontend-2', kind: 'explicit' });
    expect(new Set(g.cliques.map((c) => c.roleName)).size).toBe(4);
  });

  test('copying a selected scaling group pastes a new group holding copies of its members, with its settings', () => {
    const text = `${WORKERS_STACK}`;
    const clip = copySelection(text, { cliques: [], groups: ['workers'] });
    expect(clip.groups).toHaveLength(1);
    // Only the members: the router is no member, even though it starts after them.
    expect(clip.cliques.map((c) => (c as { name: string }).name)).toEqual(['prefill', 'decode']);
    const r = pasted(pasteClipboard(text, clip));
    expect(r.groups).toEqual([{ name: 'workers-2', from: 'workers' }]);
    expect(r.cliques).toEqual([{ name: 'prefill-2', from: 'prefill' }, { name: 'decode-2', from: 'decode' }]);
    const t = parse(r.text).spec.template;
    expect(t.podCliqueScalingGroups).toHaveLength(2);
    expect(t.podCliqueScalingGroups[0]).toEqual(parse(text).spec.template.podCliqueScalingGroups[0]);
    expect(t.podCliqueScalingGroups[1]).toEqual({
      name: 'workers-2',
      cliqueNames: ['prefill-2', 'decode-2'],
      replicas: 2,
      minAvailable: 1,
      topologyConstraint: { pack: { required: 'rack' } },
      resourceSharing: [{ name: 'kv', scope: 'PerReplica', filter: { childCliqueNames: ['prefill-2'] } }],
    });
    const g = graphOf(r.text);
    expect(g.cliques.map((c) => [c.name, c.group])).toEqual([['router', null], ['prefill', 'workers'], ['decode', 'workers'], ['prefill-2', 'workers-2'], ['decode-2', 'workers-2']]);
    // startsAfter between two copied cliques is remapped to the copies; the clique settings come along.
    expect(g.cliques.find((c) => c.name === 'decode-2')).toMatchObject({ startsAfter: ['prefill-2'], replicas: 3, minAvailable: 2, roleName: 'decode-2' });
    expect(t.cliques[3].topologyConstraint).toEqual({ pack: { required: 'host' } });
    // The copy lists its members in the style of the original's list.
    expect(r.text).toContain('cliqueNames: [prefill-2, decode-2]');
    // The file is still valid (unique names and roleNames, members exist, sharing filter names members).
    expect(checkManifestText(r.text).documents[0]!.findings.filter((f) => f.severity === 'error')).toEqual([]);
    // Pasting again gives the next free names; a clique selected with its group is copied once.
    const twice = pasted(pasteClipboard(r.text, copySelection(r.text, { cliques: ['decode'], groups: ['workers'] })));
    expect(twice.groups).toEqual([{ name: 'workers-3', from: 'workers' }]);
    expect(parse(twice.text).spec.template.podCliqueScalingGroups[2].cliqueNames).toEqual(['prefill-3', 'decode-3']);
    expect(graphOf(twice.text).cliques).toHaveLength(7);
  });

  test('a pasted group gets a name unique among cliques and groups alike', () => {
    const text = ok(addClique(WORKERS_STACK, { kind: 'generic', name: 'workers-2' }));
    const r = pasted(pasteClipboard(text, copySelection(text, { cliques: [], groups: ['workers'] })));
    expect(r.groups[0]!.name).toBe('workers-3');
  });

  test('setField sets and deletes, keeping neighbours', () => {
    let text = ok(setField(COMMENTED, ['spec', 'template', 'cliques', 1, 'spec', 'replicas'], 5));
    expect(graphOf(text).cliques[1]!.replicas).toBe(5);
    text = ok(setField(text, ['spec', 'template', 'priorityClassName'], 'high'));
    expect(text).toContain('priorityClassName: high');
    text = ok(setField(text, ['spec', 'template', 'priorityClassName'], ''));
    expect(text).not.toContain('priorityClassName');
    expect(text).toContain('# unknown to Canopy');
  });

  test('edits refuse broken YAML with a position and leave it alone', () => {
    const r = addClique('kind: PodCliqueSet\nspec: [unclosed', { kind: 'generic' });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/line \d+:\d+/);
  });

  test('a syntax error in any document is refused at its line:column (the shared YAML read)', () => {
    const r = readBuilderText('kind: PodCliqueSet\nmetadata: {name: a}\n---\nkind: ConfigMap\nkind: Secret\n');
    expect(r).toMatchObject({ ok: false, line: 5, column: 1 });
  });
});

const STACK_HEAD = `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata: {name: demo, namespace: default}
spec:
  replicas: 1
  template:
`;
const clique = (name: string, extra = '') => `      - name: ${name}\n        spec: {roleName: ${name}, replicas: 1${extra}, podSpec: {containers: [{name: app, image: busybox}]}}\n`;
const stack = (template: string, ...cliques: string[]) => `${STACK_HEAD}${template}    cliques:\n${cliques.join('')}`;
const errorsOf = (text: string) => checkManifestText(text).documents[0]!.findings.filter((f) => f.severity === 'error').map((f) => `${f.rule} ${f.path}`);

describe('startup edges as Grove treats them', () => {
  test('InOrder: the sequence is drawn as implied edges; startsAfter entries it ignores are drawn as ignored, once', () => {
    const text = stack('    cliqueStartupType: CliqueStartupTypeInOrder\n', clique('a', ', startsAfter: [c]'), clique('b', ', startsAfter: [a]'), clique('c', ', startsAfter: [a]'));
    expect(graphOf(text).edges).toEqual([
      { from: 'a', to: 'b', fromRef: 'a', toRef: 'b', kind: 'implied' },
      { from: 'b', to: 'c', fromRef: 'b', toRef: 'c', kind: 'implied' },
      { from: 'c', to: 'a', fromRef: 'c', toRef: 'a', kind: 'ignored' },
      { from: 'a', to: 'c', fromRef: 'a', toRef: 'c', kind: 'ignored' },
    ]);
  });

  test('AnyOrder (also when unset): every startsAfter entry is ignored; Explicit: honoured', () => {
    const entries = [clique('a'), clique('b', ', startsAfter: [a]')];
    expect(graphOf(stack('', ...entries)).edges).toEqual([{ from: 'a', to: 'b', fromRef: 'a', toRef: 'b', kind: 'ignored' }]);
    expect(graphOf(stack('    cliqueStartupType: CliqueStartupTypeExplicit\n', ...entries)).edges).toEqual([{ from: 'a', to: 'b', fromRef: 'a', toRef: 'b', kind: 'explicit' }]);
  });

  test('an implied edge cannot be removed (no startsAfter behind it), and the refusal says what sets it', () => {
    const text = stack('    cliqueStartupType: CliqueStartupTypeInOrder\n', clique('a'), clique('b'));
    const r = removeStartsAfter(text, 'a', 'b');
    expect(!r.ok && r.message).toMatch(/CliqueStartupTypeInOrder follows the order of spec\.template\.cliques/);
    expect(deletionConsequences(graphOf(text), { cliques: ['a'], groups: [] })).toEqual(['clique a']);
    const missing = removeStartsAfter(stack('', clique('a'), clique('b')), 'a', 'b');
    expect(!missing.ok && missing.message).toBe('spec.template.cliques[1].spec.startsAfter does not name a');
  });

  test('InOrder to Explicit: the sequence becomes startsAfter, the ignored entries go, so no cycle is written', () => {
    const text = stack('    cliqueStartupType: CliqueStartupTypeInOrder\n', clique('a', ', startsAfter: [c]'), clique('b'), clique('c'));
    expect(edgesOnceExplicit(graphOf(text))).toEqual([{ from: 'a', to: 'b', fromRef: 'a', toRef: 'b' }, { from: 'b', to: 'c', fromRef: 'b', toRef: 'c' }]);
    const after = ok(addStartsAfter(text, 'a', 'c'));
    expect(graphOf(after).cliques.map((c) => [c.name, c.startsAfter])).toEqual([['a', []], ['b', ['a']], ['c', ['b', 'a']]]);
    expect(errorsOf(after)).toEqual([]);
  });

  test('AnyOrder to Explicit: refused when the startsAfter entries already written form a cycle the switch would honour', () => {
    const text = stack('', clique('a', ', startsAfter: [b]'), clique('b', ', startsAfter: [a]'), clique('c'));
    const r = addStartsAfter(text, 'c', 'a');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/already written, and they form a cycle — (a starts after b starts after a|b starts after a starts after b)/);
    const self = addStartsAfter(stack('', clique('a', ', startsAfter: [a]'), clique('b')), 'a', 'b');
    expect(!self.ok && self.message).toMatch(/cycle — a starts after a/);
  });
});

describe('deleting what a resourceSharing filter names', () => {
  const SHARING = `    resourceClaimTemplates:
      - name: gpus
        templateSpec: {spec: {devices: {requests: [{name: g, exactly: {deviceClassName: gpu.nvidia.com}}]}}}
    resourceSharing:
      - name: gpus
        scope: PerReplica
        filter: {childCliqueNames: [a]}
      - name: both
        scope: AllReplicas
        filter: {childCliqueNames: [a, b]}
`;

  test('an entry left naming no child is said first and removed; the others lose only the deleted name', () => {
    const text = stack(SHARING, clique('a'), clique('b'));
    const consequences = deletionConsequences(graphOf(text), { cliques: ['a'], groups: [] });
    expect(consequences).toContain('resourceSharing gpus loses its last child and is removed (an empty filter is invalid)');
    expect(consequences.filter((c) => c.includes('both'))).toEqual([]);
    const after = ok(deleteSelection(text, { cliques: ['a'], groups: [] }));
    expect(parse(after).spec.template.resourceSharing).toEqual([{ name: 'both', scope: 'AllReplicas', filter: { childCliqueNames: ['b'] } }]);
    expect(errorsOf(after)).toEqual([]);
    const none = ok(deleteSelection(after, { cliques: ['b'], groups: [] }));
    expect(parse(none).spec.template.resourceSharing).toBeUndefined();
  });

  test('a scaling group entry that loses its last child goes too, unless the group itself is deleted', () => {
    const text = stack('', clique('a'), clique('b'), clique('c')) + '    podCliqueScalingGroups:\n      - name: g\n        cliqueNames: [a, b]\n        resourceSharing:\n          - {name: only-a, scope: PerReplica, filter: {childCliqueNames: [a]}}\n';
    expect(deletionConsequences(graphOf(text), { cliques: ['a'], groups: [] })).toContain('resourceSharing only-a of scaling group g loses its last child and is removed (an empty filter is invalid)');
    expect(deletionConsequences(graphOf(text), { cliques: [], groups: ['g'] }).filter((c) => c.includes('resourceSharing'))).toEqual([]);
    const after = ok(deleteSelection(text, { cliques: ['a'], groups: [] }));
    expect(parse(after).spec.template.podCliqueScalingGroups).toEqual([{ name: 'g', cliqueNames: ['b'] }]);
  });
});

/** A KAI stack: every clique on kai-scheduler, the queue on the PodCliqueSet. */
const KAI_STACK = `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata:
  name: kai
  labels: {kai.scheduler/queue: inference}
spec:
  replicas: 1
  template:
    cliques:
      - name: frontend
        spec:
          roleName: frontend
          replicas: 1
          podSpec:
            schedulerName: kai-scheduler
            containers: [{name: app, image: busybox}]
      - name: worker
        spec:
          roleName: worker
          replicas: 2
          podSpec:
            schedulerName: kai-scheduler
            containers: [{name: app, image: busybox}]
`;

describe('a clique added from the palette joins the stack as it is', () => {
  const rules = (text: string) => checkManifestText(text).documents.flatMap((d) => d.findings.map((f) => f.rule));

  test('it takes the scheduler every clique uses, so the stack keeps one scheduler; the queue stays where it was', () => {
    const text = ok(addClique(KAI_STACK, { kind: 'decode-worker' }));
    const added = (parse(text) as any).spec.template.cliques[2];
    expect(added.spec.podSpec.schedulerName).toBe('kai-scheduler');
    expect(Object.keys(added.spec.podSpec)[0]).toBe('schedulerName');
    // The queue label is not copied onto the clique: KAI reads the PodCliqueSet's.
    expect(added.labels).toBeUndefined();
    expect(rules(text)).not.toContain('pcs.schedulerMismatch');
    expect(rules(text)).not.toContain('scheduler.kaiQueue');
  });

  test('a stack on the default scheduler, or one whose cliques disagree, gets no schedulerName', () => {
    for (const stack of [COMMENTED, KAI_STACK.replace('schedulerName: kai-scheduler', 'schedulerName: default-scheduler')]) {
      const text = ok(addClique(stack, { kind: 'generic' }));
      const cliques = (parse(text.split('\n---\n')[0]!) as any).spec.template.cliques;
      expect(cliques.at(-1).spec.podSpec.schedulerName).toBeUndefined();
    }
  });
});

/** Cliques in commented sections; a flow limits map with a line comment. */
const SECTIONS = `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata: {name: sections}
spec:
  replicas: 1
  template:
    cliqueStartupType: CliqueStartupTypeExplicit
    cliques:
      # --- router ---
      - name: router
        spec: {roleName: router, replicas: 1, podSpec: {containers: [{name: app, image: busybox}]}}
      - name: router2
        spec: {roleName: router2, replicas: 1, podSpec: {containers: [{name: app, image: busybox}]}}
      # --- prefill: leader + workers ---
      - name: pleader
        spec:
          roleName: pleader
          replicas: 1
          podSpec:
            containers:
              - name: main
                image: vllm
                env:
                  - name: LEADER_ADDR
                    value: "$(GROVE_PCSG_NAME)-$(GROVE_PCSG_INDEX)-pleader-0.$(GROVE_HEADLESS_SERVICE)"
                resources:
                  limits: {nvidia.com/gpu: 4} # 4 GPUs per pod
      - name: pworker
        spec:
          roleName: pworker
          replicas: 2
          startsAfter: [pleader] # workers join the leader
          podSpec:
            containers:
              - name: main
                image: vllm
                env:
                  - {name: LEADER_ADDR, value: "$(GROVE_PCSG_NAME)-$(GROVE_PCSG_INDEX)-pleader-0.$(GROVE_HEADLESS_SERVICE)"}
                  - {name: LEADER_HOST, value: pleader-0}
      # --- decode ---
      - name: decode
        spec: {roleName: decode, replicas: 1, podSpec: {containers: [{name: app, image: busybox}]}}
    podCliqueScalingGroups:
      - name: prefill
        cliqueNames: [pleader, pworker]
        replicas: 1
`;

/** The lines of `after` that are not in `before` and the reverse (as sets: enough for these edits). */
function lineChanges(before: string, after: string): { added: string[]; removed: string[] } {
  const a = before.split('\n');
  const b = after.split('\n');
  return { added: b.filter((l) => !a.includes(l)), removed: a.filter((l) => !b.includes(l)) };
}

describe('deleting the first clique of a commented section', () => {
  test('the section heading moves to the clique that now starts the section', () => {
    const text = ok(deleteSelection(SECTIONS, { cliques: ['pleader'], groups: [] }));
    // The comment inside pleader stays where pleader was, under the heading (document.test: deleteListItems).
    expect(text).toContain('      # --- prefill: leader + workers ---\n      # 4 GPUs per pod\n      - name: pworker\n');
    const router = ok(deleteSelection(SECTIONS, { cliques: ['router'], groups: [] }));
    expect(router).toContain('    cliques:\n      # --- router ---\n      - name: router2\n');
  });

  test('a section deleted whole takes its heading with it; the next section keeps its own', () => {
    const text = ok(deleteSelection(SECTIONS, { cliques: ['pleader', 'pworker'], groups: [] }));
    expect(text).not.toContain('# --- prefill');
    expect(text).toContain('      # --- decode ---\n      - name: decode\n');
    expect(text.match(/# ---/g)).toHaveLength(2);
    const both = ok(deleteSelection(SECTIONS, { cliques: ['router', 'router2'], groups: [] }));
    expect(both).toContain('    cliques:\n      # --- prefill: leader + workers ---\n      - name: pleader\n');
    expect(both.match(/# ---/g)).toHaveLength(2);
  });
});

describe('copies and renames keep what the YAML says', () => {
  test('a pasted copy keeps flow maps and comments of the original, not its section heading', () => {
    const clip = copySelection(SECTIONS, { cliques: ['pleader', 'pworker'], groups: [] });
    const text = pasted(pasteClipboard(SECTIONS, clip)).text;
    expect(text.match(/limits: \{nvidia\.com\/gpu: 4\} # 4 GPUs per pod/g)).toHaveLength(2);
    expect(text).toContain('startsAfter: [pleader-2] # workers join the leader');
    expect(text.match(/- \{name: LEADER_ADDR, value: /g)).toHaveLength(2);
    expect(text.match(/# --- prefill/g)).toHaveLength(1);
    // Only lines were added.
    expect(lineChanges(SECTIONS, text).removed).toEqual([]);
  });

  test('a copy addresses the copies of the cliques copied with it; other values stay', () => {
    const r = pasted(pasteClipboard(SECTIONS, copySelection(SECTIONS, { cliques: ['pleader', 'pworker'], groups: [] })));
    const copies = (parse(r.text) as any).spec.template.cliques.slice(-2);
    const env = (c: any) => Object.fromEntries(c.spec.podSpec.containers[0].env.map((e: any) => [e.name, e.value]));
    expect(env(copies[0]).LEADER_ADDR).toBe('$(GROVE_PCSG_NAME)-$(GROVE_PCSG_INDEX)-pleader-2-0.$(GROVE_HEADLESS_SERVICE)');
    expect(env(copies[1])).toEqual({ LEADER_ADDR: '$(GROVE_PCSG_NAME)-$(GROVE_PCSG_INDEX)-pleader-2-0.$(GROVE_HEADLESS_SERVICE)', LEADER_HOST: 'pleader-0' });
    expect(r.note).toBe('pleader-2, pworker-2');
    expect(r.readdressed).toEqual(["pleader-2's LEADER_ADDR", "pworker-2's LEADER_ADDR"]);
    // A copy of pworker alone still addresses the leader that stays.
    const alone = pasted(pasteClipboard(SECTIONS, copySelection(SECTIONS, { cliques: ['pworker'], groups: [] })));
    expect(env((parse(alone.text) as any).spec.template.cliques.at(-1)).LEADER_ADDR).toContain('-pleader-0.');
  });

  test("a copied scaling group's written-out hostnames name the copy of the group; a loose copy's, no group", () => {
    const fqdn = (host: string) => `${host}.sections-0.default.svc.cluster.local`;
    const text = SECTIONS.replace('value: pleader-0}', `value: "${fqdn('sections-0-prefill-0-pleader-0')} ${fqdn('other-0-prefill-0-pleader-0')}"}`);
    const hostOf = (r: PasteResult & { ok: true }) => (parse(r.text) as any).spec.template.cliques.at(-1).spec.podSpec.containers[0].env[1].value;
    const group = pasted(pasteClipboard(text, copySelection(text, { cliques: [], groups: ['prefill'] })));
    expect(group.groups).toEqual([{ name: 'prefill-2', from: 'prefill' }]);
    // Another stack's pod is no address of these cliques: it stays.
    expect(hostOf(group)).toBe(`${fqdn('sections-0-prefill-2-0-pleader-2-0')} ${fqdn('other-0-prefill-0-pleader-0')}`);
    expect(group.readdressed).toEqual(["pleader-2's LEADER_ADDR", "pworker-2's LEADER_ADDR", "pworker-2's LEADER_HOST"]);
    // The copied cliques without their group are standalone: their pods are `<pcs>-<i>-<clique>-<k>`.
    const loose = pasted(pasteClipboard(text, copySelection(text, { cliques: ['pleader', 'pworker'], groups: [] })));
    expect(hostOf(loose)).toBe(`${fqdn('sections-0-pleader-2-0')} ${fqdn('other-0-prefill-0-pleader-0')}`);
    // Pasted where the names are free, nothing is renamed, and nothing is said to be.
    const clip = copySelection(text, { cliques: [], groups: ['prefill'] });
    const back = pasted(pasteClipboard(ok(deleteSelection(text, { cliques: [], groups: ['prefill'] })), clip));
    expect(back.groups).toEqual([{ name: 'prefill', from: 'prefill' }]);
    expect(hostOf(back)).toBe(`${fqdn('sections-0-prefill-0-pleader-0')} ${fqdn('other-0-prefill-0-pleader-0')}`);
    expect(back.readdressed).toEqual([]);
  });

  test("renaming a scaling group renames the group part of its pods' written-out hostnames, and says where", () => {
    const host = 'sections-0-prefill-1-pleader-0.sections-0.default.svc.cluster.local';
    const text = SECTIONS.replace('value: pleader-0}', `value: "${host} sections-0-decode-0"}`);
    const r = renameGroup(text, 'prefill', 'pf');
    if (!r.ok) throw new Error(r.message);
    expect(lineChanges(text, r.text).added).toEqual([`                  - {name: LEADER_HOST, value: "sections-0-pf-1-pleader-0.sections-0.default.svc.cluster.local sections-0-decode-0"}`, '      - name: pf']);
    expect(r.note).toBe("prefill renamed to pf; its pods' addresses updated in pworker's LEADER_HOST");
    // Nothing written out through the group: nothing said.
    expect((renameGroup(SECTIONS, 'prefill', 'pf') as { note?: string }).note).toBeUndefined();
  });

  test('a rename updates the pod addresses in env values of the stack and says so; nothing else that looks alike', () => {
    const r = renameClique(SECTIONS, 'pleader', 'pfl');
    if (!r.ok) throw new Error(r.message);
    expect(lineChanges(SECTIONS, r.text).added).toEqual([
      '      - name: pfl',
      '                    value: "$(GROVE_PCSG_NAME)-$(GROVE_PCSG_INDEX)-pfl-0.$(GROVE_HEADLESS_SERVICE)"',
      '          startsAfter: [pfl] # workers join the leader',
      '                  - {name: LEADER_ADDR, value: "$(GROVE_PCSG_NAME)-$(GROVE_PCSG_INDEX)-pfl-0.$(GROVE_HEADLESS_SERVICE)"}',
      '        cliqueNames: [pfl, pworker]',
    ]);
    expect(r.note).toBe("pleader renamed to pfl; its pods' addresses updated in pfl's LEADER_ADDR, pworker's LEADER_ADDR");
    // The hostname written out is an address too; another clique whose name ends like it is not.
    const written = SECTIONS.replace('value: pleader-0}', 'value: "sections-0-prefill-1-pleader-3.sections-0.default.svc.cluster.local $(A)-x-pleader-0 $(A)-pleader-sidecar-0"}');
    const env = (renameClique(written, 'pleader', 'pfl') as { text: string }).text;
    expect(env).toContain('"sections-0-prefill-1-pfl-3.sections-0.default.svc.cluster.local $(A)-x-pleader-0 $(A)-pleader-sidecar-0"');
  });
});

describe('two cliques of one name (Grove refuses it; the YAML can say it): each is edited as itself, by ref', () => {
  // x; a (index 1); b; a again (index 3), which starts after x.
  const twice = stack('    cliqueStartupType: CliqueStartupTypeExplicit\n', clique('x'), clique('a'), clique('b'), clique('a', ', startsAfter: [x]'));
  const specOf = (text: string, index: number) => parse(text).spec.template.cliques[index];

  test('each has a ref of its own; the edge meets the one whose startsAfter it is; the validator still reports the name', () => {
    const g = graphOf(twice);
    expect(g.cliques.map((c) => c.ref)).toEqual(['x', 'a', 'b', 'a#2']);
    expect(g.edges).toEqual([{ from: 'x', to: 'a', fromRef: 'x', toRef: 'a#2', kind: 'explicit' }]);
    expect(errorsOf(twice)).toContain('schema.listMapKey /spec/template/cliques/3');
  });

  test('renaming one renames it alone; the references name the other, which keeps the name', () => {
    const second = ok(renameClique(twice, 'a#2', 'c'));
    expect(graphOf(second).cliques.map((c) => [c.name, c.startsAfter])).toEqual([['x', []], ['a', []], ['b', []], ['c', ['x']]]);
    const first = ok(renameClique(stack('', clique('x', ', startsAfter: [a]'), clique('a'), clique('a')), 'a', 'c'));
    expect(graphOf(first).cliques.map((c) => [c.name, c.startsAfter])).toEqual([['x', ['a']], ['c', []], ['a', []]]);
    // Renamed to its own name: nothing to do, not "taken".
    expect(renameClique(twice, 'a#2', 'a')).toEqual({ ok: true, text: twice });
  });

  test('startsAfter is added to and removed from the one meant', () => {
    const added = ok(addStartsAfter(twice, 'b', 'a#2'));
    expect(specOf(added, 3).spec.startsAfter).toEqual(['x', 'b']);
    expect(specOf(added, 1).spec.startsAfter).toBeUndefined();
    const onFirst = ok(addStartsAfter(twice, 'x', 'a'));
    expect(specOf(onFirst, 1).spec.startsAfter).toEqual(['x']);
    expect(!addStartsAfter(twice, 'x', 'a#2').ok).toBe(true);
    const removed = ok(removeStartsAfter(twice, 'x', 'a#2'));
    expect(specOf(removed, 3).spec.startsAfter).toBeUndefined();
  });

  test('deleting one deletes it alone, and its edge; the references to the name stay for the other', () => {
    const text = stack('    cliqueStartupType: CliqueStartupTypeExplicit\n', clique('x', ', startsAfter: [a]'), clique('a'), clique('a', ', startsAfter: [x]'));
    expect(deletionConsequences(graphOf(text), { cliques: ['a#2'], groups: [] })).toEqual(['clique a', 'startup edge: a starts after x']);
    const after = ok(deleteSelection(text, { cliques: ['a#2'], groups: [] }));
    expect(graphOf(after).cliques.map((c) => [c.name, c.startsAfter])).toEqual([['x', ['a']], ['a', []]]);
  });

  test('copy, containers and scaling-group moves act on the one meant; a move into a group is refused (groups list names)', () => {
    expect(copySelection(twice, { cliques: ['a#2'], groups: [] }).cliques).toEqual([specOf(twice, 3)]);
    const withSidecar = ok(addContainer(twice, 'a#2', { list: 'containers' }));
    expect(specOf(withSidecar, 3).spec.podSpec.containers.map((c: { name: string }) => c.name)).toEqual(['app', 'sidecar']);
    expect(specOf(withSidecar, 1).spec.podSpec.containers).toHaveLength(1);
    const grouped = ok(addGroup(twice, 'g'));
    const move = moveIntoGroup(grouped, 'a#2', 'g');
    expect(!move.ok && move.message).toMatch(/another clique is named "a" too/);
  });
});
