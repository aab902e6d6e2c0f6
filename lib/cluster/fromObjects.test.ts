import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../grove/meta';
import { SnapshotError } from '../topology/snapshot';
import { nodesFromTopologySpec, smallTestTopology, topologyBindingFromSpec } from '../topology/spec';
import { clusterStateFromObjects } from './fromObjects';

const spec = smallTestTopology('t', { nodes: 2, gpusPerNode: 4 });
/** What a watch store holds: objects as the apiserver sends them in a list, without kind/apiVersion. */
const bare = (o: object): KubeObject => {
  const { kind: _k, apiVersion: _a, ...rest } = o as Record<string, unknown>;
  return rest as KubeObject;
};

describe('clusterStateFromObjects', () => {
  it('reads store objects without kind or apiVersion, as a snapshot of the same objects reads', () => {
    const pod = { metadata: { namespace: 'ns', name: 'p', labels: { a: 'b' } }, spec: { nodeName: 't-r0-n0', containers: [{ name: 'c', resources: { limits: { 'nvidia.com/gpu': '2' } } }] }, status: { phase: 'Running' } };
    const state = clusterStateFromObjects({
      nodes: nodesFromTopologySpec(spec).map(bare),
      pods: [pod as KubeObject],
      clusterTopologyBindings: [bare(topologyBindingFromSpec(spec))],
    });
    expect(state.nodes.map((n) => [n.name, n.allocatable.gpu])).toEqual([
      ['t-r0-n0', 4],
      ['t-r0-n1', 4],
    ]);
    expect(state.pods).toMatchObject([{ namespace: 'ns', name: 'p', nodeName: 't-r0-n0', requests: { gpu: 2 } }]);
    expect(state.topologies.map((t) => t.levels.map((l) => l.domain))).toEqual([['rack', 'host']]);
  });

  it('refuses a malformed object with its JSON path', () => {
    expect(() => clusterStateFromObjects({ nodes: [{ metadata: {} } as KubeObject], pods: [], clusterTopologyBindings: [] })).toThrow(SnapshotError);
    expect(() => clusterStateFromObjects({ nodes: [{ metadata: {} } as KubeObject], pods: [], clusterTopologyBindings: [] })).toThrow(/items\[0\]/);
  });
});
