/**
 * GET /api/context: which cluster this is (live context or simulated scenario), read-only or not, and
 * the kubeconfig's context names (never credentials). When the cluster cannot be used, the error's
 * status with `{error, contexts}`: the names are still there to switch to a working context.
 * POST `{context}`: switch to another context; open streams end at once (their tabs reconnect to the
 * new cluster instead of showing the old one as live).
 */
import { readBodyJson } from '../../../server/http/body';
import { badRequest, errorResponse, refusalResponse, toActionError } from '../../../server/http/errors';
import { checkMutation, checkOrigin } from '../../../server/http/guard';
import { resetWatchHub } from '../../../server/hub';
import { availableContexts, getClusterSource, switchContext } from '../../../server/sources';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export function GET(request: Request): Response {
  const refusal = checkOrigin(request);
  if (refusal) return refusalResponse(refusal);
  try {
    return Response.json({ source: getClusterSource().info(), contexts: availableContexts() });
  } catch (error) {
    const failure = toActionError(error);
    return Response.json({ error: failure, contexts: availableContexts() }, { status: failure.status });
  }
}

export async function POST(request: Request): Promise<Response> {
  const refusal = checkMutation(request);
  if (refusal) return refusalResponse(refusal);
  const body = await readBodyJson(request, 4096);
  if (body instanceof Response) return body;
  const context = (body as { context?: unknown } | null)?.context;
  if (typeof context !== 'string' || !context || context.length > 253) return badRequest('context must be the name of a kubeconfig context');
  try {
    const source = await switchContext(context);
    resetWatchHub();
    return Response.json({ source, contexts: availableContexts() });
  } catch (error) {
    return errorResponse(error);
  }
}
