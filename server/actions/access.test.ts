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
});
