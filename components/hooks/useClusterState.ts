'use client';
/**
 * The cluster as placement and the heatmap read it (ClusterState), built from the tab's watched Nodes,
 * Pods and ClusterTopologyBindings. One reader for every page:
 * - the part from Nodes and bindings (`base`, pods empty) is rebuilt only when those change, and stays
 *   the same object otherwise: the heatmap keys its layout on it, so a pod event only re-occupies cells;
 * - each Pod object is read once (PodInfo cached per object in a WeakMap: the store hands out the same
 *   object until that pod changes), so a pod event costs the changed pods, not all of them;
 * - the result is memoised on the three lists, so components reading it at the same time share one
 *   ClusterState object.
 */
import { clusterStateFromObjects } from '../../lib/cluster/fromObjects';
import type { ClusterState, PodInfo } from '../../lib/cluster/state';
import type { KubeObject } from '../../lib/grove/meta';
import { podInfoFromPod } from '../../lib/topology/snapshot';
import { useKindObjects } from './useClusterStream';

export interface ClusterStateView {
  /** Nodes and bindings only (pods empty); the same object while neither list changes. Null when unreadable. */
  base: ClusterState | null;
  /** `base` with the readable pods; the same object while the three lists hold. Null when `base` is. */
  state: ClusterState | null;
  /** Why the Nodes or bindings could not be read (with the JSON path of the field), else null. */
  error: string | null;
  /** Pods that could not be read: left out of `state` (one odd pod does not blank the cluster). */
  unreadablePods: number;
}

export interface PodInfos {
  pods: PodInfo[];
  unreadable: number;
}

const podInfoCache = new WeakMap<KubeObject, PodInfo | null>();

/** PodInfo per Pod object, read once per object (null when unreadable). */
export function podInfosOf(pods: readonly KubeObject[]): PodInfos {
  const out: PodInfo[] = [];
  let unreadable = 0;
  for (const pod of pods) {
    let info = podInfoCache.get(pod);
    if (info === undefined) {
      try {
        info = podInfoFromPod(pod);
      } catch {
        info = null;
      }
      podInfoCache.set(pod, info);
    }
    if (info) out.push(info);
    else unreadable++;
  }
  return { pods: out, unreadable };
}

type Base = { base: ClusterState; error: null } | { base: null; error: string };

function readBase(nodes: readonly KubeObject[], bindings: readonly KubeObject[]): Base {
  try {
    return { base: clusterStateFromObjects({ nodes, pods: [], clusterTopologyBindings: bindings }), error: null };
  } catch (error) {
    return { base: null, error: error instanceof Error ? error.message : String(error) };
  }
}

export type ClusterStateReader = (nodes: readonly KubeObject[], bindings: readonly KubeObject[], pods: readonly KubeObject[]) => ClusterStateView;

/**
 * A reader memoised on the identity of its three lists (one entry each for the base and the whole):
 * the same lists give the same view object, new pods with the same nodes and bindings keep `base`.
 */
export function createClusterStateReader(): ClusterStateReader {
  let lastBase: { nodes: readonly KubeObject[]; bindings: readonly KubeObject[]; read: Base } | null = null;
  let lastView: { read: Base; pods: readonly KubeObject[]; view: ClusterStateView } | null = null;
  return (nodes, bindings, pods) => {
    if (!lastBase || lastBase.nodes !== nodes || lastBase.bindings !== bindings) lastBase = { nodes, bindings, read: readBase(nodes, bindings) };
    const read = lastBase.read;
    if (lastView && lastView.read === read && lastView.pods === pods) return lastView.view;
    let view: ClusterStateView;
    if (read.base) {
      const infos = podInfosOf(pods);
      view = { base: read.base, state: { ...read.base, pods: infos.pods }, error: null, unreadablePods: infos.unreadable };
    } else view = { base: null, state: null, error: read.error, unreadablePods: 0 };
    lastView = { read, pods, view };
    return view;
  };
}

const tabReader = createClusterStateReader();
const DISABLED: ClusterStateView = Object.freeze({ base: null, state: null, error: null, unreadablePods: 0 });

/**
 * The tab's ClusterState, live. Re-renders when Nodes, Pods or bindings change. `enabled: false` keeps
 * the hook's place (hooks run unconditionally) without reading anything.
 */
export function useClusterState(options: { enabled?: boolean } = {}): ClusterStateView {
  const nodes = useKindObjects('Node');
  const pods = useKindObjects('Pod');
  const bindings = useKindObjects('ClusterTopologyBinding');
  return options.enabled === false ? DISABLED : tabReader(nodes, bindings, pods);
}
