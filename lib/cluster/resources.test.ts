import { describe, expect, it } from 'vitest';
import { FieldError, fieldPath } from './fieldPath';
import { containerRequests, isExtendedResourceName, podRequests, resourcesFromMap } from './resources';

const MI = 1024 ** 2;
const GI = 1024 ** 3;

function container(requests?: Record<string, string>, limits?: Record<string, string>, extra: Record<string, unknown> = {}) {
  return { name: 'c', image: 'x', resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) }, ...extra };
}

function thrown(fn: () => unknown): FieldError {
  try {
    fn();
  } catch (error) {
    if (error instanceof FieldError) return error;
    throw error;
  }
  throw new Error('did not throw');
}

describe('fieldPath', () => {
  it('writes identifiers with dots, other keys in brackets, indices as [n]', () => {
    expect(fieldPath('', 'items')).toBe('items');
    expect(fieldPath(fieldPath(fieldPath('items', 3), 'status'), 'allocatable')).toBe('items[3].status.allocatable');
    expect(fieldPath('items[3].status.allocatable', 'nvidia.com/gpu')).toBe('items[3].status.allocatable["nvidia.com/gpu"]');
  });
});

describe('resourcesFromMap', () => {
  it('reads the tracked resources and checks the others', () => {
    expect(resourcesFromMap({ cpu: '500m', memory: '1Gi', 'nvidia.com/gpu': '8', pods: '110', 'ephemeral-storage': '100Gi' }, 'm')).toEqual({
      gpu: 8,
      cpuMilli: 500,
      memory: GI,
      pods: 110,
    });
    expect(thrown(() => resourcesFromMap({ 'hugepages-2Mi': 'lots' }, 'm')).message).toBe('m["hugepages-2Mi"]: "lots" is not a quantity');
  });

  it('names the field of a bad GPU count', () => {
    const error = thrown(() => resourcesFromMap({ 'nvidia.com/gpu': 'x' }, 'items[3].status.allocatable'));
    expect(error.path).toBe('items[3].status.allocatable["nvidia.com/gpu"]');
    expect(error.message).toBe('items[3].status.allocatable["nvidia.com/gpu"]: "x" is not a quantity');
    expect(thrown(() => resourcesFromMap({ 'nvidia.com/gpu': '0.5' }, 'm')).message).toBe('m["nvidia.com/gpu"]: "0.5" must be a whole number');
    expect(thrown(() => resourcesFromMap({ cpu: true }, 'm')).message).toMatch(/^m\.cpu: true is not a quantity/);
  });
});

describe('containerRequests', () => {
  it('takes a limit as the request when the request is missing (apiserver defaulting)', () => {
    expect(containerRequests({ limits: { 'nvidia.com/gpu': '4', cpu: '2', memory: '1Gi' } }, 'r')).toEqual({ gpu: 4, cpuMilli: 2000, memory: GI, pods: 0 });
    expect(containerRequests({ requests: { cpu: '1' }, limits: { cpu: '2', 'nvidia.com/gpu': '1' } }, 'r')).toEqual({ gpu: 1, cpuMilli: 1000, memory: 0, pods: 0 });
  });
});

describe('podRequests', () => {
  it('sums containers and adds one pod slot', () => {
    const spec = { containers: [container({ cpu: '1', memory: '1Gi' }), container({ cpu: '500m' }, { 'nvidia.com/gpu': '2' })] };
    expect(podRequests(spec)).toEqual({ gpu: 2, cpuMilli: 1500, memory: GI, pods: 1 });
  });

  it('takes the larger of the container sum and the biggest init container, per resource', () => {
    const spec = {
      initContainers: [container({ cpu: '4', memory: '100Mi' }), container({ memory: '3Gi' })],
      containers: [container({ cpu: '1', memory: '1Gi' }), container({ cpu: '1', memory: '1Gi' })],
    };
    expect(podRequests(spec)).toEqual({ gpu: 0, cpuMilli: 4000, memory: 3 * GI, pods: 1 });
  });

  it('adds sidecars (restartPolicy: Always init containers) to everything after them', () => {
    const spec = {
      initContainers: [
        container({ cpu: '1' }, undefined, { restartPolicy: 'Always' }),
        container({ cpu: '3' }), // runs beside the sidecar: 1 + 3
        container({ cpu: '500m' }, undefined, { restartPolicy: 'Always' }),
      ],
      containers: [container({ cpu: '2' })], // 2 + both sidecars = 3.5
    };
    expect(podRequests(spec).cpuMilli).toBe(4000);
    expect(podRequests({ ...spec, containers: [container({ cpu: '3' })] }).cpuMilli).toBe(4500);
  });

  it('adds spec.overhead (RuntimeClass) on top', () => {
    const spec = { containers: [container({ cpu: '1', memory: '1Gi' })], overhead: { cpu: '250m', memory: '120Mi' } };
    expect(podRequests(spec)).toEqual({ gpu: 0, cpuMilli: 1250, memory: GI + 120 * MI, pods: 1 });
  });

  it('lets pod-level resources replace the container sum for cpu and memory only', () => {
    const spec = {
      resources: { requests: { cpu: '8' }, limits: { memory: '16Gi' } },
      containers: [container({ cpu: '1', memory: '1Gi' }, { 'nvidia.com/gpu': '8' })],
    };
    expect(podRequests(spec)).toEqual({ gpu: 8, cpuMilli: 8000, memory: 16 * GI, pods: 1 });
  });

  it('asks nothing but a pod slot of a pod without requests', () => {
    expect(podRequests({ containers: [{ name: 'c', image: 'x' }] })).toEqual({ gpu: 0, cpuMilli: 0, memory: 0, pods: 1 });
  });

  it('names the path of a bad quantity or shape', () => {
    expect(thrown(() => podRequests({ containers: [container(), container({ cpu: 'lots' })] }, 'items[1].spec')).message).toBe(
      'items[1].spec.containers[1].resources.requests.cpu: "lots" is not a quantity',
    );
    expect(thrown(() => podRequests({ containers: {} }, 'spec')).message).toBe('spec.containers: must be a list of containers, got an object');
    expect(thrown(() => podRequests({ containers: [], initContainers: [3] })).message).toBe('spec.initContainers[0]: must be a container object, got number 3');
    expect(thrown(() => podRequests({ containers: [], overhead: { memory: '-1' } })).message).toBe('spec.overhead.memory: "-1" must not be negative');
  });
});

describe('extended resources', () => {
  it('pod requests carry extended resources, defaulted from limits; ephemeral-storage and hugepages are not tracked', () => {
    const r = podRequests({
      containers: [
        { resources: { requests: { cpu: '1', 'rdma/ib': '1', 'ephemeral-storage': '10Gi' }, limits: { 'rdma/ib': '1', 'hugepages-2Mi': '1Gi' } } },
        { resources: { limits: { 'rdma/ib': '2', 'example.com/fpga': '1' } } },
      ],
    });
    expect(r.extended).toEqual({ 'rdma/ib': 3, 'example.com/fpga': 1 });
    expect(r.gpu).toBe(0);
  });

  it('node allocatable carries them; a pod without any has no extended map', () => {
    expect(resourcesFromMap({ cpu: '4', 'rdma/ib': '2', 'nvidia.com/gpu': '8' }, 'status.allocatable').extended).toEqual({ 'rdma/ib': 2 });
    expect(podRequests({ containers: [{ resources: { requests: { cpu: '1', 'nvidia.com/gpu': '1' } } }] }).extended).toBeUndefined();
  });

  it('isExtendedResourceName is Kubernetes\' rule: a domain outside kubernetes.io, no "requests." prefix, a qualified name', () => {
    for (const name of ['nvidia.com/gpu', 'rdma/ib', 'example.com/fpga', 'hardware-vendor.example/foo', 'example.com/a_b.c']) expect(isExtendedResourceName(name), name).toBe(true);
    for (const name of ['cpu', 'memory', 'pods', 'ephemeral-storage', 'hugepages-2Mi', 'kubernetes.io/something', 'example.kubernetes.io/foo', 'requests.example.com/foo', 'Example.com/foo', 'example.com/', 'example.com/-x', 'a/b/c', `example.com/${'x'.repeat(64)}`]) {
      expect(isExtendedResourceName(name), name).toBe(false);
    }
  });

  it('placement tracks the extended resources other than the GPU (its own field), and nothing under kubernetes.io', () => {
    const r = resourcesFromMap({ 'nvidia.com/gpu': '8', 'example.com/fpga': '2', 'example.kubernetes.io/foo': '3', 'Bad.Domain/x': '1' }, 'status.allocatable');
    expect(r.gpu).toBe(8);
    expect(r.extended).toEqual({ 'example.com/fpga': 2 });
  });

  it('a broken extended quantity names its field', () => {
    expect(() => podRequests({ containers: [{ resources: { requests: { 'rdma/ib': 'lots' } } }] })).toThrow(/spec\.containers\[0\]\.resources\.requests\["?rdma\/ib"?\]|rdma\/ib/);
  });
});
