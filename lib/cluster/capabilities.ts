/** What the current identity may do with each Grove kind in a namespace: the server computes it (SelfSubjectAccessReview), the UI enables buttons by it. */
import type { WatchedKind } from './kinds';

/** The access check behind a permission, as the server asked it (SelfSubjectAccessReview resourceAttributes). */
export interface AccessCheck {
  verb: string;
  resource: string;
  subresource?: string;
  namespace?: string;
}

export interface Permission {
  allowed: boolean;
  reason?: string;
  /** What was checked: a refusal can name the right that is missing. */
  check?: AccessCheck;
}

/** "needs patch on podcliquescalinggroups/scale in namespace default": the right a refused check asked for. */
export function accessNeeded(check: AccessCheck): string {
  const resource = check.subresource ? `${check.resource}/${check.subresource}` : check.resource;
  return `needs ${check.verb} on ${resource}${check.namespace ? ` in namespace ${check.namespace}` : ' cluster-wide'}`;
}

/** "You may not scale PodClique x (needs patch on podcliques/scale in namespace default): reason". */
export function refusedPermissionText(action: string, permission: Permission): string {
  const needs = permission.check ? ` (${accessNeeded(permission.check)})` : '';
  return `You may not ${action}${needs}${permission.reason ? `: ${permission.reason}` : ''}`;
}

export interface KindCapabilities {
  apply: Permission;
  delete: Permission;
  /** Only for kinds with a /scale subresource. */
  scale?: Permission;
}

export interface Capabilities {
  namespace: string;
  readOnly: boolean;
  kinds: Partial<Record<WatchedKind, KindCapabilities>>;
}
