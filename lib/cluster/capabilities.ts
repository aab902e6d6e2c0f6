/** What the current identity may do with each Grove kind in a namespace: the server computes it (SelfSubjectAccessReview), the UI enables buttons by it. */
import type { WatchedKind } from './kinds';

export interface Permission {
  allowed: boolean;
  reason?: string;
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
