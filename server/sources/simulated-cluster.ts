/**
 * What the four parts of the simulated cluster (apiserver, Grove operator, scheduler, kubelet) share:
 * the object store, the clock and the id generator, Events, the cascading delete, and the little
 * bookkeeping one part writes and another reads (the operator's last expansion per PodCliqueSet, the
 * PodGangs' queue order, the scheduler's last FailedScheduling reason, the kubelet's announcements).
 * Kept in one object so each part is a set of plain functions over it, and so a delete forgets every
 * part's notes about an object at once.
 */
import { objectKey, type WatchedKind } from '../../lib/cluster/kinds';
import type { TopologyLevel } from '../../lib/grove/clustertopologybinding';
import type { PodSpec } from '../../lib/grove/core';
import type { ExpandedObjects } from '../../lib/grove/expand-objects';
import { LABEL_PODCLIQUE, LABEL_PODCLIQUE_POD_INDEX } from '../../lib/grove/labels';
import { isRecord, type KubeObject, type ObjectMeta } from '../../lib/grove/meta';
import type { PodClique } from '../../lib/grove/podclique';
import { topologyInfoFromBinding } from '../../lib/topology/snapshot';
import type { ObjectStore } from './simulated-store';

// ---------------------------------------------------------------------------------------------
// Objects as the simulator keeps them

interface PodCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface SimPod extends KubeObject {
  apiVersion: 'v1';
  kind: 'Pod';
  metadata: ObjectMeta & { name: string; namespace: string; labels: Record<string, string> };
  spec: PodSpec & { hostname?: string; subdomain?: string };
  status: { phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed'; conditions: PodCondition[]; startTime?: string; hostIP?: string };
}

interface SimEvent extends KubeObject {
  apiVersion: 'v1';
  kind: 'Event';
  metadata: ObjectMeta & { name: string; namespace: string };
  involvedObject: { apiVersion?: string; kind: string; name: string; namespace?: string; uid?: string };
  reason: string;
  message: string;
  type: 'Normal' | 'Warning';
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
  source: { component: string };
  reportingComponent: string;
}

/** Pods of the store grouped by `ns/podclique`, plus PodCliques by key (see SimulatedCluster.snapshotIndex). */
export type CliqueIndex = { pods: Map<string, SimPod[]>; cliques: Map<string, PodClique> };

const K8S_NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789'; // apimachinery's rand.String alphabet
/** Event sources, as each part signs its Events. */
export const OPERATOR = 'grove-operator';
export const SCHEDULER = 'canopy-simulated-scheduler';
export const KUBELET = 'kubelet';

/** Canonical JSON (sorted keys) for "did anything change". */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isRecord(value)) {
    return `{${Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export const podReady = (p: SimPod) => p.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True');
export const podGated = (p: SimPod) => (p.spec.schedulingGates ?? []).length > 0;
export const podBound = (p: SimPod) => !!p.spec.nodeName;
export const podStarted = (p: SimPod) => p.status.phase === 'Running';
export const podIndex = (p: SimPod) => Number(p.metadata.labels?.[LABEL_PODCLIQUE_POD_INDEX] ?? '-1');
export const minAvailableOf = (pclq: PodClique) => pclq.spec.minAvailable ?? pclq.spec.replicas;

export class SimulatedCluster {
  /** Last expansion per PodCliqueSet key: the gangs the scheduler places. */
  readonly expansions = new Map<string, ExpandedObjects>();
  /** Last FailedScheduling reason per PodGang key (one Event per distinct reason, counted on repeats). */
  readonly failedReasons = new Map<string, string>();
  /** Namespaces applied by name (see applyNamespace in simulated-apiserver.ts). */
  readonly namespaces = new Map<string, KubeObject>();
  /** PodClique keys whose pods were announced as waiting for their parents. */
  readonly waitingAnnounced = new Set<string>();
  /** PodGang key → creation sequence (the scheduler's queue order). */
  readonly gangOrder = new Map<string, number>();
  gangSeq = 0;
  /**
   * Grove's operator config `topologyAwareScheduling.enabled` (OperatorConfiguration in the chart's
   * ConfigMap). The chart's default is false; the simulator runs with it on unless told otherwise
   * (SimulatedSourceOptions.topologyAwareScheduling), as Canopy's topology views assume.
   */
  topologyAwareScheduling = true;
  private eventSeq = 0;

  constructor(
    readonly store: ObjectStore,
    private readonly random: () => number,
    private readonly now: () => Date,
    private readonly maxEvents: number,
  ) {}

  timestamp(): string {
    return this.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  uid(): string {
    const hex = Array.from({ length: 32 }, () => Math.floor(this.random() * 16).toString(16));
    hex[12] = '4';
    hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
    const h = hex.join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  suffix(n = 5): string {
    return Array.from({ length: n }, () => K8S_NAME_ALPHABET[Math.floor(this.random() * K8S_NAME_ALPHABET.length)]).join('');
  }

  topologyLevels(): Record<string, TopologyLevel[]> {
    const out: Record<string, TopologyLevel[]> = {};
    for (const b of this.store.all('ClusterTopologyBinding')) {
      try {
        const t = topologyInfoFromBinding(b);
        out[t.name] = t.levels;
      } catch {
        /* skip */
      }
    }
    return out;
  }

  /** Deletes an object and everything that names it as owner, children first. */
  deleteTree(kind: WatchedKind, key: string): void {
    const object = this.store.get(kind, key);
    if (!object) return;
    const uid = object.metadata?.uid;
    if (uid) {
      for (const k of ['PodCliqueScalingGroup', 'PodClique', 'PodGang', 'Pod'] as const) {
        const children = this.store.all(k).filter((o) => o.metadata?.ownerReferences?.some((r) => r.uid === uid));
        children.sort((a, b) => (objectKey(b) < objectKey(a) ? -1 : 1)); // highest names (indices) first
        for (const c of children) this.deleteTree(k, objectKey(c));
      }
    }
    this.store.remove(kind, key);
    if (kind === 'PodGang') {
      this.failedReasons.delete(key);
      this.gangOrder.delete(key);
    }
    if (kind === 'PodClique') this.waitingAnnounced.delete(key);
  }

  event(involved: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, component: string): void {
    const ns = involved.metadata?.namespace ?? 'default';
    const name = `${involved.metadata?.name ?? 'unknown'}.${(++this.eventSeq).toString(16).padStart(8, '0')}${this.suffix(4)}`;
    const now = this.timestamp();
    const ev: SimEvent = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: ns, uid: this.uid(), creationTimestamp: now },
      involvedObject: {
        ...(involved.apiVersion ? { apiVersion: involved.apiVersion } : {}),
        kind: involved.kind ?? '',
        name: involved.metadata?.name ?? '',
        ...(involved.metadata?.namespace ? { namespace: involved.metadata.namespace } : {}),
        ...(involved.metadata?.uid ? { uid: involved.metadata.uid } : {}),
      },
      reason,
      message,
      type,
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      source: { component },
      reportingComponent: component,
    };
    this.store.put('Event', ev);
    if (this.store.count('Event') > this.maxEvents) {
      const oldest = [...this.store.all('Event')].sort((a, b) => Number(a.metadata?.resourceVersion) - Number(b.metadata?.resourceVersion));
      for (const e of oldest.slice(0, this.store.count('Event') - this.maxEvents)) this.store.remove('Event', objectKey(e));
    }
  }

  podsByClique(ns?: string): Map<string, SimPod[]> {
    const out = new Map<string, SimPod[]>();
    for (const p of this.store.all('Pod') as SimPod[]) {
      if (ns !== undefined && p.metadata.namespace !== ns) continue;
      const c = p.metadata.labels?.[LABEL_PODCLIQUE];
      if (!c) continue;
      const key = ns === undefined ? `${p.metadata.namespace}/${c}` : c;
      const list = out.get(key);
      if (list) list.push(p);
      else out.set(key, [p]);
    }
    return out;
  }

  /** Pods of the store grouped by `ns/podclique`, plus PodCliques by key. */
  snapshotIndex(): CliqueIndex {
    const pods = this.podsByClique();
    const cliques = new Map<string, PodClique>();
    for (const c of this.store.all('PodClique') as PodClique[]) cliques.set(objectKey(c), c);
    return { pods, cliques };
  }
}
