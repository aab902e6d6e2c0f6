/**
 * The kinds Canopy watches, with what a client needs to list, watch and key them. One registry,
 * shared by the server's watch hub, the live and simulated sources and the browser store.
 */

export const WATCHED_KINDS = ['Node', 'Pod', 'PodCliqueSet', 'PodClique', 'PodCliqueScalingGroup', 'PodGang', 'ClusterTopologyBinding', 'Event'] as const;
export type WatchedKind = (typeof WATCHED_KINDS)[number];

export interface KindInfo {
  kind: WatchedKind;
  /** '' for the core group. */
  group: string;
  version: string;
  apiVersion: string;
  plural: string;
  namespaced: boolean;
}

const info = (kind: WatchedKind, group: string, version: string, plural: string, namespaced: boolean): KindInfo => ({
  kind,
  group,
  version,
  apiVersion: group ? `${group}/${version}` : version,
  plural,
  namespaced,
});

export const KIND_INFO: Record<WatchedKind, KindInfo> = {
  Node: info('Node', '', 'v1', 'nodes', false),
  Pod: info('Pod', '', 'v1', 'pods', true),
  PodCliqueSet: info('PodCliqueSet', 'grove.io', 'v1alpha1', 'podcliquesets', true),
  PodClique: info('PodClique', 'grove.io', 'v1alpha1', 'podcliques', true),
  PodCliqueScalingGroup: info('PodCliqueScalingGroup', 'grove.io', 'v1alpha1', 'podcliquescalinggroups', true),
  PodGang: info('PodGang', 'scheduler.grove.io', 'v1alpha1', 'podgangs', true),
  ClusterTopologyBinding: info('ClusterTopologyBinding', 'grove.io', 'v1alpha1', 'clustertopologybindings', false),
  Event: info('Event', '', 'v1', 'events', true),
};

/** Kinds the scale route accepts (each has a /scale subresource). */
export const SCALABLE_KINDS = ['PodCliqueSet', 'PodCliqueScalingGroup', 'PodClique'] as const;
export type ScalableKind = (typeof SCALABLE_KINDS)[number];

export const isScalableKind = (kind: unknown): kind is ScalableKind => typeof kind === 'string' && (SCALABLE_KINDS as readonly string[]).includes(kind);

export function isWatchedKind(kind: string): kind is WatchedKind {
  return (WATCHED_KINDS as readonly string[]).includes(kind);
}

/** Store key of an object: `namespace/name`, or `name` for cluster-scoped kinds. */
export function objectKey(object: { metadata?: { namespace?: string; name?: string } }): string {
  const ns = object.metadata?.namespace;
  return ns ? `${ns}/${object.metadata?.name ?? ''}` : (object.metadata?.name ?? '');
}
