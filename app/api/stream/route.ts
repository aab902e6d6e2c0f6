/**
 * GET /api/stream: the cluster as Server-Sent Events (snapshot, then coalesced deltas, connection
 * states, heartbeats) from the process-wide watch hub. One stream per browser tab; same origin only.
 */
import { getWatchHub } from '../../../server/hub';
import { createEventStream, SSE_HEADERS } from '../../../server/hub/sse';
import { errorResponse, refusalResponse } from '../../../server/http/errors';
import { checkOrigin } from '../../../server/http/guard';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export function GET(request: Request): Response {
  const refusal = checkOrigin(request);
  if (refusal) return refusalResponse(refusal);
  try {
    return new Response(createEventStream(getWatchHub(), request.signal), { headers: SSE_HEADERS });
  } catch (error) {
    return errorResponse(error);
  }
}
