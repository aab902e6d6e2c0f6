/** REST paths of the watched kinds (lib/cluster/kinds), and the one clean-up every handed-out object gets. */
import { KIND_INFO, type KindInfo, type WatchedKind } from '../../lib/cluster/kinds';
import { ActionFailure } from '../actions/errors';

export function groupPrefix(info: Pick<KindInfo, 'group' | 'version'>): string {
  return info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
}

/**
 * A name or namespace as one URL path segment. Refused as client-go's IsValidPathSegmentName refuses:
 * "." and ".." (URL resolution drops or climbs them, so DELETE of "." would hit the collection: a
 * deletecollection), and "/" or "%" (another segment, or an escape the apiserver decodes).
 */
export function pathSegment(value: string, what: 'name' | 'namespace'): string {
  const problem = value === '.' || value === '..' ? `may not be "${value}"` : value.includes('/') ? 'may not contain "/"' : value.includes('%') ? 'may not contain "%"' : null;
  if (problem) throw new ActionFailure({ status: 400, reason: 'BadRequest', message: `${what} ${JSON.stringify(value)} ${problem}`, causes: [{ field: `metadata.${what}`, message: problem }] });
  return encodeURIComponent(value);
}

/** `/namespaces/<ns>`, or nothing without a namespace. */
export function namespaceSegment(namespace: string | undefined): string {
  return namespace ? `/namespaces/${pathSegment(namespace, 'namespace')}` : '';
}

/** Collection path: all namespaces when `namespace` is undefined (or the kind is cluster-scoped). */
export function collectionPath(kind: WatchedKind, namespace?: string): string {
  const info = KIND_INFO[kind];
  return `${groupPrefix(info)}${namespaceSegment(info.namespaced ? namespace : undefined)}/${info.plural}`;
}

export function objectPath(kind: WatchedKind, namespace: string | undefined, name: string, subresource?: string): string {
  return `${collectionPath(kind, namespace)}/${pathSegment(name, 'name')}${subresource ? `/${subresource}` : ''}`;
}

/** The kind of an apiVersion/kind pair, if Canopy knows it. */
export function watchedKindOf(apiVersion: unknown, kind: unknown): WatchedKind | null {
  for (const info of Object.values(KIND_INFO)) if (info.apiVersion === apiVersion && info.kind === kind) return info.kind;
  return null;
}
