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
import { scalingGroupOfPodClique, scalingGroupRefusal } from '../grove/podclique';
import { scalingGroupOf } from '../grove/podcliqueset';
import { countStages, isLiveStage, LIVE_STAGES, type PodStage, type StageCounts } from './pods';
import { plural } from './plural';
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
  // The same rule and words as the server's preview (lib/placement/preview).
  const group = scalingGroupOfPodClique(clique.object);
  if (group) return { ...target, refused: scalingGroupRefusal(clique.name, group) };
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
  /** Pods of the replicas that come (scale up) or go (scale down), by stage; for a PodClique, all its
   * pods (up) or the ones likely to go (down). */
  counts: StageCounts;
  /** Pods that are expected to be ready at the end (scale up), or still to disappear (scale down). */
  expected: number;
  done: boolean;
  /** "3 of 8 pods ready (2 running, 3 gated)" / "2 replicas to remove (5 pods left)". */
  summary: string;
}

/**
 * Progress of a scale from `from` to `to` on the live tree: for a scale up, the pods of the added
 * replicas until each is ready; for a scale down, the pods of the removed ones (the highest indices)
 * until they are gone. A PodClique is measured by counts instead (see podCliqueScaleProgress).
 */
export function scaleProgress(tree: WorkloadTree, target: { kind: ScalableKind; name: string }, from: number, to: number): ScaleProgress {
  const up = to > from;
  const inRange = (i: number) => (up ? i >= from && i < to : i >= to && i < from);
  let pods: { stage: PodStage }[] = [];
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
    return podCliqueScaleProgress(tree.podCliques.find((c) => c.name === target.name)?.pods ?? [], from, to);
  }
  const counts = countStages(pods.map((p) => p.stage));
  if (up) {
    const done = expected > 0 && counts.ready >= expected;
    return { counts, expected, done, summary: readySummary(counts, expected, pods.length, 'new pod') };
  }
  const left = pods.length;
  const removed = from - to;
  return { counts, expected: 0, done: left === 0, summary: left === 0 ? `removed ${plural(removed, 'replica')}` : `${plural(left, 'pod')} still to remove` };
}

/**
 * A PodClique's pods are not removed by index: Grove's deletion sort takes pending, then unhealthy,
 * then old-template pods first, and new pods reuse the holes' indices. So progress is counted: up is
 * done when `to` pods are ready; down when at most `to` pods are left. The pods a scale-down takes
 * are guessed as the least advanced ones (what that sort would pick first).
 */
function podCliqueScaleProgress(all: readonly { stage: PodStage }[], from: number, to: number): ScaleProgress {
  const live = all.filter((p) => isLiveStage(p.stage));
  if (to > from) {
    const counts = countStages(live.map((p) => p.stage));
    return { counts, expected: to, done: counts.ready >= to, summary: readySummary(counts, to, live.length, 'pod') };
  }
  const rank = (stage: PodStage) => LIVE_STAGES.indexOf(stage as (typeof LIVE_STAGES)[number]);
  const excess = Math.max(0, live.length - to);
  const leaving = [...live].sort((a, b) => rank(a.stage) - rank(b.stage)).slice(0, excess);
  const removed = from - to;
  return {
    counts: countStages(leaving.map((p) => p.stage)),
    expected: 0,
    done: excess === 0,
    summary: excess === 0 ? `removed ${plural(removed, 'pod')}` : `${plural(excess, 'pod')} still to remove`,
  };
}

/** "3 of 8 new pods ready (2 running, 3 not created yet)"; `noun` singular ("1 of 1 new pod ready"). */
function readySummary(counts: StageCounts, expected: number, created: number, noun: string): string {
  const rest = LIVE_STAGES.filter((s) => s !== 'ready' && counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  const missing = Math.max(0, expected - created);
  if (missing > 0) rest.push(`${missing} not created yet`);
  return `${counts.ready} of ${plural(expected, noun)} ready${rest.length > 0 ? ` (${rest.join(', ')})` : ''}`;
}

/** Pods per clique template (what new PodCliques start with). */
function templateReplicas(tree: WorkloadTree, clique: string): number {
  return tree.pcs.spec?.template?.cliques?.find((c) => c.name === clique)?.spec?.replicas ?? 0;
}

/** Pods of one new PCS replica: its PodCliques and scaling groups start from the template (§3). */
function templatePodsPerReplica(tree: WorkloadTree): number {
  const template = tree.pcs.spec?.template;
  if (!template) return 0;
  return (template.cliques ?? []).reduce((n, c) => {
    const group = scalingGroupOf(template, c.name);
    return n + (c.spec?.replicas ?? 0) * (group ? (group.replicas ?? 1) : 1);
  }, 0);
}

/**
 * Who moved a replica count between this page's scale and its undo: someone else. One phrase for the
 * server's refusal and the page's own check, so both read alike (a guarded scale is this page's Undo).
 */
const SINCE_BY_SOMEONE_ELSE = 'since (not by this page)';

/**
 * Why a guarded scale (one sent with the replica count it was decided on, such as an undo) was refused:
 * the count moved in between, by someone else. The live action and the simulated source both say this.
 */
export function replicasChangedRefusal(kind: ScalableKind, namespace: string, name: string, expected: number, actual: number): string {
  return `${kind} ${namespace}/${name} has ${actual} replica${actual === 1 ? '' : 's'} now, not ${expected}: it was scaled ${SINCE_BY_SOMEONE_ELSE}; nothing was changed`;
}

/** The page's words for the same move, `changed to 4 since (not by this page)`; the caller adds its tail. */
export function replicasChangedSince(live: number): string {
  return `changed to ${live} ${SINCE_BY_SOMEONE_ELSE}`;
}

/** A scale this page made, as its progress line and undo follow it. */
export interface RecentScale {
  from: number;
  to: number;
  /** This scale was itself an undo: it offers no undo. */
  wasUndo: boolean;
  /** The live count has shown `to` (the stream may lag the answer: until then it still shows `from`). */
  seen: boolean;
  /** The live count moved off `to` afterwards, by someone else: the undo is withdrawn for good. */
  withdrawn: boolean;
}

/**
 * What the live replica count says of a recent scale: seen once it shows `to`; withdrawn once it shows
 * anything else after that (or, before, anything but `from`), and it stays withdrawn even if the
 * count comes back. Undo is offered only while seen, not withdrawn, and the scale was no undo itself.
 */
export function undoState(recent: RecentScale, live: number): { seen: boolean; withdrawn: boolean; offered: boolean } {
  const seen = recent.seen || live === recent.to;
  const withdrawn = recent.withdrawn || (live !== recent.to && (seen || live !== recent.from));
  return { seen, withdrawn, offered: seen && !withdrawn && !recent.wasUndo && live === recent.to };
}
