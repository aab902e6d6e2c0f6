import { describe, expect, it } from 'vitest';
import { clusterStateFromObjects } from '../../lib/cluster/fromObjects';
import type { KubeObject } from '../../lib/grove/meta';
import { nodesFromTopologySpec, smallTestTopology, topologyBindingFromSpec } from '../../lib/topology/spec';
import { createClusterStateReader, podInfosOf } from './useClusterState';

const spec = smallTestTopology('t', { nodes: 2, gpusPerNode: 4 });
const nodes = nodesFromTopologySpec(spec) as KubeObject[];
const bindings = [topologyBindingFromSpec(spec)] as KubeObject[];
const pod = (name: string, gpus: number, node = 't-r0-n0'): KubeObject =>
  ({ metadata: { namespace: 'ns', name }, spec: { nodeName: node, containers: [{ name: 'c', resources: { limits: { 'nvidia.com/gpu': String(gpus) } } }] }, status: { phase: 'Running' } }) as KubeObject;
/** No spec: podInfoFromPod refuses it. */
const broken = { metadata: { namespace: 'ns', name: 'broken' } } as KubeObject;

describe('podInfosOf', () => {
  it('reads each Pod object once: the same object gives the same PodInfo, a changed one is read again', () => {
    const a = pod('a', 1);
    const b = pod('b', 2);
    const first = podInfosOf([a, b]);
    expect(first.pods.map((p) => [p.name, p.requests.gpu])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    const b2 = pod('b', 3); // the store hands out a new object when the pod changes
    const second = podInfosOf([a, b2]);
    expect(second.pods[0]).toBe(first.pods[0]);
    expect(second.pods[1]).not.toBe(first.pods[1]);
    expect(second.pods[1]!.requests.gpu).toBe(3);
  });

  it('leaves an unreadable pod out and counts it', () => {
    const result = podInfosOf([pod('a', 1), broken, pod('c', 1)]);
    expect(result.pods.map((p) => p.name)).toEqual(['a', 'c']);
    expect(result.unreadable).toBe(1);
  });
});

describe('createClusterStateReader', () => {
  it('reads what clusterStateFromObjects reads', () => {
    const pods = [pod('a', 2), pod('b', 1, 't-r0-n1')];
    const view = createClusterStateReader()(nodes, bindings, pods);
    expect(view.error).toBeNull();
    expect(view.unreadablePods).toBe(0);
    expect(view.state).toEqual(clusterStateFromObjects({ nodes, pods, clusterTopologyBindings: bindings }));
    expect(view.base).toEqual({ ...view.state, pods: [] });
  });

  it('keeps the view for the same lists, and the base (not the state) when only the pods change', () => {
    const read = createClusterStateReader();
    const pods = [pod('a', 2)];
    const first = read(nodes, bindings, pods);
    expect(read(nodes, bindings, pods)).toBe(first);
    const second = read(nodes, bindings, [...pods, pod('b', 1)]);
    expect(second.base).toBe(first.base);
    expect(second.state).not.toBe(first.state);
    expect(second.state!.pods.map((p) => p.name)).toEqual(['a', 'b']);
    expect(second.state!.pods[0]).toBe(first.state!.pods[0]);
    const third = read([...nodes], bindings, pods);
    expect(third.base).not.toBe(first.base); // new Nodes list: read again
    expect(third.base).toEqual(first.base);
  });

  it('reports unreadable nodes with the JSON path, and skips unreadable pods with a count', () => {
    const read = createClusterStateReader();
    const bad = read([{ metadata: {} } as KubeObject], bindings, [pod('a', 1)]);
    expect(bad).toMatchObject({ base: null, state: null, unreadablePods: 0 });
    expect(bad.error).toMatch(/items\[0\]/);
    const odd = read(nodes, bindings, [pod('a', 1), broken]);
    expect(odd.error).toBeNull();
    expect(odd.unreadablePods).toBe(1);
    expect(odd.state!.pods.map((p) => p.name)).toEqual(['a']);
  });
});
