/**
 * Cliques moved with the arrow keys join and leave scaling groups as a mouse drag does: by where their
 * centre is when the move is put down. React Flow moves a selected node 5 px a press (20 with Shift).
 * Written at every press, a clique could never get into a frame (the press that brings its edge over the
 * frame is written, and makeRoom moves it back out) nor out of its own (its frame, fitted around it,
 * follows it). So a keyboard move is held like a drag (drawn where the keys put it, the frames as they
 * were, nothing written) while writing it would not keep it there, and written on key release, like a
 * drop, once every clique it moves lands where the layout keeps it, or in another group than its own.
 */
import type { BuilderGraph } from './graph';
import { dropAt, type Layout, type Point } from './layout';

/** A clique moved by the keys: its ref (CliqueNode.ref: its name, or `<name>#2` for a later clique of a name) and its top-left corner now (flow coordinates). */
export interface KeyboardMove {
  ref: string;
  at: Point;
}

export type KeyboardMoveOutcome =
  | { write: true }
  /** Held: the clique `ref` is over the edge of scaling group `frame`, which it is (`member`) or is not in. */
  | { write: false; ref: string; frame: string; member: boolean };

/** Whether a keyboard move of cliques is written now (on key release) or held until it lands somewhere kept. */
export function settleKeyboardMove(layout: Layout, graph: BuilderGraph, moves: readonly KeyboardMove[]): KeyboardMoveOutcome {
  for (const m of moves) {
    const drop = dropAt(layout, graph, m.ref, m.at);
    if (drop.unkeptBy !== null) return { write: false, ref: m.ref, frame: drop.unkeptBy, member: drop.group === drop.unkeptBy };
  }
  return { write: true };
}

/** What a held keyboard move is told (a live region): where it stands and what moving on does; the clique is said by its ref. */
export function heldMoveHint(held: Extract<KeyboardMoveOutcome, { write: false }>): string {
  return held.member
    ? `${held.ref} is at the edge of scaling group ${held.frame}: move it on until its centre is out of the frame to leave the group, or back in.`
    : `${held.ref} is over the edge of scaling group ${held.frame}: move it on until its centre is inside the frame to join the group, or back out.`;
}
