/**
 * Property: whatever sequence of apply / scale / delete / ticks a user throws at the simulated cluster,
 * no node ever holds pods asking for more GPUs than it has, every bound pod's node exists, and no pod or
 * generated object outlives its owner.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { objectKey } from '../../lib/cluster/kinds';
import type { KubeObject } from '../../lib/grove/meta';
import { DEFAULT_TEST_TOPOLOGY, type TopologySpec } from '../../lib/topology/spec';
import { snapshotFromTopologySpec } from '../../lib/topology/snapshot';
import { createSimulatedSource, type SimulatedSource } from './simulated';

// 1 zone × 1 block × 2 racks × 3 nodes × 8 GPUs: small enough that random stacks often do not fit.
const SMALL: TopologySpec = {
  ...DEFAULT_TEST_TOPOLOGY,
  levels: DEFAULT_TEST_TOPOLOGY.levels.map((l, i) => ({ ...l, fanOut: [1, 1, 2, 3][i]! })),
};

interface StackSpec {
  name: 'a' | 'b' | 'c';
  replicas: number;
  workers: number;
  workerGpus: number;
  group: { replicas: number; members: number; gpus: number } | null;
  rack: boolean;
  ordered: boolean;
}

function pcs(s: StackSpec): KubeObject {
  const container = (gpus: number) => ({ name: 'c', image: 'x', resources: { limits: { 'nvidia.com/gpu': String(gpus) } } });
  const cliques: unknown[] = [{ name: 'w', spec: { roleName: 'w', replicas: s.workers, podSpec: { containers: [container(s.workerGpus)] } } }];
  if (s.group) cliques.push({ name: 'm', spec: { roleName: 'm', replicas: s.group.members, podSpec: { containers: [container(s.group.gpus)] } } });
  return {
    apiVersion: 'grove.io/v1alpha1',
    kind: 'PodCliqueSet',
    metadata: { name: s.name, namespace: 'default' },
    spec: {
      replicas: s.replicas,
      template: {
        ...(s.ordered ? { cliqueStartupType: 'CliqueStartupTypeInOrder' } : {}),
        ...(s.rack ? { topologyConstraint: { topologyName: 'canopy-test', pack: { required: 'rack' } } } : {}),
        cliques,
        ...(s.group ? { podCliqueScalingGroups: [{ name: 'sg', cliqueNames: ['m'], replicas: s.group.replicas, minAvailable: 1 }] } : {}),
      },
    },
  } as KubeObject;
}

const name = fc.constantFrom<'a' | 'b' | 'c'>('a', 'b', 'c');
const stack: fc.Arbitrary<StackSpec> = fc.record({
  name,
  replicas: fc.integer({ min: 0, max: 2 }),
  workers: fc.integer({ min: 1, max: 3 }),
  workerGpus: fc.constantFrom(0, 1, 2, 4, 8),
  group: fc.option(fc.record({ replicas: fc.integer({ min: 1, max: 3 }), members: fc.integer({ min: 1, max: 2 }), gpus: fc.constantFrom(1, 4, 8) }), { nil: null }),
  rack: fc.boolean(),
  ordered: fc.boolean(),
});

type Op =
  | { op: 'apply'; stack: StackSpec }
  | { op: 'scalePcs'; name: string; replicas: number }
  | { op: 'scalePcsg'; name: string; index: number; replicas: number }
  | { op: 'scalePclq'; name: string; replicas: number }
  | { op: 'delete'; name: string }
  | { op: 'pod'; name: string; gpus: number }
  | { op: 'deletePod'; pick: number }
  | { op: 'step'; steps: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: stack.map((s) => ({ op: 'apply' as const, stack: s })) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('scalePcs' as const), name, replicas: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('scalePcsg' as const), name, index: fc.integer({ min: 0, max: 1 }), replicas: fc.integer({ min: 0, max: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('scalePclq' as const), name, replicas: fc.integer({ min: 0, max: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), name }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('pod' as const), name: fc.constantFrom('p0', 'p1', 'p2'), gpus: fc.integer({ min: 0, max: 9 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('deletePod' as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('step' as const), steps: fc.integer({ min: 1, max: 6 }) }) },
);

async function run(s: SimulatedSource, o: Op): Promise<void> {
  const quiet = (p: Promise<unknown>) => p.catch((e: unknown) => {
    // Refusals (404, 422) are fine; anything that is not an ActionError is a bug.
    if (typeof e !== 'object' || e === null || typeof (e as { status?: unknown }).status !== 'number') throw e;
  });
  switch (o.op) {
    case 'apply':
      return void (await quiet(s.apply(pcs(o.stack), { dryRun: false })));
    case 'scalePcs':
      return void (await quiet(s.scale('PodCliqueSet', 'default', o.name, o.replicas, { dryRun: false })));
    case 'scalePcsg':
      return void (await quiet(s.scale('PodCliqueScalingGroup', 'default', `${o.name}-${o.index}-sg`, o.replicas, { dryRun: false })));
    case 'scalePclq':
      return void (await quiet(s.scale('PodClique', 'default', `${o.name}-0-w`, o.replicas, { dryRun: false })));
    case 'delete':
      return void (await quiet(s.delete('PodCliqueSet', 'default', o.name, { dryRun: false })));
    case 'pod': {
      const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: o.name }, spec: { containers: [{ name: 'c', image: 'x', resources: { limits: { 'nvidia.com/gpu': String(o.gpus) } } }] } };
      return void (await quiet(s.apply(pod, { dryRun: false })));
    }
    case 'deletePod': {
      const pods = s.store.all('Pod').map((p) => p.metadata!.name!).sort();
      if (pods.length === 0) return;
      return void (await quiet(s.delete('Pod', 'default', pods[o.pick % pods.length]!, { dryRun: false })));
    }
    case 'step':
      for (let i = 0; i < o.steps; i++) s.step();
  }
}

function check(s: SimulatedSource): void {
  const state = s.clusterState();
  const nodes = new Map(state.nodes.map((n) => [n.name, n]));
  const used = new Map<string, number>();
  for (const p of state.pods) {
    if (!p.nodeName || p.terminal) continue;
    expect(nodes.has(p.nodeName), `${p.name} bound to unknown node ${p.nodeName}`).toBe(true);
    used.set(p.nodeName, (used.get(p.nodeName) ?? 0) + p.requests.gpu);
  }
  for (const [node, gpus] of used) expect(gpus, `GPUs used on ${node}`).toBeLessThanOrEqual(nodes.get(node)!.allocatable.gpu);
  // Every generated object's owner exists.
  const uids = new Set<string>();
  for (const k of ['PodCliqueSet', 'PodCliqueScalingGroup', 'PodClique', 'PodGang', 'Pod'] as const) for (const o of s.store.all(k)) uids.add(o.metadata!.uid!);
  for (const k of ['PodCliqueScalingGroup', 'PodClique', 'PodGang', 'Pod'] as const) {
    for (const o of s.store.all(k)) {
      for (const r of o.metadata?.ownerReferences ?? []) expect(uids.has(r.uid), `${k} ${objectKey(o)} owned by missing ${r.kind} ${r.name}`).toBe(true);
    }
  }
}

describe('simulated cluster under random actions', () => {
  it('schedules the pods as they are, not as a changed template would make them (found by the property below)', async () => {
    const s = createSimulatedSource({ snapshot: snapshotFromTopologySpec(SMALL), tickMs: 0, seed: 1 });
    const base: StackSpec = { name: 'a', replicas: 1, workers: 1, workerGpus: 0, group: { replicas: 1, members: 2, gpus: 8 }, rack: true, ordered: false };
    await s.apply(pcs(base), { dryRun: false });
    await s.apply(pcs({ ...base, group: { replicas: 1, members: 2, gpus: 1 } }), { dryRun: false });
    s.settle();
    check(s);
    await s.close();
  });

  it('never puts more GPUs on a node than it has, and leaves no orphans', async () => {
    // The property is only worth something if runs bind pods and also meet full clusters.
    let runsWithBoundPods = 0;
    let runsWithFailedScheduling = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), fc.integer({ min: 1, max: 1_000_000 }), async (ops, seed) => {
        const s = createSimulatedSource({ snapshot: snapshotFromTopologySpec(SMALL), tickMs: 0, seed });
        try {
          for (const o of ops) {
            await run(s, o);
            check(s);
          }
          s.settle(60);
          check(s);
          if (s.store.all('Pod').some((p) => (p as { spec?: { nodeName?: string } }).spec?.nodeName)) runsWithBoundPods++;
          if (s.store.all('Event').some((e) => (e as { reason?: string }).reason === 'FailedScheduling')) runsWithFailedScheduling++;
        } finally {
          await s.close();
        }
      }),
      { numRuns: 150 },
    );
    expect(runsWithBoundPods).toBeGreaterThan(10);
    expect(runsWithFailedScheduling).toBeGreaterThan(3);
  });
});
