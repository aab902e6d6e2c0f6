/**
 * The simulated scheduler: PodGangs placed with lib/placement on the ClusterState built from the stored
 * Nodes and Pods (lib/topology/snapshot.ts), as the gang's scheduler would (API-NOTES §13): a
 * kai-scheduler gang's minimum (each PodGroup's minReplicas) whole, with its topology constraints, or
 * not at all, and its pods beyond the minimum as they fit; a default-scheduler gang pod by pod,
 * constraints ignored. The new pods of a gang that runs already join the required domains its running
 * pods occupy (lib/placement/pin.ts, as the scale preview), and its running pods count toward its
 * minimum: only what they lack of it is all-or-nothing. What does not fit stays Pending with a
 * FailedScheduling Event carrying the engine's reason (or the domain to join).
 */
import { objectKey } from '../../lib/cluster/kinds';
import type { ClusterState, NodeInfo, PodInfo, TopologyInfo } from '../../lib/cluster/state';
import { podSchedulingRequirements } from '../../lib/grove/expand';
import type { ExpandedGang, ExpandedPodGroup } from '../../lib/grove/gang';
import { LABEL_PART_OF, LABEL_PODGANG } from '../../lib/grove/labels';
import { isRecord } from '../../lib/grove/meta';
import type { PodGang } from '../../lib/grove/podgang';
import { placeGangs } from '../../lib/placement';
import { pinning, pinsRunningGang, type Pin } from '../../lib/placement/pin';
import { optionalReasonWithoutPod } from '../../lib/placement/plan';
import { inKeyOrder, nodeInfoFromNode, podInfoFromPod, topologyInfoFromBinding } from '../../lib/topology/snapshot';
import { SCHEDULER, podBound, podGated, type SimPod, type SimulatedCluster } from './simulated-cluster';

/**
 * The ClusterState placement sees: stored Nodes, Pods and ClusterTopologyBindings, through
 * lib/topology/snapshot, in key order (inKeyOrder, as a preview reads the list), not the store's
 * insertion order: placeGangs breaks ties by input order, so another order would bind a stack
 * elsewhere than its preview showed.
 */
export function clusterState(sim: SimulatedCluster): ClusterState {
  const nodes: NodeInfo[] = [];
  for (const n of sim.store.all('Node')) {
    try {
      nodes.push(nodeInfoFromNode(n));
    } catch {
      /* a malformed node is not schedulable */
    }
  }
  const pods: PodInfo[] = [];
  for (const p of sim.store.all('Pod')) {
    try {
      pods.push(podInfoFromPod(p));
    } catch {
      /* skip */
    }
  }
  const topologies: TopologyInfo[] = [];
  for (const b of sim.store.all('ClusterTopologyBinding')) {
    try {
      topologies.push(topologyInfoFromBinding(b));
    } catch {
      /* skip */
    }
  }
  return inKeyOrder({ nodes, pods, topologies });
}

/** Place every gang that has ungated, unbound pods, in PodGang creation order, with lib/placement. */
export function schedulerStep(sim: SimulatedCluster): void {
  const all = (sim.store.all('Pod') as SimPod[]).filter((p) => isRecord(p.spec) && p.status && Array.isArray(p.status.conditions) && !podGated(p) && !podBound(p) && p.status.phase === 'Pending');
  if (all.length === 0) return;
  const candidates = all.filter((p) => p.metadata.labels?.[LABEL_PODGANG]);
  // Pods outside any PodGang (applied by hand, or pending in a snapshot): one-pod gangs, after the PodGangs.
  const loners = all.filter((p) => !p.metadata.labels?.[LABEL_PODGANG]);
  const byHost = new Map<string, SimPod>();
  for (const p of candidates) byHost.set(`${p.metadata.namespace}/${p.spec.hostname ?? ''}`, p);
  // Creation order, as a queue-less gang scheduler would take them.
  const order = (g: PodGang) => sim.gangOrder.get(objectKey(g)) ?? Number.MAX_SAFE_INTEGER;
  const gangObjects = (sim.store.all('PodGang') as PodGang[]).slice().sort((a, b) => order(a) - order(b));
  const state = clusterState(sim);
  const runningGangs = pinning(state);
  const gangs: ExpandedGang[] = [];
  /** Per gang of `gangs`: the running domains its new pods are pinned to (for the reason when they do not fit). */
  const pins: Pin[][] = [];
  for (const obj of gangObjects) {
    const ns = obj.metadata.namespace ?? 'default';
    const pcsKey = `${ns}/${obj.metadata.labels?.[LABEL_PART_OF] ?? ''}`;
    const found = sim.expansions.get(pcsKey)?.gangs.find((g) => g.name === obj.metadata.name);
    if (!found) continue;
    // A scaled gang's pods are ungated only once its base gang is scheduled (kubeletStep, §11): that
    // wait is over, so the base gang's own pods still pending (beyond its minimum, or pinned and not
    // fitting) must not hold the scaled gang back, as placeGangs would for a base gang in the same call.
    const { baseGang: _ungated, ...expanded } = found;
    // What the real pods ask for: after a template change the PodClique (and so its pods) may differ
    // from today's expansion of the PodCliqueSet.
    const waiting = (pg: ExpandedPodGroup) =>
      pg.pods.flatMap((p) => {
        const real = byHost.get(`${ns}/${p.name}`);
        return real ? [{ ...p, requests: podInfoFromPod(real).requests, scheduling: podSchedulingRequirements(real.spec) }] : [];
      });
    if (runningGangs.running(ns, expanded.name).length > 0) {
      // A gang placed before only adds its new pods: together only those its running pods lack of each
      // minimum, the rest as they fit, and under a gang scheduler inside the required domains where
      // the gang already runs.
      const increment = runningGangs.increment(expanded, waiting, { pin: pinsRunningGang(expanded) });
      if (!increment) continue;
      gangs.push(increment.gang);
      pins.push(increment.pins);
      continue;
    }
    const podGroups = expanded.podGroups.map((pg) => ({ ...pg, pods: waiting(pg) })).filter((pg) => pg.pods.length > 0).map((pg) => ({ ...pg, minReplicas: Math.min(pg.minReplicas, pg.pods.length) }));
    if (podGroups.length === 0) continue;
    const names = new Set(podGroups.map((pg) => pg.name));
    gangs.push({ ...expanded, podGroups, groupConfigs: expanded.groupConfigs.map((c) => ({ ...c, podGroupNames: c.podGroupNames.filter((n) => names.has(n)) })).filter((c) => c.podGroupNames.length > 0) });
    pins.push([]);
  }
  const grouped = gangs.length;
  for (const p of loners) {
    let requests;
    try {
      requests = podInfoFromPod(p).requests;
    } catch {
      continue;
    }
    const ns = p.metadata.namespace;
    const pod = { name: p.metadata.name, namespace: ns, podIndex: 0, podClique: p.metadata.name, clique: p.metadata.name, labels: { ...p.metadata.labels }, requests, scheduling: podSchedulingRequirements(p.spec) };
    gangs.push({ name: p.metadata.name, namespace: ns, podCliqueSet: '', pcsIndex: 0, base: true, groupConfigs: [], podGroups: [{ name: p.metadata.name, clique: p.metadata.name, minReplicas: 1, pods: [pod] }], labels: {} });
  }
  if (gangs.length === 0) return;
  const plan = placeGangs(state, gangs, { bySchedulerName: true });
  const now = sim.timestamp();
  plan.gangs.forEach((placement, i) => {
    const gang = gangs[i]!;
    const g = runningGangs.explain(placement, pins[i]);
    const loner = i >= grouped ? loners[i - grouped] : undefined;
    const lookup = (name: string) => (loner ? loner : byHost.get(`${gang.namespace}/${name}`));
    const gangKey = `${gang.namespace}/${gang.name}`;
    const gangObject = loner ?? sim.store.get('PodGang', gangKey);
    // A gang scheduler binds the whole gang or nothing; kube-scheduler binds each pod that fits.
    if (g.placed || g.independent) {
      if (g.placed) sim.failedReasons.delete(gangKey);
      for (const pp of g.pods) {
        const pod = lookup(pp.name);
        if (!pod) continue;
        const p = structuredClone(pod);
        p.spec.nodeName = pp.node;
        p.status.conditions = p.status.conditions.filter((c) => c.type !== 'PodScheduled');
        p.status.conditions.push({ type: 'PodScheduled', status: 'True', lastTransitionTime: now });
        sim.store.put('Pod', p);
      }
      if (gangObject && g.pods.length > 0) {
        const nodes = [...new Set(g.pods.map((p) => p.node))];
        const where = Object.entries(g.domains).map(([k, v]) => `${k}=${v}`).join(', ');
        sim.event(gangObject, 'Normal', 'Scheduled', `Placed ${g.pods.length} pod${g.pods.length > 1 ? 's' : ''} on ${nodes.length} node${nodes.length > 1 ? 's' : ''}${where ? ` (${where})` : ''}`, SCHEDULER);
      }
      const optional = g.unplacedOptionalPods ?? [];
      // The pod is named by the condition it lands on; a generic reason when the engine gave none.
      const why = optionalReasonWithoutPod(g) ?? 'a pod beyond the gang minimum did not fit next to its gang';
      for (const name of optional) markUnschedulable(sim, lookup(name), why, now);
    }
    if (!g.placed) {
      const reason = g.reason ?? 'the gang does not fit';
      const pending = g.independent ? (g.unplacedPods ?? []) : gang.podGroups.flatMap((pg) => pg.pods.map((p) => p.name));
      for (const name of pending) markUnschedulable(sim, lookup(name), reason, now);
      const reasonKey = loner ? `pod:${gangKey}` : gangKey;
      if (gangObject && sim.failedReasons.get(reasonKey) !== reason) {
        sim.failedReasons.set(reasonKey, reason);
        sim.event(gangObject, 'Warning', 'FailedScheduling', reason, SCHEDULER);
      }
    }
  });
}

function markUnschedulable(sim: SimulatedCluster, pod: SimPod | undefined, message: string, now: string): void {
  if (!pod) return;
  const cur = pod.status.conditions.find((c) => c.type === 'PodScheduled');
  if (cur && cur.reason === 'Unschedulable' && cur.message === message) return;
  const p = structuredClone(pod);
  p.status.conditions = p.status.conditions.filter((c) => c.type !== 'PodScheduled');
  p.status.conditions.push({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastTransitionTime: now });
  sim.store.put('Pod', p);
}
