/** POST /api/apply[?dryRun=true][&force=true]: a manifest (YAML or JSON, ≤ 1 MiB, Grove kinds and Namespace) → per object: before, after, changes. */
import { applyManifests } from '../../../server/actions/applyManifests';
import { readBodyText } from '../../../server/http/body';
import { dryRunOfQuery } from '../../../server/http/dryRun';
import { errorResponse, refusalResponse } from '../../../server/http/errors';
import { checkMutation } from '../../../server/http/guard';
import { getClusterSource } from '../../../server/sources';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const MAX_BYTES = 1024 * 1024;

export async function POST(request: Request): Promise<Response> {
  const refusal = checkMutation(request);
  if (refusal) return refusalResponse(refusal);
  const query = new URL(request.url).searchParams;
  const dryRun = dryRunOfQuery(query);
  if (dryRun instanceof Response) return dryRun;
  const force = query.get('force') === 'true';
  const text = await readBodyText(request, MAX_BYTES);
  if (text instanceof Response) return text;
  try {
    const results = await applyManifests(getClusterSource(), text, { dryRun, force });
    return Response.json({ dryRun, results });
  } catch (error) {
    return errorResponse(error);
  }
}
