/**
 * POST /api/delete `{kind, namespace, name, dryRun, uid?}`: one Grove object (PodCliqueSets in the
 * foreground). `uid`: the object the person confirmed; a namesake created since is not deleted (409,
 * Kubernetes' uid precondition).
 */
import { isWatchedKind, KIND_INFO } from '../../../lib/cluster/kinds';
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
  const { kind, namespace, name, dryRun: given, uid } = (body ?? {}) as Record<string, unknown>;
  // Only Grove's kinds: Canopy is not a general-purpose delete button for Pods and Nodes.
  if (typeof kind !== 'string' || !isWatchedKind(kind) || KIND_INFO[kind].group === '') return badRequest('kind must be a Grove kind');
  if (typeof name !== 'string' || !name) return badRequest('name is required');
  if (KIND_INFO[kind].namespaced && (typeof namespace !== 'string' || !namespace)) return badRequest(`namespace is required for ${kind}`);
  if (uid !== undefined && (typeof uid !== 'string' || !uid)) return badRequest('uid must be the object’s metadata.uid (a non-empty string) when given');
  const dryRun = dryRunOfBody(given);
  if (dryRun instanceof Response) return dryRun;
  try {
    await getClusterSource().delete(kind, KIND_INFO[kind].namespaced ? (namespace as string) : undefined, name, { dryRun, ...(uid ? { uid } : {}) });
    return Response.json({ kind, namespace, name, dryRun, deleted: true });
  } catch (error) {
    return errorResponse(error);
  }
}
