/**
 * ClusterSource: the one seam between "the cluster" and the rest of Canopy. The live source talks
 * to an apiserver through @kubernetes/client-node; the simulated source keeps an in-memory cluster
 * built with lib/ (expand + placement). The watch hub (server/hub) lists and watches every kind
 * through this interface exactly once per kind, whatever the number of browsers.
 */
import type { WatchedKind, ScalableKind } from '../../lib/cluster/kinds';
import type { KubeObject } from '../../lib/grove/meta';

export interface SourceInfo {
  mode: 'live' | 'simulated';
  /** Live: kubeconfig context (or 'in-cluster'). Simulated: scenario name. */
  name: string;
  /** Live: apiserver URL. */
  server?: string;
  /** Default namespace for namespaced actions. */
  namespace: string;
  /** True when the server refuses every mutating action (e.g. in-cluster without opt-in). */
  readOnly: boolean;
  /**
   * Live: the namespaced kinds this identity may not list cluster-wide (403), listed and watched in
   * one namespace instead. Set once such a fallback happened (after the first lists), absent before.
   */
  scope?: NamespaceScope;
}

/** Kinds listed and watched in `namespace` only, because a cluster-wide list of them was refused. */
export interface NamespaceScope {
  namespace: string;
  kinds: WatchedKind[];
}

export interface ListOptions {
  limit: number;
  continue?: string;
  /** List in this namespace only (see ClusterSource.list). */
  namespace?: string;
}

export interface ListPage {
  items: KubeObject[];
  resourceVersion: string;
  /** Continue token for the next page (paginated list with `limit`). */
  continue?: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject;
}

/** Why a watch ended: `gone` (410, the resourceVersion is too old: relist), or a connection error. */
export interface WatchEnd {
  reason: 'gone' | 'error' | 'closed';
  message?: string;
  /** HTTP status of a failed watch (the response's, or its ERROR event's Status code), when there was one. */
  status?: number;
}

export interface WatchHandle {
  stop(): void;
}

/** A typed failure of an action, carrying the apiserver's or webhook's words and the HTTP status. */
export interface ActionError {
  status: number;
  reason: string;
  message: string;
  /** Field paths the apiserver or a webhook named (e.g. `spec.template.cliques[0].spec.roleName`). */
  causes?: { field?: string; message: string }[];
  /** On a 404: what the apiserver says does not exist (its Status `details`: resource and name), e.g. `namespaces` "apps". */
  missing?: { resource: string; name?: string };
  /** On a stale write (server/actions/errors.ts staleWriteFailure): the resourceVersion the manifest was sent with. */
  sentResourceVersion?: string;
}

import type { ApplyResult, ScaleResult } from '../../lib/cluster/actions';

export type { ApplyResult, ScaleResult };

export interface ScaleOptions {
  dryRun: boolean;
  /**
   * The replica count the caller decided on (an undo: the count its own scale set). When the object
   * has another, the scale is refused with a 409 and nothing changes; the live action's patch carries the
   * version read, so a change between that read and the write is refused by the apiserver too.
   */
  expectedReplicas?: number;
}

export interface DeleteOptions {
  dryRun: boolean;
  /**
   * The uid of the object the caller decided to delete (Kubernetes DeleteOptions preconditions.uid).
   * An object of that name with another uid (deleted and recreated since) is not deleted: a 409.
   */
  uid?: string;
}

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';

export interface AccessQuestion {
  verb: Verb;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export interface ClusterSource {
  info(): SourceInfo;
  /**
   * One page of `kind`. `namespace`: in that namespace only, exactly (no fallback, nothing remembered);
   * the hub asks it for a kind the source names a namespace for (namespaceOf), when a browser chose
   * another namespace. A source that never names one (simulated) is never asked.
   */
  list(kind: WatchedKind, options: ListOptions): Promise<ListPage>;
  /**
   * Watch from `resourceVersion` with bookmarks; `onEnd` is called once when the watch stops for any
   * reason but stop(). `scope.namespace`: in that namespace only, as the list it continues.
   */
  watch(kind: WatchedKind, resourceVersion: string, onEvent: (event: WatchEvent) => void, onEnd: (end: WatchEnd) => void, scope?: { namespace?: string }): Promise<WatchHandle>;
  /**
   * The one namespace `kind` is listed and watched in, when it is not listed cluster-wide (live: after a
   * 403); live also names the namespace tried when that was refused as well (the kind's state is then a 403).
   */
  namespaceOf?(kind: WatchedKind): string | undefined;
  /**
   * Resolves when the cluster's API answers its health check (live: `GET /readyz`) within `timeoutMs`;
   * rejects with the reason otherwise. The hub probes with it periodically: an open watch cannot tell
   * a quiet cluster from a frozen apiserver. An error carrying `notReady: true` means it answered but
   * reports not ready (a 5xx): the hub then suspects only watches that are also quiet.
   */
  probe?(timeoutMs: number): Promise<void>;
  /**
   * How often the source sends every watch a BOOKMARK even when nothing changes (live: the apiserver,
   * about every minute). When set, the hub restarts a watch that heard nothing for well over that.
   */
  readonly bookmarkIntervalMs?: number;
  /** Server-side apply with field manager `canopy` (dry-run when asked). Throws ActionError. */
  apply(object: KubeObject, options: { dryRun: boolean; force?: boolean }): Promise<ApplyResult>;
  /** Throws ActionError (404 when missing; 409 when `uid` is given and the object has another). */
  delete(kind: WatchedKind, namespace: string | undefined, name: string, options: DeleteOptions): Promise<void>;
  /** Through the /scale subresource. Throws ActionError (e.g. 409/422 with the reason). */
  scale(kind: ScalableKind, namespace: string, name: string, replicas: number, options: ScaleOptions): Promise<ScaleResult>;
  /** SelfSubjectAccessReview (live) — "may I". */
  can(question: AccessQuestion): Promise<{ allowed: boolean; reason?: string }>;
  close(): Promise<void>;
}

/**
 * A watch's timeoutSeconds, as client-go's reflector picks it: 5–10 min, at random so watches do not
 * all end together. The apiserver then ends the watch cleanly and the watcher re-watches.
 */
export const WATCH_TIMEOUT_SECONDS = { min: 300, max: 600 } as const;
