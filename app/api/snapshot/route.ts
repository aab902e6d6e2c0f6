/** GET /api/snapshot: the cluster as a kubectl-style List of Nodes, Pods and ClusterTopologyBindings (what `canopy place --cluster` reads). */
import { errorResponse, refusalResponse } from '../../../server/http/errors';
import { checkOrigin } from '../../../server/http/guard';
import { clusterSnapshot } from '../../../server/kube/snapshot';
import { getClusterSource } from '../../../server/sources';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export async function GET(request: Request): Promise<Response> {
  const refusal = checkOrigin(request);
  if (refusal) return refusalResponse(refusal);
  try {
    return Response.json(await clusterSnapshot(getClusterSource()));
  } catch (error) {
    return errorResponse(error);
  }
}
