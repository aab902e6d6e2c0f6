import { describe, expect, it } from 'vitest';
import type { ClusterState, PodInfo } from '../cluster/state';
import { expandPodCliqueSet } from '../grove/expand-objects';
import type { KubeObject } from '../grove/meta';
import type { PodCliqueSet } from '../grove/podcliqueset';
import { scaledPodGangName } from '../grove/naming';
import { clusterStateFromSnapshot, snapshotFromTopologySpec } from '../topology/snapshot';
import { clusterStateFromObjects } from '../cluster/fromObjects';
import { DEFAULT_TEST_TOPOLOGY } from '../topology/spec';
import { placeGangs } from './place';
import { previewFromText } from '../heatmap/preview';
import type { ExpandedPodGroup } from '../grove/gang';
import { applyGangs, gangIncrements, previewPodCliqueSet, previewScale, type GroveObjects } from './preview';
import { boundPod, makeNode, topologyOf } from './testkit';
import { gangPlacementText, planFit, unplacedOptionalNote } from '../workloads/planNotes';

const RACK = 'topology.kubernetes.io/rack';
const engine = (gpus: number) => ({ name: 'engine', image: 'registry.invalid/engine:test', resources: { limits: { 'nvidia.com/gpu': String(gpus) } } });

/** The pods of every clique name `schedulerName` (Grove: one scheduler per PodCliqueSet). */
function withScheduler(pcs: PodCliqueSet, schedulerName: string): PodCliqueSet {
  for (const c of pcs.spec.template.cliques) c.spec.podSpec = { ...c.spec.podSpec, schedulerName };
  return pcs;
}

/**
 * Router + a prefill scaling group (leader + 3 workers, 8 GPUs each, required rack) + 2 decode pods, on
 * kai-scheduler (gangs and topology honoured) unless another scheduler is named.
 */
function disaggregated(pack: { required?: string; preferred?: string } = { preferred: 'zone' }, schedulerName = 'kai-scheduler'): PodCliqueSet {
  const pcs = disaggregatedOn(pack);
  return schedulerName === 'default-scheduler' ? pcs : withScheduler(pcs, schedulerName);
}

function disaggregatedOn(pack: { required?: string; preferred?: string }): PodCliqueSet {
  return {
    apiVersion: 'grove.io/v1alpha1',
    kind: 'PodCliqueSet',
    metadata: { name: 'disagg', namespace: 'ns', labels: { 'kai.scheduler/queue': 'default-queue' } },
    spec: {
      replicas: 1,
      template: {
        topologyConstraint: { topologyName: 'canopy-test', pack },
        cliques: [
          { name: 'router', spec: { roleName: 'router', replicas: 1, podSpec: { containers: [{ name: 'router', image: 'r', resources: { requests: { cpu: '500m' } } }] } } },
          { name: 'pleader', spec: { roleName: 'prefill-leader', replicas: 1, podSpec: { containers: [engine(8)] } } },
          { name: 'pworker', spec: { roleName: 'prefill-worker', replicas: 3, podSpec: { containers: [engine(8)] } } },
          { name: 'decode', spec: { roleName: 'decode', replicas: 2, podSpec: { containers: [engine(8)] } } },
        ],
        podCliqueScalingGroups: [{ name: 'prefill', cliqueNames: ['pleader', 'pworker'], replicas: 1, minAvailable: 1, topologyConstraint: { pack: { required: 'rack' } } }],
      },
    },
  } as PodCliqueSet;
}

const emptyCluster = (): ClusterState => clusterStateFromSnapshot(snapshotFromTopologySpec(DEFAULT_TEST_TOPOLOGY));

/** The cluster with `pcs` running: its objects as the store holds them, and its pods bound where placement put them. */
function running(pcs: PodCliqueSet, base = emptyCluster()): { state: ClusterState; objects: GroveObjects } {
  const expanded = expandPodCliqueSet(pcs);
  const plan = placeGangs(base, expanded.gangs);
  expect(plan.feasible).toBe(true);
  const nodeOf = new Map(plan.gangs.flatMap((g) => g.pods.map((p) => [p.name, p.node] as const)));
  const pods: PodInfo[] = expanded.gangs.flatMap((g) =>
    g.podGroups.flatMap((pg) => pg.pods.map((p) => ({ namespace: p.namespace, name: p.name, nodeName: nodeOf.get(p.name), labels: p.labels, requests: p.requests, phase: 'Running', terminal: false }))),
  );
  return {
    state: { ...base, pods: [...base.pods, ...pods] },
    objects: { podCliqueSets: [pcs as KubeObject], podCliqueScalingGroups: expanded.scalingGroups, podCliques: expanded.podCliques, podGangs: expanded.podGangs },
  };
}

const gpusOf = (plan: { gangs: { pods: { gpus: number }[] }[] }) => plan.gangs.reduce((n, g) => n + g.pods.reduce((m, p) => m + p.gpus, 0), 0);

describe('previewPodCliqueSet', () => {
  it('places every pod of the stack on an empty cluster', () => {
    const { plan, gangs } = previewPodCliqueSet(emptyCluster(), disaggregated());
    expect(plan.feasible).toBe(true);
    expect(gangs.map((g) => g.name)).toEqual(['disagg-0']);
    expect(plan.gangs[0]!.pods).toHaveLength(7);
    expect(gpusOf(plan)).toBe(6 * 8);
  });

  it('a stack that runs, applied as it is: its gang is reported running where it is, nothing is planned; another stack counts its pods', () => {
    const pcs = disaggregated();
    const { state } = running(pcs);
    const same = previewPodCliqueSet(state, pcs);
    expect(same.plan).toEqual({ feasible: true, gangs: [] });
    expect(same.running.map((r) => [r.name, r.complete, r.pods.length])).toEqual([['disagg-0', true, 7]]);
    const nodeOf = new Map(state.pods.map((p) => [p.name, p.nodeName]));
    for (const p of same.running[0]!.pods) expect(p).toMatchObject({ node: nodeOf.get(p.name), running: true });
    expect(same.replaces).toBeUndefined();
    // A stack of another name must fit beside it: 48 + 48 of 256 GPUs.
    const other = { ...pcs, metadata: { ...pcs.metadata, name: 'other' } };
    const { plan } = previewPodCliqueSet(state, other);
    expect(plan.feasible).toBe(true);
    const used = new Set(state.pods.map((p) => p.nodeName));
    expect(plan.gangs[0]!.pods.filter((p) => p.gpus === 8).every((p) => !used.has(p.node))).toBe(true);
  });

  it('a running gang lists its pods by clique, then pod index, not in the cluster’s order by name (…-10 before …-2)', () => {
    const pcs = disaggregated();
    pcs.spec.template.cliques.find((c) => c.name === 'decode')!.spec.replicas = 11;
    const { state } = running(pcs);
    const byName = { ...state, pods: [...state.pods].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
    const [gang] = expandPodCliqueSet(pcs).gangs;
    const manifestOrder = gang!.podGroups.flatMap((pg) => pg.pods.map((p) => p.name));
    const kept = previewPodCliqueSet(byName, pcs).running[0]!.pods.map((p) => p.name);
    expect(kept).toEqual(manifestOrder);
    expect(kept.filter((n) => n.includes('-decode-'))).toEqual(Array.from({ length: 11 }, (_, i) => `disagg-0-decode-${i}`));
    expect(byName.pods.map((p) => p.name)).not.toEqual(manifestOrder);
  });

  it('one more replica of a stack that runs: only the new gangs are planned, on GPUs the running pods leave free; the same answer as previewScale', () => {
    const pcs = disaggregated();
    const { state, objects } = running(pcs);
    const three = { ...pcs, spec: { ...pcs.spec, replicas: 3 } };
    const apply = previewPodCliqueSet(state, three);
    expect(apply.running.map((r) => [r.name, r.complete])).toEqual([['disagg-0', true]]);
    expect(apply.plan.gangs.map((g) => [g.name, g.placed, g.pods.length])).toEqual([
      ['disagg-1', true, 7],
      ['disagg-2', true, 7],
    ]);
    expect(gpusOf(apply.plan)).toBe(2 * 48);
    expect(apply.all.map((g) => g.name)).toEqual(['disagg-0', 'disagg-1', 'disagg-2']);
    // No GPU is planned twice: a node's running GPUs plus its planned ones stay within what it has.
    const used = new Map<string, number>();
    for (const p of state.pods) used.set(p.nodeName!, (used.get(p.nodeName!) ?? 0) + p.requests.gpu);
    for (const p of apply.plan.gangs.flatMap((g) => g.pods)) used.set(p.node, (used.get(p.node) ?? 0) + p.gpus);
    for (const n of state.nodes) expect(used.get(n.name) ?? 0).toBeLessThanOrEqual(n.allocatable.gpu);
    const scale = previewScale(state, objects, { kind: 'PodCliqueSet', namespace: 'ns', name: 'disagg', replicas: 3 });
    expect(apply.plan).toEqual(scale.plan);
  });

  it('more pods in a running gang: its running pods are kept and only the new ones planned; a new worker must join the group’s rack', () => {
    const pcs = disaggregated();
    const { state } = running(pcs);
    const decode = structuredClone(pcs);
    decode.spec.template.cliques[3]!.spec.replicas = 3; // a third decode pod
    const apply = previewPodCliqueSet(state, decode);
    expect(apply.running).toEqual([expect.objectContaining({ name: 'disagg-0', complete: false })]);
    expect(apply.running[0]!.pods).toHaveLength(7);
    expect(apply.plan.gangs.map((g) => [g.name, g.placed, g.pods.map((p) => p.name)])).toEqual([['disagg-0', true, ['disagg-0-decode-2']]]);
    // A fourth prefill worker: its scaling-group replica requires one rack, and the running leader + 3 workers fill theirs (32 GPUs).
    const worker = structuredClone(pcs);
    worker.spec.template.cliques[2]!.spec.replicas = 4;
    const full = previewPodCliqueSet(state, worker);
    expect(full.plan.feasible).toBe(false);
    const leader = state.pods.find((p) => p.name.startsWith('disagg-0-prefill-0-pleader'))!;
    const rack = state.nodes.find((n) => n.name === leader.nodeName)!.labels[RACK];
    expect(full.plan.gangs[0]!.reason).toContain(`must join rack ${rack}`);
  });

  it('fewer replicas than run: the gangs the apply deletes are taken out, nothing is planned, and the drawing may reuse their GPUs', () => {
    const pcs = { ...disaggregated(), spec: { ...disaggregated().spec, replicas: 2 } };
    const { state } = running(pcs);
    const one = previewPodCliqueSet(state, { ...pcs, spec: { ...pcs.spec, replicas: 1 } });
    expect(one.plan.gangs).toEqual([]);
    expect(one.running.map((r) => r.name)).toEqual(['disagg-0']);
    expect(one.replaces).toBe('ns/disagg');
  });

  it('counts the GPUs of a pod that only shares the stack’s part-of label (a Helm chart’s, not Grove’s)', () => {
    const pcs = disaggregated();
    const base = emptyCluster();
    // Another app's pods fill every node; they carry part-of: disagg as a Helm chart would, managed by Helm.
    const helm: PodInfo[] = base.nodes.map((n) => ({
      namespace: 'ns',
      name: `disagg-tokenizer-${n.name}`,
      nodeName: n.name,
      labels: { 'app.kubernetes.io/part-of': 'disagg', 'app.kubernetes.io/managed-by': 'Helm' },
      requests: { gpu: n.allocatable.gpu, cpuMilli: 0, memory: 0, pods: 1 },
      phase: 'Running',
      terminal: false,
    }));
    const { plan } = previewPodCliqueSet({ ...base, pods: helm }, pcs);
    expect(plan.feasible).toBe(false);
    expect(plan.gangs[0]!.pods).toEqual([]);
  });

  it('says why a stack does not fit', () => {
    const pcs = disaggregated();
    pcs.spec.template.cliques[2]!.spec.replicas = 4; // leader + 4 workers × 8 GPUs = 40 GPUs in one rack of 32
    const { plan } = previewPodCliqueSet(emptyCluster(), pcs);
    expect(plan.feasible).toBe(false);
    expect(plan.gangs[0]!.reason).toMatch(/rack/);
  });
});

describe('previewApply: which pods of a running stack count', () => {
  /** disagg with its prefill scaling group at 2 replicas, minAvailable 1: replica 1 is the scaled gang disagg-0-prefill-0. */
  const twoPrefill = () => {
    const pcs = disaggregated({ required: 'zone' });
    pcs.spec.template.podCliqueScalingGroups![0] = { ...pcs.spec.template.podCliqueScalingGroups![0]!, replicas: 2, minAvailable: 1 };
    return pcs;
  };

  it('a pod whose grove.io/podgang label names another gang than the manifest is counted where its PodClique and index put it, and said so', () => {
    const pcs = twoPrefill();
    const { state } = running(pcs);
    const scaled = scaledPodGangName('disagg', 0, 'prefill', 1, 1);
    // The replica-1 pods still carry the base gang's label (the split moved): by label they are disagg-0's.
    const moved = state.pods.filter((p) => p.labels['grove.io/podgang'] === scaled);
    expect(moved).toHaveLength(4);
    const relabelled = { ...state, pods: state.pods.map((p) => (moved.includes(p) ? { ...p, labels: { ...p.labels, 'grove.io/podgang': 'disagg-0' } } : p)) };
    const apply = previewPodCliqueSet(relabelled, pcs);
    expect(apply.plan.gangs).toEqual([]);
    expect(apply.running.map((r) => [r.name, r.pods.length, r.complete])).toEqual([
      ['disagg-0', 7, true],
      [scaled, 4, true],
    ]);
    expect(apply.running[1]!.regrouped?.map((r) => r.label)).toEqual(['disagg-0', 'disagg-0', 'disagg-0', 'disagg-0']);
    expect(applyGangs(apply)[1]!.warnings?.[0]).toMatch(/labelled grove\.io\/podgang=disagg-0: counted in disagg-0-prefill-0 by its PodClique and pod index/);
    // Every pod of the manifest is either kept or planned, once.
    const kept = apply.running.flatMap((r) => r.pods.map((p) => p.name));
    expect(new Set(kept).size).toBe(11);
  });

  it('a terminating pod and its replacement (same PodClique and index) count once: the bound Running one', () => {
    const pcs = disaggregated();
    const { state } = running(pcs);
    const decode = state.pods.find((p) => p.labels['grove.io/podclique'] === 'disagg-0-decode' && p.labels['grove.io/podclique-pod-index'] === '0')!;
    // The replacement is created before the old pod is gone: bound but not started yet, another suffix.
    const replacement: PodInfo = { ...decode, name: `${decode.name}-new`, phase: 'Pending' };
    const apply = previewPodCliqueSet({ ...state, pods: [replacement, ...state.pods] }, pcs);
    expect(apply.plan.gangs).toEqual([]);
    expect(apply.running[0]!.pods).toHaveLength(7);
    expect(apply.running[0]!.pods.map((p) => p.name)).toContain(decode.name);
    expect(apply.running[0]!.pods.map((p) => p.name)).not.toContain(replacement.name);
    // An unbound replacement beside the running pod is no pod to plan either.
    const unbound = previewPodCliqueSet({ ...state, pods: [...state.pods, { ...replacement, nodeName: undefined }] }, pcs);
    expect(unbound.plan.gangs).toEqual([]);
    expect(unbound.pending).toEqual({});
    expect(unbound.running[0]!.pods).toHaveLength(7);
  });

  it('a terminating pod (deletionTimestamp) and its Running replacement: the replacement counts, wherever they are listed', () => {
    const pcs = disaggregated();
    const { state } = running(pcs);
    const at = (index: string) => state.pods.find((p) => p.labels['grove.io/podclique'] === 'disagg-0-decode' && p.labels['grove.io/podclique-pod-index'] === index)!;
    const old: PodInfo = { ...at('0'), terminating: true };
    // Both run: Grove created the replacement (another suffix) and it was bound and started before the old pod is gone.
    const replacement: PodInfo = { ...at('0'), name: `${at('0').name}-new`, nodeName: at('1').nodeName };
    for (const pods of [[old, replacement], [replacement, old]]) {
      const apply = previewPodCliqueSet({ ...state, pods: [...pods, ...state.pods.filter((p) => p !== at('0'))] }, pcs);
      expect(apply.plan.gangs).toEqual([]);
      const kept = apply.running[0]!.pods;
      expect(kept).toHaveLength(7);
      expect(kept.find((p) => p.podGroup === 'disagg-0-decode' && p.name.endsWith('-new'))).toMatchObject({ name: replacement.name, node: at('1').nodeName });
      expect(kept.map((p) => p.name)).not.toContain(old.name);
    }
    // A terminating pod beside a replacement not bound yet: the replacement is the one still to place.
    const unbound = previewPodCliqueSet({ ...state, pods: [old, { ...replacement, nodeName: undefined, phase: 'Pending' }, ...state.pods.filter((p) => p !== at('0'))] }, pcs);
    expect(unbound.pending).toEqual({ 'disagg-0': [replacement.name] });
    expect(unbound.running[0]!.pods.map((p) => p.name)).not.toContain(old.name);
  });

  it('the cluster state read from objects marks a pod with a deletionTimestamp as terminating, and no other', () => {
    const pod = (name: string, metadata: Record<string, unknown> = {}): KubeObject => ({ metadata: { name, namespace: 'ns', ...metadata }, spec: { nodeName: 'n', containers: [] }, status: { phase: 'Running' } }) as KubeObject;
    const { pods } = clusterStateFromObjects({ nodes: [], clusterTopologyBindings: [], pods: [pod('going', { deletionTimestamp: '2026-11-30T18:00:00Z' }), pod('staying')] });
    expect(pods.map((p) => [p.name, p.terminating ?? false])).toEqual([
      ['going', true],
      ['staying', false],
    ]);
  });

  it('a pod that exists but is not bound (Pending) is planned and named as pending, not as a new pod', () => {
    const pcs = disaggregated();
    const { state } = running(pcs);
    const waiting = state.pods.find((p) => p.labels['grove.io/podclique'] === 'disagg-0-decode' && p.labels['grove.io/podclique-pod-index'] === '1')!;
    const apply = previewPodCliqueSet({ ...state, pods: state.pods.map((p) => (p === waiting ? { ...p, nodeName: undefined, phase: 'Pending' } : p)) }, pcs);
    expect(apply.pending).toEqual({ 'disagg-0': [waiting.name] });
    expect(apply.running[0]!.pods).toHaveLength(6);
    expect(apply.plan.gangs.map((g) => [g.name, g.placed, g.pods.map((p) => p.name)])).toEqual([['disagg-0', true, ['disagg-0-decode-1']]]);
    expect(applyGangs(apply)[0]).toMatchObject({ name: 'disagg-0', running: true, placed: true, pendingPods: [waiting.name] });
  });

  it('a running gang whose pods not running yet do not fit: not placed, its running pods kept and the refused pods listed', () => {
    const pcs = disaggregated();
    const { state } = running(pcs);
    const worker = structuredClone(pcs);
    worker.spec.template.cliques[2]!.spec.replicas = 4; // the prefill rack is full
    const [gang] = applyGangs(previewPodCliqueSet(state, worker));
    expect(gang).toMatchObject({ name: 'disagg-0', running: true, placed: false, unplacedPods: ['disagg-0-prefill-0-pworker-3'] });
    expect(gang!.pods.every((p) => p.running)).toBe(true);
    expect(gang!.reason).toMatch(/must join rack/);
  });
});

describe('previewFromText: the namespace of a manifest that names none', () => {
  it('is the namespace the page has selected, where the apply puts it; one the manifest names is kept', () => {
    const pcs = disaggregated();
    const { state } = running(pcs);
    const { namespace: _, ...meta } = pcs.metadata;
    const text = JSON.stringify({ ...pcs, metadata: meta });
    const selected = previewFromText(state, text, 'ns');
    expect(selected).toMatchObject({ ok: true, namespace: 'ns' });
    if (selected.ok) expect(selected.preview.running.map((r) => r.name)).toEqual(['disagg-0']);
    const unselected = previewFromText(state, text);
    expect(unselected).toMatchObject({ ok: true, namespace: 'default' });
    if (unselected.ok) expect(unselected.preview.running).toEqual([]);
    expect(previewFromText(state, JSON.stringify(pcs), 'other')).toMatchObject({ ok: true, namespace: 'ns' });
  });
});

describe('pod budget (browser and server previews alike)', () => {
  it('a stack of more pods than MAX_PODS is refused with its count, before anything is expanded', () => {
    const pcs = disaggregated();
    pcs.spec.replicas = 1_000_000;
    expect(() => previewPodCliqueSet(emptyCluster(), pcs)).toThrow(/would create 7,000,000 pods .* over the limit of 5,000 pods/);
  });

  it('a scale that would take its stack past MAX_PODS is refused; one within it is previewed', () => {
    const { state, objects } = running(disaggregated());
    const huge = previewScale(state, objects, { kind: 'PodCliqueSet', namespace: 'ns', name: 'disagg', replicas: 2_000 });
    expect(huge.refused).toMatch(/would give PodCliqueSet disagg 14,000 pods/);
    expect(huge.plan.gangs).toEqual([]);
    expect(previewScale(state, objects, { kind: 'PodCliqueSet', namespace: 'ns', name: 'disagg', replicas: 3 }).refused).toBeUndefined();
  });
});

describe('previewScale', () => {
  it('scaling the PodCliqueSet 1 → 2 places only the new replica’s gang', () => {
    const { state, objects } = running(disaggregated());
    const preview = previewScale(state, objects, { kind: 'PodCliqueSet', namespace: 'ns', name: 'disagg', replicas: 2 });
    expect(preview).toMatchObject({ from: 1, to: 2 });
    expect(preview.refused).toBeUndefined();
    expect(preview.gangs.map((g) => g.name)).toEqual(['disagg-1']);
    expect(preview.plan.feasible).toBe(true);
    const taken = new Set(state.pods.filter((p) => p.requests.gpu > 0).map((p) => p.nodeName));
    for (const pod of preview.plan.gangs[0]!.pods) if (pod.gpus > 0) expect(taken.has(pod.node)).toBe(false);
  });

  it('scaling a scaling group adds its scaled gang, packed in one rack', () => {
    const { state, objects } = running(disaggregated());
    const preview = previewScale(state, objects, { kind: 'PodCliqueScalingGroup', namespace: 'ns', name: 'disagg-0-prefill', replicas: 2 });
    expect(preview.gangs.map((g) => g.name)).toEqual([scaledPodGangName('disagg', 0, 'prefill', 1, 1)]);
    expect(preview.plan.feasible).toBe(true);
    const racks = new Set(preview.plan.gangs[0]!.pods.map((p) => state.nodes.find((n) => n.name === p.node)!.labels[RACK]));
    expect(racks.size).toBe(1);
  });

  it('refuses a clique that belongs to a scaling group, naming the group', () => {
    const { state, objects } = running(disaggregated());
    const preview = previewScale(state, objects, { kind: 'PodClique', namespace: 'ns', name: 'disagg-0-prefill-0-pworker', replicas: 5 });
    expect(preview.refused).toMatch(/belongs to scaling group disagg-0-prefill\b.*scale disagg-0-prefill instead/);
    // At any count: past the pod budget too, it is refused as a member, not for its size.
    expect(previewScale(state, objects, { kind: 'PodClique', namespace: 'ns', name: 'disagg-0-prefill-0-pworker', replicas: 6_000 }).refused).toMatch(/belongs to scaling group disagg-0-prefill\b/);
    expect(preview.plan.gangs).toEqual([]);
  });

  it('refuses what is not in the cluster', () => {
    const { state, objects } = running(disaggregated());
    expect(previewScale(state, objects, { kind: 'PodClique', namespace: 'ns', name: 'nope', replicas: 1 }).refused).toMatch(/not in the cluster/);
  });

  it('a scale-down places nothing', () => {
    const { state, objects } = running(disaggregated());
    const preview = previewScale(state, objects, { kind: 'PodCliqueSet', namespace: 'ns', name: 'disagg', replicas: 0 });
    expect(preview).toMatchObject({ from: 1, to: 0, plan: { feasible: true, gangs: [] }, gangs: [] });
  });

  it('new pods of a running gang must join its required domain: they fail when that rack is full, though other racks are empty', () => {
    // leader + 1 worker + 1 decode = 24 GPUs in one rack of 32 (4 nodes × 8): 8 left there.
    const pcs = disaggregated({ required: 'rack' });
    pcs.spec.template.cliques[2]!.spec.replicas = 1;
    pcs.spec.template.cliques[3]!.spec.replicas = 1;
    const { state, objects } = running(pcs);
    const rackOf = (node: string) => state.nodes.find((n) => n.name === node)!.labels[RACK]!;
    const home = rackOf(state.pods.find((p) => p.labels['grove.io/podclique'] === 'disagg-0-decode')!.nodeName!);

    const one = previewScale(state, objects, { kind: 'PodClique', namespace: 'ns', name: 'disagg-0-decode', replicas: 2 });
    expect(one.gangs.map((g) => g.podGroups.map((pg) => pg.pods.length))).toEqual([[1]]);
    expect(one.plan.feasible).toBe(true);
    expect(rackOf(one.plan.gangs[0]!.pods[0]!.node)).toBe(home);

    // decode runs its minimum (1 of 1): both new pods are above it, so one joins the rack and the other
    // stays out, worded as the constraint the user wrote, not as a nodeSelector they never wrote.
    const two = previewScale(state, objects, { kind: 'PodClique', namespace: 'ns', name: 'disagg-0-decode', replicas: 3 });
    expect(two.plan.feasible).toBe(true);
    expect(two.plan.gangs[0]).toMatchObject({ placed: true, unplacedOptionalPods: ['disagg-0-decode-2'] });
    expect(two.plan.gangs[0]!.pods.map((p) => [p.name, rackOf(p.node)])).toEqual([['disagg-0-decode-1', home]]);
    expect(two.plan.gangs[0]!.unplacedOptionalReason).toBe(`disagg-0-decode-2: must join rack ${home} where disagg-0 runs (required rack); ${home} has 0 free GPUs`);
  });

  it('new pods a running gang lacks of its minimum must join its required domain together: not placed when that rack is full', () => {
    // decode 1 of minAvailable 2 runs (its second pod was deleted, not created again yet): scaling to 4
    // adds 2 pods, planned with the one not created yet; 1 of the 3 is what decode lacks of its minimum.
    const pcs = disaggregated({ required: 'rack' });
    pcs.spec.template.cliques[2]!.spec.replicas = 1;
    pcs.spec.template.cliques[3]!.spec = { ...pcs.spec.template.cliques[3]!.spec, replicas: 2, minAvailable: 2 };
    const { state: full, objects } = running(pcs);
    const gone = full.pods.find((p) => p.labels['grove.io/podclique'] === 'disagg-0-decode' && p.labels['grove.io/podclique-pod-index'] === '1')!;
    const state = { ...full, pods: full.pods.filter((p) => p !== gone) };
    const rackOf = (node: string) => state.nodes.find((n) => n.name === node)!.labels[RACK]!;
    const home = rackOf(state.pods.find((p) => p.labels['grove.io/podclique'] === 'disagg-0-decode')!.nodeName!);
    const target = { kind: 'PodClique', namespace: 'ns', name: 'disagg-0-decode', replicas: 4 } as const;
    // The home rack (4 × 8 GPUs) has 8 GPUs left, where the deleted pod ran: one pod, of the minimum; the two above it stay out.
    const roomy = previewScale(state, objects, target);
    expect(roomy.gangs[0]!.podGroups.map((g) => [g.name, g.minReplicas, g.pods.map((p) => p.name)])).toEqual([['disagg-0-decode', 1, ['disagg-0-decode-1', 'disagg-0-decode-2', 'disagg-0-decode-3']]]);
    expect(roomy).toMatchObject({ added: ['disagg-0-decode-2', 'disagg-0-decode-3'], pending: {} });
    expect(roomy.plan.gangs[0]).toMatchObject({ placed: true, pods: [{ name: 'disagg-0-decode-1' }], unplacedOptionalPods: ['disagg-0-decode-2', 'disagg-0-decode-3'] });
    expect(rackOf(roomy.plan.gangs[0]!.pods[0]!.node)).toBe(home);
    // Fill the home rack: not even the pod of the minimum fits there, so none is placed.
    const free = state.nodes.filter((n) => n.labels[RACK] === home && !state.pods.some((p) => p.nodeName === n.name));
    expect(free).toHaveLength(1);
    const fillers = free.map((n, i) => ({ namespace: 'other', name: `filler-${i}`, nodeName: n.name, labels: {}, requests: { gpu: 8, cpuMilli: 0, memory: 0, pods: 1 }, phase: 'Running', terminal: false }) as PodInfo);
    const scale = previewScale({ ...state, pods: [...state.pods, ...fillers] }, objects, target);
    expect(scale.plan.feasible).toBe(false);
    expect(scale.plan.gangs[0]!.pods).toEqual([]);
    expect(scale.plan.gangs[0]!.reason).toBe(`must join rack ${home} where disagg-0 runs (required rack); ${home} has 0 free GPUs`);
    expect(scale.plan.gangs[0]!.explanation![0]).toMatchObject({ level: 'rack', needs: `room in rack ${home}` });
  });

  it('a default-scheduler stack is not pinned to its running replica’s rack: kube-scheduler ignores the constraint', () => {
    const pcs = disaggregated({ required: 'rack' }, 'default-scheduler');
    pcs.spec.template.cliques[2]!.spec.replicas = 1;
    pcs.spec.template.cliques[3]!.spec.replicas = 1;
    const { state, objects } = running(pcs);
    const two = previewScale(state, objects, { kind: 'PodClique', namespace: 'ns', name: 'disagg-0-decode', replicas: 3 });
    expect(two.plan.feasible).toBe(true);
    expect(two.plan.gangs[0]!.pods).toHaveLength(2);
    expect(two.gangs[0]!.podGroups[0]!.pods.every((p) => !p.scheduling.nodeSelector?.[RACK])).toBe(true);
    expect(two.plan.gangs[0]!.warnings![0]).toMatch(/^default-scheduler \(kube-scheduler\)/);
    expect(JSON.stringify(two.plan)).not.toMatch(/nodeSelector/);
  });
});

describe('gangIncrements: what is left to place of gangs, as previews and a running stack’s "why pending" see it', () => {
  it('a running gang’s waiting pods (with their own requests) are its increment, pinned to its rack, and explained by it; a gang with nothing running is placed whole', () => {
    const pcs = disaggregated({ required: 'rack' });
    pcs.spec.template.cliques[2]!.spec.replicas = 1;
    pcs.spec.template.cliques[3]!.spec.replicas = 1;
    const { state } = running(pcs);
    const rackOf = (node: string) => state.nodes.find((n) => n.name === node)!.labels[RACK]!;
    const home = rackOf(state.pods.find((p) => p.labels['grove.io/podclique'] === 'disagg-0-decode')!.nodeName!);
    // decode at 3 pods: 1 runs (its minimum), 2 wait, each asking for 16 GPUs (the real pods’, not the template’s 8).
    const scaled = { ...pcs, spec: { ...pcs.spec, replicas: 2 } } as PodCliqueSet;
    const gangs = expandPodCliqueSet(scaled, { podCliqueReplicas: { 'disagg-0-decode': 3 } }).gangs;
    const waiting = (group: ExpandedPodGroup) => (group.name === 'disagg-0-decode' ? group.pods.slice(1).map((p) => ({ ...p, requests: { ...p.requests, gpu: 16 } })) : group.name.startsWith('disagg-1-') ? group.pods : []);
    const increments = gangIncrements(state, gangs, waiting);
    expect(increments.gangs.map((g) => [g.name, g.podGroups.map((pg) => [pg.name, pg.minReplicas, pg.pods.length])])).toEqual([
      ['disagg-0', [['disagg-0-decode', 0, 2]]],
      ['disagg-1', gangs[1]!.podGroups.map((pg) => [pg.name, pg.minReplicas, pg.pods.length])],
    ]);
    const [increment] = increments.gangs;
    expect(increment!.podGroups[0]!.pods.map((p) => [p.requests.gpu, p.scheduling.nodeSelector?.[RACK]])).toEqual([
      [16, home],
      [16, home],
    ]);
    expect(increments.running('ns', 'disagg-0')).toHaveLength(4);
    // 8 GPUs left in the home rack: neither 16-GPU pod fits there, and the reason says which rack it must join.
    const placement = increments.explain(placeGangs(state, [increment!]).gangs[0]!);
    expect(placement).toMatchObject({ placed: true, pods: [], unplacedOptionalPods: ['disagg-0-decode-1', 'disagg-0-decode-2'] });
    expect(placement.unplacedOptionalReason).toBe(`disagg-0-decode-1: must join rack ${home} where disagg-0 runs (required rack); ${home} has 8 free GPUs`);
  });
});

describe('previewScale: pods of the stack that wait for the scheduler are planned with the new ones', () => {
  const at = (state: ClusterState, clique: string, index: number) => state.pods.find((p) => p.labels['grove.io/podclique'] === clique && p.labels['grove.io/podclique-pod-index'] === String(index))!;
  /** The pod as Grove creates it again, not bound yet: another name (Grove's random suffix), the same PodClique and pod index. */
  const waiting = (pod: PodInfo, suffix: string): PodInfo => ({ ...pod, name: `${pod.labels['grove.io/podclique']}-${suffix}`, nodeName: undefined, phase: 'Pending' });
  /** Another workload's pods take every GPU left free except on the nodes of `room`. */
  const leaveRoom = (state: ClusterState, room: readonly string[]): ClusterState => {
    const used = new Map<string, number>();
    for (const p of state.pods) if (p.nodeName && !p.terminal) used.set(p.nodeName, (used.get(p.nodeName) ?? 0) + p.requests.gpu);
    const fillers = state.nodes
      .filter((n) => !room.includes(n.name) && n.allocatable.gpu > (used.get(n.name) ?? 0))
      .map((n) => ({ ...boundPod(`filler-${n.name}`, n.name, n.allocatable.gpu - (used.get(n.name) ?? 0), { namespace: 'other', cpuMilli: 0, memory: 0 }) }));
    return { ...state, pods: [...state.pods, ...fillers] };
  };
  const freeGpus = (state: ClusterState, node: string) => state.nodes.find((n) => n.name === node)!.allocatable.gpu - state.pods.filter((p) => p.nodeName === node && !p.terminal).reduce((n, p) => n + p.requests.gpu, 0);
  /** disagg with decode at 2 pods and the given minAvailable. */
  const decodeOf = (minAvailable: number) => {
    const pcs = disaggregated();
    pcs.spec.template.cliques[3]!.spec = { ...pcs.spec.template.cliques[3]!.spec, replicas: 2, minAvailable };
    return pcs;
  };
  const decode3 = { kind: 'PodClique', namespace: 'ns', name: 'disagg-0-decode', replicas: 3 } as const;

  it('a Pending pod of the scaled clique takes the one pod’s room left: the new pod is the one not placed (the old preview said it fits)', () => {
    const { state: all, objects } = running(decodeOf(1));
    const pod = at(all, 'disagg-0-decode', 1);
    const pending = waiting(pod, 'x7k2p');
    // Room for one 8-GPU pod: the node the waiting pod's predecessor left.
    const state = leaveRoom({ ...all, pods: all.pods.map((p) => (p === pod ? pending : p)) }, [pod.nodeName!]);
    expect(freeGpus(state, pod.nodeName!)).toBe(8);
    const preview = previewScale(state, objects, decode3);
    expect(planFit(preview.plan)).toBe('partial');
    expect(preview.plan.gangs[0]).toMatchObject({ name: 'disagg-0', placed: true, pods: [{ name: 'disagg-0-decode-1', node: pod.nodeName }], unplacedOptionalPods: ['disagg-0-decode-2'] });
    expect(preview.added).toEqual(['disagg-0-decode-2']);
    expect(preview.pending).toEqual({ 'disagg-0': [pending.name] });
    // decode runs its minimum (1 of 1): both planned pods are best effort, the waiting one first.
    expect(preview.gangs[0]!.podGroups.map((g) => [g.name, g.minReplicas, g.pods.map((p) => p.name)])).toEqual([['disagg-0-decode', 0, ['disagg-0-decode-1', 'disagg-0-decode-2']]]);
  });

  it('a Pending pod of a pod group below its minimum is the pod the minimum lacks, not the new one', () => {
    const { state: all, objects } = running(decodeOf(2));
    const pod = at(all, 'disagg-0-decode', 1);
    const withPending = { ...all, pods: all.pods.map((p) => (p === pod ? waiting(pod, 'q4m9z') : p)) };
    const preview = previewScale(leaveRoom(withPending, [pod.nodeName!]), objects, decode3);
    // decode runs 1 bound pod of minAvailable 2: the waiting pod must be placed for the gang to start; the new one is above the minimum.
    expect(preview.gangs[0]!.podGroups.map((g) => [g.name, g.minReplicas, g.pods.map((p) => p.name)])).toEqual([['disagg-0-decode', 1, ['disagg-0-decode-1', 'disagg-0-decode-2']]]);
    expect(preview.plan.gangs[0]).toMatchObject({ placed: true, pods: [{ name: 'disagg-0-decode-1' }], unplacedOptionalPods: ['disagg-0-decode-2'] });
    // No room at all: the gang lacks its minimum, so nothing of it is placed.
    const full = previewScale(leaveRoom(withPending, []), objects, decode3);
    expect(full.plan.feasible).toBe(false);
    expect(full.plan.gangs[0]).toMatchObject({ name: 'disagg-0', placed: false, pods: [] });
  });

  it('a terminating pod and its Pending replacement: the replacement is planned, the terminating pod holds its GPUs and does not count toward the minimum', () => {
    const { state: all, objects } = running(decodeOf(2));
    const pod = at(all, 'disagg-0-decode', 1);
    const old: PodInfo = { ...pod, terminating: true };
    const replacement = waiting(pod, 'r8d2w');
    const spare = all.nodes.find((n) => !all.pods.some((p) => p.nodeName === n.name))!.name;
    const state = leaveRoom({ ...all, pods: [...all.pods.map((p) => (p === pod ? old : p)), replacement] }, [spare]);
    expect(freeGpus(state, pod.nodeName!)).toBe(0);
    const preview = previewScale(state, objects, decode3);
    expect(preview.plan.gangs[0]).toMatchObject({ placed: true, pods: [{ name: 'disagg-0-decode-1', node: spare }], unplacedOptionalPods: ['disagg-0-decode-2'] });
    expect(preview.pending).toEqual({ 'disagg-0': [replacement.name] });
    expect(preview.added).toEqual(['disagg-0-decode-2']);
    // Bound and not going away: decode-0 only, so the replacement is what decode lacks of its minimum of 2.
    expect(preview.gangs[0]!.podGroups.map((g) => [g.minReplicas, g.pods.map((p) => p.name)])).toEqual([[1, ['disagg-0-decode-1', 'disagg-0-decode-2']]]);
  });

  it('a scaling group whose last replica waits (Pending): that replica’s gang takes the free rack, the new replica does not fit', () => {
    const pcs = disaggregated();
    pcs.spec.template.podCliqueScalingGroups![0] = { ...pcs.spec.template.podCliqueScalingGroups![0]!, replicas: 2, minAvailable: 1 };
    const { state: all, objects } = running(pcs);
    const waitingGang = scaledPodGangName('disagg', 0, 'prefill', 1, 1);
    const newGang = scaledPodGangName('disagg', 0, 'prefill', 2, 1);
    const unbound = all.pods.filter((p) => p.labels['grove.io/podgang'] === waitingGang);
    expect(unbound).toHaveLength(4);
    const rack = new Set(unbound.map((p) => all.nodes.find((n) => n.name === p.nodeName)!.labels[RACK]));
    expect(rack.size).toBe(1);
    const pendingPods = unbound.map((p, i) => waiting(p, `w${i}abc`));
    // Room: the rack the replica's pods left (4 nodes × 8 GPUs), one replica's worth.
    const room = all.nodes.filter((n) => rack.has(n.labels[RACK])).map((n) => n.name);
    const state = leaveRoom({ ...all, pods: [...all.pods.filter((p) => !unbound.includes(p)), ...pendingPods] }, room);
    const preview = previewScale(state, objects, { kind: 'PodCliqueScalingGroup', namespace: 'ns', name: 'disagg-0-prefill', replicas: 3 });
    expect(preview.plan.feasible).toBe(false);
    expect(preview.plan.gangs.map((g) => [g.name, g.placed, g.pods.length])).toEqual([
      [waitingGang, true, 4],
      [newGang, false, 0],
    ]);
    expect(preview.pending).toEqual({ [waitingGang]: pendingPods.map((p) => p.name) });
    expect(preview.gangs.map((g) => g.name)).toEqual([waitingGang, newGang]);
    expect(preview.added).toEqual(preview.gangs[1]!.podGroups.flatMap((g) => g.pods.map((p) => p.name)));
    expect(preview.added).toHaveLength(4);
  });

  it('a PodCliqueSet scale: the running replica’s Pending pod is planned first and the new replica no longer fits; previewApply of the same count says the same', () => {
    const pcs = disaggregated();
    const { state: all, objects } = running(pcs);
    const pod = at(all, 'disagg-0-decode', 1);
    const pending = waiting(pod, 'k3v8n');
    const withPending = { ...all, pods: all.pods.map((p) => (p === pod ? pending : p)) };
    // Room for 48 GPUs, what one replica asks: a whole free rack, the waiting pod's old node and one node more.
    const used = new Set(all.pods.map((p) => p.nodeName));
    const racks = [...new Set(all.nodes.map((n) => n.labels[RACK]!))].map((rack) => all.nodes.filter((n) => n.labels[RACK] === rack));
    const freeRack = racks.find((nodes) => nodes.every((n) => !used.has(n.name)))!.map((n) => n.name);
    const other = all.nodes.find((n) => !used.has(n.name) && !freeRack.includes(n.name))!.name;
    const state = leaveRoom(withPending, [...freeRack, pod.nodeName!, other]);
    const target = { kind: 'PodCliqueSet', namespace: 'ns', name: 'disagg', replicas: 2 } as const;
    // Without the waiting pod the new replica fits exactly.
    expect(previewScale(leaveRoom(all, [...freeRack, other, pod.nodeName!]), objects, target).plan.gangs.map((g) => g.name)).toEqual(['disagg-1']);
    const preview = previewScale(state, objects, target);
    expect(preview.plan.gangs.map((g) => [g.name, g.placed, g.pods.map((p) => p.name)])).toEqual([
      ['disagg-0', true, ['disagg-0-decode-1']],
      ['disagg-1', false, []],
    ]);
    expect(preview.plan.feasible).toBe(false);
    expect(preview.pending).toEqual({ 'disagg-0': [pending.name] });
    expect(preview.added).toHaveLength(7);
    expect(preview.added.every((n) => n.startsWith('disagg-1-'))).toBe(true);
    const apply = previewPodCliqueSet(state, { ...pcs, spec: { ...pcs.spec, replicas: 2 } });
    expect(apply.plan).toEqual(preview.plan);
    expect(apply.pending).toEqual(preview.pending);
  });
});

describe('previewScale: a standalone clique above its minimum scaled past what fits (the reviewer’s llama-disagg decode 4 → 60)', () => {
  /** disaggregated() with decode at 4 pods, minAvailable 2, as the demo's. */
  function decodeAboveMinimum(): PodCliqueSet {
    const pcs = disaggregated();
    pcs.spec.template.cliques[3]!.spec = { ...pcs.spec.template.cliques[3]!.spec, replicas: 4, minAvailable: 2 };
    return pcs;
  }

  it('its running pods hold the minimum: every new pod is best effort, the ones that fit are placed and the rest named above minAvailable', () => {
    const { state, objects } = running(decodeAboveMinimum());
    const free = state.nodes.reduce((n, node) => n + node.allocatable.gpu, 0) - state.pods.reduce((n, p) => n + p.requests.gpu, 0);
    const fit = free / 8;
    expect(fit).toBe(24);
    // One pod more than fits: fit + 1 new pods.
    const preview = previewScale(state, objects, { kind: 'PodClique', namespace: 'ns', name: 'disagg-0-decode', replicas: 4 + fit + 1 });
    expect(preview.gangs[0]!.podGroups.map((g) => [g.name, g.minReplicas, g.pods.length])).toEqual([['disagg-0-decode', 0, fit + 1]]);
    const [gang] = preview.plan.gangs;
    expect(preview.plan.feasible).toBe(true);
    expect(planFit(preview.plan)).toBe('partial');
    expect(gang).toMatchObject({ placed: true, unplacedOptionalPods: [`disagg-0-decode-${4 + fit}`] });
    expect(gang!.pods).toHaveLength(fit);
    expect(gangPlacementText(gang!)).toMatch(new RegExp(`^${fit} of ${fit + 1} pods on ${fit} nodes`));
    expect(unplacedOptionalNote(gang!)).toMatch(new RegExp(`^1 pod of disagg-0 above minAvailable not placed \\(disagg-0-decode-${4 + fit}\\): `));
    expect(JSON.stringify(preview.plan)).not.toMatch(/of its minimum/);
  });

  it('4 → 60: 24 of the 56 new pods placed, the other 32 stay out above minAvailable, not the whole increment', () => {
    const { state, objects } = running(decodeAboveMinimum());
    const preview = previewScale(state, objects, { kind: 'PodClique', namespace: 'ns', name: 'disagg-0-decode', replicas: 60 });
    expect(preview.gangs[0]!.podGroups[0]!.minReplicas).toBe(0);
    expect(preview.plan.gangs[0]).toMatchObject({ placed: true });
    expect(preview.plan.gangs[0]!.pods).toHaveLength(24);
    expect(preview.plan.gangs[0]!.unplacedOptionalPods).toHaveLength(56 - 24);
  });
});

describe('previewScale: a scale-down below minAvailable', () => {
  it('a scaling group below its minAvailable: breach named with Grove’s default terminationDelay and the replica that would be gang-terminated', () => {
    const pcs = disaggregated();
    pcs.spec.template.podCliqueScalingGroups![0]!.replicas = 2;
    const { state, objects } = running(pcs);
    const preview = previewScale(state, objects, { kind: 'PodCliqueScalingGroup', namespace: 'ns', name: 'disagg-0-prefill', replicas: 0 });
    expect(preview.refused).toBeUndefined();
    expect(preview.breach).toMatchObject({ kind: 'PodCliqueScalingGroup', name: 'disagg-0-prefill', minAvailable: 1, to: 0, podCliqueSet: 'disagg', replicaIndex: 0, terminationDelay: '4h', defaultDelay: true });
    expect(preview.breach!.message).toMatch(/MinAvailableBreached/);
    expect(preview.breach!.message).toMatch(/4h \(Grove’s default/);
    expect(preview.breach!.message).toMatch(/gang-terminates replica 0 of PodCliqueSet disagg/);
    // Down to the minimum is no breach.
    expect(previewScale(state, objects, { kind: 'PodCliqueScalingGroup', namespace: 'ns', name: 'disagg-0-prefill', replicas: 1 }).breach).toBeUndefined();
  });

  it('a standalone PodClique below its own minAvailable, with the PodCliqueSet’s terminationDelay; the object’s minAvailable wins over the template', () => {
    const pcs = disaggregated();
    pcs.spec.template.terminationDelay = '30m';
    pcs.spec.template.cliques[3]!.spec.replicas = 4;
    pcs.spec.template.cliques[3]!.spec.minAvailable = 2;
    const { state, objects } = running(pcs);
    const decode = { kind: 'PodClique' as const, namespace: 'ns', name: 'disagg-0-decode' };
    expect(previewScale(state, objects, { ...decode, replicas: 2 }).breach).toBeUndefined();
    const one = previewScale(state, objects, { ...decode, replicas: 1 });
    expect(one.breach).toMatchObject({ kind: 'PodClique', name: 'disagg-0-decode', minAvailable: 2, to: 1, replicaIndex: 0, terminationDelay: '30m', defaultDelay: false });
    expect(one.breach!.message).toMatch(/^PodClique disagg-0-decode would have 1 pod, below its minAvailable 2/);
    expect(one.breach!.message).not.toMatch(/default/);

    // The PodClique object says 3 (what the operator copied): that is the threshold, not the template's 2.
    const edited: GroveObjects = { ...objects, podCliques: objects.podCliques.map((c) => (c.metadata?.name === 'disagg-0-decode' ? ({ ...c, spec: { ...(c as { spec: object }).spec, minAvailable: 3 } } as KubeObject) : c)) };
    expect(previewScale(state, edited, { ...decode, replicas: 2 }).breach).toMatchObject({ minAvailable: 3, to: 2 });
  });

  it('counts what is left in words that agree with the number: 1 replica, 0 replicas, 1 pod, 0 pods', () => {
    const pcs = disaggregated();
    pcs.spec.template.podCliqueScalingGroups![0]!.replicas = 3;
    pcs.spec.template.podCliqueScalingGroups![0]!.minAvailable = 2;
    pcs.spec.template.cliques[3]!.spec.replicas = 3;
    pcs.spec.template.cliques[3]!.spec.minAvailable = 2;
    const { state, objects } = running(pcs);
    const message = (kind: 'PodCliqueScalingGroup' | 'PodClique', name: string, replicas: number) => previewScale(state, objects, { kind, namespace: 'ns', name, replicas }).breach?.message;
    expect(message('PodCliqueScalingGroup', 'disagg-0-prefill', 1)).toMatch(/^PodCliqueScalingGroup disagg-0-prefill would have 1 replica, below its minAvailable 2:/);
    expect(message('PodCliqueScalingGroup', 'disagg-0-prefill', 0)).toMatch(/ would have 0 replicas, /);
    expect(message('PodClique', 'disagg-0-decode', 1)).toMatch(/ would have 1 pod, /);
    expect(message('PodClique', 'disagg-0-decode', 0)).toMatch(/ would have 0 pods, /);
  });

  it('a PodCliqueSet scale-down and any scale-up are no breach', () => {
    const { state, objects } = running(disaggregated());
    expect(previewScale(state, objects, { kind: 'PodCliqueSet', namespace: 'ns', name: 'disagg', replicas: 0 }).breach).toBeUndefined();
    expect(previewScale(state, objects, { kind: 'PodCliqueScalingGroup', namespace: 'ns', name: 'disagg-0-prefill', replicas: 2 }).breach).toBeUndefined();
  });
});

describe('previewApply: a running gang\'s domains are label paths', () => {
  /** Zones z0 and z1, each with one rack labelled rack-1 of one 8-GPU node: two racks with one value. */
  const twoRack1s = (): ClusterState => ({
    nodes: ['z0', 'z1'].map((zone) => makeNode(`${zone}-n`, { gpu: 8, labels: { 'topology.kubernetes.io/zone': zone, [RACK]: 'rack-1' } })),
    pods: [],
    topologies: [topologyOf('two-zones', ['zone', 'rack', 'host'])],
  });
  /** Gang two-0: 2 pods of 8 GPUs, rack preferred, on kai-scheduler (a gang scheduler: its running pods' domains count). */
  const pcs = (): PodCliqueSet =>
    withScheduler(
      {
        apiVersion: 'grove.io/v1alpha1',
        kind: 'PodCliqueSet',
        metadata: { name: 'two', namespace: 'ns' },
        spec: { replicas: 1, template: { topologyConstraint: { topologyName: 'two-zones', pack: { preferred: 'rack' } }, cliques: [{ name: 'w', spec: { roleName: 'w', replicas: 2, podSpec: { containers: [engine(8)] } } }] } },
      } as PodCliqueSet,
      'kai-scheduler',
    );
  /** The cluster with the gang's pods bound: pod index → node (a pod left out does not exist yet). */
  const withPods = (nodeOf: Record<number, string>): ClusterState => {
    const state = twoRack1s();
    const pods = expandPodCliqueSet(pcs()).gangs.flatMap((g) => g.podGroups.flatMap((pg) => pg.pods));
    state.pods = pods.flatMap((p, i): PodInfo[] => (nodeOf[i] ? [{ namespace: p.namespace, name: p.name, nodeName: nodeOf[i], labels: p.labels, requests: p.requests, phase: 'Running', terminal: false }] : []));
    return state;
  };

  it('a gang running on rack-1 of z0 and rack-1 of z1 shares no domain: not "in rack rack-1"', () => {
    const apply = previewPodCliqueSet(withPods({ 0: 'z0-n', 1: 'z1-n' }), pcs());
    expect(apply.plan.gangs).toEqual([]);
    expect(apply.running.map((r) => [r.name, r.domains, r.complete])).toEqual([['two-0', {}, true]]);
    const [gang] = applyGangs(apply);
    expect(gang!.domains).toEqual({});
    expect(gangPlacementText(gang!)).toBe('2 pods on 2 nodes');
    // One pod running: its zone, rack and node.
    expect(previewPodCliqueSet(withPods({ 0: 'z0-n' }), pcs()).running[0]!.domains).toEqual({ zone: 'z0', rack: 'rack-1', host: 'z0-n' });
  });

  it('running pods in z0/rack-1 and a new pod planned in z1/rack-1 share no rack: the plan\'s domains are cut at the first level that differs', () => {
    const apply = previewPodCliqueSet(withPods({ 0: 'z0-n' }), pcs());
    expect(apply.running[0]!.domains).toEqual({ zone: 'z0', rack: 'rack-1', host: 'z0-n' });
    // z0's node is full: the new pod goes to the rack-1 of z1.
    expect(apply.plan.gangs.map((g) => [g.name, g.pods.map((p) => p.node), g.domains])).toEqual([['two-0', ['z1-n'], { zone: 'z1', rack: 'rack-1', host: 'z1-n' }]]);
    const [gang] = applyGangs(apply);
    expect(gang!.domains).toEqual({});
    expect(gangPlacementText(gang!)).not.toContain('rack-1');
  });
});
