/**
 * GET /api/stream: the cluster as Server-Sent Events (snapshot, then coalesced deltas, connection
 * states, heartbeats) from the process-wide watch hub. One stream per browser tab.
 */
import { getWatchHub } from '../../../server/hub';
import { createEventStream, SSE_HEADERS } from '../../../server/hub/sse';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * Same-origin only: a page on another origin must not read the cluster through a user's browser.
 * TODO(server/http/guard.ts): replace with the shared origin guard once it lands.
 */
function sameOrigin(request: Request): boolean {
  if (request.headers.get('sec-fetch-site') === 'cross-site') return false;
  const origin = request.headers.get('origin');
  if (!origin) return true;
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host');
  try {
    return new URL(origin).host === (host ?? new URL(request.url).host);
  } catch {
    return false;
  }
}

export function GET(request: Request): Response {
  if (!sameOrigin(request)) return new Response('cross-origin stream refused', { status: 403 });
  let hub;
  try {
    hub = getWatchHub();
  } catch (error) {
    return new Response(error instanceof Error ? error.message : 'no cluster source', { status: 503 });
  }
  return new Response(createEventStream(hub, request.signal), { headers: SSE_HEADERS });
}
