import { afterAll, describe, expect, it } from 'vitest';
import type { ClusterState, NodeInfo, PodInfo, Resources } from '../cluster/state';
import type { ExpandedGang, ExpandedPod, ExpandedPodGroup } from '../grove/gang';
import type { GangPlacement, Plan } from './plan';
import { verifyPlan, type VerifyRule, type Violation } from './verify';
import { requirementMatches, toleratesTaint } from './verifyFilters';

const GI = 1024 ** 3;
const res = (gpu: number, cpuMilli = 1000, memory = GI, pods = 1): Resources => ({ gpu, cpuMilli, memory, pods });

/** 2 blocks × 2 racks × 2 nodes, 8 GPUs each: n-b{b}-r{r}-{i}. */
function cluster(): ClusterState {
  const nodes: NodeInfo[] = [];
  for (const b of [0, 1]) for (const r of [0, 1]) for (const i of [0, 1]) {
    const name = `n-b${b}-r${r}-${i}`;
    nodes.push({
      name,
      labels: { 'kubernetes.io/hostname': name, 'x/block': `b${b}`, 'x/rack': `b${b}-r${r}`, pool: b === 0 ? 'a' : 'b', gen: String(8 + b) },
      allocatable: res(8, 64_000, 512 * GI, 10),
      taints: [],
      unschedulable: false,
      ready: true,
    });
  }
  return {
    nodes,
    pods: [],
    topologies: [{ name: 'topo', levels: [{ domain: 'block', key: 'x/block' }, { domain: 'rack', key: 'x/rack' }, { domain: 'host', key: 'kubernetes.io/hostname' }] }],
  };
}

function group(gang: string, clique: string, n: number, gpus: number, min = n, extra: Partial<ExpandedPodGroup> = {}): ExpandedPodGroup {
  const name = `${gang}-${clique}`;
  const pods: ExpandedPod[] = Array.from({ length: n }, (_, i) => ({
    name: `${name}-${i}`, namespace: 'default', podIndex: i, podClique: name, clique, labels: {}, requests: res(gpus), scheduling: {},
  }));
  return { name, clique, minReplicas: min, pods, ...extra };
}

function gang(name: string, groups: ExpandedPodGroup[], extra: Partial<ExpandedGang> = {}): ExpandedGang {
  return { name, namespace: 'default', podCliqueSet: name, pcsIndex: 0, base: true, topologyName: 'topo', groupConfigs: [], podGroups: groups, labels: {}, ...extra };
}

/** Place pods of a gang onto the listed nodes, in pod order. */
function placed(g: ExpandedGang, nodes: string[], extra: Partial<GangPlacement> = {}): GangPlacement {
  const pods = g.podGroups.flatMap((pg) => pg.pods);
  return {
    name: g.name, placed: true, domains: {},
    pods: pods.slice(0, nodes.length).map((p, i) => ({ name: p.name, podGroup: p.podClique, clique: p.clique, node: nodes[i] as string, gpus: p.requests.gpu })),
    ...extra,
  };
}

const plan = (...gangs: GangPlacement[]): Plan => ({ feasible: gangs.every((g) => g.placed), gangs });

const triggered = new Set<VerifyRule>();
function rules(v: Violation[]): VerifyRule[] {
  for (const x of v) triggered.add(x.rule);
  return [...new Set(v.map((x) => x.rule))].sort();
}

const ALL_RULES: VerifyRule[] = [
  'plan-gangs', 'feasible-mismatch', 'unknown-pod', 'duplicate-pod', 'pod-mismatch', 'unknown-node', 'node-unschedulable',
  'node-not-ready', 'node-selector', 'node-affinity', 'taint', 'capacity', 'topology-label', 'pack-required', 'domain-mismatch', 'min-replicas',
  'optional-unaccounted', 'unplaced-has-pods', 'missing-reason', 'base-gang-unplaced',
];

describe('verifyPlan', () => {
  const g1 = gang('g1', [group('g1', 'w', 2, 4)], { topologyConstraint: { required: 'rack' } });

  it('accepts a valid plan', () => {
    expect(verifyPlan(cluster(), [g1], plan(placed(g1, ['n-b0-r0-0', 'n-b0-r0-1'], { domains: { rack: 'b0-r0', block: 'b0' } })))).toEqual([]);
  });

  it('flags nodes that do not exist, are cordoned or not Ready', () => {
    const s = cluster();
    s.nodes[0]!.unschedulable = true;
    s.nodes[1]!.ready = false;
    const g = gang('g', [group('g', 'w', 3, 1)]);
    expect(rules(verifyPlan(s, [g], plan(placed(g, ['n-b0-r0-0', 'n-b0-r0-1', 'nope']))))).toEqual(['node-not-ready', 'node-unschedulable', 'unknown-node']);
  });

  it('lets a pod that tolerates node.kubernetes.io/unschedulable onto a cordoned node', () => {
    const s = cluster();
    s.nodes[0]!.unschedulable = true;
    const g = gang('g', [group('g', 'w', 1, 1)]);
    g.podGroups[0]!.pods[0]!.scheduling = { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] };
    expect(verifyPlan(s, [g], plan(placed(g, ['n-b0-r0-0'])))).toEqual([]);
  });

  it('checks nodeSelector and required node affinity', () => {
    const g = gang('g', [group('g', 'w', 2, 1)]);
    g.podGroups[0]!.pods[0]!.scheduling = { nodeSelector: { pool: 'b' } };
    g.podGroups[0]!.pods[1]!.scheduling = { requiredNodeAffinity: [{ matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['8'] }] }] };
    expect(rules(verifyPlan(cluster(), [g], plan(placed(g, ['n-b0-r0-0', 'n-b0-r0-1']))))).toEqual(['node-affinity', 'node-selector']);
    expect(verifyPlan(cluster(), [g], plan(placed(g, ['n-b1-r0-0', 'n-b1-r0-1'])))).toEqual([]);
  });

  it('ORs affinity terms, and an empty term matches nothing', () => {
    const g = gang('g', [group('g', 'w', 1, 1)]);
    g.podGroups[0]!.pods[0]!.scheduling = { requiredNodeAffinity: [{}, { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n-b0-r1-0'] }] }] };
    expect(verifyPlan(cluster(), [g], plan(placed(g, ['n-b0-r1-0'])))).toEqual([]);
    expect(rules(verifyPlan(cluster(), [g], plan(placed(g, ['n-b0-r1-1']))))).toEqual(['node-affinity']);
  });

  it('node selector requirement operators follow core/v1', () => {
    const labels = { a: '5', b: 'x' };
    expect(requirementMatches({ key: 'b', operator: 'In', values: ['x', 'y'] }, labels)).toBe(true);
    expect(requirementMatches({ key: 'c', operator: 'NotIn', values: ['x'] }, labels)).toBe(true);
    expect(requirementMatches({ key: 'b', operator: 'NotIn', values: ['x'] }, labels)).toBe(false);
    expect(requirementMatches({ key: 'c', operator: 'DoesNotExist' }, labels)).toBe(true);
    expect(requirementMatches({ key: 'a', operator: 'Lt', values: ['6'] }, labels)).toBe(true);
    expect(requirementMatches({ key: 'b', operator: 'Gt', values: ['1'] }, labels)).toBe(false);
    expect(requirementMatches({ key: 'a', operator: 'Weird', values: ['5'] }, labels)).toBe(false);
  });

  it('checks NoSchedule/NoExecute taints against tolerations, ignores PreferNoSchedule', () => {
    const s = cluster();
    s.nodes[0]!.taints = [{ key: 'gpu', value: 'h100', effect: 'NoSchedule' }];
    s.nodes[1]!.taints = [{ key: 'soft', effect: 'PreferNoSchedule' }];
    s.nodes[2]!.taints = [{ key: 'evict', effect: 'NoExecute' }];
    const g = gang('g', [group('g', 'w', 3, 1)]);
    expect(rules(verifyPlan(s, [g], plan(placed(g, ['n-b0-r0-0', 'n-b0-r0-1', 'n-b0-r1-0']))))).toEqual(['taint']);
    expect(verifyPlan(s, [g], plan(placed(g, ['n-b0-r0-0', 'n-b0-r0-1', 'n-b0-r1-0']))).length).toBe(2);
    for (const p of g.podGroups[0]!.pods) p.scheduling = { tolerations: [{ key: 'gpu', operator: 'Equal', value: 'h100' }, { operator: 'Exists', effect: 'NoExecute' }] };
    expect(verifyPlan(s, [g], plan(placed(g, ['n-b0-r0-0', 'n-b0-r0-1', 'n-b0-r1-0'])))).toEqual([]);
    expect(toleratesTaint({ key: 'gpu', operator: 'Equal', value: 'a100' }, { key: 'gpu', value: 'h100', effect: 'NoSchedule' })).toBe(false);
    expect(toleratesTaint({ operator: 'Exists' }, { key: 'any', effect: 'NoSchedule' })).toBe(true);
  });

  it('counts existing non-terminal pods and earlier gangs against capacity', () => {
    const s = cluster();
    const existing = (name: string, gpu: number, terminal: boolean): PodInfo => ({ namespace: 'x', name, nodeName: 'n-b0-r0-0', labels: {}, requests: res(gpu), terminal });
    s.pods = [existing('busy', 4, false), existing('done', 8, true), { ...existing('pending', 8, false), nodeName: undefined }];
    const a = gang('a', [group('a', 'w', 1, 4)]);
    const b = gang('b', [group('b', 'w', 1, 2)]);
    expect(verifyPlan(s, [a], plan(placed(a, ['n-b0-r0-0'])))).toEqual([]);
    const v = verifyPlan(s, [a, b], plan(placed(a, ['n-b0-r0-0']), placed(b, ['n-b0-r0-0'])));
    expect(rules(v)).toEqual(['capacity']);
    expect(v[0]!.gang).toBe('b');
    expect(v[0]!.message).toContain('10 requested > 8');
  });

  it('checks cpu, memory and pod slots', () => {
    const s = cluster();
    s.nodes[0]!.allocatable = res(8, 1500, 2 * GI, 1);
    const g = gang('g', [group('g', 'w', 2, 0)]);
    const v = verifyPlan(s, [g], plan(placed(g, ['n-b0-r0-0', 'n-b0-r0-0'])));
    expect(v.map((x) => x.message.split(':')[0])).toEqual(['node n-b0-r0-0 is over its cpu (millicores)', 'node n-b0-r0-0 is over its pods']);
  });

  it('requires every required pack constraint in one domain: gang, group config, pod group', () => {
    const g = gang('g', [group('g', 'a', 2, 1, 2, { topologyConstraint: { required: 'host' } }), group('g', 'b', 2, 1)], {
      topologyConstraint: { required: 'block' },
      groupConfigs: [{ name: 'g-sg-0', podGroupNames: ['g-b'], topologyConstraint: { required: 'rack' } }],
    });
    expect(verifyPlan(cluster(), [g], plan(placed(g, ['n-b0-r0-0', 'n-b0-r0-0', 'n-b0-r1-0', 'n-b0-r1-0'])))).toEqual([]);
    const v = verifyPlan(cluster(), [g], plan(placed(g, ['n-b0-r0-0', 'n-b0-r0-1', 'n-b0-r0-0', 'n-b0-r1-0'])));
    expect(v.map((x) => x.message.split(' requires')[0])).toEqual(['group-config g-sg-0', 'pod-group g-a']);
    expect(rules(verifyPlan(cluster(), [g], plan(placed(g, ['n-b0-r0-0', 'n-b0-r0-0', 'n-b1-r1-0', 'n-b1-r1-0']))))).toEqual(['pack-required']);
  });

  it('puts a node without the level label in no domain', () => {
    const s = cluster();
    delete s.nodes[0]!.labels['x/rack'];
    const v = verifyPlan(s, [g1], plan(placed(g1, ['n-b0-r0-0', 'n-b0-r0-1'])));
    // Reported once, as outside the topology, not again as a broken pack.
    expect(v.map((x) => [x.rule, x.pod])).toEqual([['topology-label', 'g1-w-0']]);
    expect(v[0]!.message).toBe('gang has a topology constraint, but pod g1-w-0 is on node n-b0-r0-0, which has no x/rack label and so is outside topology topo');
  });

  it('keeps every pod under a topology constraint, required or preferred, off a node that lacks any level label (KAI)', () => {
    const s = cluster();
    // n-b0-r0-0 keeps its block label but loses its rack label: still outside the topology.
    delete s.nodes[0]!.labels['x/rack'];
    const blockPacked = gang('g', [group('g', 'w', 2, 4)], { topologyConstraint: { required: 'block' } });
    expect(rules(verifyPlan(s, [blockPacked], plan(placed(blockPacked, ['n-b0-r0-0', 'n-b0-r0-1']))))).toEqual(['topology-label']);
    const preferred = gang('g', [group('g', 'w', 2, 4)], { topologyConstraint: { preferred: 'rack' } });
    expect(rules(verifyPlan(s, [preferred], plan(placed(preferred, ['n-b0-r0-0', 'n-b0-r0-1']))))).toEqual(['topology-label']);
    // A clique's constraint holds its own pods to the topology, not its sibling's.
    const clique = gang('g', [group('g', 'free', 1, 4), group('g', 'packed', 1, 4, 1, { topologyConstraint: { required: 'rack' } })]);
    expect(verifyPlan(s, [clique], plan(placed(clique, ['n-b0-r0-0', 'n-b0-r0-1'])))).toEqual([]);
    expect(rules(verifyPlan(s, [clique], plan(placed(clique, ['n-b0-r0-1', 'n-b0-r0-0']))))).toEqual(['topology-label']);
    // A group config's constraint holds the pod groups it names.
    const config = gang('g', [group('g', 'a', 1, 4), group('g', 'b', 1, 4)], { groupConfigs: [{ name: 'g-sg-0', podGroupNames: ['g-b'], topologyConstraint: { preferred: 'host' } }] });
    expect(verifyPlan(s, [config], plan(placed(config, ['n-b0-r0-0', 'n-b0-r0-1'])))).toEqual([]);
    expect(rules(verifyPlan(s, [config], plan(placed(config, ['n-b0-r0-1', 'n-b0-r0-0']))))).toEqual(['topology-label']);
    // Without any constraint, or with one on a level the binding lacks (Grove drops it), the node is fine.
    const free = gang('g', [group('g', 'w', 2, 4)]);
    expect(verifyPlan(s, [free], plan(placed(free, ['n-b0-r0-0', 'n-b0-r0-1'])))).toEqual([]);
    const dropped = gang('g', [group('g', 'w', 2, 4)], { topologyConstraint: { required: 'zone' } });
    expect(verifyPlan(s, [dropped], plan(placed(dropped, ['n-b0-r0-0', 'n-b0-r0-1'])))).toEqual([]);
    // A gang placed pod by pod (kube-scheduler) ignores its constraints.
    expect(verifyPlan(s, [preferred], plan({ ...placed(preferred, ['n-b0-r0-0', 'n-b0-r0-1']), independent: true }))).toEqual([]);
    // An empty value is a label: the key is what counts.
    s.nodes[0]!.labels['x/rack'] = '';
    expect(verifyPlan(s, [preferred], plan(placed(preferred, ['n-b0-r0-0', 'n-b0-r0-1'])))).toEqual([]);
  });

  it('drops constraints whose domain the binding lacks (as Grove does)', () => {
    const g = gang('g', [group('g', 'w', 2, 1)], { topologyConstraint: { required: 'zone' } });
    expect(verifyPlan(cluster(), [g], plan(placed(g, ['n-b0-r0-0', 'n-b1-r0-1'])))).toEqual([]);
  });

  it('checks the domains the plan claims', () => {
    expect(rules(verifyPlan(cluster(), [g1], plan(placed(g1, ['n-b0-r0-0', 'n-b0-r0-1'], { domains: { rack: 'b0-r1' } }))))).toEqual(['domain-mismatch']);
  });

  it('requires minReplicas per pod group and accounts for optional pods', () => {
    const g = gang('g', [group('g', 'w', 3, 1, 2)]);
    expect(verifyPlan(cluster(), [g], plan(placed(g, ['n-b0-r0-0', 'n-b0-r0-0'], { unplacedOptionalPods: ['g-w-2'] })))).toEqual([]);
    expect(rules(verifyPlan(cluster(), [g], plan(placed(g, ['n-b0-r0-0'], { unplacedOptionalPods: ['g-w-1', 'g-w-2'] }))))).toEqual(['min-replicas']);
    expect(rules(verifyPlan(cluster(), [g], plan(placed(g, ['n-b0-r0-0', 'n-b0-r0-0']))))).toEqual(['optional-unaccounted']);
    expect(rules(verifyPlan(cluster(), [g], plan(placed(g, ['n-b0-r0-0', 'n-b0-r0-0', 'n-b0-r0-0'], { unplacedOptionalPods: ['g-w-2'] }))))).toEqual(['optional-unaccounted']);
  });

  it('requires unplaced gangs to have no pods and a reason', () => {
    const p: GangPlacement = { ...placed(g1, ['n-b0-r0-0']), placed: false };
    expect(rules(verifyPlan(cluster(), [g1], plan(p)))).toEqual(['missing-reason', 'unplaced-has-pods']);
    expect(verifyPlan(cluster(), [g1], plan({ name: 'g1', placed: false, reason: 'no room', domains: {}, pods: [] }))).toEqual([]);
  });

  it('flags unknown, duplicate and mislabelled pods', () => {
    const p = placed(g1, ['n-b0-r0-0', 'n-b0-r0-0']);
    p.pods.push({ ...p.pods[0]! }, { ...p.pods[0]!, name: 'ghost' });
    p.pods[1] = { ...p.pods[1]!, gpus: 1 };
    expect(rules(verifyPlan(cluster(), [g1], plan(p)))).toEqual(['duplicate-pod', 'pod-mismatch', 'unknown-pod']);
  });

  it('flags gangs missing from, duplicated in or unknown to the plan, and a wrong feasible flag', () => {
    const a = gang('a', [group('a', 'w', 1, 1)]);
    const b = gang('b', [group('b', 'w', 1, 1)]);
    const pa = placed(a, ['n-b0-r0-0']);
    expect(rules(verifyPlan(cluster(), [a, b], plan(pa)))).toEqual(['feasible-mismatch', 'plan-gangs']);
    expect(rules(verifyPlan(cluster(), [a], plan(pa, pa)))).toEqual(['plan-gangs']);
    expect(rules(verifyPlan(cluster(), [a], plan(pa, placed(b, ['n-b0-r0-0']))))).toEqual(['plan-gangs']);
    expect(rules(verifyPlan(cluster(), [a], { feasible: false, gangs: [pa] }))).toEqual(['feasible-mismatch']);
  });

  it('does not place a scaled gang whose base gang is not placed', () => {
    const base = gang('p-0', [group('p-0', 'w', 1, 1)]);
    const scaled = gang('p-0-sg-0', [group('p-0-sg-0', 'w', 1, 1)], { base: false, baseGang: 'p-0' });
    const pb: GangPlacement = { name: 'p-0', placed: false, reason: 'full', domains: {}, pods: [] };
    expect(rules(verifyPlan(cluster(), [base, scaled], plan(pb, placed(scaled, ['n-b0-r0-0']))))).toEqual(['base-gang-unplaced']);
  });

  afterAll(() => {
    // Every rule the verifier knows is broken by at least one hand-made plan above.
    expect(ALL_RULES.filter((r) => !triggered.has(r))).toEqual([]);
  });
});
