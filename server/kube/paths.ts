/** REST paths of the watched kinds (lib/cluster/kinds), and the one clean-up every handed-out object gets. */
import { KIND_INFO, type KindInfo, type WatchedKind } from '../../lib/cluster/kinds';

export function groupPrefix(info: Pick<KindInfo, 'group' | 'version'>): string {
  return info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
}

/** Collection path: all namespaces when `namespace` is undefined (or the kind is cluster-scoped). */
export function collectionPath(kind: WatchedKind, namespace?: string): string {
  const info = KIND_INFO[kind];
  const ns = info.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${groupPrefix(info)}${ns}/${info.plural}`;
}

export function objectPath(kind: WatchedKind, namespace: string | undefined, name: string, subresource?: string): string {
  return `${collectionPath(kind, namespace)}/${encodeURIComponent(name)}${subresource ? `/${subresource}` : ''}`;
}

/** The kind of an apiVersion/kind pair, if Canopy knows it. */
export function watchedKindOf(apiVersion: unknown, kind: unknown): WatchedKind | null {
  for (const info of Object.values(KIND_INFO)) if (info.apiVersion === apiVersion && info.kind === kind) return info.kind;
  return null;
}
