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
 * What it does not do (the real operator does): startup ordering (no grove-initc init container),
 * rolling updates, gang-aware scheduling (kube-scheduler places pods one by one), webhooks. Tests that
 * use it must not assert those.
 */
import type * as k8s from '@kubernetes/client-node';
import { KIND_INFO, type WatchedKind } from '../../lib/cluster/kinds';
import { expandPodCliqueSet } from '../../lib/grove/expand-objects';
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
import type { KubeObject } from '../../lib/grove/meta';
import { headlessServiceName, podGenerateName, podHostname } from '../../lib/grove/naming';
import type { PodClique } from '../../lib/grove/podclique';
import type { PodCliqueSet } from '../../lib/grove/podcliqueset';
import type { TopologyLevel } from '../../lib/grove/clustertopologybinding';
import { kubeRequest } from '../../server/kube/request';
import { collectionPath, objectPath } from '../../server/kube/paths';

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
    kubeRequest(kubeConfig, { method: 'PATCH', path: objectPath(kind, object.metadata?.namespace, object.metadata?.name ?? '', subresource), body, contentType: MERGE_PATCH }).catch(ignoreNotFound);

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
        if (liveCliques.some((x) => x.metadata?.name === c.metadata.name)) continue;
        const group = liveGroups.find((g) => g.metadata?.name === c.metadata.labels?.[LABEL_PCSG]);
        if (c.metadata.labels?.[LABEL_PCSG] && !group) continue; // next pass, once its group exists
        await create('PodClique', { ...c, metadata: { ...c.metadata, ownerReferences: [group ? ref({ ...group, kind: 'PodCliqueScalingGroup' }) : pcsRef] } });
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
            metadata: { generateName: podGenerateName(pclq.metadata.name ?? ''), namespace: ns, labels: { ...labels }, ownerReferences: [ref({ ...pclq, kind: 'PodClique' })] },
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

      // Replica counts in status, as the pages read them.
      const ready = (p: Obj) => (p.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True');
      const cliqueOk = new Map<string, boolean>();
      for (const pclq of liveCliques) {
        const mine = livePods.filter((p) => p.metadata?.labels?.[LABEL_PODCLIQUE] === pclq.metadata?.name);
        const readyCount = mine.filter(ready).length;
        const min = pclq.spec?.minAvailable ?? pclq.spec?.replicas ?? 0;
        cliqueOk.set(pclq.metadata?.name ?? '', readyCount >= min);
        const status = {
          replicas: mine.length,
          readyReplicas: readyCount,
          scheduledReplicas: mine.filter((p) => p.spec?.nodeName).length,
          scheduleGatedReplicas: mine.filter((p) => (p.spec?.schedulingGates ?? []).length > 0).length,
        };
        if (changed(pclq.status, status)) await patch('PodClique', pclq, { status }, 'status');
      }
      const groupOk = new Map<string, boolean>();
      for (const g of liveGroups) {
        const replicas = g.spec?.replicas ?? 1;
        let available = 0;
        for (let j = 0; j < replicas; j++) if ((g.spec?.cliqueNames ?? []).every((c: string) => cliqueOk.get(`${g.metadata?.name}-${j}-${c}`))) available++;
        groupOk.set(g.metadata?.name ?? '', available >= (g.spec?.minAvailable ?? 1));
        const status = { replicas, availableReplicas: available };
        if (changed(g.status, status)) await patch('PodCliqueScalingGroup', g, { status }, 'status');
      }
      let available = 0;
      for (let i = 0; i < (pcs.spec.replicas ?? 0); i++) {
        const at = (o: { metadata?: { labels?: Record<string, string> } }) => o.metadata?.labels?.[LABEL_PCS_REPLICA_INDEX] === String(i);
        const standalone = want.podCliques.filter((c) => at(c) && !c.metadata.labels?.[LABEL_PCSG]);
        const groupsAt = want.scalingGroups.filter(at);
        if (standalone.every((c) => cliqueOk.get(c.metadata.name ?? '')) && groupsAt.every((g) => groupOk.get(g.metadata.name ?? ''))) available++;
      }
      const status = { replicas: pcs.spec.replicas ?? 0, availableReplicas: available, updatedReplicas: pcs.spec.replicas ?? 0 };
      if (changed(pcs.status, status)) await patch('PodCliqueSet', pcs, { status }, 'status');
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

function changed(current: Record<string, unknown> | undefined, want: Record<string, unknown>): boolean {
  return Object.entries(want).some(([k, v]) => current?.[k] !== v);
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
