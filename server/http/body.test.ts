import { describe, expect, it } from 'vitest';
import { readBodyJson, readBodyText } from './body';

describe('readBodyText', () => {
  it('reads a body within the limit and refuses a larger one with 413', async () => {
    expect(await readBodyText(new Request('http://x/', { method: 'POST', body: 'abc' }), 10)).toBe('abc');
    const tooBig = await readBodyText(new Request('http://x/', { method: 'POST', body: 'x'.repeat(11) }), 10);
    expect(tooBig).toBeInstanceOf(Response);
    expect((tooBig as Response).status).toBe(413);
  });

  it('parses JSON and answers a 400 for anything else', async () => {
    expect(await readBodyJson(new Request('http://x/', { method: 'POST', body: '{"a":1}' }), 100)).toEqual({ a: 1 });
    expect(((await readBodyJson(new Request('http://x/', { method: 'POST', body: '{a' }), 100)) as Response).status).toBe(400);
  });
});
