/**
 * Cluster snapshot: a Kubernetes `List` exactly as
 *   kubectl get nodes,pods,clustertopologybindings -A -o json
 * prints it, turned into ClusterState (and built from a topology spec, so the simulator, the tests
 * and a user's real cluster share one file format). Kinds other than Node, Pod and
 * ClusterTopologyBinding are ignored. Every problem names its JSON path.
 */
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

/** The kind we read an item as, or undefined to skip it (other kinds, other API groups). */
function itemKind(item: unknown, listKind: string | undefined): ItemKind | undefined {
  if (!isRecord(item)) return undefined;
  // Typed lists straight from the API (NodeList, PodList) leave kind/apiVersion off their items.
  const kind = typeof item.kind === 'string' ? item.kind : listKind?.replace(/List$/, '');
  const apiVersion = typeof item.apiVersion === 'string' ? item.apiVersion : undefined;
  if (kind === 'Node' || kind === 'Pod') return apiVersion === undefined || apiVersion === 'v1' ? kind : undefined;
  if (kind === 'ClusterTopologyBinding') {
    return apiVersion === undefined || apiVersion.startsWith(GROVE_GROUP) ? kind : undefined;
  }
  return undefined;
}

/** Read a snapshot, collecting every problem instead of stopping at the first. */
export function parseClusterSnapshot(snapshot: unknown): SnapshotResult {
  if (!isRecord(snapshot)) {
    return { ok: false, errors: [new FieldError('', `a cluster snapshot must be a Kubernetes List object, got ${describe(snapshot)}`)] };
  }
  const listKind = typeof snapshot.kind === 'string' ? snapshot.kind : undefined;
  let items: unknown[];
  let itemsPath = 'items';
  if (listKind !== undefined && !listKind.endsWith('List') && itemKind(snapshot, undefined)) {
    // `kubectl get node NAME -o json` prints the object itself; read it as a one-item list.
    items = [snapshot];
    itemsPath = '';
  } else if (Array.isArray(snapshot.items)) {
    items = snapshot.items;
  } else {
    const problem = snapshot.items === undefined ? 'is required (a cluster snapshot is a Kubernetes List)' : `must be a list, got ${describe(snapshot.items)}`;
    return { ok: false, errors: [new FieldError('items', problem)] };
  }

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
  return errors.length > 0 ? { ok: false, errors } : { ok: true, state };
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
