/**
 * GET /api/stream: the cluster as Server-Sent Events (a snapshot in parts, lib/cluster/streamParts.ts,
 * then coalesced deltas, connection states, heartbeats) from the process-wide watch hub. One stream per browser; same origin only.
 * `?namespace=&cluster=`: the namespace chosen in the header (server/hub/streamRequest.ts), which kinds
 * this identity may list in one namespace only are watched in. Past CANOPY_MAX_WATCHED_NAMESPACES such
 * namespaces the stream still opens (200): an EventSource cannot read the body of a 429, and gives up on
 * it. Its kinds of that namespace come in error instead, status 429 with the limit's message, which the
 * pages show per kind; the hub moves it to its namespace when a place frees (server/hub/watchHub.ts).
 * Gzipped by Next's compression (flushed per message) when the browser accepts it (server/hub/sse.ts).
 */
import { getWatchHub } from '../../../server/hub';
import { createEventStream, eventStreamResponse } from '../../../server/hub/sse';
import { streamNamespace } from '../../../server/hub/streamRequest';
import { errorResponse, refusalResponse } from '../../../server/http/errors';
import { checkOrigin } from '../../../server/http/guard';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export function GET(request: Request): Response {
  const refusal = checkOrigin(request);
  if (refusal) return refusalResponse(refusal);
  try {
    const hub = getWatchHub();
    const namespace = streamNamespace(new URL(request.url).searchParams, hub.source.info());
    const stream = createEventStream(hub, request.signal, namespace !== undefined ? { namespace } : {});
    return eventStreamResponse(stream);
  } catch (error) {
    return errorResponse(error);
  }
}
