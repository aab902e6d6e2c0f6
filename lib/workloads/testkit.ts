/**
 * Test fixtures: the objects the operator writes for a PodCliqueSet (lib/grove/expand-objects, with
 * uids and ownerReferences as the apiserver fills them), and pods at a chosen stage.
 */
import { expandPodCliqueSet } from '../grove/expand-objects';
import { LABEL_PCSG, LABEL_PODCLIQUE, SCHEDULING_GATE_PODGANG_PENDING } from '../grove/labels';
import type { KubeObject } from '../grove/meta';
import type { PodCliqueSet } from '../grove/podcliqueset';
import type { PodStage } from './pods';
import type { WorkloadObjects } from './tree';

let seq = 0;
const uid = () => `uid-${++seq}`;
const ref = (o: KubeObject) => ({ apiVersion: o.apiVersion ?? '', kind: o.kind ?? '', name: o.metadata?.name ?? '', uid: o.metadata?.uid ?? '', controller: true });

export interface FixtureOptions {
  /** Stage per pod (by hostname `<podclique>-<index>`), default `ready`. */
  stage?: (hostname: string) => PodStage;
  /** Node per pod (by hostname), default `node-<n>`. */
  node?: (hostname: string, n: number) => string;
  scalingGroupReplicas?: Record<string, number>;
  podCliqueReplicas?: Record<string, number>;
  /** Leave the grove labels off generated objects (ownerReferences only). */
  withoutLabels?: boolean;
  /** The operator's default scheduler profile (kai-scheduler on a KAI install), for cliques that name none. */
  defaultSchedulerName?: string;
}

export function stackObjects(input: PodCliqueSet, options: FixtureOptions = {}): WorkloadObjects & { pcs: PodCliqueSet } {
  const pcs: PodCliqueSet = { ...structuredClone(input), metadata: { ...input.metadata, namespace: input.metadata.namespace ?? 'default', uid: uid(), creationTimestamp: '2026-01-01T00:00:00Z' } };
  const expanded = expandPodCliqueSet(pcs, {
    ...(options.scalingGroupReplicas ? { scalingGroupReplicas: options.scalingGroupReplicas } : {}),
    ...(options.podCliqueReplicas ? { podCliqueReplicas: options.podCliqueReplicas } : {}),
    ...(options.defaultSchedulerName ? { defaultSchedulerName: options.defaultSchedulerName } : {}),
  });
  const strip = <T extends KubeObject>(o: T): T => (options.withoutLabels ? { ...o, metadata: { ...o.metadata, labels: {} } } : o);
  const groups = expanded.scalingGroups.map((g) => strip({ ...g, metadata: { ...g.metadata, uid: uid(), ownerReferences: [ref(pcs)] } }));
  const cliques = expanded.podCliques.map((c) => {
    const group = groups.find((g) => g.metadata.name === c.metadata.labels?.[LABEL_PCSG]);
    return strip({ ...c, metadata: { ...c.metadata, uid: uid(), ownerReferences: [ref(group ?? pcs)] } });
  });
  let n = 0;
  const pods: KubeObject[] = [];
  for (const gang of expanded.gangs) {
    for (const pg of gang.podGroups) {
      const clique = cliques.find((c) => c.metadata.name === pg.name)!;
      const template = clique.spec.podSpec;
      for (const p of pg.pods) {
        const stage = options.stage?.(p.name) ?? 'ready';
        const node = options.node?.(p.name, n) ?? `node-${n}`;
        n++;
        pods.push(podAt(stage, { name: `${p.name}-x${n}`, namespace: p.namespace, labels: options.withoutLabels ? {} : p.labels, owner: ref(clique), spec: template, node }));
      }
    }
  }
  const podGangs = expanded.podGangs.map((g) => ({
    ...g,
    metadata: { ...g.metadata, uid: uid(), ownerReferences: [ref(pcs)] },
    spec: {
      ...g.spec,
      podgroups: g.spec.podgroups.map((pg) => ({
        ...pg,
        podReferences: pods.filter((p) => p.metadata?.labels?.[LABEL_PODCLIQUE] === pg.name || p.metadata?.ownerReferences?.[0]?.name === pg.name).map((p) => ({ namespace: p.metadata!.namespace!, name: p.metadata!.name! })),
      })),
    },
    status: { phase: 'Pending' as const, conditions: [{ type: 'Initialized', status: 'True' as const, reason: 'PodGangPodsCreated', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' }] },
  }));
  return { pcs, podCliqueSets: [pcs], podCliques: cliques, podCliqueScalingGroups: groups, podGangs, pods };
}

export function podAt(stage: PodStage, o: { name: string; namespace: string; labels: Record<string, string>; owner?: ReturnType<typeof ref>; spec?: unknown; node: string }): KubeObject {
  const spec: Record<string, unknown> = { ...(structuredClone(o.spec) as Record<string, unknown>) };
  const conditions: { type: string; status: string; reason?: string; message?: string }[] = [];
  let phase = 'Pending';
  if (stage === 'gated') {
    spec.schedulingGates = [{ name: SCHEDULING_GATE_PODGANG_PENDING }];
    conditions.push({ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' });
  } else if (stage === 'pending') {
    conditions.push({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/8 nodes are available' });
  } else {
    spec.nodeName = o.node;
    conditions.push({ type: 'PodScheduled', status: 'True' });
    if (stage === 'running' || stage === 'ready') {
      phase = 'Running';
      conditions.push({ type: 'Ready', status: stage === 'ready' ? 'True' : 'False' });
    }
    if (stage === 'succeeded') phase = 'Succeeded';
    if (stage === 'failed') phase = 'Failed';
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: o.name, namespace: o.namespace, uid: uid(), labels: o.labels, ...(o.owner ? { ownerReferences: [o.owner] } : {}) },
    spec,
    status: { phase, conditions },
  } as KubeObject;
}
