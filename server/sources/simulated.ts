/**
 * SimulatedSource: an in-memory cluster behind the ClusterSource interface — the zero-setup default and
 * the demo. It plays four parts, each as small as it can be:
 *   - apiserver: an object store per kind with a global resourceVersion, paginated lists, watches from a
 *     resourceVersion (`gone` once it falls out of the retained history), apply with the webhook's checks
 *     (lib/grove/validate) and a field diff, Namespaces kept by name, delete with cascading through
 *     ownerReferences, /scale; nothing beyond the pod budget of lib/cluster/limits.ts is built;
 *   - Grove operator: a PodCliqueSet expands with lib/grove/expand-objects (the same code the previews
 *     use) into PodCliques, PodCliqueScalingGroups, PodGangs and pods with the operator's names and
 *     labels; statuses kept as API-NOTES §9 describes;
 *   - scheduler: PodGangs placed with lib/placement on the ClusterState built from the stored Nodes and
 *     Pods (lib/topology/snapshot.ts), as the gang's scheduler would (API-NOTES §13): a kai-scheduler
 *     gang whole, with its topology constraints, or not at all; a default-scheduler gang pod by pod,
 *     constraints ignored (kube-scheduler has neither gangs nor topology). The new pods of a gang that
 *     runs already (beyond a minimum, or added by a scale) join the required domains its running pods
 *     occupy under a gang scheduler (lib/placement/pin.ts, as the scale preview). What does not fit
 *     stays Pending with a FailedScheduling Event carrying the engine's reason (or the domain to join);
 *   - kubelet: scheduled → running (after the startup-order parents have ≥ minAvailable Ready pods, what
 *     grove-initc waits for) → ready.
 * Each pod moves at most one step per tick (gated → ungated → scheduled → running → ready), so a person
 * can watch it; `tickMs: 0` turns the timer off and tests drive it with step()/settle().
 *
 * Left out on purpose: rolling updates of existing PodCliques when a PodCliqueSet's template changes
 * (new PodCliques get the new template), gang termination, HPAs, node failures, preemption.
 */
import { mulberry32 } from '../../lib/random';
import { WATCHED_KINDS, objectKey, type ScalableKind, type WatchedKind } from '../../lib/cluster/kinds';
import type { ClusterState, NodeInfo, PodInfo, TopologyInfo } from '../../lib/cluster/state';
import { diffObjects } from '../../lib/cluster/diff';
import { fieldPath } from '../../lib/cluster/fieldPath';
import { REPLICAS_RANGE, isReplicaCount, podCliqueSetPodBudgetRefusal, scalePodBudgetRefusal } from '../../lib/cluster/limits';
import type { TopologyLevel } from '../../lib/grove/clustertopologybinding';
import type { PodSpec } from '../../lib/grove/core';
import { planPodCliqueSet, podSchedulingRequirements } from '../../lib/grove/expand';
import { expandPodCliqueSet, type ExpandedObjects } from '../../lib/grove/expand-objects';
import type { ExpandedGang, ExpandedPodGroup } from '../../lib/grove/gang';
import {
  LABEL_MANAGED_BY,
  LABEL_MANAGED_BY_VALUE,
  LABEL_BASE_PODGANG,
  LABEL_PART_OF,
  LABEL_PCS_REPLICA_INDEX,
  LABEL_PCSG,
  LABEL_PCSG_REPLICA_INDEX,
  LABEL_PODCLIQUE,
  LABEL_PODCLIQUE_POD_INDEX,
  LABEL_PODGANG,
  SCHEDULING_GATE_PODGANG_PENDING,
  podCliqueSelector,
  podCliqueSetSelector,
  scalingGroupSelector,
} from '../../lib/grove/labels';
import { dns1123LabelError, isRecord, pointerSegments, type Condition, type KubeObject, type ObjectMeta } from '../../lib/grove/meta';
import { headlessServiceName, podGenerateName, podHostname } from '../../lib/grove/naming';
import { scalingGroupOfPodClique, scalingGroupRefusal, type PodClique } from '../../lib/grove/podclique';
import { defaultPodCliqueSet, type PodCliqueSet } from '../../lib/grove/podcliqueset';
import type { PodCliqueScalingGroup } from '../../lib/grove/podcliquescalinggroup';
import type { PodGang } from '../../lib/grove/podgang';
import { validate, validateUpdate } from '../../lib/grove/validate';
import { placeGangs } from '../../lib/placement';
import { pinning, pinsRunningGang, type Pin } from '../../lib/placement/pin';
import { demoSnapshot, demoStacks } from '../../lib/topology/demo';
import { nodeInfoFromNode, parseClusterSnapshot, podInfoFromPod, topologyInfoFromBinding } from '../../lib/topology/snapshot';
import { ObjectStore, actionError, isActionError } from './simulated-store';
import type {
  AccessQuestion,
  ApplyResult,
  ClusterSource,
  ListPage,
  ScaleResult,
  SourceInfo,
  WatchEnd,
  WatchEvent,
  WatchHandle,
} from './types';

export interface SimulatedSourceOptions {
  /** 'demo' (default): the demo cluster with running stacks; 'empty': the demo cluster's nodes, no workloads. */
  scenario?: 'demo' | 'empty';
  /** A cluster snapshot (kubectl List of Nodes, Pods, ClusterTopologyBindings); replaces the scenario's cluster. */
  snapshot?: unknown;
  /** Name shown by info() (default: the scenario, or "snapshot"). */
  name?: string;
  /** Milliseconds per step; 0 = no timer (drive with step()). Default 800. */
  tickMs?: number;
  /** Seed of the generator for uids and pod-name suffixes (default: time-based). */
  seed?: number;
  /** Clock for timestamps (default: the wall clock). */
  now?: () => Date;
  /** Changes kept for watches from an older resourceVersion (default 20,000). */
  historyLimit?: number;
  /** Events kept in the store; the oldest are deleted beyond it (default 1,000). */
  maxEvents?: number;
}

/** info() of the simulator: what it is, and that it allows every action (there are no users to authorise). */
export interface SimulatedSourceInfo extends SourceInfo {
  mode: 'simulated';
  /** Every `can()` question is answered yes. */
  allowsEverything: true;
  note: string;
}

// ---------------------------------------------------------------------------------------------
// Objects as the simulator keeps them

interface PodCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

interface SimPod extends KubeObject {
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

const GROVE_KINDS_GENERATED = new Set<WatchedKind>(['PodClique', 'PodCliqueScalingGroup', 'PodGang']);
const K8S_NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789'; // apimachinery's rand.String alphabet
const OPERATOR = 'grove-operator';
const SCHEDULER = 'canopy-simulated-scheduler';
const KUBELET = 'kubelet';

/** Canonical JSON (sorted keys) for "did anything change". */
function canonical(value: unknown): string {
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

/** What an apply sets (all but status and server metadata), canonical: equal intents mean "unchanged". */
function appliedIntent(object: KubeObject): string {
  const { metadata, status: _status, ...rest } = object as KubeObject & { status?: unknown };
  return canonical({ ...rest, labels: metadata?.labels ?? {}, annotations: metadata?.annotations ?? {} });
}

/** Namespaces every cluster has. */
const BUILTIN_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** JSON pointer → the apiserver's field path (`spec.template.cliques[0].spec.roleName`). */
function apiFieldPath(ptr: string): string {
  return pointerSegments(ptr).reduce<string>((p, s) => fieldPath(p, /^\d+$/.test(s) ? Number(s) : s), '');
}

const podReady = (p: SimPod) => p.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True');
const podGated = (p: SimPod) => (p.spec.schedulingGates ?? []).length > 0;
const podBound = (p: SimPod) => !!p.spec.nodeName;
const podStarted = (p: SimPod) => p.status.phase === 'Running';
const podIndex = (p: SimPod) => Number(p.metadata.labels?.[LABEL_PODCLIQUE_POD_INDEX] ?? '-1');
const minAvailableOf = (pclq: PodClique) => pclq.spec.minAvailable ?? pclq.spec.replicas;

export class SimulatedSource implements ClusterSource {
  readonly store: ObjectStore;
  private readonly random: () => number;
  private readonly now: () => Date;
  private readonly maxEvents: number;
  private readonly scenarioName: string;
  private timer: ReturnType<typeof setInterval> | undefined;
  /** Last expansion per PodCliqueSet key: the gangs the scheduler places. */
  private readonly expansions = new Map<string, ExpandedObjects>();
  /** Last FailedScheduling reason per PodGang key (one Event per distinct reason, counted on repeats). */
  private readonly failedReasons = new Map<string, string>();
  /** Namespaces applied by name (see applyNamespace). */
  private readonly namespaces = new Map<string, KubeObject>();
  /** PodClique keys whose pods were announced as waiting for their parents. */
  private readonly waitingAnnounced = new Set<string>();
  private eventSeq = 0;
  /** PodGang key → creation sequence (the scheduler's queue order). */
  private readonly gangOrder = new Map<string, number>();
  private gangSeq = 0;
  private closed = false;

  constructor(options: SimulatedSourceOptions = {}) {
    this.store = new ObjectStore(options.historyLimit ?? 20_000);
    this.random = mulberry32(options.seed ?? Date.now() % 2 ** 31);
    this.now = options.now ?? (() => new Date());
    this.maxEvents = options.maxEvents ?? 1000;
    const scenario = options.scenario ?? 'demo';
    this.scenarioName = options.name ?? (options.snapshot !== undefined ? 'snapshot' : scenario);
    if (options.snapshot !== undefined) this.loadSnapshot(options.snapshot);
    else {
      this.loadSnapshot(demoSnapshot());
      if (scenario === 'demo') {
        for (const pcs of demoStacks()) this.applyNow(pcs, false);
        this.settle();
      }
    }
    const tick = options.tickMs ?? 800;
    if (tick > 0) {
      this.timer = setInterval(() => {
        this.step();
        this.store.bookmark();
      }, tick);
      this.timer.unref?.();
    }
  }

  // -------------------------------------------------------------------------------------------
  // ClusterSource

  info(): SimulatedSourceInfo {
    return {
      mode: 'simulated',
      name: this.scenarioName,
      namespace: 'default',
      readOnly: false,
      allowsEverything: true,
      note: 'Simulated cluster in memory: every action is allowed, nothing reaches a real cluster.',
    };
  }

  async list(kind: WatchedKind, options: { limit: number; continue?: string }): Promise<ListPage> {
    this.assertKind(kind);
    return this.store.list(kind, options);
  }

  async watch(kind: WatchedKind, resourceVersion: string, onEvent: (event: WatchEvent) => void, onEnd: (end: WatchEnd) => void): Promise<WatchHandle> {
    this.assertKind(kind);
    if (this.closed) {
      queueMicrotask(() => onEnd({ reason: 'closed' }));
      return { stop() {} };
    }
    return this.store.watch(kind, resourceVersion, onEvent, onEnd);
  }

  async apply(object: KubeObject, options: { dryRun: boolean }): Promise<ApplyResult> {
    return this.applyNow(object, options.dryRun);
  }

  async delete(kind: WatchedKind, namespace: string | undefined, name: string, options: { dryRun: boolean }): Promise<void> {
    this.assertKind(kind);
    const key = this.keyOf(kind, namespace, name);
    const existing = this.store.get(kind, key);
    if (!existing) throw actionError(404, 'NotFound', `${kind} "${name}" not found`);
    if (options.dryRun) return;
    this.deleteTree(kind, key);
    if (kind === 'Node') {
      // The pod garbage collector removes pods bound to a node that no longer exists; their owners recreate them.
      const orphans = (this.store.all('Pod') as SimPod[]).filter((p) => p.spec?.nodeName === name);
      for (const p of orphans) this.deleteTree('Pod', objectKey(p));
      const owners = new Set(orphans.map((p) => `${p.metadata.namespace}/${p.metadata.labels?.[LABEL_PART_OF] ?? ''}`));
      for (const pcsKey of owners) if (this.store.get('PodCliqueSet', pcsKey)) this.reconcile(pcsKey);
    }
    // The operator recreates what it owns when a child is deleted by hand.
    const partOf = existing.metadata?.labels?.[LABEL_PART_OF];
    if (kind !== 'PodCliqueSet' && partOf && existing.metadata?.labels?.[LABEL_MANAGED_BY] === LABEL_MANAGED_BY_VALUE) {
      const pcsKey = `${existing.metadata?.namespace ?? 'default'}/${partOf}`;
      if (this.store.get('PodCliqueSet', pcsKey)) this.reconcile(pcsKey);
    }
    if (kind === 'PodCliqueSet') {
      this.expansions.delete(key);
      this.event(existing, 'Normal', 'Deleted', `Deleted PodCliqueSet ${name} and every object it owned`, OPERATOR);
    }
    this.updateStatuses();
  }

  async scale(kind: ScalableKind, namespace: string, name: string, replicas: number, options: { dryRun: boolean }): Promise<ScaleResult> {
    // Canopy's own policy, as the live source's action layer (server/actions/scale.ts) applies it: a
    // scaling group's member is scaled with its group. The simulated apiserver itself accepts it (scaleAsApiserver).
    // After the checks the live path makes first (a replica count out of range, then a missing object).
    if (kind === 'PodClique' && isReplicaCount(replicas)) {
      const object = this.store.get('PodClique', `${namespace || 'default'}/${name}`);
      const group = object && scalingGroupOfPodClique(object);
      if (group) {
        throw actionError(422, 'ScalingGroupMember', scalingGroupRefusal(name, group), [{ field: `metadata.labels["${LABEL_PCSG}"]`, message: `member of PodCliqueScalingGroup ${group}` }]);
      }
    }
    return this.scaleNow(kind, namespace, name, replicas, options.dryRun);
  }

  /** The /scale subresource as the apiserver answers it (`kubectl scale`), without Canopy's policy on top. */
  async scaleAsApiserver(kind: ScalableKind, namespace: string, name: string, replicas: number, options: { dryRun: boolean }): Promise<ScaleResult> {
    return this.scaleNow(kind, namespace, name, replicas, options.dryRun);
  }

  async can(_question: AccessQuestion): Promise<{ allowed: boolean; reason?: string }> {
    return { allowed: true, reason: 'the simulated cluster allows every action' };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.store.closeWatches();
  }

  // -------------------------------------------------------------------------------------------
  // Driving the clock

  /** One step of every controller; returns the number of objects written. */
  step(): number {
    const before = this.store.resourceVersion;
    this.kubeletStep();
    this.schedulerStep();
    this.updateStatuses();
    return this.store.resourceVersion - before;
  }

  /** Steps until nothing changes (or `maxSteps`); returns the number of steps taken. */
  settle(maxSteps = 200): number {
    for (let i = 0; i < maxSteps; i++) if (this.step() === 0) return i;
    return maxSteps;
  }

  /** The ClusterState placement sees: stored Nodes, Pods and ClusterTopologyBindings, through lib/topology/snapshot. */
  clusterState(): ClusterState {
    const nodes: NodeInfo[] = [];
    for (const n of this.store.all('Node')) {
      try {
        nodes.push(nodeInfoFromNode(n));
      } catch {
        /* a malformed node is not schedulable */
      }
    }
    const pods: PodInfo[] = [];
    for (const p of this.store.all('Pod')) {
      try {
        pods.push(podInfoFromPod(p));
      } catch {
        /* skip */
      }
    }
    const topologies: TopologyInfo[] = [];
    for (const b of this.store.all('ClusterTopologyBinding')) {
      try {
        topologies.push(topologyInfoFromBinding(b));
      } catch {
        /* skip */
      }
    }
    return { nodes, pods, topologies };
  }

  // -------------------------------------------------------------------------------------------
  // apiserver

  private assertKind(kind: string): asserts kind is WatchedKind {
    if (!(WATCHED_KINDS as readonly string[]).includes(kind)) throw actionError(400, 'BadRequest', `unknown kind "${kind}"`);
  }

  private keyOf(kind: WatchedKind, namespace: string | undefined, name: string): string {
    return kind === 'Node' || kind === 'ClusterTopologyBinding' ? name : `${namespace || 'default'}/${name}`;
  }

  private timestamp(): string {
    return this.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  private uid(): string {
    const hex = Array.from({ length: 32 }, () => Math.floor(this.random() * 16).toString(16));
    hex[12] = '4';
    hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
    const h = hex.join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  private suffix(n = 5): string {
    return Array.from({ length: n }, () => K8S_NAME_ALPHABET[Math.floor(this.random() * K8S_NAME_ALPHABET.length)]).join('');
  }

  private topologyLevels(): Record<string, TopologyLevel[]> {
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

  private applyNow(input: KubeObject, dryRun: boolean): ApplyResult {
    if (!isRecord(input)) throw actionError(400, 'BadRequest', 'the object must be a JSON object');
    const kind = input.kind;
    if (input.apiVersion === 'v1' && kind === 'Namespace') return this.applyNamespace(input as KubeObject, dryRun);
    if (typeof kind !== 'string' || !(WATCHED_KINDS as readonly string[]).includes(kind)) {
      throw actionError(400, 'BadRequest', `kind ${JSON.stringify(kind)} is not one the simulated cluster stores (${WATCHED_KINDS.join(', ')})`);
    }
    const k = kind as WatchedKind;
    const name = (input as KubeObject).metadata?.name;
    if (!name) throw actionError(422, 'Invalid', `${kind} is invalid: metadata.name: Required value`, [{ field: 'metadata.name', message: 'Required value' }]);
    if (k === 'Pod' && !isRecord((input as { spec?: unknown }).spec)) {
      throw actionError(422, 'Invalid', `Pod "${name}" is invalid: spec: Required value`, [{ field: 'spec', message: 'Required value' }]);
    }
    if (k === 'PodCliqueSet') {
      // Counted from the spec before validation or expansion: a million replicas are refused, not built.
      const overBudget = podCliqueSetPodBudgetRefusal(input);
      if (overBudget) throw overBudget;
    }
    if (GROVE_KINDS_GENERATED.has(k)) {
      // Grove's managed-resource protection: users do not write what the operator generates.
      throw actionError(403, 'Forbidden', `${kind} "${name}" is managed by the Grove operator; change its PodCliqueSet (or scale it) instead`);
    }
    const namespaced = k !== 'Node' && k !== 'ClusterTopologyBinding';
    const object = structuredClone(input) as KubeObject & Record<string, unknown>;
    object.metadata = { ...object.metadata };
    if (namespaced) object.metadata.namespace ||= 'default';
    else delete object.metadata.namespace;
    const key = objectKey(object);
    const before = this.store.get(k, key) ?? null;

    // The apiserver knows every binding: a topologyName naming none is refused, as Grove's webhook does (§5.3).
    const ctx = { topologies: this.topologyLevels(), topologiesComplete: true, topologyAwareScheduling: true };
    const strip = (o: KubeObject) => {
      const { status: _status, ...rest } = o as KubeObject & { status?: unknown };
      return rest;
    };
    const findings = before ? validateUpdate(strip(before), object, ctx) : validate(object, ctx);
    const errors = findings.filter((f) => f.severity === 'error');
    if (errors.length > 0) {
      const causes = errors.map((f) => ({ field: apiFieldPath(f.path), message: f.message }));
      const group = object.apiVersion?.split('/')[0] ?? '';
      const what = group.includes('.') ? `${kind}.${group}` : kind;
      throw actionError(422, 'Invalid', `${what} "${name}" is invalid: ${causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message)).join('; ')}`, causes);
    }
    const warnings = findings.filter((f) => f.severity === 'warning').map((f) => (f.path ? `${apiFieldPath(f.path)}: ${f.message}` : f.message));

    // What the mutating webhook stores: a PodCliqueSet with Grove's defaults filled in.
    let desired: KubeObject & Record<string, unknown> = k === 'PodCliqueSet' ? (defaultPodCliqueSet(object as unknown as PodCliqueSet) as unknown as KubeObject & Record<string, unknown>) : object;
    const unchanged = before !== null && appliedIntent(before) === appliedIntent(desired);
    const now = this.timestamp();
    if (before) {
      // Server-side apply of the full intent: the applied fields replace ours; status and server metadata stay.
      const meta = before.metadata ?? {};
      desired = {
        ...desired,
        metadata: {
          ...meta,
          labels: desired.metadata?.labels,
          annotations: desired.metadata?.annotations,
          generation: unchanged ? meta.generation : (meta.generation ?? 1) + 1,
        },
      };
      if (!desired.metadata!.labels) delete desired.metadata!.labels;
      if (!desired.metadata!.annotations) delete desired.metadata!.annotations;
      // Status is a subresource of the Grove kinds: apply never writes it. Core kinds take it as given.
      const st = (before as { status?: unknown }).status;
      const statusSubresource = k === 'PodCliqueSet' || k === 'ClusterTopologyBinding';
      if (statusSubresource) {
        if (st === undefined) delete desired.status;
        else desired.status = st;
      } else if (!('status' in object) && st !== undefined) desired.status = st;
    } else {
      desired.metadata = { ...desired.metadata, uid: this.uid(), creationTimestamp: now, generation: 1 };
      if (k === 'PodCliqueSet' || k === 'ClusterTopologyBinding') delete desired.status;
      if (k === 'Pod' && !isRecord(desired.status)) desired.status = { phase: 'Pending', conditions: [] };
    }
    if (unchanged) return { kind, ...(namespaced ? { namespace: before!.metadata?.namespace ?? 'default' } : {}), name, before, after: before!, dryRun, unchanged: true, warnings, changes: [] };
    let after: KubeObject;
    if (dryRun) {
      after = structuredClone(desired);
      after.metadata = { ...after.metadata, resourceVersion: before?.metadata?.resourceVersion ?? '' };
    } else {
      after = this.store.put(k, desired);
      if (k === 'PodCliqueSet') {
        this.event(after, 'Normal', before ? 'Updated' : 'Created', `${before ? 'Updated' : 'Created'} PodCliqueSet ${name} (generation ${after.metadata?.generation})`, OPERATOR);
        this.reconcile(key);
        this.updateStatuses();
        after = this.store.get('PodCliqueSet', key) ?? after;
      }
    }
    // The same field-by-field diff the live apply reports, so the Apply panel shows what changes.
    return { kind, ...(namespaced ? { namespace: desired.metadata?.namespace ?? 'default' } : {}), name, before, after, dryRun, unchanged: false, warnings, changes: diffObjects(before, after) };
  }

  /**
   * A Namespace, as the live apply takes it, so a manifest can bring its own. Kept by name only (no
   * page lists or watches them), and not required by the objects in it: a namespace that a stored
   * object uses, or that every cluster has, exists already.
   */
  private applyNamespace(input: KubeObject, dryRun: boolean): ApplyResult {
    const name = input.metadata?.name;
    if (typeof name !== 'string' || !name) throw actionError(422, 'Invalid', 'Namespace is invalid: metadata.name: Required value', [{ field: 'metadata.name', message: 'Required value' }]);
    const nameError = dns1123LabelError(name);
    if (nameError) throw actionError(422, 'Invalid', `Namespace "${name}" is invalid: metadata.name: Invalid value: "${name}": ${nameError}`, [{ field: 'metadata.name', message: nameError }]);
    const before = this.existingNamespace(name);
    const { status: _status, ...applied } = input as KubeObject & { status?: unknown };
    const { namespace: _namespace, ...metadata } = applied.metadata ?? {};
    if (before && appliedIntent(before) === appliedIntent(applied)) return { kind: 'Namespace', name, before, after: before, dryRun, unchanged: true, warnings: [], changes: [] };
    // Server-side apply of the whole intent: labels and annotations as given, uid and creation time kept.
    const after = before ? { ...applied, metadata: { ...before.metadata, labels: metadata.labels, annotations: metadata.annotations }, status: { phase: 'Active' } } : this.newNamespace({ ...applied, metadata });
    if (!after.metadata.labels) delete after.metadata.labels;
    if (!after.metadata.annotations) delete after.metadata.annotations;
    if (!dryRun) this.namespaces.set(name, after);
    return { kind: 'Namespace', name, before, after, dryRun, unchanged: false, warnings: [], changes: diffObjects(before, after) };
  }

  private newNamespace(object: KubeObject): KubeObject & { metadata: ObjectMeta } {
    return { ...object, metadata: { ...object.metadata, uid: this.uid(), creationTimestamp: this.timestamp() }, status: { phase: 'Active' } } as KubeObject & { metadata: ObjectMeta };
  }

  /** The Namespace `name`, or null when the cluster does not have it. */
  private existingNamespace(name: string): KubeObject | null {
    const known = this.namespaces.get(name);
    if (known) return known;
    const inUse = BUILTIN_NAMESPACES.includes(name) || WATCHED_KINDS.some((kind) => this.store.all(kind).some((o) => o.metadata?.namespace === name));
    if (!inUse) return null;
    const namespace = this.newNamespace({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    this.namespaces.set(name, namespace);
    return namespace;
  }

  private scaleNow(kind: ScalableKind, namespace: string, name: string, replicas: number, dryRun: boolean): ScaleResult {
    if (kind !== 'PodCliqueSet' && kind !== 'PodCliqueScalingGroup' && kind !== 'PodClique') throw actionError(400, 'BadRequest', `${String(kind)} has no /scale subresource`);
    const ns = namespace || 'default';
    const key = `${ns}/${name}`;
    const object = this.store.get(kind, key) as (KubeObject & { spec: { replicas?: number } }) | undefined;
    if (!object) throw actionError(404, 'NotFound', `${kind} "${name}" not found`);
    if (!isReplicaCount(replicas)) {
      throw actionError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${replicas}: must be ${REPLICAS_RANGE}`, [
        { field: 'spec.replicas', message: `must be ${REPLICAS_RANGE}` },
      ]);
    }
    const labels = object.metadata?.labels ?? {};
    // A PodClique of a scaling group scales like a standalone one (API-NOTES §14, `kubectl scale pclq
    // <pcs>-<i>-<sg>-<j>-<clique>`): the operator builds pods for the PodClique's own spec.replicas.
    // Canopy's advice to scale the group instead is a policy of its action layer, not the apiserver's.
    const from = object.spec.replicas ?? 0;
    const pcsKey = kind === 'PodCliqueSet' ? key : `${ns}/${labels[LABEL_PART_OF] ?? ''}`;
    const podCliqueSet = this.store.get('PodCliqueSet', pcsKey);
    // Refused before the operator builds anything: every pod is built in this one thread.
    const overBudget = podCliqueSet && scalePodBudgetRefusal({ kind, object, from, to: replicas, podCliqueSet, podCliques: this.store.all('PodClique') });
    if (overBudget) throw overBudget;
    const result: ScaleResult = { kind, namespace: ns, name, from, to: replicas, dryRun };
    if (dryRun || from === replicas) return result;
    object.spec.replicas = replicas;
    object.metadata = { ...object.metadata, generation: (object.metadata?.generation ?? 1) + 1 };
    const stored = this.store.put(kind, object);
    this.event(stored, 'Normal', 'Scaled', `Scaled ${kind} ${name} from ${from} to ${replicas} replicas`, OPERATOR);
    if (podCliqueSet) this.reconcile(pcsKey);
    this.updateStatuses();
    return result;
  }

  /** Deletes an object and everything that names it as owner, children first. */
  private deleteTree(kind: WatchedKind, key: string): void {
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

  private event(involved: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, component: string): void {
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

  private loadSnapshot(snapshot: unknown): void {
    const parsed = parseClusterSnapshot(snapshot);
    if (!parsed.ok) throw new Error(`invalid cluster snapshot: ${parsed.errors.map((e) => e.message).slice(0, 5).join('; ')}`);
    const items = (snapshot as { items: unknown[] }).items;
    const listKind = (snapshot as { kind?: string }).kind?.replace(/List$/, '');
    for (const item of items) {
      if (!isRecord(item)) continue;
      const kind = typeof item.kind === 'string' ? item.kind : listKind;
      if (kind !== 'Node' && kind !== 'Pod' && kind !== 'ClusterTopologyBinding') continue;
      const o = structuredClone(item) as KubeObject;
      o.kind = kind;
      o.apiVersion ??= kind === 'ClusterTopologyBinding' ? 'grove.io/v1alpha1' : 'v1';
      o.metadata = { ...o.metadata };
      delete (o.metadata as { managedFields?: unknown }).managedFields;
      o.metadata.uid ??= this.uid();
      if (kind === 'Pod') o.metadata.namespace ||= 'default';
      this.store.put(kind, o);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Grove operator

  private children<T extends KubeObject>(kind: WatchedKind, ns: string, pcsName: string): T[] {
    return this.store
      .all(kind)
      .filter((o) => o.metadata?.namespace === ns && o.metadata?.labels?.[LABEL_PART_OF] === pcsName && o.metadata?.labels?.[LABEL_MANAGED_BY] === LABEL_MANAGED_BY_VALUE) as T[];
  }

  private ownerRef(o: KubeObject) {
    return { apiVersion: o.apiVersion ?? '', kind: o.kind ?? '', name: o.metadata?.name ?? '', uid: o.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true };
  }

  /** Make the generated objects of one PodCliqueSet match its expansion with the live replica counts. */
  private reconcile(pcsKey: string): void {
    const pcs = this.store.get('PodCliqueSet', pcsKey) as PodCliqueSet | undefined;
    if (!pcs) return;
    const ns = pcs.metadata.namespace ?? 'default';
    const pcsName = pcs.metadata.name ?? '';
    const liveGroups = this.children<PodCliqueScalingGroup>('PodCliqueScalingGroup', ns, pcsName);
    const liveCliques = this.children<PodClique>('PodClique', ns, pcsName);
    const topologyName = planPodCliqueSet(pcs).topologyName;
    const levels = topologyName ? this.topologyLevels()[topologyName] : undefined;
    const expanded = expandPodCliqueSet(pcs, {
      scalingGroupReplicas: Object.fromEntries(liveGroups.map((g) => [g.metadata.name ?? '', g.spec.replicas])),
      podCliqueReplicas: Object.fromEntries(liveCliques.map((c) => [c.metadata.name ?? '', c.spec.replicas])),
      ...(levels ? { levels } : {}),
    });
    this.expansions.set(pcsKey, expanded);

    // Remove what the expansion no longer has (highest indices first), children with it.
    const wantGroups = new Set(expanded.scalingGroups.map((g) => g.metadata.name));
    const wantCliques = new Set(expanded.podCliques.map((c) => c.metadata.name));
    const wantGangs = new Set(expanded.podGangs.map((g) => g.metadata.name));
    const byNameDesc = (a: KubeObject, b: KubeObject) => ((b.metadata?.name ?? '') < (a.metadata?.name ?? '') ? -1 : 1);
    for (const g of [...liveGroups].sort(byNameDesc)) if (!wantGroups.has(g.metadata.name)) this.deleteTree('PodCliqueScalingGroup', objectKey(g));
    for (const c of [...liveCliques].sort(byNameDesc)) if (!wantCliques.has(c.metadata.name) && this.store.get('PodClique', objectKey(c))) this.deleteTree('PodClique', objectKey(c));
    for (const g of this.children<PodGang>('PodGang', ns, pcsName).sort(byNameDesc)) if (!wantGangs.has(g.metadata.name)) this.deleteTree('PodGang', objectKey(g));

    const now = this.timestamp();
    const pcsRef = this.ownerRef(pcs);
    for (const g of expanded.scalingGroups) {
      if (this.store.get('PodCliqueScalingGroup', objectKey(g))) continue;
      this.store.put('PodCliqueScalingGroup', { ...g, metadata: { ...g.metadata, uid: this.uid(), creationTimestamp: now, generation: 1, ownerReferences: [pcsRef] } });
    }
    for (const c of expanded.podCliques) {
      const key = objectKey(c);
      if (this.store.get('PodClique', key)) continue;
      const group = c.metadata.labels?.[LABEL_PCSG];
      const owner = group ? this.store.get('PodCliqueScalingGroup', `${ns}/${group}`) : undefined;
      this.store.put('PodClique', { ...c, metadata: { ...c.metadata, uid: this.uid(), creationTimestamp: now, generation: 1, ownerReferences: [owner ? this.ownerRef(owner) : pcsRef] } });
    }
    // Pods per PodClique: fill the lowest free indices, remove the highest beyond spec.replicas.
    const expandedPods = new Map<string, Record<string, string>>();
    for (const gang of expanded.gangs) for (const pg of gang.podGroups) for (const p of pg.pods) expandedPods.set(`${pg.name}/${p.podIndex}`, p.labels);
    const podsByClique = this.podsByClique(ns);
    for (const c of expanded.podCliques) {
      const pclq = this.store.get('PodClique', objectKey(c)) as PodClique;
      const pods = podsByClique.get(pclq.metadata.name ?? '') ?? [];
      const want = pclq.spec.replicas;
      const extra = pods.filter((p) => podIndex(p) >= want || podIndex(p) < 0).sort((a, b) => podIndex(b) - podIndex(a));
      for (const p of extra) this.deleteTree('Pod', objectKey(p));
      const have = new Set(pods.map(podIndex));
      const created: string[] = [];
      for (let k = 0; k < want; k++) {
        if (have.has(k)) continue;
        const labels = expandedPods.get(`${pclq.metadata.name}/${k}`);
        if (!labels) continue;
        created.push(this.createPod(pcs, pclq, k, labels).metadata.name);
      }
      if (created.length > 0) this.event(pclq, 'Normal', 'SuccessfulCreate', `Created pod${created.length > 1 ? 's' : ''}: ${created.join(', ')}`, OPERATOR);
      if (extra.length > 0) this.event(pclq, 'Normal', 'SuccessfulDelete', `Deleted pod${extra.length > 1 ? 's' : ''}: ${extra.map((p) => p.metadata.name).join(', ')}`, OPERATOR);
    }
    this.syncPodGangs(pcs, expanded);
  }

  private createPod(pcs: PodCliqueSet, pclq: PodClique, index: number, labels: Record<string, string>): SimPod {
    const ns = pclq.metadata.namespace ?? 'default';
    const fqn = pclq.metadata.name ?? '';
    // generateName + a random suffix, as the apiserver names them.
    let name = `${podGenerateName(fqn)}${this.suffix()}`;
    while (this.store.get('Pod', `${ns}/${name}`)) name = `${podGenerateName(fqn)}${this.suffix()}`;
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
        uid: this.uid(),
        creationTimestamp: this.timestamp(),
        labels: { ...labels },
        ...(pclq.metadata.annotations ? { annotations: { ...pclq.metadata.annotations } } : {}),
        ownerReferences: [this.ownerRef(pclq)],
      },
      spec,
      status: {
        phase: 'Pending',
        conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates', lastTransitionTime: this.timestamp() }],
      },
    };
    this.store.put('Pod', pod);
    return pod;
  }

  /** PodGangs with podReferences naming the real pods (the operator fills them once the pods exist). */
  private syncPodGangs(pcs: PodCliqueSet, expanded: ExpandedObjects): void {
    const ns = pcs.metadata.namespace ?? 'default';
    const podsByClique = this.podsByClique(ns);
    for (const g of expanded.podGangs) {
      const spec = structuredClone(g.spec);
      for (const pg of spec.podgroups) {
        pg.podReferences = (podsByClique.get(pg.name) ?? []).map((p) => ({ namespace: ns, name: p.metadata.name })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      }
      const key = objectKey(g);
      const existing = this.store.get('PodGang', key) as PodGang | undefined;
      if (existing) {
        if (canonical(existing.spec) === canonical(spec)) continue;
        this.store.put('PodGang', { ...existing, spec } as PodGang);
      } else {
        const now = this.timestamp();
        const gang: PodGang = {
          ...g,
          metadata: { ...g.metadata, uid: this.uid(), creationTimestamp: now, generation: 1, ownerReferences: [this.ownerRef(pcs)] },
          spec,
          status: { phase: 'Pending', conditions: [{ type: 'Initialized', status: 'True', reason: 'PodGangPodsCreated', message: 'All pods of the PodGang have been created', lastTransitionTime: now }] },
        };
        this.store.put('PodGang', gang);
        this.gangOrder.set(key, ++this.gangSeq);
      }
    }
  }

  private podsByClique(ns?: string): Map<string, SimPod[]> {
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

  // -------------------------------------------------------------------------------------------
  // gates, kubelet, scheduler

  /** Pods of the store grouped by `ns/podclique`, plus PodCliques by key. */
  private snapshotIndex() {
    const pods = this.podsByClique();
    const cliques = new Map<string, PodClique>();
    for (const c of this.store.all('PodClique') as PodClique[]) cliques.set(objectKey(c), c);
    return { pods, cliques };
  }

  private cliqueCounts(idx: ReturnType<SimulatedSource['snapshotIndex']>, key: string) {
    const pods = idx.pods.get(key) ?? [];
    return { ready: pods.filter(podReady).length, scheduled: pods.filter(podBound).length };
  }

  /** A PodGang is scheduled when each of its PodCliques has ≥ minAvailable scheduled pods (§11). */
  private gangScheduled(idx: ReturnType<SimulatedSource['snapshotIndex']>, gang: PodGang): boolean {
    const ns = gang.metadata.namespace ?? 'default';
    return gang.spec.podgroups.every((pg) => this.cliqueCounts(idx, `${ns}/${pg.name}`).scheduled >= pg.minReplicas);
  }

  /** Ungate, start and ready pods: each pod moves at most one step, judged on the state at the start of the tick. */
  private kubeletStep(): void {
    const idx = this.snapshotIndex();
    const gangs = new Map<string, PodGang>();
    for (const g of this.store.all('PodGang') as PodGang[]) gangs.set(objectKey(g), g);
    const now = this.timestamp();
    const updates: SimPod[] = [];
    const waiting = new Map<string, string[]>();
    for (const original of this.store.all('Pod') as SimPod[]) {
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
          if (!baseGang || !this.gangScheduled(idx, baseGang)) continue;
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
          return !pc || this.cliqueCounts(idx, `${ns}/${parent}`).ready < minAvailableOf(pc);
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
    for (const p of updates) this.store.put('Pod', p);
    for (const [key, unmet] of waiting) {
      if (this.waitingAnnounced.has(key)) continue;
      this.waitingAnnounced.add(key);
      const pclq = idx.cliques.get(key);
      if (pclq) this.event(pclq, 'Normal', 'WaitingForParents', `Pods wait for ${unmet.join(', ')} to have their minimum of ready pods (startup order)`, KUBELET);
    }
  }

  /** Place every gang that has ungated, unbound pods, in PodGang creation order, with lib/placement. */
  private schedulerStep(): void {
    const all = (this.store.all('Pod') as SimPod[]).filter((p) => isRecord(p.spec) && p.status && Array.isArray(p.status.conditions) && !podGated(p) && !podBound(p) && p.status.phase === 'Pending');
    if (all.length === 0) return;
    const candidates = all.filter((p) => p.metadata.labels?.[LABEL_PODGANG]);
    // Pods outside any PodGang (applied by hand, or pending in a snapshot): one-pod gangs, after the PodGangs.
    const loners = all.filter((p) => !p.metadata.labels?.[LABEL_PODGANG]);
    const byHost = new Map<string, SimPod>();
    for (const p of candidates) byHost.set(`${p.metadata.namespace}/${p.spec.hostname ?? ''}`, p);
    // Creation order, as a queue-less gang scheduler would take them.
    const order = (g: PodGang) => this.gangOrder.get(objectKey(g)) ?? Number.MAX_SAFE_INTEGER;
    const gangObjects = (this.store.all('PodGang') as PodGang[]).slice().sort((a, b) => order(a) - order(b));
    const state = this.clusterState();
    const runningGangs = pinning(state);
    const gangs: ExpandedGang[] = [];
    /** Per gang of `gangs`: the running domains its new pods are pinned to (for the reason when they do not fit). */
    const pins: Pin[][] = [];
    for (const obj of gangObjects) {
      const ns = obj.metadata.namespace ?? 'default';
      const pcsKey = `${ns}/${obj.metadata.labels?.[LABEL_PART_OF] ?? ''}`;
      const found = this.expansions.get(pcsKey)?.gangs.find((g) => g.name === obj.metadata.name);
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
        // A gang placed before only adds its new pods: they all have to fit (its minimum runs already),
        // and under a gang scheduler inside the required domains where the gang already runs.
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
    const now = this.timestamp();
    plan.gangs.forEach((placement, i) => {
      const gang = gangs[i]!;
      const g = runningGangs.explain(placement, pins[i]);
      const loner = i >= grouped ? loners[i - grouped] : undefined;
      const lookup = (name: string) => (loner ? loner : byHost.get(`${gang.namespace}/${name}`));
      const gangKey = `${gang.namespace}/${gang.name}`;
      const gangObject = loner ?? this.store.get('PodGang', gangKey);
      // A gang scheduler binds the whole gang or nothing; kube-scheduler binds each pod that fits.
      if (g.placed || g.independent) {
        if (g.placed) this.failedReasons.delete(gangKey);
        for (const pp of g.pods) {
          const pod = lookup(pp.name);
          if (!pod) continue;
          const p = structuredClone(pod);
          p.spec.nodeName = pp.node;
          p.status.conditions = p.status.conditions.filter((c) => c.type !== 'PodScheduled');
          p.status.conditions.push({ type: 'PodScheduled', status: 'True', lastTransitionTime: now });
          this.store.put('Pod', p);
        }
        if (gangObject && g.pods.length > 0) {
          const nodes = [...new Set(g.pods.map((p) => p.node))];
          const where = Object.entries(g.domains).map(([k, v]) => `${k}=${v}`).join(', ');
          this.event(gangObject, 'Normal', 'Scheduled', `Placed ${g.pods.length} pod${g.pods.length > 1 ? 's' : ''} on ${nodes.length} node${nodes.length > 1 ? 's' : ''}${where ? ` (${where})` : ''}`, SCHEDULER);
        }
        for (const name of g.unplacedOptionalPods ?? []) this.markUnschedulable(lookup(name), 'a pod beyond the gang minimum did not fit next to its gang', now);
      }
      if (!g.placed) {
        const reason = g.reason ?? 'the gang does not fit';
        const pending = g.independent ? (g.unplacedPods ?? []) : gang.podGroups.flatMap((pg) => pg.pods.map((p) => p.name));
        for (const name of pending) this.markUnschedulable(lookup(name), reason, now);
        const reasonKey = loner ? `pod:${gangKey}` : gangKey;
        if (gangObject && this.failedReasons.get(reasonKey) !== reason) {
          this.failedReasons.set(reasonKey, reason);
          this.event(gangObject, 'Warning', 'FailedScheduling', reason, SCHEDULER);
        }
      }
    });
  }

  private markUnschedulable(pod: SimPod | undefined, message: string, now: string): void {
    if (!pod) return;
    const cur = pod.status.conditions.find((c) => c.type === 'PodScheduled');
    if (cur && cur.reason === 'Unschedulable' && cur.message === message) return;
    const p = structuredClone(pod);
    p.status.conditions = p.status.conditions.filter((c) => c.type !== 'PodScheduled');
    p.status.conditions.push({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastTransitionTime: now });
    this.store.put('Pod', p);
  }

  // -------------------------------------------------------------------------------------------
  // statuses (API-NOTES §9)

  private condition(previous: Condition[] | undefined, type: string, status: Condition['status'], reason: string, message: string, generation?: number): Condition {
    const prev = previous?.find((c) => c.type === type);
    const lastTransitionTime = prev && prev.status === status ? prev.lastTransitionTime : this.timestamp();
    return { type, status, reason, message, lastTransitionTime, ...(generation !== undefined ? { observedGeneration: generation } : {}) };
  }

  private putIfChanged(kind: WatchedKind, object: KubeObject & { status?: unknown }, status: unknown): void {
    if (canonical(object.status) === canonical(status)) return;
    this.store.put(kind, { ...object, status } as KubeObject);
  }

  private updateStatuses(): void {
    const idx = this.snapshotIndex();
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
          ? this.condition(prev, 'MinAvailableBreached', 'True', 'ScheduledReplicasBelowMinAvailable', `${scheduled} scheduled pods, below minAvailable ${min}`, gen)
          : scheduled - startedNotReady < min
            ? this.condition(prev, 'MinAvailableBreached', 'True', 'InsufficientReadyPods', `${scheduled - startedNotReady} pods not failing or starting, below minAvailable ${min}`, gen)
            : this.condition(prev, 'MinAvailableBreached', 'False', 'SufficientReadyPods', `enough pods are ready or starting (minAvailable ${min})`, gen);
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
            ? this.condition(prev, 'PodCliqueScheduled', 'True', 'SufficientScheduledPods', `${scheduled} of ${pods.length} pods scheduled (minAvailable ${min})`, gen)
            : this.condition(prev, 'PodCliqueScheduled', 'False', 'InsufficientScheduledPods', `${scheduled} of ${pods.length} pods scheduled, below minAvailable ${min}`, gen),
          breached,
        ],
      };
      cliqueOk.set(key, { scheduled: scheduled >= min, available: scheduled >= min && ready >= min });
      this.putIfChanged('PodClique', pclq, status);
    }

    const groupAvailable = new Map<string, boolean>();
    for (const g of this.store.all('PodCliqueScalingGroup') as PodCliqueScalingGroup[]) {
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
      this.putIfChanged('PodCliqueScalingGroup', g, {
        observedGeneration: gen,
        replicas: g.spec.replicas,
        scheduledReplicas,
        availableReplicas,
        updatedReplicas: g.spec.replicas,
        selector: scalingGroupSelector(g.metadata.labels?.[LABEL_PART_OF] ?? '', name),
        conditions: [
          availableReplicas < min
            ? this.condition(g.status?.conditions, 'MinAvailableBreached', 'True', 'InsufficientAvailablePodCliqueScalingGroupReplicas', `${availableReplicas} available replicas, below minAvailable ${min}`, gen)
            : this.condition(g.status?.conditions, 'MinAvailableBreached', 'False', 'SufficientAvailablePodCliqueScalingGroupReplicas', `${availableReplicas} available replicas (minAvailable ${min})`, gen),
        ],
      });
    }

    const bindings = this.topologyLevels();
    for (const pcs of this.store.all('PodCliqueSet') as PodCliqueSet[]) {
      const name = pcs.metadata.name ?? '';
      const replicas = pcs.spec.replicas ?? 0;
      const expanded = this.expansions.get(objectKey(pcs));
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
            ? this.condition(pcs.status?.conditions, 'TopologyLevelsUnavailable', 'False', 'AllClusterTopologyLevelsAvailable', `ClusterTopologyBinding ${topologyName} has every level the constraints name`)
            : this.condition(pcs.status?.conditions, 'TopologyLevelsUnavailable', 'Unknown', 'ClusterTopologyNotFound', `ClusterTopologyBinding ${topologyName} not found`),
        );
      }
      this.putIfChanged('PodCliqueSet', pcs, {
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
    for (const g of this.store.all('PodGang') as PodGang[]) {
      const conditions: Condition[] = [this.condition(g.status?.conditions, 'Initialized', 'True', 'PodGangPodsCreated', 'All pods of the PodGang have been created')];
      this.putIfChanged('PodGang', g, { ...(g.status ?? {}), phase: 'Pending', conditions });
    }
  }
}

/** The simulated cluster: the demo (default), the demo's empty nodes, or a snapshot's nodes. */
export function createSimulatedSource(options: SimulatedSourceOptions = {}): SimulatedSource {
  return new SimulatedSource(options);
}

export { isActionError };
