/**
 * A PodCliqueSet being deleted. Canopy deletes it in the foreground (server/actions/delete.ts): the
 * apiserver answers at once, sets deletionTimestamp and the foregroundDeletion finalizer, and the
 * object stays until the garbage collector has removed what it owns (PodCliques, pods, a pod held by
 * its own finalizer...). Until then the stack is Deleting, not Healthy, and is neither scaled nor
 * deleted again; this says what is left.
 */
import type { KubeObject } from '../grove/meta';
import { plural } from './plural';
import type { WorkloadTree } from './tree';

export interface WorkloadDeletion {
  /** metadata.deletionTimestamp of the PodCliqueSet. */
  since: string;
  /** Pods of the stack still there, and those of them already marked for deletion (Terminating). */
  pods: number;
  terminatingPods: number;
  podCliques: number;
  scalingGroups: number;
  podGangs: number;
  /** Finalizers still on the PodCliqueSet (foregroundDeletion until its dependents are gone). */
  finalizers: string[];
  /** One line: "Deleting: 12 pods terminating". */
  text: string;
  /**
   * Everything still there, for the stack's header in place of its availability (the PodCliqueSet's
   * status is not updated during teardown, so it would claim replicas that are going):
   * "12 pods left (4 terminating), 3 PodCliques left".
   */
  left: string;
}

const deletionOf = (o: KubeObject) => o.metadata?.deletionTimestamp;

/** What is left of a stack being deleted, or undefined when its PodCliqueSet is not being deleted. */
export function workloadDeletion(tree: WorkloadTree): WorkloadDeletion | undefined {
  const since = deletionOf(tree.pcs);
  if (!since) return undefined;
  const pods = tree.pods.length;
  const terminatingPods = tree.pods.filter((p) => deletionOf(p.object)).length;
  const finalizers = [...(tree.pcs.metadata.finalizers ?? [])];
  const left = {
    pods,
    terminatingPods,
    podCliques: tree.podCliques.length,
    scalingGroups: tree.scalingGroups.length,
    podGangs: tree.gangs.length,
  };
  let what: string;
  if (pods > 0) what = terminatingPods === pods ? `${plural(pods, 'pod')} terminating` : `${plural(pods, 'pod')} left${terminatingPods > 0 ? `, ${terminatingPods} terminating` : ''}`;
  else if (left.podCliques + left.scalingGroups + left.podGangs > 0)
    what = `${[plural(left.podCliques, 'PodClique'), plural(left.scalingGroups, 'scaling group'), plural(left.podGangs, 'PodGang')].filter((s) => !s.startsWith('0 ')).join(', ')} left`;
  else what = finalizers.length > 0 ? `waiting for finalizer${finalizers.length === 1 ? '' : 's'} ${finalizers.join(', ')}` : 'almost gone';
  const podsLeft = `${plural(pods, 'pod')} left${terminatingPods > 0 ? ` (${terminatingPods} terminating)` : ''}`;
  const others = [plural(left.podCliques, 'PodClique'), plural(left.scalingGroups, 'scaling group'), plural(left.podGangs, 'PodGang')].filter((s) => !s.startsWith('0 ')).map((s) => `${s} left`);
  return { since, ...left, finalizers, text: `Deleting: ${what}`, left: [podsLeft, ...others].join(', ') };
}

/** Why a stack being deleted is not scaled or deleted again (one sentence for both controls). */
export function deletingRefusal(tree: Pick<WorkloadTree, 'namespace' | 'name'>, deletion: WorkloadDeletion): string {
  return `PodCliqueSet ${tree.namespace}/${tree.name} is being deleted (${deletion.text.replace(/^Deleting: /, '')}): it cannot be scaled or deleted again.`;
}
