/** Request bodies read with a bound: nothing larger than the route accepts is ever buffered. */
import { badRequest } from './errors';

/** The body as text, refusing more than `limit` bytes (413) without reading further. */
export async function readBodyText(request: Request, limit: number): Promise<string | Response> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) return badRequest(`the request body is larger than ${limit} bytes`, 413, 'RequestEntityTooLarge');
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return badRequest(`the request body is larger than ${limit} bytes`, 413, 'RequestEntityTooLarge');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The body as JSON (at most `limit` bytes), or a 4xx Response. */
export async function readBodyJson(request: Request, limit: number): Promise<unknown> {
  const text = await readBodyText(request, limit);
  if (text instanceof Response) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    return badRequest(`the body is not JSON: ${(error as Error).message}`);
  }
}
