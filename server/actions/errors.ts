/**
 * ActionError as a throwable: what the apiserver (or a webhook, or Canopy itself) said about a refused
 * action, verbatim, with the HTTP status and the field paths of `details.causes`.
 */
import type { ActionError } from '../sources/types';

export class ActionFailure extends Error implements ActionError {
  override readonly name = 'ActionFailure';
  readonly status: number;
  readonly reason: string;
  readonly causes?: { field?: string; message: string }[];
  readonly missing?: { resource: string; name?: string };

  constructor(error: ActionError) {
    super(error.message);
    this.status = error.status;
    this.reason = error.reason;
    if (error.causes && error.causes.length > 0) this.causes = error.causes;
    if (error.missing) this.missing = error.missing;
  }

  toJSON(): ActionError {
    return { status: this.status, reason: this.reason, message: this.message, ...(this.causes ? { causes: this.causes } : {}), ...(this.missing ? { missing: this.missing } : {}) };
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
  const causes = given.length > 0 ? given : strictFieldCauses(message);
  // A 404's details.kind is the resource that is missing (e.g. `namespaces`); the 404 for a kind whose CRD is not installed names none.
  const missing = httpStatus === 404 && typeof status.details?.kind === 'string' ? { resource: status.details.kind, ...(status.details.name ? { name: status.details.name } : {}) } : undefined;
  return new ActionFailure({ status: httpStatus, reason: status.reason || reasonOf(httpStatus), message, causes, ...(missing ? { missing } : {}) });
}

/**
 * The fields a strict field validation names only in its message (`failed to create typed patch
 * object (…): .spec.template.bogusField: field not declared in schema`, no details.causes), as causes.
 */
export function strictFieldCauses(message: string): { field: string; message: string }[] {
  return [...message.matchAll(/(?:^|\s)\.(\S+?): (field not declared in schema)/g)].map((m) => ({ field: m[1]!, message: m[2]! }));
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
