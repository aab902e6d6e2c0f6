import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../grove/meta';
import type { PodCliqueSet } from '../grove/podcliqueset';
import { demoStacks } from '../topology/demo';
import type { PodStage } from './pods';
import { podAt, stackObjects } from './testkit';
import { buildWorkloadTree, indexWorkloadObjects, type WorkloadObjects } from './tree';

const TEMPLATES = demoStacks() as PodCliqueSet[];
const STAGES: PodStage[] = ['gated', 'pending', 'scheduled', 'running', 'ready', 'failed'];

const stackArb = fc.record({
  template: fc.integer({ min: 0, max: TEMPLATES.length - 1 }),
  namespace: fc.constantFrom('default', 'team-a', 'team-b'),
  withoutLabels: fc.boolean(),
  stageSeed: fc.integer({ min: 0, max: 1000 }),
});

/** A store holding several stacks (some by ownerReferences only, same names in other namespaces), pods of no stack, in a shuffled order. */
type StackSpec = typeof stackArb extends fc.Arbitrary<infer T> ? T : never;

function storeOf(specs: StackSpec[], strays: number, order: number[]) {
  const stacks = specs.map((s, i) => {
    const template = TEMPLATES[s.template]!;
    // Names repeat across namespaces (stack-0 in default and in team-a are two stacks).
    const pcs: PodCliqueSet = { ...template, metadata: { ...template.metadata, name: `stack-${i % 3}-${s.template}`, namespace: s.namespace } };
    return stackObjects(pcs, { withoutLabels: s.withoutLabels, stage: (h) => STAGES[(h.length + s.stageSeed) % STAGES.length]! });
  });
  // Same names in one namespace would be one stack twice: keep the first.
  const seen = new Set<string>();
  const unique = stacks.filter((s) => !seen.has(`${s.pcs.metadata.namespace}/${s.pcs.metadata.name}`) && !!seen.add(`${s.pcs.metadata.namespace}/${s.pcs.metadata.name}`));
  const others: KubeObject[] = Array.from({ length: strays }, (_, i) => podAt('ready', { name: `train-${i}`, namespace: i % 2 ? 'team-a' : 'default', labels: { app: 'train' }, node: `node-${i}` }));
  const shuffled = <T>(list: T[]) => list.map((o, i) => ({ o, k: order[i % order.length]! * 1000 + i })).sort((a, b) => a.k - b.k).map((x) => x.o);
  const all = (k: keyof WorkloadObjects) => shuffled(unique.flatMap((s) => s[k] as KubeObject[]));
  const objects: WorkloadObjects = {
    podCliqueSets: all('podCliqueSets'),
    podCliques: all('podCliques'),
    podCliqueScalingGroups: all('podCliqueScalingGroups'),
    podGangs: all('podGangs'),
    pods: shuffled([...unique.flatMap((s) => s.pods), ...others]),
  };
  return { stacks: unique.map((s) => s.pcs), objects };
}

describe('indexWorkloadObjects (each stack reads only its own objects)', () => {
  it('gives every stack the same tree as scanning every object of the store (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(stackArb, { minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 8 }), fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 20 }), (specs, strays, order) => {
        const { stacks, objects } = storeOf(specs, strays, order);
        const objectsOf = indexWorkloadObjects(objects);
        for (const pcs of stacks) {
          const own = objectsOf(pcs);
          expect(buildWorkloadTree(pcs, own)).toEqual(buildWorkloadTree(pcs, objects));
          // Nothing of another stack or of no stack is handed to it.
          expect(own.pods.every((p) => p.metadata?.namespace === pcs.metadata.namespace && !p.metadata?.name?.startsWith('train-'))).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('hands out the same lists for a stack on every ask of one index (a list re-asks each render)', () => {
    const { stacks, objects } = storeOf([{ template: 0, namespace: 'default', withoutLabels: false, stageSeed: 1 }], 2, [0]);
    const objectsOf = indexWorkloadObjects(objects);
    expect(objectsOf(stacks[0]!)).toBe(objectsOf(stacks[0]!));
    expect(objectsOf(stacks[0]!).pods.length).toBeGreaterThan(0);
  });
});
