'use client';
/**
 * What components may ask the server to do: apply (with dry-run and diff), scale, delete and "may I".
 * Placement previews run in the browser on its own store (lib/placement/preview.ts). The only module besides clusterContext.ts that talks to the
 * routes; components call these functions and never fetch. Every call sends the header the server's
 * CSRF guard asks for (server/http/guard.ts). A refused call throws ActionFailure with the server's
 * words (the apiserver's or a webhook's, verbatim) and the field paths it named.
 */
import type { ScalableKind, WatchedKind } from '../../lib/cluster/kinds';
import type { Capabilities } from '../../lib/cluster/capabilities';
import type { ApplyProgress, ApplyResult, ManifestDocumentRef, ScaleResult } from '../../lib/cluster/actions';
export type { Capabilities } from '../../lib/cluster/capabilities';
export type { ApplyProgress, ApplyResult, ManifestDocumentRef, ScaleResult } from '../../lib/cluster/actions';

/** What a refusal about a manifest adds (server/http/errors.ts): which document, and how far a real apply got before it. */
export interface ManifestFailureDetails {
  /** Which document of a manifest (0-based) the failure is about. */
  document?: number;
  /** That document's kind and name. */
  object?: ManifestDocumentRef;
  /** A real apply refused part-way: what it had applied, and what it did not attempt. */
  progress?: ApplyProgress;
  /** A stale write: the resourceVersion the manifest was sent with (the cluster's had moved on). */
  sentResourceVersion?: string;
}

/** The header server/http/guard.ts asks of every mutating request (a cross-site form cannot set it). */
export const CSRF_HEADER = { 'X-Canopy-Request': '1' } as const;

export class ActionFailure extends Error {
  override readonly name = 'ActionFailure';
  constructor(
    message: string,
    readonly status: number,
    readonly reason: string,
    readonly causes: { field?: string; message: string }[] = [],
    readonly details: ManifestFailureDetails = {},
  ) {
    super(message);
  }

  /** Which document of a manifest (0-based) the failure is about. */
  get document(): number | undefined {
    return this.details.document;
  }
}

/** What a route's error answer says (`{error: {message, reason, causes, document, object, progress}}`, server/http/errors.ts); the status line when it says nothing. */
export function errorAnswerOf(body: unknown, status: number, statusText = ''): { message: string; reason: string; causes: { field?: string; message: string }[] } & ManifestFailureDetails {
  const e = (body as { error?: { message?: unknown; reason?: string; causes?: { field?: string; message: string }[] } & ManifestFailureDetails } | null | undefined)?.error;
  const error = typeof e === 'object' && e !== null ? e : {};
  return {
    message: typeof error.message === 'string' && error.message ? error.message : `${status} ${statusText}`.trim(),
    reason: error.reason ?? 'Error',
    causes: error.causes ?? [],
    ...(typeof error.document === 'number' ? { document: error.document } : {}),
    ...(typeof error.object === 'object' && error.object !== null ? { object: error.object } : {}),
    ...(typeof error.progress === 'object' && error.progress !== null && Array.isArray(error.progress.applied) && Array.isArray(error.progress.notAttempted) ? { progress: error.progress } : {}),
    ...(typeof error.sentResourceVersion === 'string' && error.sentResourceVersion ? { sentResourceVersion: error.sentResourceVersion } : {}),
  };
}

async function call<T>(path: string, init: { method: 'GET' | 'POST'; body?: string; contentType?: string; signal?: AbortSignal }): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: init.method,
      headers: { accept: 'application/json', ...(init.method === 'POST' ? CSRF_HEADER : {}), ...(init.contentType ? { 'content-type': init.contentType } : {}) },
      body: init.body,
      signal: init.signal,
      cache: 'no-store',
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ActionFailure(`Canopy's server did not answer: ${(error as Error).message}`, 0, 'NetworkError');
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const e = errorAnswerOf(body, response.status, response.statusText);
    const { message, reason, causes, ...details } = e;
    throw new ActionFailure(message, response.status, reason, causes, details);
  }
  return body as T;
}

/** Server-side apply of a manifest (YAML or JSON, one or more documents); `dryRun` answers the diff without changing anything. */
export function applyManifest(text: string, options: { dryRun: boolean; force?: boolean; signal?: AbortSignal }): Promise<{ dryRun: boolean; results: ApplyResult[] }> {
  const query = new URLSearchParams();
  if (options.dryRun) query.set('dryRun', 'true');
  if (options.force) query.set('force', 'true');
  const qs = query.toString();
  return call(`/api/apply${qs ? `?${qs}` : ''}`, { method: 'POST', body: text, contentType: 'application/yaml', signal: options.signal });
}

/** With expectedReplicas, the server refuses (409) when the object has another count: a guarded scale such as an undo. */
export function scaleObject(request: { kind: ScalableKind; namespace: string; name: string; replicas: number; dryRun: boolean; expectedReplicas?: number }): Promise<ScaleResult> {
  return call('/api/scale', { method: 'POST', body: JSON.stringify(request), contentType: 'application/json' });
}

/** `uid`: the object the person confirmed (the server's precondition: a namesake created since is not deleted). */
export function deleteObject(request: { kind: WatchedKind; namespace?: string; name: string; dryRun: boolean; uid?: string }): Promise<{ deleted: boolean }> {
  return call('/api/delete', { method: 'POST', body: JSON.stringify(request), contentType: 'application/json' });
}

export function fetchCapabilities(namespace: string, signal?: AbortSignal): Promise<Capabilities> {
  return call(`/api/capabilities?namespace=${encodeURIComponent(namespace)}`, { method: 'GET', signal });
}
