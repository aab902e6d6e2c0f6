/**
 * What the map knows beyond who holds each GPU: NoSchedule/NoExecute taints on nodes (their free GPUs
 * counted apart), pods not bound yet per workload, and whether a gang keeps the pack constraints its
 * PodGang carries where its pods are now.
 */
import { describe, expect, test } from 'vitest';
import type { PodInfo } from '../cluster/state';
import { LABEL_MANAGED_BY, LABEL_MANAGED_BY_VALUE, LABEL_PART_OF, LABEL_PODCLIQUE, LABEL_PODGANG } from '../grove/labels';
import type { KubeObject } from '../grove/meta';
import { boundPod, nestedCluster } from '../placement/testkit';
import { colorCells, TAINTED_LEGEND } from './colors';
import { checkGangConstraints, podGangIndex } from './constraints';
import { buildHeatmapModel, CELL_FREE, CELL_TAINTED, CELL_UNAVAILABLE, NODE_CORDONED, NODE_TAINTED, NODE_USABLE } from './model';
import { expandPodCliqueSet } from '../grove/expand-objects';
import type { PodCliqueSet } from '../grove/podcliqueset';
import { DEMO_TOPOLOGY_NAME, demoSnapshot } from '../topology/demo';
import { clusterStateFromSnapshot, podInfoFromPod } from '../topology/snapshot';
import { unmetRequiredPacks } from '../workloads/packs';
import { stackObjects } from '../workloads/testkit';
import { buildWorkloadTree } from '../workloads/tree';
import { workloadSpan } from './span';
import { nodeTaintsText } from './taints';

const grove = (pcs: string, gang: string, clique = `${pcs}-0-worker`) => ({ [LABEL_MANAGED_BY]: LABEL_MANAGED_BY_VALUE, [LABEL_PART_OF]: pcs, [LABEL_PODGANG]: gang, [LABEL_PODCLIQUE]: clique });
const pendingPod = (name: string, gpu: number, labels: Record<string, string>): PodInfo => ({ ...boundPod(name, '', gpu), nodeName: undefined, phase: 'Pending', labels });

describe('taints', () => {
  test('a node with a NoSchedule taint: its free GPUs stay in free and are counted as the tainted part of it, its cells and status say so, the taint is named', () => {
    const state = nestedCluster(['rack'], [1, 3]);
    state.nodes[1]!.taints = [{ key: 'dedicated', value: 'infer', effect: 'NoSchedule' }];
    // PreferNoSchedule only discourages: such a node stays plainly free.
    state.nodes[2]!.taints = [{ key: 'soft', effect: 'PreferNoSchedule' }];
    state.pods = [boundPod('a', 'node-1', 2)];
    const model = buildHeatmapModel(state);
    expect(Array.from(model.nodeStatus)).toEqual([NODE_USABLE, NODE_TAINTED, NODE_USABLE]);
    expect(model.nodeTaints.get(1)).toEqual(['dedicated=infer:NoSchedule']);
    expect(model.nodeTaints.has(2)).toBe(false);
    const first = model.layout.nodes[1]!.firstCell;
    expect(model.cellStatus[first + 2]).toBe(CELL_TAINTED);
    expect(model.cellStatus[model.layout.nodes[2]!.firstCell]).toBe(CELL_FREE);
    expect(model.totals).toMatchObject({ gpus: 24, used: 2, tainted: 6, free: 22, unavailable: 0 });
    expect(model.clusterTaints).toEqual([]);
  });

  test('NoExecute counts too; a cordoned node stays unavailable (the stronger word) but keeps its taint named; the status taints Kubernetes adds are not counted as taints', () => {
    const state = nestedCluster(['rack'], [1, 3]);
    state.nodes[0]!.taints = [{ key: 'gpu-maintenance', effect: 'NoExecute' }];
    state.nodes[1]!.unschedulable = true;
    state.nodes[1]!.taints = [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }, { key: 'dedicated', value: 'infer', effect: 'NoSchedule' }];
    state.nodes[2]!.taints = [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }];
    const model = buildHeatmapModel(state);
    expect(Array.from(model.nodeStatus)).toEqual([NODE_TAINTED, NODE_CORDONED, NODE_USABLE]);
    expect(model.nodeTaints.get(0)).toEqual(['gpu-maintenance:NoExecute']);
    expect(model.nodeTaints.get(1)).toEqual(['dedicated=infer:NoSchedule']);
    expect(model.nodeTaints.has(2)).toBe(false);
    expect(model.cellStatus[model.layout.nodes[1]!.firstCell]).toBe(CELL_UNAVAILABLE);
    expect(model.totals).toMatchObject({ tainted: 8, unavailable: 8, free: 16 });
    expect(model.frameStats[0]).toMatchObject({ tainted: 8, unavailable: 8, free: 16 });
  });

  test('GKE-like: every GPU node carries nvidia.com/gpu=present:NoSchedule, so no node is marked tainted and all free GPUs are plainly free; the taint is named once as cluster-wide', () => {
    const state = nestedCluster(['rack'], [2, 2]);
    for (const node of state.nodes) node.taints = [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }];
    state.pods = [boundPod('a', 'node-0', 8)];
    const model = buildHeatmapModel(state);
    expect(model.clusterTaints).toEqual(['nvidia.com/gpu=present:NoSchedule']);
    expect(Array.from(model.nodeStatus)).toEqual([NODE_USABLE, NODE_USABLE, NODE_USABLE, NODE_USABLE]);
    expect(model.nodeTaints.size).toBe(0);
    expect(model.cellStatus[model.layout.nodes[1]!.firstCell]).toBe(CELL_FREE);
    expect(model.totals).toMatchObject({ gpus: 32, used: 8, free: 24, tainted: 0, unavailable: 0 });
  });

  test('a dedicated pool on a GKE-like cluster: the node with a taint the others lack is marked (by that taint alone), its free GPUs stay in free as the tainted part', () => {
    const state = nestedCluster(['rack'], [2, 2]);
    for (const node of state.nodes) node.taints = [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }];
    state.nodes[3]!.taints.push({ key: 'dedicated', value: 'infer', effect: 'NoSchedule' });
    const model = buildHeatmapModel(state);
    expect(model.clusterTaints).toEqual(['nvidia.com/gpu=present:NoSchedule']);
    expect(Array.from(model.nodeStatus)).toEqual([NODE_USABLE, NODE_USABLE, NODE_USABLE, NODE_TAINTED]);
    expect([...model.nodeTaints]).toEqual([[3, ['dedicated=infer:NoSchedule']]]);
    expect(model.cellStatus[model.layout.nodes[3]!.firstCell]).toBe(CELL_TAINTED);
    expect(model.totals).toMatchObject({ gpus: 32, free: 32, tainted: 8 });
    expect(model.frameStats[1]).toMatchObject({ gpus: 16, free: 16, tainted: 8 });
    // One node without the GPU taint: it is no longer cluster-wide, and the nodes carrying it are marked.
    state.nodes[0]!.taints = [];
    const mixed = buildHeatmapModel(state);
    expect(mixed.clusterTaints).toEqual([]);
    expect(Array.from(mixed.nodeStatus)).toEqual([NODE_USABLE, NODE_TAINTED, NODE_TAINTED, NODE_TAINTED]);
    expect(mixed.totals).toMatchObject({ free: 32, tainted: 24 });
  });

  test('every colour mode but domain fill draws tainted free cells in their own colour, and the legend has an entry for it, in both themes', () => {
    const state = nestedCluster(['rack'], [1, 2]);
    state.nodes[1]!.taints = [{ key: 'dedicated', value: 'infer', effect: 'NoSchedule' }];
    const model = buildHeatmapModel(state);
    for (const theme of ['light', 'dark'] as const)
      for (const mode of ['allocation', 'workload', 'role'] as const) {
        const colors = colorCells(model, mode, theme);
        const tainted = colors.palette[colors.index[model.layout.nodes[1]!.firstCell]!]!;
        const free = colors.palette[colors.index[0]!]!;
        expect(tainted).not.toBe(free);
        expect(colors.legend.find((e) => e.label === TAINTED_LEGEND)).toMatchObject({ color: tainted, tainted: true });
      }
  });
});

describe('pending pods', () => {
  test('a workload counts its pods not bound yet and the GPUs they ask for; one with only pending pods is listed with no GPUs', () => {
    const state = nestedCluster(['rack'], [1, 2]);
    state.pods = [
      { ...boundPod('many-0', 'node-0', 8), labels: grove('many', 'many-0') },
      pendingPod('many-1', 8, grove('many', 'many-0')),
      pendingPod('many-2', 8, grove('many', 'many-0')),
      pendingPod('fitkai-0', 6, grove('fitkai', 'fitkai-0')),
      pendingPod('fitkai-1', 6, grove('fitkai', 'fitkai-0')),
      // Not Grove's: no workload to count it under.
      pendingPod('loose', 1, {}),
      // Terminal pods wait for nothing.
      { ...pendingPod('done', 4, grove('fitkai', 'fitkai-0')), terminal: true, phase: 'Failed' },
    ];
    const model = buildHeatmapModel(state);
    expect(model.workloads.map((w) => ({ key: w.key, gpus: w.gpus, pods: w.pods.length, pendingPods: w.pendingPods, pendingGpus: w.pendingGpus }))).toEqual([
      { key: 'default/fitkai', gpus: 0, pods: 0, pendingPods: 2, pendingGpus: 12 },
      { key: 'default/many', gpus: 8, pods: 1, pendingPods: 2, pendingGpus: 16 },
    ]);
    expect(workloadSpan(model, 'default/many')).toMatchObject({ gpus: 8, pods: 1, pendingPods: 2, pendingGpus: 16 });
    expect(workloadSpan(model, 'default/fitkai')).toMatchObject({ gpus: 0, pods: 0, pendingPods: 2, pendingGpus: 12, gangs: [] });
    // No cells, no colour: the legend by workload lists only workloads on the map.
    expect(colorCells(model, 'workload', 'light').legend.filter((e) => e.workload).map((e) => e.workload)).toEqual(['default/many']);
  });

  test('a terminating pod: bound, it still holds its GPUs and is marked terminating; not bound, it waits for nothing and is not counted pending', () => {
    const state = nestedCluster(['rack'], [1, 2]);
    state.pods = [
      { ...boundPod('w-0-old', 'node-0', 8), labels: grove('w', 'w-0'), terminating: true },
      { ...boundPod('w-0-new', 'node-1', 8), labels: grove('w', 'w-0') },
      { ...pendingPod('w-1-gone', 8, grove('w', 'w-0')), terminating: true },
      pendingPod('w-1-next', 8, grove('w', 'w-0')),
    ];
    const model = buildHeatmapModel(state);
    expect(model.pods.map((p) => [p.name, p.terminating])).toEqual([
      ['w-0-old', true],
      ['w-0-new', false],
    ]);
    expect(model.totals.used).toBe(16);
    expect(model.workloads).toMatchObject([{ key: 'default/w', gpus: 16, pendingPods: 1, pendingGpus: 8 }]);
  });
});

describe('nodeTaintsText', () => {
  test('a node’s own taints, then the cluster-wide ones said as such; null when there is neither', () => {
    expect(nodeTaintsText(['dedicated=infer:NoSchedule'], ['nvidia.com/gpu=present:NoSchedule'])).toEqual({ own: 'dedicated=infer:NoSchedule', clusterWide: 'nvidia.com/gpu=present:NoSchedule (on every GPU node)' });
    expect(nodeTaintsText(undefined, ['a:NoSchedule', 'b=c:NoExecute'])).toEqual({ own: '', clusterWide: 'a:NoSchedule, b=c:NoExecute (on every GPU node)' });
    expect(nodeTaintsText(['dedicated=infer:NoSchedule'], [])).toEqual({ own: 'dedicated=infer:NoSchedule', clusterWide: '' });
    expect(nodeTaintsText(undefined, [])).toBeNull();
    expect(nodeTaintsText([], [])).toBeNull();
  });
});

/** PodGang `name` with one clique group per name in `cliques`, optional constraints (label keys). */
function podGang(name: string, o: { gang?: string; groups?: { name: string; cliques: string[]; required?: string; preferred?: string }[]; cliques: { name: string; required?: string }[] }): KubeObject {
  const pack = (required?: string, preferred?: string) => (required || preferred ? { topologyConstraint: { packConstraint: { ...(required ? { required } : {}), ...(preferred ? { preferred } : {}) } } } : {});
  return {
    apiVersion: 'scheduler.grove.io/v1alpha1',
    kind: 'PodGang',
    metadata: { name, namespace: 'default' },
    spec: {
      podgroups: o.cliques.map((c) => ({ name: c.name, minReplicas: 1, podReferences: [], ...pack(c.required) })),
      ...pack(o.gang),
      ...(o.groups ? { topologyConstraintGroupConfigs: o.groups.map((g) => ({ name: g.name, podGroupNames: g.cliques, ...pack(g.required, g.preferred) })) } : {}),
    },
  } as KubeObject;
}

describe('pack constraints of the gangs, where their pods are', () => {
  // 2 zones × 2 racks × 1 node of 8 GPUs.
  const cluster = () => nestedCluster(['zone', 'rack'], [2, 2, 1]);

  test('a scaling group whose required rack pack is broken is named with its level and the racks it spans; the PodCliqueSet’s met zone pack is not', () => {
    const state = cluster();
    const leader = 'disagg-0-prefill-0-pleader';
    const worker = 'disagg-0-prefill-0-pworker';
    state.pods = [
      { ...boundPod('l', 'node-0', 4), labels: grove('disagg', 'disagg-0', leader) },
      { ...boundPod('w1', 'node-1', 4), labels: grove('disagg', 'disagg-0', worker) },
      { ...boundPod('w2', 'node-2', 4), labels: grove('disagg', 'disagg-0', worker) },
      { ...boundPod('d', 'node-0', 4), labels: grove('disagg', 'disagg-0', 'disagg-0-decode') },
    ];
    const model = buildHeatmapModel(state);
    const key = (domain: string) => model.layout.levels.find((l) => l.domain === domain)!.key;
    const gang = podGang('disagg-0', {
      gang: undefined,
      groups: [{ name: 'disagg-0-prefill-0', cliques: [leader, worker], required: key('rack') }],
      cliques: [{ name: leader }, { name: worker }, { name: 'disagg-0-decode', required: key('rack') }],
    });
    const checks = checkGangConstraints(workloadSpan(model, 'default/disagg')!, model.layout.levels, [gang]);
    expect(checks.map(({ constraint: { gang, owner, ownerName, replica }, strength, domain, domains, met }) => ({ gang, owner, ownerName, replica, strength, domain, domains, met }))).toEqual([
      { gang: 'disagg-0', owner: 'scaling group', ownerName: 'prefill', replica: 'replica disagg-0-prefill-0', strength: 'required', domain: 'rack', domains: ['rack-0', 'rack-1', 'rack-2'], met: false },
      { gang: 'disagg-0', owner: 'clique', ownerName: 'decode', replica: 'disagg-0-decode', strength: 'required', domain: 'rack', domains: ['rack-0'], met: true },
    ]);
    expect(checks[0]!.text).toBe('Required rack pack of scaling group prefill (replica disagg-0-prefill-0) not met: pods on 3 racks (rack-0, rack-1, rack-2)');
  });

  test('the PodCliqueSet’s own pack, preferred ones, and a gang with no PodGang in the stream (no checks)', () => {
    const state = cluster();
    state.pods = [
      { ...boundPod('a', 'node-0', 8), labels: grove('w', 'w-0') },
      { ...boundPod('b', 'node-2', 8), labels: grove('w', 'w-0') },
      { ...boundPod('c', 'node-3', 8), labels: grove('w', 'w-1') },
    ];
    const model = buildHeatmapModel(state);
    const key = (domain: string) => model.layout.levels.find((l) => l.domain === domain)!.key;
    const gang = podGang('w-0', { gang: key('zone'), groups: [{ name: 'w-0-g-0', cliques: ['w-0-worker'], preferred: key('rack') }], cliques: [{ name: 'w-0-worker' }] });
    const checks = checkGangConstraints(workloadSpan(model, 'default/w')!, model.layout.levels, [gang]);
    expect(checks.map((c) => c.text)).toEqual([
      'Required zone pack of PodCliqueSet w (replica 0, gang w-0) not met: pods on 2 zones (zone-0, zone-1)',
      'Preferred rack pack of scaling group g (replica w-0-g-0) not met: pods on 2 racks (rack-0, rack-2)',
    ]);
    expect(checks.map((c) => c.constraint.gang)).toEqual(['w-0', 'w-0']);
  });

  test('PodGangs are looked up by namespace and name: a PodGang of the same name in another namespace is not the workload’s', () => {
    const state = cluster();
    state.pods = [
      { ...boundPod('a', 'node-0', 8), labels: grove('w', 'w-0') },
      { ...boundPod('b', 'node-2', 8), labels: grove('w', 'w-0') },
    ];
    const model = buildHeatmapModel(state);
    const zoneKey = model.layout.levels.find((l) => l.domain === 'zone')!.key;
    const own = podGang('w-0', { gang: zoneKey, cliques: [{ name: 'w-0-worker' }] });
    const other = { ...podGang('w-0', { cliques: [{ name: 'w-0-worker' }] }), metadata: { name: 'w-0', namespace: 'team-b' } } as KubeObject;
    const span = workloadSpan(model, 'default/w')!;
    // Whichever comes first in the stream, the default namespace's gang (with its zone pack) is judged.
    for (const podGangs of [[other, own], [own, other]]) expect(checkGangConstraints(span, model.layout.levels, podGangs).map((c) => c.constraint.gang)).toEqual(['w-0']);
    expect(checkGangConstraints(span, model.layout.levels, [other])).toEqual([]);
    const index = podGangIndex([other, own]);
    expect(index.get('default/w-0')).toBe(own);
    expect(index.get('team-b/w-0')).toBe(other);
    // Built once per array: the same array gives the same map.
    const list = [own, other];
    expect(podGangIndex(list)).toBe(podGangIndex(list));
  });

  test('a CPU-only router outside the gang’s required rack breaks the pack here as in the workloads health; without the cluster state only the GPU pods were judged', () => {
    // Router (CPU only) + 2 workers of 8 GPUs, the whole replica required in one rack; the router runs in the rack next door.
    const pcs = {
      apiVersion: 'grove.io/v1alpha1',
      kind: 'PodCliqueSet',
      metadata: { name: 'serve', namespace: 'default' },
      spec: {
        replicas: 1,
        template: {
          topologyConstraint: { topologyName: DEMO_TOPOLOGY_NAME, pack: { required: 'rack' } },
          cliques: [
            { name: 'router', spec: { roleName: 'router', replicas: 1, podSpec: { schedulerName: 'kai-scheduler', containers: [{ name: 'router', image: 'r', resources: { requests: { cpu: '2' } } }] } } },
            { name: 'worker', spec: { roleName: 'worker', replicas: 2, podSpec: { schedulerName: 'kai-scheduler', containers: [{ name: 'engine', image: 'e', resources: { limits: { 'nvidia.com/gpu': '8' } } }] } } },
          ],
        },
      },
    } as PodCliqueSet;
    const node = (name: string) => (name.includes('router') ? 'h100-zh0-b0-r1-n0' : `h100-zh0-b0-r0-n${name.endsWith('1') ? 1 : 0}`);
    const o = stackObjects(pcs, { node });
    const base = clusterStateFromSnapshot(demoSnapshot());
    const state = { ...base, pods: o.pods.map((p) => podInfoFromPod(p)) };
    const health = unmetRequiredPacks(state, buildWorkloadTree(o.pcs, o)).map((p) => p.text);
    expect(health).toEqual(['Required rack pack of PodCliqueSet serve (replica 0, gang serve-0) not met: pods on 2 racks (zh0-b0-r0, zh0-b0-r1)']);

    const model = buildHeatmapModel(state);
    const span = workloadSpan(model, 'default/serve')!;
    // The map holds the workers only: the router has no cell.
    expect(span.gangs.flatMap((g) => g.members.map((m) => m.node))).toEqual(['h100-zh0-b0-r0-n0', 'h100-zh0-b0-r0-n1']);
    // The PodGangs as Grove writes them with topology-aware scheduling on: constraints as node label keys.
    const podGangs = expandPodCliqueSet(o.pcs, { levels: base.topologies.find((t) => t.name === DEMO_TOPOLOGY_NAME)!.levels }).podGangs;
    const topology = checkGangConstraints(span, model.layout.levels, podGangs, state);
    expect(topology.filter((c) => !c.met).map((c) => c.text)).toEqual(health);
    expect(topology.filter((c) => !c.met)[0]!.constraint.pods).toHaveLength(3);
    // From the map alone (no cluster state) the router is not seen and the pack looks met.
    expect(checkGangConstraints(span, model.layout.levels, podGangs).map((c) => c.met)).toEqual([true]);
    // A gang whose pods all sit in the rack: met, here and in the health.
    const packed = { ...state, pods: o.pods.map((p) => podInfoFromPod(p)).map((p) => (p.name.includes('router') ? { ...p, nodeName: 'h100-zh0-b0-r0-n2' } : p)) };
    expect(checkGangConstraints(span, model.layout.levels, podGangs, packed).map((c) => c.met)).toEqual([true]);
  });

  test('racks of the same name in two zones are two racks', () => {
    const state = cluster();
    // Rack labels that repeat per zone (r0, r1 in each): a pack is judged on the domain, not the bare value.
    const rackKey = state.topologies[0]!.levels.find((l) => l.domain === 'rack')!.key;
    state.nodes.forEach((node, i) => (node.labels[rackKey] = `r${i % 2}`));
    state.pods = [
      { ...boundPod('a', 'node-0', 8), labels: grove('w', 'w-0') },
      { ...boundPod('b', 'node-2', 8), labels: grove('w', 'w-0') },
    ];
    const model = buildHeatmapModel(state);
    const checks = checkGangConstraints(workloadSpan(model, 'default/w')!, model.layout.levels, [podGang('w-0', { gang: rackKey, cliques: [{ name: 'w-0-worker' }] })]);
    expect(checks).toMatchObject([{ constraint: { owner: 'PodCliqueSet' }, domain: 'rack', met: false }]);
    // Both racks are called r0: each is named by its path from the zone down.
    expect(checks[0]!.domains).toEqual(['zone-0/r0', 'zone-1/r0']);
  });
});
