/** GET /api/context: which cluster this is (live context or simulated scenario), read-only or not, and the kubeconfig's context names (never credentials). */
import { errorResponse, refusalResponse } from '../../../server/http/errors';
import { checkOrigin } from '../../../server/http/guard';
import { availableContexts, getClusterSource } from '../../../server/sources';

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
