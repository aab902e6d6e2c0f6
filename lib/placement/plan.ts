/** The plan format: what the placement engine answers per gang (plain, JSON-serialisable). */

export interface PlannedPod {
  name: string;
  podGroup: string;
  clique: string;
  node: string;
  gpus: number;
  /** Already bound on the cluster (its real name and node): kept where it is, not planned. */
  running?: true;
}

/** Why a gang does not fit, at one topology level (or at node level for resources/filters). */
export interface LevelExplanation {
  /** Topology domain (e.g. "rack"), or "node" for per-node filters and resources. */
  level: string;
  /** What the gang (or constrained set) needs at that level. */
  needs: string;
  /** What the best candidate at that level offers. */
  best: string;
  /** One sentence a person can act on. */
  message: string;
  /**
   * Set when the need exceeds what any domain of this level holds even with nothing running (capacity,
   * not free room): waiting for other workloads to finish does not help; the request must change.
   */
  exceedsCapacity?: true;
}

export interface GangPlacement {
  name: string;
  placed: boolean;
  /** When not placed: the one-line reason (the most specific explanation's message). */
  reason?: string;
  explanation?: LevelExplanation[];
  /**
   * Domain value chosen per topology level, for the gang as a whole, where it lies in one domain. Empty
   * when no domain was chosen: a gang without topology constraints, or one placed pod by pod (kube-scheduler
   * picks nodes by its own scoring; the pods' nodes are one placement it might make).
   */
  domains: Record<string, string>;
  pods: PlannedPod[];
  /**
   * The gang already runs on the cluster (an apply of a stack that exists): its running pods are listed
   * with `running` and kept where they are; the others, if any, are its planned new pods.
   */
  running?: true;
  /** Pods beyond minReplicas that did not fit (best effort, the gang is still placed). */
  unplacedOptionalPods?: string[];
  /** With unplacedOptionalPods: why the first of them did not fit ("serve-0-w-3: needs 8 GPUs …"). */
  unplacedOptionalReason?: string;
  /** Constraints that were ignored (a domain the binding lacks, no binding at all), as sentences. */
  warnings?: string[];
  /**
   * Set when the gang's scheduler places each pod on its own (kube-scheduler, see backend.ts): there is
   * no all-or-nothing, so `pods` lists the pods that fit even when `placed` is false (placed = every pod
   * fits), and `unplacedPods` the ones that stay Pending.
   */
  independent?: true;
  /**
   * With `independent`: pods that did not fit (the reason is the first one's). Also on a running gang
   * that an apply grows (preview.ts previewApply) when its new pods do not fit: those pods.
   */
  unplacedPods?: string[];
}

/**
 * `unplacedOptionalReason` without its leading `<pod>: ` (the first unplaced pod, as place.ts and pin.ts
 * write it), for a reader that already says which pod; undefined when there is no reason or it lacks that prefix.
 */
export function optionalReasonWithoutPod(g: Pick<GangPlacement, 'unplacedOptionalPods' | 'unplacedOptionalReason'>): string | undefined {
  const first = g.unplacedOptionalPods?.[0];
  const prefix = `${first}: `;
  return first !== undefined && g.unplacedOptionalReason?.startsWith(prefix) ? g.unplacedOptionalReason.slice(prefix.length) : undefined;
}

export interface Plan {
  feasible: boolean;
  gangs: GangPlacement[];
}
