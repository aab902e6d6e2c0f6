/**
 * Where pasted cliques go on the canvas: just below-right of the clique each was copied from, unless
 * that spot is inside a scaling group's frame the copy is not a member of (a pasted copy is
 * standalone in the YAML). A copy drawn in a frame would look like a member, and the next small drag
 * would make it one (a drop lands in the frame under it), so it goes to a free spot instead.
 * Relative imports so node-side unit tests can load it.
 */
import type { BuilderGraph } from '../../lib/builder/graph';
import { cliqueKey, freeSpot, groupAt, kindOf, type Layout } from '../../lib/builder/layout';

export const PASTE_OFFSET = 40;

/**
 * The layout with every pasted clique placed and given its original's role kind. `graph` is the
 * stack after the paste; `pasted` pairs each new name with the clique it was copied from.
 */
export function placePasted(layout: Layout, graph: BuilderGraph, pasted: readonly { name: string; from: string }[]): Layout {
  let next: Layout = { positions: { ...layout.positions }, kinds: { ...layout.kinds } };
  for (const { name, from } of pasted) {
    const origin = layout.positions[cliqueKey(from)];
    const near = origin ? { x: origin.x + PASTE_OFFSET, y: origin.y + PASTE_OFFSET } : null;
    const group = graph.cliques.find((c) => c.name === name)?.group ?? null;
    const at = near && groupAt(next, graph, near) === group ? near : freeSpot(next, graph);
    next = { positions: { ...next.positions, [cliqueKey(name)]: at }, kinds: { ...next.kinds, [name]: kindOf(layout, from) } };
  }
  return next;
}
