/**
 * One raw request to the apiserver with the kubeconfig's credentials. Raw on purpose: the generated
 * clients turn timestamps into Date objects and drop unknown fields, and Canopy hands out the
 * apiserver's JSON as it came (plain data at every boundary). Non-2xx answers become ActionFailure
 * carrying the apiserver's Status verbatim.
 */
import type * as k8s from '@kubernetes/client-node';
import http from 'node:http';
import https from 'node:https';
import { ActionFailure, actionErrorFromStatus } from '../actions/errors';

export interface KubeRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  timeoutMs?: number;
  /** Called with each `Warning` header of the answer (deprecations, webhook warnings). */
  onWarning?: (message: string) => void;
}

const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

export function requestUrl(kubeConfig: k8s.KubeConfig, path: string, query: KubeRequest['query'] = {}): URL {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new ActionFailure({ status: 503, reason: 'ServiceUnavailable', message: 'the kubeconfig has no current cluster' });
  const url = new URL(cluster.server.replace(/\/+$/, '') + path);
  for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));
  return url;
}

/** The parsed JSON answer of a 2xx response; throws ActionFailure otherwise (503 when the apiserver is unreachable). */
export async function kubeRequest<T = unknown>(kubeConfig: k8s.KubeConfig, request: KubeRequest): Promise<T> {
  const url = requestUrl(kubeConfig, request.path, request.query);
  const options: https.RequestOptions = { method: request.method, headers: { Accept: 'application/json' } };
  await kubeConfig.applyToHTTPSOptions(options);
  const payload = request.body === undefined ? undefined : typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
  const headers = options.headers as Record<string, string>;
  if (payload !== undefined) {
    headers['Content-Type'] = request.contentType ?? 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  const transport = url.protocol === 'http:' ? http : https;
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = transport.request(url, options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) req.destroy(new Error('response too large'));
        else chunks.push(chunk);
      });
      if (request.onWarning) for (const warning of warningsOf(res.headers.warning)) request.onWarning(warning);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(request.timeoutMs ?? 30_000, () => req.destroy(new Error(`no answer from ${url.host} within ${(request.timeoutMs ?? 30_000) / 1000}s`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  }).catch((error: Error) => {
    throw new ActionFailure({ status: 503, reason: 'ServiceUnavailable', message: `cannot reach the apiserver at ${url.host}: ${error.message}` });
  });
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON (a proxy's HTML page, a plain-text error): keep the text for the message.
  }
  if (status < 200 || status >= 300) throw actionErrorFromStatus(status, body);
  return body as T;
}

export function isStatus(error: unknown, status: number): boolean {
  return error instanceof ActionFailure && error.status === status;
}

/** Texts of `Warning: 299 - "text"` headers (RFC 7234 format, as the apiserver sends them). */
export function warningsOf(header: string | string[] | undefined): string[] {
  if (!header) return [];
  const values = Array.isArray(header) ? header : [header];
  const out: string[] = [];
  for (const value of values) {
    for (const match of value.matchAll(/\d{3} \S+ "((?:[^"\\]|\\.)*)"/g)) out.push(match[1]!.replace(/\\(.)/g, '$1'));
  }
  return out;
}
