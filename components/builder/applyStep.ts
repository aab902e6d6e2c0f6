import type { ApplyResult } from '@/components/hooks/clusterActions';
import type { ClusterContextState } from '@/components/hooks/clusterContext';

/** The namespace an apply lands in, and why that one. */
export type ApplyTarget = { status: 'known'; namespace: string; why: string } | { status: 'unknown'; reason: string };

/**
 * The namespace the server applies the stack to: the manifest's own, else (server/actions/apply.ts)
 * the cluster source's default namespace (the kubeconfig context's, not 'default' as such). Unknown
 * while the source is asked, or when it could not say.
 */
export function applyTarget(manifestNamespace: string, context: ClusterContextState): ApplyTarget {
  if (manifestNamespace) return { status: 'known', namespace: manifestNamespace, why: 'named in the manifest' };
  if (context.status === 'loading') return { status: 'unknown', reason: 'Asking the server which namespace it applies to…' };
  if (context.status === 'error') return { status: 'unknown', reason: `The manifest names no namespace, and the server could not say which it would use: ${context.message}. Set metadata.namespace.` };
  const { source } = context.data;
  const whose = source.mode === 'live' ? `kubeconfig context ${source.name}` : `simulated cluster ${source.name}`;
  return { status: 'known', namespace: source.namespace, why: `the manifest names none: the default of the ${whose}` };
}

/** Where the apply panel is. Steps that came from the cluster carry the text they were asked about. */
export type ApplyStep =
  | { kind: 'idle' }
  | { kind: 'working'; what: string; text: string }
  | { kind: 'diff'; results: ApplyResult[]; text: string }
  | { kind: 'applied'; results: ApplyResult[]; text: string }
  | { kind: 'failed'; message: string; causes: { field?: string; message: string }[]; text: string };

/**
 * Why Apply is disabled now, or null when it may be pressed: only after a dry run of exactly the
 * text on screen (an answer for an older text must not enable applying the newer one).
 */
export function applyBlockedReason(step: ApplyStep, text: string, blocked: string | null, errors: number): string | null {
  if (blocked) return blocked;
  if (errors > 0) return `Fix the ${errors} error(s) first.`;
  if (step.kind !== 'diff' || step.text !== text) return 'Run the dry run first to see what changes.';
  return null;
}

/**
 * The step to show once the cluster answers for `sent`: a dry run's answer about a text since
 * changed is dropped; a real apply's answer is kept (it says what the cluster now holds).
 */
export function settleStep(current: string, sent: string, dryRun: boolean, answered: ApplyStep): ApplyStep {
  return current === sent || !dryRun ? answered : { kind: 'idle' };
}
