/**
 * Who may call Canopy's routes. The server acts with the kubeconfig's identity, so any page the user
 * visits must not be able to drive it through the user's browser:
 * - a request addressed to a host that is not loopback or listed in CANOPY_ALLOWED_HOSTS is refused
 *   (DNS rebinding: a page whose name now resolves to 127.0.0.1 is "same-origin" with itself, so the
 *   Origin check alone would let it through; `next start` checks no Host);
 * - an `Origin` that is not this host is refused (for every route that reads or changes the cluster);
 *   without Origin (a browser's same-origin GET, curl), a Sec-Fetch-Site other than `same-origin` or
 *   `none` (the user's own navigation) is refused: `same-site` is a page on another port of this
 *   host (another dev server on localhost), which must not open namespace watches through /api/stream;
 * - mutating routes also need the header `X-Canopy-Request: 1`: a cross-site HTML form or a "simple"
 *   fetch cannot set a custom header, and a fetch that does triggers a CORS preflight we never answer.
 */
export const CANOPY_REQUEST_HEADER = 'x-canopy-request';

export interface GuardRefusal {
  status: 403;
  reason: 'HostNotAllowed' | 'CrossOrigin' | 'MissingRequestHeader';
  message: string;
}

const ALLOWED_HOSTS_SETTING = 'CANOPY_ALLOWED_HOSTS';

/** Hosts allowed on any port without being listed. */
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/** `name[:port]` → name and port (IPv6 in brackets keeps them); null port when none is given. */
function splitHost(value: string): { name: string; port: string | null } {
  const host = value.trim().toLowerCase();
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(host);
  // Anything else (e.g. a bare IPv6 address) is compared whole.
  return match ? { name: match[1]!, port: match[2] || null } : { name: host, port: null };
}

/** Loopback on any port, and the entries of CANOPY_ALLOWED_HOSTS (`host` = any port, `host:port` = that port). */
export function isAllowedHost(host: string, env: Record<string, string | undefined> = process.env): boolean {
  const { name, port } = splitHost(host);
  if (!name) return false;
  if (LOOPBACK_HOSTS.includes(name)) return true;
  for (const entry of (env[ALLOWED_HOSTS_SETTING] ?? '').split(',')) {
    if (!entry.trim()) continue;
    const allowed = splitHost(entry);
    if (allowed.name === name && (allowed.port === null || allowed.port === port)) return true;
  }
  return false;
}

/** The Host header (else the URL's host), lower-cased. */
function hostHeader(request: Request): string | null {
  const host = request.headers.get('host');
  if (host) return host.toLowerCase();
  try {
    return new URL(request.url).host.toLowerCase();
  } catch {
    return null;
  }
}

/** A proxy's X-Forwarded-Host values, first (the client's) first. */
function forwardedHosts(request: Request): string[] {
  return (request.headers.get('x-forwarded-host') ?? '')
    .split(',')
    .map((host) => host.trim().toLowerCase())
    .filter(Boolean);
}

/** The host the browser addressed (a proxy's X-Forwarded-Host first). */
function requestHost(request: Request): string | null {
  return forwardedHosts(request)[0] ?? hostHeader(request);
}

/**
 * Null when every host the request names (Host, and each X-Forwarded-Host a proxy passed on) is allowed.
 * Both are checked: a rebinding page controls neither Host (its own name) nor, behind a proxy that
 * rewrites Host to 127.0.0.1, the forwarded one.
 */
export function checkHost(request: Request, env: Record<string, string | undefined> = process.env): GuardRefusal | null {
  const host = hostHeader(request);
  const named = host === null ? forwardedHosts(request) : [host, ...forwardedHosts(request)];
  const refused = host === null ? '(none)' : named.find((candidate) => !isAllowedHost(candidate, env));
  if (refused === undefined) return null;
  return {
    status: 403,
    reason: 'HostNotAllowed',
    message: `requests addressed to host ${refused} are refused: Canopy answers only on localhost, 127.0.0.1 and [::1]; to serve it under another name, list that host (or host:port) in ${ALLOWED_HOSTS_SETTING} (comma-separated)`,
  };
}

/** Sec-Fetch-Site values accepted on a request without Origin: from this origin, or from no page (typed, bookmarked). */
const ORIGINLESS_SITES_ALLOWED = ['same-origin', 'none'];

/**
 * Null when the request is addressed to an allowed host (checkHost) and comes from a page of this
 * origin (or from no page at all, e.g. curl); else why not.
 */
export function checkOrigin(request: Request, env: Record<string, string | undefined> = process.env): GuardRefusal | null {
  const badHost = checkHost(request, env);
  if (badHost) return badHost;
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
  const site = request.headers.get('sec-fetch-site');
  if (site !== null && !ORIGINLESS_SITES_ALLOWED.includes(site)) {
    return { status: 403, reason: 'CrossOrigin', message: `${site} requests are refused: only pages served by this Canopy may call it` };
  }
  return null;
}

/** checkOrigin, plus the custom header every mutating request must carry. */
export function checkMutation(request: Request, env: Record<string, string | undefined> = process.env): GuardRefusal | null {
  const origin = checkOrigin(request, env);
  if (origin) return origin;
  if (request.headers.get(CANOPY_REQUEST_HEADER) !== '1') {
    return { status: 403, reason: 'MissingRequestHeader', message: `a changing request needs the header X-Canopy-Request: 1` };
  }
  return null;
}
