/**
 * Cluster snapshot: a Kubernetes `List` exactly as
 *   kubectl get nodes,pods,clustertopologybindings -A -o json
 * prints it, turned into ClusterState (and built from a topology spec, so the simulator, the tests
 * and a user's real cluster share one file format). ClusterState reads Nodes, Pods and
 * ClusterTopologyBindings and ignores other kinds; snapshotObjects hands the simulator every kind it
 * serves (lib/cluster/kinds.ts), Grove's included, and counts what it ignores. Every problem names its JSON path.
 */
import { KIND_INFO, WATCHED_KINDS, type WatchedKind } from '../cluster/kinds';
import type { ClusterState, NodeInfo, PodInfo, TopologyInfo } from '../cluster/state';
import { RESOURCE_GPU, type Taint } from '../grove/core';
import { FieldError, fieldPath } from '../cluster/fieldPath';
import { RESOURCE_CPU, RESOURCE_MEMORY, RESOURCE_PODS, describe, podRequests, resourcesFromMap } from '../cluster/resources';
import { nodesFromTopologySpec, topologyBindingFromSpec, type TopologySpec } from './spec';

export interface KubeList {
  apiVersion: 'v1';
  kind: 'List';
  items: unknown[];
  metadata: { resourceVersion: string };
}

/** A snapshot that cannot be read; `errors` holds every problem found (one per item at most). */
export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
  constructor(readonly errors: readonly FieldError[]) {
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    super(`invalid cluster snapshot: ${errors[0]?.message ?? 'unknown problem'}${more}`);
  }
}

export type SnapshotResult = { ok: true; state: ClusterState } | { ok: false; errors: FieldError[] };

const GROVE_GROUP = 'grove.io/';
/** Enough to fix a file by hand; a snapshot with thousands of broken items says so in the count. */
const MAX_ERRORS = 50;

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function record(value: unknown, path: string): Json {
  if (value === undefined) throw new FieldError(path, 'is required');
  if (!isRecord(value)) throw new FieldError(path, `must be an object, got ${describe(value)}`);
  return value;
}

function optionalRecord(parent: Json, key: string, path: string): Json {
  const value = parent[key];
  if (value === undefined || value === null) return {};
  return record(value, fieldPath(path, key));
}

function requiredString(parent: Json, key: string, path: string): string {
  const value = parent[key];
  if (typeof value !== 'string' || value === '') {
    throw new FieldError(fieldPath(path, key), value === undefined ? 'is required' : `must be a non-empty string, got ${describe(value)}`);
  }
  return value;
}

function optionalString(parent: Json, key: string, path: string): string | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new FieldError(fieldPath(path, key), `must be a string, got ${describe(value)}`);
  return value;
}

function list(parent: Json, key: string, path: string): unknown[] {
  const value = parent[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new FieldError(fieldPath(path, key), `must be a list, got ${describe(value)}`);
  return value;
}

function labels(metadata: Json, path: string): Record<string, string> {
  const out: Record<string, string> = {};
  const labelsPath = fieldPath(path, 'labels');
  for (const [key, value] of Object.entries(optionalRecord(metadata, 'labels', path))) {
    if (typeof value !== 'string') throw new FieldError(fieldPath(labelsPath, key), `must be a string, got ${describe(value)}`);
    out[key] = value;
  }
  return out;
}

function taints(spec: Json, path: string): Taint[] {
  const taintsPath = fieldPath(path, 'taints');
  return list(spec, 'taints', path).map((item, index) => {
    const at = fieldPath(taintsPath, index);
    const taint = record(item, at);
    const out: Taint = { key: requiredString(taint, 'key', at), effect: requiredString(taint, 'effect', at) };
    const value = optionalString(taint, 'value', at);
    if (value !== undefined) out.value = value;
    return out;
  });
}

/** A Node (as the apiserver returns it) → NodeInfo. `path` prefixes error paths, e.g. "items[3]". */
export function nodeInfoFromNode(node: unknown, path = ''): NodeInfo {
  const object = record(node, path);
  const metaPath = fieldPath(path, 'metadata');
  const metadata = record(object.metadata, metaPath);
  const specPath = fieldPath(path, 'spec');
  const spec = optionalRecord(object, 'spec', path);
  const statusPath = fieldPath(path, 'status');
  const status = optionalRecord(object, 'status', path);

  const unschedulable = spec.unschedulable ?? false;
  if (typeof unschedulable !== 'boolean') {
    throw new FieldError(fieldPath(specPath, 'unschedulable'), `must be true or false, got ${describe(unschedulable)}`);
  }

  // Allocatable is what the scheduler fits against; a resource it lacks falls back to capacity
  // (the apiserver defaults a missing allocatable to capacity, SetDefaults_NodeStatus).
  const allocatableRaw = optionalRecord(status, 'allocatable', statusPath);
  const capacityRaw = optionalRecord(status, 'capacity', statusPath);
  const allocatable = resourcesFromMap(allocatableRaw, fieldPath(statusPath, 'allocatable'));
  const capacity = resourcesFromMap(capacityRaw, fieldPath(statusPath, 'capacity'));
  const pick = (name: string, fromAllocatable: number, fromCapacity: number): number =>
    Object.hasOwn(allocatableRaw, name) ? fromAllocatable : fromCapacity;

  let ready = true;
  const conditionsPath = fieldPath(statusPath, 'conditions');
  list(status, 'conditions', statusPath).forEach((item, index) => {
    const at = fieldPath(conditionsPath, index);
    const condition = record(item, at);
    const type = requiredString(condition, 'type', at);
    const conditionStatus = requiredString(condition, 'status', at);
    if (type === 'Ready') ready = conditionStatus === 'True';
  });

  return {
    name: requiredString(metadata, 'name', metaPath),
    labels: labels(metadata, metaPath),
    allocatable: {
      gpu: pick(RESOURCE_GPU, allocatable.gpu, capacity.gpu),
      cpuMilli: pick(RESOURCE_CPU, allocatable.cpuMilli, capacity.cpuMilli),
      memory: pick(RESOURCE_MEMORY, allocatable.memory, capacity.memory),
      pods: pick(RESOURCE_PODS, allocatable.pods, capacity.pods),
      // Extended resources (rdma/ib …), with the same fallback to capacity per name.
      ...(allocatable.extended || capacity.extended ? { extended: { ...capacity.extended, ...allocatable.extended } } : {}),
    },
    taints: taints(spec, specPath),
    unschedulable,
    ready,
  };
}

/** A Pod (as the apiserver returns it) → PodInfo. */
export function podInfoFromPod(pod: unknown, path = ''): PodInfo {
  const object = record(pod, path);
  const metaPath = fieldPath(path, 'metadata');
  const metadata = record(object.metadata, metaPath);
  const specPath = fieldPath(path, 'spec');
  const spec = record(object.spec, specPath);
  const statusPath = fieldPath(path, 'status');
  const status = optionalRecord(object, 'status', path);

  const phase = optionalString(status, 'phase', statusPath);
  const nodeName = optionalString(spec, 'nodeName', specPath);
  const info: PodInfo = {
    // kubectl always prints the namespace; a hand-written pod without one lives in "default".
    namespace: optionalString(metadata, 'namespace', metaPath) || 'default',
    name: requiredString(metadata, 'name', metaPath),
    labels: labels(metadata, metaPath),
    requests: podRequests(spec, specPath),
    terminal: phase === 'Succeeded' || phase === 'Failed',
  };
  if (nodeName) info.nodeName = nodeName;
  if (phase !== undefined) info.phase = phase;
  // Its presence is what counts (kubectl prints such a pod as Terminating).
  if (optionalString(metadata, 'deletionTimestamp', metaPath)) info.terminating = true;
  return info;
}

/** A ClusterTopologyBinding → TopologyInfo (levels kept in their order, broadest first). */
export function topologyInfoFromBinding(binding: unknown, path = ''): TopologyInfo {
  const object = record(binding, path);
  const metaPath = fieldPath(path, 'metadata');
  const specPath = fieldPath(path, 'spec');
  const spec = record(object.spec, specPath);
  const levelsPath = fieldPath(specPath, 'levels');
  const levels = list(spec, 'levels', specPath).map((item, index) => {
    const at = fieldPath(levelsPath, index);
    const level = record(item, at);
    return { domain: requiredString(level, 'domain', at), key: requiredString(level, 'key', at) };
  });
  if (levels.length === 0) throw new FieldError(levelsPath, 'must list at least one level');
  return { name: requiredString(record(object.metadata, metaPath), 'name', metaPath), levels };
}

type ItemKind = 'Node' | 'Pod' | 'ClusterTopologyBinding';

/** The kind an item is named as: its own, or its typed list's (NodeList items carry no kind). */
function namedKind(item: Json, listKind: string | undefined): string | undefined {
  return typeof item.kind === 'string' ? item.kind : listKind?.replace(/List$/, '');
}

/** The watched kind an item is, or undefined (other kinds, or a watched kind's name in another API group). */
function watchedKindOf(item: unknown, listKind: string | undefined): WatchedKind | undefined {
  if (!isRecord(item)) return undefined;
  const kind = namedKind(item, listKind);
  if (kind === undefined || !(WATCHED_KINDS as readonly string[]).includes(kind)) return undefined;
  const info = KIND_INFO[kind as WatchedKind];
  const apiVersion = typeof item.apiVersion === 'string' ? item.apiVersion : undefined;
  // A Grove kind of any version of its group (the stored version may move on); core kinds are v1.
  const sameGroup = apiVersion === undefined || (info.group === '' ? apiVersion === info.apiVersion : apiVersion.startsWith(`${info.group}/`));
  return sameGroup ? (kind as WatchedKind) : undefined;
}

/** The kind we read an item as for ClusterState, or undefined to skip it (other kinds, other API groups). */
function itemKind(item: unknown, listKind: string | undefined): ItemKind | undefined {
  const kind = watchedKindOf(item, listKind);
  return kind === 'Node' || kind === 'Pod' || kind === 'ClusterTopologyBinding' ? kind : undefined;
}

/** The items of a snapshot (a List, a typed list, or one object), or the problem with its shape. */
function snapshotItems(snapshot: unknown): { items: unknown[]; itemsPath: string; listKind: string | undefined } | { error: FieldError } {
  if (!isRecord(snapshot)) return { error: new FieldError('', `a cluster snapshot must be a Kubernetes List object, got ${describe(snapshot)}`) };
  const listKind = typeof snapshot.kind === 'string' ? snapshot.kind : undefined;
  // `kubectl get node NAME -o json` prints the object itself; read it as a one-item list.
  if (listKind !== undefined && !listKind.endsWith('List') && itemKind(snapshot, undefined)) return { items: [snapshot], itemsPath: '', listKind };
  if (Array.isArray(snapshot.items)) return { items: snapshot.items, itemsPath: 'items', listKind };
  const problem = snapshot.items === undefined ? 'is required (a cluster snapshot is a Kubernetes List)' : `must be a list, got ${describe(snapshot.items)}`;
  return { error: new FieldError('items', problem) };
}

/** An object of a snapshot that the simulated cluster serves, with its JSON path in the file. */
export interface SnapshotObject {
  kind: WatchedKind;
  object: Json & { metadata: Json & { name: string } };
  path: string;
}

/** What a snapshot holds for the simulator: its objects of every watched kind, and the count per kind of what it leaves out. */
export interface SnapshotObjects {
  objects: SnapshotObject[];
  /** Kind (with its apiVersion when a watched kind's name is of another group) → items left out, most first. */
  ignored: [string, number][];
}

/**
 * Every item of a snapshot of a kind the simulated cluster serves (Nodes, Pods, bindings, Grove's kinds,
 * Events), with its kind set (items of typed lists carry none); the others counted per kind. Nodes,
 * Pods and bindings must also read as ClusterState (parseClusterSnapshot); an object of another watched
 * kind needs a metadata.name. Throws SnapshotError with every problem's JSON path.
 */
export function snapshotObjects(snapshot: unknown): SnapshotObjects {
  const parsed = parseClusterSnapshot(snapshot);
  if (!parsed.ok) throw new SnapshotError(parsed.errors);
  const found = snapshotItems(snapshot);
  if ('error' in found) throw new SnapshotError([found.error]);
  const objects: SnapshotObject[] = [];
  const ignored = new Map<string, number>();
  const errors: FieldError[] = [];
  found.items.forEach((item, index) => {
    const path = found.itemsPath === '' ? '' : fieldPath(found.itemsPath, index);
    const kind = watchedKindOf(item, found.listKind);
    if (!kind) {
      const named = isRecord(item) ? namedKind(item, found.listKind) : undefined;
      const what = named === undefined ? `an item that is not an object with a kind` : (WATCHED_KINDS as readonly string[]).includes(named) ? `${named} (${String((item as Json).apiVersion)})` : named;
      ignored.set(what, (ignored.get(what) ?? 0) + 1);
      return;
    }
    const object = item as Json;
    const metadata = isRecord(object.metadata) ? object.metadata : undefined;
    if (typeof metadata?.name !== 'string' || metadata.name === '') {
      if (errors.length < MAX_ERRORS) errors.push(new FieldError(fieldPath(fieldPath(path, 'metadata'), 'name'), 'is required'));
      return;
    }
    objects.push({ kind, object: { ...object, metadata: { ...metadata, name: metadata.name }, kind, apiVersion: typeof object.apiVersion === 'string' ? object.apiVersion : KIND_INFO[kind].apiVersion }, path });
  });
  if (errors.length > 0) throw new SnapshotError(errors);
  return { objects, ignored: [...ignored].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])) };
}

/** "ignored 12 items of kinds Canopy does not simulate: Deployment (10), Service (2)", or undefined when none were. */
export function ignoredKindsNote(ignored: SnapshotObjects['ignored']): string | undefined {
  const total = ignored.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return undefined;
  return `ignored ${total} item${total === 1 ? '' : 's'} of kinds Canopy does not simulate: ${ignored.map(([kind, n]) => `${kind} (${n})`).join(', ')}`;
}

/**
 * Read a snapshot, collecting every problem instead of stopping at the first. Its lists come out in key
 * order (inKeyOrder) whatever the file's order, so a hand-made or reordered file plans as the cluster does.
 */
export function parseClusterSnapshot(snapshot: unknown): SnapshotResult {
  const found = snapshotItems(snapshot);
  if ('error' in found) return { ok: false, errors: [found.error] };
  const { items, itemsPath, listKind } = found;

  const state: ClusterState = { nodes: [], pods: [], topologies: [] };
  const errors: FieldError[] = [];
  const nodeNames = new Set<string>();
  const podNames = new Set<string>();
  const bindingNames = new Set<string>();
  items.forEach((item, index) => {
    if (errors.length >= MAX_ERRORS) return;
    const at = itemsPath === '' ? '' : fieldPath(itemsPath, index);
    try {
      switch (itemKind(item, listKind)) {
        case 'Node': {
          const node = nodeInfoFromNode(item, at);
          if (nodeNames.has(node.name)) throw new FieldError(fieldPath(at, 'metadata'), `node "${node.name}" appears twice`);
          nodeNames.add(node.name);
          state.nodes.push(node);
          break;
        }
        case 'Pod': {
          const pod = podInfoFromPod(item, at);
          const key = `${pod.namespace}/${pod.name}`;
          if (podNames.has(key)) throw new FieldError(fieldPath(at, 'metadata'), `pod "${key}" appears twice`);
          podNames.add(key);
          state.pods.push(pod);
          break;
        }
        case 'ClusterTopologyBinding': {
          const topology = topologyInfoFromBinding(item, at);
          if (bindingNames.has(topology.name)) {
            throw new FieldError(fieldPath(at, 'metadata'), `ClusterTopologyBinding "${topology.name}" appears twice`);
          }
          bindingNames.add(topology.name);
          state.topologies.push(topology);
          break;
        }
        default:
          break;
      }
    } catch (error) {
      if (!(error instanceof FieldError)) throw error;
      errors.push(error);
    }
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, state: inKeyOrder(state) };
}

/** `items` sorted by `key` in code-unit order (an apiserver's byte order for Kubernetes' ASCII names), keys computed once. */
function sortedByKey<T>(items: readonly T[], key: (item: T) => string): T[] {
  return items
    .map((item) => ({ item, key: key(item) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ item }) => item);
}

/**
 * The ClusterState with each list in key order: Nodes and bindings by name, Pods by `namespace/name`,
 * the order an apiserver lists them in. Placement breaks ties by input order, so every reader of a
 * cluster (a snapshot file in any order, the server's list, the browser's watch stores, the simulated
 * scheduler's store) sorts with this one rule, and plans a stack on the same nodes.
 */
export function inKeyOrder(state: ClusterState): ClusterState {
  return {
    nodes: sortedByKey(state.nodes, (n) => n.name),
    pods: sortedByKey(state.pods, (p) => `${p.namespace}/${p.name}`),
    topologies: sortedByKey(state.topologies, (t) => t.name),
  };
}

/** Read a snapshot; throws SnapshotError (every problem with its JSON path) when it is not usable. */
export function clusterStateFromSnapshot(snapshot: unknown): ClusterState {
  const result = parseClusterSnapshot(snapshot);
  if (!result.ok) throw new SnapshotError(result.errors);
  return result.state;
}

/** Wrap objects in a List exactly as kubectl prints one. */
export function kubeList(items: readonly unknown[]): KubeList {
  return { apiVersion: 'v1', kind: 'List', items: [...items], metadata: { resourceVersion: '' } };
}

/**
 * The snapshot of an empty cluster built from a topology spec: its Nodes, its ClusterTopologyBinding,
 * then `extraItems` (pods, more bindings, …) — the same file a user would take from a real cluster.
 */
export function snapshotFromTopologySpec(spec: TopologySpec, extraItems: readonly unknown[] = []): KubeList {
  return kubeList([...nodesFromTopologySpec(spec), topologyBindingFromSpec(spec), ...extraItems]);
}
