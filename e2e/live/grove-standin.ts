/**
 * A test-only stand-in for the Grove operator, for the browser tests against the real control plane.
 *
 * Why it exists: the Go module proxy refuses to serve Grove's modules (see e2e/fixtures/grove-release.ts),
 * so the real operator cannot be built here. Without it nothing turns a PodCliqueSet into pods, and
 * the pages that show a stack starting or scaling would have nothing to show. This loop does the
 * operator's object bookkeeping with Canopy's own expansion (lib/grove/expand-objects.ts, the code the
 * simulated cluster uses): PodCliqueScalingGroups, PodCliques, PodGangs and gated Pods with Grove's
 * names, labels and owner references; it lifts the scheduling gate once the PodGang exists, and keeps
 * the replica counts in each object's status. Everything else is real: the apiserver validates every
 * object, kube-scheduler binds the pods, KWOK runs them and marks them Ready, and the garbage
 * collector deletes what a deleted PodCliqueSet owned.
 *
 * Template changes roll out as the simulated operator rolls them out (Grove's RollingRecreate, or
 * OnDelete): existing standalone PodCliques are patched to the template with grove.io/pod-template-hash,
 * and each pass runs the simulator's own update and status bookkeeping (rolloutStep and updateStatuses
 * of server/sources/simulated-operator.ts) over the objects just listed, in a scratch simulated store,
 * then writes back what it changed: status patches and the deletions of old-template pods and
 * scaling-group replicas, which the next pass recreates from the new template.
 *
 * What it does not do (the real operator does): startup ordering (no grove-initc init container),
 * gang-aware scheduling (kube-scheduler places pods one by one), webhooks. Tests that use it must not
 * assert those.
 */
import type * as k8s from '@kubernetes/client-node';
import { KIND_INFO, objectKey, type WatchedKind } from '../../lib/cluster/kinds';
import { expandPodCliqueSet, type ExpandedObjects } from '../../lib/grove/expand-objects';
import { planPodCliqueSet } from '../../lib/grove/expand';
import {
  LABEL_PART_OF,
  LABEL_PCSG,
  LABEL_PCS_REPLICA_INDEX,
  LABEL_PODCLIQUE,
  LABEL_PODCLIQUE_POD_INDEX,
  LABEL_PODGANG,
  SCHEDULING_GATE_PODGANG_PENDING,
} from '../../lib/grove/labels';
import { isRecord, type KubeObject } from '../../lib/grove/meta';
import { headlessServiceName, podGenerateName, podHostname } from '../../lib/grove/naming';
import type { PodClique } from '../../lib/grove/podclique';
import type { PodCliqueSet } from '../../lib/grove/podcliqueset';
import type { TopologyLevel } from '../../lib/grove/clustertopologybinding';
import { kubeRequest } from '../../server/kube/request';
import { collectionPath, objectPath } from '../../server/kube/paths';
import { canonical, SimulatedCluster } from '../../server/sources/simulated-cluster';
import { followsTemplateInPlace, podCliqueLabelsWithHash, podLabelsFor, rolloutStep, updateStatuses } from '../../server/sources/simulated-operator';
import { ObjectStore } from '../../server/sources/simulated-store';

type Obj = KubeObject & { spec?: any; status?: any };

export interface GroveStandIn {
  stop(): Promise<void>;
}

const MERGE_PATCH = 'application/merge-patch+json';

export function startGroveStandIn(kubeConfig: k8s.KubeConfig, options: { intervalMs?: number; log?: (line: string) => void } = {}): GroveStandIn {
  const intervalMs = options.intervalMs ?? 250;
  const log = options.log ?? ((line: string) => console.error(`[grove-standin] ${line}`));
  let stopped = false;
  let lastError = '';
  const failing = new Set<string>();
  const list = async (kind: WatchedKind): Promise<Obj[]> => (await kubeRequest<{ items: Obj[] }>(kubeConfig, { method: 'GET', path: collectionPath(kind) })).items;
  const create = (kind: WatchedKind, object: Obj) =>
    kubeRequest(kubeConfig, { method: 'POST', path: collectionPath(kind, object.metadata?.namespace), body: { apiVersion: KIND_INFO[kind].apiVersion, kind, ...object } }).catch(ignoreConflict);
  const remove = (kind: WatchedKind, object: Obj) =>
    kubeRequest(kubeConfig, { method: 'DELETE', path: objectPath(kind, object.metadata?.namespace, object.metadata?.name ?? ''), body: { propagationPolicy: 'Background' } }).catch(ignoreNotFound);
  const patch = (kind: WatchedKind, object: Obj, body: unknown, subresource?: string) =>
    kubeRequest<Obj>(kubeConfig, { method: 'PATCH', path: objectPath(kind, object.metadata?.namespace, object.metadata?.name ?? '', subresource), body, contentType: MERGE_PATCH }).catch(ignoreNotFound);

  async function pass(): Promise<void> {
    const [sets, groups, cliques, gangs, pods, bindings] = await Promise.all([
      list('PodCliqueSet'),
      list('PodCliqueScalingGroup'),
      list('PodClique'),
      list('PodGang'),
      list('Pod'),
      list('ClusterTopologyBinding'),
    ]);
    const levelsOf = new Map(bindings.map((b) => [b.metadata?.name ?? '', (b.spec?.levels ?? []) as TopologyLevel[]]));
    const of = (items: Obj[], ns: string, pcs: string) => items.filter((o) => o.metadata?.namespace === ns && o.metadata?.labels?.[LABEL_PART_OF] === pcs);
    const expansions = new Map<string, ExpandedObjects>();
    for (const pcs of sets as PodCliqueSet[] & Obj[]) {
      if (pcs.metadata?.deletionTimestamp) continue;
      // One stack's failure (a spec the expansion refuses, a 422) must not stall the stacks after it.
      try {
        await reconcile(pcs);
      } catch (error) {
        const message = `${pcs.metadata.namespace}/${pcs.metadata.name}: ${(error as Error).message}`;
        if (!failing.has(message)) log(`reconcile failed (will retry): ${message}`);
        failing.add(message);
      }
    }
    await bookkeeping({ PodCliqueSet: sets, PodCliqueScalingGroup: groups, PodClique: cliques, PodGang: gangs, Pod: pods, ClusterTopologyBinding: bindings }, expansions);

    async function reconcile(pcs: PodCliqueSet & Obj): Promise<void> {
      const ns = pcs.metadata.namespace ?? 'default';
      const name = pcs.metadata.name ?? '';
      const liveGroups = of(groups, ns, name);
      const liveCliques = of(cliques, ns, name);
      const livePods = of(pods, ns, name).filter((p) => !p.metadata?.deletionTimestamp);
      const topologyName = planPodCliqueSet(pcs).topologyName;
      const levels = topologyName ? levelsOf.get(topologyName) : undefined;
      const want = expandPodCliqueSet(pcs, {
        scalingGroupReplicas: Object.fromEntries(liveGroups.map((g) => [g.metadata?.name ?? '', g.spec?.replicas ?? 1])),
        podCliqueReplicas: Object.fromEntries(liveCliques.map((c) => [c.metadata?.name ?? '', c.spec?.replicas ?? 0])),
        ...(levels ? { levels } : {}),
      });
      expansions.set(objectKey(pcs), want);
      const ref = (o: Obj) => ({ apiVersion: o.apiVersion ?? KIND_INFO[o.kind as WatchedKind].apiVersion, kind: o.kind ?? '', name: o.metadata?.name ?? '', uid: o.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true });
      const pcsRef = ref({ ...pcs, kind: 'PodCliqueSet' });

      // Remove what the expansion no longer has (a scale-down), then create what it lacks.
      const names = (xs: { metadata: { name?: string } }[]) => new Set(xs.map((x) => x.metadata.name));
      const [wantGroups, wantCliques, wantGangs] = [names(want.scalingGroups), names(want.podCliques), names(want.podGangs)];
      for (const g of liveGroups) if (!wantGroups.has(g.metadata?.name)) await remove('PodCliqueScalingGroup', g);
      for (const c of liveCliques) if (!wantCliques.has(c.metadata?.name)) await remove('PodClique', c);
      for (const g of of(gangs, ns, name)) if (!wantGangs.has(g.metadata?.name)) await remove('PodGang', g);
      for (const g of want.scalingGroups) if (!liveGroups.some((x) => x.metadata?.name === g.metadata.name)) await create('PodCliqueScalingGroup', { ...g, metadata: { ...g.metadata, ownerReferences: [pcsRef] } });
      for (const c of want.podCliques) {
        const labels = podCliqueLabelsWithHash(pcs, c);
        const index = liveCliques.findIndex((x) => x.metadata?.name === c.metadata.name);
        const existing = liveCliques[index];
        if (existing) {
          // CreateOrPatch as the simulator does it: the template's pod spec and hash, the live replicas kept.
          const from = { labels: existing.metadata?.labels, podSpec: existing.spec?.podSpec };
          if (followsTemplateInPlace(pcs, c) && canonical(from) !== canonical({ labels, podSpec: c.spec.podSpec })) {
            const patched = await patch('PodClique', existing, { metadata: { labels: mergePatchOf(from.labels, labels) }, spec: { podSpec: mergePatchOf(from.podSpec, c.spec.podSpec) } });
            if (patched) liveCliques[index] = patched; // its new pods take the new template in this pass
          }
          continue;
        }
        const group = liveGroups.find((g) => g.metadata?.name === c.metadata.labels?.[LABEL_PCSG]);
        if (c.metadata.labels?.[LABEL_PCSG] && !group) continue; // next pass, once its group exists
        await create('PodClique', { ...c, metadata: { ...c.metadata, labels, ownerReferences: [group ? ref({ ...group, kind: 'PodCliqueScalingGroup' }) : pcsRef] } });
      }

      // Pods per live PodClique: the lowest missing indices, the highest beyond spec.replicas removed.
      const podLabels = new Map(want.gangs.flatMap((g) => g.podGroups.flatMap((pg) => pg.pods.map((p) => [`${pg.name}/${p.podIndex}`, p.labels] as const))));
      for (const pclq of liveCliques as (PodClique & Obj)[]) {
        if (!wantCliques.has(pclq.metadata.name)) continue;
        const mine = livePods.filter((p) => p.metadata?.labels?.[LABEL_PODCLIQUE] === pclq.metadata.name);
        const index = (p: Obj) => Number(p.metadata?.labels?.[LABEL_PODCLIQUE_POD_INDEX] ?? -1);
        for (const p of mine) if (index(p) >= pclq.spec.replicas) await remove('Pod', p);
        const have = new Set(mine.map(index));
        for (let k = 0; k < pclq.spec.replicas; k++) {
          const labels = podLabels.get(`${pclq.metadata.name}/${k}`);
          if (have.has(k) || !labels) continue;
          const pcsIndex = Number(labels[LABEL_PCS_REPLICA_INDEX] ?? 0);
          await create('Pod', {
            metadata: { generateName: podGenerateName(pclq.metadata.name ?? ''), namespace: ns, labels: podLabelsFor(pclq, labels), ownerReferences: [ref({ ...pclq, kind: 'PodClique' })] },
            spec: {
              ...structuredClone(pclq.spec.podSpec),
              hostname: podHostname(pclq.metadata.name ?? '', k),
              subdomain: headlessServiceName(name, pcsIndex),
              terminationGracePeriodSeconds: 0,
              schedulingGates: [{ name: SCHEDULING_GATE_PODGANG_PENDING }],
            },
          } as Obj);
        }
      }

      // PodGangs naming the pods that exist; a pod's gate goes once its gang is there with every pod.
      const liveGangs = of(gangs, ns, name);
      for (const g of want.podGangs) {
        const spec = structuredClone(g.spec);
        let complete = true;
        for (const pg of spec.podgroups) {
          const members = livePods.filter((p) => p.metadata?.labels?.[LABEL_PODCLIQUE] === pg.name);
          pg.podReferences = members.map((p) => ({ namespace: ns, name: p.metadata?.name ?? '' })).sort((a, b) => (a.name < b.name ? -1 : 1));
          if (members.length < pg.minReplicas) complete = false;
        }
        const existing = liveGangs.find((x) => x.metadata?.name === g.metadata.name);
        if (!existing) await create('PodGang', { ...g, metadata: { ...g.metadata, ownerReferences: [pcsRef] }, spec });
        else if (JSON.stringify(existing.spec?.podgroups) !== JSON.stringify(spec.podgroups)) await patch('PodGang', existing, { spec: { podgroups: spec.podgroups } });
        if (!existing || !complete) continue;
        for (const p of livePods) {
          const gated = (p.spec?.schedulingGates ?? []).some((s: { name: string }) => s.name === SCHEDULING_GATE_PODGANG_PENDING);
          if (gated && p.metadata?.labels?.[LABEL_PODGANG] === g.metadata.name) await patch('Pod', p, { spec: { schedulingGates: null } });
        }
      }
    }
  }

  /**
   * The simulator's operator bookkeeping over what this pass listed: the rollout step of every
   * PodCliqueSet, then every status, computed in a scratch simulated store; written back as status merge
   * patches and deletions (the simulator's events stay in the scratch store).
   */
  async function bookkeeping(listed: Partial<Record<WatchedKind, Obj[]>>, expansions: Map<string, ExpandedObjects>): Promise<void> {
    const scratch = new SimulatedCluster(new ObjectStore(), Math.random, () => new Date(), 1_000);
    for (const [kind, items] of Object.entries(listed) as [WatchedKind, Obj[]][]) {
      for (const o of items) {
        if (o.metadata?.deletionTimestamp) continue;
        // The simulator reads a pod's conditions as a list; a pod just created may not have one yet.
        const object = kind === 'Pod' ? { ...o, status: { phase: 'Pending', ...o.status, conditions: o.status?.conditions ?? [] } } : o;
        scratch.store.put(kind, { apiVersion: KIND_INFO[kind].apiVersion, kind, ...object });
      }
    }
    for (const [key, expanded] of expansions) scratch.expansions.set(key, expanded);
    for (const pcs of scratch.store.all('PodCliqueSet') as PodCliqueSet[]) if (expansions.has(objectKey(pcs))) rolloutStep(scratch, pcs);
    updateStatuses(scratch);
    for (const kind of ['PodCliqueSet', 'PodCliqueScalingGroup', 'PodClique', 'PodGang', 'Pod'] as const) {
      for (const before of listed[kind] ?? []) {
        if (before.metadata?.deletionTimestamp) continue;
        const after = scratch.store.get(kind, objectKey(before)) as Obj | undefined;
        if (!after) await remove(kind, before);
        else if (kind !== 'Pod' && canonical(after.status) !== canonical(before.status)) await patch(kind, before, { status: mergePatchOf(before.status, after.status) }, 'status');
      }
    }
  }

  const loop = (async () => {
    while (!stopped) {
      try {
        await pass();
        lastError = '';
      } catch (error) {
        const message = (error as Error).message;
        if (message !== lastError) log(`reconcile failed (will retry): ${message}`);
        lastError = message;
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();

  return {
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

/** An RFC 7386 merge patch turning `from` into `to`: changed keys, and null for those `to` lacks. */
function mergePatchOf(from: unknown, to: unknown): unknown {
  if (!isRecord(from) || !isRecord(to)) return to ?? null;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(from)) if (to[k] === undefined) out[k] = null;
  for (const [k, v] of Object.entries(to)) if (v !== undefined && canonical(from[k]) !== canonical(v)) out[k] = mergePatchOf(from[k], v);
  return out;
}

/** Already there (409), or its namespace is going away with everything in it (403 "being terminated"). */
function ignoreConflict(error: unknown): void {
  const { status, message } = error as { status?: number; message?: string };
  if (status === 409 || (status === 403 && /being terminated/.test(message ?? ''))) return;
  throw error;
}

function ignoreNotFound(error: unknown): void {
  if ((error as { status?: number }).status === 404) return;
  throw error;
}
