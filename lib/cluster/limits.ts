/**
 * How much one request may ask Canopy to build. A scale beyond MAX_REPLICAS is refused everywhere,
 * live and simulated. Where Canopy expands a PodCliqueSet itself (a placement preview, the simulated
 * cluster), every object is built in the server's one thread: the pods are counted from the spec first
 * (lib/grove/pod-count.ts, arithmetic only) and more than MAX_PODS is refused with a 4xx, instead of
 * holding the event loop for as long as a million pods take to build.
 */
import { podCliqueSetPodCount, podsPerPodCliqueSetReplica, podsPerScalingGroupReplica } from '../grove/pod-count';
import { LABEL_PART_OF } from '../grove/labels';
import { isRecord, type KubeObject } from '../grove/meta';
import type { ScalableKind } from './kinds';

/** Most replicas a scale may ask for (any scalable kind, live or simulated). */
export const MAX_REPLICAS = 10_000;

/** Most pods one PodCliqueSet may have where Canopy expands it itself: previews and the simulated cluster. */
export const MAX_PODS = 5_000;

/** What a replica count must be, for messages: "replicas must be …". */
export const REPLICAS_RANGE = `a whole number from 0 to ${MAX_REPLICAS.toLocaleString('en-US')}`;

export function isReplicaCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_REPLICAS;
}

const count = (n: number) => n.toLocaleString('en-US');
const overLimit = `over the limit of ${count(MAX_PODS)} pods per PodCliqueSet that Canopy builds itself (previews and the simulated cluster)`;

/** A refusal for too many pods, shaped as an action error (422 Invalid, at spec.replicas) for the server to throw. */
export interface PodBudgetRefusal {
  status: 422;
  reason: 'Invalid';
  message: string;
  causes: { field: string; message: string }[];
}

function refusal(message: string, pods: number): PodBudgetRefusal {
  return { status: 422, reason: 'Invalid', message, causes: [{ field: 'spec.replicas', message: `${count(pods)} pods, more than ${count(MAX_PODS)}` }] };
}

/** Why a PodCliqueSet's spec asks for too many pods (how many, and the limit), or undefined when it does not. */
export function podCliqueSetPodBudgetRefusal(pcs: unknown): PodBudgetRefusal | undefined {
  const { replicas, podsPerReplica, pods } = podCliqueSetPodCount(pcs);
  if (pods <= MAX_PODS) return undefined;
  const name = isRecord(pcs) && isRecord(pcs.metadata) && typeof pcs.metadata.name === 'string' ? ` ${pcs.metadata.name}` : '';
  return refusal(`PodCliqueSet${name} would create ${count(pods)} pods (${count(replicas)} replica${replicas === 1 ? '' : 's'} × ${count(podsPerReplica)} pod${podsPerReplica === 1 ? '' : 's'} each), ${overLimit}`, pods);
}

export interface ScaleOfPodCliqueSet {
  kind: ScalableKind;
  /** The scaled object: the PodCliqueSet, one of its PodCliqueScalingGroups (whose `spec.cliqueNames` one replica adds) or a PodClique. */
  object: KubeObject;
  from: number;
  to: number;
  /** The PodCliqueSet that owns the object (the object itself for a PodCliqueSet). */
  podCliqueSet: KubeObject;
  /** PodCliques of the cluster: the PodCliqueSet's own (by namespace and part-of label) give the pods it has now. */
  podCliques: readonly KubeObject[];
}

const specOf = (o: unknown): Record<string, unknown> => (isRecord(o) && isRecord(o.spec) ? o.spec : {});

/** Why a scale would take its PodCliqueSet past MAX_PODS, or undefined when it would not (a scale down never does). */
export function scalePodBudgetRefusal(scale: ScaleOfPodCliqueSet): PodBudgetRefusal | undefined {
  const added = scale.to - scale.from;
  if (added <= 0) return undefined;
  const template = specOf(scale.podCliqueSet).template;
  const cliqueNames = specOf(scale.object).cliqueNames;
  const perReplica =
    scale.kind === 'PodCliqueSet'
      ? podsPerPodCliqueSetReplica(template)
      : scale.kind === 'PodCliqueScalingGroup'
        ? podsPerScalingGroupReplica(template, Array.isArray(cliqueNames) ? cliqueNames.filter((n): n is string => typeof n === 'string') : [])
        : 1;
  const { namespace, name } = scale.podCliqueSet.metadata ?? {};
  const current = scale.podCliques
    .filter((c) => c.metadata?.namespace === namespace && c.metadata?.labels?.[LABEL_PART_OF] === name)
    .reduce((n, c) => n + (typeof specOf(c).replicas === 'number' ? (specOf(c).replicas as number) : 0), 0);
  const pods = current + added * perReplica;
  if (pods <= MAX_PODS) return undefined;
  return refusal(`scaling ${scale.kind} ${scale.object.metadata?.name ?? ''} to ${count(scale.to)} replicas would give PodCliqueSet ${name ?? ''} ${count(pods)} pods, ${overLimit}`, pods);
}
