/**
 * SimulatedSource: an in-memory cluster behind the ClusterSource interface — the zero-setup default and
 * the demo. It plays four parts, each as small as it can be, each in its own module over the shared
 * state of simulated-cluster.ts (store, clock, ids, Events, cascading delete):
 *   - apiserver (simulated-apiserver.ts, storage in simulated-store.ts): an object store per kind with a
 *     global resourceVersion, paginated lists, watches from a resourceVersion (`gone` once it falls out
 *     of the retained history), apply with the webhook's checks (lib/grove/validate) and a field diff,
 *     Namespaces kept by name, delete with cascading through ownerReferences, /scale; nothing beyond the
 *     pod budget of lib/cluster/limits.ts is built;
 *   - Grove operator (simulated-operator.ts): a PodCliqueSet expands with lib/grove/expand-objects (the
 *     same code the previews use) into PodCliques, PodCliqueScalingGroups, PodGangs and pods with the
 *     operator's names and labels; statuses kept as API-NOTES §9 describes; a template change rolls out
 *     as Grove's RollingRecreate does, one PodCliqueSet replica at a time, a step per tick;
 *   - scheduler (simulated-scheduler.ts): PodGangs placed with lib/placement on the ClusterState built from
 *     the stored Nodes and Pods (lib/topology/snapshot.ts), as the gang's scheduler would (API-NOTES §13):
 *     a kai-scheduler gang whole, with its topology constraints, or not at all; a default-scheduler gang
 *     pod by pod, constraints ignored (kube-scheduler has neither gangs nor topology). The new pods of a
 *     gang that runs already (beyond a minimum, or added by a scale) join the required domains its
 *     running pods occupy under a gang scheduler (lib/placement/pin.ts, as the scale preview). What does
 *     not fit stays Pending with a FailedScheduling Event carrying the engine's reason (or the domain to join);
 *   - kubelet (simulated-kubelet.ts): scheduled → running (after the startup-order parents have ≥
 *     minAvailable Ready pods, what grove-initc waits for) → ready.
 * Each pod moves at most one step per tick (gated → ungated → scheduled → running → ready), so a person
 * can watch it; `tickMs: 0` turns the timer off and tests drive it with step()/settle().
 * This class only wires them together: the ClusterSource calls, Canopy's scale policy, and the clock.
 *
 * Left out on purpose: gang termination, HPAs, node failures, preemption.
 */
import { mulberry32 } from '../../lib/random';
import type { ScalableKind, WatchedKind } from '../../lib/cluster/kinds';
import type { ClusterState } from '../../lib/cluster/state';
import { isReplicaCount } from '../../lib/cluster/limits';
import { LABEL_PCSG } from '../../lib/grove/labels';
import type { KubeObject } from '../../lib/grove/meta';
import { scalingGroupOfPodClique, scalingGroupRefusal } from '../../lib/grove/podclique';
import { demoSnapshot, demoStacks } from '../../lib/topology/demo';
import { replicasChangedRefusal } from '../../lib/workloads/scale';
import { KIND_INFO } from '../../lib/cluster/kinds';
import { isStaleWrite, staleWriteFailure } from '../actions/errors';
import { applyNow, assertKind, deleteNow, keyOf, loadSnapshot, managedFieldsOf, scaleNow } from './simulated-apiserver';
import { SimulatedCluster } from './simulated-cluster';
import { kubeletStep } from './simulated-kubelet';
import { operatorStep } from './simulated-operator';
import { clusterState, schedulerStep } from './simulated-scheduler';
import { ObjectStore, actionError, isActionError } from './simulated-store';
import type {
  AccessQuestion,
  ActionError,
  ApplyResult,
  ClusterSource,
  DeleteOptions,
  ListPage,
  ScaleOptions,
  ScaleResult,
  SourceInfo,
  WatchEnd,
  WatchEvent,
  WatchHandle,
} from './types';

export interface SimulatedSourceOptions {
  /** 'demo' (default): the demo cluster with running stacks; 'empty': the demo cluster's nodes, no workloads. */
  scenario?: 'demo' | 'empty';
  /** A cluster snapshot (kubectl List of Nodes, Pods, ClusterTopologyBindings, Grove's kinds, Events); replaces the scenario's cluster, the operator adopting its PodCliqueSets. */
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
  /**
   * Grove's operator config topologyAwareScheduling.enabled (default here: true; Grove's Helm chart
   * default: false). Off, as Grove at v0.1.0-alpha.11: a new PodCliqueSet with a topologyConstraint is
   * refused (the webhook's "topology constraints are not allowed when Topology Aware Scheduling is
   * disabled"); one already there (a snapshot's) keeps running, its PodGangs without topology
   * constraints and its status TopologyLevelsUnavailable Unknown/TopologyAwareSchedulingDisabled.
   */
  topologyAwareScheduling?: boolean;
}

/** info() of the simulator: what it is, and that it allows every action (there are no users to authorise). */
export interface SimulatedSourceInfo extends SourceInfo {
  mode: 'simulated';
  /** Every `can()` question is answered yes. */
  allowsEverything: true;
  note: string;
}

export class SimulatedSource implements ClusterSource {
  readonly store: ObjectStore;
  /** The state the four parts share (see simulated-cluster.ts). */
  private readonly sim: SimulatedCluster;
  private readonly scenarioName: string;
  private timer: ReturnType<typeof setInterval> | undefined;
  private closed = false;

  constructor(options: SimulatedSourceOptions = {}) {
    this.store = new ObjectStore(options.historyLimit ?? 20_000);
    this.sim = new SimulatedCluster(this.store, mulberry32(options.seed ?? Date.now() % 2 ** 31), options.now ?? (() => new Date()), options.maxEvents ?? 1000);
    this.sim.topologyAwareScheduling = options.topologyAwareScheduling ?? true;
    const scenario = options.scenario ?? 'demo';
    this.scenarioName = options.name ?? (options.snapshot !== undefined ? 'snapshot' : scenario);
    if (options.snapshot !== undefined) loadSnapshot(this.sim, options.snapshot);
    else {
      loadSnapshot(this.sim, demoSnapshot());
      if (scenario === 'demo') {
        for (const pcs of demoStacks()) applyNow(this.sim, pcs, false);
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
    assertKind(kind);
    return this.store.list(kind, options);
  }

  async watch(kind: WatchedKind, resourceVersion: string, onEvent: (event: WatchEvent) => void, onEnd: (end: WatchEnd) => void): Promise<WatchHandle> {
    assertKind(kind);
    if (this.closed) {
      queueMicrotask(() => onEnd({ reason: 'closed' }));
      return { stop() {} };
    }
    return this.store.watch(kind, resourceVersion, onEvent, onEnd);
  }

  async apply(object: KubeObject, options: { dryRun: boolean; force?: boolean }): Promise<ApplyResult> {
    try {
      return applyNow(this.sim, object, options.dryRun, { force: options.force });
    } catch (error) {
      if (!isStaleWrite(error)) throw error;
      // In Canopy's words, as the live source's apply (server/actions/apply.ts) gives them: who wrote since.
      const kind = object.kind as WatchedKind;
      const namespace = KIND_INFO[kind].namespaced ? object.metadata?.namespace || 'default' : undefined;
      const name = object.metadata?.name ?? '';
      const key = keyOf(kind, namespace, name);
      const stored = this.store.get(kind, key);
      const current = stored ? { ...stored, metadata: { ...stored.metadata, managedFields: managedFieldsOf(this.sim, kind, key) } } : null;
      throw staleWriteFailure({ kind, ...(namespace ? { namespace } : {}), name }, String(object.metadata?.resourceVersion), current, error as ActionError);
    }
  }

  async delete(kind: WatchedKind, namespace: string | undefined, name: string, options: DeleteOptions): Promise<void> {
    deleteNow(this.sim, kind, namespace, name, options.dryRun, options.uid);
  }

  async scale(kind: ScalableKind, namespace: string, name: string, replicas: number, options: ScaleOptions): Promise<ScaleResult> {
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
    // A guarded scale: checked and written in this one synchronous step, so nothing can come between.
    const expected = options.expectedReplicas;
    const current = expected === undefined || !isReplicaCount(replicas) ? undefined : (this.store.get(kind, `${namespace || 'default'}/${name}`) as { spec?: { replicas?: number } } | undefined);
    if (current && expected !== undefined && (current.spec?.replicas ?? 0) !== expected) {
      const actual = current.spec?.replicas ?? 0;
      throw actionError(409, 'Conflict', replicasChangedRefusal(kind, namespace || 'default', name, expected, actual), [{ field: 'spec.replicas', message: `${actual}, expected ${expected}` }]);
    }
    return scaleNow(this.sim, kind, namespace, name, replicas, options.dryRun);
  }

  /** The /scale subresource as the apiserver answers it (`kubectl scale`), without Canopy's policy on top. */
  async scaleAsApiserver(kind: ScalableKind, namespace: string, name: string, replicas: number, options: { dryRun: boolean }): Promise<ScaleResult> {
    return scaleNow(this.sim, kind, namespace, name, replicas, options.dryRun);
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

  /** The store's resourceVersion after a step that wrote nothing; a step is skipped until it moves. */
  private quietAt: number | undefined;

  /**
   * One step of every controller; returns the number of objects written. The controllers read the store
   * (and notes of their own that change only with it), so after a step that wrote nothing, another step
   * before anything is written would write nothing either: it is skipped, which keeps an idle 12,500-node
   * cluster from reading all its objects every tick.
   */
  step(): number {
    const before = this.store.resourceVersion;
    if (this.quietAt === before) return 0;
    kubeletStep(this.sim);
    schedulerStep(this.sim);
    operatorStep(this.sim);
    const written = this.store.resourceVersion - before;
    this.quietAt = written === 0 ? before : undefined;
    return written;
  }

  /** Steps until nothing changes (or `maxSteps`); returns the number of steps taken. */
  settle(maxSteps = 200): number {
    for (let i = 0; i < maxSteps; i++) if (this.step() === 0) return i;
    return maxSteps;
  }

  /** The ClusterState placement sees: stored Nodes, Pods and ClusterTopologyBindings, through lib/topology/snapshot. */
  clusterState(): ClusterState {
    return clusterState(this.sim);
  }
}

/** The simulated cluster: the demo (default), the demo's empty nodes, or a snapshot's nodes. */
export function createSimulatedSource(options: SimulatedSourceOptions = {}): SimulatedSource {
  return new SimulatedSource(options);
}

export { isActionError };
