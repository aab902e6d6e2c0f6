import type { ApplyResult } from '@/components/hooks/clusterActions';

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
