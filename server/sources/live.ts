/**
 * The live cluster as a ClusterSource: raw JSON from the apiserver (server/kube/request), watches
 * through client-node's Watch, and the actions of server/actions. Every object handed out is trimmed
 * of what no view reads (trimForViews) and carries apiVersion/kind (list items come without them).
 *
 * Namespace-scoped identities (a Role + RoleBinding in a team namespace, no ClusterRole) may not list
 * namespaced kinds cluster-wide: on that 403 the kind is listed and watched in one namespace instead
 * (CANOPY_NAMESPACE, else the context's), for as long as this source lives, as Headlamp does. The hub
 * may then also list and watch such a kind in the namespace a browser chose (ListOptions.namespace).
 */
import * as k8s from '@kubernetes/client-node';
import { KIND_INFO, WATCHED_KINDS, type ScalableKind, type WatchedKind } from '../../lib/cluster/kinds';
import type { KubeObject } from '../../lib/grove/meta';
import { applyObject } from '../actions/apply';
import { canI } from '../actions/access';
import { deleteObject } from '../actions/delete';
import { ActionFailure } from '../actions/errors';
import { scaleObject } from '../actions/scale';
import type { Connection } from '../kube/connection';
import { collectionPath } from '../kube/paths';
import { stripBulk } from '../../lib/cluster/watch';
import { isStatus, kubeRequest } from '../kube/request';
import { WATCH_TIMEOUT_SECONDS, type AccessQuestion, type ApplyResult, type ClusterSource, type DeleteOptions, type ListOptions, type ListPage, type ScaleOptions, type ScaleResult, type SourceInfo, type WatchEnd, type WatchEvent, type WatchHandle } from './types';

interface KubeListBody {
  items?: KubeObject[];
  metadata?: { resourceVersion?: string; continue?: string };
}

/**
 * Drops what no view reads and what is large on real clusters: managedFields and kubectl's
 * last-applied annotation (stripBulk), and a Node's `status.images` (every image on the node with its
 * digests and sizes: tens of kB on a GPU node, sent to every tab). Never mutates its input.
 */
export function trimForViews<T extends KubeObject>(object: T): T {
  const stripped = stripBulk(object);
  const status = (stripped as { status?: unknown }).status;
  if (stripped.kind !== 'Node' || !status || typeof status !== 'object' || !('images' in status)) return stripped;
  const { images: _images, ...rest } = status as Record<string, unknown>;
  return { ...stripped, status: rest };
}

/** What a watch's ERROR event or failed request means for the watcher: 410 → relist, anything else → retry (with its HTTP status). */
export function watchEndOf(error: unknown): WatchEnd {
  const e = error as { statusCode?: number; code?: number; message?: string; reason?: string } | null | undefined;
  if (e?.statusCode === 410 || e?.code === 410 || e?.reason === 'Expired' || e?.reason === 'Gone') return { reason: 'gone', message: e?.message };
  // A watch answered 401/403/404 (rights or a CRD gone) says so: the watcher treats those as lasting.
  const status = typeof e?.statusCode === 'number' ? e.statusCode : typeof e?.code === 'number' ? e.code : undefined;
  return { reason: 'error', message: e?.message ?? String(error), ...(status ? { status } : {}) };
}

/**
 * Whether a refused cluster-wide list of `kind` is worth retrying in one namespace: a 403 of a
 * namespaced kind, on a list's first page (a continue token belongs to the cluster-wide list; the
 * watcher relists from the start after a failure anyway). Cluster-scoped kinds keep their 403.
 */
export function fallsBackToNamespace(kind: WatchedKind, error: unknown, options: { continue?: string }): boolean {
  return KIND_INFO[kind].namespaced && !options.continue && isStatus(error, 403);
}

/**
 * The apiserver's words for a health check that answered 5xx: its failing checks (`[-]etcd failed:
 * reason withheld`), else the first line, then the path and status: "etcd failed: reason withheld
 * (/readyz answered 500)"; only "/readyz answered 500" when it said nothing.
 */
export function notReadyReason(path: string, httpStatus: number, message: string): string {
  const failed = message
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('[-]'))
    .map((line) => line.slice(3));
  const said = failed.length > 0 ? failed.join('; ') : (message.split('\n')[0] ?? '').trim();
  const answered = `${path} answered ${httpStatus}`;
  return said && said !== `HTTP ${httpStatus}` ? `${said} (${answered})` : answered;
}

/**
 * The probe's rejection when the apiserver answered but reports itself not ready (5xx): the hub
 * reads `notReady` (duck-typed, so it need not import a source) and then suspects only kinds whose
 * watch is quiet too, since one failing check (or a draining apiserver) may leave watches streaming.
 */
export class NotReadyError extends Error {
  readonly notReady = true;
}

/** kubeRequest's own 503 for a request that got no HTTP answer (refused, timed out, TLS), not an apiserver's 503. */
function isNoAnswer(error: ActionFailure): boolean {
  return error.status === 503 && error.reason === 'ServiceUnavailable' && /^(cannot reach|the kubeconfig has no current cluster)/.test(error.message);
}

export class LiveSource implements ClusterSource {
  /** kube-apiserver sends every watch with allowWatchBookmarks a BOOKMARK about once a minute (its watch cache's bookmark frequency). */
  readonly bookmarkIntervalMs = 60_000;
  /** stop() of every open watch: close() ends them all, silently, like their owners' stop(). */
  private readonly watches = new Set<() => void>();
  /** Kinds refused cluster-wide, and the namespace they are listed and watched in instead. */
  private readonly scoped = new Map<WatchedKind, string>();
  /** Kinds refused cluster-wide and in the fallback namespace too: the namespace that was tried. */
  private readonly refusedIn = new Map<WatchedKind, string>();
  private closed = false;
  /** What probe() asks: /readyz, or /version once /readyz answered 404. */
  private probePath: '/readyz' | '/version' = '/readyz';

  constructor(readonly connection: Connection) {}

  info(): SourceInfo {
    const info: SourceInfo = { ...this.connection.info };
    const kinds = WATCHED_KINDS.filter((kind) => this.scoped.has(kind));
    if (kinds.length > 0) info.scope = { namespace: this.connection.info.namespace, kinds };
    return info;
  }

  /** The namespace `kind` is listed in, or, when that was refused too, the one tried (so the header can name it). */
  namespaceOf(kind: WatchedKind): string | undefined {
    return this.scoped.get(kind) ?? this.refusedIn.get(kind);
  }

  async list(kind: WatchedKind, options: ListOptions): Promise<ListPage> {
    this.refuseWhenClosed();
    // A namespace the browser chose (the hub asks only for kinds scoped to one): that one, with the
    // identity's own rights; a 403 there is that namespace's answer, and changes nothing remembered.
    if (options.namespace !== undefined) return this.listIn(kind, options.namespace, options);
    const scopedTo = this.scoped.get(kind);
    if (scopedTo !== undefined) return this.listIn(kind, scopedTo, options);
    try {
      const page = await this.listIn(kind, undefined, options);
      // Rights granted since a refusal: the kind is listed cluster-wide now, so no namespace is named.
      this.refusedIn.delete(kind);
      return page;
    } catch (error) {
      if (!fallsBackToNamespace(kind, error, options)) throw error;
      const namespace = this.connection.info.namespace;
      let page: ListPage;
      try {
        page = await this.listIn(kind, namespace, options);
      } catch (inner) {
        if (!isStatus(inner, 403)) throw inner;
        this.refusedIn.set(kind, namespace);
        // Both refused: say so once, with the apiserver's words for the namespace.
        const message = `may not list ${KIND_INFO[kind].plural} cluster-wide, nor in namespace ${namespace}: ${(inner as Error).message}`;
        throw new ActionFailure({ status: 403, reason: 'Forbidden', message });
      }
      this.scoped.set(kind, namespace);
      this.refusedIn.delete(kind);
      return page;
    }
  }

  private async listIn(kind: WatchedKind, namespace: string | undefined, options: { limit: number; continue?: string }): Promise<ListPage> {
    const info = KIND_INFO[kind];
    const body = await kubeRequest<KubeListBody>(this.connection.kubeConfig, {
      method: 'GET',
      path: collectionPath(kind, namespace),
      query: { limit: options.limit, continue: options.continue || undefined },
      timeoutMs: 60_000,
    });
    const items = (body.items ?? []).map((item) => trimForViews({ apiVersion: info.apiVersion, kind, ...item }));
    return { items, resourceVersion: body.metadata?.resourceVersion ?? '', ...(body.metadata?.continue ? { continue: body.metadata.continue } : {}) };
  }

  async watch(kind: WatchedKind, resourceVersion: string, onEvent: (event: WatchEvent) => void, onEnd: (end: WatchEnd) => void, scope: { namespace?: string } = {}): Promise<WatchHandle> {
    this.refuseWhenClosed();
    const info = KIND_INFO[kind];
    let ended = false;
    let stopped = false;
    const end = (why: WatchEnd) => {
      if (ended || stopped) return;
      ended = true;
      onEnd(why);
    };
    let controllerRef: AbortController | undefined;
    const watcher = new k8s.Watch(this.connection.kubeConfig);
    const controller = await watcher.watch(
      // The list's scope: a namespace-scoped kind's resourceVersion came from a list of that namespace.
      collectionPath(kind, scope.namespace ?? this.scoped.get(kind)),
      // timeoutSeconds as client-go's reflector does (5–10 min): the apiserver ends the watch cleanly
      // ('closed', the caller re-watches from its last resourceVersion), so a half-open connection
      // that delivers nothing cannot stall a kind forever.
      { resourceVersion: resourceVersion || undefined, allowWatchBookmarks: true, timeoutSeconds: WATCH_TIMEOUT_SECONDS.min + Math.floor(Math.random() * (WATCH_TIMEOUT_SECONDS.max - WATCH_TIMEOUT_SECONDS.min)) },
      (type: string, object: unknown) => {
        if (ended || stopped) return;
        if (type === 'ERROR') {
          // A Status object: 410 Expired when resourceVersion is older than what the watch cache holds.
          end(watchEndOf(object));
          controllerRef?.abort();
          return;
        }
        if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED' && type !== 'BOOKMARK') return;
        const obj = object as KubeObject;
        onEvent({ type, object: type === 'BOOKMARK' ? obj : trimForViews({ ...obj, apiVersion: obj.apiVersion ?? info.apiVersion, kind: obj.kind ?? kind }) });
      },
      (error: unknown) => {
        if (error === null || error === undefined) end({ reason: 'closed' });
        else end(watchEndOf(error));
      },
    );
    controllerRef = controller;
    if (ended) controller.abort();
    const stop = () => {
      stopped = true;
      this.watches.delete(stop);
      controller.abort();
    };
    this.watches.add(stop);
    return { stop };
  }

  /**
   * Resolves when the apiserver answers its health check within `timeoutMs` with anything but a 5xx:
   * 200, and also a 401/403 (an identity without the public-info-viewer binding) or a 404 (a proxy
   * that does not pass /readyz on; the probe asks `GET /version` from then on) prove it answers, and
   * the watches say what the identity may do. A 5xx rejects with a NotReadyError naming the failing
   * checks (draining, etcd gone); no answer at all (frozen, refusing connections, unreachable) rejects
   * with kubeRequest's reason.
   */
  async probe(timeoutMs: number): Promise<void> {
    this.refuseWhenClosed();
    const path = this.probePath;
    try {
      await kubeRequest(this.connection.kubeConfig, { method: 'GET', path, timeoutMs });
    } catch (error) {
      if (!(error instanceof ActionFailure) || isNoAnswer(error)) throw error;
      if (error.status >= 500) throw new NotReadyError(notReadyReason(path, error.status, error.message));
      if (error.status === 404) this.probePath = '/version';
    }
  }

  apply(object: KubeObject, options: { dryRun: boolean; force?: boolean }): Promise<ApplyResult> {
    this.refuseWhenReadOnly();
    return applyObject(this.connection, object, options);
  }

  delete(kind: WatchedKind, namespace: string | undefined, name: string, options: DeleteOptions): Promise<void> {
    this.refuseWhenReadOnly();
    return deleteObject(this.connection, kind, namespace, name, options);
  }

  scale(kind: ScalableKind, namespace: string, name: string, replicas: number, options: ScaleOptions): Promise<ScaleResult> {
    this.refuseWhenReadOnly();
    return scaleObject(this.connection, kind, namespace, name, replicas, options);
  }

  async can(question: AccessQuestion): Promise<{ allowed: boolean; reason?: string }> {
    const mutating = question.verb !== 'get' && question.verb !== 'list' && question.verb !== 'watch';
    if (mutating && this.connection.info.readOnly) return { allowed: false, reason: 'Canopy runs read-only in this cluster (set CANOPY_ALLOW_WRITES=true to allow changes)' };
    return canI(this.connection, question);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const stop of [...this.watches]) stop();
  }

  private refuseWhenClosed(): void {
    if (this.closed) throw new ActionFailure({ status: 503, reason: 'ServiceUnavailable', message: `the connection to ${this.connection.info.name} was closed` });
  }

  private refuseWhenReadOnly(): void {
    if (this.connection.info.readOnly) {
      throw new ActionFailure({ status: 403, reason: 'ReadOnly', message: 'Canopy runs read-only in this cluster (set CANOPY_ALLOW_WRITES=true to allow changes)' });
    }
  }
}

