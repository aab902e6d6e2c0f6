/**
 * POST /api/preview `{manifest}` | `{scale: {kind, namespace, name, replicas}}`: where a PodCliqueSet,
 * or what a scale adds, would land (a Plan) — computed on the server's view of the cluster; nothing changes.
 */
import { readPreviewRequest, previewOnSource } from '../../../server/actions/preview';
import { readBodyJson } from '../../../server/http/body';
import { errorResponse, refusalResponse } from '../../../server/http/errors';
import { checkMutation } from '../../../server/http/guard';
import { getClusterSource } from '../../../server/sources';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export async function POST(request: Request): Promise<Response> {
  // Not a mutation, but a POST that makes the server work: the same origin and header rule.
  const refusal = checkMutation(request);
  if (refusal) return refusalResponse(refusal);
  const body = await readBodyJson(request, 1024 * 1024);
  if (body instanceof Response) return body;
  try {
    return Response.json(await previewOnSource(getClusterSource(), readPreviewRequest(body)));
  } catch (error) {
    return errorResponse(error);
  }
}
