/** GET /api/capabilities[?namespace=ns]: apply / delete / scale per Grove kind, as SelfSubjectAccessReview answers. */
import { capabilities } from '../../../server/actions/access';
import { errorResponse, refusalResponse } from '../../../server/http/errors';
import { checkOrigin } from '../../../server/http/guard';
import { getClusterSource } from '../../../server/sources';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export async function GET(request: Request): Promise<Response> {
  const refusal = checkOrigin(request);
  if (refusal) return refusalResponse(refusal);
  try {
    const source = getClusterSource();
    const namespace = new URL(request.url).searchParams.get('namespace')?.slice(0, 253) || source.info().namespace;
    return Response.json(await capabilities(source, namespace));
  } catch (error) {
    return errorResponse(error);
  }
}
