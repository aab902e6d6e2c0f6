/**
 * ClusterState from the objects a watch store holds (the browser's ClusterStore, the server's hub):
 * the same reading as a cluster snapshot, so a preview in the browser and `canopy place` on a
 * snapshot of the same cluster see the same cluster.
 */
import type { KubeObject } from '../grove/meta';
import { clusterStateFromSnapshot, kubeList } from '../topology/snapshot';
import type { ClusterState } from './state';

export interface ClusterObjects {
  nodes: readonly KubeObject[];
  pods: readonly KubeObject[];
  clusterTopologyBindings: readonly KubeObject[];
}

/**
 * Throws SnapshotError (with JSON paths) on an object the snapshot reader refuses; objects from an
 * apiserver never are. Watch stores drop `kind`/`apiVersion` on some paths, so they are set here.
 */
export function clusterStateFromObjects(objects: ClusterObjects): ClusterState {
  const typed = (kind: string, apiVersion: string) => (o: KubeObject) => ({ ...o, kind, apiVersion });
  return clusterStateFromSnapshot(
    kubeList([
      ...objects.nodes.map(typed('Node', 'v1')),
      ...objects.pods.map(typed('Pod', 'v1')),
      ...objects.clusterTopologyBindings.map((o) => ({ ...o, kind: 'ClusterTopologyBinding', apiVersion: o.apiVersion ?? 'grove.io/v1alpha1' })),
    ]),
  );
}
