/**
 * The simulated Grove operator: a PodCliqueSet expands with lib/grove/expand-objects (the same code the
 * previews use) into PodCliques, PodCliqueScalingGroups, PodGangs and pods with the operator's names,
 * labels and ownerReferences, and the statuses of those kinds are kept as API-NOTES §9 describes.
 * Pods are created gated (grove.io/podgang-pending-creation); the kubelet part lifts the gate.
 */
import { objectKey, type WatchedKind } from '../../lib/cluster/kinds';
import { planPodCliqueSet } from '../../lib/grove/expand';
import { expandPodCliqueSet, type ExpandedObjects } from '../../lib/grove/expand-objects';
import {
  LABEL_MANAGED_BY,
  LABEL_MANAGED_BY_VALUE,
  LABEL_PART_OF,
  LABEL_PCS_REPLICA_INDEX,
  LABEL_PCSG,
  SCHEDULING_GATE_PODGANG_PENDING,
  podCliqueSelector,
  podCliqueSetSelector,
  scalingGroupSelector,
} from '../../lib/grove/labels';
import type { Condition, KubeObject } from '../../lib/grove/meta';
import { headlessServiceName, podGenerateName, podHostname } from '../../lib/grove/naming';
import type { PodClique } from '../../lib/grove/podclique';
import type { PodCliqueSet } from '../../lib/grove/podcliqueset';
import type { PodCliqueScalingGroup } from '../../lib/grove/podcliquescalinggroup';
import type { PodGang } from '../../lib/grove/podgang';
import { OPERATOR, canonical, minAvailableOf, podBound, podGated, podIndex, podReady, podStarted, type SimPod, type SimulatedCluster } from './simulated-cluster';

function children<T extends KubeObject>(sim: SimulatedCluster, kind: WatchedKind, ns: string, pcsName: string): T[] {
  return sim.store
    .all(kind)
    .filter((o) => o.metadata?.namespace === ns && o.metadata?.labels?.[LABEL_PART_OF] === pcsName && o.metadata?.labels?.[LABEL_MANAGED_BY] === LABEL_MANAGED_BY_VALUE) as T[];
}

function ownerRef(o: KubeObject) {
  return { apiVersion: o.apiVersion ?? '', kind: o.kind ?? '', name: o.metadata?.name ?? '', uid: o.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** Make the generated objects of one PodCliqueSet match its expansion with the live replica counts. */
export function reconcile(sim: SimulatedCluster, pcsKey: string): void {
  const pcs = sim.store.get('PodCliqueSet', pcsKey) as PodCliqueSet | undefined;
  if (!pcs) return;
  const ns = pcs.metadata.namespace ?? 'default';
  const pcsName = pcs.metadata.name ?? '';
  const liveGroups = children<PodCliqueScalingGroup>(sim, 'PodCliqueScalingGroup', ns, pcsName);
  const liveCliques = children<PodClique>(sim, 'PodClique', ns, pcsName);
  const topologyName = planPodCliqueSet(pcs).topologyName;
  const levels = topologyName ? sim.topologyLevels()[topologyName] : undefined;
  const expanded = expandPodCliqueSet(pcs, {
    scalingGroupReplicas: Object.fromEntries(liveGroups.map((g) => [g.metadata.name ?? '', g.spec.replicas])),
    podCliqueReplicas: Object.fromEntries(liveCliques.map((c) => [c.metadata.name ?? '', c.spec.replicas])),
    ...(levels ? { levels } : {}),
  });
  sim.expansions.set(pcsKey, expanded);

  // Remove what the expansion no longer has (highest indices first), children with it.
  const wantGroups = new Set(expanded.scalingGroups.map((g) => g.metadata.name));
  const wantCliques = new Set(expanded.podCliques.map((c) => c.metadata.name));
  const wantGangs = new Set(expanded.podGangs.map((g) => g.metadata.name));
  const byNameDesc = (a: KubeObject, b: KubeObject) => ((b.metadata?.name ?? '') < (a.metadata?.name ?? '') ? -1 : 1);
  for (const g of [...liveGroups].sort(byNameDesc)) if (!wantGroups.has(g.metadata.name)) sim.deleteTree('PodCliqueScalingGroup', objectKey(g));
  for (const c of [...liveCliques].sort(byNameDesc)) if (!wantCliques.has(c.metadata.name) && sim.store.get('PodClique', objectKey(c))) sim.deleteTree('PodClique', objectKey(c));
  for (const g of children<PodGang>(sim, 'PodGang', ns, pcsName).sort(byNameDesc)) if (!wantGangs.has(g.metadata.name)) sim.deleteTree('PodGang', objectKey(g));

  const now = sim.timestamp();
  const pcsRef = ownerRef(pcs);
  for (const g of expanded.scalingGroups) {
    if (sim.store.get('PodCliqueScalingGroup', objectKey(g))) continue;
    sim.store.put('PodCliqueScalingGroup', { ...g, metadata: { ...g.metadata, uid: sim.uid(), creationTimestamp: now, generation: 1, ownerReferences: [pcsRef] } });
  }
  for (const c of expanded.podCliques) {
    const key = objectKey(c);
    if (sim.store.get('PodClique', key)) continue;
    const group = c.metadata.labels?.[LABEL_PCSG];
    const owner = group ? sim.store.get('PodCliqueScalingGroup', `${ns}/${group}`) : undefined;
    sim.store.put('PodClique', { ...c, metadata: { ...c.metadata, uid: sim.uid(), creationTimestamp: now, generation: 1, ownerReferences: [owner ? ownerRef(owner) : pcsRef] } });
  }
  // Pods per PodClique: fill the lowest free indices, remove the highest beyond spec.replicas.
  const expandedPods = new Map<string, Record<string, string>>();
  for (const gang of expanded.gangs) for (const pg of gang.podGroups) for (const p of pg.pods) expandedPods.set(`${pg.name}/${p.podIndex}`, p.labels);
  const podsByClique = sim.podsByClique(ns);
  for (const c of expanded.podCliques) {
    const pclq = sim.store.get('PodClique', objectKey(c)) as PodClique;
    const pods = podsByClique.get(pclq.metadata.name ?? '') ?? [];
    const want = pclq.spec.replicas;
    const extra = pods.filter((p) => podIndex(p) >= want || podIndex(p) < 0).sort((a, b) => podIndex(b) - podIndex(a));
    for (const p of extra) sim.deleteTree('Pod', objectKey(p));
    const have = new Set(pods.map(podIndex));
    const created: string[] = [];
    for (let k = 0; k < want; k++) {
      if (have.has(k)) continue;
      const labels = expandedPods.get(`${pclq.metadata.name}/${k}`);
      if (!labels) continue;
      created.push(createPod(sim, pcs, pclq, k, labels).metadata.name);
    }
    if (created.length > 0) sim.event(pclq, 'Normal', 'SuccessfulCreate', `Created pod${created.length > 1 ? 's' : ''}: ${created.join(', ')}`, OPERATOR);
    if (extra.length > 0) sim.event(pclq, 'Normal', 'SuccessfulDelete', `Deleted pod${extra.length > 1 ? 's' : ''}: ${extra.map((p) => p.metadata.name).join(', ')}`, OPERATOR);
  }
  syncPodGangs(sim, pcs, expanded);
}

function createPod(sim: SimulatedCluster, pcs: PodCliqueSet, pclq: PodClique, index: number, labels: Record<string, string>): SimPod {
  const ns = pclq.metadata.namespace ?? 'default';
  const fqn = pclq.metadata.name ?? '';
  // generateName + a random suffix, as the apiserver names them.
  let name = `${podGenerateName(fqn)}${sim.suffix()}`;
  while (sim.store.get('Pod', `${ns}/${name}`)) name = `${podGenerateName(fqn)}${sim.suffix()}`;
  const pcsIndex = Number(labels[LABEL_PCS_REPLICA_INDEX] ?? '0');
  const spec = structuredClone(pclq.spec.podSpec) as SimPod['spec'];
  spec.hostname = podHostname(fqn, index);
  spec.subdomain = headlessServiceName(pcs.metadata.name ?? '', pcsIndex);
  spec.schedulingGates = [{ name: SCHEDULING_GATE_PODGANG_PENDING }];
  const pod: SimPod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      generateName: podGenerateName(fqn),
      namespace: ns,
      uid: sim.uid(),
      creationTimestamp: sim.timestamp(),
      labels: { ...labels },
      ...(pclq.metadata.annotations ? { annotations: { ...pclq.metadata.annotations } } : {}),
      ownerReferences: [ownerRef(pclq)],
    },
    spec,
    status: {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates', lastTransitionTime: sim.timestamp() }],
    },
  };
  sim.store.put('Pod', pod);
  return pod;
}

/** PodGangs with podReferences naming the real pods (the operator fills them once the pods exist). */
function syncPodGangs(sim: SimulatedCluster, pcs: PodCliqueSet, expanded: ExpandedObjects): void {
  const ns = pcs.metadata.namespace ?? 'default';
  const podsByClique = sim.podsByClique(ns);
  for (const g of expanded.podGangs) {
    const spec = structuredClone(g.spec);
    for (const pg of spec.podgroups) {
      pg.podReferences = (podsByClique.get(pg.name) ?? []).map((p) => ({ namespace: ns, name: p.metadata.name })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    }
    const key = objectKey(g);
    const existing = sim.store.get('PodGang', key) as PodGang | undefined;
    if (existing) {
      if (canonical(existing.spec) === canonical(spec)) continue;
      sim.store.put('PodGang', { ...existing, spec } as PodGang);
    } else {
      const now = sim.timestamp();
      const gang: PodGang = {
        ...g,
        metadata: { ...g.metadata, uid: sim.uid(), creationTimestamp: now, generation: 1, ownerReferences: [ownerRef(pcs)] },
        spec,
        status: { phase: 'Pending', conditions: [{ type: 'Initialized', status: 'True', reason: 'PodGangPodsCreated', message: 'All pods of the PodGang have been created', lastTransitionTime: now }] },
      };
      sim.store.put('PodGang', gang);
      sim.gangOrder.set(key, ++sim.gangSeq);
    }
  }
}

function condition(sim: SimulatedCluster, previous: Condition[] | undefined, type: string, status: Condition['status'], reason: string, message: string, generation?: number): Condition {
  const prev = previous?.find((c) => c.type === type);
  const lastTransitionTime = prev && prev.status === status ? prev.lastTransitionTime : sim.timestamp();
  return { type, status, reason, message, lastTransitionTime, ...(generation !== undefined ? { observedGeneration: generation } : {}) };
}

function putIfChanged(sim: SimulatedCluster, kind: WatchedKind, object: KubeObject & { status?: unknown }, status: unknown): void {
  if (canonical(object.status) === canonical(status)) return;
  sim.store.put(kind, { ...object, status } as KubeObject);
}

export function updateStatuses(sim: SimulatedCluster): void {
  const idx = sim.snapshotIndex();
  const cliqueOk = new Map<string, { scheduled: boolean; available: boolean }>();
  for (const pclq of idx.cliques.values()) {
    const key = objectKey(pclq);
    const pods = idx.pods.get(key) ?? [];
    const min = minAvailableOf(pclq);
    const scheduled = pods.filter(podBound).length;
    const ready = pods.filter(podReady).length;
    const startedNotReady = pods.filter((p) => podStarted(p) && !podReady(p)).length;
    const prev = pclq.status?.conditions;
    const gen = pclq.metadata.generation;
    const breached =
      scheduled < min
        ? condition(sim, prev, 'MinAvailableBreached', 'True', 'ScheduledReplicasBelowMinAvailable', `${scheduled} scheduled pods, below minAvailable ${min}`, gen)
        : scheduled - startedNotReady < min
          ? condition(sim, prev, 'MinAvailableBreached', 'True', 'InsufficientReadyPods', `${scheduled - startedNotReady} pods not failing or starting, below minAvailable ${min}`, gen)
          : condition(sim, prev, 'MinAvailableBreached', 'False', 'SufficientReadyPods', `enough pods are ready or starting (minAvailable ${min})`, gen);
    const status = {
      observedGeneration: gen,
      replicas: pods.length,
      readyReplicas: ready,
      scheduledReplicas: scheduled,
      scheduleGatedReplicas: pods.filter(podGated).length,
      updatedReplicas: pods.length,
      ...(pclq.metadata.labels?.[LABEL_PCSG] ? {} : { hpaPodSelector: podCliqueSelector(pclq.metadata.labels?.[LABEL_PART_OF] ?? '', pclq.metadata.name ?? '') }),
      conditions: [
        scheduled >= min
          ? condition(sim, prev, 'PodCliqueScheduled', 'True', 'SufficientScheduledPods', `${scheduled} of ${pods.length} pods scheduled (minAvailable ${min})`, gen)
          : condition(sim, prev, 'PodCliqueScheduled', 'False', 'InsufficientScheduledPods', `${scheduled} of ${pods.length} pods scheduled, below minAvailable ${min}`, gen),
        breached,
      ],
    };
    cliqueOk.set(key, { scheduled: scheduled >= min, available: scheduled >= min && ready >= min });
    putIfChanged(sim, 'PodClique', pclq, status);
  }

  const groupAvailable = new Map<string, boolean>();
  for (const g of sim.store.all('PodCliqueScalingGroup') as PodCliqueScalingGroup[]) {
    const ns = g.metadata.namespace ?? 'default';
    const name = g.metadata.name ?? '';
    let scheduledReplicas = 0;
    let availableReplicas = 0;
    for (let j = 0; j < g.spec.replicas; j++) {
      const members = g.spec.cliqueNames.map((c) => cliqueOk.get(`${ns}/${name}-${j}-${c}`));
      if (members.every((m) => m?.scheduled)) scheduledReplicas++;
      if (members.every((m) => m?.available)) availableReplicas++;
    }
    const min = g.spec.minAvailable ?? 1;
    const gen = g.metadata.generation;
    groupAvailable.set(`${ns}/${name}`, availableReplicas >= min);
    putIfChanged(sim, 'PodCliqueScalingGroup', g, {
      observedGeneration: gen,
      replicas: g.spec.replicas,
      scheduledReplicas,
      availableReplicas,
      updatedReplicas: g.spec.replicas,
      selector: scalingGroupSelector(g.metadata.labels?.[LABEL_PART_OF] ?? '', name),
      conditions: [
        availableReplicas < min
          ? condition(sim, g.status?.conditions, 'MinAvailableBreached', 'True', 'InsufficientAvailablePodCliqueScalingGroupReplicas', `${availableReplicas} available replicas, below minAvailable ${min}`, gen)
          : condition(sim, g.status?.conditions, 'MinAvailableBreached', 'False', 'SufficientAvailablePodCliqueScalingGroupReplicas', `${availableReplicas} available replicas (minAvailable ${min})`, gen),
      ],
    });
  }

  const bindings = sim.topologyLevels();
  for (const pcs of sim.store.all('PodCliqueSet') as PodCliqueSet[]) {
    const name = pcs.metadata.name ?? '';
    const replicas = pcs.spec.replicas ?? 0;
    const expanded = sim.expansions.get(objectKey(pcs));
    let available = 0;
    for (let i = 0; i < replicas; i++) {
      const cliques = expanded?.podCliques.filter((c) => c.metadata.labels?.[LABEL_PCS_REPLICA_INDEX] === String(i) && !c.metadata.labels?.[LABEL_PCSG]) ?? [];
      const groups = expanded?.scalingGroups.filter((g) => g.metadata.labels?.[LABEL_PCS_REPLICA_INDEX] === String(i)) ?? [];
      if (cliques.every((c) => cliqueOk.get(objectKey(c))?.available) && groups.every((g) => groupAvailable.get(objectKey(g)))) available++;
    }
    const topologyName = planPodCliqueSet(pcs).topologyName;
    const conditions: Condition[] = [];
    if (topologyName) {
      conditions.push(
        bindings[topologyName]
          ? condition(sim, pcs.status?.conditions, 'TopologyLevelsUnavailable', 'False', 'AllClusterTopologyLevelsAvailable', `ClusterTopologyBinding ${topologyName} has every level the constraints name`)
          : condition(sim, pcs.status?.conditions, 'TopologyLevelsUnavailable', 'Unknown', 'ClusterTopologyNotFound', `ClusterTopologyBinding ${topologyName} not found`),
      );
    }
    putIfChanged(sim, 'PodCliqueSet', pcs, {
      observedGeneration: pcs.metadata.generation,
      replicas,
      availableReplicas: available,
      updatedReplicas: replicas,
      hpaPodSelector: podCliqueSetSelector(name),
      ...(conditions.length > 0 ? { conditions } : {}),
    });
  }

  // PodGang status is what the operator writes, and only that: phase Pending and Initialized once every
  // pod exists (API-NOTES §9, §22.8). Neither kube-scheduler nor KAI moves it on; readers derive a
  // gang's state from its member pods (lib/workloads gangState).
  // The operator builds every pod of a gang in the same reconcile that writes the gang (syncPodGangs), so Initialized is True.
  for (const g of sim.store.all('PodGang') as PodGang[]) {
    const conditions: Condition[] = [condition(sim, g.status?.conditions, 'Initialized', 'True', 'PodGangPodsCreated', 'All pods of the PodGang have been created')];
    putIfChanged(sim, 'PodGang', g, { ...(g.status ?? {}), phase: 'Pending', conditions });
  }
}
