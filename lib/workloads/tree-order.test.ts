/** The stack's lists in index order, not as text: replica 2 before replica 10, scaled gang 2 before 10. */
import { describe, expect, it } from 'vitest';
import type { PodCliqueSet } from '../grove/podcliqueset';
import { demoStacks } from '../topology/demo';
import { stackObjects } from './testkit';
import { buildWorkloadTree } from './tree';

const [disagg, wide] = demoStacks() as [PodCliqueSet, PodCliqueSet];
const withReplicas = (pcs: PodCliqueSet, replicas: number) => ({ ...pcs, spec: { ...pcs.spec, replicas } }) as PodCliqueSet;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
/** Store order shuffled (reversed), so the tree's own sort is what is tested. */
const reversed = (objects: ReturnType<typeof stackObjects>) => ({
  ...objects,
  podCliques: [...objects.podCliques].reverse(),
  podCliqueScalingGroups: [...objects.podCliqueScalingGroups].reverse(),
  podGangs: [...objects.podGangs].reverse(),
  pods: [...objects.pods].reverse(),
});

describe('buildWorkloadTree sorts by index, not as text', () => {
  it('deepseek-wide at 12 replicas: PodGangs -0, -1, -2 … -11 (not -0, -1, -10, -11, -2)', () => {
    const objects = reversed(stackObjects(withReplicas(wide, 12)));
    const tree = buildWorkloadTree(objects.pcs, objects);
    expect(tree.gangs.map((g) => g.name)).toEqual(range(12).map((i) => `deepseek-wide-${i}`));
    // PodCliques and pods follow the same order.
    expect(tree.podCliques.filter((c) => c.template === 'leader').map((c) => c.pcsIndex)).toEqual(range(12));
    expect([...new Set(tree.pods.map((p) => p.podClique))].filter((c) => c.endsWith('-leader'))).toEqual(range(12).map((i) => `deepseek-wide-${i}-leader`));
  });

  it('scaled gangs by PCS replica, the base gang first, then the scaled index: …-prefill-2 before …-prefill-10', () => {
    const groups = Object.fromEntries(range(11).map((i) => [`llama-disagg-${i}-prefill`, 12]));
    const objects = reversed(stackObjects(withReplicas(disagg, 11), { scalingGroupReplicas: groups }));
    const tree = buildWorkloadTree(objects.pcs, objects);
    // Group minAvailable 1: group replicas 1..11 are scaled gangs 0..10.
    const expected = range(11).flatMap((i) => [`llama-disagg-${i}`, ...range(11).map((k) => `llama-disagg-${i}-prefill-${k}`)]);
    expect(tree.gangs.map((g) => g.name)).toEqual(expected);
    expect(tree.gangs.filter((g) => g.base).map((g) => g.name)).toEqual(range(11).map((i) => `llama-disagg-${i}`));
    // Scaling groups in replica order, members by group replica index.
    expect(tree.scalingGroups.map((g) => g.pcsIndex)).toEqual(range(11));
    const members = tree.podCliques.filter((c) => c.pcsIndex === 0 && c.template === 'pleader').map((c) => c.scalingGroup!.replicaIndex);
    expect(members).toEqual(range(12));
  });

  it('pods of a PodClique by pod index: pod 2 before pod 10', () => {
    const objects = reversed(stackObjects(disagg, { podCliqueReplicas: { 'llama-disagg-0-decode': 12 } }));
    const tree = buildWorkloadTree(objects.pcs, objects);
    const decode = tree.podCliques.find((c) => c.name === 'llama-disagg-0-decode')!;
    expect(decode.pods.map((p) => p.podIndex)).toEqual(range(12));
  });
});
