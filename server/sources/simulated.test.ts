/**
 * The simulated cluster: demo scenario, expansion of the project's disaggregated fixture with the
 * operator's names and labels, the pod lifecycle and startup order, unfittable gangs, /scale for the
 * three kinds, delete, list pagination and watches.
 *
 * The names and labels are checked against API-NOTES §6–§7, not against the real operator: a side by
 * side run with Grove itself is impossible here (the Go module proxy refuses to serve Grove's modules),
 * so the control-plane test of the real operator remains the reference for that.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WatchedKind } from '../../lib/cluster/kinds';
import { objectKey } from '../../lib/cluster/kinds';
import { MAX_PODS, MAX_REPLICAS } from '../../lib/cluster/limits';
import { expandPodGangs } from '../../lib/grove/expand';
import { parseManifests } from '../../lib/grove/manifest';
import type { KubeObject } from '../../lib/grove/meta';
import type { PodCliqueSet } from '../../lib/grove/podcliqueset';
import { placeGangs } from '../../lib/placement';
import { DEMO_GPU_COUNT, DEMO_TOPOLOGY_NAME } from '../../lib/topology/demo';
import { DEFAULT_TEST_TOPOLOGY, GPU_CLIQUE_LABEL } from '../../lib/topology/spec';
import { snapshotFromTopologySpec } from '../../lib/topology/snapshot';
import { applyManifests } from '../actions/applyManifests';
import { createSimulatedSource, type SimulatedSource } from './simulated';
import type { ActionError, WatchEnd, WatchEvent } from './types';

const FIXTURE = path.resolve(import.meta.dirname, '..', '..', 'e2e', 'cluster', 'fixtures', 'disaggregated-podcliqueset.yaml');
const fixture = (): PodCliqueSet => parseManifests(readFileSync(FIXTURE, 'utf8')).documents[0]!.object as PodCliqueSet;
/** The fixture on kai-scheduler (gangs and topology honoured), with a KAI queue label: Grove v0.1.0-alpha.11 does not require one (newer Grove does), but without it KAI uses its fallback "default-queue". */
const kaiFixture = (): PodCliqueSet => {
  const pcs = fixture();
  pcs.metadata.labels = { ...pcs.metadata.labels, 'kai.scheduler/queue': 'default-queue' };
  for (const c of pcs.spec.template.cliques) c.spec.podSpec = { ...c.spec.podSpec, schedulerName: 'kai-scheduler' };
  return pcs;
};

type Obj = KubeObject & { spec?: any; status?: any; [k: string]: any };

/** The default test topology (32 × 8 GPUs, binding canopy-test), no workloads, no timer. */
function testCluster(extra: Parameters<typeof createSimulatedSource>[0] = {}): SimulatedSource {
  return createSimulatedSource({ snapshot: snapshotFromTopologySpec(DEFAULT_TEST_TOPOLOGY), tickMs: 0, seed: 7, ...extra });
}

const all = (s: SimulatedSource, kind: WatchedKind) => s.store.all(kind) as Obj[];
const names = (s: SimulatedSource, kind: WatchedKind) => all(s, kind).map((o) => o.metadata!.name!).sort();
const ready = (p: Obj) => p.status.conditions.some((c: any) => c.type === 'Ready' && c.status === 'True');
const byLabel = (s: SimulatedSource, kind: WatchedKind, key: string, value: string) => all(s, kind).filter((o) => o.metadata?.labels?.[key] === value);

async function rejected(p: Promise<unknown>): Promise<ActionError> {
  try {
    await p;
  } catch (e) {
    return e as ActionError;
  }
  throw new Error('expected the action to be refused');
}

describe('demo scenario', () => {
  it('loads the GB200 NVL72 racks and the H100 zone under one binding, with every demo pod Ready', async () => {
    const s = createSimulatedSource({ tickMs: 0, seed: 1 });
    expect(s.info()).toMatchObject({ mode: 'simulated', name: 'demo', namespace: 'default', readOnly: false, allowsEverything: true });
    const state = s.clusterState();
    expect(state.nodes.reduce((n, node) => n + node.allocatable.gpu, 0)).toBe(DEMO_GPU_COUNT);
    expect(DEMO_GPU_COUNT).toBe(288 + 64);
    expect(state.topologies).toEqual([
      {
        name: DEMO_TOPOLOGY_NAME,
        levels: [
          { domain: 'zone', key: 'topology.kubernetes.io/zone' },
          { domain: 'block', key: 'topology.kubernetes.io/block' },
          { domain: 'rack', key: 'topology.kubernetes.io/rack' },
          { domain: 'host', key: 'kubernetes.io/hostname' },
        ],
      },
    ]);
    // Every node carries every key the binding names; an NVL72 rack = 18 nodes × 4 GPUs = one clique.
    for (const n of state.nodes) for (const l of state.topologies[0]!.levels) expect(n.labels[l.key], `${n.name} ${l.key}`).toBeTruthy();
    const gb = state.nodes.filter((n) => n.name.startsWith('gb200-'));
    const racks = new Map<string, Set<string>>();
    for (const n of gb) {
      const rack = n.labels['topology.kubernetes.io/rack']!;
      racks.set(rack, (racks.get(rack) ?? new Set()).add(n.labels[GPU_CLIQUE_LABEL]!));
      expect(n.allocatable.gpu).toBe(4);
    }
    expect(racks.size).toBe(4);
    for (const [rack, cliques] of racks) {
      expect(cliques.size, rack).toBe(1);
      expect(gb.filter((n) => n.labels['topology.kubernetes.io/rack'] === rack)).toHaveLength(18);
    }
    expect(state.nodes.filter((n) => n.name.startsWith('h100-')).every((n) => n.allocatable.gpu === 8)).toBe(true);
    // Nothing starts empty: the stacks run.
    expect(names(s, 'PodCliqueSet')).toEqual(['deepseek-wide', 'llama-disagg', 'mixtral-agg']);
    const pods = all(s, 'Pod');
    expect(pods.length).toBeGreaterThan(20);
    expect(pods.every(ready)).toBe(true);
    expect(all(s, 'PodCliqueSet').every((p) => p.status.availableReplicas === p.spec.replicas)).toBe(true);
    // The scaled gang of the prefill group exists.
    expect(names(s, 'PodGang')).toContain('llama-disagg-0-prefill-0');
    await s.close();
  });

  it("'empty' has the demo's nodes and no workloads", async () => {
    const s = createSimulatedSource({ scenario: 'empty', tickMs: 0 });
    expect(s.store.count('Node')).toBe(80);
    expect(s.store.count('Pod')).toBe(0);
    expect(s.info().name).toBe('empty');
    expect(await s.can({ verb: 'delete', group: 'grove.io', resource: 'podcliquesets' })).toMatchObject({ allowed: true });
    await s.close();
  });
});

describe('applying the disaggregated fixture', () => {
  it('creates exactly the PodCliques, PCSG, PodGang and pods the operator names (§6) with its labels (§7)', async () => {
    const s = testCluster();
    const result = await s.apply(fixture(), { dryRun: false });
    expect(result).toMatchObject({ kind: 'PodCliqueSet', namespace: 'default', name: 'disagg', before: null, unchanged: false, dryRun: false });

    expect(names(s, 'PodClique')).toEqual(['disagg-0-decode', 'disagg-0-prefill-0-pleader', 'disagg-0-prefill-0-pworker', 'disagg-0-router']);
    expect(names(s, 'PodCliqueScalingGroup')).toEqual(['disagg-0-prefill']);
    expect(names(s, 'PodGang')).toEqual(['disagg-0']);
    const pods = all(s, 'Pod');
    expect(pods).toHaveLength(7);

    const pcs = s.store.get('PodCliqueSet', 'default/disagg') as Obj;
    const pcsg = s.store.get('PodCliqueScalingGroup', 'default/disagg-0-prefill') as Obj;
    const managed = { 'app.kubernetes.io/managed-by': 'grove-operator', 'app.kubernetes.io/part-of': 'disagg' };
    expect(pcsg.metadata!.labels).toEqual({
      ...managed,
      'app.kubernetes.io/name': 'disagg-0-prefill',
      'app.kubernetes.io/component': 'pcs-podcliquescalinggroup',
      'grove.io/podcliqueset-replica-index': '0',
    });
    expect(pcsg.metadata!.ownerReferences).toEqual([expect.objectContaining({ kind: 'PodCliqueSet', name: 'disagg', uid: pcs.metadata!.uid, controller: true })]);

    const router = s.store.get('PodClique', 'default/disagg-0-router') as Obj;
    expect(router.metadata!.labels).toEqual({
      ...managed,
      'app.kubernetes.io/name': 'disagg-0-router',
      'app.kubernetes.io/component': 'pcs-podclique',
      'grove.io/podcliqueset-replica-index': '0',
      'grove.io/podgang': 'disagg-0',
      // Grove's label (§7); the simulator's value is its own hash of the same template fields.
      'grove.io/pod-template-hash': expect.stringMatching(/^[bcdfghjklmnpqrstvwxz2456789]+$/),
    });
    expect(router.metadata!.ownerReferences![0]).toMatchObject({ kind: 'PodCliqueSet', uid: pcs.metadata!.uid });
    const worker = s.store.get('PodClique', 'default/disagg-0-prefill-0-pworker') as Obj;
    expect(worker.metadata!.labels).toEqual({
      ...managed,
      'app.kubernetes.io/name': 'disagg-0-prefill-0-pworker',
      'app.kubernetes.io/component': 'pcsg-podclique',
      'grove.io/podcliqueset-replica-index': '0',
      'grove.io/podgang': 'disagg-0',
      'grove.io/podcliquescalinggroup': 'disagg-0-prefill',
      'grove.io/podcliquescalinggroup-replica-index': '0',
      'grove.io/pod-template-hash': expect.stringMatching(/^[bcdfghjklmnpqrstvwxz2456789]+$/),
    });
    expect(worker.metadata!.ownerReferences![0]).toMatchObject({ kind: 'PodCliqueScalingGroup', name: 'disagg-0-prefill', uid: pcsg.metadata!.uid });
    expect(worker.spec.startsAfter).toEqual(['disagg-0-prefill-0-pleader']);
    expect((s.store.get('PodClique', 'default/disagg-0-decode') as Obj).spec.startsAfter).toEqual(['disagg-0-router']);

    const gang = s.store.get('PodGang', 'default/disagg-0') as Obj;
    expect(gang.metadata!.labels).toEqual({ ...managed, 'app.kubernetes.io/component': 'podgang', 'grove.io/scheduler-name': 'default-scheduler' });
    expect(gang.spec.podgroups.map((g: any) => [g.name, g.minReplicas, g.podReferences.length])).toEqual([
      ['disagg-0-router', 1, 1],
      ['disagg-0-decode', 2, 2],
      ['disagg-0-prefill-0-pleader', 1, 1],
      ['disagg-0-prefill-0-pworker', 3, 3],
    ]);
    const referenced = gang.spec.podgroups.flatMap((g: any) => g.podReferences.map((r: any) => r.name)).sort();
    expect(referenced).toEqual(pods.map((p) => p.metadata!.name).sort());
    // Translated through the binding (TAS on): PCS prefers zone, the PCSG replica requires a rack.
    expect(gang.spec.topologyConstraint).toEqual({ packConstraint: { preferred: 'topology.kubernetes.io/zone' } });
    expect(gang.spec.topologyConstraintGroupConfigs).toEqual([
      { name: 'disagg-0-prefill-0', podGroupNames: ['disagg-0-prefill-0-pleader', 'disagg-0-prefill-0-pworker'], topologyConstraint: { packConstraint: { required: 'topology.kubernetes.io/rack' } } },
    ]);

    for (const p of pods) {
      const pclq = p.metadata!.labels!['grove.io/podclique']!;
      const index = p.metadata!.labels!['grove.io/podclique-pod-index']!;
      expect(p.metadata!.name).toMatch(new RegExp(`^${pclq}-[a-z0-9]{5}$`));
      expect(p.metadata!.generateName).toBe(`${pclq}-`);
      expect(p.spec.hostname).toBe(`${pclq}-${index}`);
      expect(p.spec.subdomain).toBe('disagg-0');
      expect(p.spec.schedulingGates).toEqual([{ name: 'grove.io/podgang-pending-creation' }]);
      const owner = s.store.get('PodClique', `default/${pclq}`)!;
      expect(p.metadata!.ownerReferences).toEqual([expect.objectContaining({ kind: 'PodClique', name: pclq, uid: owner.metadata!.uid })]);
      // Pods carry the PodClique's labels plus podclique / pod index (§7).
      expect(p.metadata!.labels).toEqual({ ...owner.metadata!.labels, 'grove.io/podclique': pclq, 'grove.io/podclique-pod-index': index });
    }
    expect(pods.map((p) => p.spec.hostname).sort()).toEqual([
      'disagg-0-decode-0',
      'disagg-0-decode-1',
      'disagg-0-prefill-0-pleader-0',
      'disagg-0-prefill-0-pworker-0',
      'disagg-0-prefill-0-pworker-1',
      'disagg-0-prefill-0-pworker-2',
      'disagg-0-router-0',
    ]);
    // A uid per object, all distinct.
    const uids = (['PodCliqueSet', 'PodClique', 'PodCliqueScalingGroup', 'PodGang', 'Pod'] as const).flatMap((k) => all(s, k).map((o) => o.metadata!.uid));
    expect(new Set(uids).size).toBe(uids.length);
    await s.close();
  });

  it('moves every pod gated → scheduled → running → ready, children only after their parents are ready', async () => {
    const s = testCluster();
    await s.apply(kaiFixture(), { dryRun: false });
    const readyAt = new Map<string, number>();
    const runningAt = new Map<string, number>();
    const phases = new Set<string>();
    for (let step = 1; step <= 30; step++) {
      s.step();
      for (const p of all(s, 'Pod')) {
        const c = p.metadata!.labels!['grove.io/podclique']!;
        const stage = p.spec.schedulingGates ? 'gated' : !p.spec.nodeName ? 'ungated' : p.status.phase === 'Pending' ? 'scheduled' : ready(p) ? 'ready' : 'running';
        phases.add(stage);
        if (p.status.phase === 'Running' && !runningAt.has(c)) runningAt.set(c, step);
        if (ready(p) && !readyAt.has(c)) readyAt.set(c, step);
      }
    }
    expect(all(s, 'Pod').every(ready)).toBe(true);
    expect([...phases]).toEqual(expect.arrayContaining(['scheduled', 'running', 'ready']));
    // The first pworker starts only after pleader has its minAvailable (1) Ready; decode after router.
    expect(runningAt.get('disagg-0-prefill-0-pworker')!).toBeGreaterThan(readyAt.get('disagg-0-prefill-0-pleader')!);
    expect(runningAt.get('disagg-0-decode')!).toBeGreaterThan(readyAt.get('disagg-0-router')!);
    expect(readyAt.get('disagg-0-prefill-0-pworker')!).toBeGreaterThan(readyAt.get('disagg-0-prefill-0-pleader')!);
    // The prefill group's pods share one rack (required), the GPUs are 8 per node.
    const racks = new Set(byLabel(s, 'Pod', 'grove.io/podcliquescalinggroup', 'disagg-0-prefill').map((p) => p.spec.nodeName.replace(/-n\d+$/, '')));
    expect(racks.size).toBe(1);
    // Statuses as the operator keeps them.
    const pcs = s.store.get('PodCliqueSet', 'default/disagg') as Obj;
    expect(pcs.status).toMatchObject({ replicas: 1, availableReplicas: 1, observedGeneration: 1 });
    const worker = s.store.get('PodClique', 'default/disagg-0-prefill-0-pworker') as Obj;
    expect(worker.status).toMatchObject({ replicas: 3, readyReplicas: 3, scheduledReplicas: 3, scheduleGatedReplicas: 0 });
    expect(worker.status.conditions).toEqual([
      expect.objectContaining({ type: 'PodCliqueScheduled', status: 'True', reason: 'SufficientScheduledPods' }),
      expect.objectContaining({ type: 'MinAvailableBreached', status: 'False', reason: 'SufficientReadyPods' }),
    ]);
    expect(worker.status.hpaPodSelector).toBeUndefined();
    expect((s.store.get('PodClique', 'default/disagg-0-router') as Obj).status.hpaPodSelector).toBe(
      'app.kubernetes.io/managed-by=grove-operator,app.kubernetes.io/part-of=disagg,grove.io/podclique=disagg-0-router',
    );
    expect((s.store.get('PodCliqueScalingGroup', 'default/disagg-0-prefill') as Obj).status).toMatchObject({ replicas: 1, scheduledReplicas: 1, availableReplicas: 1 });
    // The PodGang keeps what the operator writes (API-NOTES §9): phase Pending and Initialized, nothing a scheduler would add.
    const gangStatus = (s.store.get('PodGang', 'default/disagg-0') as Obj).status;
    expect(gangStatus.phase).toBe('Pending');
    expect(gangStatus.conditions).toEqual([expect.objectContaining({ type: 'Initialized', status: 'True', reason: 'PodGangPodsCreated' })]);
    const reasons = all(s, 'Event').map((e) => e.reason);
    expect(reasons).toEqual(expect.arrayContaining(['Created', 'SuccessfulCreate', 'Scheduled', 'WaitingForParents']));
    await s.close();
  });

  it('right after apply the PodClique reports its pods as schedule-gated, and (nothing scheduled) not MinAvailableBreached, as Grove says', async () => {
    const s = testCluster();
    await s.apply(fixture(), { dryRun: false });
    const decode = s.store.get('PodClique', 'default/disagg-0-decode') as Obj;
    expect(decode.status).toMatchObject({ replicas: 2, readyReplicas: 0, scheduledReplicas: 0, scheduleGatedReplicas: 2 });
    expect(decode.status.conditions[1]).toMatchObject({ type: 'MinAvailableBreached', status: 'False', reason: 'InsufficientScheduledPods' });
    await s.close();
  });

  it('refuses a PodCliqueSet naming a ClusterTopologyBinding the cluster lacks, as Grove’s webhook does (API-NOTES §5.3)', async () => {
    const s = testCluster();
    const pcs = fixture() as any;
    pcs.spec.template.topologyConstraint.topologyName = 'no-such-binding';
    for (const dryRun of [true, false]) {
      const err = await rejected(s.apply(pcs, { dryRun }));
      expect(err.status).toBe(422);
      expect(err.reason).toBe('Invalid');
      expect(err.message).toContain('ClusterTopologyBinding "no-such-binding" not found');
    }
    expect(s.store.count('PodCliqueSet')).toBe(0);
    expect(s.store.count('Pod')).toBe(0);
    // Once the binding exists, the same manifest is admitted.
    const binding = s.store.get('ClusterTopologyBinding', 'canopy-test') as Obj;
    await s.apply({ apiVersion: binding.apiVersion, kind: 'ClusterTopologyBinding', metadata: { name: 'no-such-binding' }, spec: binding.spec } as Obj, { dryRun: false });
    expect((await s.apply(pcs, { dryRun: false })).after.metadata?.name).toBe('disagg');
    await s.close();
  });

  it('dry-run stores nothing; a second apply of the same manifest is unchanged; invalid manifests are refused with 422 and field paths', async () => {
    const s = testCluster();
    const dry = await s.apply(fixture(), { dryRun: true });
    expect(dry.dryRun).toBe(true);
    expect((dry.after as Obj).spec.template.cliques[0].spec.minAvailable).toBe(1);
    expect(s.store.count('PodCliqueSet')).toBe(0);
    expect(s.store.count('Pod')).toBe(0);
    await s.apply(fixture(), { dryRun: false });
    const rv = s.store.resourceVersion;
    const again = await s.apply(fixture(), { dryRun: false });
    expect(again.unchanged).toBe(true);
    expect(s.store.resourceVersion).toBe(rv);

    const bad = fixture() as any;
    bad.spec.template.cliques[1].spec.minAvailable = 5;
    bad.metadata.name = 'bad';
    const err = await rejected(s.apply(bad, { dryRun: false }));
    expect(err.status).toBe(422);
    expect(err.reason).toBe('Invalid');
    expect(err.causes!.some((c) => c.field === 'spec.template.cliques[1].spec.minAvailable')).toBe(true);
    expect(s.store.get('PodCliqueSet', 'default/bad')).toBeUndefined();

    // Immutable fields are checked with validateUpdate.
    const changed = fixture() as any;
    changed.spec.template.cliqueStartupType = 'CliqueStartupTypeInOrder';
    const immut = await rejected(s.apply(changed, { dryRun: false }));
    expect(immut.status).toBe(422);

    // Objects the operator generates are protected.
    const pclq = s.store.get('PodClique', 'default/disagg-0-router')!;
    expect((await rejected(s.apply(pclq, { dryRun: false }))).status).toBe(403);
    await s.close();
  });

  it('an update through apply keeps uid and status, bumps the generation and reconciles (replicas 1 → 2)', async () => {
    const s = testCluster();
    await s.apply(fixture(), { dryRun: false });
    s.settle();
    const before = s.store.get('PodCliqueSet', 'default/disagg') as Obj;
    expect((await s.apply(fixture(), { dryRun: false })).unchanged).toBe(true);
    const two = fixture() as any;
    two.spec.replicas = 2;
    const dry = await s.apply(two, { dryRun: true });
    expect(dry).toMatchObject({ unchanged: false, dryRun: true });
    expect(s.store.count('PodClique')).toBe(4);
    const r = await s.apply(two, { dryRun: false });
    expect(r.before!.metadata!.uid).toBe(before.metadata!.uid);
    expect(r.after.metadata).toMatchObject({ uid: before.metadata!.uid, generation: 2 });
    expect(s.store.count('PodClique')).toBe(8);
    s.settle();
    expect((s.store.get('PodCliqueSet', 'default/disagg') as Obj).status).toMatchObject({ observedGeneration: 2, replicas: 2, availableReplicas: 2 });
    await s.close();
  });

  it('apply lists what changes field by field (the Apply panel’s diff): a changed field by its path, nothing when unchanged', async () => {
    const s = testCluster();
    await s.apply(fixture(), { dryRun: false });
    s.settle();
    expect((await s.apply(fixture(), { dryRun: false })).changes).toEqual([]);
    const more = fixture() as any;
    more.spec.template.cliques[3].spec.replicas = 3; // decode 2 → 3
    more.metadata.labels = { team: 'inference' };
    const expected = [
      { path: 'metadata.labels', new: { team: 'inference' } },
      { path: 'spec.template.cliques[name="decode"].spec.replicas', old: 2, new: 3 },
    ];
    const dry = await s.apply(more, { dryRun: true });
    expect(dry).toMatchObject({ unchanged: false, dryRun: true });
    expect(dry.changes).toEqual(expected);
    const applied = await s.apply(more, { dryRun: false });
    expect(applied.changes).toEqual(expected);
    expect((await s.apply(more, { dryRun: false })).changes).toEqual([]);
    await s.close();
  });

  /** The fixture as `huge`, its decode pods asking 16 GPUs (no 8-GPU node holds one), applied and settled. */
  async function appliedHuge(pcs: PodCliqueSet): Promise<SimulatedSource> {
    const s = testCluster();
    const huge = pcs as any;
    huge.metadata.name = 'huge';
    huge.spec.template.cliques[3].spec.podSpec.containers[0].resources.limits['nvidia.com/gpu'] = '16';
    await s.apply(huge, { dryRun: false });
    s.settle(40);
    return s;
  }

  it('a stack that cannot fit stays Pending with a FailedScheduling Event carrying the engine’s reason', async () => {
    const s = await appliedHuge(kaiFixture());
    const pods = all(s, 'Pod');
    expect(pods).toHaveLength(7);
    expect(pods.every((p) => !p.spec.nodeName && p.status.phase === 'Pending')).toBe(true);
    const expected = placeGangs(s.clusterState(), expandPodGangs(s.store.get('PodCliqueSet', 'default/huge') as PodCliqueSet), { bySchedulerName: true }).gangs[0]!;
    expect(expected.placed).toBe(false);
    const events = all(s, 'Event').filter((e) => e.reason === 'FailedScheduling');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'Warning', involvedObject: { kind: 'PodGang', name: 'huge-0' }, message: expected.reason });
    expect(pods[0]!.status.conditions).toContainEqual(expect.objectContaining({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: expected.reason }));
    expect((s.store.get('PodGang', 'default/huge-0') as Obj).status.phase).toBe('Pending');
    // Deleting it frees the way for a stack that fits.
    await s.delete('PodCliqueSet', 'default', 'huge', { dryRun: false });
    await s.apply(fixture(), { dryRun: false });
    s.settle();
    expect(all(s, 'Pod').every(ready)).toBe(true);
    await s.close();
  });

  it('on default-scheduler (no schedulerName) the pods that fit run while the rest stay Pending: no gang, no all-or-nothing', async () => {
    const s = await appliedHuge(fixture());
    const pods = all(s, 'Pod');
    expect(pods).toHaveLength(7);
    const decode = pods.filter((p) => p.metadata!.labels!['grove.io/podclique'] === 'huge-0-decode');
    const others = pods.filter((p) => !decode.includes(p));
    expect(decode.every((p) => !p.spec.nodeName && p.status.phase === 'Pending')).toBe(true);
    expect(others.every(ready)).toBe(true);
    expect(decode[0]!.status.conditions).toContainEqual(expect.objectContaining({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }));
    const failed = all(s, 'Event').filter((e) => e.reason === 'FailedScheduling');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.message).toMatch(/^2 pods do not fit, huge-0-decode-\d first: /);
    expect((s.store.get('PodGang', 'default/huge-0') as Obj).status.phase).toBe('Pending');
    await s.close();
  });

  it('on default-scheduler the topology constraints are ignored: a prefill group no rack can hold still runs', async () => {
    const gb = (s: SimulatedSource) => new Set(byLabel(s, 'Pod', 'grove.io/podcliquescalinggroup', 'disagg-0-prefill').map((p) => p.spec.nodeName?.replace(/-n\d+$/, '')));
    // 1 leader + 4 workers × 8 GPUs = 40 GPUs, required in one rack of 32.
    const wide = (pcs: any) => {
      pcs.spec.template.cliques[2].spec.replicas = 4;
      pcs.spec.template.cliques[2].spec.minAvailable = 4;
      return pcs;
    };
    const kube = testCluster();
    await kube.apply(wide(fixture()), { dryRun: false });
    kube.settle();
    expect(all(kube, 'Pod').every(ready)).toBe(true);
    expect(gb(kube).size).toBeGreaterThan(1);
    await kube.close();

    const kai = testCluster();
    await kai.apply(wide(kaiFixture()), { dryRun: false });
    kai.settle(40);
    expect(all(kai, 'Pod').some(ready)).toBe(false);
    expect(all(kai, 'Event').find((e) => e.reason === 'FailedScheduling')?.message).toMatch(/rack/);
    await kai.close();
  });
});

describe('the clock', () => {
  it('with tickMs the pods move on by themselves and quiet watches get bookmarks', async () => {
    const s = testCluster({ tickMs: 5 });
    const bookmarks: WatchEvent[] = [];
    await s.watch('Node', String(s.store.resourceVersion), (e) => bookmarks.push(e), () => {});
    await s.apply(fixture(), { dryRun: false });
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && !(all(s, 'Pod').length === 7 && all(s, 'Pod').every(ready))) await new Promise((r) => setTimeout(r, 10));
    expect(all(s, 'Pod').every(ready)).toBe(true);
    expect(bookmarks.length).toBeGreaterThan(0);
    expect(bookmarks.every((e) => e.type === 'BOOKMARK')).toBe(true);
    await s.close();
  });
});

describe('pods outside any PodGang', () => {
  it('are scheduled one by one like kube-scheduler would, or stay Pending with the reason', async () => {
    const s = testCluster();
    const pod = (name: string, gpus: number) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: { containers: [{ name: 'c', image: 'x', resources: { limits: { 'nvidia.com/gpu': String(gpus) } } }] },
    });
    await s.apply(pod('small', 4), { dryRun: false });
    await s.apply(pod('giant', 100), { dryRun: false });
    expect((await rejected(s.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'nospec' } }, { dryRun: false }))).status).toBe(422);
    s.settle();
    const small = s.store.get('Pod', 'default/small') as Obj;
    expect(small.spec.nodeName).toBeTruthy();
    expect(ready(small)).toBe(true);
    const giant = s.store.get('Pod', 'default/giant') as Obj;
    expect(giant.spec.nodeName).toBeUndefined();
    const failed = all(s, 'Event').filter((e) => e.reason === 'FailedScheduling');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ involvedObject: { kind: 'Pod', name: 'giant' } });
    expect(failed[0]!.message).toMatch(/GPU/i);
    await s.close();
  });
});

describe('scale and delete', () => {
  async function running(): Promise<SimulatedSource> {
    const s = testCluster();
    await s.apply(fixture(), { dryRun: false });
    s.settle();
    return s;
  }
  const snapshotNames = (s: SimulatedSource): Record<string, string[]> => ({
    PodClique: names(s, 'PodClique'),
    PodCliqueScalingGroup: names(s, 'PodCliqueScalingGroup'),
    PodGang: names(s, 'PodGang'),
    Pod: all(s, 'Pod').map((p) => p.spec.hostname as string).sort(),
  });
  const diff = (after: Record<string, string[]>, before: Record<string, string[]>) =>
    Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v.filter((n) => !before[k]!.includes(n))]));

  it('PCS 1 → 2 adds a whole replica; back to 1 removes it', async () => {
    const s = await running();
    const before = snapshotNames(s);
    expect(await s.scale('PodCliqueSet', 'default', 'disagg', 2, { dryRun: true })).toMatchObject({ from: 1, to: 2, dryRun: true });
    expect(snapshotNames(s)).toEqual(before);
    expect(await s.scale('PodCliqueSet', 'default', 'disagg', 2, { dryRun: false })).toEqual({ kind: 'PodCliqueSet', namespace: 'default', name: 'disagg', from: 1, to: 2, dryRun: false });
    expect(diff(snapshotNames(s), before)).toEqual({
      PodClique: ['disagg-1-decode', 'disagg-1-prefill-0-pleader', 'disagg-1-prefill-0-pworker', 'disagg-1-router'],
      PodCliqueScalingGroup: ['disagg-1-prefill'],
      PodGang: ['disagg-1'],
      Pod: ['disagg-1-decode-0', 'disagg-1-decode-1', 'disagg-1-prefill-0-pleader-0', 'disagg-1-prefill-0-pworker-0', 'disagg-1-prefill-0-pworker-1', 'disagg-1-prefill-0-pworker-2', 'disagg-1-router-0'],
    });
    expect(byLabel(s, 'Pod', 'grove.io/podcliqueset-replica-index', '1').every((p) => p.spec.subdomain === 'disagg-1')).toBe(true);
    s.settle();
    expect(all(s, 'Pod').every(ready)).toBe(true);
    expect((s.store.get('PodCliqueSet', 'default/disagg') as Obj).status).toMatchObject({ replicas: 2, availableReplicas: 2 });
    await s.scale('PodCliqueSet', 'default', 'disagg', 1, { dryRun: false });
    expect(snapshotNames(s)).toEqual(before);
    await s.close();
  });

  it('PCSG 1 → 2 adds a scaled gang that waits for its base gang; back to 1 removes it', async () => {
    const s = await running();
    const before = snapshotNames(s);
    await s.scale('PodCliqueScalingGroup', 'default', 'disagg-0-prefill', 2, { dryRun: false });
    expect(diff(snapshotNames(s), before)).toEqual({
      PodClique: ['disagg-0-prefill-1-pleader', 'disagg-0-prefill-1-pworker'],
      PodCliqueScalingGroup: [],
      PodGang: ['disagg-0-prefill-0'],
      Pod: ['disagg-0-prefill-1-pleader-0', 'disagg-0-prefill-1-pworker-0', 'disagg-0-prefill-1-pworker-1', 'disagg-0-prefill-1-pworker-2'],
    });
    const scaled = byLabel(s, 'Pod', 'grove.io/podcliquescalinggroup-replica-index', '1');
    expect(scaled.every((p) => p.metadata!.labels!['grove.io/podgang'] === 'disagg-0-prefill-0' && p.metadata!.labels!['grove.io/base-podgang'] === 'disagg-0')).toBe(true);
    s.settle();
    expect(all(s, 'Pod').every(ready)).toBe(true);
    expect((s.store.get('PodCliqueScalingGroup', 'default/disagg-0-prefill') as Obj).status).toMatchObject({ replicas: 2, availableReplicas: 2 });
    await s.scale('PodCliqueScalingGroup', 'default', 'disagg-0-prefill', 1, { dryRun: false });
    expect(snapshotNames(s)).toEqual(before);
    await s.close();
  });

  it('a scaled gang stays gated while its base gang is not scheduled', async () => {
    const s = testCluster();
    const pcs = fixture() as any;
    pcs.spec.template.podCliqueScalingGroups[0].replicas = 2;
    await s.apply(pcs, { dryRun: false });
    s.step(); // base pods ungated; scaled pods wait for the base gang to be scheduled
    const scaled = byLabel(s, 'Pod', 'grove.io/podgang', 'disagg-0-prefill-0');
    expect(scaled).toHaveLength(4);
    expect(scaled.every((p) => p.spec.schedulingGates?.length === 1)).toBe(true);
    expect(byLabel(s, 'Pod', 'grove.io/podgang', 'disagg-0').every((p) => !p.spec.schedulingGates)).toBe(true);
    s.settle();
    expect(all(s, 'Pod').every(ready)).toBe(true);
    await s.close();
  });

  it('a standalone PodClique 2 → 3 adds one pod with the next index', async () => {
    const s = await running();
    const before = snapshotNames(s);
    await s.scale('PodClique', 'default', 'disagg-0-decode', 3, { dryRun: false });
    expect(diff(snapshotNames(s), before)).toEqual({ PodClique: [], PodCliqueScalingGroup: [], PodGang: [], Pod: ['disagg-0-decode-2'] });
    const gang = s.store.get('PodGang', 'default/disagg-0') as Obj;
    expect(gang.spec.podgroups.find((g: any) => g.name === 'disagg-0-decode').podReferences).toHaveLength(3);
    s.settle();
    expect(all(s, 'Pod').every(ready)).toBe(true);
    await s.scale('PodClique', 'default', 'disagg-0-decode', 2, { dryRun: false });
    expect(snapshotNames(s)).toEqual(before);

    expect((await rejected(s.scale('PodClique', 'default', 'nope', 1, { dryRun: false }))).status).toBe(404);
    expect((await rejected(s.scale('PodCliqueSet', 'default', 'disagg', -1, { dryRun: false }))).status).toBe(422);
    await s.close();
  });

  it('Canopy scales a scaling group, not one of its members (the same refusal as the live action layer)', async () => {
    const s = await running();
    const failure = await rejected(s.scale('PodClique', 'default', 'disagg-0-prefill-0-pworker', 5, { dryRun: true }));
    expect(failure).toMatchObject({ status: 422, reason: 'ScalingGroupMember' });
    expect(failure.message).toContain('disagg-0-prefill');
    expect((s.store.get('PodClique', 'default/disagg-0-prefill-0-pworker') as Obj).spec.replicas).toBe(3);
    // In the live action layer's order: a replica count out of range is refused as such first.
    expect(await rejected(s.scale('PodClique', 'default', 'disagg-0-prefill-0-pworker', -1, { dryRun: true }))).toMatchObject({ status: 422, reason: 'Invalid' });
    await s.close();
  });

  it('a PodClique of a scaling group is scaled like the real apiserver does (API-NOTES §14): accepted, its pods follow', async () => {
    const s = await running();
    const before = snapshotNames(s);
    const member = 'disagg-0-prefill-0-pworker';
    const dry = await s.scaleAsApiserver('PodClique', 'default', member, 5, { dryRun: true });
    expect(dry).toMatchObject({ kind: 'PodClique', name: member, from: 3, to: 5, dryRun: true });
    expect(snapshotNames(s)).toEqual(before);
    const result = await s.scaleAsApiserver('PodClique', 'default', member, 5, { dryRun: false });
    expect(result).toMatchObject({ from: 3, to: 5, dryRun: false });
    const pclq = s.store.get('PodClique', `default/${member}`) as Obj;
    expect(pclq.spec.replicas).toBe(5);
    expect(pclq.metadata!.generation).toBe(2);
    expect(diff(snapshotNames(s), before)).toEqual({ PodClique: [], PodCliqueScalingGroup: [], PodGang: [], Pod: [`${member}-3`, `${member}-4`] });
    // The group itself is untouched: same replicas, the other member as it was.
    expect((s.store.get('PodCliqueScalingGroup', 'default/disagg-0-prefill') as Obj).spec.replicas).toBe(1);
    expect((s.store.get('PodClique', 'default/disagg-0-prefill-0-pleader') as Obj).spec.replicas).toBe(1);
    s.settle();
    expect(all(s, 'Pod').every(ready)).toBe(true);
    await s.scaleAsApiserver('PodClique', 'default', member, 3, { dryRun: false });
    expect(snapshotNames(s)).toEqual(before);
    await s.close();
  });

  it('delete cascades to every generated object; a deleted pod is recreated by the operator', async () => {
    const s = await running();
    const victim = all(s, 'Pod').find((p) => p.spec.hostname === 'disagg-0-router-0')!;
    await s.delete('Pod', 'default', victim.metadata!.name!, { dryRun: false });
    const replacement = all(s, 'Pod').find((p) => p.spec.hostname === 'disagg-0-router-0')!;
    expect(replacement.metadata!.name).not.toBe(victim.metadata!.name);
    expect(replacement.spec.schedulingGates).toHaveLength(1);
    s.settle();
    await s.delete('PodCliqueSet', 'default', 'disagg', { dryRun: true });
    expect(s.store.count('Pod')).toBe(7);
    await s.delete('PodCliqueSet', 'default', 'disagg', { dryRun: false });
    for (const k of ['PodCliqueSet', 'PodClique', 'PodCliqueScalingGroup', 'PodGang', 'Pod'] as const) expect(s.store.count(k), k).toBe(0);
    expect((await rejected(s.delete('PodCliqueSet', 'default', 'disagg', { dryRun: false }))).status).toBe(404);
    await s.close();
  });

  it('delete with a uid precondition refuses a namesake recreated since (409, in the apiserver\'s words), dry run or not, and deletes the object of that uid', async () => {
    const s = await running();
    const first = s.store.get('PodCliqueSet', 'default/disagg')!.metadata!.uid!;
    await s.delete('PodCliqueSet', 'default', 'disagg', { dryRun: false, uid: first });
    expect(s.store.count('PodCliqueSet')).toBe(0);

    const second = (await s.apply(fixture(), { dryRun: false })).after.metadata!.uid!;
    expect(second).not.toBe(first);
    const message = `Operation cannot be fulfilled on PodCliqueSet.grove.io "disagg": the UID in the precondition (${first}) does not match the UID in record (${second}). The object might have been deleted and then recreated`;
    for (const dryRun of [true, false]) expect(await rejected(s.delete('PodCliqueSet', 'default', 'disagg', { dryRun, uid: first }))).toMatchObject({ status: 409, reason: 'Conflict', message });
    expect(s.store.get('PodCliqueSet', 'default/disagg')?.metadata?.uid).toBe(second);
    expect(s.store.count('PodClique')).toBeGreaterThan(0);

    await s.delete('PodCliqueSet', 'default', 'disagg', { dryRun: false, uid: second });
    expect(s.store.count('PodCliqueSet')).toBe(0);
    await s.close();
  });
});

describe('Namespaces in a manifest', () => {
  const namespace = (name: string, labels?: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(labels ? { labels } : {}) } });

  it('a new Namespace is created, then unchanged; a dry run reports it the same way and keeps nothing', async () => {
    const s = testCluster();
    for (let i = 0; i < 2; i++) {
      const dry = await s.apply(namespace('apps'), { dryRun: true });
      expect(dry).toMatchObject({ kind: 'Namespace', name: 'apps', before: null, dryRun: true, unchanged: false });
      expect(dry.namespace).toBeUndefined();
    }
    const created = await s.apply(namespace('apps'), { dryRun: false });
    expect(created).toMatchObject({ kind: 'Namespace', name: 'apps', before: null, dryRun: false, unchanged: false, after: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } } });
    for (const dryRun of [true, false]) {
      const again = await s.apply(namespace('apps'), { dryRun });
      expect(again).toMatchObject({ name: 'apps', unchanged: true, changes: [] });
      expect(again.before).not.toBeNull();
    }
    // A label is a change, listed like any other; the namespaces every cluster has already exist.
    expect((await s.apply(namespace('apps', { team: 'inference' }), { dryRun: false })).changes).toEqual([{ path: 'metadata.labels', new: { team: 'inference' } }]);
    expect(await s.apply(namespace('default'), { dryRun: true })).toMatchObject({ unchanged: true });
    const bad = await rejected(s.apply(namespace('Not_A_Label'), { dryRun: true }));
    expect(bad).toMatchObject({ status: 422, reason: 'Invalid', causes: [{ field: 'metadata.name' }] });
    expect((await rejected(s.apply({ apiVersion: 'v2', kind: 'Namespace', metadata: { name: 'x' } }, { dryRun: true }))).status).toBe(400);
    await s.close();
  });

  it('a Namespace + PodCliqueSet file applies as a whole, the Namespace first, dry run or not', async () => {
    const s = testCluster();
    const text = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n---\n${readFileSync(FIXTURE, 'utf8').replace(/^  name: disagg$/m, '  name: disagg\n  namespace: apps')}`;
    for (const dryRun of [true, false]) {
      const results = await applyManifests(s, text, { dryRun });
      expect(results.map((r) => [r.kind, r.namespace, r.name, r.before, r.unchanged])).toEqual([
        ['Namespace', undefined, 'apps', null, false],
        ['PodCliqueSet', 'apps', 'disagg', null, false],
      ]);
    }
    expect(s.store.get('PodCliqueSet', 'apps/disagg')).toBeDefined();
    expect(byLabel(s, 'Pod', 'app.kubernetes.io/part-of', 'disagg').every((p) => p.metadata!.namespace === 'apps')).toBe(true);
    expect((await applyManifests(s, text, { dryRun: false })).map((r) => r.unchanged)).toEqual([true, true]);
    await s.close();
  });
});

describe('bounds: what one apply or scale may ask the simulator to build', () => {
  it('refuses a PodCliqueSet beyond the pod budget, dry run or not, counted from the spec before anything is built', async () => {
    const s = testCluster();
    const huge = fixture() as any;
    huge.spec.replicas = 1_000_000;
    const dry = await rejected(s.apply(huge, { dryRun: true }));
    expect(dry).toMatchObject({ status: 422, reason: 'Invalid', causes: [{ field: 'spec.replicas' }] });
    expect(dry.message).toBe(
      `PodCliqueSet disagg would create 7,000,000 pods (1,000,000 replicas × 7 pods each), over the limit of ${MAX_PODS.toLocaleString('en-US')} pods per PodCliqueSet that Canopy builds itself (previews and the simulated cluster)`,
    );
    expect((await rejected(s.apply(huge, { dryRun: false }))).message).toBe(dry.message);
    // An update past the budget is refused too, and the running stack is left as it was.
    await s.apply(fixture(), { dryRun: false });
    huge.spec.replicas = 715; // 5,005 pods
    expect((await rejected(s.apply(huge, { dryRun: false }))).message).toMatch(/would create 5,005 pods/);
    expect(s.store.count('Pod')).toBe(7);
    await s.close();
  });

  it('refuses a scale beyond MAX_REPLICAS, and one that would take the PodCliqueSet beyond the pod budget', async () => {
    const s = testCluster();
    await s.apply(fixture(), { dryRun: false });
    s.settle();
    const range = await rejected(s.scale('PodCliqueSet', 'default', 'disagg', MAX_REPLICAS + 1, { dryRun: true }));
    expect(range).toMatchObject({ status: 422, reason: 'Invalid', causes: [{ field: 'spec.replicas', message: 'must be a whole number from 0 to 10,000' }] });
    for (const dryRun of [true, false]) {
      const err = await rejected(s.scale('PodCliqueSet', 'default', 'disagg', 2_000, { dryRun }));
      expect(err.status).toBe(422);
      expect(err.message).toMatch(/^scaling PodCliqueSet disagg to 2,000 replicas would give PodCliqueSet disagg 14,000 pods, over the limit of 5,000 pods/);
    }
    // A scaling group replica adds 4 pods (pleader 1 + pworker 3); a PodClique replica one.
    expect((await rejected(s.scale('PodCliqueScalingGroup', 'default', 'disagg-0-prefill', 1_250, { dryRun: false }))).message).toMatch(/5,003 pods/);
    expect((await rejected(s.scale('PodClique', 'default', 'disagg-0-decode', 4_996, { dryRun: false }))).message).toMatch(/5,001 pods/);
    expect(s.store.count('Pod')).toBe(7);
    expect(s.store.count('PodGang')).toBe(1);
    await s.close();
  });
});

describe('list and watch', () => {
  it('paginates with limit/continue and a watch from the list’s resourceVersion delivers every later change in order', async () => {
    const s = testCluster();
    await s.apply(fixture(), { dryRun: false });
    s.step();
    // Paginated list of pods, 3 per page.
    const items: KubeObject[] = [];
    let page = await s.list('Pod', { limit: 3 });
    const listRv = page.resourceVersion;
    items.push(...page.items);
    let pages = 1;
    while (page.continue) {
      page = await s.list('Pod', { limit: 3, continue: page.continue });
      expect(page.resourceVersion).toBe(listRv);
      items.push(...page.items);
      pages++;
    }
    expect(pages).toBe(3);
    expect(items.map(objectKey).sort()).toEqual(all(s, 'Pod').map(objectKey).sort());
    expect(items.every((i) => i.kind === 'Pod' && i.apiVersion === 'v1')).toBe(true);

    const events: WatchEvent[] = [];
    const ends: WatchEnd[] = [];
    const handle = await s.watch('Pod', listRv, (e) => events.push(e), (e) => ends.push(e));
    s.settle();
    await s.scale('PodClique', 'default', 'disagg-0-decode', 3, { dryRun: false });
    s.settle();
    await s.delete('PodCliqueSet', 'default', 'disagg', { dryRun: false });
    const rvs = events.map((e) => Number(e.object.metadata!.resourceVersion));
    expect(rvs.every((rv, i) => i === 0 || rv > rvs[i - 1]!)).toBe(true);
    expect(events.some((e) => e.type === 'ADDED')).toBe(true);
    expect(events.filter((e) => e.type === 'DELETED')).toHaveLength(8);
    // list + events reproduce the store at every point: here, empty at the end.
    const mirror = new Map(items.map((i) => [objectKey(i), i]));
    for (const e of events) e.type === 'DELETED' ? mirror.delete(objectKey(e.object)) : mirror.set(objectKey(e.object), e.object);
    expect(mirror.size).toBe(0);

    // A second watcher from the same resourceVersion replays exactly the same events.
    const replay: WatchEvent[] = [];
    const h2 = await s.watch('Pod', listRv, (e) => replay.push(e), () => {});
    expect(replay).toEqual(events);
    handle.stop();
    h2.stop();
    await s.scale('PodCliqueSet', 'default', 'disagg', 1, { dryRun: false }).catch(() => undefined);
    expect(ends).toEqual([]);
    await s.close();
  });

  it('bookmarks bring a quiet watch up to the current resourceVersion, once', async () => {
    const s = testCluster();
    const page = await s.list('Node', { limit: 500 });
    const events: WatchEvent[] = [];
    await s.watch('Node', page.resourceVersion, (e) => events.push(e), () => {});
    s.store.bookmark();
    expect(events).toEqual([]); // nothing happened since the list
    await s.apply(fixture(), { dryRun: false });
    s.store.bookmark();
    s.store.bookmark();
    expect(events).toEqual([{ type: 'BOOKMARK', object: { apiVersion: 'v1', kind: 'Node', metadata: { resourceVersion: String(s.store.resourceVersion) } } }]);
    // Watching from the bookmark's resourceVersion replays nothing and misses nothing.
    const later: WatchEvent[] = [];
    await s.watch('Node', events[0]!.object.metadata!.resourceVersion!, (e) => later.push(e), () => {});
    expect(later).toEqual([]);
    await s.close();
  });

  it('deleting a node removes the pods bound to it; the operator recreates them and they are placed elsewhere', async () => {
    const s = testCluster();
    await s.apply(fixture(), { dryRun: false });
    s.settle();
    const router = all(s, 'Pod').find((p) => p.spec.hostname === 'disagg-0-router-0')!;
    const node = router.spec.nodeName as string;
    await s.delete('Node', undefined, node, { dryRun: false });
    expect(s.store.get('Node', node)).toBeUndefined();
    s.settle();
    const pods = all(s, 'Pod');
    expect(pods.map((p) => p.spec.hostname).sort()).toContain('disagg-0-router-0');
    expect(pods.every((p) => p.spec.nodeName !== node && ready(p))).toBe(true);
    await s.close();
  });

  it('ends a watch from a resourceVersion older than the retained history with gone', async () => {
    const s = testCluster({ historyLimit: 50 });
    await s.apply(fixture(), { dryRun: false });
    s.settle();
    const ends: WatchEnd[] = [];
    const events: WatchEvent[] = [];
    await s.watch('Pod', '1', (e) => events.push(e), (e) => ends.push(e));
    await new Promise((r) => setTimeout(r, 0));
    expect(ends).toEqual([expect.objectContaining({ reason: 'gone' })]);
    expect(events).toEqual([]);
    // A fresh list's resourceVersion still works.
    const page = await s.list('Pod', { limit: 100 });
    const live: WatchEvent[] = [];
    await s.watch('Pod', page.resourceVersion, (e) => live.push(e), (e) => ends.push(e));
    await s.scale('PodClique', 'default', 'disagg-0-decode', 3, { dryRun: false });
    expect(live.map((e) => e.type)).toEqual(['ADDED']);
    // close() ends open watches with `closed`.
    await s.close();
    expect(ends.at(-1)).toEqual({ reason: 'closed' });
  });
});
