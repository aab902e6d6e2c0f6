/**
 * A workload's span keys domains by label path, as the map's frames and the workloads page do: a value
 * repeated under two zones (Grove's e2e labels) is two domains, named apart.
 */
import { describe, expect, test } from 'vitest';
import { LABEL_MANAGED_BY, LABEL_MANAGED_BY_VALUE, LABEL_PART_OF, LABEL_PODGANG } from '../grove/labels';
import { boundPod, groveE2eCluster } from '../placement/testkit';
import { buildHeatmapModel } from './model';
import { workloadSpan } from './span';

const grove = (gang: string) => ({ [LABEL_MANAGED_BY]: LABEL_MANAGED_BY_VALUE, [LABEL_PART_OF]: 'w', [LABEL_PODGANG]: gang });

/** Grove e2e labels: worker-20 is zone-0/block-1/rack-2, worker-30 zone-1/block-1/rack-4. Gang w-0 on both. */
function gangOnTwoBlock1s() {
  const state = groveE2eCluster(56);
  state.pods = [
    { ...boundPod('p0', 'worker-20', 2), labels: grove('w-0') },
    { ...boundPod('p1', 'worker-30', 2), labels: grove('w-0') },
  ];
  return state;
}

/** The frames of `level` holding the workload's cells: what the map draws around it. */
function framesDrawn(model: ReturnType<typeof buildHeatmapModel>, cells: Int32Array, level: string): string[] {
  const { layout } = model;
  const ids = new Set<string>();
  for (const cell of cells) {
    for (let f = layout.nodes[layout.cellNode[cell]!]!.frame; f >= 0; f = layout.frames[f]!.parent) if (layout.frames[f]!.level === level) ids.add(layout.frames[f]!.id);
  }
  return [...ids];
}

describe('workloadSpan: domains are label paths', () => {
  test('a gang on block-1 of zone-0 and block-1 of zone-1 spans two blocks, named apart, and is split at block', () => {
    const model = buildHeatmapModel(gangOnTwoBlock1s());
    const span = workloadSpan(model, 'default/w')!;
    expect(span.domains).toEqual({ zone: ['zone-0', 'zone-1'], block: ['block-1 in zone zone-0', 'block-1 in zone zone-1'], rack: ['rack-2 in block block-1 in zone zone-0', 'rack-4'] });
    // As many as the map draws: two block-1 frames.
    expect(framesDrawn(model, span.cells, 'block')).toEqual(['zone=zone-0/block=block-1', 'zone=zone-1/block=block-1']);
    expect(span.gangs).toMatchObject([{ name: 'w-0', gpus: 4, splitAt: ['zone', 'block', 'rack'], domains: span.domains }]);
  });

  test('with the zone level collapsed the map merges the two block-1s into one frame, and so does the span; the gang is still split at block', () => {
    const model = buildHeatmapModel(gangOnTwoBlock1s(), { hiddenLevels: ['zone'] });
    const span = workloadSpan(model, 'default/w')!;
    expect(framesDrawn(model, span.cells, 'block')).toEqual(['block=block-1']);
    expect(span.domains).toEqual({ block: ['block-1'], rack: ['rack-2 in block block-1', 'rack-4'] });
    // A split is a fact about the placement: the gang's blocks are the two domains, whatever the map hides.
    expect(span.gangs[0]!.splitAt).toEqual(['zone', 'block', 'rack']);
    expect(span.gangs[0]!.domains.block).toEqual(['block-1 in zone zone-0', 'block-1 in zone zone-1']);
  });
});
