import { describe, expect, test } from 'vitest';
import { readBuilderText } from '../../lib/builder/document';
import { copyCliques, pasteCliques } from '../../lib/builder/edits';
import { graphFromObject } from '../../lib/builder/graph';
import { cliqueKey, completeLayout, EMPTY_LAYOUT, groupAt, groupFrame } from '../../lib/builder/layout';
import { PASTE_OFFSET, placePasted } from './pastePlacement';

const clique = (n: string) => `      - name: ${n}\n        spec: {roleName: ${n}, replicas: 1, podSpec: {containers: [{name: app, image: busybox}]}}\n`;
const stack = (groups: string) =>
  `apiVersion: grove.io/v1alpha1\nkind: PodCliqueSet\nmetadata: {name: demo}\nspec:\n  replicas: 1\n  template:\n    cliques:\n${clique('a')}${clique('b')}${clique('c')}${groups}`;

function graphOf(text: string) {
  const r = readBuilderText(text);
  if (!r.ok) throw new Error(r.message);
  return graphFromObject(r.object);
}

function paste(text: string, names: string[]) {
  const before = graphOf(text);
  const layout = completeLayout(EMPTY_LAYOUT, before);
  const r = pasteCliques(text, copyCliques(text, names));
  if (!r.ok) throw new Error(r.message);
  const after = graphOf(r.text);
  const pasted = r.note!.split(', ').map((name, i) => ({ name, from: names[i]! }));
  return { layout, after, placed: placePasted(layout, after, pasted), pasted };
}

describe('placing pasted cliques', () => {
  test('a copy of a group member is not drawn in the frame it is not a member of', () => {
    const { layout, after, placed, pasted } = paste(stack('    podCliqueScalingGroups:\n      - name: g\n        cliqueNames: [a, b]\n'), ['a']);
    const copy = pasted[0]!.name;
    expect(after.cliques.find((c) => c.name === copy)!.group).toBeNull();
    const at = placed.positions[cliqueKey(copy)]!;
    // The next drag starts from where it is drawn: it must read as standalone there.
    expect(groupAt(placed, after, at)).toBeNull();
    const frame = groupFrame(layout, after, 'g');
    expect(at.x >= frame.x + frame.width || at.y >= frame.y + frame.height).toBe(true);
  });

  test('a copy of a standalone clique goes just below-right of it, with its role kind', () => {
    const { layout, placed, pasted } = paste(stack(''), ['c']);
    const origin = layout.positions[cliqueKey('c')]!;
    expect(placed.positions[cliqueKey(pasted[0]!.name)]).toEqual({ x: origin.x + PASTE_OFFSET, y: origin.y + PASTE_OFFSET });
    expect(placed.kinds[pasted[0]!.name]).toBe(layout.kinds.c);
  });

  test('several copies moved out of frames do not land on one another', () => {
    const { after, placed, pasted } = paste(stack('    podCliqueScalingGroups:\n      - name: g\n        cliqueNames: [a, b]\n'), ['a', 'b']);
    const spots = pasted.map((p) => placed.positions[cliqueKey(p.name)]!);
    expect(spots[0]).not.toEqual(spots[1]);
    for (const s of spots) expect(groupAt(placed, after, s)).toBeNull();
  });
});
