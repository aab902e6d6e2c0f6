/**
 * ActionError as a throwable: what the apiserver (or a webhook, or Canopy itself) said about a refused
 * action, verbatim, with the HTTP status and the field paths of `details.causes`.
 */
import { lastWriter, managerWords, timeWords } from '../../lib/cluster/fieldManagers';
import { webhookDenialCauses } from '../../lib/cluster/webhookDenial';
import type { KubeObject } from '../../lib/grove/meta';
import type { ActionError } from '../sources/types';

export class ActionFailure extends Error implements ActionError {
  override readonly name = 'ActionFailure';
  readonly status: number;
  readonly reason: string;
  readonly causes?: { field?: string; message: string }[];
  readonly missing?: { resource: string; name?: string };
  readonly sentResourceVersion?: string;

  constructor(error: ActionError) {
    super(error.message);
    this.status = error.status;
    this.reason = error.reason;
    if (error.causes && error.causes.length > 0) this.causes = error.causes;
    if (error.missing) this.missing = error.missing;
    if (error.sentResourceVersion) this.sentResourceVersion = error.sentResourceVersion;
  }

  toJSON(): ActionError {
    return { status: this.status, reason: this.reason, message: this.message, ...(this.causes ? { causes: this.causes } : {}), ...(this.missing ? { missing: this.missing } : {}), ...(this.sentResourceVersion ? { sentResourceVersion: this.sentResourceVersion } : {}) };
  }
}

/** An ActionError from a `metav1.Status` body (or whatever the apiserver sent instead). */
export function actionErrorFromStatus(httpStatus: number, body: unknown): ActionFailure {
  const status = (typeof body === 'object' && body !== null ? body : {}) as {
    kind?: string;
    reason?: string;
    message?: string;
    code?: number;
    details?: { name?: string; kind?: string; causes?: { field?: string; message?: string; reason?: string }[] };
  };
  const message = typeof status.message === 'string' && status.message ? status.message : typeof body === 'string' && body ? body : `HTTP ${httpStatus}`;
  const given = (status.details?.causes ?? []).map((cause) => ({
    ...(cause.field ? { field: cause.field } : {}),
    message: cause.message ?? cause.reason ?? '',
  }));
  // A 404's details.kind is the resource that is missing (e.g. `namespaces`); the 404 for a kind whose CRD is not installed names none.
  const missing = httpStatus === 404 && typeof status.details?.kind === 'string' ? { resource: status.details.kind, ...(status.details.name ? { name: status.details.name } : {}) } : undefined;
  return new ActionFailure(refusalOfManifest({ status: httpStatus, reason: status.reason || reasonOf(httpStatus), message, causes: given, ...(missing ? { missing } : {}) }));
}

/**
 * An apiserver's answer as what it says about the manifest: a refusal that names fields only in its
 * message (strict field validation, a value of the wrong type: `failed to create typed patch object
 * (…): .spec.x: field not declared in schema`) comes as a 500 InternalError, but it is the
 * manifest's fault, so it is a 422 Invalid, its fields as causes. Any source's answer goes through
 * here (the live apiserver's, the simulated one's: server/actions/applyManifests.ts).
 */
export function refusalOfManifest(error: ActionError): ActionError {
  // Field by field: an ActionFailure's message is not an enumerable property.
  const { status, reason, message, missing, sentResourceVersion } = error;
  const given = error.causes && error.causes.length > 0 ? error.causes : null;
  const causes = given ?? strictFieldCauses(message);
  const typed = status === 500 ? typedPatchCauses(message) : null;
  // A webhook's denial of the manifest's fields (Grove's: controller-runtime answers 403 Forbidden) is
  // no missing permission: the fields it names are what to change.
  const denied = given ? null : webhookDenialCauses(message);
  const invalid = (typed !== null && typed.length > 0) || (denied !== null && denied.length > 0);
  const all = causes.length > 0 ? causes : typed && typed.length > 0 ? typed : (denied ?? []);
  return { status: invalid ? 422 : status, reason: invalid ? 'Invalid' : reason, message, ...(all.length > 0 ? { causes: all } : {}), ...(missing ? { missing } : {}), ...(sentResourceVersion ? { sentResourceVersion } : {}) };
}

/**
 * The fields a strict field validation names only in its message (`failed to create typed patch
 * object (…): .spec.template.bogusField: field not declared in schema`, no details.causes), as causes.
 */
export function strictFieldCauses(message: string): { field: string; message: string }[] {
  return [...message.matchAll(/(?:^|\s)\.(\S+?): (field not declared in schema)/g)].map((m) => ({ field: m[1]!, message: m[2]! }));
}

/**
 * The fields a `failed to create typed patch object (…): <errors>` message names, each with what is
 * wrong (one `.path: problem`, or an `errors:` list of them); null for any other message.
 */
export function typedPatchCauses(message: string): { field: string; message: string }[] | null {
  const m = /^failed to create typed patch object \([^)]*\): ([\s\S]*)$/.exec(message);
  if (!m) return null;
  return [...m[1]!.matchAll(/(?:^|\n)\s*\.(\S+?): ([^\n]+)/g)].map((c) => ({ field: c[1]!, message: c[2]!.trim() }));
}

/** The apiserver's words for a write whose resourceVersion is not the object's (storage's OptimisticLockErrorMsg). */
export const OBJECT_MODIFIED = 'the object has been modified; please apply your changes to the latest version and try again';

/** A 409 because the manifest's metadata.resourceVersion is not the object's any more. */
export function isStaleWrite(error: unknown): boolean {
  const e = error as Partial<ActionError> | null;
  return typeof e === 'object' && e !== null && e.status === 409 && typeof e.message === 'string' && e.message.includes(OBJECT_MODIFIED);
}

/**
 * A stale write in plain words: the object changed on the cluster since the version the manifest
 * names (its metadata.resourceVersion) was read, and who wrote it last when its managedFields say
 * (`current`: the object as it is now, null when it could not be read). The apiserver's own words
 * stay, in the cause at metadata.resourceVersion (which is also how the builder knows this refusal).
 */
export function staleWriteFailure(object: { kind: string; namespace?: string; name: string }, sent: string, current: KubeObject | null, error: ActionError): ActionFailure {
  const writer = current ? lastWriter((current.metadata as { managedFields?: unknown } | undefined)?.managedFields) : null;
  const by = writer ? ` (last changed by ${managerWords(writer)}${writer.time ? ` at ${timeWords(writer.time)}` : ''})` : '';
  const now = current?.metadata?.resourceVersion;
  return new ActionFailure({
    status: 409,
    reason: 'Conflict',
    message: `${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name} changed on the cluster since you opened it${by}`,
    // The version sent as data too (the builder compares it with the version it opened); the cause is for people.
    sentResourceVersion: sent,
    causes: [{ field: 'metadata.resourceVersion', message: `${sent} is the version you opened${now ? `; the cluster's is ${now}` : ''} (${error.message})` }],
  });
}

function reasonOf(status: number): string {
  switch (status) {
    case 400: return 'BadRequest';
    case 401: return 'Unauthorized';
    case 403: return 'Forbidden';
    case 404: return 'NotFound';
    case 409: return 'Conflict';
    case 410: return 'Gone';
    case 422: return 'Invalid';
    case 503: return 'ServiceUnavailable';
    default: return status >= 500 ? 'InternalError' : 'Unknown';
  }
}
