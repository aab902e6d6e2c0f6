/**
 * The three things a stack can be scaled at (API-NOTES §14) and what the UI must know before offering
 * it: PodCliqueSet replicas (whole stacks), scaling-group replicas (multi-node units), standalone
 * PodClique replicas (pods of one role). A PodClique inside a scaling group is refused: its size
 * belongs to the group, whose replicas are the unit (Canopy's rule; the server refuses it too). An
 * HPA that Grove creates from `autoScalingConfig` / `scaleConfig` owns the count and would undo a
 * manual scale; it takes the target's name (§6). HPAs written by hand are only known to the server
 * (its dry-run answer names them).
 */
import { KIND_INFO, type ScalableKind } from '../cluster/kinds';
import { hpaName } from '../grove/naming';
import { countStages, LIVE_STAGES, type StageCounts } from './pods';
import type { CliqueNode, ScalingGroupNode, WorkloadTree } from './tree';

export interface ScaleTargetInfo {
  kind: ScalableKind;
  namespace: string;
  name: string;
  /** What one replica is, for labels: "replica", "scaling-group replica", "pod". */
  unit: string;
  replicas: number;
  /** Set when this target must not be scaled by hand, with the reason. */
  refused?: string;
  /** The HPA Grove made for this target (from the template), when there is one. */
  hpa?: string;
}

export function pcsScaleTarget(tree: WorkloadTree): ScaleTargetInfo {
  return { kind: 'PodCliqueSet', namespace: tree.namespace, name: tree.name, unit: 'replica', replicas: tree.pcs.spec?.replicas ?? 0 };
}

export function scalingGroupScaleTarget(tree: WorkloadTree, group: ScalingGroupNode): ScaleTargetInfo {
  const config = tree.pcs.spec?.template?.podCliqueScalingGroups?.find((g) => g.name === group.template);
  const target: ScaleTargetInfo = { kind: 'PodCliqueScalingGroup', namespace: tree.namespace, name: group.name, unit: 'scaling-group replica', replicas: group.replicas };
  if (config?.scaleConfig) return withHpa(target, hpaName(group.name), config.scaleConfig);
  return target;
}

export function podCliqueScaleTarget(tree: WorkloadTree, clique: CliqueNode): ScaleTargetInfo {
  const target: ScaleTargetInfo = { kind: 'PodClique', namespace: tree.namespace, name: clique.name, unit: 'pod', replicas: clique.replicas };
  if (clique.scalingGroup) {
    return {
      ...target,
      refused: `PodClique ${clique.name} belongs to scaling group ${clique.scalingGroup.name} (replica ${clique.scalingGroup.replicaIndex}): its size is set per scaling-group replica, so scale ${clique.scalingGroup.name} instead`,
    };
  }
  const template = tree.pcs.spec?.template?.cliques?.find((c) => c.name === clique.template);
  if (template?.spec?.autoScalingConfig) return withHpa(target, hpaName(clique.name), template.spec.autoScalingConfig);
  return target;
}

function withHpa(target: ScaleTargetInfo, hpa: string, config: { minReplicas?: number; maxReplicas: number }): ScaleTargetInfo {
  return { ...target, hpa, refused: hpaRefusal(target.kind, target.name, hpa, config) };
}

export function hpaRefusal(kind: string, name: string, hpa: string, range?: { minReplicas?: number; maxReplicas: number }): string {
  const bounds = range ? ` (between ${range.minReplicas ?? '?'} and ${range.maxReplicas} replicas)` : '';
  return `HorizontalPodAutoscaler ${hpa} owns the replicas of ${kind} ${name}${bounds} and would undo a manual scale; change the autoscaler instead`;
}

/** `kubectl scale podcliquesets/<name> -n <ns> --replicas=<n>`: the same change, for scripts. */
export function kubectlScaleCommand(target: { kind: ScalableKind; namespace: string; name: string }, replicas: number): string {
  return `kubectl scale ${KIND_INFO[target.kind].plural}/${target.name} -n ${target.namespace} --replicas=${replicas}`;
}

export function kubectlDeleteCommand(kind: 'PodCliqueSet', namespace: string, name: string): string {
  return `kubectl delete ${KIND_INFO[kind].plural}/${name} -n ${namespace}`;
}

export interface ScaleProgress {
  /** Pods of the replicas that come (scale up) or go (scale down), by stage. */
  counts: StageCounts;
  /** Pods that are expected to be ready at the end (scale up), or still to disappear (scale down). */
  expected: number;
  done: boolean;
  /** "3 of 8 pods ready (2 running, 3 gated)" / "2 replicas to remove (5 pods left)". */
  summary: string;
}

/**
 * Progress of a scale from `from` to `to` on the live tree: for a scale up, the pods of the added
 * replicas (or the added pods of a PodClique) until each is ready; for a scale down, the pods of the
 * removed ones until they are gone.
 */
export function scaleProgress(tree: WorkloadTree, target: { kind: ScalableKind; name: string }, from: number, to: number): ScaleProgress {
  const up = to > from;
  const inRange = (i: number) => (up ? i >= from && i < to : i >= to && i < from);
  let pods: { stage: (typeof LIVE_STAGES)[number] | 'succeeded' | 'failed' }[] = [];
  let expected = 0;
  if (target.kind === 'PodCliqueSet') {
    for (const r of tree.replicas.filter((r) => inRange(r.index))) {
      pods = pods.concat([...r.cliques.flatMap((c) => c.pods), ...r.scalingGroups.flatMap((g) => g.replicaNodes.flatMap((n) => n.cliques.flatMap((c) => c.pods)))]);
    }
    expected = up ? templatePodsPerReplica(tree) * (to - from) : 0;
  } else if (target.kind === 'PodCliqueScalingGroup') {
    const group = tree.scalingGroups.find((g) => g.name === target.name);
    const nodes = group?.replicaNodes.filter((n) => inRange(n.index)) ?? [];
    pods = nodes.flatMap((n) => n.cliques.flatMap((c) => c.pods));
    const config = tree.pcs.spec?.template?.podCliqueScalingGroups?.find((g) => g.name === group?.template);
    const perReplica = (config?.cliqueNames ?? []).reduce((n, clique) => n + templateReplicas(tree, clique), 0);
    expected = up ? perReplica * (to - from) : 0;
  } else {
    const clique = tree.podCliques.find((c) => c.name === target.name);
    pods = (clique?.pods ?? []).filter((p) => p.podIndex !== undefined && inRange(p.podIndex));
    expected = up ? to - from : 0;
  }
  const counts = countStages(pods.map((p) => p.stage));
  if (up) {
    const done = expected > 0 && counts.ready >= expected;
    const rest = LIVE_STAGES.filter((s) => s !== 'ready' && counts[s] > 0).map((s) => `${counts[s]} ${s}`);
    const missing = Math.max(0, expected - pods.length);
    if (missing > 0) rest.push(`${missing} not created yet`);
    return { counts, expected, done, summary: `${counts.ready} of ${expected} new pods ready${rest.length > 0 ? ` (${rest.join(', ')})` : ''}` };
  }
  const left = pods.length;
  return { counts, expected: 0, done: left === 0, summary: left === 0 ? `removed ${Math.abs(from - to)} ${target.kind === 'PodClique' ? 'pod' : 'replica'}${Math.abs(from - to) === 1 ? '' : 's'}` : `${left} pod${left === 1 ? '' : 's'} still to remove` };
}

/** Pods per clique template (what new PodCliques start with). */
function templateReplicas(tree: WorkloadTree, clique: string): number {
  return tree.pcs.spec?.template?.cliques?.find((c) => c.name === clique)?.spec?.replicas ?? 0;
}

/** Pods of one new PCS replica: its PodCliques and scaling groups start from the template (§3). */
function templatePodsPerReplica(tree: WorkloadTree): number {
  const template = tree.pcs.spec?.template;
  const groups = template?.podCliqueScalingGroups ?? [];
  return (template?.cliques ?? []).reduce((n, c) => {
    const group = groups.find((g) => g.cliqueNames.includes(c.name));
    return n + (c.spec?.replicas ?? 0) * (group ? (group.replicas ?? 1) : 1);
  }, 0);
}
