/**
 * Node filters of the independent plan verifier: node selector, required node affinity, taints and
 * tolerations, schedulable/Ready. Written from the Kubernetes API documentation (core/v1 NodeSelector,
 * Toleration.ToleratesTaint), deliberately NOT shared with the placement engine, so that a mistake in
 * one is caught by the other. Only the types of lib/ are imported.
 */
import type { NodeInfo, PodSchedulingRequirements } from '../cluster/state';
import type { NodeSelectorRequirement, NodeSelectorTerm, Taint, Toleration } from '../grove/core';

export type NodeFilterRule = 'node-unschedulable' | 'node-not-ready' | 'node-selector' | 'node-affinity' | 'taint';

export interface NodeRejection {
  rule: NodeFilterRule;
  message: string;
}

/** The taint kube-scheduler's NodeUnschedulable plugin lets a pod ignore `spec.unschedulable` with. */
export const UNSCHEDULABLE_TAINT: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

/** core/v1 Toleration.ToleratesTaint: empty effect = all effects; empty key (with Exists) = all keys. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  const op = t.operator ?? '';
  if (op === 'Exists') return true;
  if (op === '' || op === 'Equal') return (t.value ?? '') === (taint.value ?? '');
  return false;
}

function tolerated(tolerations: Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => toleratesTaint(t, taint));
}

function parseIntStrict(s: string | undefined): number | undefined {
  if (s === undefined || !/^-?\d+$/.test(s)) return undefined;
  return Number(s);
}

/** One matchExpressions requirement against a label map (NotIn/DoesNotExist match an absent label). */
export function requirementMatches(req: NodeSelectorRequirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, req.key);
  const value = has ? labels[req.key] : undefined;
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return has && values.includes(value as string);
    case 'NotIn':
      return !has || !values.includes(value as string);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      const a = parseIntStrict(value);
      const b = parseIntStrict(values[0]);
      if (!has || a === undefined || b === undefined || values.length !== 1) return false;
      return req.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** matchFields supports only `metadata.name` with In / NotIn (as the apiserver validates). */
function fieldMatches(req: NodeSelectorRequirement, node: NodeInfo): boolean {
  if (req.key !== 'metadata.name') return false;
  const values = req.values ?? [];
  if (req.operator === 'In') return values.includes(node.name);
  if (req.operator === 'NotIn') return !values.includes(node.name);
  return false;
}

/** A null or empty term matches no objects; requirements inside a term are ANDed. */
export function termMatches(term: NodeSelectorTerm, node: NodeInfo): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  return exprs.every((r) => requirementMatches(r, node.labels)) && fields.every((r) => fieldMatches(r, node));
}

/**
 * Why `node` may not run a pod with `req`, or undefined when it may. Resources are not checked here.
 * An empty `requiredNodeAffinity` array is treated as "no affinity" (the apiserver rejects an empty
 * nodeSelectorTerms list, so it only arises from a converter that always emits the field).
 */
export function rejectNode(node: NodeInfo, req: PodSchedulingRequirements): NodeRejection | undefined {
  if (!node.ready) return { rule: 'node-not-ready', message: `node ${node.name} is not Ready` };
  if (node.unschedulable && !tolerated(req.tolerations, UNSCHEDULABLE_TAINT)) {
    return { rule: 'node-unschedulable', message: `node ${node.name} is cordoned (spec.unschedulable)` };
  }
  for (const [k, v] of Object.entries(req.nodeSelector ?? {})) {
    if (node.labels[k] !== v) {
      const got = node.labels[k] === undefined ? 'no such label' : `${k}=${node.labels[k]}`;
      return { rule: 'node-selector', message: `nodeSelector ${k}=${v} does not match node ${node.name} (${got})` };
    }
  }
  const terms = req.requiredNodeAffinity ?? [];
  if (terms.length > 0 && !terms.some((t) => termMatches(t, node))) {
    return { rule: 'node-affinity', message: `required node affinity matches none of its ${terms.length} term(s) on node ${node.name}` };
  }
  for (const taint of node.taints) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (!tolerated(req.tolerations, taint)) {
      const kv = taint.value ? `${taint.key}=${taint.value}` : taint.key;
      return { rule: 'taint', message: `node ${node.name} has taint ${kv}:${taint.effect} that the pod does not tolerate` };
    }
  }
  return undefined;
}
