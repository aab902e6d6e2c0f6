/**
 * GET /api/context: which cluster this is (live context or simulated scenario), read-only or not, and
 * the kubeconfig's context names (never credentials). POST `{context}`: switch to another context.
 */
import { readBodyJson } from '../../../server/http/body';
import { badRequest, errorResponse, refusalResponse } from '../../../server/http/errors';
import { checkMutation, checkOrigin } from '../../../server/http/guard';
import { availableContexts, getClusterSource, switchContext } from '../../../server/sources';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export function GET(request: Request): Response {
  const refusal = checkOrigin(request);
  if (refusal) return refusalResponse(refusal);
  try {
    return Response.json({ source: getClusterSource().info(), contexts: availableContexts() });
  } catch (error) {
    return errorResponse(error);
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
    return Response.json({ source: await switchContext(context), contexts: availableContexts() });
  } catch (error) {
    return errorResponse(error);
  }
}
