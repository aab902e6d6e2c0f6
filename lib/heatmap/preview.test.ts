/**
 * The topology page's preview of a PodCliqueSet text: read once (parse, find the stacks and where they
 * are), judged as Grove's admission judges it on this cluster (refusals with their line:column), placed.
 */
import { describe, expect, test } from 'vitest';
import type { ClusterState } from '../cluster/state';
import type { PodCliqueSet } from '../grove/podcliqueset';
import { demoSnapshot, demoStacks } from '../topology/demo';
import { clusterStateFromSnapshot } from '../topology/snapshot';
import { buildHeatmapModel } from './model';
import { ghostOverlay, sameGhosts } from './overlay';
import { gpuDemand, previewFromText, previewInput, previewTitle, readPreviewText } from './preview';
import { withStacks } from './testkit';

const demo = (): ClusterState => withStacks(clusterStateFromSnapshot(demoSnapshot()), demoStacks());

describe('preview from text', () => {
  // On kai-scheduler: default-scheduler would ignore the rack packing (and not gang-schedule).
  const yaml = (pods: number, gpus: number) => `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata:
  name: p
  namespace: default
  labels:
    kai.scheduler/queue: default-queue
spec:
  replicas: 1
  template:
    topologyConstraint:
      topologyName: demo
      pack:
        required: rack
    cliques:
      - name: worker
        spec:
          roleName: worker
          replicas: ${pods}
          minAvailable: ${pods}
          podSpec:
            schedulerName: kai-scheduler
            containers:
              - name: c
                image: busybox
                resources:
                  limits:
                    nvidia.com/gpu: "${gpus}"
`;

  test('a fitting stack: ghosts = GPU demand; an oversized gang: not placed, with a reason per level', () => {
    const state = demo();
    const model = buildHeatmapModel(state);
    const small = previewFromText(state, yaml(2, 4));
    expect(small.ok).toBe(true);
    if (!small.ok) return;
    expect(small.gpus).toBe(8);
    expect(gpuDemand(small.preview)).toBe(8);
    expect(ghostOverlay(model, small.preview.plan).cells.length).toBe(8);
    const huge = previewFromText(state, yaml(20, 4));
    expect(huge.ok).toBe(true);
    if (!huge.ok) return;
    const overlay = ghostOverlay(model, huge.preview.plan);
    expect(overlay.cells.length).toBe(0);
    expect(overlay.gangs[0]!.placed).toBe(false);
    expect(overlay.gangs[0]!.reason).toMatch(/rack/);
  });

  test('bad text: line:column for YAML errors, a sentence when there is no PodCliqueSet', () => {
    const broken = previewFromText(demo(), 'kind: PodCliqueSet\nmetadata: [x\n');
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.problems[0]).toMatch(/^line \d+:\d+: /);
    const other = previewFromText(demo(), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n');
    expect(other).toEqual({ ok: false, problems: ['no PodCliqueSet in the text (kind: PodCliqueSet, or a List of them)'] });
  });

  test('an invalid PodCliqueSet: the validation errors with their line:column and JSON path, no plan', () => {
    const read = readPreviewText(yaml(2, 4).replace('replicas: 2', 'replicas: -3'));
    expect(read.ok).toBe(true);
    expect(previewInput(demo(), read)).toEqual({
      ok: false,
      problems: [
        'line 19:11: /spec/template/cliques/0/spec/replicas: replicas must be greater than 0, got -3 [clique.replicas]',
        'line 20:11: /spec/template/cliques/0/spec/minAvailable: minAvailable (2) must not be greater than replicas (-3) [clique.minAvailable]',
      ],
    });
  });

  /** `text` as an item of a List (kubectl get -o yaml): each line indented under `items:`. */
  const asListItem = (text: string) => text.split('\n').map((l, i) => (l ? `${i === 0 ? '- ' : '  '}${l}` : l)).join('\n');
  const named = (text: string, name: string) => text.replace('name: p\n', `name: ${name}\n`);

  test('several PodCliqueSets: all are checked, the first is previewed and the others named; an invalid second one stops the preview at its own line', () => {
    const two = `${yaml(2, 4)}---\n${named(yaml(1, 4), 'q')}`;
    const read = readPreviewText(two);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.pcs.metadata?.name).toBe('p');
    expect(read.notes).toEqual(['the text holds 2 PodCliqueSets: only the first, default/p, is previewed (not previewed: default/q)']);
    const result = previewInput(demo(), read);
    if (!result.ok) throw new Error('expected a preview');
    expect(result.gpus).toBe(8);
    expect(previewTitle(result)).toBe('default/p (the text holds 2 PodCliqueSets: only the first, default/p, is previewed (not previewed: default/q))');
    const one = previewFromText(demo(), yaml(2, 4));
    if (!one.ok) throw new Error('expected a preview');
    expect([one.notes, previewTitle(one)]).toEqual([[], 'default/p']);
    // The second is invalid: its error, with its absolute line (the first document has 25 lines and a ---).
    const bad = previewFromText(demo(), `${yaml(2, 4)}---\n${named(yaml(2, 4), 'q').replace('replicas: 2', 'replicas: -3')}`);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems[0]).toBe('line 48:11: PodCliqueSet default/q: /spec/template/cliques/0/spec/replicas: replicas must be greater than 0, got -3 [clique.replicas]');
  });

  test('a List (kubectl get pcs -o yaml) is read item by item, errors at their absolute line:column; a PodCliqueSetList item may leave out its kind', () => {
    const list = `apiVersion: v1\nkind: List\nmetadata:\n  resourceVersion: ""\nitems:\n${asListItem(yaml(2, 4))}${asListItem(named(yaml(1, 4), 'q'))}`;
    const read = readPreviewText(list);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect([read.pcs.metadata?.name, read.line, read.notes.length]).toEqual(['p', 6, 1]);
    const result = previewInput(demo(), read);
    expect(result.ok && result.gpus).toBe(8);
    // Item 0 starts on line 6, so its replicas (line 17 of its own text) is on line 22, one column in (the item's indent).
    const bad = previewFromText(demo(), list.replace('replicas: 2', 'replicas: -3'));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems[0]).toBe('line 24:13: PodCliqueSet default/p: /spec/template/cliques/0/spec/replicas: replicas must be greater than 0, got -3 [clique.replicas]');
    const typed = `apiVersion: grove.io/v1alpha1\nkind: PodCliqueSetList\nitems:\n${asListItem(yaml(2, 4).replace(/^apiVersion: .*\nkind: PodCliqueSet\n/, ''))}`;
    const fromTyped = readPreviewText(typed);
    expect(fromTyped.ok && fromTyped.pcs.kind).toBe('PodCliqueSet');
    expect(readPreviewText('apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: x}\n')).toEqual({
      ok: false,
      problems: ['no PodCliqueSet in the text (kind: PodCliqueSet, or a List of them)'],
    });
  });

  test('text read once, placed on each state: pods taking the free GPUs change the plan, same ghosts compare equal', () => {
    const read = readPreviewText(yaml(2, 4));
    expect(read.ok).toBe(true);
    const state = demo();
    const model = buildHeatmapModel(state);
    const first = previewInput(state, read);
    const again = previewInput(state, read);
    if (!first.ok || !again.ok) throw new Error('expected a preview');
    const ghostsA = ghostOverlay(model, first.preview.plan);
    const ghostsB = ghostOverlay(model, again.preview.plan);
    expect(ghostsA).not.toBe(ghostsB);
    expect(sameGhosts(ghostsA, ghostsB)).toBe(true);
    expect(sameGhosts(ghostsA, null)).toBe(false);
    const moved = { ...ghostsB, cells: ghostsB.cells.map((c) => c + 1) };
    expect(sameGhosts(ghostsA, moved)).toBe(false);
    const otherReason = { ...ghostsB, gangs: ghostsB.gangs.map((g) => ({ ...g, reason: 'changed' })) };
    expect(sameGhosts(ghostsA, otherReason)).toBe(false);
  });
});

describe('refused as the cluster’s webhook refuses it: the finding at its line:column, no ghosts', () => {
  // The demo's binding "demo" has the levels zone > block > rack > host.
  const stack = (template: string) => `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata:
  name: refused
  namespace: default
spec:
  replicas: 1
  template:
${template}    cliques:
      - name: worker
        spec:
          roleName: worker
          replicas: 2
          minAvailable: 2
          podSpec:
            schedulerName: kai-scheduler
            containers:
              - name: c
                image: busybox
                resources:
                  limits:
                    nvidia.com/gpu: "4"
`;
  const packed = (topologyName: string, required: string) => `    topologyConstraint:\n      topologyName: ${topologyName}\n      pack:\n        required: ${required}\n`;

  test('a topologyName the cluster lacks: at the topologyName key (line 10:7), not at the manifest’s first line', () => {
    expect(previewFromText(demo(), stack(packed('nowhere', 'rack')))).toEqual({
      ok: false,
      problems: ['line 10:7: /spec/template/topologyConstraint/topologyName: ClusterTopologyBinding "nowhere" not found (known: "demo") [topology.unknownTopology]'],
    });
  });

  test('a topologyName the cluster lacks, in the second item of a List: the item’s own line and column', () => {
    const item = (text: string) => text.split('\n').map((l, i) => (l ? `${i === 0 ? '- ' : '  '}${l}` : l)).join('\n');
    const list = `apiVersion: v1\nkind: List\nitems:\n${item(stack(packed('demo', 'rack')))}${item(stack(packed('nowhere', 'rack')).replace('name: refused', 'name: second'))}`;
    // Each item is 26 lines: the second starts on line 4 + 26 = 30, and its topologyName is its 10th line, indented 2 more.
    expect(previewFromText(demo(), list)).toEqual({
      ok: false,
      problems: ['line 39:9: PodCliqueSet default/second: /spec/template/topologyConstraint/topologyName: ClusterTopologyBinding "nowhere" not found (known: "demo") [topology.unknownTopology]'],
    });
  });

  test('a pack domain the binding lacks (topology.unknownDomain)', () => {
    expect(previewFromText(demo(), stack(packed('demo', 'superrack')))).toEqual({
      ok: false,
      problems: [`line 12:9: /spec/template/topologyConstraint/pack/required: topology domain 'superrack' does not exist in cluster topology "demo" [zone, block, rack, host] [topology.unknownDomain]`],
    });
  });

  test('a clique packed wider than the stack round it (topology.narrowerThanParent), judged by the binding’s levels', () => {
    const text = stack(packed('demo', 'rack')).replace('      - name: worker\n', '      - name: worker\n        topologyConstraint:\n          pack:\n            required: block\n');
    const result = previewFromText(demo(), text);
    expect(result.ok).toBe(false);
    // The validator's words and the field it names are its own (lib/grove/validate/topology.ts): the preview says them as the refusal.
    if (!result.ok) expect(result.problems).toEqual([expect.stringMatching(/^line \d+:\d+: \/spec\/template\/.*'rack'.*'block'.* \[topology\.narrowerThanParent\]$/)]);
  });

  test('while the binding list is not known whole, a topologyName missing from it is no refusal (it may exist)', () => {
    const result = previewFromText(demo(), stack(packed('nowhere', 'rack')), null, { topologiesComplete: false });
    expect(result.ok).toBe(true);
  });

  test('a stack of the name of a running one is checked as an update of it: an immutable field changed is refused, a scale is not', () => {
    const running = demoStacks();
    const mixtral = (edit: (pcs: PodCliqueSet) => void) => {
      const pcs = structuredClone(running.find((s) => s.metadata?.name === 'mixtral-agg')!);
      edit(pcs);
      return JSON.stringify(pcs, null, 1);
    };
    const changed = mixtral((pcs) => {
      pcs.spec.template.cliques[0]!.spec.minAvailable = 1;
    });
    // As a new stack (no running one given) it is valid: only the update makes it an error.
    expect(previewFromText(demo(), changed).ok).toBe(true);
    const refused = previewFromText(demo(), changed, null, { podCliqueSets: running });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.problems).toEqual([expect.stringMatching(/^line \d+:\d+: updates default\/mixtral-agg: \/spec\/template\/cliques\/0\/spec\/minAvailable: minAvailable of clique "worker" is immutable \[immutable\.minAvailable\]$/)]);
    // In another namespace it is another stack: new, and admitted.
    expect(previewFromText(demo(), changed.replace('"namespace": "default"', '"namespace": "team-a"'), null, { podCliqueSets: running }).ok).toBe(true);
    const scaled = previewFromText(demo(), mixtral((pcs) => (pcs.spec.replicas = 3)), null, { podCliqueSets: running });
    expect(scaled.ok && scaled.preview.running.length).toBe(2);
  });

  test('a manifest naming no namespace is checked as an update of the running stack of that name in the page’s namespace', () => {
    const running = demoStacks();
    const pcs = structuredClone(running.find((s) => s.metadata?.name === 'mixtral-agg')!);
    delete pcs.metadata!.namespace;
    pcs.spec.template.cliques[0]!.spec.minAvailable = 1;
    const text = JSON.stringify(pcs);
    expect(previewFromText(demo(), text, 'default', { podCliqueSets: running }).ok).toBe(false);
    expect(previewFromText(demo(), text, 'team-a', { podCliqueSets: running }).ok).toBe(true);
  });

  test('a stack over the pod budget: the refusal at its spec.replicas', () => {
    const huge = stack(packed('demo', 'rack')).replace('  replicas: 1\n', '  replicas: 100000\n');
    const result = previewFromText(demo(), huge);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]).toMatch(/^line 7:3: PodCliqueSet refused would create 200,000 pods/);
  });
});
