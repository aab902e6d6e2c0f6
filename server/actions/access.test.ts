import { describe, expect, it } from 'vitest';
import type { AccessQuestion, ClusterSource } from '../sources/types';
import { capabilities } from './access';

describe('capabilities: each answer carries the check it answers', () => {
  it('scale of a scaling group is patch on podcliquescalinggroups/scale in the namespace; a refusal keeps it', async () => {
    const asked: AccessQuestion[] = [];
    const source = {
      info: () => ({ readOnly: false }),
      can: async (question: AccessQuestion) => {
        asked.push(question);
        return { allowed: question.subresource !== 'scale' };
      },
    } as unknown as ClusterSource;
    const answer = await capabilities(source, 'default');
    expect(answer.kinds.PodCliqueScalingGroup?.scale).toEqual({ allowed: false, check: { verb: 'patch', resource: 'podcliquescalinggroups', subresource: 'scale', namespace: 'default' } });
    expect(asked).toContainEqual({ verb: 'patch', group: 'grove.io', resource: 'podcliquescalinggroups', subresource: 'scale', namespace: 'default' });
    expect(answer.kinds.PodCliqueSet?.delete).toEqual({ allowed: true, check: { verb: 'delete', resource: 'podcliquesets', namespace: 'default' } });
    // Cluster-scoped: no namespace in the check.
    expect(answer.kinds.ClusterTopologyBinding?.delete.check).toEqual({ verb: 'delete', resource: 'clustertopologybindings' });
  });

  it('scale and apply read the object before they write it: without get, neither is allowed, and the refusal names get', async () => {
    // A role with patch on the /scale subresources, create and patch on the kinds, list and watch, and no get.
    const source = {
      info: () => ({ readOnly: false }),
      can: async (question: AccessQuestion) => ({ allowed: question.verb !== 'get' }),
    } as unknown as ClusterSource;
    const answer = await capabilities(source, 'team-a');
    expect(answer.kinds.PodCliqueSet?.scale).toEqual({ allowed: false, check: { verb: 'get', resource: 'podcliquesets', namespace: 'team-a' } });
    expect(answer.kinds.PodClique?.scale).toEqual({ allowed: false, check: { verb: 'get', resource: 'podcliques', namespace: 'team-a' } });
    expect(answer.kinds.PodCliqueSet?.apply).toEqual({ allowed: false, check: { verb: 'get', resource: 'podcliquesets', namespace: 'team-a' } });
    expect(answer.kinds.PodCliqueSet?.delete.allowed).toBe(true);
    // With get too, both are allowed; a missing patch on /scale is named before get.
    const granted = await capabilities({ info: () => ({ readOnly: false }), can: async () => ({ allowed: true }) } as unknown as ClusterSource, 'team-a');
    expect(granted.kinds.PodCliqueSet?.scale?.allowed).toBe(true);
    expect(granted.kinds.PodCliqueSet?.apply.allowed).toBe(true);
    const noScale = await capabilities({ info: () => ({ readOnly: false }), can: async (q: AccessQuestion) => ({ allowed: q.subresource !== 'scale' && q.verb !== 'get' }) } as unknown as ClusterSource, 'team-a');
    expect(noScale.kinds.PodCliqueSet?.scale?.check).toEqual({ verb: 'patch', resource: 'podcliquesets', subresource: 'scale', namespace: 'team-a' });
  });
});
