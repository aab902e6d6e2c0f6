/**
 * The simulated scheduler keeps a running gang's new pods in the required domains its running pods
 * occupy (lib/placement/pin.ts), as KAI does for a PodGroup with running pods: a pod beyond a clique's
 * minAvailable that did not fit on the first pass, and the pods a scale-up adds to a running gang, join
 * the gang's block, the scaling group's rack, the clique's host — or stay Pending saying which domain
 * they must join. The scale preview says the same thing.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/grove/meta';
import { previewScale } from '../../lib/placement/preview';
import { DEMO_GB200 } from '../../lib/topology/demo';
import { snapshotFromTopologySpec } from '../../lib/topology/snapshot';
import { GPU_PRODUCT_LABEL, HOSTNAME_LABEL, type TopologySpec } from '../../lib/topology/spec';
import { createSimulatedSource, type SimulatedSource } from './simulated';

type Obj = KubeObject & { spec?: any; status?: any; [k: string]: any };
type Constraint = { pack: { required: string } };

const BLOCK = 'topology.kubernetes.io/block';
const RACK = 'topology.kubernetes.io/rack';

const engine = (gpus: number, schedulerName: string | null, nodeSelector?: Record<string, string>) => ({
  ...(schedulerName ? { schedulerName } : {}),
  ...(nodeSelector ? { nodeSelector } : {}),
  containers: [{ name: 'engine', image: 'registry.invalid/engine:test', resources: { limits: { 'nvidia.com/gpu': String(gpus) } } }],
});

interface Clique {
  name: string;
  replicas: number;
  minAvailable?: number;
  gpus: number;
  constraint?: Constraint;
}

/** A PodCliqueSet `packed` on kai-scheduler (with Grove's required queue label) unless told otherwise. */
function stack(options: {
  topologyName: string;
  pack?: Constraint;
  cliques: Clique[];
  groups?: { name: string; cliqueNames: string[]; replicas: number; minAvailable: number; constraint?: Constraint }[];
  schedulerName?: string | null;
  nodeSelector?: Record<string, string>;
}): KubeObject {
  const schedulerName = options.schedulerName === undefined ? 'kai-scheduler' : options.schedulerName;
  return {
    apiVersion: 'grove.io/v1alpha1',
    kind: 'PodCliqueSet',
    metadata: { name: 'packed', namespace: 'default', ...(schedulerName === 'kai-scheduler' ? { labels: { 'kai.scheduler/queue': 'default-queue' } } : {}) },
    spec: {
      replicas: 1,
      template: {
        // topologyName on the topmost constraint (API-NOTES §2.6): the PodCliqueSet's, else the scaling groups'.
        ...(options.pack ? { topologyConstraint: { topologyName: options.topologyName, ...options.pack } } : {}),
        cliques: options.cliques.map((c) => ({
          name: c.name,
          ...(c.constraint ? { topologyConstraint: c.constraint } : {}),
          spec: { roleName: c.name, replicas: c.replicas, ...(c.minAvailable !== undefined ? { minAvailable: c.minAvailable } : {}), podSpec: engine(c.gpus, schedulerName, options.nodeSelector) },
        })),
        ...(options.groups
          ? { podCliqueScalingGroups: options.groups.map((g) => ({ name: g.name, cliqueNames: g.cliqueNames, replicas: g.replicas, minAvailable: g.minAvailable, ...(g.constraint ? { topologyConstraint: { ...(options.pack ? {} : { topologyName: options.topologyName }), ...g.constraint } } : {}) })) }
          : {}),
      },
    },
  } as KubeObject;
}

/** zone > block > rack > host with the given fan-outs, 8 GPUs per node. */
function smallCluster(blocks: number, racks: number, hosts: number): SimulatedSource {
  const spec: TopologySpec = {
    name: 'small',
    clusterUUID: '11111111-2222-4333-8444-555555555555',
    levels: [
      { domain: 'zone', key: 'topology.kubernetes.io/zone', fanOut: 1, valuePrefix: 'z' },
      { domain: 'block', key: BLOCK, fanOut: blocks, valuePrefix: 'b' },
      { domain: 'rack', key: RACK, fanOut: racks, valuePrefix: 'r' },
      { domain: 'host', key: HOSTNAME_LABEL, fanOut: hosts, valuePrefix: 'n' },
    ],
    nvlinkDomain: 'rack',
    gpusPerNode: 8,
    gpuProduct: 'NVIDIA-H100-80GB-HBM3',
    nodeResources: { cpu: '64', memory: '512Gi', pods: 110 },
    nodeNamePrefix: 'gpu-',
  };
  return createSimulatedSource({ snapshot: snapshotFromTopologySpec(spec), tickMs: 0, seed: 11 });
}

const pods = (s: SimulatedSource) => s.store.all('Pod') as Obj[];
const podsOf = (s: SimulatedSource, label: string, value: string) => pods(s).filter((p) => p.metadata!.labels![label] === value);
const bound = (list: Obj[]) => list.filter((p) => p.spec.nodeName);
const pending = (list: Obj[]) => list.filter((p) => !p.spec.nodeName);
const unschedulable = (p: Obj): string | undefined => p.status.conditions.find((c: any) => c.type === 'PodScheduled' && c.reason === 'Unschedulable')?.message;
const labelOf = (s: SimulatedSource, node: string, key: string) => (s.store.get('Node', node) as Obj).metadata!.labels![key]!;
const domainsOf = (s: SimulatedSource, list: Obj[], key: string) => [...new Set(bound(list).map((p) => labelOf(s, p.spec.nodeName, key)))];
const failures = (s: SimulatedSource, gang: string) =>
  (s.store.all('Event') as Obj[]).filter((e) => e.reason === 'FailedScheduling' && e.involvedObject.name === gang).map((e) => e.message as string);
const placements = (s: SimulatedSource, gang: string) =>
  (s.store.all('Event') as Obj[]).filter((e) => e.reason === 'Scheduled' && e.involvedObject.name === gang).map((e) => e.message as string);

describe('the reviewer’s repro on the demo cluster: block > scaling group rack > clique host', () => {
  // GB200 nodes only (4 GPUs each): the two 4-GPU prefill pods can never share one host.
  const repro = () =>
    stack({
      topologyName: 'demo',
      pack: { pack: { required: 'block' } },
      nodeSelector: { [GPU_PRODUCT_LABEL]: DEMO_GB200.gpuProduct },
      cliques: [
        { name: 'prefill', replicas: 2, minAvailable: 1, gpus: 4, constraint: { pack: { required: 'host' } } },
        { name: 'worker', replicas: 2, gpus: 4 },
      ],
      groups: [{ name: 'workers', cliqueNames: ['worker'], replicas: 1, minAvailable: 1, constraint: { pack: { required: 'rack' } } }],
    });

  it('the prefill pod beyond minAvailable stays Pending: it must join the host its sibling runs on', async () => {
    const s = createSimulatedSource({ scenario: 'empty', tickMs: 0, seed: 7 });
    await s.apply(repro(), { dryRun: false });
    s.settle();
    const prefill = podsOf(s, 'grove.io/podclique', 'packed-0-prefill');
    expect(bound(prefill)).toHaveLength(1);
    const host = bound(prefill)[0]!.spec.nodeName as string;
    const reason = `must join host ${host} where packed-0-prefill runs (required host); ${host} has 0 free GPUs`;
    expect(pending(prefill).map(unschedulable)).toEqual([reason]);
    // The pod is above the clique's minimum (its sibling runs): the gang is scheduled, nothing failed.
    expect(failures(s, 'packed-0')).toEqual([]);
    // Only the first pass placed anything: no lone pod was placed after it.
    expect(placements(s, 'packed-0')).toHaveLength(1);
    expect(domainsOf(s, podsOf(s, 'grove.io/podgang', 'packed-0'), BLOCK)).toHaveLength(1);
    expect(domainsOf(s, podsOf(s, 'grove.io/podclique', 'packed-0-workers-0-worker'), RACK)).toHaveLength(1);
    await s.close();
  });

  it('after scaling the scaling group and the PodCliqueSet 1 → 2, no gang leaves its block and no prefill leaves its host', async () => {
    const s = createSimulatedSource({ scenario: 'empty', tickMs: 0, seed: 7 });
    await s.apply(repro(), { dryRun: false });
    s.settle();
    await s.scale('PodCliqueScalingGroup', 'default', 'packed-0-workers', 2, { dryRun: false });
    s.settle();
    await s.scale('PodCliqueSet', 'default', 'packed', 2, { dryRun: false });
    s.settle();
    const gangs = [...new Set(pods(s).map((p) => p.metadata!.labels!['grove.io/podgang']!))].sort();
    expect(gangs).toEqual(['packed-0', 'packed-0-workers-0', 'packed-1']);
    // The scaled gang runs: its base gang's minimum is scheduled, whatever became of the pinned prefill pod.
    expect(pending(podsOf(s, 'grove.io/podgang', 'packed-0-workers-0'))).toEqual([]);
    for (const gang of gangs) expect(domainsOf(s, podsOf(s, 'grove.io/podgang', gang), BLOCK)).toHaveLength(1);
    for (const clique of ['packed-0-prefill', 'packed-1-prefill']) {
      const prefill = podsOf(s, 'grove.io/podclique', clique);
      expect(bound(prefill)).toHaveLength(1);
      expect(pending(prefill).map(unschedulable)[0]).toMatch(new RegExp(`^must join host \\S+ where ${clique} runs \\(required host\\)`));
    }
    await s.close();
  });
});

describe('pins per scope, when the running pods’ domain is full and another one is empty', () => {
  it('gang (PodCliqueSet) constraint: the third pod must join the block where the gang runs', async () => {
    // 2 blocks × 1 rack × 2 hosts × 8 GPUs: a block holds 2 of the 3 pods.
    const s = smallCluster(2, 1, 2);
    await s.apply(stack({ topologyName: 'small', pack: { pack: { required: 'block' } }, cliques: [{ name: 'w', replicas: 3, minAvailable: 2, gpus: 8 }] }), { dryRun: false });
    s.settle();
    const w = podsOf(s, 'grove.io/podgang', 'packed-0');
    expect(bound(w)).toHaveLength(2);
    const [block] = domainsOf(s, w, BLOCK);
    expect(domainsOf(s, w, BLOCK)).toEqual([block]);
    expect(pending(w).map(unschedulable)).toEqual([`must join block ${block} where packed-0 runs (required block); ${block} has 0 free GPUs`]);
    await s.close();
  });

  it('group config (scaling group in the base gang) constraint: the pod must join the rack where its scaling-group replica runs', async () => {
    // 1 block × 2 racks × 2 hosts × 8 GPUs: a rack holds 2 of the 3 workers.
    const s = smallCluster(1, 2, 2);
    await s.apply(
      stack({
        topologyName: 'small',
        cliques: [{ name: 'worker', replicas: 3, minAvailable: 2, gpus: 8 }],
        groups: [{ name: 'workers', cliqueNames: ['worker'], replicas: 1, minAvailable: 1, constraint: { pack: { required: 'rack' } } }],
      }),
      { dryRun: false },
    );
    s.settle();
    const w = podsOf(s, 'grove.io/podgang', 'packed-0');
    expect(bound(w)).toHaveLength(2);
    const [rack] = domainsOf(s, w, RACK);
    expect(domainsOf(s, w, RACK)).toEqual([rack]);
    expect(pending(w).map(unschedulable)).toEqual([`must join rack ${rack} where packed-0-workers-0 runs (required rack); ${rack} has 0 free GPUs`]);
    await s.close();
  });

  it('new pods that fit join the running domain, not an emptier one', async () => {
    // 2 blocks × 1 rack × 4 hosts: 2 pods run in one block; scaling to 4 adds 2 that fit beside them.
    const s = smallCluster(2, 1, 4);
    await s.apply(stack({ topologyName: 'small', pack: { pack: { required: 'block' } }, cliques: [{ name: 'w', replicas: 2, gpus: 8 }] }), { dryRun: false });
    s.settle();
    await s.scale('PodClique', 'default', 'packed-0-w', 4, { dryRun: false });
    s.settle();
    const w = podsOf(s, 'grove.io/podgang', 'packed-0');
    expect(bound(w)).toHaveLength(4);
    expect(domainsOf(s, w, BLOCK)).toHaveLength(1);
    await s.close();
  });

  it('default-scheduler pins nothing: the third pod runs in the other block (kube-scheduler ignores the constraint)', async () => {
    const s = smallCluster(2, 1, 2);
    await s.apply(stack({ topologyName: 'small', pack: { pack: { required: 'block' } }, schedulerName: null, cliques: [{ name: 'w', replicas: 2, gpus: 8 }] }), { dryRun: false });
    s.settle();
    // 4 pods of 8 GPUs fill all 4 hosts: pinned to one block, two of them would stay Pending.
    await s.scale('PodClique', 'default', 'packed-0-w', 4, { dryRun: false });
    s.settle();
    const w = podsOf(s, 'grove.io/podgang', 'packed-0');
    expect(bound(w)).toHaveLength(4);
    expect(domainsOf(s, w, BLOCK)).toHaveLength(2);
    await s.close();
  });
});

describe('a running clique scaled past what fits: only what it lacks of its minimum is all-or-nothing', () => {
  /** 1 block × 1 rack × 8 hosts × 8 GPUs, running packed-0-w: 4 pods of 8 GPUs, minAvailable 2, preferred block (as the demo's decode). */
  async function running(): Promise<SimulatedSource> {
    const s = smallCluster(1, 1, 8);
    await s.apply(stack({ topologyName: 'small', pack: { pack: { preferred: 'block' } as never }, cliques: [{ name: 'w', replicas: 4, minAvailable: 2, gpus: 8 }] }), { dryRun: false });
    s.settle();
    return s;
  }
  /** Scale packed-0-w and let the simulator settle: the gang's pods after it. */
  async function scaleTo(s: SimulatedSource, replicas: number): Promise<Obj[]> {
    await s.scale('PodClique', 'default', 'packed-0-w', replicas, { dryRun: false });
    s.settle();
    return podsOf(s, 'grove.io/podgang', 'packed-0');
  }
  /** Another stack of `replicas` 8-GPU pods, bound before the scale. */
  async function another(s: SimulatedSource, name: string, replicas: number): Promise<void> {
    await s.apply({ ...stack({ topologyName: 'small', cliques: [{ name: 'x', replicas, gpus: 8 }] }), metadata: { name, namespace: 'default', labels: { 'kai.scheduler/queue': 'default-queue' } } } as KubeObject, { dryRun: false });
    s.settle();
    expect(bound(podsOf(s, 'grove.io/podgang', `${name}-0`))).toHaveLength(replicas);
  }

  it('4 running (minimum 2) → 10: the 4 new pods that fit are bound, the other 2 stay Pending with why, and the gang reports no failure', async () => {
    const s = await running();
    expect(bound(podsOf(s, 'grove.io/podgang', 'packed-0'))).toHaveLength(4);
    const w = await scaleTo(s, 10);
    expect(bound(w)).toHaveLength(8);
    expect(pending(w)).toHaveLength(2);
    for (const p of pending(w)) expect(unschedulable(p)).toMatch(/needs 8 GPUs/);
    expect(failures(s, 'packed-0')).toEqual([]);
    expect(placements(s, 'packed-0').at(-1)).toMatch(/^Placed 4 pods on 4 nodes/);
    await s.close();
  });

  it('1 running (below its minimum 2) → 12: the pod it lacks and the others that fit are bound; with no room for the one it lacks, none is', async () => {
    const s = await running();
    expect(bound(await scaleTo(s, 1))).toHaveLength(1);
    // Another stack takes all but one host.
    await another(s, 'other', 6);
    const w = await scaleTo(s, 12);
    expect(bound(w)).toHaveLength(2);
    expect(pending(w)).toHaveLength(10);
    expect(failures(s, 'packed-0')).toEqual([]);

    // Now the clique lacks 1 of its minimum again and the cluster has no room: the pod it lacks is not placed, nor any other.
    await scaleTo(s, 1);
    await another(s, 'third', 1);
    const again = await scaleTo(s, 3);
    expect(bound(again)).toHaveLength(1);
    expect(pending(again)).toHaveLength(2);
    const reason = 'pod packed-0-w-1 needs 8 GPUs on one node; the largest free node has 0';
    expect(failures(s, 'packed-0').at(-1)).toBe(reason);
    for (const p of pending(again)) expect(unschedulable(p)).toBe(reason);
    await s.close();
  });
});

describe('the scale preview and the simulated scheduler agree', () => {
  it('a scale-up the running block cannot hold: the preview’s reason is the pending pod’s reason', async () => {
    const s = smallCluster(2, 1, 2);
    await s.apply(stack({ topologyName: 'small', pack: { pack: { required: 'block' } }, cliques: [{ name: 'w', replicas: 2, gpus: 8 }] }), { dryRun: false });
    s.settle();
    const objects = {
      podCliqueSets: s.store.all('PodCliqueSet'),
      podCliqueScalingGroups: s.store.all('PodCliqueScalingGroup'),
      podCliques: s.store.all('PodClique'),
      podGangs: s.store.all('PodGang'),
    };
    // w runs its minimum (2 of 2): the third pod is above it, best effort, so the gang still fits.
    const preview = previewScale(s.clusterState(), objects, { kind: 'PodClique', namespace: 'default', name: 'packed-0-w', replicas: 3 });
    expect(preview.plan.feasible).toBe(true);
    const [block] = domainsOf(s, podsOf(s, 'grove.io/podgang', 'packed-0'), BLOCK);
    const reason = `must join block ${block} where packed-0 runs (required block); ${block} has 0 free GPUs`;
    expect(preview.plan.gangs[0]).toMatchObject({ placed: true, pods: [], unplacedOptionalPods: ['packed-0-w-2'], unplacedOptionalReason: `packed-0-w-2: ${reason}` });

    await s.scale('PodClique', 'default', 'packed-0-w', 3, { dryRun: false });
    s.settle();
    expect(pending(podsOf(s, 'grove.io/podgang', 'packed-0')).map(unschedulable)).toEqual([reason]);
    await s.close();
  });
});
