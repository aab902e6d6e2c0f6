/** The one refusal for scaling a PodClique of a scaling group by hand: Canopy's rule, with its reason. */
import { describe, expect, it } from 'vitest';
import { scalingGroupOfPodClique, scalingGroupRefusal } from './podclique';

describe('scalingGroupRefusal', () => {
  const message = scalingGroupRefusal('disagg-0-prefill-0-pworker', 'disagg-0-prefill');

  it('names the group, says the refusal is Canopy’s and why, and points at the group (or kubectl) instead', () => {
    expect(message).toMatch(/belongs to scaling group disagg-0-prefill .*scale disagg-0-prefill instead/);
    expect(message).toContain('Canopy');
    expect(message).toMatch(/only this replica of the group/);
    expect(message).toContain('kubectl scale pclq disagg-0-prefill-0-pworker');
  });

  it('does not claim Grove forbids it: Grove scales a member PodClique when asked', () => {
    expect(message).not.toMatch(/Grove scales its cliques together/);
  });
});

describe('scalingGroupOfPodClique', () => {
  it('reads the scaling-group label, else the owner', () => {
    expect(scalingGroupOfPodClique({ metadata: { labels: { 'grove.io/podcliquescalinggroup': 'g' } } })).toBe('g');
    expect(scalingGroupOfPodClique({ metadata: { ownerReferences: [{ apiVersion: 'grove.io/v1alpha1', kind: 'PodCliqueScalingGroup', name: 'h', uid: 'u' }] } })).toBe('h');
    expect(scalingGroupOfPodClique({ metadata: { name: 'standalone' } })).toBeUndefined();
  });
});
