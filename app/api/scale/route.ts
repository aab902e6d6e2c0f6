/**
 * POST /api/scale `{kind, namespace, name, replicas, dryRun, expectedReplicas?}`: through the /scale
 * subresource. With expectedReplicas, a 409 when the object has another count (nothing changes).
 */
import { isScalableKind, SCALABLE_KINDS, type ScalableKind } from '../../../lib/cluster/kinds';
import { REPLICAS_RANGE, isReplicaCount } from '../../../lib/cluster/limits';
import { readBodyJson } from '../../../server/http/body';
import { dryRunOfBody } from '../../../server/http/dryRun';
import { badRequest, errorResponse, refusalResponse } from '../../../server/http/errors';
import { checkMutation } from '../../../server/http/guard';
import { getClusterSource } from '../../../server/sources';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export async function POST(request: Request): Promise<Response> {
  const refusal = checkMutation(request);
  if (refusal) return refusalResponse(refusal);
  const body = await readBodyJson(request, 16 * 1024);
  if (body instanceof Response) return body;
  const { kind, namespace, name, replicas, dryRun: given, expectedReplicas } = (body ?? {}) as Record<string, unknown>;
  if (!isScalableKind(kind)) return badRequest(`kind must be one of ${SCALABLE_KINDS.join(', ')}`);
  if (typeof namespace !== 'string' || !namespace || typeof name !== 'string' || !name) return badRequest('namespace and name are required');
  if (!isReplicaCount(replicas)) return badRequest(`replicas must be ${REPLICAS_RANGE}`, 422, 'Invalid');
  if (expectedReplicas !== undefined && !isReplicaCount(expectedReplicas)) return badRequest(`expectedReplicas must be ${REPLICAS_RANGE} when given`, 422, 'Invalid');
  const dryRun = dryRunOfBody(given);
  if (dryRun instanceof Response) return dryRun;
  try {
    const result = await getClusterSource().scale(kind as ScalableKind, namespace, name, replicas, { dryRun, ...(expectedReplicas !== undefined ? { expectedReplicas } : {}) });
    return Response.json(result);
  } catch (error) {
    return errorResponse(error);
  }
}
