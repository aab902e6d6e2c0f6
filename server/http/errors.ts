/**
 * One place where failures become HTTP answers: an ActionError (from the apiserver, a webhook, the
 * simulator or Canopy's own checks) keeps its status and words; anything else is a 500 with a message.
 */
import type { ApplyProgress, ManifestDocumentRef } from '../../lib/cluster/actions';
import type { ActionError } from '../sources/types';
import type { GuardRefusal } from './guard';

export function isActionErrorLike(error: unknown): error is ActionError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as ActionError).status === 'number' &&
    typeof (error as ActionError).message === 'string' &&
    (error as ActionError).status >= 400 &&
    (error as ActionError).status < 600
  );
}

/** What an answer about a manifest adds to an ActionError: the document it is about, and how far a real apply got. */
export interface ManifestErrorDetails {
  document?: number;
  object?: ManifestDocumentRef;
  progress?: ApplyProgress;
}

/** The error as plain data; `document`, `object` and `progress` (server/actions/applyManifests.ts) are kept when the error has them. */
export function toActionError(error: unknown): ActionError & ManifestErrorDetails {
  if (isActionErrorLike(error)) {
    const { status, reason, message, causes, sentResourceVersion } = error;
    const withJson = error as { toJSON?: () => ManifestErrorDetails };
    const json: ManifestErrorDetails = typeof withJson.toJSON === 'function' ? withJson.toJSON() : (error as ManifestErrorDetails);
    const { document, object, progress } = json;
    return {
      status,
      reason: reason || 'Error',
      message,
      ...(causes && causes.length > 0 ? { causes } : {}),
      ...(typeof document === 'number' ? { document } : {}),
      ...(object ? { object } : {}),
      ...(progress ? { progress } : {}),
      ...(sentResourceVersion ? { sentResourceVersion } : {}),
    };
  }
  return { status: 500, reason: 'InternalError', message: error instanceof Error ? error.message : String(error) };
}

/** JSON `{ error: ActionError }` with the error's status. */
export function errorResponse(error: unknown): Response {
  const body = toActionError(error);
  return Response.json({ error: body }, { status: body.status });
}

export function refusalResponse(refusal: GuardRefusal): Response {
  return Response.json({ error: refusal }, { status: refusal.status });
}

export function badRequest(message: string, status = 400, reason = 'BadRequest'): Response {
  return Response.json({ error: { status, reason, message } }, { status });
}
