/**
 * What the inspector writes when a clique's replicas change, and what it says about minAvailable then.
 * minAvailable is create-only (Grove refuses any change to it on update), so on a stack that runs, or
 * one not known to be new, replicas change alone. On a new stack a minAvailable written equal to
 * replicas follows it: whoever wrote it asked for all the clique's pods as one gang, and lowering
 * replicas under an unchanged minAvailable would make the stack invalid. A minAvailable not written
 * needs nothing: Grove defaults it to the replicas it is created with.
 */
import type { Path } from '../../lib/builder/document';
import { cliquePath } from '../../lib/builder/edits';
import type { CliqueNode } from '../../lib/builder/graph';

/** Whether the stack in the builder runs: Apply then updates it, under Grove's update rules. */
export type StackLife = { kind: 'new' } | { kind: 'running'; key: string } | { kind: 'unknown'; why: string };

type Clique = Pick<CliqueNode, 'index' | 'replicas' | 'minAvailable'>;

/** minAvailable follows replicas: only on a new stack, and only when it is written equal to them. */
function follows(clique: Clique, life: StackLife): boolean {
  return life.kind === 'new' && clique.replicas !== null && clique.minAvailable === clique.replicas;
}

/** The fields to write for replicas set to `value`. */
export function replicasEdit(clique: Clique, value: unknown, life: StackLife): { path: Path; value: unknown }[] {
  const replicas = { path: cliquePath(clique.index, 'spec', 'replicas'), value };
  if (typeof value !== 'number' || !follows(clique, life)) return [replicas];
  return [replicas, { path: cliquePath(clique.index, 'spec', 'minAvailable'), value }];
}

/** What the replicas field says about minAvailable, or null when there is nothing to say. */
export function replicasHelp(clique: Clique, life: StackLife): string | null {
  if (follows(clique, life)) return 'Min available follows while it equals replicas (all pods one gang).';
  if (clique.minAvailable === null) return null;
  if (life.kind === 'running') return `The stack runs: min available stays ${clique.minAvailable} (Grove refuses changing it on update).`;
  if (life.kind === 'unknown' && clique.minAvailable === clique.replicas) return `Min available stays ${clique.minAvailable}: whether this stack runs is not known (${life.why.replace(/\.$/, '')}).`;
  return null;
}
