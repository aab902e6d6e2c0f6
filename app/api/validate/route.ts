/** POST /api/validate: a manifest (≤ 1 MiB) → what the apiserver and Grove's webhooks would say (lib's validator; the cluster is not asked). */
import { checkManifestText } from '../../../lib/grove/check';
import { readBodyText } from '../../../server/http/body';
import { refusalResponse } from '../../../server/http/errors';
import { checkOrigin } from '../../../server/http/guard';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export async function POST(request: Request): Promise<Response> {
  const refusal = checkOrigin(request);
  if (refusal) return refusalResponse(refusal);
  const text = await readBodyText(request, 1024 * 1024);
  if (text instanceof Response) return text;
  return Response.json(checkManifestText(text));
}
