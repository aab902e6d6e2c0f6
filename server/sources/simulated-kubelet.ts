/**
 * The simulated kubelet (with the part of the operator that lifts scheduling gates): a gated pod is
 * ungated once its PodGang references it (and a scaled gang's base gang is scheduled, §11); a bound pod
 * starts once its startup-order parents have ≥ minAvailable Ready pods (what grove-initc waits for), then
 * turns Ready. Each pod moves at most one step per tick, so a person can watch it.
 */
import { objectKey } from '../../lib/cluster/kinds';
import { LABEL_BASE_PODGANG, LABEL_PODCLIQUE, LABEL_PODGANG, SCHEDULING_GATE_PODGANG_PENDING } from '../../lib/grove/labels';
import { isRecord } from '../../lib/grove/meta';
import type { PodGang } from '../../lib/grove/podgang';
import { KUBELET, minAvailableOf, podBound, podGated, podReady, type CliqueIndex, type SimPod, type SimulatedCluster } from './simulated-cluster';

function cliqueCounts(idx: CliqueIndex, key: string) {
  const pods = idx.pods.get(key) ?? [];
  return { ready: pods.filter(podReady).length, scheduled: pods.filter(podBound).length };
}

/** A PodGang is scheduled when each of its PodCliques has ≥ minAvailable scheduled pods (§11). */
function gangScheduled(idx: CliqueIndex, gang: PodGang): boolean {
  const ns = gang.metadata.namespace ?? 'default';
  return gang.spec.podgroups.every((pg) => cliqueCounts(idx, `${ns}/${pg.name}`).scheduled >= pg.minReplicas);
}

/** Ungate, start and ready pods: each pod moves at most one step, judged on the state at the start of the tick. */
export function kubeletStep(sim: SimulatedCluster): void {
  const idx = sim.snapshotIndex();
  const gangs = new Map<string, PodGang>();
  for (const g of sim.store.all('PodGang') as PodGang[]) gangs.set(objectKey(g), g);
  const now = sim.timestamp();
  const updates: SimPod[] = [];
  const waiting = new Map<string, string[]>();
  for (const original of sim.store.all('Pod') as SimPod[]) {
    if (!isRecord(original.spec) || !original.status || !Array.isArray(original.status.conditions)) continue;
    if (original.status.phase === 'Succeeded' || original.status.phase === 'Failed') continue;
    const ns = original.metadata.namespace;
    if (podGated(original)) {
      if (!original.spec.schedulingGates?.every((g) => g.name === SCHEDULING_GATE_PODGANG_PENDING)) continue;
      const gang = gangs.get(`${ns}/${original.metadata.labels?.[LABEL_PODGANG] ?? ''}`);
      if (!gang) continue;
      const referenced = gang.spec.podgroups.some((pg) => pg.podReferences.some((r) => r.name === original.metadata.name));
      if (!referenced) continue;
      const base = original.metadata.labels?.[LABEL_BASE_PODGANG];
      if (base) {
        const baseGang = gangs.get(`${ns}/${base}`);
        if (!baseGang || !gangScheduled(idx, baseGang)) continue;
      }
      const p = structuredClone(original);
      delete p.spec.schedulingGates;
      p.status.conditions = p.status.conditions.filter((c) => c.type !== 'PodScheduled');
      p.status.conditions.push({ type: 'PodScheduled', status: 'False', reason: 'Pending', message: 'waiting for the gang scheduler', lastTransitionTime: now });
      updates.push(p);
      continue;
    }
    if (!podBound(original)) continue;
    if (original.status.phase === 'Pending') {
      const pclq = idx.cliques.get(`${ns}/${original.metadata.labels?.[LABEL_PODCLIQUE] ?? ''}`);
      const parents = pclq?.spec.startsAfter ?? [];
      const unmet = parents.filter((parent) => {
        const pc = idx.cliques.get(`${ns}/${parent}`);
        return !pc || cliqueCounts(idx, `${ns}/${parent}`).ready < minAvailableOf(pc);
      });
      if (unmet.length > 0) {
        if (pclq) waiting.set(objectKey(pclq), unmet);
        if (original.status.conditions.some((c) => c.type === 'Initialized')) continue;
        const p = structuredClone(original);
        p.status.conditions.push({ type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: `containers with incomplete status: [grove-initc] (waiting for ${unmet.join(', ')})`, lastTransitionTime: now });
        updates.push(p);
        continue;
      }
      const p = structuredClone(original);
      p.status.phase = 'Running';
      p.status.startTime = now;
      p.status.conditions = p.status.conditions.filter((c) => c.type === 'PodScheduled');
      p.status.conditions.push(
        { type: 'Initialized', status: 'True', lastTransitionTime: now },
        { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', lastTransitionTime: now },
        { type: 'Ready', status: 'False', reason: 'ContainersNotReady', lastTransitionTime: now },
      );
      updates.push(p);
      continue;
    }
    if (original.status.phase === 'Running' && !podReady(original)) {
      const p = structuredClone(original);
      p.status.conditions = p.status.conditions.map((c) => (c.type === 'Ready' || c.type === 'ContainersReady' ? { type: c.type, status: 'True', lastTransitionTime: now } : c));
      updates.push(p);
    }
  }
  for (const p of updates) sim.store.put('Pod', p);
  for (const [key, unmet] of waiting) {
    if (sim.waitingAnnounced.has(key)) continue;
    sim.waitingAnnounced.add(key);
    const pclq = idx.cliques.get(key);
    if (pclq) sim.event(pclq, 'Normal', 'WaitingForParents', `Pods wait for ${unmet.join(', ')} to have their minimum of ready pods (startup order)`, KUBELET);
  }
}
