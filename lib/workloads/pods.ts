/**
 * Where a pod is on Grove's road to serving, as one word: gated (still carries a scheduling gate, so
 * the scheduler does not even see it) → pending (ungated, not bound) → scheduled (bound, containers
 * not started) → running (started, not Ready) → ready. Terminal pods are `succeeded` / `failed`.
 */
import { podRequests } from '../cluster/resources';
import type { KubeObject } from '../grove/meta';

export const POD_STAGES = ['gated', 'pending', 'scheduled', 'running', 'ready', 'succeeded', 'failed'] as const;
export type PodStage = (typeof POD_STAGES)[number];
/** The stages a live pod moves through, in order (for progress bars and legends). */
export const LIVE_STAGES = ['gated', 'pending', 'scheduled', 'running', 'ready'] as const satisfies readonly PodStage[];

export type StageCounts = Record<PodStage, number>;

export interface PodCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/** The fields of a Pod this module reads (the stream delivers whole pods). */
export interface PodObject extends KubeObject {
  spec?: { nodeName?: string; schedulingGates?: { name: string }[]; containers?: unknown[] } & Record<string, unknown>;
  status?: { phase?: string; conditions?: PodCondition[]; containerStatuses?: { name: string; ready?: boolean; state?: Record<string, { reason?: string; message?: string }> }[] } & Record<string, unknown>;
}

export function podConditions(pod: KubeObject): PodCondition[] {
  const conditions = (pod as PodObject).status?.conditions;
  return Array.isArray(conditions) ? conditions : [];
}

export function podCondition(pod: KubeObject, type: string): PodCondition | undefined {
  return podConditions(pod).find((c) => c.type === type);
}

export function podStage(pod: KubeObject): PodStage {
  const p = pod as PodObject;
  const phase = p.status?.phase;
  if (phase === 'Succeeded') return 'succeeded';
  if (phase === 'Failed') return 'failed';
  if ((p.spec?.schedulingGates ?? []).length > 0) return 'gated';
  if (!p.spec?.nodeName) return 'pending';
  if (phase !== 'Running') return 'scheduled';
  return podCondition(pod, 'Ready')?.status === 'True' ? 'ready' : 'running';
}

export function emptyStageCounts(): StageCounts {
  return { gated: 0, pending: 0, scheduled: 0, running: 0, ready: 0, succeeded: 0, failed: 0 };
}

export function countStages(stages: Iterable<PodStage>): StageCounts {
  const counts = emptyStageCounts();
  for (const s of stages) counts[s]++;
  return counts;
}

export function addStageCounts(a: StageCounts, b: StageCounts): StageCounts {
  const out = emptyStageCounts();
  for (const s of POD_STAGES) out[s] = a[s] + b[s];
  return out;
}

export function isLiveStage(stage: PodStage): stage is (typeof LIVE_STAGES)[number] {
  return (LIVE_STAGES as readonly PodStage[]).includes(stage);
}

/** Pods counted, whatever their stage. */
export function totalStageCount(counts: StageCounts): number {
  return POD_STAGES.reduce((n, s) => n + counts[s], 0);
}

/** GPUs the pod asks for (nvidia.com/gpu, limits count as requests); 0 when the spec is unreadable. */
export function podGpus(pod: KubeObject): number {
  try {
    return podRequests((pod as PodObject).spec).gpu;
  } catch {
    return 0;
  }
}

/** The scheduler said no: PodScheduled=False with reason Unschedulable. */
export function isUnschedulable(pod: KubeObject): boolean {
  const c = podCondition(pod, 'PodScheduled');
  return c?.status === 'False' && c.reason === 'Unschedulable';
}
