import { describe, expect, it } from 'vitest';
import { accessNeeded, refusedPermissionText } from './capabilities';

describe('a refused permission names the right its check asked for', () => {
  it('verb, resource/subresource and namespace, as the SelfSubjectAccessReview asked them', () => {
    const check = { verb: 'patch', resource: 'podcliquescalinggroups', subresource: 'scale', namespace: 'default' };
    expect(accessNeeded(check)).toBe('needs patch on podcliquescalinggroups/scale in namespace default');
    expect(refusedPermissionText('scale PodCliqueScalingGroup opj-live-0-prefill', { allowed: false, check })).toBe(
      'You may not scale PodCliqueScalingGroup opj-live-0-prefill (needs patch on podcliquescalinggroups/scale in namespace default)',
    );
    expect(accessNeeded({ verb: 'delete', resource: 'clustertopologybindings' })).toBe('needs delete on clustertopologybindings cluster-wide');
  });

  it('keeps the authorizer’s reason after it, and says no right when no check is known (read-only Canopy)', () => {
    expect(refusedPermissionText('delete this PodCliqueSet', { allowed: false, reason: 'no RBAC policy matched', check: { verb: 'delete', resource: 'podcliquesets', namespace: 'team-a' } })).toBe(
      'You may not delete this PodCliqueSet (needs delete on podcliquesets in namespace team-a): no RBAC policy matched',
    );
    expect(refusedPermissionText('delete this PodCliqueSet', { allowed: false, reason: 'Canopy is read-only against this cluster' })).toBe('You may not delete this PodCliqueSet: Canopy is read-only against this cluster');
  });
});
