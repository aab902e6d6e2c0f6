import { describe, expect, it } from 'vitest';
import { checkHost, checkMutation, checkOrigin, isAllowedHost } from './guard';

const req = (headers: Record<string, string>, url = 'http://127.0.0.1:3000/api/apply') => new Request(url, { method: 'POST', headers });

describe('checkOrigin', () => {
  it('lets same-origin pages and origin-less clients (curl, the CLI) through', () => {
    expect(checkOrigin(req({ host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000' }))).toBeNull();
    expect(checkOrigin(req({ host: 'canopy.example:8443', origin: 'https://CANOPY.example:8443' }), { CANOPY_ALLOWED_HOSTS: 'canopy.example' })).toBeNull();
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

  it('without Origin, lets only same-origin and none (the user\'s own navigation) through: same-site is a page on another port of this host', () => {
    const stream = (site: string) => checkOrigin(new Request('http://localhost:3000/api/stream?namespace=team-a', { headers: { host: 'localhost:3000', 'sec-fetch-site': site } }));
    expect(stream('same-origin')).toBeNull();
    expect(stream('none')).toBeNull();
    expect(stream('same-site')).toEqual({ status: 403, reason: 'CrossOrigin', message: 'same-site requests are refused: only pages served by this Canopy may call it' });
    expect(stream('something-new')?.reason).toBe('CrossOrigin');
  });

  it('compares with the forwarded host behind a proxy', () => {
    const env = { CANOPY_ALLOWED_HOSTS: 'canopy.example, 10.0.0.5:3000' };
    expect(checkOrigin(req({ host: '10.0.0.5:3000', 'x-forwarded-host': 'canopy.example', origin: 'https://canopy.example' }), env)).toBeNull();
    expect(checkOrigin(req({ host: '10.0.0.5:3000', 'x-forwarded-host': 'canopy.example', origin: 'http://10.0.0.5:3000' }), env)?.status).toBe(403);
  });
});

describe('checkHost (DNS rebinding)', () => {
  it('refuses a rebound name even when its Origin matches its Host, for reads as for changes', () => {
    const rebound = { host: 'rebind.evil:3000', origin: 'http://rebind.evil:3000', 'x-canopy-request': '1' };
    const refusal = checkOrigin(req(rebound), {});
    expect(refusal?.status).toBe(403);
    expect(refusal?.reason).toBe('HostNotAllowed');
    expect(refusal?.message).toMatch(/rebind\.evil:3000.*CANOPY_ALLOWED_HOSTS/);
    expect(checkMutation(req(rebound), {})?.reason).toBe('HostNotAllowed');
    // A same-origin GET carries no Origin at all.
    expect(checkOrigin(new Request('http://rebind.evil:3000/api/snapshot', { headers: { host: 'rebind.evil:3000', 'sec-fetch-site': 'same-origin' } }), {})?.reason).toBe('HostNotAllowed');
  });

  it('allows loopback on any port, and what CANOPY_ALLOWED_HOSTS lists (host = any port, host:port = that port)', () => {
    for (const host of ['localhost', 'localhost:3000', '127.0.0.1:3210', '[::1]:8080', '[::1]', 'LOCALHOST:1']) expect(isAllowedHost(host, {})).toBe(true);
    for (const host of ['rebind.evil:3000', '127.0.0.2:3000', 'localhost.evil:3000', '0.0.0.0:3000', '', ':3000']) expect(isAllowedHost(host, {})).toBe(false);
    const env = { CANOPY_ALLOWED_HOSTS: ' canopy.example , gpu-box:8443,[fd00::5]:3000,' };
    expect(isAllowedHost('canopy.example', env)).toBe(true);
    expect(isAllowedHost('Canopy.Example:443', env)).toBe(true);
    expect(isAllowedHost('gpu-box:8443', env)).toBe(true);
    expect(isAllowedHost('gpu-box:3000', env)).toBe(false);
    expect(isAllowedHost('gpu-box', env)).toBe(false);
    expect(isAllowedHost('[fd00::5]:3000', env)).toBe(true);
    expect(isAllowedHost('[fd00::5]:3001', env)).toBe(false);
    expect(isAllowedHost('evil.canopy.example', env)).toBe(false);
  });

  it('checks a forwarded host too, so a proxy that rewrites Host to 127.0.0.1 does not open the door', () => {
    expect(checkHost(req({ host: '127.0.0.1:3000', 'x-forwarded-host': 'rebind.evil:3000' }), {})?.reason).toBe('HostNotAllowed');
    expect(checkHost(req({ host: 'rebind.evil:3000', 'x-forwarded-host': '127.0.0.1:3000' }), {})?.reason).toBe('HostNotAllowed');
    expect(checkHost(req({ host: '127.0.0.1:3000', 'x-forwarded-host': 'localhost:3000, rebind.evil' }), {})?.reason).toBe('HostNotAllowed');
    expect(checkHost(req({ host: '127.0.0.1:3000', 'x-forwarded-host': 'canopy.example' }), { CANOPY_ALLOWED_HOSTS: 'canopy.example' })).toBeNull();
  });

  it('reads CANOPY_ALLOWED_HOSTS from the environment by default', () => {
    const saved = process.env.CANOPY_ALLOWED_HOSTS;
    try {
      process.env.CANOPY_ALLOWED_HOSTS = 'canopy.example';
      expect(checkOrigin(req({ host: 'canopy.example:3000', origin: 'http://canopy.example:3000' }))).toBeNull();
      delete process.env.CANOPY_ALLOWED_HOSTS;
      expect(checkOrigin(req({ host: 'canopy.example:3000', origin: 'http://canopy.example:3000' }))?.reason).toBe('HostNotAllowed');
    } finally {
      if (saved === undefined) delete process.env.CANOPY_ALLOWED_HOSTS;
      else process.env.CANOPY_ALLOWED_HOSTS = saved;
    }
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
