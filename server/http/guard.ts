/**
 * Who may call Canopy's routes. The server acts with the kubeconfig's identity, so any page the user
 * visits must not be able to drive it through the user's browser:
 * - an `Origin` that is not this host is refused (for every route that reads or changes the cluster);
 *   without Origin, a `Sec-Fetch-Site: cross-site` is refused;
 * - mutating routes also need the header `X-Canopy-Request: 1`: a cross-site HTML form or a "simple"
 *   fetch cannot set a custom header, and a fetch that does triggers a CORS preflight we never answer.
 */
export const CANOPY_REQUEST_HEADER = 'x-canopy-request';

export interface GuardRefusal {
  status: 403;
  reason: 'CrossOrigin' | 'MissingRequestHeader';
  message: string;
}

/** The host the browser addressed (a proxy's X-Forwarded-Host first). */
function requestHost(request: Request): string | null {
  const forwarded = request.headers.get('x-forwarded-host')?.split(',')[0]?.trim();
  if (forwarded) return forwarded.toLowerCase();
  const host = request.headers.get('host');
  if (host) return host.toLowerCase();
  try {
    return new URL(request.url).host.toLowerCase();
  } catch {
    return null;
  }
}

/** Null when the request comes from a page of this origin (or from no page at all, e.g. curl); else why not. */
export function checkOrigin(request: Request): GuardRefusal | null {
  const origin = request.headers.get('origin');
  const host = requestHost(request);
  if (origin !== null) {
    let originHost: string | null = null;
    try {
      originHost = origin === 'null' ? null : new URL(origin).host.toLowerCase();
    } catch {
      originHost = null;
    }
    if (originHost === null || host === null || originHost !== host) {
      return { status: 403, reason: 'CrossOrigin', message: `requests from ${origin} are refused: only pages served by this Canopy may call it` };
    }
    return null;
  }
  if (request.headers.get('sec-fetch-site') === 'cross-site') {
    return { status: 403, reason: 'CrossOrigin', message: 'cross-site requests are refused: only pages served by this Canopy may call it' };
  }
  return null;
}

/** checkOrigin, plus the custom header every mutating request must carry. */
export function checkMutation(request: Request): GuardRefusal | null {
  const origin = checkOrigin(request);
  if (origin) return origin;
  if (request.headers.get(CANOPY_REQUEST_HEADER) !== '1') {
    return { status: 403, reason: 'MissingRequestHeader', message: `a changing request needs the header X-Canopy-Request: 1` };
  }
  return null;
}
