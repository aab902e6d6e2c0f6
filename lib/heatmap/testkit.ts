/**
 * Cluster states with running Grove stacks, for the heatmap's tests and benchmark: stacks are placed
 * with the same previewPodCliqueSet the page uses, and their pods bound where the plan says.
 */
import type { ClusterState, PodInfo } from '../cluster/state';
import type { PodCliqueSet } from '../grove/podcliqueset';
import { previewPodCliqueSet } from '../placement/preview';

/** `state` with `stacks` placed one after the other (a stack that does not fit is skipped). */
export function withStacks(state: ClusterState, stacks: readonly PodCliqueSet[]): ClusterState {
  let current = state;
  for (const pcs of stacks) {
    const { plan, gangs } = previewPodCliqueSet(current, pcs);
    const pods = new Map(gangs.flatMap((g) => g.podGroups.flatMap((pg) => pg.pods)).map((p) => [p.name, p] as const));
    const bound: PodInfo[] = [];
    for (const gang of plan.gangs) {
      if (!gang.placed) continue;
      for (const planned of gang.pods) {
        const pod = pods.get(planned.name);
        if (!pod) continue;
        bound.push({ namespace: pod.namespace, name: pod.name, nodeName: planned.node, labels: pod.labels, requests: pod.requests, phase: 'Running', terminal: false });
      }
    }
    current = { ...current, pods: [...current.pods, ...bound] };
  }
  return current;
}
