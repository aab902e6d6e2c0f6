/**
 * Resource maps (`{"cpu":"500m","nvidia.com/gpu":"8"}`) → Resources, and what a pod asks of a node,
 * computed the way the scheduler's NodeResourcesFit filter does (k8s.io/component-helpers
 * resource.PodRequests). The one owner of that arithmetic: snapshots, live pods and gang expansion
 * all call podRequests.
 */
import { RESOURCE_GPU } from '../grove/core';
import { qualifiedNameError } from '../grove/meta';
import { FieldError, fieldPath } from './fieldPath';
import { QuantityError, bytes, cpuMillis, parseQuantity, wholeCount } from './quantity';
import type { Resources } from './state';

export const RESOURCE_CPU = 'cpu';
export const RESOURCE_MEMORY = 'memory';
export const RESOURCE_PODS = 'pods';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function zeroResources(): Resources {
  return { gpu: 0, cpuMilli: 0, memory: 0, pods: 0 };
}

/**
 * Kubernetes' IsExtendedResourceName (pkg/apis/core/v1/helper): a name with a domain outside
 * kubernetes.io and its subdomains (nvidia.com/gpu, rdma/ib, example.com/fpga), not starting with
 * quota's "requests." prefix, and still a qualified name with that prefix. The apiserver takes such
 * resources in whole units only and never overcommits them.
 */
export function isExtendedResourceName(name: string): boolean {
  if (!name.includes('/') || name.includes('kubernetes.io/') || name.startsWith('requests.')) return false;
  return qualifiedNameError(`requests.${name}`) === null;
}

/**
 * Whether placement keeps `name` in Resources.extended: an extended resource other than the GPU
 * (which has its own field). ephemeral-storage and hugepages-<size> are not tracked: every node
 * reports them, so every node and every plan would carry them, while GPU pods seldom request them;
 * names under *.kubernetes.io/ are not extended resources and no device plugin advertises one.
 */
function isTrackedExtendedResource(name: string): boolean {
  return name !== RESOURCE_GPU && isExtendedResourceName(name);
}

/** Combine two extended maps per name; undefined when both are absent. */
function mergeExtended(a: Resources['extended'], b: Resources['extended'], op: (x: number, y: number) => number): Resources['extended'] {
  if (!a && !b) return undefined;
  const out: Record<string, number> = { ...a };
  for (const [name, v] of Object.entries(b ?? {})) out[name] = op(out[name] ?? 0, v);
  if (a && b) for (const name of Object.keys(a)) if (!(name in b)) out[name] = op(a[name]!, 0);
  return out;
}

function withExtended(r: Omit<Resources, 'extended'>, extended: Resources['extended']): Resources {
  return extended && Object.keys(extended).length > 0 ? { ...r, extended } : r;
}

export function addResources(a: Resources, b: Resources): Resources {
  return withExtended(
    { gpu: a.gpu + b.gpu, cpuMilli: a.cpuMilli + b.cpuMilli, memory: a.memory + b.memory, pods: a.pods + b.pods },
    mergeExtended(a.extended, b.extended, (x, y) => x + y),
  );
}

export function maxResources(a: Resources, b: Resources): Resources {
  return withExtended(
    {
      gpu: Math.max(a.gpu, b.gpu),
      cpuMilli: Math.max(a.cpuMilli, b.cpuMilli),
      memory: Math.max(a.memory, b.memory),
      pods: Math.max(a.pods, b.pods),
    },
    mergeExtended(a.extended, b.extended, Math.max),
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parse one quantity of a resource map into its ClusterState unit, naming the field on error. */
function quantityAt(path: string, name: string, value: unknown): number | undefined {
  try {
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new QuantityError(value, 'is not a quantity (expected a string such as "500m" or "64Gi")');
    }
    switch (name) {
      case RESOURCE_CPU:
        return cpuMillis(value);
      case RESOURCE_MEMORY:
        return bytes(value);
      case RESOURCE_GPU:
      case RESOURCE_PODS:
        return wholeCount(value);
      default:
        // Extended resources are whole counts in the pod spec; allocatable may say "1k". Value() rounding.
        if (isTrackedExtendedResource(name)) return bytes(value);
        parseQuantity(value); // other resources are not tracked, but a broken one is still an error
        return undefined;
    }
  } catch (error) {
    if (error instanceof QuantityError) throw new FieldError(path, error.message);
    throw error;
  }
}

/**
 * The tracked resources of a resource map (Node allocatable/capacity, container requests/limits).
 * Missing resources are 0; every quantity, tracked or not, must parse. `undefined` map → all zero.
 */
export function resourcesFromMap(map: unknown, path: string): Resources {
  const out = zeroResources();
  if (map === undefined || map === null) return out;
  if (!isRecord(map)) throw new FieldError(path, `must be a map of resource name to quantity, got ${describe(map)}`);
  for (const [name, value] of Object.entries(map)) {
    const amount = quantityAt(fieldPath(path, name), name, value);
    if (amount === undefined) continue;
    setResource(out, name, amount);
  }
  return out;
}

function setResource(out: Mutable<Resources>, name: string, amount: number): void {
  if (name === RESOURCE_CPU) out.cpuMilli = amount;
  else if (name === RESOURCE_MEMORY) out.memory = amount;
  else if (name === RESOURCE_GPU) out.gpu = amount;
  else if (name === RESOURCE_PODS) out.pods = amount;
  else out.extended = { ...out.extended, [name]: amount };
}

/**
 * Effective requests of one container: requests, and for each resource with a limit but no request,
 * the limit. The apiserver defaults requests from limits this way on create (SetDefaults_Pod), so
 * objects read back already carry both; hand-written snapshots (GPU only in limits) get the same answer.
 */
export function containerRequests(resources: unknown, path: string): Resources {
  if (resources === undefined || resources === null) return zeroResources();
  if (!isRecord(resources)) throw new FieldError(path, `must be an object, got ${describe(resources)}`);
  const limits = resourcesFromMap(resources.limits, fieldPath(path, 'limits'));
  const requests = resourcesFromMap(resources.requests, fieldPath(path, 'requests'));
  const requestMap = isRecord(resources.requests) ? resources.requests : {};
  const limitMap = isRecord(resources.limits) ? resources.limits : {};
  const has = (name: string): boolean => Object.hasOwn(requestMap, name);
  const limited = (name: string): boolean => Object.hasOwn(limitMap, name);
  let extended: Record<string, number> | undefined;
  for (const name of new Set([...Object.keys(requests.extended ?? {}), ...Object.keys(limits.extended ?? {})])) {
    const v = has(name) || !limited(name) ? (requests.extended?.[name] ?? 0) : limits.extended![name]!;
    if (v > 0) (extended ??= {})[name] = v;
  }
  return withExtended(
    {
      gpu: has(RESOURCE_GPU) || !limited(RESOURCE_GPU) ? requests.gpu : limits.gpu,
      cpuMilli: has(RESOURCE_CPU) || !limited(RESOURCE_CPU) ? requests.cpuMilli : limits.cpuMilli,
      memory: has(RESOURCE_MEMORY) || !limited(RESOURCE_MEMORY) ? requests.memory : limits.memory,
      // "pods" is not a container resource; it is added once per pod below.
      pods: 0,
    },
    extended,
  );
}

function containers(value: unknown, path: string): Record<string, unknown>[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new FieldError(path, `must be a list of containers, got ${describe(value)}`);
  return value.map((container, index) => {
    if (!isRecord(container)) throw new FieldError(fieldPath(path, index), `must be a container object, got ${describe(container)}`);
    return container;
  });
}

/**
 * What a pod takes from a node (NodeResourcesFit), plus one pod slot:
 *   max(Σ containers + Σ sidecars, each init container on top of the sidecars started before it)
 *   + spec.overhead
 * Sidecars are init containers with restartPolicy: Always (KEP-753): they keep running beside the
 * app containers. Pod-level `spec.resources` (KEP-2837), when it sets cpu or memory, replaces the
 * container sum for that resource. The scheduler's "non-zero" defaults (100m, 200Mi) only affect
 * scoring, not fit, so they are not applied.
 */
export function podRequests(spec: unknown, path = 'spec'): Resources {
  if (!isRecord(spec)) throw new FieldError(path, `must be a pod spec object, got ${describe(spec)}`);
  const appPath = fieldPath(path, 'containers');
  let sum = zeroResources();
  containers(spec.containers, appPath).forEach((container, index) => {
    sum = addResources(sum, containerRequests(container.resources, fieldPath(fieldPath(appPath, index), 'resources')));
  });

  const initPath = fieldPath(path, 'initContainers');
  let sidecars = zeroResources();
  let initPeak = zeroResources();
  containers(spec.initContainers, initPath).forEach((container, index) => {
    const own = containerRequests(container.resources, fieldPath(fieldPath(initPath, index), 'resources'));
    if (container.restartPolicy === 'Always') {
      sum = addResources(sum, own);
      sidecars = addResources(sidecars, own);
      initPeak = maxResources(initPeak, sidecars);
    } else {
      initPeak = maxResources(initPeak, addResources(own, sidecars));
    }
  });
  let total = maxResources(sum, initPeak);

  if (spec.resources !== undefined && spec.resources !== null) {
    const podLevelPath = fieldPath(path, 'resources');
    const podLevel = containerRequests(spec.resources, podLevelPath);
    const declared = (name: string): boolean =>
      isRecord(spec.resources) &&
      ((isRecord(spec.resources.requests) && Object.hasOwn(spec.resources.requests, name)) ||
        (isRecord(spec.resources.limits) && Object.hasOwn(spec.resources.limits, name)));
    total = {
      ...total,
      cpuMilli: declared(RESOURCE_CPU) ? podLevel.cpuMilli : total.cpuMilli,
      memory: declared(RESOURCE_MEMORY) ? podLevel.memory : total.memory,
    };
  }

  const overhead = resourcesFromMap(spec.overhead, fieldPath(path, 'overhead'));
  return addResources(addResources(total, overhead), { gpu: 0, cpuMilli: 0, memory: 0, pods: 1 });
}

export function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value);
  return `${typeof value} ${String(value)}`;
}
