import { describe, expect, it } from 'vitest';
import { permissionFor, type CapabilityState } from './useCapabilities';

const ready = (readOnly: boolean, scale: { allowed: boolean; reason?: string }): CapabilityState => ({
  status: 'ready',
  capabilities: { namespace: 'default', readOnly, kinds: { PodCliqueSet: { apply: { allowed: true }, delete: { allowed: false, reason: 'RBAC: no delete' }, scale } } },
});

describe('permissionFor', () => {
  it('is loading while asked, and undefined (the cluster decides) when the question failed', () => {
    expect(permissionFor({ status: 'loading' }, 'PodCliqueSet', 'scale')).toBe('loading');
    expect(permissionFor({ status: 'error', message: 'boom' }, 'PodCliqueSet', 'scale')).toBeUndefined();
  });

  it('passes the server’s answer and reason through per kind and action', () => {
    expect(permissionFor(ready(false, { allowed: true }), 'PodCliqueSet', 'scale')).toEqual({ allowed: true });
    expect(permissionFor(ready(false, { allowed: true }), 'PodCliqueSet', 'delete')).toEqual({ allowed: false, reason: 'RBAC: no delete' });
    expect(permissionFor(ready(false, { allowed: true }), 'PodClique', 'scale')).toBeUndefined();
  });

  it('a read-only Canopy refuses every action with that reason, whatever RBAC says', () => {
    expect(permissionFor(ready(true, { allowed: true }), 'PodCliqueSet', 'scale')).toEqual({ allowed: false, reason: 'Canopy is read-only against this cluster' });
  });
});
