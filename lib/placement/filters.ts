/**
 * Per-pod node filters, as kube-scheduler and KAI apply them before any scoring: node selector,
 * required node affinity, taints against tolerations, and node readiness. Pure predicates over
 * plain data; the engine turns them into one eligibility mask per distinct set of requirements.
 */
import type { NodeSelectorRequirement, NodeSelectorTerm, Taint, Toleration } from '../grove/core';
import type { NodeInfo, PodSchedulingRequirements } from '../cluster/state';

/** Every `key: value` of the selector is a label of the node. */
export function matchesNodeSelector(labels: Record<string, string>, selector: Record<string, string> | undefined): boolean {
  if (!selector) return true;
  for (const key in selector) {
    if (labels[key] !== selector[key]) return false;
  }
  return true;
}

/** Kubernetes parses Gt/Lt operands as 64-bit integers; a value that is not one never matches. */
function parseInteger(text: string | undefined): number | null {
  if (text === undefined || !/^-?\d+$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}

export function matchesRequirement(labels: Record<string, string>, req: NodeSelectorRequirement): boolean {
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
      if (!has || values.length !== 1) return false;
      const left = parseInteger(value);
      const right = parseInteger(values[0]);
      if (left === null || right === null) return false;
      return req.operator === 'Gt' ? left > right : left < right;
    }
    default:
      return false;
  }
}

/** A term matches when all its expressions and fields match; a term with neither matches nothing. */
export function matchesTerm(node: Pick<NodeInfo, 'name' | 'labels'>, term: NodeSelectorTerm): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  for (const e of exprs) if (!matchesRequirement(node.labels, e)) return false;
  // The only supported field is metadata.name.
  for (const f of fields) {
    if (f.key !== 'metadata.name') return false;
    if (!matchesRequirement({ 'metadata.name': node.name }, f)) return false;
  }
  return true;
}

/** Terms are ORed. No terms (undefined or empty) means no constraint. */
export function matchesNodeAffinity(node: Pick<NodeInfo, 'name' | 'labels'>, terms: NodeSelectorTerm[] | undefined): boolean {
  if (!terms || terms.length === 0) return true;
  for (const t of terms) if (matchesTerm(node, t)) return true;
  return false;
}

export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  const op = toleration.operator || 'Equal';
  if (!toleration.key) {
    // An empty key with Exists tolerates every taint; an empty key with Equal is invalid and matches none.
    return op === 'Exists';
  }
  if (toleration.key !== taint.key) return false;
  if (op === 'Exists') return true;
  if (op !== 'Equal') return false;
  return (toleration.value ?? '') === (taint.value ?? '');
}

/** Taints that keep new pods off a node (PreferNoSchedule only lowers a node's score). */
export function isBlockingTaint(taint: Taint): boolean {
  return taint.effect === 'NoSchedule' || taint.effect === 'NoExecute';
}

/** The first blocking taint of the node that no toleration tolerates, or undefined. */
export function untoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[] | undefined): Taint | undefined {
  for (const taint of taints) {
    if (!isBlockingTaint(taint)) continue;
    if (!(tolerations ?? []).some((t) => tolerates(t, taint))) return taint;
  }
  return undefined;
}

export function formatTaint(taint: Taint): string {
  return `${taint.key}${taint.value ? `=${taint.value}` : ''}:${taint.effect}`;
}

/** The node accepts new pods at all: Ready and not cordoned. */
export function nodeAcceptsPods(node: Pick<NodeInfo, 'ready' | 'unschedulable'>): boolean {
  return node.ready && !node.unschedulable;
}

/** All per-pod filters except resources. */
export function nodePassesFilters(node: NodeInfo, req: PodSchedulingRequirements): boolean {
  return (
    nodeAcceptsPods(node) &&
    matchesNodeSelector(node.labels, req.nodeSelector) &&
    matchesNodeAffinity(node, req.requiredNodeAffinity) &&
    untoleratedTaint(node.taints, req.tolerations) === undefined
  );
}

/** A stable key for a set of requirements: pods with equal keys have equal eligibility. */
export function requirementsKey(req: PodSchedulingRequirements | undefined): string {
  if (!req) return '';
  const sel = req.nodeSelector ? Object.keys(req.nodeSelector).sort().map((k) => [k, req.nodeSelector![k]]) : [];
  const aff = req.requiredNodeAffinity ?? [];
  const tol = req.tolerations ?? [];
  if (sel.length === 0 && aff.length === 0 && tol.length === 0) return '';
  return JSON.stringify([sel, aff, tol]);
}
