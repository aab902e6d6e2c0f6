/**
 * The simulated Grove operator: a PodCliqueSet expands with lib/grove/expand-objects (the same code the
 * previews use) into PodCliques, PodCliqueScalingGroups, PodGangs and pods with the operator's names,
 * labels and ownerReferences, and the statuses of those kinds are kept as API-NOTES §9 describes.
 * Pods are created gated (grove.io/podgang-pending-creation); the kubelet part lifts the gate.
 *
 * Template changes roll out as Grove's RollingRecreate does (podcliqueset/reconcilespec.go,
 * podcliquesetreplica/rollingupdate.go, podclique/components/pod/rollingupdate.go,
 * podcliquescalinggroup/components/podclique/rollingupdate.go): every reconcile patches the
 * standalone PodCliques and the PodCliqueScalingGroups to the template; a new generation hash starts
 * status.updateProgress; one PodCliqueSet replica at a time, its standalone PodCliques replace their
 * old-template pods (not-ready ones at once, ready ones one by one) and its scaling groups recreate
 * one replica at a time. Pods and PodCliques carry grove.io/pod-template-hash as Grove's do; the value
 * is FNV-64a over canonical JSON here, not over Go's dump.ForHash, so it never equals Grove's.
 * OnDelete patches in place and replaces nothing. Gang termination is not simulated.
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
  LABEL_PCSG_REPLICA_INDEX,
  LABEL_POD_TEMPLATE_HASH,
  SCHEDULING_GATE_PODGANG_PENDING,
  podCliqueSelector,
  podCliqueSetSelector,
  scalingGroupSelector,
} from '../../lib/grove/labels';
import type { Condition, KubeObject } from '../../lib/grove/meta';
import { headlessServiceName, podGenerateName, podHostname } from '../../lib/grove/naming';
import type { PodClique, PodCliqueStatus } from '../../lib/grove/podclique';
import type { PodCliqueSet, PodCliqueTemplateSpec, UpdateProgress } from '../../lib/grove/podcliqueset';
import type { PodCliqueScalingGroup, PodCliqueScalingGroupStatus } from '../../lib/grove/podcliquescalinggroup';
import { preferredDomain, requiredDomain, type TopologyConstraint } from '../../lib/grove/topology-constraint';
import type { TopologyLevel } from '../../lib/grove/clustertopologybinding';
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

// ---------------------------------------------------------------------------------------------
// Template hashes (Grove: componentutils.ComputePCLQPodTemplateHash, podcliqueset computeGenerationHash)

const SAFE_ENCODE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789'; // apimachinery's rand.SafeEncodeString
const FNV64_OFFSET = 0xcbf29ce484222325n;
const FNV64_PRIME = 0x100000001b3n;
const U64 = (1n << 64n) - 1n;

/** FNV-64a of the canonical JSON, its decimal digits safe-encoded as Grove encodes its hashes. */
function hashOf(value: unknown): string {
  let h = FNV64_OFFSET;
  for (const byte of new TextEncoder().encode(canonical(value))) h = ((h ^ BigInt(byte)) * FNV64_PRIME) & U64;
  return [...h.toString()].map((d) => SAFE_ENCODE_ALPHABET[d.charCodeAt(0) % SAFE_ENCODE_ALPHABET.length]).join('');
}

/** What Grove hashes of a clique: its labels, annotations and pod spec with the PCS priorityClassName. */
function podTemplateOf(pcs: PodCliqueSet, clique: PodCliqueTemplateSpec) {
  const spec = { ...(clique.spec?.podSpec ?? {}) } as Record<string, unknown>;
  const priorityClassName = pcs.spec.template.priorityClassName;
  if (priorityClassName) spec.priorityClassName = priorityClassName;
  else delete spec.priorityClassName;
  return { metadata: { labels: clique.labels, annotations: clique.annotations }, spec };
}

interface TemplateHashes {
  /** The PodCliqueSet's generation hash (every clique's pod template). */
  generation: string;
  /** grove.io/pod-template-hash per clique template name. */
  cliques: Map<string, string>;
}
const hashMemo = new WeakMap<PodCliqueSet, TemplateHashes>();

export function templateHashes(pcs: PodCliqueSet): TemplateHashes {
  let h = hashMemo.get(pcs);
  if (!h) {
    const templates = (pcs.spec.template.cliques ?? []).map((c) => [c.name, podTemplateOf(pcs, c)] as const);
    h = { generation: hashOf(templates.map(([, t]) => t)), cliques: new Map(templates.map(([name, t]) => [name, hashOf(t)])) };
    hashMemo.set(pcs, h);
  }
  return h;
}

/** The clique template a PodClique was built from, read off its name and labels. */
function templateCliqueName(pcsName: string, pclq: KubeObject): string | undefined {
  const l = pclq.metadata?.labels ?? {};
  const prefix = l[LABEL_PCSG] ? `${l[LABEL_PCSG]}-${l[LABEL_PCSG_REPLICA_INDEX]}-` : `${pcsName}-${l[LABEL_PCS_REPLICA_INDEX]}-`;
  const name = pclq.metadata?.name ?? '';
  return name.startsWith(prefix) ? name.slice(prefix.length) : undefined;
}

export function expectedPodTemplateHash(pcs: PodCliqueSet, pclq: KubeObject): string | undefined {
  const clique = templateCliqueName(pcs.metadata.name ?? '', pclq);
  return clique === undefined ? undefined : templateHashes(pcs).cliques.get(clique);
}

const autoUpdate = (pcs: PodCliqueSet) => pcs.spec.updateStrategy?.type !== 'OnDelete';
/** Grove's isAutoUpdateInProgress: a RollingRecreate update started and not ended. */
const rollingUpdateInProgress = (pcs: PodCliqueSet) => autoUpdate(pcs) && !!pcs.status?.updateProgress && !pcs.status.updateProgress.updateEndedAt;
const updateRunning = (o: { status?: { updateProgress?: { updateEndedAt?: string } } }) => !!o.status?.updateProgress && !o.status.updateProgress.updateEndedAt;

/**
 * The update bookkeeping of one reconcile, before the objects are synced: a new generation hash starts an
 * update, a RollingRecreate under way moves one step (deleting old-template pods or scaling-group
 * replicas for the sync to recreate), OnDelete records the new hashes. Also run by the live tests' Grove
 * stand-in (e2e/live/grove-standin.ts) over the objects it lists, so both roll out alike.
 */
export function rolloutStep(sim: SimulatedCluster, pcs: PodCliqueSet): PodCliqueSet {
  pcs = processGenerationHash(sim, pcs);
  if (rollingUpdateInProgress(pcs)) return rollingUpdate(sim, pcs);
  if (!autoUpdate(pcs)) markOnDeleteUpdates(sim, pcs);
  return pcs;
}

/** A generated PodClique's labels: the expansion's plus grove.io/pod-template-hash of its clique template. */
export function podCliqueLabelsWithHash(pcs: PodCliqueSet, pclq: KubeObject): Record<string, string> {
  const hash = expectedPodTemplateHash(pcs, pclq);
  return { ...pclq.metadata?.labels, ...(hash ? { [LABEL_POD_TEMPLATE_HASH]: hash } : {}) };
}

/** A new Pod's labels: the expansion's plus its PodClique's grove.io/pod-template-hash (its template when created). */
export function podLabelsFor(pclq: KubeObject, labels: Record<string, string>): Record<string, string> {
  const hash = pclq.metadata?.labels?.[LABEL_POD_TEMPLATE_HASH];
  return { ...labels, ...(hash ? { [LABEL_POD_TEMPLATE_HASH]: hash } : {}) };
}

/** Whether CreateOrPatch brings an existing PodClique to the template: under RollingRecreate a scaling group's PodCliques are recreated instead (its sync only creates). */
export function followsTemplateInPlace(pcs: PodCliqueSet, pclq: KubeObject): boolean {
  return !pclq.metadata?.labels?.[LABEL_PCSG] || !autoUpdate(pcs);
}

/** Make the generated objects of one PodCliqueSet match its expansion with the live replica counts. */
export function reconcile(sim: SimulatedCluster, pcsKey: string): void {
  let pcs = sim.store.get('PodCliqueSet', pcsKey) as PodCliqueSet | undefined;
  if (!pcs) return;
  pcs = rolloutStep(sim, pcs);
  const ns = pcs.metadata.namespace ?? 'default';
  const pcsName = pcs.metadata.name ?? '';
  const liveGroups = children<PodCliqueScalingGroup>(sim, 'PodCliqueScalingGroup', ns, pcsName);
  const liveCliques = children<PodClique>(sim, 'PodClique', ns, pcsName);
  const topologyName = planPodCliqueSet(pcs).topologyName;
  // Topology-aware scheduling off: Grove builds PodGangs without constraints (createTopologyPackConstraint), and nothing packs.
  const levels = topologyName && sim.topologyAwareScheduling ? sim.topologyLevels()[topologyName] : undefined;
  const expanded = expandPodCliqueSet(sim.topologyAwareScheduling ? pcs : withoutTopologyConstraints(pcs), {
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
  // CreateOrPatch, as Grove's components do: the spec follows the template, replicas stay what they are
  // (an HPA or /scale owns them once the object exists).
  for (const g of expanded.scalingGroups) {
    const existing = sim.store.get('PodCliqueScalingGroup', objectKey(g)) as PodCliqueScalingGroup | undefined;
    if (existing) patchGenerated(sim, 'PodCliqueScalingGroup', existing, g.metadata.labels, g.metadata.annotations, { ...g.spec, replicas: existing.spec.replicas });
    else sim.store.put('PodCliqueScalingGroup', { ...g, metadata: { ...g.metadata, uid: sim.uid(), creationTimestamp: now, generation: 1, ownerReferences: [pcsRef] } });
  }
  for (const c of expanded.podCliques) {
    const key = objectKey(c);
    const group = c.metadata.labels?.[LABEL_PCSG];
    const labels = podCliqueLabelsWithHash(pcs, c);
    const existing = sim.store.get('PodClique', key) as PodClique | undefined;
    if (existing) {
      if (followsTemplateInPlace(pcs, c)) patchGenerated(sim, 'PodClique', existing, labels, c.metadata.annotations, { ...c.spec, replicas: existing.spec.replicas });
      continue;
    }
    const owner = group ? sim.store.get('PodCliqueScalingGroup', `${ns}/${group}`) : undefined;
    sim.store.put('PodClique', { ...c, metadata: { ...c.metadata, labels, uid: sim.uid(), creationTimestamp: now, generation: 1, ownerReferences: [owner ? ownerRef(owner) : pcsRef] } });
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

/** The PodCliqueSet with no topologyConstraint at any level: what the gangs are built from with topology-aware scheduling off. */
function withoutTopologyConstraints(pcs: PodCliqueSet): PodCliqueSet {
  const { topologyConstraint: _pcs, ...template } = pcs.spec.template;
  return {
    ...pcs,
    spec: {
      ...pcs.spec,
      template: {
        ...template,
        cliques: (template.cliques ?? []).map(({ topologyConstraint: _c, ...c }) => c),
        ...(template.podCliqueScalingGroups ? { podCliqueScalingGroups: template.podCliqueScalingGroups.map(({ topologyConstraint: _g, ...g }) => g) } : {}),
      },
    },
  };
}

/** Patch labels, annotations and spec of a generated object when they differ (generation + 1, as the apiserver counts spec changes). */
function patchGenerated<T extends PodClique | PodCliqueScalingGroup>(sim: SimulatedCluster, kind: 'PodClique' | 'PodCliqueScalingGroup', existing: T, labels: Record<string, string> | undefined, annotations: Record<string, string> | undefined, spec: T['spec']): void {
  const specChanged = canonical(existing.spec) !== canonical(spec);
  if (!specChanged && canonical(existing.metadata.labels) === canonical(labels) && canonical(existing.metadata.annotations) === canonical(annotations)) return;
  const metadata = { ...existing.metadata, labels, annotations, generation: (existing.metadata.generation ?? 1) + (specChanged ? 1 : 0) };
  if (!annotations) delete metadata.annotations;
  if (!labels) delete metadata.labels;
  sim.store.put(kind, { ...existing, metadata, spec } as unknown as KubeObject);
}

function putStatus<T extends KubeObject>(sim: SimulatedCluster, kind: WatchedKind, object: T, status: unknown): T {
  return sim.store.put(kind, { ...object, status } as KubeObject) as T;
}

/**
 * Grove's processGenerationHashChange: the first hash is recorded (no update); a different one starts an
 * update (status.updateProgress reset, updatedReplicas 0; OnDelete ends it at once).
 */
function processGenerationHash(sim: SimulatedCluster, pcs: PodCliqueSet): PodCliqueSet {
  const hash = templateHashes(pcs).generation;
  const current = pcs.status?.currentGenerationHash;
  if (current === hash) return pcs;
  const status = { ...(pcs.status ?? { availableReplicas: 0, updatedReplicas: 0 }), currentGenerationHash: hash };
  if (current !== undefined) {
    const now = sim.timestamp();
    status.updateProgress = { updateStartedAt: now, ...(autoUpdate(pcs) ? {} : { updateEndedAt: now }) };
    status.updatedReplicas = 0;
  }
  return putStatus(sim, 'PodCliqueSet', pcs, status);
}

const replicaOf = (o: KubeObject) => o.metadata?.labels?.[LABEL_PCS_REPLICA_INDEX];
const standaloneCliqueCount = (pcs: PodCliqueSet) => (pcs.spec.template.cliques ?? []).filter((c) => !(pcs.spec.template.podCliqueScalingGroups ?? []).some((g) => g.cliqueNames?.includes(c.name))).length;

/** Grove's isPCLQUpdateComplete / isStandalonePCLQUpdated: template and generation hashes converged, minAvailable ready and updated. */
function podCliqueUpdated(pcs: PodCliqueSet, pclq: PodClique, status: PodCliqueStatus | undefined): boolean {
  const expected = expectedPodTemplateHash(pcs, pclq);
  const hash = pcs.status?.currentGenerationHash;
  const min = minAvailableOf(pclq);
  return (
    !!expected &&
    !!hash &&
    pclq.metadata.labels?.[LABEL_POD_TEMPLATE_HASH] === expected &&
    status?.currentPodTemplateHash === expected &&
    status.currentPodCliqueSetGenerationHash === hash &&
    (status.readyReplicas ?? 0) >= min &&
    (status.updatedReplicas ?? 0) >= min
  );
}

/** One step of the RollingRecreate update (podcliquesetreplica/rollingupdate.go orchestrateRollingUpdate and the PodClique / PCSG parts). */
function rollingUpdate(sim: SimulatedCluster, pcs: PodCliqueSet): PodCliqueSet {
  const ns = pcs.metadata.namespace ?? 'default';
  const pcsName = pcs.metadata.name ?? '';
  const hash = pcs.status!.currentGenerationHash!;
  const cliques = children<PodClique>(sim, 'PodClique', ns, pcsName);
  const groups = children<PodCliqueScalingGroup>(sim, 'PodCliqueScalingGroup', ns, pcsName);
  const replicaDone = (i: number) => {
    const standalone = cliques.filter((c) => replicaOf(c) === String(i) && !c.metadata.labels?.[LABEL_PCSG]);
    const pcsgs = groups.filter((g) => replicaOf(g) === String(i));
    return (
      standalone.filter((c) => podCliqueUpdated(pcs, c, c.status)).length === standaloneCliqueCount(pcs) &&
      pcsgs.filter((g) => g.status?.currentPodCliqueSetGenerationHash === hash).length === (pcs.spec.template.podCliqueScalingGroups ?? []).length
    );
  };
  const progress: UpdateProgress = structuredClone(pcs.status!.updateProgress!);
  const now = sim.timestamp();
  const current = progress.currentlyUpdating?.[0];
  let changed = false;
  // A replica scaled away while updating is left as Grove leaves it: it is no longer among the replicas.
  if (!current || current.replicaIndex >= (pcs.spec.replicas ?? 0) || replicaDone(current.replicaIndex)) {
    if (current && !current.updateEndedAt) current.updateEndedAt = now;
    // Next: a replica with no scheduled pods first, then by index (Grove also prefers breached replicas; gang termination is not simulated).
    const scheduled = (i: number) => (sim.store.all('Pod') as SimPod[]).filter((p) => p.metadata.namespace === ns && p.metadata.labels?.[LABEL_PART_OF] === pcsName && replicaOf(p) === String(i) && podBound(p)).length;
    const pending = Array.from({ length: pcs.spec.replicas ?? 0 }, (_, i) => i).filter((i) => i !== current?.replicaIndex && !replicaDone(i));
    pending.sort((a, b) => Number(scheduled(a) > 0) - Number(scheduled(b) > 0) || a - b);
    const next = pending[0];
    if (next === undefined) {
      progress.updateEndedAt = now;
      delete progress.currentlyUpdating;
    } else {
      progress.currentlyUpdating = [{ replicaIndex: next, updateStartedAt: now }];
      sim.event(pcs, 'Normal', 'RollingUpdate', `Updating PodCliqueSet replica ${next} to the new template`, OPERATOR);
    }
    changed = true;
  }
  if (changed) pcs = putStatus(sim, 'PodCliqueSet', pcs, { ...pcs.status, updateProgress: progress });
  const replica = progress.currentlyUpdating?.[0]?.replicaIndex;
  if (replica === undefined) return pcs;
  for (const c of cliques) if (replicaOf(c) === String(replica) && !c.metadata.labels?.[LABEL_PCSG]) updatePodCliquePods(sim, pcs, c);
  for (const g of groups) if (replicaOf(g) === String(replica)) updateScalingGroupReplicas(sim, pcs, g);
  return pcs;
}

/** OnDelete: each PodClique and scaling group records the new hash and ends its update at once (pods change when deleted by hand). */
function markOnDeleteUpdates(sim: SimulatedCluster, pcs: PodCliqueSet): void {
  const hash = pcs.status?.currentGenerationHash;
  if (!hash || !pcs.status?.updateProgress) return;
  const ns = pcs.metadata.namespace ?? 'default';
  const now = sim.timestamp();
  for (const c of children<PodClique>(sim, 'PodClique', ns, pcs.metadata.name ?? '')) {
    if (c.status?.updateProgress?.podCliqueSetGenerationHash === hash) continue;
    const podTemplateHash = expectedPodTemplateHash(pcs, c) ?? '';
    putStatus(sim, 'PodClique', c, { ...c.status, updatedReplicas: 0, updateProgress: { updateStartedAt: now, updateEndedAt: now, podCliqueSetGenerationHash: hash, podTemplateHash } });
  }
  for (const g of children<PodCliqueScalingGroup>(sim, 'PodCliqueScalingGroup', ns, pcs.metadata.name ?? '')) {
    if (g.status?.updateProgress?.podCliqueSetGenerationHash === hash) continue;
    putStatus(sim, 'PodCliqueScalingGroup', g, { ...g.status, updatedReplicas: 0, updateProgress: { updateStartedAt: now, updateEndedAt: now, podCliqueSetGenerationHash: hash } });
  }
}

const byCreation = (a: SimPod, b: SimPod) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || a.metadata.name.localeCompare(b.metadata.name);

/**
 * A standalone PodClique of the replica being updated (podclique reconcilespec processUpdate, then
 * pod/rollingupdate.go processPendingUpdates): old-template pods not ready go at once; ready ones one at
 * a time, the next only once the last is gone and as many new-template pods are ready, and only while
 * minAvailable pods are ready. The pods come back with the new template (reconcile fills the index).
 */
function updatePodCliquePods(sim: SimulatedCluster, pcs: PodCliqueSet, pclq: PodClique): void {
  const hash = pcs.status!.currentGenerationHash!;
  const expected = expectedPodTemplateHash(pcs, pclq);
  if (!expected) return;
  const now = sim.timestamp();
  let progress = pclq.status?.updateProgress;
  if (progress?.podCliqueSetGenerationHash !== hash) {
    progress = { updateStartedAt: now, podCliqueSetGenerationHash: hash, podTemplateHash: expected };
    pclq = putStatus(sim, 'PodClique', pclq, { ...pclq.status, updatedReplicas: 0, updateProgress: progress });
  }
  if (progress.updateEndedAt) return;
  const pods = sim.podsByClique(pclq.metadata.namespace ?? 'default').get(pclq.metadata.name ?? '') ?? [];
  const old = pods.filter((p) => p.metadata.labels?.[LABEL_POD_TEMPLATE_HASH] !== progress.podTemplateHash);
  const oldNotReady = old.filter((p) => !podReady(p));
  const oldReady = old.filter(podReady).sort(byCreation);
  for (const p of oldNotReady) sim.deleteTree('Pod', objectKey(p));
  if (oldNotReady.length > 0) sim.event(pclq, 'Normal', 'SuccessfulDelete', `Deleted pod${oldNotReady.length > 1 ? 's' : ''} of the old template: ${oldNotReady.map((p) => p.metadata.name).join(', ')}`, OPERATOR);
  const selected = progress.readyPodsSelectedToUpdate;
  if (selected?.current) {
    const newReady = pods.filter((p) => p.metadata.labels?.[LABEL_POD_TEMPLATE_HASH] === progress.podTemplateHash && podReady(p)).length;
    if (pods.some((p) => p.metadata.name === selected.current) || newReady < (selected.completed?.length ?? 0) + 1) return;
  }
  const next = oldReady[0];
  if (next) {
    if ((pclq.status?.readyReplicas ?? 0) < minAvailableOf(pclq)) return;
    const readyPodsSelectedToUpdate = { current: next.metadata.name, completed: [...(selected?.completed ?? []), ...(selected?.current ? [selected.current] : [])] };
    putStatus(sim, 'PodClique', pclq, { ...pclq.status, updateProgress: { ...progress, readyPodsSelectedToUpdate } });
    sim.deleteTree('Pod', objectKey(next));
    sim.event(pclq, 'Normal', 'SuccessfulDelete', `Deleted pod ${next.metadata.name} selected for rolling update`, OPERATOR);
    return;
  }
  const { readyPodsSelectedToUpdate: _done, ...ended } = progress;
  putStatus(sim, 'PodClique', pclq, { ...pclq.status, updateProgress: { ...ended, updateEndedAt: now } });
}

/**
 * A scaling group of the replica being updated (podcliquescalinggroup reconcilespec processUpdate, then
 * components/podclique/rollingupdate.go): old-template replicas pending or unavailable are deleted at
 * once; ready ones one at a time while the group keeps minAvailable; reconcile recreates their
 * PodCliques from the new template.
 */
function updateScalingGroupReplicas(sim: SimulatedCluster, pcs: PodCliqueSet, pcsg: PodCliqueScalingGroup): void {
  const hash = pcs.status!.currentGenerationHash!;
  const ns = pcsg.metadata.namespace ?? 'default';
  const now = sim.timestamp();
  let progress = pcsg.status?.updateProgress;
  if (progress?.podCliqueSetGenerationHash !== hash) {
    progress = { updateStartedAt: now, podCliqueSetGenerationHash: hash };
    pcsg = putStatus(sim, 'PodCliqueScalingGroup', pcsg, { ...pcsg.status, updatedReplicas: 0, updateProgress: progress });
  }
  if (progress.updateEndedAt) return;
  const members = (sim.store.all('PodClique') as PodClique[]).filter((c) => c.metadata.namespace === ns && c.metadata.labels?.[LABEL_PCSG] === pcsg.metadata.name);
  const replicaCliques = (j: number) => members.filter((c) => c.metadata.labels?.[LABEL_PCSG_REPLICA_INDEX] === String(j));
  const templateCurrent = (c: PodClique) => c.metadata.labels?.[LABEL_POD_TEMPLATE_HASH] === expectedPodTemplateHash(pcs, c);
  const selected = progress.readyReplicaIndicesSelectedToUpdate;
  const toDelete: number[] = [];
  const oldReady: number[] = [];
  for (let j = 0; j < pcsg.spec.replicas; j++) {
    const cl = replicaCliques(j);
    if ((selected && cl.length === 0) || selected?.current === j || cl.every(templateCurrent)) continue;
    const state = cl.some((c) => (c.status?.scheduledReplicas ?? 0) < minAvailableOf(c)) ? 'pending' : cl.some((c) => (c.status?.readyReplicas ?? 0) < minAvailableOf(c)) ? 'unavailable' : 'ready';
    (state === 'ready' ? oldReady : toDelete).push(j);
  }
  const deleteReplica = (j: number, why: string) => {
    const cl = replicaCliques(j);
    for (const c of cl) sim.deleteTree('PodClique', objectKey(c));
    if (cl.length > 0) sim.event(pcsg, 'Normal', 'SuccessfulDelete', `Deleted PodCliques ${cl.map((c) => c.metadata.name).join(', ')} (${why})`, OPERATOR);
  };
  for (const j of toDelete) deleteReplica(j, 'old template, not available');
  if (selected?.current !== undefined) {
    const cl = replicaCliques(selected.current);
    const complete =
      cl.length === pcsg.spec.cliqueNames.length &&
      cl.every((c) => templateCurrent(c) && c.status?.currentPodTemplateHash === expectedPodTemplateHash(pcs, c) && c.status?.currentPodCliqueSetGenerationHash === hash && (c.status?.updatedReplicas ?? 0) >= minAvailableOf(c) && (c.status?.readyReplicas ?? 0) >= minAvailableOf(c));
    if (!complete) return;
  }
  const next = oldReady[0];
  if (next !== undefined) {
    if ((pcsg.status?.availableReplicas ?? 0) < (pcsg.spec.minAvailable ?? 1)) return;
    const readyReplicaIndicesSelectedToUpdate = { current: next, completed: [...(selected?.completed ?? []), ...(selected?.current !== undefined ? [selected.current] : [])] };
    putStatus(sim, 'PodCliqueScalingGroup', pcsg, { ...pcsg.status, updateProgress: { ...progress, readyReplicaIndicesSelectedToUpdate } });
    deleteReplica(next, 'selected for rolling update');
    return;
  }
  const { readyReplicaIndicesSelectedToUpdate: _done, ...ended } = progress;
  putStatus(sim, 'PodCliqueScalingGroup', pcsg, { ...pcsg.status, updateProgress: { ...ended, updateEndedAt: now } });
}

/** One tick of the operator: the rolling updates under way move on, then every status is recomputed. */
export function operatorStep(sim: SimulatedCluster): void {
  for (const pcs of sim.store.all('PodCliqueSet') as PodCliqueSet[]) if (rollingUpdateInProgress(pcs)) reconcile(sim, objectKey(pcs));
  updateStatuses(sim);
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
      labels: podLabelsFor(pclq, labels),
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

/**
 * TopologyLevelsUnavailable as Grove computes it (podcliqueset/reconcilestatus.go
 * mutateTopologyLevelUnavailableConditions). Topology-aware scheduling on: False without constraints,
 * Unknown when the topologyName or its ClusterTopologyBinding is missing, True when a domain the
 * constraints name is not a level of the binding. Off: Unknown/TopologyAwareSchedulingDisabled when
 * constraints are there, else no condition at all.
 */
function topologyLevelsCondition(sim: SimulatedCluster, pcs: PodCliqueSet, bindings: Record<string, TopologyLevel[]>): Condition | undefined {
  const t = pcs.spec.template;
  const gen = pcs.metadata.generation;
  const at = (status: Condition['status'], reason: string, message: string) => condition(sim, pcs.status?.conditions, 'TopologyLevelsUnavailable', status, reason, message, gen);
  // Grove's order: the PodCliqueSet, its cliques, its scaling groups (the topologyName is looked for in PCS, groups, cliques).
  const constraints = [t.topologyConstraint, ...(t.cliques ?? []).map((c) => c.topologyConstraint), ...(t.podCliqueScalingGroups ?? []).map((g) => g.topologyConstraint)].filter((c): c is TopologyConstraint => !!c);
  if (!sim.topologyAwareScheduling) return constraints.length > 0 ? at('Unknown', 'TopologyAwareSchedulingDisabled', 'Topology constraints are defined but Topology Aware Scheduling is disabled') : undefined;
  if (constraints.length === 0) return at('False', 'AllClusterTopologyLevelsAvailable', 'No topology constraints defined');
  const topologyName = [t.topologyConstraint, ...(t.podCliqueScalingGroups ?? []).map((g) => g.topologyConstraint), ...(t.cliques ?? []).map((c) => c.topologyConstraint)].find((c) => c?.topologyName)?.topologyName;
  if (!topologyName) return at('Unknown', 'TopologyNameMissing', 'PodCliqueSet topology constraints must include topologyName');
  const levels = bindings[topologyName];
  if (!levels) return at('Unknown', 'ClusterTopologyNotFound', 'ClusterTopologyBinding resource not found');
  const domains = new Set<string>();
  for (const c of constraints) {
    const required = requiredDomain(c);
    const preferred = preferredDomain(c);
    if (required) domains.add(required);
    if (preferred && preferred !== required) domains.add(preferred);
  }
  const available = new Set(levels.map((l) => l.domain));
  const missing = [...domains].filter((d) => !available.has(d));
  if (missing.length > 0) return at('True', 'ClusterTopologyLevelsUnavailable', `Unavailable topology domains: [${missing.join(' ')}]`);
  return at('False', 'AllClusterTopologyLevelsAvailable', 'All topology levels are available');
}

/**
 * A PodClique's current hashes (podclique/reconcilestatus.go mutateCurrentHashes, on the counts of the
 * last status): taken from the finished update, or from the template when none ran, never while pods
 * are being replaced.
 */
function currentHashes(pcs: PodCliqueSet | undefined, pclq: PodClique): Pick<PodCliqueStatus, 'currentPodTemplateHash' | 'currentPodCliqueSetGenerationHash'> {
  const prev = pclq.status ?? {};
  const out = { currentPodTemplateHash: prev.currentPodTemplateHash, currentPodCliqueSetGenerationHash: prev.currentPodCliqueSetGenerationHash };
  if (updateRunning(pclq) || (prev.updatedReplicas ?? 0) !== (prev.replicas ?? 0)) return out;
  const progress = prev.updateProgress;
  if (!progress) {
    const expected = pcs ? expectedPodTemplateHash(pcs, pclq) : undefined;
    if (expected && (!prev.currentPodTemplateHash || prev.currentPodTemplateHash === expected)) return { currentPodTemplateHash: expected, currentPodCliqueSetGenerationHash: pcs?.status?.currentGenerationHash };
    return out;
  }
  return { currentPodTemplateHash: progress.podTemplateHash, currentPodCliqueSetGenerationHash: progress.podCliqueSetGenerationHash };
}

const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

export function updateStatuses(sim: SimulatedCluster): void {
  const idx = sim.snapshotIndex();
  const pcsOf = (o: KubeObject) => sim.store.get('PodCliqueSet', `${o.metadata?.namespace ?? 'default'}/${o.metadata?.labels?.[LABEL_PART_OF] ?? ''}`) as PodCliqueSet | undefined;
  const cliqueOk = new Map<string, { scheduled: boolean; available: boolean }>();
  const cliqueStatus = new Map<string, PodCliqueStatus>();
  for (const pclq of idx.cliques.values()) {
    const key = objectKey(pclq);
    const pods = idx.pods.get(key) ?? [];
    const min = minAvailableOf(pclq);
    const scheduled = pods.filter(podBound).length;
    const ready = pods.filter(podReady).length;
    const startedNotReady = pods.filter((p) => podStarted(p) && !podReady(p)).length;
    const prev = pclq.status?.conditions;
    const gen = pclq.metadata.generation;
    const hashes = currentHashes(pcsOf(pclq), pclq);
    // updatedReplicas: pods carrying the hash the update targets, else the current one (mutateUpdatedReplica).
    const target = pclq.status?.updateProgress?.podTemplateHash ?? hashes.currentPodTemplateHash;
    const updated = target ? pods.filter((p) => p.metadata.labels?.[LABEL_POD_TEMPLATE_HASH] === target).length : (pclq.status?.updatedReplicas ?? 0);
    // podclique/reconcilestatus.go computeMinAvailableBreachedCondition: nothing scheduled is no breach
    // (startup, or every pod lost: Grove suppresses gang termination, recreating would bring the same Pending pods).
    const readyOrStarting = scheduled - startedNotReady;
    const breached = updateRunning(pclq)
      ? condition(sim, prev, 'MinAvailableBreached', 'Unknown', 'UpdateInProgress', 'Update is in progress', gen)
      : scheduled < min
        ? scheduled === 0
          ? condition(sim, prev, 'MinAvailableBreached', 'False', 'InsufficientScheduledPods', `Scheduled replicas 0 (MinAvailable ${min}); gang termination suppressed to avoid recreating Pending pods against the same cluster state`, gen)
          : condition(sim, prev, 'MinAvailableBreached', 'True', 'ScheduledReplicasBelowMinAvailable', `Scheduled replicas (${scheduled}) below MinAvailable (${min})`, gen)
        : readyOrStarting < min
          ? condition(sim, prev, 'MinAvailableBreached', 'True', 'InsufficientReadyPods', `Insufficient ready or starting pods. expected at least: ${min}, found: ${readyOrStarting}`, gen)
          : condition(sim, prev, 'MinAvailableBreached', 'False', 'SufficientReadyPods', `Either sufficient ready or starting pods found. expected at least: ${min}, found: ${readyOrStarting}`, gen);
    const status: PodCliqueStatus = defined({
      observedGeneration: gen,
      replicas: pods.length,
      readyReplicas: ready,
      scheduledReplicas: scheduled,
      scheduleGatedReplicas: pods.filter(podGated).length,
      updatedReplicas: updated,
      ...(pclq.metadata.labels?.[LABEL_PCSG] ? {} : { hpaPodSelector: podCliqueSelector(pclq.metadata.labels?.[LABEL_PART_OF] ?? '', pclq.metadata.name ?? '') }),
      ...hashes,
      updateProgress: pclq.status?.updateProgress,
      conditions: [
        scheduled >= min
          ? condition(sim, prev, 'PodCliqueScheduled', 'True', 'SufficientScheduledPods', `Sufficient scheduled pods found. expected at least: ${min}, found: ${scheduled}`, gen)
          : condition(sim, prev, 'PodCliqueScheduled', 'False', 'InsufficientScheduledPods', `Insufficient scheduled pods. expected at least: ${min}, found: ${scheduled}`, gen),
        breached,
      ],
    });
    cliqueOk.set(key, { scheduled: scheduled >= min, available: scheduled >= min && ready >= min });
    cliqueStatus.set(key, status);
    putIfChanged(sim, 'PodClique', pclq, status);
  }

  const groupAvailable = new Map<string, boolean>();
  const groupHash = new Map<string, string | undefined>();
  for (const g of sim.store.all('PodCliqueScalingGroup') as PodCliqueScalingGroup[]) {
    const ns = g.metadata.namespace ?? 'default';
    const name = g.metadata.name ?? '';
    const pcs = pcsOf(g);
    const pcsHash = pcs?.status?.currentGenerationHash;
    const memberKey = (j: number, c: string) => `${ns}/${name}-${j}-${c}`;
    const member = (j: number, c: string) => idx.cliques.get(memberKey(j, c));
    // A member PodClique updated to the PodCliqueSet's hash (isPCSGChildPCLQUpdated).
    const memberUpdated = (j: number, c: string) => {
      const pclq = member(j, c);
      return !!pclq && !!pcs && podCliqueUpdated(pcs, pclq, cliqueStatus.get(memberKey(j, c)));
    };
    let scheduledReplicas = 0;
    let availableReplicas = 0;
    let updatedReplicas = 0;
    let breachedReplicas = 0;
    let updatedPodCliques = 0;
    for (let j = 0; j < g.spec.replicas; j++) {
      const members = g.spec.cliqueNames.map((c) => cliqueOk.get(memberKey(j, c)));
      const scheduled = members.every((m) => m?.scheduled);
      const available = scheduled && members.every((m) => m?.available);
      if (scheduled) scheduledReplicas++;
      if (available) availableReplicas++;
      if (available && g.spec.cliqueNames.every((c) => memberUpdated(j, c))) updatedReplicas++;
      updatedPodCliques += g.spec.cliqueNames.filter((c) => memberUpdated(j, c)).length;
      // A replica with any PodClique whose MinAvailableBreached is True (computeMinAvailableBreachedReplicas).
      if (g.spec.cliqueNames.some((c) => cliqueStatus.get(memberKey(j, c))?.conditions?.some((x) => x.type === 'MinAvailableBreached' && x.status === 'True'))) breachedReplicas++;
    }
    const min = g.spec.minAvailable ?? 1;
    const gen = g.metadata.generation;
    const prev = g.status?.conditions;
    groupAvailable.set(`${ns}/${name}`, availableReplicas >= min);
    // The group's generation hash once no update runs and every member converged (mutateCurrentPodCliqueSetGenerationHash).
    const converged = g.spec.cliqueNames.every((c) => Array.from({ length: g.spec.replicas }, (_, j) => j).every((j) => {
      const pclq = member(j, c);
      const st = cliqueStatus.get(memberKey(j, c));
      const expected = pcs && pclq ? expectedPodTemplateHash(pcs, pclq) : undefined;
      return !!expected && pclq!.metadata.labels?.[LABEL_POD_TEMPLATE_HASH] === expected && st?.currentPodTemplateHash === expected && st.currentPodCliqueSetGenerationHash === pcsHash;
    }));
    const currentPodCliqueSetGenerationHash = !updateRunning(g) && pcsHash && converged ? pcsHash : g.status?.currentPodCliqueSetGenerationHash;
    groupHash.set(`${ns}/${name}`, currentPodCliqueSetGenerationHash);
    // podcliquescalinggroup/reconcilestatus.go computeMinAvailableBreachedCondition.
    const available = scheduledReplicas - breachedReplicas;
    const breached = updateRunning(g)
      ? condition(sim, prev, 'MinAvailableBreached', 'Unknown', 'UpdateInProgress', 'Update is in progress', gen)
      : scheduledReplicas < min
        ? scheduledReplicas === 0
          ? condition(sim, prev, 'MinAvailableBreached', 'False', 'InsufficientScheduledPodCliqueScalingGroupReplicas', `Scheduled replicas 0 (MinAvailable ${min}); gang termination suppressed to avoid recreating Pending pods against the same cluster state`, gen)
          : condition(sim, prev, 'MinAvailableBreached', 'True', 'ScheduledReplicasBelowMinAvailable', `Scheduled replicas (${scheduledReplicas}) below MinAvailable (${min})`, gen)
        : available < min
          ? condition(sim, prev, 'MinAvailableBreached', 'True', 'InsufficientAvailablePodCliqueScalingGroupReplicas', `Insufficient PodCliqueScalingGroup ready replicas, expected at least: ${min}, found: ${available}`, gen)
          : condition(sim, prev, 'MinAvailableBreached', 'False', 'SufficientAvailablePodCliqueScalingGroupReplicas', `Sufficient PodCliqueScalingGroup ready replicas, expected at least: ${min}, found: ${available}`, gen);
    const progress = g.status?.updateProgress;
    putIfChanged(sim, 'PodCliqueScalingGroup', g, defined<PodCliqueScalingGroupStatus>({
      observedGeneration: gen,
      replicas: g.spec.replicas,
      scheduledReplicas,
      availableReplicas,
      updatedReplicas,
      selector: scalingGroupSelector(g.metadata.labels?.[LABEL_PART_OF] ?? '', name),
      currentPodCliqueSetGenerationHash,
      updateProgress: progress ? { ...progress, updatedPodCliquesCount: updatedPodCliques, totalPodCliquesCount: g.spec.replicas * g.spec.cliqueNames.length } : undefined,
      conditions: [breached],
    }));
  }

  const bindings = sim.topologyLevels();
  for (const pcs of sim.store.all('PodCliqueSet') as PodCliqueSet[]) {
    const name = pcs.metadata.name ?? '';
    const replicas = pcs.spec.replicas ?? 0;
    const expanded = sim.expansions.get(objectKey(pcs));
    const hash = pcs.status?.currentGenerationHash;
    let available = 0;
    let updated = 0;
    let updatedPodCliques = 0;
    let updatedGroups = 0;
    let totalPodCliques = 0;
    let totalGroups = 0;
    for (let i = 0; i < replicas; i++) {
      const cliques = expanded?.podCliques.filter((c) => c.metadata.labels?.[LABEL_PCS_REPLICA_INDEX] === String(i) && !c.metadata.labels?.[LABEL_PCSG]) ?? [];
      const groups = expanded?.scalingGroups.filter((g) => g.metadata.labels?.[LABEL_PCS_REPLICA_INDEX] === String(i)) ?? [];
      const isAvailable = cliques.every((c) => cliqueOk.get(objectKey(c))?.available) && groups.every((g) => groupAvailable.get(objectKey(g)));
      const cliquesUpdated = cliques.filter((c) => {
        const live = idx.cliques.get(objectKey(c));
        return !!live && podCliqueUpdated(pcs, live, cliqueStatus.get(objectKey(c)));
      }).length;
      const groupsUpdated = groups.filter((g) => !!hash && groupHash.get(objectKey(g)) === hash).length;
      totalPodCliques += cliques.length;
      totalGroups += groups.length;
      updatedPodCliques += cliquesUpdated;
      updatedGroups += groupsUpdated;
      if (isAvailable) available++;
      if (isAvailable && cliquesUpdated === cliques.length && groupsUpdated === groups.length) updated++;
    }
    const progress = pcs.status?.updateProgress;
    putIfChanged(sim, 'PodCliqueSet', pcs, defined({
      observedGeneration: pcs.metadata.generation,
      replicas,
      availableReplicas: available,
      updatedReplicas: updated,
      hpaPodSelector: podCliqueSetSelector(name),
      currentGenerationHash: hash,
      updateProgress: progress
        ? { ...progress, updatedPodCliquesCount: updatedPodCliques, totalPodCliquesCount: totalPodCliques, updatedPodCliqueScalingGroupsCount: updatedGroups, totalPodCliqueScalingGroupsCount: totalGroups }
        : undefined,
      conditions: [topologyLevelsCondition(sim, pcs, bindings)].filter((c) => c !== undefined),
    }));
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
