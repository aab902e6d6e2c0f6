/** Running stacks in the builder: opened as themselves or as a copy, and checked as updates of what runs. */
import { describe, expect, test } from 'vitest';
import { parseManifests } from '../grove/manifest';
import type { KubeObject } from '../grove/meta';
import { addClique, setField } from './edits';
import { checkAgainstRunning, copyOfLiveText, editableOfLive, editHref, liveChangeOf, liveOf, liveStackText, loadedStackOf, parseEditParam, runningTargets, withResourceVersion } from './liveStack';
import { RevisionReads } from './revision';

/** A running PodCliqueSet as the cluster stream has it: server metadata, status, a defaulted spec. */
function running(name = 'mixtral-agg', namespace = 'default'): KubeObject & Record<string, unknown> {
  return {
    apiVersion: 'grove.io/v1alpha1',
    kind: 'PodCliqueSet',
    metadata: {
      name,
      namespace,
      uid: 'u-1',
      resourceVersion: '42',
      generation: 3,
      creationTimestamp: '2026-01-01T00:00:00Z',
      labels: { app: name },
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', team: 'serving' },
      managedFields: [{ manager: 'canopy', operation: 'Apply' }],
    } as KubeObject['metadata'],
    spec: {
      replicas: 2,
      template: {
        cliqueStartupType: 'CliqueStartupTypeAnyOrder',
        terminationDelay: '4h',
        cliques: [{ name: 'worker', spec: { roleName: 'worker', replicas: 2, minAvailable: 2, podSpec: { containers: [{ name: 'engine', image: 'vllm/vllm-openai:v0.10.1.1' }] } } }],
      },
    },
    status: { replicas: 2, availableReplicas: 2 },
  };
}

const reads = () => new RevisionReads();
const targetsOf = (text: string, live: KubeObject[], defaultNamespace: string | null = null) => runningTargets(parseManifests(text).documents, live, defaultNamespace);
const withFrontend = (text: string) => {
  const r = addClique(text, { kind: 'frontend', flavour: 'vllm', group: null });
  if (!r.ok) throw new Error(r.message);
  return r.text;
};

describe('opening a running stack', () => {
  test('?edit= names namespace/name; anything else is no request', () => {
    expect(parseEditParam('default/mixtral-agg')).toEqual({ namespace: 'default', name: 'mixtral-agg' });
    for (const bad of [null, '', 'mixtral-agg', '/x', 'x/', 'a/b/c']) expect(parseEditParam(bad)).toBeNull();
    expect(editHref('team-a', 'llama')).toBe('/builder?edit=team-a/llama');
    expect(parseEditParam(new URL(`http://h${editHref('team-a', 'llama')}`).searchParams.get('edit'))).toEqual({ namespace: 'team-a', name: 'llama' });
  });

  test('as itself: the name kept, what the server owns dropped; a copy is renamed', () => {
    const o = editableOfLive(running());
    expect(o).toEqual({
      apiVersion: 'grove.io/v1alpha1',
      kind: 'PodCliqueSet',
      metadata: { name: 'mixtral-agg', namespace: 'default', labels: { app: 'mixtral-agg' }, annotations: { team: 'serving' } },
      spec: running().spec,
    });
    const own = parseManifests(liveStackText(running())).documents[0]!;
    expect(own.name).toBe('mixtral-agg');
    expect(own.object).toEqual(o);
    expect(liveStackText(running())).toMatch(/^# default\/mixtral-agg as running in the cluster: Apply updates it\.\n/);
    const copy = parseManifests(copyOfLiveText(running())).documents[0]!;
    expect(copy.name).toBe('mixtral-agg-copy');
    expect(copyOfLiveText(running())).not.toMatch(/resourceVersion|managedFields|status|last-applied/);
  });
});

describe('checked against the running object', () => {
  test('a clique added to a running stack is refused before Apply, at spec.template.cliques, saying it updates the running stack', () => {
    const text = withFrontend(liveStackText(running()));
    const targets = targetsOf(text, [running()]);
    expect(Object.keys(targets)).toEqual(['default/mixtral-agg']);
    const { report, updates } = checkAgainstRunning(reads(), text, {}, targets, null);
    expect(updates).toEqual({ 0: 'default/mixtral-agg' });
    const composition = report.documents[0]!.findings.filter((f) => f.rule === 'immutable.cliqueComposition');
    expect(composition).toEqual([
      {
        path: '/spec/template/cliques',
        rule: 'immutable.cliqueComposition',
        severity: 'error',
        message: 'updates default/mixtral-agg: not allowed to change clique composition; added "frontend"',
        line: text.split('\n').findIndex((l) => l.trim() === 'cliques:') + 1,
        column: 5,
      },
    ]);
  });

  test('the same text as a new stack (nothing running of that name) has no update findings', () => {
    const text = withFrontend(copyOfLiveText(running()));
    const targets = targetsOf(text, [running()]);
    expect(targets).toEqual({});
    const { report, updates } = checkAgainstRunning(reads(), text, {}, targets, null);
    expect(updates).toEqual({});
    expect(report.documents[0]!.findings.filter((f) => f.rule.startsWith('immutable.'))).toEqual([]);
  });

  test('an image change updates cleanly; an immutable field names its path', () => {
    const text = liveStackText(running()).replace('vllm/vllm-openai:v0.10.1.1', 'vllm/vllm-openai:v0.10.2');
    const targets = targetsOf(text, [running()]);
    expect(checkAgainstRunning(reads(), text, {}, targets, null).report.documents[0]!.findings.filter((f) => f.severity === 'error')).toEqual([]);

    const r = setField(liveStackText(running()), ['spec', 'template', 'cliques', 0, 'spec', 'minAvailable'], 1);
    if (!r.ok) throw new Error(r.message);
    const found = checkAgainstRunning(reads(), r.text, {}, targetsOf(r.text, [running()]), null).report.documents[0]!.findings;
    expect(found.map((f) => [f.rule, f.path, f.message])).toEqual([['immutable.minAvailable', '/spec/template/cliques/0/spec/minAvailable', 'updates default/mixtral-agg: minAvailable of clique "worker" is immutable']]);
  });

  test('a manifest without a namespace updates the stack in the server’s default namespace', () => {
    const text = withFrontend(liveStackText(running('agg', 'team-a')).replace('  namespace: team-a\n', ''));
    expect(targetsOf(text, [running('agg', 'team-a')], null)).toEqual({});
    expect(targetsOf(text, [running('agg', 'team-a')], 'default')).toEqual({});
    const targets = targetsOf(text, [running('agg', 'team-a')], 'team-a');
    const { report } = checkAgainstRunning(reads(), text, {}, targets, 'team-a');
    expect(report.documents[0]!.findings.map((f) => f.rule)).toContain('immutable.cliqueComposition');
  });

  test('the targets are plain data of the running object’s spec and metadata: a status change leaves them equal', () => {
    const text = liveStackText(running());
    const later = running();
    later.status = { replicas: 2, availableReplicas: 1 };
    (later.metadata as Record<string, unknown>).resourceVersion = '43';
    expect(JSON.stringify(targetsOf(text, [later]))).toBe(JSON.stringify(targetsOf(text, [running()])));
    // Other running stacks are not taken along.
    expect(Object.keys(targetsOf(text, [running('other'), running()]))).toEqual(['default/mixtral-agg']);
  });
});

describe('the version a stack was opened at', () => {
  const moved = (over: (o: KubeObject & Record<string, unknown>) => void, resourceVersion = '57') => {
    const o = running();
    o.metadata = { ...o.metadata, resourceVersion };
    over(o);
    return o;
  };

  test('is kept with the stack opened (its resourceVersion, and the manifest as the YAML has it); none without a resourceVersion', () => {
    const loaded = loadedStackOf(running())!;
    expect(loaded).toEqual({ key: 'default/mixtral-agg', resourceVersion: '42', object: editableOfLive(running()) });
    const unversioned = running();
    delete unversioned.metadata!.resourceVersion;
    expect(loadedStackOf(unversioned)).toBeNull();
    expect(liveOf(loaded, [running('other'), running()])).toEqual(running());
    expect(liveOf(loaded, [running('other')])).toBeNull();
  });

  test('tells a change of what the YAML holds from a status write (which the operator makes often) and from deletion', () => {
    const loaded = loadedStackOf(running())!;
    expect(liveChangeOf(loaded, running())).toEqual({ kind: 'same' });
    expect(liveChangeOf(loaded, moved((o) => (o.status = { replicas: 2, availableReplicas: 1 })))).toEqual({ kind: 'status-only', resourceVersion: '57' });
    const hotfix = moved((o) => {
      (o.spec as { template: { cliques: { spec: { podSpec: { containers: { image: string }[] } } }[] } }).template.cliques[0]!.spec.podSpec.containers[0]!.image = 'vllm/vllm-openai:v0.10.2';
    });
    expect(liveChangeOf(loaded, hotfix)).toEqual({
      kind: 'changed',
      resourceVersion: '57',
      changes: [{ path: 'spec.template.cliques[name="worker"].spec.podSpec.containers[name="engine"].image', old: 'vllm/vllm-openai:v0.10.1.1', new: 'vllm/vllm-openai:v0.10.2' }],
    });
    expect(liveChangeOf(loaded, null)).toEqual({ kind: 'gone' });
  });

  test("is sent as the PodCliqueSet's metadata.resourceVersion, only for that stack, only the one line added", () => {
    const loaded = loadedStackOf(running())!;
    const text = liveStackText(running());
    const sent = withResourceVersion(text, loaded, null);
    expect(parseManifests(sent).documents[0]!.object).toMatchObject({ metadata: { name: 'mixtral-agg', resourceVersion: '42' } });
    const added = sent.split('\n').filter((line) => !text.split('\n').includes(line));
    expect(added).toEqual(['  resourceVersion: "42"']);
    // In a file of several documents: that one; a stack that names no namespace lands in the server's default.
    const other = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: default\n---\n';
    const withoutNamespace = text.replace('  namespace: default\n', '');
    const two = withResourceVersion(`${other}${withoutNamespace}`, loaded, 'default');
    expect(parseManifests(two).documents.map((d) => (d.object as KubeObject).metadata?.resourceVersion)).toEqual([undefined, '42']);
    expect(withResourceVersion(withoutNamespace, loaded, 'team-a')).toBe(withoutNamespace);
    // A new stack or a copy, a text that names its own version, no version opened: as they are.
    expect(withResourceVersion(copyOfLiveText(running()), loaded, null)).toBe(copyOfLiveText(running()));
    const own = text.replace('  namespace: default\n', '  namespace: default\n  resourceVersion: "40"\n');
    expect(withResourceVersion(own, loaded, null)).toBe(own);
    expect(withResourceVersion(text, null, null)).toBe(text);
    expect(withResourceVersion('kind: [', loaded, null)).toBe('kind: [');
  });

  test('a text holding a document that cannot be read goes as it is, not thrown (the apply refuses it, saying where, as it does a syntax error)', () => {
    const loaded = loadedStackOf(running())!;
    const text = liveStackText(running());
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`)].join('\n');
    for (const unreadable of ['kind: ConfigMap\ndata: &d {self: *d}\n', `${bomb}\n`, 'kind: ConfigMap\ndata: {<<: *nope}\n']) {
      expect(withResourceVersion(`${unreadable}---\n${text}`, loaded, null)).toBe(`${unreadable}---\n${text}`);
      expect(withResourceVersion(`${text}---\n${unreadable}`, loaded, null)).toBe(`${text}---\n${unreadable}`);
    }
  });
});
