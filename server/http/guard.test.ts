import { describe, expect, it } from 'vitest';
import { checkMutation, checkOrigin } from './guard';

const req = (headers: Record<string, string>, url = 'http://127.0.0.1:3000/api/apply') => new Request(url, { method: 'POST', headers });

describe('checkOrigin', () => {
  it('lets same-origin pages and origin-less clients (curl, the CLI) through', () => {
    expect(checkOrigin(req({ host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000' }))).toBeNull();
    expect(checkOrigin(req({ host: 'canopy.example:8443', origin: 'https://CANOPY.example:8443' }))).toBeNull();
    expect(checkOrigin(req({ host: '127.0.0.1:3000' }))).toBeNull();
    expect(checkOrigin(req({ host: '127.0.0.1:3000', 'sec-fetch-site': 'same-origin' }))).toBeNull();
  });

  it('refuses another origin, another port, an opaque origin and a malformed one', () => {
    expect(checkOrigin(req({ host: '127.0.0.1:3000', origin: 'https://evil.example' }))?.reason).toBe('CrossOrigin');
    expect(checkOrigin(req({ host: '127.0.0.1:3000', origin: 'http://127.0.0.1:4000' }))?.reason).toBe('CrossOrigin');
    expect(checkOrigin(req({ host: '127.0.0.1:3000', origin: 'null' }))?.status).toBe(403);
    expect(checkOrigin(req({ host: '127.0.0.1:3000', origin: 'not a url' }))?.status).toBe(403);
  });

  it('refuses Sec-Fetch-Site: cross-site when there is no Origin', () => {
    expect(checkOrigin(req({ host: '127.0.0.1:3000', 'sec-fetch-site': 'cross-site' }))?.reason).toBe('CrossOrigin');
  });

  it('compares with the forwarded host behind a proxy', () => {
    expect(checkOrigin(req({ host: '10.0.0.5:3000', 'x-forwarded-host': 'canopy.example', origin: 'https://canopy.example' }))).toBeNull();
    expect(checkOrigin(req({ host: '10.0.0.5:3000', 'x-forwarded-host': 'canopy.example', origin: 'http://10.0.0.5:3000' }))?.status).toBe(403);
  });
});

describe('checkMutation', () => {
  it('needs X-Canopy-Request: 1 as well as the origin (a cross-site form cannot set it)', () => {
    expect(checkMutation(req({ host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000', 'x-canopy-request': '1' }))).toBeNull();
    expect(checkMutation(req({ host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000' }))?.reason).toBe('MissingRequestHeader');
    expect(checkMutation(req({ host: '127.0.0.1:3000', 'x-canopy-request': 'yes' }))?.reason).toBe('MissingRequestHeader');
    expect(checkMutation(req({ host: '127.0.0.1:3000', origin: 'https://evil.example', 'x-canopy-request': '1' }))?.reason).toBe('CrossOrigin');
  });
});
