/**
 * The pod count from the spec (pod-count.ts) against the expansion it stands in for: the same number
 * for any small PodCliqueSet, and an answer without expanding for a huge one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandPodGangs } from './expand';
import type { PodCliqueScalingGroupConfig, PodCliqueSet, PodCliqueTemplateSpec } from './podcliqueset';
import { podCliqueSetPodCount, podsPerScalingGroupReplica } from './pod-count';

const clique = (name: string, replicas: number): PodCliqueTemplateSpec => ({
  name,
  spec: { roleName: name, replicas, podSpec: { containers: [{ name: 'app', image: 'busybox' }] } },
});

const pcsOf = (replicas: number, cliques: PodCliqueTemplateSpec[], groups: PodCliqueScalingGroupConfig[] = []): PodCliqueSet => ({
  apiVersion: 'grove.io/v1alpha1',
  kind: 'PodCliqueSet',
  metadata: { name: 'stack', namespace: 'default' },
  spec: { replicas, template: { cliques, ...(groups.length > 0 ? { podCliqueScalingGroups: groups } : {}) } },
});

const expandedPods = (pcs: PodCliqueSet) => expandPodGangs(pcs).reduce((n, g) => n + g.podGroups.reduce((m, pg) => m + pg.pods.length, 0), 0);

describe('podCliqueSetPodCount', () => {
  it('is PCS replicas × (standalone cliques + scaling group replicas × their cliques)', () => {
    // router 1 + decode 2 standalone; prefill (leader 1 + workers 3) × 2 group replicas: 3 + 8 = 11 per replica.
    const pcs = pcsOf(3, [clique('router', 1), clique('decode', 2), clique('pleader', 1), clique('pworker', 3)], [{ name: 'prefill', cliqueNames: ['pleader', 'pworker'], replicas: 2 }]);
    expect(podCliqueSetPodCount(pcs)).toEqual({ replicas: 3, podsPerReplica: 11, pods: 33 });
    expect(expandedPods(pcs)).toBe(33);
  });

  it('takes the defaults Grove takes: a clique of 0 replicas runs 1, a group without replicas has 1', () => {
    const pcs = pcsOf(2, [clique('a', 0), clique('b', 2)], [{ name: 'g', cliqueNames: ['b'] }]);
    expect(podCliqueSetPodCount(pcs).pods).toBe(6);
    expect(expandedPods(pcs)).toBe(6);
  });

  it('counts a clique two groups list once, in the first group (as the expansion does)', () => {
    const pcs = pcsOf(1, [clique('a', 2)], [
      { name: 'g1', cliqueNames: ['a'], replicas: 3 },
      { name: 'g2', cliqueNames: ['a'], replicas: 5 },
    ]);
    expect(podCliqueSetPodCount(pcs).pods).toBe(6);
    expect(expandedPods(pcs)).toBe(6);
  });

  it('equals the expansion for any small PodCliqueSet', () => {
    const shape = fc.record({
      replicas: fc.integer({ min: 0, max: 3 }),
      cliques: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 5 }),
      // Each group takes a subset of the clique indices (possibly overlapping another group) and a replica count.
      groups: fc.array(fc.record({ members: fc.uniqueArray(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }), replicas: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }) }), { maxLength: 3 }),
    });
    fc.assert(
      fc.property(shape, ({ replicas, cliques, groups }) => {
        const pcs = pcsOf(
          replicas,
          cliques.map((r, i) => clique(`c${i}`, r)),
          groups.map((g, i) => ({ name: `g${i}`, cliqueNames: g.members.filter((m) => m < cliques.length).map((m) => `c${m}`), ...(g.replicas !== undefined ? { replicas: g.replicas } : {}) })),
        );
        expect(podCliqueSetPodCount(pcs).pods).toBe(expandedPods(pcs));
      }),
    );
  });

  it('equals the expansion for replicas of any type: numbers, numeric strings, junk (one rule: a non-number builds nothing)', () => {
    // Wrong-typed replicas get past the count only if the expansion builds as few: `i < "20000"` coerced used to build 20,000 pods the count called 0.
    const junk = fc.constantFrom<unknown>('0', '2', '3', ' 2', '1e0', '0x2', '', 'two', true, false, null, [2], ['3'], {}, NaN, -0, -1, 1.5, 2.5, -0.5);
    const replicas = fc.oneof(fc.integer({ min: -1, max: 3 }), fc.integer({ min: 0, max: 3 }).map(String), junk, fc.constant(undefined));
    const withReplicas = <T extends object>(o: T, r: unknown): T => (r === undefined ? o : { ...o, replicas: r });
    const shape = fc.record({
      replicas,
      cliques: fc.array(replicas, { minLength: 1, maxLength: 4 }),
      groups: fc.array(fc.record({ members: fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }), replicas }), { maxLength: 2 }),
    });
    fc.assert(
      fc.property(shape, ({ replicas, cliques, groups }) => {
        const template = clique('c', 1);
        const pcs = {
          apiVersion: 'grove.io/v1alpha1',
          kind: 'PodCliqueSet',
          metadata: { name: 'stack', namespace: 'default' },
          spec: withReplicas(
            {
              template: {
                cliques: cliques.map((r, i) => ({ name: `c${i}`, spec: withReplicas({ ...template.spec, roleName: `c${i}` }, r) })),
                podCliqueScalingGroups: groups.map((g, i) => withReplicas({ name: `g${i}`, cliqueNames: g.members.filter((m) => m < cliques.length).map((m) => `c${m}`) }, g.replicas)),
              },
            },
            replicas,
          ),
        } as unknown as PodCliqueSet;
        expect(podCliqueSetPodCount(pcs).pods).toBe(expandedPods(pcs));
      }),
    );
  });

  it('builds nothing for a string replica count anywhere, and counts nothing for it', () => {
    const pcs = (replicas: unknown, cliqueReplicas: unknown, groupReplicas: unknown) =>
      ({
        ...pcsOf(1, [clique('a', 1), clique('b', 1)], [{ name: 'g', cliqueNames: ['b'] }]),
        spec: {
          replicas,
          template: { cliques: [{ ...clique('a', 1), spec: { ...clique('a', 1).spec, replicas: cliqueReplicas } }, clique('b', 1)], podCliqueScalingGroups: [{ name: 'g', cliqueNames: ['b'], replicas: groupReplicas }] },
        },
      }) as unknown as PodCliqueSet;
    for (const p of [pcs('20000', 1, 1), pcs(1, '20000', 0), pcs(1, 0, '20000')]) {
      expect(podCliqueSetPodCount(p).pods).toBe(expandedPods(p));
      expect(expandedPods(p)).toBeLessThanOrEqual(1);
    }
  });

  it('counts a million replicas without building them', () => {
    expect(podCliqueSetPodCount(pcsOf(1_000_000, [clique('a', 1), clique('b', 3)])).pods).toBe(4_000_000);
    expect(podCliqueSetPodCount(pcsOf(1e300, [clique('a', 1e300)])).pods).toBe(Infinity);
    expect(podCliqueSetPodCount(pcsOf(0, [clique('a', Infinity)])).pods).toBe(0);
  });

  it('counts malformed parts as the expansion would build them: not at all', () => {
    expect(podCliqueSetPodCount(null).pods).toBe(0);
    expect(podCliqueSetPodCount({ spec: { replicas: '5', template: { cliques: [clique('a', 1)] } } }).pods).toBe(0);
    expect(podCliqueSetPodCount({ spec: { replicas: 2, template: { cliques: [null, { name: 'x' }, clique('a', -3), clique('b', 2)] } } }).pods).toBe(4);
    expect(podCliqueSetPodCount({ spec: { replicas: 2, template: { cliques: [clique('a', 1)], podCliqueScalingGroups: [{ name: 'g', cliqueNames: 'a' }] } } }).pods).toBe(2);
  });
});

describe('podsPerScalingGroupReplica', () => {
  it('sums the template replicas of the cliques the group names', () => {
    const pcs = pcsOf(1, [clique('router', 1), clique('pleader', 1), clique('pworker', 3)]);
    expect(podsPerScalingGroupReplica(pcs.spec.template, ['pleader', 'pworker'])).toBe(4);
    expect(podsPerScalingGroupReplica(pcs.spec.template, ['missing'])).toBe(0);
  });
});
