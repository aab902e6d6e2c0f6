import { describe, expect, it } from 'vitest';
import type { ClusterState, PodInfo } from '../cluster/state';
import { expandPodGangs } from '../grove/expand';
import type { ExpandedGang, ExpandedPod } from '../grove/gang';
import type { PodCliqueSet, PodCliqueTemplateSpec } from '../grove/podcliqueset';
import { clusterStateFromSnapshot, snapshotFromTopologySpec } from '../topology/snapshot';
import { DEFAULT_TEST_TOPOLOGY } from '../topology/spec';
import { pinned, pinning, pinsRunningGang } from './pin';
import { placeGangs } from './place';
import type { GangPlacement } from './plan';

const ZONE = 'topology.kubernetes.io/zone';
const BLOCK = 'topology.kubernetes.io/block';
const RACK = 'topology.kubernetes.io/rack';
const HOST = 'kubernetes.io/hostname';

type Pack = { required?: string; preferred?: string };

function clique(name: string, replicas: number, gpus: number, pack?: Pack, schedulerName: string | null = 'kai-scheduler'): PodCliqueTemplateSpec {
  return {
    name,
    ...(pack ? { topologyConstraint: { pack } } : {}),
    spec: {
      roleName: name,
      replicas,
      podSpec: { ...(schedulerName ? { schedulerName } : {}), containers: [{ name: 'e', image: 'registry.invalid/e:1', resources: { limits: { 'nvidia.com/gpu': String(gpus) } } }] },
    },
  };
}

function pcsOf(template: Omit<PodCliqueSet['spec']['template'], 'topologyConstraint'>, pack?: Pack): PodCliqueSet {
  return {
    apiVersion: 'grove.io/v1alpha1',
    kind: 'PodCliqueSet',
    metadata: { name: 'p', namespace: 'ns', labels: { 'kai.scheduler/queue': 'default-queue' } },
    spec: { replicas: 1, template: { topologyConstraint: { topologyName: 'canopy-test', ...(pack ? { pack } : {}) }, ...template } },
  } as PodCliqueSet;
}

const empty = (): ClusterState => clusterStateFromSnapshot(snapshotFromTopologySpec(DEFAULT_TEST_TOPOLOGY));

/** A node of the test cluster in the given block/rack (index within it): `z0-b1`, `z0-b1-r0`. */
function node(state: ClusterState, rack: string, i = 0): string {
  const nodes = state.nodes.filter((n) => n.labels[RACK] === rack);
  return nodes[i]!.name;
}

/** `state` with the named pods of `gang` bound to the given nodes. */
function withRunning(state: ClusterState, gang: ExpandedGang, at: Record<string, string>): ClusterState {
  const pods: PodInfo[] = gang.podGroups
    .flatMap((g) => g.pods)
    .filter((p) => at[p.name])
    .map((p) => ({ namespace: p.namespace, name: p.name, nodeName: at[p.name], labels: p.labels, requests: p.requests, phase: 'Running', terminal: false }));
  return { ...state, pods: [...state.pods, ...pods] };
}

const notIn = (at: Record<string, string>) => (group: { pods: readonly ExpandedPod[] }) => group.pods.filter((p) => !at[p.name]);
const selectorOf = (gang: ExpandedGang, pod: string) => gang.podGroups.flatMap((g) => g.pods).find((p) => p.name === pod)?.scheduling.nodeSelector ?? {};
const labelOf = (state: ClusterState, name: string, key: string) => state.nodes.find((n) => n.name === name)!.labels[key]!;

describe('pinning: which running pods each scope follows', () => {
  it('gang scope (PodCliqueSet constraint) and pod-group scope (clique constraint) at two levels: block for every new pod, host only for the clique’s', () => {
    const gang = expandPodGangs(pcsOf({ cliques: [clique('a', 2, 2, { required: 'host' }), clique('b', 2, 2)] }, { required: 'block' }))[0]!;
    const base = empty();
    const at = { 'p-0-a-0': node(base, 'z0-b1-r1', 2), 'p-0-b-0': node(base, 'z0-b1-r0', 1) };
    const state = withRunning(base, gang, at);
    const inc = pinning(state).increment(gang, notIn(at), { pin: true })!;

    expect(inc.gang.podGroups.map((g) => [g.name, g.minReplicas, g.pods.map((p) => p.name)])).toEqual([
      ['p-0-a', 1, ['p-0-a-1']],
      ['p-0-b', 1, ['p-0-b-1']],
    ]);
    expect(inc.pins.map(({ scope, domain, value, runs, gpus }) => ({ scope, domain, value, runs, gpus }))).toEqual([
      { scope: 'gang', domain: 'block', value: 'z0-b1', runs: 'p-0', gpus: 4 },
      { scope: 'pod group', domain: 'host', value: at['p-0-a-0'], runs: 'p-0-a', gpus: 2 },
    ]);
    // A pin holds the new pods to its domain's whole label path (a domain is its path, as KAI sees it).
    expect(selectorOf(inc.gang, 'p-0-a-1')).toEqual({ [ZONE]: 'z0', [BLOCK]: 'z0-b1', [RACK]: 'z0-b1-r1', [HOST]: at['p-0-a-0'] });
    expect(selectorOf(inc.gang, 'p-0-b-1')).toEqual({ [ZONE]: 'z0', [BLOCK]: 'z0-b1' });

    // Placed, each new pod lands where it was pinned, though the rest of the cluster is empty.
    const plan = placeGangs(state, [inc.gang], { bySchedulerName: true });
    expect(plan.feasible).toBe(true);
    const nodeOf = (pod: string) => plan.gangs[0]!.pods.find((p) => p.name === pod)!.node;
    expect(nodeOf('p-0-a-1')).toBe(at['p-0-a-0']);
    expect(labelOf(state, nodeOf('p-0-b-1'), BLOCK)).toBe('z0-b1');
  });

  it('group-config scope: a scaling-group replica follows its own running pods, not another replica’s', () => {
    const template = {
      cliques: [clique('l', 1, 4), clique('w', 2, 4)],
      podCliqueScalingGroups: [{ name: 'sg', cliqueNames: ['l', 'w'], replicas: 2, minAvailable: 2, topologyConstraint: { pack: { required: 'rack' } } }],
    };
    const gang = expandPodGangs(pcsOf(template))[0]!;
    expect(gang.groupConfigs.map((c) => c.name)).toEqual(['p-0-sg-0', 'p-0-sg-1']);
    const base = empty();
    // Replica 0 runs its leader and one worker in rack z1-b0-r1; replica 1 runs nothing yet.
    const at = { 'p-0-sg-0-l-0': node(base, 'z1-b0-r1', 0), 'p-0-sg-0-w-0': node(base, 'z1-b0-r1', 3) };
    const state = withRunning(base, gang, at);
    const inc = pinning(state).increment(gang, notIn(at), { pin: true })!;

    expect(inc.pins.map(({ scope, domain, value, runs }) => ({ scope, domain, value, runs }))).toEqual([{ scope: 'group config', domain: 'rack', value: 'z1-b0-r1', runs: 'p-0-sg-0' }]);
    expect(selectorOf(inc.gang, 'p-0-sg-0-w-1')).toEqual({ [ZONE]: 'z1', [BLOCK]: 'z1-b0', [RACK]: 'z1-b0-r1' });
    for (const pod of ['p-0-sg-1-l-0', 'p-0-sg-1-w-0', 'p-0-sg-1-w-1']) expect(selectorOf(inc.gang, pod)).toEqual({});
    // The increment keeps both group configs (each still has new pods), so replica 1 packs by itself.
    expect(inc.gang.groupConfigs.map((c) => [c.name, c.podGroupNames])).toEqual([
      ['p-0-sg-0', ['p-0-sg-0-w']],
      ['p-0-sg-1', ['p-0-sg-1-l', 'p-0-sg-1-w']],
    ]);

    const plan = placeGangs(state, [inc.gang], { bySchedulerName: true });
    expect(plan.feasible).toBe(true);
    const racks = (prefix: string) => new Set(plan.gangs[0]!.pods.filter((p) => p.name.startsWith(prefix)).map((p) => labelOf(state, p.node, RACK)));
    expect([...racks('p-0-sg-0-')]).toEqual(['z1-b0-r1']);
    expect(racks('p-0-sg-1-').size).toBe(1);
  });

  it('several levels at once: zone for the gang, rack for the group config, host for the clique', () => {
    const template = {
      cliques: [clique('l', 2, 2, { required: 'host' }), clique('w', 2, 2)],
      podCliqueScalingGroups: [{ name: 'sg', cliqueNames: ['l', 'w'], replicas: 1, minAvailable: 1, topologyConstraint: { pack: { required: 'rack' } } }],
    };
    const gang = expandPodGangs(pcsOf(template, { required: 'zone' }))[0]!;
    const base = empty();
    const leader = node(base, 'z1-b1-r0', 1);
    const at = { 'p-0-sg-0-l-0': leader, 'p-0-sg-0-w-0': node(base, 'z1-b1-r0', 2) };
    const state = withRunning(base, gang, at);
    const inc = pinning(state).increment(gang, notIn(at), { pin: true })!;
    expect(inc.pins.map((p) => [p.scope, p.domain, p.value])).toEqual([
      ['gang', 'zone', 'z1'],
      ['group config', 'rack', 'z1-b1-r0'],
      ['pod group', 'host', leader],
    ]);
    expect(selectorOf(inc.gang, 'p-0-sg-0-l-1')).toEqual({ [ZONE]: 'z1', [BLOCK]: 'z1-b1', [RACK]: 'z1-b1-r0', [HOST]: leader });
    expect(selectorOf(inc.gang, 'p-0-sg-0-w-1')).toEqual({ [ZONE]: 'z1', [BLOCK]: 'z1-b1', [RACK]: 'z1-b1-r0' });
  });

  it('no pin: under default-scheduler, for a preferred-only constraint, for running pods already split across domains, or for a gang with none running', () => {
    const base = empty();
    const onDefault = expandPodGangs(pcsOf({ cliques: [clique('a', 2, 2, undefined, null)] }, { required: 'block' }))[0]!;
    expect(pinsRunningGang(onDefault)).toBe(false);
    expect(pinsRunningGang(expandPodGangs(pcsOf({ cliques: [clique('a', 2, 2)] }))[0]!)).toBe(true);
    const at = { 'p-0-a-0': node(base, 'z0-b0-r0') };
    const inc = pinning(withRunning(base, onDefault, at)).increment(onDefault, notIn(at), { pin: pinsRunningGang(onDefault) })!;
    expect(inc.pins).toEqual([]);
    expect(selectorOf(inc.gang, 'p-0-a-1')).toEqual({});
    expect(inc.gang.podGroups[0]!.minReplicas).toBe(1);

    const preferred = expandPodGangs(pcsOf({ cliques: [clique('a', 2, 2)] }, { preferred: 'block' }))[0]!;
    expect(pinning(withRunning(base, preferred, at)).increment(preferred, notIn(at), { pin: true })!.pins).toEqual([]);

    const split = expandPodGangs(pcsOf({ cliques: [clique('a', 3, 2)] }, { required: 'block' }))[0]!;
    const twoBlocks = { 'p-0-a-0': node(base, 'z0-b0-r0'), 'p-0-a-1': node(base, 'z0-b1-r0') };
    expect(pinning(withRunning(base, split, twoBlocks)).increment(split, notIn(twoBlocks), { pin: true })!.pins).toEqual([]);

    const fresh = pinning(base).increment(split, (g) => g.pods, { pin: true })!;
    expect(fresh.pins).toEqual([]);
    expect(fresh.gang.podGroups[0]!.minReplicas).toBe(3);
  });

  it('a gang without new pods has no increment; pods of another gang or namespace, and finished pods, are not its running pods', () => {
    const gang = expandPodGangs(pcsOf({ cliques: [clique('a', 2, 2)] }, { required: 'block' }))[0]!;
    const base = empty();
    const state = withRunning(base, gang, { 'p-0-a-0': node(base, 'z0-b0-r0') });
    const pins = pinning({
      ...state,
      pods: [
        ...state.pods,
        { ...state.pods[0]!, name: 'elsewhere', namespace: 'other', nodeName: node(base, 'z1-b1-r1') },
        { ...state.pods[0]!, name: 'done', nodeName: node(base, 'z1-b1-r1'), terminal: true, phase: 'Succeeded' },
      ],
    });
    expect(pins.running('ns', 'p-0').map((p) => p.name)).toEqual(['p-0-a-0']);
    expect(pins.increment(gang, () => [], { pin: true })).toBeUndefined();
  });
});

describe('pinning.increment: the minimum of each pod group counts its running pods', () => {
  /** Clique a: 4 pods, minAvailable 2, 8 GPUs each, packed in a block. */
  const gangOf = (replicas: number) => {
    const a = clique('a', replicas, 8);
    a.spec.minAvailable = 2;
    return expandPodGangs(pcsOf({ cliques: [a] }, { required: 'block' }))[0]!;
  };
  const minimumOf = (running: number, replicas: number) => {
    const gang = gangOf(replicas);
    const base = empty();
    const at = Object.fromEntries(gang.podGroups[0]!.pods.slice(0, running).map((p, i) => [p.name, node(base, 'z0-b0-r0', i)]));
    const inc = pinning(withRunning(base, gang, at)).increment(gang, notIn(at), { pin: true })!;
    return inc.gang.podGroups.map((g) => [g.minReplicas, g.pods.length]);
  };

  it('a clique at or above its minimum needs none of its new pods together; one below it needs what it lacks; one with none running its minimum', () => {
    expect(minimumOf(4, 60)).toEqual([[0, 56]]);
    expect(minimumOf(2, 3)).toEqual([[0, 1]]);
    expect(minimumOf(1, 200)).toEqual([[1, 199]]);
    expect(minimumOf(0, 4)).toEqual([[2, 4]]);
    // Never more than the new pods: a minimum the increment cannot hold is not asked of it.
    const gang = gangOf(4);
    expect(pinning(empty()).increment(gang, (g) => g.pods.slice(3), { pin: true })!.gang.podGroups.map((g) => g.minReplicas)).toEqual([1]);
  });

  it('the pods above the minimum fill the pinned block and the rest stay out, named with the block they must join and what it has left', () => {
    const gang = gangOf(20);
    const base = empty();
    const at = Object.fromEntries(gang.podGroups[0]!.pods.slice(0, 4).map((p, i) => [p.name, node(base, 'z0-b0-r0', i)]));
    const state = withRunning(base, gang, at);
    const pins = pinning(state);
    const inc = pins.increment(gang, notIn(at), { pin: true })!;
    const plan = placeGangs(state, [inc.gang]);
    // Block z0-b0: 2 racks × 4 nodes × 8 GPUs, 4 nodes taken: 4 more pods fit, 12 do not.
    expect(plan.gangs[0]).toMatchObject({ placed: true });
    expect(plan.gangs[0]!.pods.map((p) => labelOf(state, p.node, BLOCK))).toEqual(['z0-b0', 'z0-b0', 'z0-b0', 'z0-b0']);
    expect(plan.gangs[0]!.unplacedOptionalPods).toHaveLength(12);
    const explained = pins.explain(plan.gangs[0]!, inc.pins);
    expect(explained.unplacedOptionalReason).toBe('p-0-a-8: must join block z0-b0 where p-0 runs (required block); z0-b0 has 0 free GPUs');
    expect(explained).toMatchObject({ placed: true, pods: plan.gangs[0]!.pods, unplacedOptionalPods: plan.gangs[0]!.unplacedOptionalPods });
  });
});

describe('pinning.explain', () => {
  const failed: GangPlacement = { name: 'p-0', placed: false, reason: 'engine words', explanation: [{ level: 'node', needs: 'x', best: 'y', message: 'engine words' }], domains: {}, pods: [] };

  it('names the narrowest pinned domain that lacks the GPUs its new pods ask for, with what it has free, ahead of the engine’s words', () => {
    const gang = expandPodGangs(pcsOf({ cliques: [clique('a', 2, 8, { required: 'host' })] }, { required: 'block' }))[0]!;
    const base = empty();
    const host = node(base, 'z0-b0-r1', 0);
    const at = { 'p-0-a-0': host };
    const state = withRunning(base, gang, at);
    const pins = pinning(state);
    const inc = pins.increment(gang, notIn(at), { pin: true })!;
    expect(placeGangs(state, [inc.gang]).feasible).toBe(false);
    const explained = pins.explain(failed, inc.pins);
    expect(explained.reason).toBe(`must join host ${host} where p-0-a runs (required host); ${host} has 0 free GPUs`);
    expect(explained.explanation!.map((e) => e.level)).toEqual(['host', 'node']);
    // The block has room: it is not what stops the pod.
    expect(explained.reason).not.toMatch(/block/);
  });

  it('names a broader domain when that is the one short of GPUs, though a narrower pin holds', () => {
    const gang = expandPodGangs(pcsOf({ cliques: [clique('a', 2, 1, { required: 'host' }), clique('b', 2, 8)] }, { required: 'block' }))[0]!;
    const base = empty();
    const host = node(base, 'z0-b0-r0', 0);
    const at = { 'p-0-a-0': host, 'p-0-b-0': node(base, 'z0-b0-r0', 1) };
    const running = withRunning(base, gang, at);
    // Everything else in block z0-b0 is taken by another stack: only the leader's host has room (7 GPUs).
    const others: PodInfo[] = base.nodes
      .filter((n) => n.labels[BLOCK] === 'z0-b0' && n.name !== host && n.name !== at['p-0-b-0'])
      .map((n, i) => ({ namespace: 'ns', name: `other-${i}`, nodeName: n.name, labels: {}, requests: { gpu: 8, cpuMilli: 0, memory: 0, pods: 1 }, phase: 'Running', terminal: false }));
    const state = { ...running, pods: [...running.pods, ...others] };
    const pins = pinning(state);
    const inc = pins.increment(gang, notIn(at), { pin: true })!;
    expect(placeGangs(state, [inc.gang]).feasible).toBe(false);
    expect(pins.explain(failed, inc.pins).reason).toBe('must join block z0-b0 where p-0 runs (required block); z0-b0 has 7 free GPUs');
  });

  it('pins to the label path: rack values shared by two zones hold the new pods in the running pods’ zone, and are named with it', () => {
    const gang = expandPodGangs(pcsOf({ cliques: [clique('a', 3, 8)] }, { required: 'rack' }))[0]!;
    const base = empty();
    // Rack values that repeat per zone: "r0"/"r1" in z0 and in z1 (blocks too), as a cluster may label them.
    for (const n of base.nodes) (n.labels[BLOCK] = n.labels[BLOCK]!.replace(/^z\d-/, '')), (n.labels[RACK] = n.labels[RACK]!.replace(/^z\d-b\d-/, ''));
    const at = { 'p-0-a-0': base.nodes.find((n) => n.labels[ZONE] === 'z0' && n.labels[BLOCK] === 'b0' && n.labels[RACK] === 'r0')!.name };
    // Only z1's b0/r0 has room left: the same values, another rack.
    const busy: PodInfo[] = base.nodes
      .filter((n) => n.name !== at['p-0-a-0'] && !(n.labels[ZONE] === 'z1' && n.labels[BLOCK] === 'b0' && n.labels[RACK] === 'r0'))
      .map((n, i) => ({ namespace: 'ns', name: `other-${i}`, nodeName: n.name, labels: {}, requests: { gpu: 8, cpuMilli: 0, memory: 0, pods: 1 }, phase: 'Running', terminal: false }));
    const running = withRunning(base, gang, at);
    const state = { ...running, pods: [...running.pods, ...busy] };
    const pins = pinning(state);
    const inc = pins.increment(gang, notIn(at), { pin: true })!;
    expect(selectorOf(inc.gang, 'p-0-a-1')).toEqual({ [ZONE]: 'z0', [BLOCK]: 'b0', [RACK]: 'r0' });
    const plan = placeGangs(state, [inc.gang]);
    expect(plan.feasible).toBe(false);
    expect(pins.explain(plan.gangs[0]!, inc.pins).reason).toBe('must join rack r0 in block b0 in zone z0 where p-0 runs (required rack); r0 in block b0 in zone z0 has 0 free GPUs');
  });

  it('leaves a placed gang, and one without pins, as they are', () => {
    const pins = pinning(empty());
    const placed: GangPlacement = { ...failed, placed: true, reason: undefined };
    expect(pins.explain(placed, [{ scope: 'gang', domain: 'block', key: BLOCK, value: 'z0-b0', path: [{ domain: 'block', key: BLOCK, value: 'z0-b0' }], runs: 'p-0', gpus: 8 }])).toBe(placed);
    expect(pins.explain(failed, [])).toBe(failed);
    expect(pins.explain(failed, undefined)).toBe(failed);
  });
});

describe('pinned', () => {
  const pod: ExpandedPod = {
    name: 'p-0-a-1',
    namespace: 'ns',
    podIndex: 1,
    podClique: 'p-0-a',
    clique: 'a',
    labels: {},
    requests: { gpu: 1, cpuMilli: 0, memory: 0, pods: 1 },
    scheduling: { nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-GB200' } },
  };

  it('adds each pin to the pod’s own nodeSelector', () => {
    expect(pinned(pod, [{ key: RACK, value: 'z0-b0-r0' }]).scheduling).toEqual({ nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-GB200', [RACK]: 'z0-b0-r0' } });
    expect(pinned(pod, [])).toBe(pod);
  });

  it('a pin on a key the pod selects another value of is ANDed into every required affinity term: both must hold', () => {
    const own: ExpandedPod = { ...pod, scheduling: { nodeSelector: { [RACK]: 'z0-b0-r0' }, requiredNodeAffinity: [{ matchExpressions: [{ key: ZONE, operator: 'In', values: ['z0'] }] }, {}] } };
    const out = pinned(own, [{ key: RACK, value: 'z1-b0-r0' }]);
    expect(out.scheduling.nodeSelector).toEqual({ [RACK]: 'z0-b0-r0' });
    expect(out.scheduling.requiredNodeAffinity).toEqual([
      { matchExpressions: [{ key: ZONE, operator: 'In', values: ['z0'] }, { key: RACK, operator: 'In', values: ['z1-b0-r0'] }] },
      { matchExpressions: [{ key: RACK, operator: 'In', values: ['z1-b0-r0'] }] },
    ]);
    const gang = { name: 'g', namespace: 'ns', podCliqueSet: 'p', pcsIndex: 0, base: true, groupConfigs: [], labels: {}, podGroups: [{ name: 'p-0-a', clique: 'a', minReplicas: 1, pods: [out] }] } as ExpandedGang;
    expect(placeGangs(empty(), [gang]).feasible).toBe(false);
  });
});
