/**
 * One place where failures become HTTP answers: an ActionError (from the apiserver, a webhook, the
 * simulator or Canopy's own checks) keeps its status and words; anything else is a 500 with a message.
 */
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

export function toActionError(error: unknown): ActionError {
  if (isActionErrorLike(error)) {
    const { status, reason, message, causes } = error;
    return { status, reason: reason || 'Error', message, ...(causes && causes.length > 0 ? { causes } : {}) };
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

/** The body as text, refusing more than `limit` bytes (413) without reading further. */
export async function readBodyText(request: Request, limit: number): Promise<string | Response> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) return badRequest(`the request body is larger than ${limit} bytes`, 413, 'RequestEntityTooLarge');
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return badRequest(`the request body is larger than ${limit} bytes`, 413, 'RequestEntityTooLarge');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
