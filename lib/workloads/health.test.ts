import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../grove/meta';
import type { PodCliqueSet } from '../grove/podcliqueset';
import { DEMO_GB200, demoSnapshot, demoStacks } from '../topology/demo';
import { GPU_PRODUCT_LABEL } from '../topology/spec';
import type { ClusterState } from '../cluster/state';
import { boundPod } from '../placement/testkit';
import { clusterStateFromSnapshot, podInfoFromPod, snapshotFromTopologySpec } from '../topology/snapshot';
import { boundPodsByGang } from '../placement/pin';
import { gangsThatNeverFit, PROGRESS_DEADLINE_MS, UNSCHEDULABLE_GRACE_MS, workloadHealth } from './health';
import { isLiveStage, isUnschedulable } from './pods';
import { unmetRequiredPacks } from './packs';
import { stackObjects } from './testkit';
import { buildWorkloadTree } from './tree';

const [disagg, wide, agg] = demoStacks() as [PodCliqueSet, PodCliqueSet, PodCliqueSet];

type Objects = ReturnType<typeof stackObjects>;
const health = (o: Objects, state?: Parameters<typeof workloadHealth>[1], now?: number) => workloadHealth(buildWorkloadTree(o.pcs, o), state, now);
const hostname = (pod: KubeObject) => pod.metadata!.name!.replace(/-x\d+$/, '');

/** Marks a PodClique or scaling group MinAvailableBreached=True with `reason`, as the operator does. */
function breach(objects: Objects, kind: 'podCliques' | 'podCliqueScalingGroups', name: string, reason: string): void {
  const o = objects[kind].find((x) => x.metadata?.name === name) as KubeObject & { status?: Record<string, unknown> };
  o.status = { ...o.status, conditions: [{ type: 'MinAvailableBreached', status: 'True', reason, message: '', lastTransitionTime: '2026-01-01T00:00:00Z' }] };
}

/** Every pod created at T0 (as the apiserver stamps it); Ready=False pods went unready at T0 too. */
function created(o: Objects, iso = '2026-01-01T00:00:00Z'): Objects {
  for (const pod of o.pods as (KubeObject & { status: { conditions: { type: string; status: string; lastTransitionTime?: string }[] } })[]) {
    pod.metadata = { ...pod.metadata, creationTimestamp: iso };
    pod.status.conditions = pod.status.conditions.map((c) => (c.type === 'Ready' && c.status === 'False' ? { ...c, lastTransitionTime: iso } : c));
  }
  return o;
}

/** The pod's PodScheduled condition dropped: Pending, and the scheduler has not said no (yet). */
function notYetTried(objects: Objects, host: string): void {
  const pod = objects.pods.find((p) => hostname(p) === host) as KubeObject & { status: { conditions: { type: string }[] } };
  pod.status.conditions = pod.status.conditions.filter((c) => c.type !== 'PodScheduled');
}

describe('workloadHealth: starting is not degraded', () => {
  it('a new stack whose pods are gated, just created or starting is progressing, with one calm note and no MinAvailableBreached wording', () => {
    const stages: Record<string, 'gated' | 'pending' | 'scheduled' | 'running'> = { 'mixtral-agg-0-worker-0': 'gated', 'mixtral-agg-0-worker-1': 'pending', 'mixtral-agg-1-worker-0': 'scheduled', 'mixtral-agg-1-worker-1': 'running' };
    const o = stackObjects(agg, { stage: (h) => stages[h]! });
    notYetTried(o, 'mixtral-agg-0-worker-1');
    breach(o, 'podCliques', 'mixtral-agg-0-worker', 'ScheduledReplicasBelowMinAvailable');
    breach(o, 'podCliques', 'mixtral-agg-1-worker', 'InsufficientReadyPods');
    const h = health(o);
    expect(h.state).toBe('progressing');
    expect(h.notes).toEqual([{ severity: 'info', text: 'Starting: 0 of 4 pods ready; below minAvailable until their pods are ready: mixtral-agg-0-worker, mixtral-agg-1-worker' }]);
    expect(h.problems.join(' ')).not.toMatch(/MinAvailableBreached|unschedulable/);
  });

  it('a clique or scaling group with nothing scheduled (Grove: MinAvailableBreached False/InsufficientScheduled…) reads as below minAvailable while starting, not as a breach', () => {
    const o = stackObjects(disagg, { stage: () => 'gated' });
    const notBreached = (kind: 'podCliques' | 'podCliqueScalingGroups', name: string, reason: string) => {
      const x = o[kind].find((y) => y.metadata?.name === name) as KubeObject & { status?: Record<string, unknown> };
      x.status = { ...x.status, conditions: [{ type: 'MinAvailableBreached', status: 'False', reason, message: 'Scheduled replicas 0 (MinAvailable 1); gang termination suppressed', lastTransitionTime: '2026-01-01T00:00:00Z' }] };
    };
    notBreached('podCliques', 'llama-disagg-0-router', 'InsufficientScheduledPods');
    notBreached('podCliqueScalingGroups', 'llama-disagg-0-prefill', 'InsufficientScheduledPodCliqueScalingGroupReplicas');
    const h = health(o);
    expect(h.state).toBe('progressing');
    expect(h.notes).toHaveLength(1);
    expect(h.notes[0]!.text).toMatch(/^Starting: 0 of \d+ pods ready; below minAvailable until their pods are ready: llama-disagg-0-router, llama-disagg-0-prefill$/);
    expect(h.problems.join(' ')).not.toMatch(/MinAvailableBreached/);
  });

  it('an unschedulable pod above minAvailable is a warning naming the pod and the scheduler’s reason; the stack is healthy', () => {
    // decode: 4 pods, minAvailable 2; one left unschedulable while 3 run.
    const o = stackObjects(disagg, { stage: (h) => (h === 'llama-disagg-0-decode-3' ? 'pending' : 'ready') });
    o.pcs.status = { availableReplicas: 1, updatedReplicas: 1 };
    const h = health(o);
    expect(h.state).toBe('healthy');
    expect(h.notes).toHaveLength(1);
    expect(h.notes[0]!.severity).toBe('warning');
    expect(h.notes[0]!.text).toMatch(/^1 pod above minAvailable not scheduled: llama-disagg-0-decode-3-x\d+ Pending: Unschedulable: 0\/8 nodes are available; the gang runs without it$/);
  });


  it('a gang minimum that cannot be scheduled is degraded, as before', () => {
    const o = stackObjects(agg, { stage: (h) => (h.startsWith('mixtral-agg-1') ? 'pending' : 'ready') });
    // No clock (or no timestamps): nothing tells a new refusal from an old one, so it is a problem at once.
    expect(health(o)).toMatchObject({ state: 'degraded', problems: ['2 pods unschedulable (gang mixtral-agg-1): 0/8 nodes are available'] });
  });

  it('a crash-looping pod is degraded, and the breach it causes keeps its condition wording', () => {
    const o = stackObjects(agg, { stage: (h) => (h === 'mixtral-agg-0-worker-1' ? 'running' : 'ready') });
    const pod = o.pods.find((p) => hostname(p) === 'mixtral-agg-0-worker-1') as KubeObject & { status: Record<string, unknown> };
    pod.status.containerStatuses = [{ name: 'engine', ready: false, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s' } } }];
    breach(o, 'podCliques', 'mixtral-agg-0-worker', 'InsufficientReadyPods');
    const h = health(o);
    expect(h.state).toBe('degraded');
    expect(h.notes.map((n) => [n.severity, n.text.replace(/-x\d+/g, '')])).toEqual([
      ['problem', '1 pod not starting: mixtral-agg-0-worker-1 (engine: CrashLoopBackOff)'],
      ['warning', 'PodClique mixtral-agg-0-worker: MinAvailableBreached (InsufficientReadyPods)'],
    ]);
  });
});

describe('workloadHealth: a gang spread past its required domain', () => {
  const state = clusterStateFromSnapshot(demoSnapshot());
  const h100 = (rack: number, n: number) => `h100-zh0-b0-r${rack}-n${n}`;

  it('names the gang, the level and the domains it spans; packed gangs are fine', () => {
    // mixtral-agg requires one rack per gang: gang 0 split over racks r0 and r1, gang 1 packed in r1.
    const nodes: Record<string, string> = { 'mixtral-agg-0-worker-0': h100(0, 0), 'mixtral-agg-0-worker-1': h100(1, 0), 'mixtral-agg-1-worker-0': h100(1, 1), 'mixtral-agg-1-worker-1': h100(1, 2) };
    const o = stackObjects(agg, { node: (h) => nodes[h]! });
    o.pcs.status = { availableReplicas: 2, updatedReplicas: 2 };
    expect(unmetRequiredPacks(state, buildWorkloadTree(o.pcs, o)).map((p) => p.text)).toEqual(['Required rack pack of PodCliqueSet mixtral-agg (replica 0, gang mixtral-agg-0) not met: pods on 2 racks (zh0-b0-r0, zh0-b0-r1)']);
    const h = health(o, state);
    expect(h.state).toBe('degraded');
    expect(h.problems).toEqual(['Required rack pack of PodCliqueSet mixtral-agg (replica 0, gang mixtral-agg-0) not met: pods on 2 racks (zh0-b0-r0, zh0-b0-r1)']);
    // Without the cluster state there is nothing to compare with.
    expect(health(o).state).toBe('healthy');
  });

  it('checks a scaling group’s required domain per group replica (the base gang’s group config, a scaled gang)', () => {
    const gb = (rack: number, n: number) => `gb200-z0-b0-r${rack}-n${n}`;
    // llama-disagg: prefill group (required rack); replica 0's pworker-2 lands in the other rack.
    const o = stackObjects(disagg, { node: (h, n) => (h === 'llama-disagg-0-prefill-0-pworker-2' ? gb(1, 17) : gb(0, n)) });
    expect(unmetRequiredPacks(state, buildWorkloadTree(o.pcs, o))).toEqual([
      {
        owner: 'scaling group',
        ownerName: 'prefill',
        replica: 'replica llama-disagg-0-prefill-0',
        domain: 'rack',
        domains: ['z0-b0-r0', 'z0-b0-r1'],
        text: 'Required rack pack of scaling group prefill (replica llama-disagg-0-prefill-0) not met: pods on 2 racks (z0-b0-r0, z0-b0-r1)',
      },
    ]);
  });

  it('a default-scheduler stack is checked too (kube-scheduler ignores the constraints: that is why they break), and the note says so', () => {
    const plain = structuredClone(agg);
    delete (plain.spec!.template!.cliques[0]!.spec!.podSpec as { schedulerName?: string }).schedulerName;
    const o = stackObjects(plain, { node: (_h, n) => h100(n % 2, n) });
    expect(unmetRequiredPacks(state, buildWorkloadTree(o.pcs, o)).map((p) => [p.replica, p.ignoredBy])).toEqual([
      ['replica 0, gang mixtral-agg-0', 'default-scheduler'],
      ['replica 1, gang mixtral-agg-1', 'default-scheduler'],
    ]);
  });
});

describe('workloadHealth: every required pack checked where the pods are, whatever the scheduler', () => {
  // The reviewer's cluster: GB200 racks in two zones (z0, z1), the default kube-scheduler, which ignores Grove's constraints.
  const twoZones = clusterStateFromSnapshot(snapshotFromTopologySpec({ ...DEMO_GB200, levels: DEMO_GB200.levels.map((l, i) => (i === 0 ? { ...l, fanOut: 2 } : l)) }));
  const gb = (zone: number, rack: number, n: number) => `gb200-z${zone}-b0-r${rack}-n${n}`;
  const defaultScheduler = (pcs: PodCliqueSet) => {
    const plain = structuredClone(pcs);
    for (const c of plain.spec!.template!.cliques) delete (c.spec!.podSpec as { schedulerName?: string }).schedulerName;
    return plain;
  };
  // Prefill replica 0 (its group config in the base gang) lands on three racks of two zones; everything else in z0-b0-r0.
  const prefillRacks: Record<string, string> = {
    'llama-disagg-0-prefill-0-pleader-0': gb(1, 0, 0),
    'llama-disagg-0-prefill-0-pworker-0': gb(0, 1, 0),
    'llama-disagg-0-prefill-0-pworker-1': gb(0, 0, 1),
    'llama-disagg-0-prefill-0-pworker-2': gb(0, 0, 2),
  };
  const spread = (pcs: PodCliqueSet) => stackObjects(pcs, { node: (h, n) => prefillRacks[h] ?? gb(0, 0, 3 + n) });

  it('a default-scheduler stack whose scaling group breaks its required rack pack is degraded, naming the constraint, its level and the racks', () => {
    const o = spread(defaultScheduler(disagg));
    o.pcs.status = { availableReplicas: 1, updatedReplicas: 1 };
    const h = health(o, twoZones);
    expect(h.state).toBe('degraded');
    expect(h.problems).toEqual([
      'Required rack pack of scaling group prefill (replica llama-disagg-0-prefill-0) not met: pods on 3 racks (z0-b0-r0, z0-b0-r1, z1-b0-r0); default-scheduler ignores topology constraints',
    ]);
  });

  it('the same spread under kai-scheduler is a problem too, without the scheduler remark', () => {
    const o = spread(disagg);
    o.pcs.status = { availableReplicas: 1, updatedReplicas: 1 };
    expect(health(o, twoZones).problems).toEqual(['Required rack pack of scaling group prefill (replica llama-disagg-0-prefill-0) not met: pods on 3 racks (z0-b0-r0, z0-b0-r1, z1-b0-r0)']);
  });

  it('a scaled gang’s scaling-group pack, a PodCliqueSet pack and a clique pack are each checked and named by level', () => {
    const pcs = defaultScheduler(disagg);
    pcs.spec!.template!.topologyConstraint = { topologyName: 'demo', pack: { required: 'zone' } };
    pcs.spec!.template!.cliques.find((c) => c.name === 'decode')!.topologyConstraint = { pack: { required: 'block' } };
    const nodes: Record<string, string> = {
      // prefill replica 1 is its own (scaled) gang: split over two racks.
      'llama-disagg-0-prefill-1-pleader-0': gb(0, 1, 5),
      'llama-disagg-0-prefill-1-pworker-0': gb(0, 0, 5),
      // decode over two blocks, and one pod in zone z1: the base gang leaves its zone.
      'llama-disagg-0-decode-3': 'gb200-z1-b1-r0-n0',
      'llama-disagg-0-decode-2': 'gb200-z0-b1-r0-n0',
    };
    const o = stackObjects(pcs, { node: (h, n) => nodes[h] ?? gb(0, 0, 6 + n) });
    expect(health(o, twoZones).problems).toEqual([
      'Required zone pack of PodCliqueSet llama-disagg (replica 0, gang llama-disagg-0) not met: pods on 2 zones (z0, z1); default-scheduler ignores topology constraints',
      'Required block pack of clique decode (llama-disagg-0-decode) not met: pods on 3 blocks (z0-b0, z0-b1, z1-b1); default-scheduler ignores topology constraints',
      'Required rack pack of scaling group prefill (replica llama-disagg-0-prefill-1) not met: pods on 2 racks (z0-b0-r0, z0-b0-r1); default-scheduler ignores topology constraints',
    ]);
  });

  it('racks of two zones that carry the same rack label are two racks, named with their zone', () => {
    // A cluster whose rack label is only unique within a zone: z1's rack relabelled with z0's value.
    const relabelled = structuredClone(twoZones);
    const rackKey = relabelled.topologies[0]!.levels.find((l) => l.domain === 'rack')!.key;
    for (const n of relabelled.nodes) if (n.labels[rackKey] === 'z1-b0-r0') n.labels[rackKey] = 'z0-b0-r0';
    const nodes: Record<string, string> = { 'llama-disagg-0-prefill-0-pleader-0': gb(1, 0, 0) };
    const o = stackObjects(disagg, { node: (h, n) => nodes[h] ?? gb(0, 0, n) });
    expect(unmetRequiredPacks(relabelled, buildWorkloadTree(o.pcs, o)).map((p) => p.domains)).toEqual([['z0/z0-b0/z0-b0-r0', 'z1/z1-b0/z0-b0-r0']]);
    expect(unmetRequiredPacks(twoZones, buildWorkloadTree(o.pcs, o)).map((p) => p.domains)).toEqual([['z0-b0-r0', 'z1-b0-r0']]);
  });

  it('a preferred pack not met and a gang without constraints spread over zones are not problems', () => {
    // llama-disagg prefers one block for the whole stack: decode in another zone breaks only that preference.
    const o = stackObjects(disagg, { node: (h, n) => (h.startsWith('llama-disagg-0-decode') ? `gb200-z1-b1-r1-n${n}` : gb(0, 0, n)) });
    o.pcs.status = { availableReplicas: 1, updatedReplicas: 1 };
    expect(health(o, twoZones)).toMatchObject({ state: 'healthy', problems: [] });
    const loose = defaultScheduler(agg);
    delete loose.spec!.template!.topologyConstraint;
    const l = stackObjects(loose, { node: (_h, n) => (n % 2 ? gb(1, 1, n) : gb(0, 0, n)) });
    l.pcs.status = { availableReplicas: 2, updatedReplicas: 2 };
    expect(health(l, twoZones)).toMatchObject({ state: 'healthy', problems: [] });
  });
});

describe('workloadHealth: the operator’s own signals', () => {
  const ready = () => {
    const o = stackObjects(agg, { stage: () => 'ready' });
    o.pcs.status = { availableReplicas: 2, updatedReplicas: 2 };
    return o;
  };
  const withStatus = (o: Objects, extra: Record<string, unknown>) => void (o.pcs.status = { availableReplicas: 2, updatedReplicas: 2, ...extra });

  it('every pod ready and available: healthy with no notes (the baseline the cases below change)', () => {
    expect(health(ready())).toMatchObject({ state: 'healthy', notes: [] });
  });

  it('an operator error in status.lastErrors is a problem: degraded, with its code and description', () => {
    const o = ready();
    withStatus(o, { lastErrors: [{ code: 'ERR_SYNC_FAILED', description: 'could not create PodGang', observedAt: '2026-01-01T00:00:00Z' }] });
    expect(health(o)).toMatchObject({ state: 'degraded', notes: [{ severity: 'problem', text: 'ERR_SYNC_FAILED: could not create PodGang' }] });
  });

  it('a MinAvailableBreached condition keeps the stack from healthy even when every pod reads ready', () => {
    const o = ready();
    breach(o, 'podCliques', 'mixtral-agg-0-worker', 'InsufficientReadyPods');
    expect(health(o).state).toBe('progressing');
  });

  it('TopologyLevelsUnavailable warns while it is not False, and says nothing once it is False', () => {
    const withCondition = (status: 'True' | 'False' | 'Unknown') => {
      const o = ready();
      withStatus(o, { conditions: [{ type: 'TopologyLevelsUnavailable', status, reason: 'LevelsMissing', message: 'rack is not a level of binding demo', lastTransitionTime: '2026-01-01T00:00:00Z' }] });
      return health(o).notes;
    };
    expect(withCondition('True')).toEqual([{ severity: 'warning', text: 'TopologyLevelsUnavailable (LevelsMissing): rack is not a level of binding demo' }]);
    expect(withCondition('Unknown')).toHaveLength(1);
    expect(withCondition('False')).toEqual([]);
  });
});

describe('workloadHealth: time (the caller’s now against the pods’ timestamps)', () => {
  const T0 = Date.parse('2026-01-01T00:00:00Z');
  const at = (ms: number) => T0 + ms;
  const SECOND = 1000;
  const MINUTE = 60 * SECOND;
  const state = clusterStateFromSnapshot(demoSnapshot());
  // mixtral-agg on the demo's H100 nodes, each gang packed in its rack as it requires.
  const onH100 = (h: string, n: number) => `h100-zh0-b0-r${h.startsWith('mixtral-agg-1') ? 1 : 0}-n${n % 4}`;

  // mixtral-agg's gang 1 (2 pods, its minimum) refused by the scheduler; gang 0 ready.
  const refusedGang = () => {
    const o = created(stackObjects(agg, { node: onH100, stage: (h) => (h.startsWith('mixtral-agg-1') ? 'pending' : 'ready') }));
    o.pcs.status = { availableReplicas: 1, updatedReplicas: 1 };
    return o;
  };

  it('a refused gang minimum is starting (a note naming the pod, its age and the scheduler’s words) until the grace period ends', () => {
    const h = health(refusedGang(), state, at(UNSCHEDULABLE_GRACE_MS - SECOND));
    expect(h.state).toBe('progressing');
    expect(h.notes).toHaveLength(1);
    expect(h.notes[0]).toMatchObject({ severity: 'info', since: '2026-01-01T00:00:00.000Z' });
    expect(h.notes[0]!.text).toMatch(/^Starting for 119s: 2 of 4 pods ready; mixtral-agg-1-worker-0-x\d+ Pending 119s: Unschedulable: 0\/8 nodes are available \(and 1 more waiting\)$/);
    expect(h.timeDependent).toBe(true);
  });

  it('…a warning once it has waited UNSCHEDULABLE_GRACE_MS (the stack still progressing), a problem past PROGRESS_DEADLINE_MS (degraded)', () => {
    const warned = health(refusedGang(), state, at(UNSCHEDULABLE_GRACE_MS + MINUTE));
    expect(warned.state).toBe('progressing');
    expect(warned.notes).toEqual([{ severity: 'warning', text: '2 pods unschedulable for 3m (gang mixtral-agg-1): 0/8 nodes are available', since: '2026-01-01T00:00:00.000Z' }]);
    expect(health(refusedGang(), state, at(PROGRESS_DEADLINE_MS - SECOND)).notes.map((n) => n.severity)).toEqual(['warning']);

    const late = health(refusedGang(), state, at(PROGRESS_DEADLINE_MS));
    expect(late.state).toBe('degraded');
    expect(late.notes).toEqual([{ severity: 'problem', text: '2 pods unschedulable for 10m (gang mixtral-agg-1): 0/8 nodes are available', since: '2026-01-01T00:00:00.000Z' }]);
  });

  it('a refused gang minimum that would not fit even on the empty cluster is a problem at once: waiting cannot help', () => {
    const nowhere = structuredClone(agg);
    nowhere.spec!.template!.cliques[0]!.spec!.podSpec!.nodeSelector = { [GPU_PRODUCT_LABEL]: 'NVIDIA-B300' };
    const o = created(stackObjects(nowhere, { node: onH100, stage: (h) => (h.startsWith('mixtral-agg-1') ? 'pending' : 'ready') }));
    const h = health(o, state, at(5 * SECOND));
    expect(h.state).toBe('degraded');
    expect(h.notes).toEqual([{ severity: 'problem', text: '2 pods unschedulable for 5s (gang mixtral-agg-1): 0/8 nodes are available; gang mixtral-agg-1 would not fit even on an empty cluster', since: '2026-01-01T00:00:00.000Z' }]);
    // The same pods on the demo's H100 nodes fit the empty cluster: starting, as above.
    expect(health(refusedGang(), state, at(5 * SECOND)).notes.map((n) => n.severity)).toEqual(['info']);
    // Without the cluster state the engine cannot tell: the clock alone weighs it.
    expect(health(o, undefined, at(5 * SECOND)).state).toBe('progressing');
  });

  it('a running gang’s refused pod whose required rack has no room even with every other pod gone is a problem at once: it cannot start afresh in another rack', () => {
    // deepseek-wide (pack required: rack) on 7 nodes of rack z0-b0-r0, the rest of that rack cordoned; worker 6 (of its minimum) refused. Rack z0-b0-r1 is empty.
    const r0 = state.nodes.filter((n) => n.labels['topology.kubernetes.io/rack'] === 'z0-b0-r0').map((n) => n.name);
    const worker = 'deepseek-wide-0-worker';
    const o = created(stackObjects(wide, { node: (_h, n) => r0[n]!, stage: (h) => (h === `${worker}-6` ? 'pending' : 'ready') }));
    o.pcs.status = { availableReplicas: 0, updatedReplicas: 1 };
    const pods = o.pods.map((p) => podInfoFromPod(p));
    const held = new Set(pods.map((p) => p.nodeName));
    const cordoned: ClusterState = { ...state, nodes: state.nodes.map((n) => (r0.includes(n.name) && !held.has(n.name) ? { ...n, unschedulable: true } : n)), pods };
    const h = health(o, cordoned, at(5 * SECOND));
    expect(h.state).toBe('degraded');
    expect(h.notes).toEqual([
      {
        severity: 'problem',
        text: `1 pod unschedulable for 5s (gang deepseek-wide-0): 0/8 nodes are available; gang deepseek-wide-0 would not fit beside its running pods even with every other pod gone`,
        since: '2026-01-01T00:00:00.000Z',
      },
    ]);
    // With room left in its rack once other pods go, it is starting as any fresh refusal.
    const busy: ClusterState = { ...state, pods: [...pods, ...r0.filter((n) => !held.has(n)).map((n, i) => boundPod(`other-${i}`, n, 4, { namespace: 'other' }))] };
    expect(health(o, busy, at(5 * SECOND)).notes.map((n) => n.severity)).toEqual(['info']);
  });

  it('a scaled PodGang the scheduler refused is a scaling-group replica that does not run: its own note names it and its base gang, weighed by the clock as a gang minimum; the stack is never Healthy meanwhile', () => {
    // llama-disagg's prefill replica 1 (scaled PodGang llama-disagg-0-prefill-0: pleader 1 + pworker 3) refused; the base gang runs.
    const refusedReplica = (replicas = 2) => {
      const o = created(stackObjects(disagg, { scalingGroupReplicas: { 'llama-disagg-0-prefill': replicas }, stage: (h) => (/^llama-disagg-0-prefill-[1-9]-/.test(h) ? 'pending' : 'ready') }));
      o.pcs.status = { availableReplicas: 1, updatedReplicas: 1 };
      return o;
    };
    const text = (age: string) =>
      new RegExp(
        `^scaling-group replica llama-disagg-0-prefill 1 \\(PodGang llama-disagg-0-prefill-0\\) not scheduled: llama-disagg-0-prefill-1-pleader-0-x\\d+ Pending ${age}: Unschedulable: 0/8 nodes are available \\(also llama-disagg-0-prefill-1-pworker-\\d-x\\d+, .+\\); the base gang llama-disagg-0 runs without it$`,
      );
    const young = health(refusedReplica(), state, at(30 * SECOND));
    expect(young.state).toBe('progressing');
    expect(young.notes).toHaveLength(1);
    expect(young.notes[0]).toMatchObject({ severity: 'info', since: '2026-01-01T00:00:00.000Z' });
    expect(young.notes[0]!.text).toMatch(text('30s'));
    expect(young.problems.join(' ')).not.toMatch(/above minAvailable|Starting/);

    const warned = health(refusedReplica(), state, at(UNSCHEDULABLE_GRACE_MS + MINUTE));
    expect(warned.state).toBe('progressing');
    expect(warned.notes.map((n) => n.severity)).toEqual(['warning']);
    expect(warned.notes[0]!.text).toMatch(text('3m'));

    const late = health(refusedReplica(), state, at(PROGRESS_DEADLINE_MS));
    expect(late.state).toBe('degraded');
    expect(late.notes.map((n) => n.severity)).toEqual(['problem']);
    expect(late.notes[0]!.text).toMatch(text('10m'));

    // Without a clock nothing tells a new refusal from an old one: a problem at once, as for a gang minimum.
    expect(health(refusedReplica()).state).toBe('degraded');

    // Two scaled replicas refused: one note, the longest-waiting first, the other named.
    const two = health(refusedReplica(3), state, at(UNSCHEDULABLE_GRACE_MS + MINUTE));
    expect(two.notes.map((n) => n.severity)).toEqual(['warning']);
    expect(two.notes[0]!.text).toMatch(/; nor 1 more scaling-group replica \(PodGang llama-disagg-0-prefill-1\); the base gang llama-disagg-0 runs without them$/);
  });

  it('a refused scaled gang’s cliques (nothing scheduled, as Grove says) are not listed as starting beside its own note', () => {
    const o = created(stackObjects(disagg, { stage: (h) => (h.startsWith('llama-disagg-0-prefill-1-') ? 'pending' : h === 'llama-disagg-0-router-0' ? 'running' : 'ready') }));
    for (const name of ['llama-disagg-0-prefill-1-pleader', 'llama-disagg-0-prefill-1-pworker']) {
      const c = o.podCliques.find((x) => x.metadata?.name === name) as KubeObject & { status?: Record<string, unknown> };
      c.status = { conditions: [{ type: 'MinAvailableBreached', status: 'False', reason: 'InsufficientScheduledPods', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' }] };
    }
    const h = health(o, state, at(30 * SECOND));
    expect(h.state).toBe('progressing');
    expect(h.notes.map((n) => n.text.replace(/-x\d+/g, ''))).toEqual([
      expect.stringMatching(/^scaling-group replica llama-disagg-0-prefill 1 \(PodGang llama-disagg-0-prefill-0\) not scheduled: /),
      'Starting for 30s: 8 of 13 pods ready',
    ]);
  });

  it('a pod refused above its clique’s minAvailable in a scaled gang that runs is still above minAvailable: the gang runs without it', () => {
    // The scaled gang's pworker has minAvailable 3 of 3; at 4 pods, its 4th is above the minimum.
    const o = created(
      stackObjects(disagg, { podCliqueReplicas: { 'llama-disagg-0-prefill-1-pworker': 4 }, stage: (h) => (h === 'llama-disagg-0-prefill-1-pworker-3' ? 'pending' : 'ready') }),
    );
    o.pcs.status = { availableReplicas: 1, updatedReplicas: 1 };
    const h = health(o, state, at(3 * MINUTE));
    expect(h.state).toBe('healthy');
    expect(h.notes.map((n) => [n.severity, n.text.replace(/-x\d+/g, '')])).toEqual([['warning', '1 pod above minAvailable not scheduled: llama-disagg-0-prefill-1-pworker-3 Pending 3m: Unschedulable: 0/8 nodes are available; the gang runs without it']]);
  });

  it('a stack still starting after PROGRESS_DEADLINE_MS is a warning naming its longest-waiting pod; before it, a note with its age', () => {
    // Bound, containers started, not Ready (a model still loading).
    const loading = () => {
      const o = created(stackObjects(agg, { node: onH100, stage: (h) => (h === 'mixtral-agg-0-worker-0' ? 'ready' : 'running') }));
      o.pcs.status = { availableReplicas: 0, updatedReplicas: 2 };
      return o;
    };
    const early = health(loading(), state, at(PROGRESS_DEADLINE_MS - SECOND));
    expect(early.state).toBe('progressing');
    expect(early.notes).toEqual([{ severity: 'info', text: 'Starting for 9m59s: 1 of 4 pods ready', since: '2026-01-01T00:00:00.000Z' }]);

    const late = health(loading(), state, at(PROGRESS_DEADLINE_MS + 2 * MINUTE));
    expect(late.state).toBe('progressing');
    expect(late.notes).toHaveLength(1);
    expect(late.notes[0]!.severity).toBe('warning');
    expect(late.notes[0]!.text).toMatch(/^Starting for 12m: 1 of 4 pods ready; mixtral-agg-0-worker-1-x\d+ Running 12m \(and 2 more waiting\)$/);
  });

  /** mixtral-agg with worker-1 Running, not Ready since T0 (its Ready condition's lastTransitionTime), created at `createdAt`; `containers` its container statuses. */
  const notReadySinceT0 = (createdAt: string, containers: Record<string, unknown>[]) => {
    const o = created(stackObjects(agg, { node: onH100, stage: (h) => (h === 'mixtral-agg-0-worker-1' ? 'running' : 'ready') }), createdAt);
    const pod = o.pods.find((p) => hostname(p) === 'mixtral-agg-0-worker-1') as KubeObject & { status: { conditions: { type: string; lastTransitionTime?: string }[]; containerStatuses?: unknown[] } };
    pod.status.conditions = pod.status.conditions.map((c) => (c.type === 'Ready' ? { ...c, lastTransitionTime: '2026-01-01T00:00:00Z' } : c));
    pod.status.containerStatuses = containers.map((c) => ({ name: 'engine', ready: false, ...c }));
    o.pcs.status = { availableReplicas: 1, updatedReplicas: 2 };
    return o;
  };

  it('a pod that was ready and dropped out waits from its Ready transition, not from its creation days ago', () => {
    // Its readiness probe failed (Ready went False after the container started, without a restart), or its container was killed and restarted (the run lastState records began before the drop).
    const probeFailed = notReadySinceT0('2025-12-29T00:00:00Z', [{ restartCount: 0, state: { running: { startedAt: '2025-12-29T00:00:10Z' } } }]);
    const restarted = notReadySinceT0('2025-12-29T00:00:00Z', [{ restartCount: 1, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: '2025-12-29T00:00:10Z', finishedAt: '2026-01-01T00:00:00Z' } }, state: { running: { startedAt: '2026-01-01T00:00:01Z' } } }]);
    for (const o of [probeFailed, restarted]) expect(health(o, state, at(90 * SECOND)).notes).toEqual([{ severity: 'info', text: 'Starting for 90s: 3 of 4 pods ready', since: '2026-01-01T00:00:00.000Z' }]);
  });

  it('a pod Pending for minutes and then bound waits from its creation: the Ready=False the kubelet writes at its first sync does not restart the clock or postpone the deadline', () => {
    // Created 9 minutes before T0, bound at T0, where the kubelet set Ready=False; its container started a second later, a model loading.
    const bound = () => notReadySinceT0(new Date(at(-9 * MINUTE)).toISOString(), [{ restartCount: 0, state: { running: { startedAt: '2026-01-01T00:00:01Z' } } }]);
    expect(health(bound(), state, at(30 * SECOND)).notes).toEqual([{ severity: 'info', text: 'Starting for 9m30s: 3 of 4 pods ready', since: '2025-12-31T23:51:00.000Z' }]);
    // Past PROGRESS_DEADLINE_MS from its creation (1m30s after binding): late, a warning naming it.
    const late = health(bound(), state, at(90 * SECOND));
    expect(late.notes.map((n) => n.severity)).toEqual(['warning']);
    expect(late.notes[0]!.text).toMatch(/^Starting for 10m: 3 of 4 pods ready; mixtral-agg-0-worker-1-x\d+ Running 10m/);
    // No container status at all (not started yet): its creation too.
    expect(health(notReadySinceT0(new Date(at(-9 * MINUTE)).toISOString(), []), state, at(30 * SECOND)).notes[0]!.text).toBe('Starting for 9m30s: 3 of 4 pods ready');
  });

  it('a pod Pending for minutes, bound, whose container crashed once while starting was never Ready: its restart does not restart the clock from binding', () => {
    // Created 9 minutes before T0, bound at T0 (Ready=False from the kubelet's first sync); the container ran from T0+1s, crashed at T0+5s, runs again from T0+10s.
    const crashedWhileStarting = () =>
      notReadySinceT0(new Date(at(-9 * MINUTE)).toISOString(), [
        { restartCount: 1, lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: '2026-01-01T00:00:01Z', finishedAt: '2026-01-01T00:00:05Z' } }, state: { running: { startedAt: '2026-01-01T00:00:10Z' } } },
      ]);
    expect(health(crashedWhileStarting(), state, at(30 * SECOND)).notes).toEqual([{ severity: 'info', text: 'Starting for 9m30s: 3 of 4 pods ready', since: '2025-12-31T23:51:00.000Z' }]);
    expect(health(crashedWhileStarting(), state, at(90 * SECOND)).notes.map((n) => n.severity)).toEqual(['warning']);
  });

  it('an unschedulable pod above minAvailable says how long it has waited (its own timestamps), the longest-waiting first, and ages with the clock', () => {
    // decode: 4 pods, minAvailable 2; decode-2 and decode-3 refused while the others run, decode-3 created a minute later.
    const o = created(stackObjects(disagg, { stage: (h) => (h === 'llama-disagg-0-decode-2' || h === 'llama-disagg-0-decode-3' ? 'pending' : 'ready') }));
    const later = o.pods.find((p) => hostname(p) === 'llama-disagg-0-decode-3')!;
    later.metadata = { ...later.metadata, creationTimestamp: new Date(at(MINUTE)).toISOString() };
    o.pcs.status = { availableReplicas: 1, updatedReplicas: 1 };
    const h = health(o, undefined, at(4 * MINUTE));
    expect(h.state).toBe('healthy');
    expect(h.notes).toHaveLength(1);
    expect(h.notes[0]).toMatchObject({ severity: 'warning', since: '2026-01-01T00:00:00.000Z' });
    expect(h.notes[0]!.text).toMatch(/^2 pods above minAvailable not scheduled: llama-disagg-0-decode-2-x\d+ Pending 4m: Unschedulable: 0\/8 nodes are available \(also llama-disagg-0-decode-3-x\d+\); the gang runs without them$/);
    expect(h.timeDependent).toBe(true);
    // The clock moves on: the same pods, an older wait.
    expect(health(o, undefined, at(12 * MINUTE)).notes[0]!.text).toContain('decode-2-x');
    expect(health(o, undefined, at(12 * MINUTE)).notes[0]!.text).toMatch(/ Pending 12m: /);
  });

  it('a settled stack does not depend on the clock; without a clock no note says an age', () => {
    const ready = created(stackObjects(agg, { node: onH100, stage: () => 'ready' }));
    ready.pcs.status = { availableReplicas: 2, updatedReplicas: 2 };
    expect(health(ready, state, at(PROGRESS_DEADLINE_MS * 10))).toMatchObject({ state: 'healthy', notes: [], timeDependent: false });
    const starting = created(stackObjects(agg, { node: onH100, stage: () => 'running' }));
    expect(health(starting, state).notes).toEqual([{ severity: 'info', text: 'Starting: 0 of 4 pods ready' }]);
    expect(health(starting, state).timeDependent).toBe(false);
  });
});

describe('gangsThatNeverFit: the cluster’s bound pods indexed by gang once per pods array', () => {
  it('gives each stack the same verdicts while the pods array is read once, however many stacks and renders ask', () => {
    const base = clusterStateFromSnapshot(demoSnapshot());
    const onH100 = (h: string, n: number) => `h100-zh0-b0-r${h.startsWith('mixtral-agg-1') ? 1 : 0}-n${n % 4}`;
    const inNamespace = (pcs: PodCliqueSet, namespace: string): PodCliqueSet => ({ ...structuredClone(pcs), metadata: { ...pcs.metadata, namespace } });
    // mixtral-agg's gang 1 refused in three namespaces; in the first its pods ask for GPUs the cluster does not have.
    const nowhere = structuredClone(agg);
    nowhere.spec!.template!.cliques[0]!.spec!.podSpec!.nodeSelector = { [GPU_PRODUCT_LABEL]: 'NVIDIA-B300' };
    const stacks = [nowhere, inNamespace(agg, 'team-b'), inNamespace(agg, 'team-c')].map((pcs) => created(stackObjects(pcs, { node: onH100, stage: (h) => (h.startsWith('mixtral-agg-1') ? 'pending' : 'ready') })));
    const trees = stacks.map((o) => buildWorkloadTree(o.pcs, o));
    const others = Array.from({ length: 100 }, (_, i) => boundPod(`other-${i}`, base.nodes[i % base.nodes.length]!.name, 0, { namespace: 'other' }));
    const pods = [...stacks.flatMap((o) => o.pods.map((p) => podInfoFromPod(p))), ...others];
    let reads = 0;
    const counted = new Proxy(pods, {
      get: (target, key, receiver) => {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
        return Reflect.get(target, key, receiver);
      },
    });
    const state: ClusterState = { ...base, pods: counted };
    const verdicts = () => trees.map((t) => [...gangsThatNeverFit(state, t, t.pods.filter((p) => isLiveStage(p.stage) && isUnschedulable(p.object)))]);
    // Each render of the list asks for every stack; the verdicts stay, the pods are read for the first only.
    for (let render = 0; render < 5; render++) expect(verdicts()).toEqual([['mixtral-agg-1'], [], []]);
    expect(reads).toBe(pods.length);

    const index = boundPodsByGang(counted);
    expect(boundPodsByGang(counted)).toBe(index);
    expect(index.get('team-b/mixtral-agg-0')?.map((p) => p.name)).toEqual(stacks[1]!.pods.filter((p) => p.metadata!.name!.startsWith('mixtral-agg-0')).map((p) => p.metadata!.name));
    expect(index.has('team-b/mixtral-agg-1')).toBe(false); // refused: not bound
    // A pod event gives a new array: a new index, the memoised verdicts unchanged.
    const next = [...pods];
    expect(boundPodsByGang(next)).not.toBe(index);
    expect(trees.map((t) => [...gangsThatNeverFit({ ...state, pods: next }, t, t.pods.filter((p) => isLiveStage(p.stage) && isUnschedulable(p.object)))])).toEqual([['mixtral-agg-1'], [], []]);
  });
});

describe('workloadHealth: settled below minAvailable (Grove gang-terminates the replica after terminationDelay)', () => {
  const T0 = Date.parse('2026-01-01T00:00:00Z'); // the breach's lastTransitionTime (breach())
  const MINUTE = 60_000;
  const HOUR = 60 * MINUTE;
  // llama-disagg's decode (minAvailable 2) scaled down to 1 pod, which runs; every other pod ready.
  const scaledBelow = () => {
    const o = stackObjects(disagg, { podCliqueReplicas: { 'llama-disagg-0-decode': 1 }, stage: () => 'ready' });
    o.pcs.status = { availableReplicas: 0, updatedReplicas: 1 };
    breach(o, 'podCliques', 'llama-disagg-0-decode', 'ScheduledReplicasBelowMinAvailable');
    return o;
  };
  const decodeNote = (fate: string) => `PodClique llama-disagg-0-decode below minAvailable (1 of 2 scheduled, spec.replicas 1); ${fate}`;

  it('a clique scaled below its minAvailable is Degraded with a note saying what Grove will do, not Progressing with nothing said', () => {
    const h = health(scaledBelow());
    expect(h.state).toBe('degraded');
    expect(h.notes).toEqual([{ severity: 'problem', text: decodeNote('Grove gang-terminates replica 0 after 4h (terminationDelay) unless scaled back to at least 2') }]);
    expect(h.problems).toEqual([h.notes[0]!.text]);
    expect(h.timeDependent).toBe(false);
  });

  it('with a clock, the note counts down from the condition’s lastTransitionTime to the end of terminationDelay, then says it has passed', () => {
    const o = scaledBelow();
    const early = health(o, undefined, T0 + MINUTE);
    expect(early.notes).toEqual([{ severity: 'problem', text: decodeNote('Grove gang-terminates replica 0 in 3h59m (terminationDelay 4h) unless scaled back to at least 2'), since: '2026-01-01T00:00:00.000Z' }]);
    expect(early.timeDependent).toBe(true);
    // "3h59m" changes once a minute; with five minutes left the countdown shows seconds again.
    expect(early.tickMs).toBe(MINUTE);
    expect(health(o, undefined, T0 + 4 * HOUR - 5 * MINUTE + 1000)).toMatchObject({ tickMs: 1000, notes: [{ text: expect.stringContaining('in 4m59s (terminationDelay 4h)') }] });
    expect(health(o, undefined, T0 + 4 * HOUR + 1000).notes[0]!.text).toBe(decodeNote('terminationDelay 4h has passed: Grove gang-terminates replica 0'));
  });

  it('the PodCliqueSet’s own terminationDelay is the one counted', () => {
    const o = scaledBelow();
    o.pcs.spec.template.terminationDelay = '30m';
    expect(health(o, undefined, T0 + 10 * MINUTE).notes[0]!.text).toBe(decodeNote('Grove gang-terminates replica 0 in 20m (terminationDelay 30m) unless scaled back to at least 2'));
  });

  it('a clique below minAvailable with its pods on their way (pending, or still being created) is starting: Progressing, named as waiting', () => {
    const pending = stackObjects(disagg, { stage: (h) => (h.startsWith('llama-disagg-0-decode') && !h.endsWith('decode-0') ? 'gated' : 'ready') });
    breach(pending, 'podCliques', 'llama-disagg-0-decode', 'ScheduledReplicasBelowMinAvailable');
    const h = health(pending);
    expect(h.state).toBe('progressing');
    expect(h.notes).toEqual([{ severity: 'info', text: expect.stringMatching(/^Starting: \d+ of \d+ pods ready; below minAvailable until their pods are ready: llama-disagg-0-decode$/) }]);

    // Three of its four pods not created yet: the operator is creating them.
    const creating = stackObjects(disagg, { stage: () => 'ready' });
    creating.pods = creating.pods.filter((p) => !/^llama-disagg-0-decode-[123]-/.test(p.metadata!.name!));
    breach(creating, 'podCliques', 'llama-disagg-0-decode', 'ScheduledReplicasBelowMinAvailable');
    expect(health(creating).state).toBe('progressing');
    expect(health(creating).notes.filter((n) => n.severity !== 'info')).toEqual([]);
  });

  it('a model still loading past the progress deadline (pods Running, not Ready: Grove’s InsufficientReadyPods) is a slow start, a warning at most, which says when Grove would gang-terminate if it is still below minAvailable then', () => {
    // mixtral-agg replica 0's worker (2 pods, minAvailable 2): containers started at T0, the model still loading 15 minutes on.
    const o = created(stackObjects(agg, { stage: (h) => (h.startsWith('mixtral-agg-0-') ? 'running' : 'ready') }));
    o.pcs.status = { availableReplicas: 1, updatedReplicas: 2 };
    // Grove subtracts started-but-not-ready pods: the condition is True from the start (reconcilestatus.go).
    breach(o, 'podCliques', 'mixtral-agg-0-worker', 'InsufficientReadyPods');
    const early = health(o, undefined, T0 + 5 * MINUTE);
    expect(early.state).toBe('progressing');
    expect(early.notes.map((n) => n.severity)).toEqual(['info']);

    const late = health(o, undefined, T0 + 15 * MINUTE);
    expect(late.state).toBe('progressing');
    expect(late.notes).toEqual([
      {
        severity: 'warning',
        // Grove's terminationDelay has run since the condition turned True (T0): the warning says when it acts.
        text: expect.stringMatching(
          /^Starting for 15m: 2 of 4 pods ready; mixtral-agg-0-worker-0-x\d+ Running 15m \(and 1 more waiting\); below minAvailable until their pods are ready: mixtral-agg-0-worker; if still below minAvailable, Grove gang-terminates replica 0 in 3h45m \(terminationDelay 4h\)$/,
        ),
        since: '2026-01-01T00:00:00.000Z',
      },
    ]);
    expect(early.notes.some((n) => /gang-terminates/.test(n.text))).toBe(false);
    // Hours on, still loading: still a slow start, not a problem, and the countdown has moved.
    const hours = health(o, undefined, T0 + 3 * HOUR);
    expect(hours.state).toBe('progressing');
    expect(hours.notes[0]!.text).toMatch(/; if still below minAvailable, Grove gang-terminates replica 0 in 60m \(terminationDelay 4h\)$/);
    expect(health(o, undefined, T0 + 4 * HOUR + 1000).notes[0]!.text).toMatch(/; terminationDelay 4h has passed: Grove gang-terminates replica 0$/);
  });

  it('a scaling group’s breach with its pods still on their way past the progress deadline stays starting, not settled by time alone', () => {
    const o = stackObjects(disagg, { stage: (h) => (h.startsWith('llama-disagg-0-prefill-') ? 'gated' : 'ready') });
    breach(o, 'podCliqueScalingGroups', 'llama-disagg-0-prefill', 'InsufficientAvailablePodCliqueScalingGroupReplicas');
    expect(health(o, undefined, T0 + MINUTE).state).toBe('progressing');
    const late = health(o, undefined, T0 + PROGRESS_DEADLINE_MS + MINUTE);
    expect(late.state).toBe('progressing');
    expect(late.notes.filter((n) => n.severity === 'problem')).toEqual([]);
    expect(late.notes.at(-1)!.text).toMatch(/; below minAvailable until their pods are ready: llama-disagg-0-prefill$/);
  });

  it('a clique of a scaling group that keeps the group’s minAvailable without it: Grove recycles that group replica, and the note names it', () => {
    // prefill: 2 replicas, minAvailable 1; replica 1's pworker (minAvailable 3) scaled to 2. Replica 0 stays: 2 − 1 ≥ 1.
    const o = stackObjects(disagg, { podCliqueReplicas: { 'llama-disagg-0-prefill-1-pworker': 2 } });
    breach(o, 'podCliques', 'llama-disagg-0-prefill-1-pworker', 'ScheduledReplicasBelowMinAvailable');
    const h = health(o);
    expect(h.state).toBe('degraded');
    expect(h.problems).toEqual(['PodClique llama-disagg-0-prefill-1-pworker below minAvailable (2 of 3 scheduled, spec.replicas 2); Grove gang-terminates llama-disagg-0-prefill replica 1 after 4h (terminationDelay) unless scaled back to at least 3']);
  });

  it('a clique of a scaling group whose group would fall below its own minAvailable: Grove gang-terminates the PodCliqueSet replica, and the note names that', () => {
    // prefill scaled to 1 replica (minAvailable 1), whose pworker is below its minimum: 1 − 1 < 1.
    const one = stackObjects(disagg, { scalingGroupReplicas: { prefill: 1 }, podCliqueReplicas: { 'llama-disagg-0-prefill-0-pworker': 2 } });
    breach(one, 'podCliques', 'llama-disagg-0-prefill-0-pworker', 'ScheduledReplicasBelowMinAvailable');
    expect(health(one).problems).toEqual(['PodClique llama-disagg-0-prefill-0-pworker below minAvailable (2 of 3 scheduled, spec.replicas 2); Grove gang-terminates replica 0 after 4h (terminationDelay) unless scaled back to at least 3']);

    // Both of prefill's 2 replicas breached (minAvailable 1): 2 − 2 < 1, so each names the PodCliqueSet replica.
    const both = stackObjects(disagg, { podCliqueReplicas: { 'llama-disagg-0-prefill-0-pworker': 2, 'llama-disagg-0-prefill-1-pworker': 2 } });
    breach(both, 'podCliques', 'llama-disagg-0-prefill-0-pworker', 'ScheduledReplicasBelowMinAvailable');
    breach(both, 'podCliques', 'llama-disagg-0-prefill-1-pworker', 'ScheduledReplicasBelowMinAvailable');
    const problems = health(both).problems;
    expect(problems).toHaveLength(2);
    for (const p of problems) expect(p).toMatch(/; Grove gang-terminates replica 0 after 4h \(terminationDelay\) unless scaled back to at least 3$/);
  });

  it('a breach whose pods are in trouble keeps its condition wording as before (a warning), with the pods’ problem', () => {
    const o = stackObjects(disagg, { stage: (h) => (h.startsWith('llama-disagg-0-decode-1') ? 'failed' : 'ready') });
    breach(o, 'podCliques', 'llama-disagg-0-decode', 'InsufficientReadyPods');
    const h = health(o);
    expect(h.state).toBe('degraded');
    expect(h.notes.map((n) => [n.severity, n.text])).toEqual([
      ['problem', '1 pod failed'],
      ['warning', 'PodClique llama-disagg-0-decode: MinAvailableBreached (InsufficientReadyPods)'],
    ]);
  });
});

describe('workloadHealth: a PodCliqueSet being deleted', () => {
  it('is Deleting, not Healthy, and says what is left first', () => {
    const o = stackObjects(agg);
    const pcs = o.pcs;
    pcs.status = { ...pcs.status, availableReplicas: pcs.spec.replicas ?? 0 } as PodCliqueSet['status'];
    expect(health(o).state).toBe('healthy');
    pcs.metadata = { ...pcs.metadata, deletionTimestamp: '2026-11-30T12:00:00Z', finalizers: ['foregroundDeletion'] };
    for (const pod of o.pods) pod.metadata = { ...pod.metadata, deletionTimestamp: '2026-11-30T12:00:01Z' };
    const h = health(o);
    expect(h.state).toBe('deleting');
    expect(h.notes[0]).toEqual({ severity: 'info', text: `Deleting: ${o.pods.length} pods terminating`, since: '2026-11-30T12:00:00Z' });
  });
});
