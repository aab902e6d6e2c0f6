/**
 * A cluster snapshot with Grove's objects in it (`kubectl get nodes,pods,clustertopologybindings,
 * podcliquesets,podcliques,podcliquescalinggroups,podgangs -A -o json`, or `canopy snapshot`): the
 * simulated cluster serves every one of them and its operator adopts the stacks instead of building
 * them again; kinds it does not simulate are counted.
 */
import { describe, expect, it } from 'vitest';
import { WATCHED_KINDS, type WatchedKind } from '../../lib/cluster/kinds';
import { LABEL_POD_TEMPLATE_HASH } from '../../lib/grove/labels';
import type { KubeObject } from '../../lib/grove/meta';
import { demoStacks } from '../../lib/topology/demo';
import { kubeList } from '../../lib/topology/snapshot';
import { createSimulatedSource, type SimulatedSource } from './simulated';
import { SimulatedCluster } from './simulated-cluster';
import { loadSnapshot } from './simulated-apiserver';
import { ObjectStore } from './simulated-store';

type Obj = KubeObject & { spec?: any; status?: any };

/** The demo, settled: three stacks running. */
function demo(): SimulatedSource {
  return createSimulatedSource({ scenario: 'demo', tickMs: 0, seed: 3 });
}

/** Every object of the source as `kubectl get … -A -o json` lists it (Events left out unless asked). */
async function snapshotOf(s: SimulatedSource, kinds: readonly WatchedKind[] = WATCHED_KINDS.filter((k) => k !== 'Event')): Promise<{ apiVersion: 'v1'; kind: 'List'; items: Obj[] }> {
  const items: Obj[] = [];
  for (const kind of kinds) items.push(...((await s.list(kind, { limit: 0 })).items as Obj[]));
  return kubeList(items) as { apiVersion: 'v1'; kind: 'List'; items: Obj[] };
}

const all = (s: SimulatedSource, kind: WatchedKind) => s.store.all(kind) as Obj[];
const names = (s: SimulatedSource, kind: WatchedKind) => all(s, kind).map((o) => `${o.metadata?.namespace ?? ''}/${o.metadata!.name!}`).sort();
const placement = (s: SimulatedSource) => Object.fromEntries(all(s, 'Pod').map((p) => [p.metadata!.name!, p.spec.nodeName]));
const GROVE: WatchedKind[] = ['PodCliqueSet', 'PodClique', 'PodCliqueScalingGroup', 'PodGang', 'Pod'];

describe('a snapshot of a cluster running Grove stacks', () => {
  it('shows its stacks: every PodCliqueSet, PodClique, scaling group, PodGang and pod, each once, where it ran', async () => {
    const live = demo();
    const snapshot = await snapshotOf(live);
    const whatIf = createSimulatedSource({ snapshot, tickMs: 0, seed: 9 });
    for (const kind of GROVE) {
      expect(names(whatIf, kind), kind).toEqual(names(live, kind));
      expect(names(whatIf, kind).length, kind).toBeGreaterThan(0);
    }
    expect(placement(whatIf)).toEqual(placement(live));
    // Adopted, not rebuilt: the objects keep their uids, and nothing rolls or moves on.
    expect(all(whatIf, 'PodClique').map((c) => c.metadata!.uid).sort()).toEqual(all(live, 'PodClique').map((c) => c.metadata!.uid).sort());
    expect(whatIf.settle()).toBe(0);
    expect(all(whatIf, 'PodCliqueSet').map((p) => p.status.updateProgress)).toEqual([undefined, undefined, undefined]);
    expect(all(whatIf, 'PodCliqueSet').map((p) => p.status.availableReplicas)).toEqual(all(live, 'PodCliqueSet').map((p) => p.status.availableReplicas));
  });

  it("reads Grove's own template hashes as current: a stack at its template does not roll (its pods stay)", async () => {
    const live = demo();
    const snapshot = await snapshotOf(live);
    // Grove's hashes never equal the simulator's (simulated-operator.ts): give every hash another value, consistently.
    const text = JSON.stringify(snapshot);
    const hashes = new Set<string>();
    for (const o of snapshot.items) {
      const label = o.metadata?.labels?.[LABEL_POD_TEMPLATE_HASH];
      if (label) hashes.add(label);
      if (o.kind === 'PodCliqueSet' && o.status?.currentGenerationHash) hashes.add(o.status.currentGenerationHash);
    }
    expect(hashes.size).toBeGreaterThan(3);
    let grove = text;
    for (const h of hashes) grove = grove.replaceAll(`"${h}"`, `"grove-${h}"`);
    const whatIf = createSimulatedSource({ snapshot: JSON.parse(grove), tickMs: 0, seed: 9 });
    const pods = names(whatIf, 'Pod');
    whatIf.settle();
    expect(names(whatIf, 'Pod')).toEqual(pods);
    expect(names(whatIf, 'Pod')).toEqual(names(live, 'Pod'));
    expect(all(whatIf, 'PodCliqueSet').map((p) => p.status.updateProgress)).toEqual([undefined, undefined, undefined]);
    expect(all(whatIf, 'PodCliqueSet').map((p) => p.status.updatedReplicas)).toEqual(all(live, 'PodCliqueSet').map((p) => p.status.updatedReplicas));
    expect(all(whatIf, 'Pod').filter((p) => p.metadata?.labels?.[LABEL_POD_TEMPLATE_HASH]?.startsWith('grove-'))).toEqual([]);
  });

  it('builds what the snapshot lacks: a PodCliqueSet alone gets its PodCliques, PodGangs and pods', async () => {
    const live = demo();
    const snapshot = await snapshotOf(live, ['Node', 'ClusterTopologyBinding', 'PodCliqueSet']);
    const whatIf = createSimulatedSource({ snapshot, tickMs: 0, seed: 9 });
    whatIf.settle();
    expect(names(whatIf, 'PodClique')).toEqual(names(live, 'PodClique'));
    expect(names(whatIf, 'PodGang')).toEqual(names(live, 'PodGang'));
    expect(all(whatIf, 'Pod').length).toBe(all(live, 'Pod').length);
  });

  it('a pod the snapshot lacks is built again, once; the others stay', async () => {
    const live = demo();
    const snapshot = await snapshotOf(live);
    const gone = snapshot.items.findIndex((o) => o.kind === 'Pod');
    const [missing] = snapshot.items.splice(gone, 1);
    const whatIf = createSimulatedSource({ snapshot, tickMs: 0, seed: 9 });
    const clique = missing!.metadata!.labels!['grove.io/podclique'];
    const pods = all(whatIf, 'Pod').filter((p) => p.metadata?.labels?.['grove.io/podclique'] === clique);
    expect(pods.length).toBe(all(live, 'Pod').filter((p) => p.metadata?.labels?.['grove.io/podclique'] === clique).length);
    expect(names(whatIf, 'Pod').filter((n) => !names(live, 'Pod').includes(n))).toHaveLength(1);
  });

  it('keeps Events and counts the kinds it does not simulate', async () => {
    const snapshot = await snapshotOf(demo(), WATCHED_KINDS);
    const events = snapshot.items.filter((o) => o.kind === 'Event').length;
    expect(events).toBeGreaterThan(0);
    snapshot.items.push(
      ...Array.from({ length: 10 }, (_, i) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `d${i}`, namespace: 'default' } })),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 's0', namespace: 'default' } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 's1', namespace: 'default' } },
    );
    const sim = new SimulatedCluster(new ObjectStore(), () => 0.5, () => new Date('2026-01-01T00:00:00Z'), 10_000);
    expect(loadSnapshot(sim, snapshot)).toEqual({ ignored: [['Deployment', 10], ['Service', 2]] });
    expect(sim.store.count('Event')).toBeGreaterThanOrEqual(events);
  });

  it('refuses a PodCliqueSet the webhook would refuse, naming the item', async () => {
    const snapshot = kubeList([...(await snapshotOf(demo(), ['Node', 'ClusterTopologyBinding'])).items, { ...demoStacks()[0]!, spec: { ...demoStacks()[0]!.spec, replicas: -1 } }]);
    expect(() => createSimulatedSource({ snapshot, tickMs: 0 })).toThrow(/^invalid cluster snapshot: PodCliqueSet default\/.* would be refused: items\[\d+\]\.spec\.replicas: /);
  });
});
