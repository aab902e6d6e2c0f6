/**
 * Gang expansion tests (expand.ts, expand-objects.ts).
 *
 * No comparison against a running Grove operator is possible here (the Go module proxy refuses
 * github.com/ai-dynamo/grove with 403, so the operator cannot be built), so the expectations below
 * are written from shared/grove/API-NOTES.md (§2.7, §6, §7, §10, §11, §12, §22) and cross-read
 * against the operator source at the commit API-NOTES pins (fcc3b3bb). Where the source is more
 * specific than the notes it is cited next to the assertion (e.g. pods inheriting all PodClique labels).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Container, PodSpec } from './core';
import { expandPodGangs, podSchedulingRequirements } from './expand';
import { expandPodCliqueSet } from './expand-objects';
import type { ExpandedGang } from './gang';
import type { PodCliqueScalingGroupConfig, PodCliqueSet, PodCliqueTemplateSpec } from './podcliqueset';
import type { TopologyConstraint } from './topology-constraint';

const container = (extra: Partial<Container> = {}): Container => ({ name: 'app', image: 'busybox', command: ['sleep', 'infinity'], ...extra });

function clique(name: string, replicas: number, extra: Partial<PodCliqueTemplateSpec> = {}, minAvailable = replicas, podSpec: Partial<PodSpec> = {}): PodCliqueTemplateSpec {
  return { name, ...extra, spec: { roleName: name, replicas, minAvailable, podSpec: { containers: [container()], ...podSpec } } };
}

function pcsOf(name: string, replicas: number, cliques: PodCliqueTemplateSpec[], groups: PodCliqueScalingGroupConfig[] = [], extra: Partial<PodCliqueSet['spec']['template']> = {}): PodCliqueSet {
  return {
    apiVersion: 'grove.io/v1alpha1',
    kind: 'PodCliqueSet',
    metadata: { name, namespace: 'default' },
    spec: { replicas, template: { cliqueStartupType: 'CliqueStartupTypeAnyOrder', cliques, ...(groups.length ? { podCliqueScalingGroups: groups } : {}), ...extra } },
  };
}

/** The §2.7 example of API-NOTES, verbatim in structure. */
const demo = (): PodCliqueSet => pcsOf('demo', 1, [clique('frontend', 2), clique('leader', 1), clique('worker', 3)], [{ name: 'inst', cliqueNames: ['leader', 'worker'], replicas: 2, minAvailable: 1 }], { terminationDelay: '4h' });

const shape = (gangs: ExpandedGang[]) => gangs.map((g) => ({ name: g.name, groups: g.podGroups.map((pg) => `${pg.name}×${pg.pods.length}`) }));
const allPods = (gangs: ExpandedGang[]) => gangs.flatMap((g) => g.podGroups.flatMap((pg) => pg.pods));
const gang = (gangs: ExpandedGang[], name: string) => {
  const g = gangs.find((x) => x.name === name);
  if (!g) throw new Error(`no gang ${name} in ${gangs.map((x) => x.name).join(', ')}`);
  return g;
};

describe('gang structure', () => {
  test('standalone cliques only: one base gang per replica, pod groups in template order, minReplicas = minAvailable', () => {
    const gangs = expandPodGangs(pcsOf('solo', 1, [clique('router', 2, {}, 1), clique('model', 3)]));
    expect(shape(gangs)).toEqual([{ name: 'solo-0', groups: ['solo-0-router×2', 'solo-0-model×3'] }]);
    const g = gangs[0]!;
    expect(g).toMatchObject({ base: true, pcsIndex: 0, podCliqueSet: 'solo', namespace: 'default', groupConfigs: [] });
    expect(g.baseGang).toBeUndefined();
    expect(g.podGroups.map((pg) => pg.minReplicas)).toEqual([1, 3]);
    expect(g.podGroups[0]!.pods.map((p) => [p.name, p.podIndex, p.clique])).toEqual([
      ['solo-0-router-0', 0, 'router'],
      ['solo-0-router-1', 1, 'router'],
    ]);
    expect(g.podGroups.every((pg) => pg.scalingGroup === undefined)).toBe(true);
  });

  test('API-NOTES §2.7: PodGangs demo-0 (frontend + inst replica 0) and demo-0-inst-0 (inst replica 1), 10 pods', () => {
    const gangs = expandPodGangs(demo());
    expect(shape(gangs)).toEqual([
      { name: 'demo-0', groups: ['demo-0-frontend×2', 'demo-0-inst-0-leader×1', 'demo-0-inst-0-worker×3'] },
      { name: 'demo-0-inst-0', groups: ['demo-0-inst-1-leader×1', 'demo-0-inst-1-worker×3'] },
    ]);
    expect(allPods(gangs)).toHaveLength(10);
    const scaled = gang(gangs, 'demo-0-inst-0');
    expect(scaled).toMatchObject({ base: false, baseGang: 'demo-0', pcsIndex: 0 });
    expect(scaled.podGroups.map((pg) => pg.scalingGroup)).toEqual([
      { name: 'demo-0-inst', replicaIndex: 1 },
      { name: 'demo-0-inst', replicaIndex: 1 },
    ]);
    expect(gang(gangs, 'demo-0').podGroups.map((pg) => pg.scalingGroup)).toEqual([undefined, { name: 'demo-0-inst', replicaIndex: 0 }, { name: 'demo-0-inst', replicaIndex: 0 }]);

    const objects = expandPodCliqueSet(demo());
    expect(objects.podCliques.map((p) => p.metadata.name).sort()).toEqual(
      ['demo-0-frontend', 'demo-0-inst-0-leader', 'demo-0-inst-0-worker', 'demo-0-inst-1-leader', 'demo-0-inst-1-worker'].sort(),
    );
    expect(objects.scalingGroups.map((s) => [s.metadata.name, s.spec])).toEqual([['demo-0-inst', { replicas: 2, minAvailable: 1, cliqueNames: ['leader', 'worker'] }]]);
    expect(objects.podGangs.map((p) => p.metadata.name)).toEqual(['demo-0', 'demo-0-inst-0']);
    expect(objects.podGangs[1]!.spec.podgroups).toEqual([
      { name: 'demo-0-inst-1-leader', podReferences: [{ namespace: 'default', name: 'demo-0-inst-1-leader-0' }], minReplicas: 1 },
      {
        name: 'demo-0-inst-1-worker',
        podReferences: ['demo-0-inst-1-worker-0', 'demo-0-inst-1-worker-1', 'demo-0-inst-1-worker-2'].map((name) => ({ namespace: 'default', name })),
        minReplicas: 3,
      },
    ]);
    expect(objects.gangs).toEqual(gangs);
  });

  test('scaled gang index is offset by minAvailable (pitfall 13): minAvailable 2 of 5 → gangs -0..-2 hold replicas 2..4', () => {
    const gangs = expandPodGangs(pcsOf('p', 1, [clique('a', 1)], [{ name: 'sg', cliqueNames: ['a'], replicas: 5, minAvailable: 2 }]));
    expect(shape(gangs)).toEqual([
      { name: 'p-0', groups: ['p-0-sg-0-a×1', 'p-0-sg-1-a×1'] },
      { name: 'p-0-sg-0', groups: ['p-0-sg-2-a×1'] },
      { name: 'p-0-sg-1', groups: ['p-0-sg-3-a×1'] },
      { name: 'p-0-sg-2', groups: ['p-0-sg-4-a×1'] },
    ]);
  });

  test('minAvailable equal to replicas: every scaling-group replica is in the base gang, no scaled gangs', () => {
    const gangs = expandPodGangs(pcsOf('eq', 1, [clique('fe', 1), clique('l', 1), clique('w', 2)], [{ name: 'inst', cliqueNames: ['l', 'w'], replicas: 3, minAvailable: 3 }]));
    expect(shape(gangs)).toEqual([
      { name: 'eq-0', groups: ['eq-0-fe×1', 'eq-0-inst-0-l×1', 'eq-0-inst-0-w×2', 'eq-0-inst-1-l×1', 'eq-0-inst-1-w×2', 'eq-0-inst-2-l×1', 'eq-0-inst-2-w×2'] },
    ]);
  });

  test('scaling-group defaults (replicas 1, minAvailable 1) and clique minAvailable default = replicas', () => {
    const p = pcsOf('d', 1, [clique('a', 3)], [{ name: 'g', cliqueNames: ['a'] }]);
    delete p.spec.template.cliques[0]!.spec.minAvailable;
    const gangs = expandPodGangs(p);
    expect(shape(gangs)).toEqual([{ name: 'd-0', groups: ['d-0-g-0-a×3'] }]);
    expect(gangs[0]!.podGroups[0]!.minReplicas).toBe(3);
  });

  test('multiple PCS replicas: base gangs first, then scaled gangs replica by replica, names and indices per replica', () => {
    const p = demo();
    p.spec.replicas = 3;
    const gangs = expandPodGangs(p);
    expect(gangs.map((g) => [g.name, g.pcsIndex, g.base, g.baseGang])).toEqual([
      ['demo-0', 0, true, undefined],
      ['demo-1', 1, true, undefined],
      ['demo-2', 2, true, undefined],
      ['demo-0-inst-0', 0, false, 'demo-0'],
      ['demo-1-inst-0', 1, false, 'demo-1'],
      ['demo-2-inst-0', 2, false, 'demo-2'],
    ]);
    expect(gang(gangs, 'demo-2-inst-0').podGroups.map((pg) => pg.name)).toEqual(['demo-2-inst-1-leader', 'demo-2-inst-1-worker']);
    expect(allPods(gangs)).toHaveLength(30);
    for (const pod of allPods(gangs)) expect(pod.labels['grove.io/podcliqueset-replica-index']).toBe(pod.name.split('-')[1]);
  });

  test('replicas 0 (the CRD default) and replicas absent create nothing', () => {
    expect(expandPodGangs(pcsOf('z', 0, [clique('a', 1)]))).toEqual([]);
    const p = pcsOf('z', 0, [clique('a', 1)]);
    delete p.spec.replicas;
    expect(expandPodCliqueSet(p)).toEqual({ podCliques: [], scalingGroups: [], podGangs: [], gangs: [] });
  });

  test('namespace defaults to "default"; priorityClassName goes to the gang, not to pods', () => {
    const p = pcsOf('n', 1, [clique('a', 1)], [], { priorityClassName: 'high' });
    delete p.metadata.namespace;
    const [g] = expandPodGangs(p);
    expect(g!.namespace).toBe('default');
    expect(g!.priorityClassName).toBe('high');
    expect(expandPodCliqueSet(p).podGangs[0]!.spec.priorityClassName).toBe('high');
    expect(expandPodGangs(pcsOf('n', 1, [clique('a', 1)]))[0]!.priorityClassName).toBeUndefined();
  });
});

describe('replica overrides (live /scale counts, §14)', () => {
  test('scalingGroupReplicas by template name applies to every PCS replica; the PCSG full name wins', () => {
    const p = demo();
    p.spec.replicas = 2;
    const gangs = expandPodGangs(p, { scalingGroupReplicas: { inst: 3, 'demo-1-inst': 1 } });
    expect(gangs.map((g) => g.name)).toEqual(['demo-0', 'demo-1', 'demo-0-inst-0', 'demo-0-inst-1']);
    expect(gang(gangs, 'demo-0-inst-1').podGroups.map((pg) => pg.name)).toEqual(['demo-0-inst-2-leader', 'demo-0-inst-2-worker']);
    const objects = expandPodCliqueSet(p, { scalingGroupReplicas: { inst: 3, 'demo-1-inst': 1 } });
    expect(objects.scalingGroups.map((s) => [s.metadata.name, s.spec.replicas])).toEqual([
      ['demo-0-inst', 3],
      ['demo-1-inst', 1],
    ]);
  });

  test('podCliqueReplicas changes the pods of one PodClique only; minReplicas stays minAvailable', () => {
    const gangs = expandPodGangs(demo(), { podCliqueReplicas: { 'demo-0-frontend': 5, 'demo-0-inst-1-worker': 1 } });
    const base = gang(gangs, 'demo-0');
    expect(shape(gangs)).toEqual([
      { name: 'demo-0', groups: ['demo-0-frontend×5', 'demo-0-inst-0-leader×1', 'demo-0-inst-0-worker×3'] },
      { name: 'demo-0-inst-0', groups: ['demo-0-inst-1-leader×1', 'demo-0-inst-1-worker×1'] },
    ]);
    expect(base.podGroups[0]!.minReplicas).toBe(2);
    expect(gang(gangs, 'demo-0-inst-0').podGroups[1]!.minReplicas).toBe(3);
    const pclq = expandPodCliqueSet(demo(), { podCliqueReplicas: { 'demo-0-frontend': 5 } }).podCliques.find((c) => c.metadata.name === 'demo-0-frontend');
    expect(pclq!.spec.replicas).toBe(5);
  });

  test('template edits are not live counts: without options the template replicas are used', () => {
    expect(allPods(expandPodGangs(demo()))).toHaveLength(10);
    expect(allPods(expandPodGangs(demo(), { scalingGroupReplicas: { inst: 1 } }))).toHaveLength(6);
  });
});

describe('topology constraints (§12)', () => {
  const tc = (required?: string, preferred?: string, topologyName?: string): TopologyConstraint => ({
    ...(topologyName ? { topologyName } : {}),
    pack: { ...(required ? { required } : {}), ...(preferred ? { preferred } : {}) },
  });
  const constrained = (pcsLevel?: TopologyConstraint, groupLevel?: TopologyConstraint) =>
    pcsOf(
      'tas',
      1,
      [clique('fe', 1, { topologyConstraint: tc(undefined, 'host') }), clique('l', 1), clique('w', 2, { topologyConstraint: tc('host') })],
      [{ name: 'inst', cliqueNames: ['l', 'w'], replicas: 4, minAvailable: 2, ...(groupLevel ? { topologyConstraint: groupLevel } : {}) }],
      pcsLevel ? { topologyConstraint: pcsLevel } : {},
    );
  const levels = [
    { domain: 'zone', key: 'topology.kubernetes.io/zone' },
    { domain: 'rack', key: 'example.com/rack' },
    { domain: 'host', key: 'kubernetes.io/hostname' },
  ];

  test('PCS → base gang; PCSG → one group config per base replica and each scaled gang; clique → its pod group', () => {
    const gangs = expandPodGangs(constrained(tc('zone', undefined, 'grove-topology'), tc('rack', 'host')));
    const base = gang(gangs, 'tas-0');
    expect(base.topologyConstraint).toEqual({ required: 'zone' });
    expect(base.topologyName).toBe('grove-topology');
    expect(base.groupConfigs).toEqual([
      { name: 'tas-0-inst-0', podGroupNames: ['tas-0-inst-0-l', 'tas-0-inst-0-w'], topologyConstraint: { required: 'rack', preferred: 'host' } },
      { name: 'tas-0-inst-1', podGroupNames: ['tas-0-inst-1-l', 'tas-0-inst-1-w'], topologyConstraint: { required: 'rack', preferred: 'host' } },
    ]);
    expect(base.podGroups.map((pg) => [pg.name, pg.topologyConstraint])).toEqual([
      ['tas-0-fe', { preferred: 'host' }],
      ['tas-0-inst-0-l', undefined],
      ['tas-0-inst-0-w', { required: 'host' }],
      ['tas-0-inst-1-l', undefined],
      ['tas-0-inst-1-w', { required: 'host' }],
    ]);
    for (const name of ['tas-0-inst-0', 'tas-0-inst-1']) {
      const scaled = gang(gangs, name);
      expect(scaled.topologyConstraint).toEqual({ required: 'rack', preferred: 'host' });
      expect(scaled.groupConfigs).toEqual([]);
      expect(scaled.topologyName).toBe('grove-topology');
      expect(scaled.podGroups[1]!.topologyConstraint).toEqual({ required: 'host' });
    }
  });

  test('a scaled gang falls back to the PCS constraint when its scaling group has none; no group configs then', () => {
    const gangs = expandPodGangs(constrained(tc('zone', undefined, 'grove-topology')));
    expect(gang(gangs, 'tas-0').groupConfigs).toEqual([]);
    expect(gang(gangs, 'tas-0-inst-0').topologyConstraint).toEqual({ required: 'zone' });
  });

  test('the binding name is inherited from the scaling group or a clique when the PCS names none', () => {
    const gangs = expandPodGangs(constrained(undefined, tc('rack', undefined, 'h100')));
    expect(gang(gangs, 'tas-0').topologyConstraint).toBeUndefined();
    expect(gangs.every((g) => g.topologyName === 'h100')).toBe(true);
    expect(gang(gangs, 'tas-0-inst-1').topologyConstraint).toEqual({ required: 'rack' });
  });

  test('legacy packDomain counts as required; gangs without any constraint carry no topologyName', () => {
    const p = pcsOf('old', 1, [clique('a', 1)], [{ name: 'g', cliqueNames: ['a'], replicas: 2, minAvailable: 1 }], { topologyConstraint: { topologyName: 't', packDomain: 'rack' } });
    const gangs = expandPodGangs(p);
    expect(gangs.map((g) => g.topologyConstraint)).toEqual([{ required: 'rack' }, { required: 'rack' }]);
    const plain = expandPodGangs(demo());
    expect(plain.every((g) => g.topologyName === undefined && g.topologyConstraint === undefined)).toBe(true);
  });

  test('PodGang objects: domains → node label keys through levels, unknown domains dropped, topology-name annotation', () => {
    const p = constrained(tc('zone', undefined, 'grove-topology'), tc('rack', 'numa'));
    const { podGangs } = expandPodCliqueSet(p, { levels });
    const base = podGangs.find((g) => g.metadata.name === 'tas-0')!;
    expect(base.spec.topologyConstraint).toEqual({ packConstraint: { required: 'topology.kubernetes.io/zone' } });
    // 'numa' is not a level of the binding: dropped, as Grove does for a domain missing from the binding.
    expect(base.spec.topologyConstraintGroupConfigs).toEqual([
      { name: 'tas-0-inst-0', podGroupNames: ['tas-0-inst-0-l', 'tas-0-inst-0-w'], topologyConstraint: { packConstraint: { required: 'example.com/rack' } } },
      { name: 'tas-0-inst-1', podGroupNames: ['tas-0-inst-1-l', 'tas-0-inst-1-w'], topologyConstraint: { packConstraint: { required: 'example.com/rack' } } },
    ]);
    expect(base.spec.podgroups.map((pg) => pg.topologyConstraint)).toEqual([
      { packConstraint: { preferred: 'kubernetes.io/hostname' } },
      undefined,
      { packConstraint: { required: 'kubernetes.io/hostname' } },
      undefined,
      { packConstraint: { required: 'kubernetes.io/hostname' } },
    ]);
    expect(base.metadata.annotations).toEqual({ 'grove.io/topology-name': 'grove-topology' });
    const scaled = podGangs.find((g) => g.metadata.name === 'tas-0-inst-1')!;
    expect(scaled.spec.topologyConstraint).toEqual({ packConstraint: { required: 'example.com/rack' } });
    expect(scaled.spec.topologyConstraintGroupConfigs).toBeUndefined();
  });

  test('PodGang objects without levels (TAS disabled) carry no constraints and no topology-name annotation', () => {
    const { podGangs, gangs } = expandPodCliqueSet(constrained(tc('zone', undefined, 'grove-topology'), tc('rack')));
    for (const pg of podGangs) {
      expect(pg.spec.topologyConstraint).toBeUndefined();
      expect(pg.spec.topologyConstraintGroupConfigs).toBeUndefined();
      expect(pg.spec.podgroups.every((g) => g.topologyConstraint === undefined)).toBe(true);
      expect(pg.metadata.annotations).toBeUndefined();
    }
    // The domain-level gangs still carry them: placement translates them itself.
    expect(gangs[0]!.topologyConstraint).toEqual({ required: 'zone' });
  });
});

describe('labels (§7)', () => {
  const labelled = () => {
    const p = pcsOf(
      'lab',
      1,
      [clique('fe', 1, { labels: { team: 'web', 'grove.io/podgang': 'user-value-is-overwritten' } }), clique('w', 1, { labels: { role: 'worker' } })],
      [{ name: 'sg', cliqueNames: ['w'], replicas: 2, minAvailable: 1 }],
    );
    p.metadata.labels = { env: 'prod', 'grove.io/internal': 'x', 'kai.scheduler/queue': 'q1' };
    p.metadata.annotations = { owner: 'me', 'grove.io/reconcile-trigger': '1' };
    return p;
  };
  const common = { 'app.kubernetes.io/managed-by': 'grove-operator', 'app.kubernetes.io/part-of': 'lab' };

  test('standalone pod: managed-by, part-of, the PodClique labels, podclique, replica index, podgang, pod index, template labels', () => {
    const pod = allPods(expandPodGangs(labelled())).find((p) => p.name === 'lab-0-fe-0')!;
    // Pods carry every PodClique label (operator pod.go getLabels: lo.Assign(defaults, pclq.Labels, own)),
    // hence app.kubernetes.io/name and .../component on pods too.
    expect(pod.labels).toEqual({
      ...common,
      team: 'web',
      'app.kubernetes.io/name': 'lab-0-fe',
      'app.kubernetes.io/component': 'pcs-podclique',
      'grove.io/podcliqueset-replica-index': '0',
      'grove.io/podgang': 'lab-0',
      'grove.io/podclique': 'lab-0-fe',
      'grove.io/podclique-pod-index': '0',
    });
  });

  test('scaling-group pods in the base gang: PCSG name and replica index, no base-podgang', () => {
    const pod = allPods(expandPodGangs(labelled())).find((p) => p.name === 'lab-0-sg-0-w-0')!;
    expect(pod.labels).toEqual({
      ...common,
      role: 'worker',
      'app.kubernetes.io/name': 'lab-0-sg-0-w',
      'app.kubernetes.io/component': 'pcsg-podclique',
      'grove.io/podcliqueset-replica-index': '0',
      'grove.io/podgang': 'lab-0',
      'grove.io/podcliquescalinggroup': 'lab-0-sg',
      'grove.io/podcliquescalinggroup-replica-index': '0',
      'grove.io/podclique': 'lab-0-sg-0-w',
      'grove.io/podclique-pod-index': '0',
    });
  });

  test('scaling-group pods in a scaled gang: podgang is the scaled gang, base-podgang the base gang', () => {
    const pod = allPods(expandPodGangs(labelled())).find((p) => p.name === 'lab-0-sg-1-w-0')!;
    expect(pod.labels).toEqual({
      ...common,
      role: 'worker',
      'app.kubernetes.io/name': 'lab-0-sg-1-w',
      'app.kubernetes.io/component': 'pcsg-podclique',
      'grove.io/podcliqueset-replica-index': '0',
      'grove.io/podgang': 'lab-0-sg-0',
      'grove.io/base-podgang': 'lab-0',
      'grove.io/podcliquescalinggroup': 'lab-0-sg',
      'grove.io/podcliquescalinggroup-replica-index': '1',
      'grove.io/podclique': 'lab-0-sg-1-w',
      'grove.io/podclique-pod-index': '0',
    });
  });

  test('no pod-template-hash label (not reproducible byte-exact); KAI pods get the subgroup label', () => {
    const pods = allPods(expandPodGangs(labelled()));
    expect(pods.every((p) => !('grove.io/pod-template-hash' in p.labels) && !('kai.scheduler/subgroup-name' in p.labels))).toBe(true);
    const kai = labelled();
    for (const c of kai.spec.template.cliques) c.spec.podSpec.schedulerName = 'kai-scheduler';
    for (const p of allPods(expandPodGangs(kai))) expect(p.labels['kai.scheduler/subgroup-name']).toBe(p.podClique);
    expect(allPods(expandPodGangs(labelled(), { defaultSchedulerName: 'kai-scheduler' }))[0]!.labels['kai.scheduler/subgroup-name']).toBe('lab-0-fe');
  });

  test('PodGang labels mirror the PCS non-grove.io labels plus managed-by, part-of, component and scheduler-name', () => {
    const gangs = expandPodGangs(labelled());
    const expected = { env: 'prod', 'kai.scheduler/queue': 'q1', ...common, 'app.kubernetes.io/component': 'podgang', 'grove.io/scheduler-name': 'default-scheduler' };
    for (const g of gangs) expect(g.labels).toEqual(expected);
    const objects = expandPodCliqueSet(labelled());
    for (const pg of objects.podGangs) {
      expect(pg.metadata.labels).toEqual(expected);
      expect(pg.metadata.annotations).toEqual({ owner: 'me' });
    }
  });

  test('PodClique and PodCliqueScalingGroup object labels', () => {
    const { podCliques, scalingGroups } = expandPodCliqueSet(labelled());
    const byName = new Map(podCliques.map((p) => [p.metadata.name, p.metadata.labels]));
    expect(byName.get('lab-0-fe')).toEqual({
      ...common,
      team: 'web',
      'app.kubernetes.io/name': 'lab-0-fe',
      'app.kubernetes.io/component': 'pcs-podclique',
      'grove.io/podcliqueset-replica-index': '0',
      'grove.io/podgang': 'lab-0',
    });
    expect(byName.get('lab-0-sg-1-w')).toEqual({
      ...common,
      role: 'worker',
      'app.kubernetes.io/name': 'lab-0-sg-1-w',
      'app.kubernetes.io/component': 'pcsg-podclique',
      'grove.io/podcliqueset-replica-index': '0',
      'grove.io/podgang': 'lab-0-sg-0',
      'grove.io/base-podgang': 'lab-0',
      'grove.io/podcliquescalinggroup': 'lab-0-sg',
      'grove.io/podcliquescalinggroup-replica-index': '1',
    });
    expect(scalingGroups[0]!.metadata.labels).toEqual({
      ...common,
      'app.kubernetes.io/name': 'lab-0-sg',
      'app.kubernetes.io/component': 'pcs-podcliquescalinggroup',
      'grove.io/podcliqueset-replica-index': '0',
    });
  });

  test('PodClique annotations copy the template without grove.io/topology-name; PCSG inherits the PCS MNNVL group', () => {
    const p = pcsOf('ann', 1, [clique('a', 1, { annotations: { note: 'x', 'grove.io/topology-name': 'y' } }), clique('b', 1)], [{ name: 'g', cliqueNames: ['b'] }]);
    p.metadata.annotations = { 'grove.io/mnnvl-group': 'nvl' };
    const { podCliques, scalingGroups } = expandPodCliqueSet(p);
    expect(podCliques[0]!.metadata.annotations).toEqual({ note: 'x' });
    expect(podCliques[1]!.metadata.annotations).toBeUndefined();
    expect(scalingGroups[0]!.metadata.annotations).toEqual({ 'grove.io/mnnvl-group': 'nvl' });
  });
});

describe('PodClique specs', () => {
  const ordered = (type: 'CliqueStartupTypeExplicit' | 'CliqueStartupTypeInOrder' | 'CliqueStartupTypeAnyOrder') =>
    pcsOf(
      'ord',
      1,
      [clique('fe', 1, {}, 1), clique('l', 1), clique('w', 2, {}, 2, {}), clique('tail', 1)],
      [{ name: 'inst', cliqueNames: ['l', 'w'], replicas: 3, minAvailable: 2 }],
      { cliqueStartupType: type },
    );
  const startsAfter = (p: PodCliqueSet) => Object.fromEntries(expandPodCliqueSet(p).podCliques.map((c) => [c.metadata.name, c.spec.startsAfter]));

  test('Explicit: names rewritten to full PodClique names; a group clique expands to replicas 0..minAvailable-1', () => {
    const p = ordered('CliqueStartupTypeExplicit');
    const t = p.spec.template.cliques;
    t[1]!.spec.startsAfter = ['fe'];
    t[2]!.spec.startsAfter = ['l', 'fe'];
    t[3]!.spec.startsAfter = ['w'];
    expect(startsAfter(p)).toEqual({
      'ord-0-fe': undefined,
      'ord-0-tail': ['ord-0-inst-0-w', 'ord-0-inst-1-w'],
      'ord-0-inst-0-l': ['ord-0-fe'],
      'ord-0-inst-0-w': ['ord-0-inst-0-l', 'ord-0-inst-1-l', 'ord-0-fe'],
      'ord-0-inst-1-l': ['ord-0-fe'],
      'ord-0-inst-1-w': ['ord-0-inst-0-l', 'ord-0-inst-1-l', 'ord-0-fe'],
      // Scaled gang: only parents of the same scaling-group replica (ordering is per PodGang).
      'ord-0-inst-2-l': undefined,
      'ord-0-inst-2-w': ['ord-0-inst-2-l'],
    });
  });

  test('InOrder: each clique waits for the previous one in cliques[]; AnyOrder ignores startsAfter', () => {
    expect(startsAfter(ordered('CliqueStartupTypeInOrder'))).toEqual({
      'ord-0-fe': undefined,
      'ord-0-tail': ['ord-0-inst-0-w', 'ord-0-inst-1-w'],
      'ord-0-inst-0-l': ['ord-0-fe'],
      'ord-0-inst-0-w': ['ord-0-inst-0-l', 'ord-0-inst-1-l'],
      'ord-0-inst-1-l': ['ord-0-fe'],
      'ord-0-inst-1-w': ['ord-0-inst-0-l', 'ord-0-inst-1-l'],
      'ord-0-inst-2-l': undefined,
      'ord-0-inst-2-w': ['ord-0-inst-2-l'],
    });
    const any = ordered('CliqueStartupTypeAnyOrder');
    any.spec.template.cliques[1]!.spec.startsAfter = ['fe'];
    expect(Object.values(startsAfter(any)).every((v) => v === undefined)).toBe(true);
  });

  test('spec copied from the (defaulted) template; scaling-group members get the PCSG env vars appended (v0.1.0-alpha.11)', () => {
    const p = pcsOf('env', 1, [clique('a', 2, {}, 2, { initContainers: [container({ name: 'init' })] }), clique('b', 3)], [{ name: 'g', cliqueNames: ['a', 'b'] }]);
    p.spec.template.cliques[0]!.spec.podSpec.containers[0]!.env = [{ name: 'GROVE_PCSG_INDEX', value: 'user' }, { name: 'MINE', value: '1' }];
    const pclq = expandPodCliqueSet(p).podCliques.find((c) => c.metadata.name === 'env-0-g-0-a')!;
    expect(pclq.spec).toMatchObject({ roleName: 'a', replicas: 2, minAvailable: 2 });
    expect(pclq.spec.podSpec.restartPolicy).toBe('Always');
    expect(pclq.spec.podSpec.terminationGracePeriodSeconds).toBe(30);
    const expectedEnv = [
      { name: 'GROVE_PCSG_NAME', valueFrom: { fieldRef: { fieldPath: "metadata.labels['grove.io/podcliquescalinggroup']" } } },
      { name: 'GROVE_PCSG_TEMPLATE_NUM_PODS', value: '5' },
      { name: 'GROVE_PCSG_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.labels['grove.io/podcliquescalinggroup-replica-index']" } } },
    ];
    // After the container's own, a name it has too listed again (the last one is what the pod gets).
    expect(pclq.spec.podSpec.containers[0]!.env).toEqual([{ name: 'GROVE_PCSG_INDEX', value: 'user' }, { name: 'MINE', value: '1' }, ...expectedEnv]);
    expect(pclq.spec.podSpec.initContainers![0]!.env).toEqual(expectedEnv);
    // The input object is not modified.
    expect(p.spec.template.cliques[0]!.spec.podSpec.containers[0]!.env).toHaveLength(2);
    const standalone = expandPodCliqueSet(pcsOf('s', 1, [clique('a', 1)])).podCliques[0]!;
    expect(standalone.spec.podSpec.containers[0]!.env).toBeUndefined();
  });
});

describe('pod requests and scheduling requirements', () => {
  const spec = (containers: Container[], extra: Partial<PodSpec> = {}): PodSpec => ({ containers, ...extra });

  /** Requests of the pods of a one-clique PCS whose pod spec is `podSpec` (arithmetic: lib/cluster/resources.ts). */
  const requestsOf = (podSpec: PodSpec) => {
    const pods = allPods(expandPodGangs(pcsOf('req', 1, [clique('a', 2, {}, 2, podSpec)])));
    expect(pods).toHaveLength(2);
    expect(pods[1]!.requests).toEqual(pods[0]!.requests);
    return pods[0]!.requests;
  };

  test('GPU requests come from limits when requests are absent; requests win when present', () => {
    expect(requestsOf(spec([container({ resources: { limits: { 'nvidia.com/gpu': 8 } } })]))).toEqual({ gpu: 8, cpuMilli: 0, memory: 0, pods: 1 });
    expect(requestsOf(spec([container({ resources: { limits: { 'nvidia.com/gpu': '4', cpu: '2' }, requests: { cpu: '500m' } } })]))).toEqual({ gpu: 4, cpuMilli: 500, memory: 0, pods: 1 });
  });

  test('sum over containers, max with init containers, restartable sidecars added, overhead added, one pod slot', () => {
    const c = (cpu: string, memory: string, extra: Partial<Container> = {}) => container({ resources: { requests: { cpu, memory } }, ...extra });
    expect(requestsOf(spec([c('1', '1Gi'), c('250m', '512Mi')]))).toEqual({ gpu: 0, cpuMilli: 1250, memory: 1.5 * 2 ** 30, pods: 1 });
    expect(requestsOf(spec([c('1', '1Gi')], { initContainers: [c('3', '100Mi')] }))).toEqual({ gpu: 0, cpuMilli: 3000, memory: 2 ** 30, pods: 1 });
    // Sidecar (restartPolicy: Always) runs alongside: 1 + 0.5 = 1.5 CPU; a later init container needs 2 + 0.5.
    expect(requestsOf(spec([c('1', '1Gi')], { initContainers: [c('500m', '0', { restartPolicy: 'Always' }), c('2', '0')] })).cpuMilli).toBe(2500);
    expect(requestsOf(spec([c('1', '1Gi')], { overhead: { cpu: '100m', memory: '1Mi' } }))).toEqual({ gpu: 0, cpuMilli: 1100, memory: 2 ** 30 + 2 ** 20, pods: 1 });
    expect(requestsOf(spec([container()]))).toEqual({ gpu: 0, cpuMilli: 0, memory: 0, pods: 1 });
  });

  test('nodeSelector, required node-affinity terms and tolerations; empty parts omitted', () => {
    const terms = [{ matchExpressions: [{ key: 'gpu', operator: 'In', values: ['h100'] }] }];
    const tolerations = [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }];
    const s = spec([container()], {
      nodeSelector: { pool: 'a' },
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms }, preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: {} }] } },
      tolerations,
    });
    expect(podSchedulingRequirements(s)).toEqual({ nodeSelector: { pool: 'a' }, requiredNodeAffinity: terms, tolerations });
    expect(podSchedulingRequirements(spec([container()], { nodeSelector: {}, tolerations: [] }))).toEqual({});
    const p = pcsOf('sch', 1, [clique('a', 1, {}, 1, { nodeSelector: { pool: 'a' }, tolerations })]);
    expect(allPods(expandPodGangs(p))[0]!.scheduling).toEqual({ nodeSelector: { pool: 'a' }, tolerations });
  });
});

describe('property: expansion invariants over generated PodCliqueSets', () => {
  const arbPcs = fc
    .record({
      replicas: fc.integer({ min: 0, max: 3 }),
      cliques: fc.array(fc.record({ replicas: fc.integer({ min: 1, max: 4 }), minFrac: fc.double({ min: 0, max: 1, noNaN: true }) }), { minLength: 1, maxLength: 6 }),
      // Each clique is standalone (-1) or in group 0..2.
      membership: fc.array(fc.integer({ min: -1, max: 2 }), { minLength: 6, maxLength: 6 }),
      groups: fc.array(fc.record({ replicas: fc.integer({ min: 1, max: 5 }), minFrac: fc.double({ min: 0, max: 1, noNaN: true }) }), { minLength: 3, maxLength: 3 }),
      scale: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
    })
    .map(({ replicas, cliques, membership, groups, scale }) => {
      const templates = cliques.map((c, k) => clique(`c${k}`, c.replicas, {}, 1 + Math.floor(c.minFrac * (c.replicas - 1))));
      const groupConfigs: PodCliqueScalingGroupConfig[] = groups
        .map((g, gi) => ({
          name: `g${gi}`,
          cliqueNames: templates.filter((_, k) => membership[k] === gi).map((t) => t.name),
          replicas: g.replicas,
          minAvailable: 1 + Math.floor(g.minFrac * (g.replicas - 1)),
        }))
        .filter((g) => g.cliqueNames.length > 0);
      const options = scale !== undefined && groupConfigs[0] ? { scalingGroupReplicas: { [groupConfigs[0].name]: scale } } : {};
      return { pcs: pcsOf('prop', replicas, templates, groupConfigs), options };
    });

  test('pod count, each pod in exactly one gang, unique gang names, scaled index = j − minAvailable', () => {
    fc.assert(
      fc.property(arbPcs, ({ pcs, options }) => {
        const gangs = expandPodGangs(pcs, options);
        const t = pcs.spec.template;
        const groups = t.podCliqueScalingGroups ?? [];
        const grouped = new Set(groups.flatMap((g) => g.cliqueNames));
        const replicasOf = (n: string) => t.cliques.find((c) => c.name === n)!.spec.replicas;
        const groupReplicas = (g: PodCliqueScalingGroupConfig) => options.scalingGroupReplicas?.[g.name] ?? g.replicas ?? 1;
        const perReplica =
          t.cliques.filter((c) => !grouped.has(c.name)).reduce((n, c) => n + c.spec.replicas, 0) +
          groups.reduce((n, g) => n + groupReplicas(g) * g.cliqueNames.reduce((m, c) => m + replicasOf(c), 0), 0);
        const pods = allPods(gangs);
        expect(pods.length).toBe((pcs.spec.replicas ?? 0) * perReplica);

        const seen = new Map<string, string>();
        for (const g of gangs) for (const pg of g.podGroups) for (const p of pg.pods) {
          expect(seen.has(p.name)).toBe(false);
          seen.set(p.name, g.name);
          expect(p.labels['grove.io/podgang']).toBe(g.name);
          expect(p.podClique).toBe(pg.name);
        }
        expect(new Set(gangs.map((g) => g.name)).size).toBe(gangs.length);
        expect(gangs.filter((g) => g.base).length).toBe(pcs.spec.replicas ?? 0);

        for (const g of gangs.filter((x) => !x.base)) {
          const sg = g.podGroups[0]!.scalingGroup!;
          const config = groups.find((c) => `prop-${g.pcsIndex}-${c.name}` === sg.name)!;
          const k = Number(g.name.slice(sg.name.length + 1));
          expect(g.name).toBe(`${sg.name}-${k}`);
          expect(k).toBe(sg.replicaIndex - config.minAvailable!);
          expect(k).toBeGreaterThanOrEqual(0);
          expect(g.baseGang).toBe(`prop-${g.pcsIndex}`);
          expect(g.podGroups.every((pg) => pg.scalingGroup?.replicaIndex === sg.replicaIndex && pg.name.startsWith(`${sg.name}-${sg.replicaIndex}-`))).toBe(true);
        }
        for (const g of gangs.filter((x) => x.base)) {
          for (const pg of g.podGroups) {
            if (!pg.scalingGroup) continue;
            const config = groups.find((c) => `prop-${g.pcsIndex}-${c.name}` === pg.scalingGroup!.name)!;
            expect(pg.scalingGroup.replicaIndex).toBeLessThan(config.minAvailable!);
          }
        }
        // The object view agrees: one PodGang per gang, one PodClique per pod group, same pods.
        const objects = expandPodCliqueSet(pcs, options);
        expect(objects.podGangs.map((p) => p.metadata.name)).toEqual(gangs.map((g) => g.name));
        expect(objects.podCliques.length).toBe(gangs.reduce((n, g) => n + g.podGroups.length, 0));
        expect(objects.podGangs.flatMap((p) => p.spec.podgroups.flatMap((pg) => pg.podReferences.map((r) => r.name))).sort()).toEqual([...seen.keys()].sort());
      }),
      { numRuns: 500 },
    );
  });
});
