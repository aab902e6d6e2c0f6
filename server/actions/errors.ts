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

  constructor(error: ActionError) {
    super(error.message);
    this.status = error.status;
    this.reason = error.reason;
    if (error.causes && error.causes.length > 0) this.causes = error.causes;
  }

  toJSON(): ActionError {
    return { status: this.status, reason: this.reason, message: this.message, ...(this.causes ? { causes: this.causes } : {}) };
  }
}

export function isActionFailure(error: unknown): error is ActionFailure {
  return error instanceof ActionFailure;
}

/** An ActionError from a `metav1.Status` body (or whatever the apiserver sent instead). */
export function actionErrorFromStatus(httpStatus: number, body: unknown): ActionFailure {
  const status = (typeof body === 'object' && body !== null ? body : {}) as {
    kind?: string;
    reason?: string;
    message?: string;
    code?: number;
    details?: { causes?: { field?: string; message?: string; reason?: string }[] };
  };
  const message = typeof status.message === 'string' && status.message ? status.message : typeof body === 'string' && body ? body : `HTTP ${httpStatus}`;
  const causes = (status.details?.causes ?? []).map((cause) => ({
    ...(cause.field ? { field: cause.field } : {}),
    message: cause.message ?? cause.reason ?? '',
  }));
  return new ActionFailure({ status: httpStatus, reason: status.reason || reasonOf(httpStatus), message, causes });
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
