'use client';

import Link from 'next/link';
import { useEffect, useId, useRef, useState } from 'react';
import { refusedPermissionText, type Permission } from '@/lib/cluster/capabilities';
import { liveChangeOf, liveOf, loadedStackOf, stackKey, withResourceVersion, type LoadedStack } from '@/lib/builder/liveStack';
import { rebaseOntoLive } from '@/lib/builder/rebase';
import { setField } from '@/lib/builder/edits';
import { valueAtFieldPath } from '@/lib/cluster/fieldPathValue';
import { applyManifest } from '@/components/hooks/clusterActions';
import { useKindObjects } from '@/components/hooks/useClusterStream';
import { permissionFor, useCapabilities, type CapabilityState } from '@/components/hooks/useCapabilities';
import {
  applyBlockedReason,
  conflictDetails,
  documentHint,
  documentLabel,
  failedStep,
  fieldConflicts,
  forceStage,
  kubectlForceApply,
  messageAndCauses,
  ownershipChanges,
  podsRemoved,
  progressLines,
  refusedBuilderStack,
  settleStep,
  staleChange,
  staleVersion,
  statusOnlyRetry,
  type ApplyStep,
  type ApplyTarget,
  type ConflictDetail,
  type FieldConflict,
} from './applyStep';
import { DiffTable, Value } from './DiffTable';

/**
 * May the user apply a PodCliqueSet here; null while asked. Stricter than the Workloads page's
 * permissionFor: Apply stays disabled when the server could not say, and every refusal says why.
 */
function applyPermission(capabilities: CapabilityState): Permission | null {
  if (capabilities.status === 'error') return { allowed: false, reason: `Could not ask the server: ${capabilities.message}` };
  const permission = permissionFor(capabilities, 'PodCliqueSet', 'apply');
  if (permission === 'loading') return null;
  return permission ?? { allowed: false, reason: 'The server did not say whether you may create PodCliqueSets.' };
}

interface ApplyPanelProps {
  text: string;
  /** Where the server will apply the stack (applyTarget): permission is asked for, and the heading names, that namespace. */
  target: ApplyTarget;
  errors: number;
  onClose: () => void;
  /**
   * The version of the running stack this work was opened from (`?edit=`), or null: its apply is sent
   * with that resourceVersion, so a change made on the cluster since is refused, not undone.
   */
  opened?: LoadedStack | null;
  /** The work stands on `to` instead of `from` now: after its apply, or a write to its status only. */
  onOpenedChange?: (from: LoadedStack, to: LoadedStack) => void;
  /** Replaces the builder's text (one undo step), standing on `opened`, or with null on the version it stands on now; `note` says what changed. */
  onReplaceText?: (text: string, opened: LoadedStack | null, note: string) => void;
}

/** Dry-run diff, then apply; disabled with the reason when the user may not, or while the namespace is not known. */
export function ApplyPanel(props: ApplyPanelProps) {
  const { target, onClose } = props;
  if (target.status === 'known') return <ApplyToNamespace {...props} namespace={target.namespace} why={target.why} />;
  return (
    <section aria-labelledby="apply-heading" data-testid="apply-panel" className="flex max-h-full min-h-0 flex-col">
      <div className="flex flex-wrap items-center gap-2 border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
        <h2 id="apply-heading" className="text-xs font-semibold" data-testid="apply-namespace">
          Apply
        </h2>
        <CloseButton onClose={onClose} />
      </div>
      <p data-testid="apply-blocked" role="status" className="px-3 py-2 text-xs text-zinc-600 dark:text-zinc-400">
        {target.reason}
      </p>
    </section>
  );
}

function CloseButton({ onClose }: { onClose: () => void }) {
  return (
    <button type="button" onClick={onClose} className="ml-auto rounded px-2 text-xs hover:bg-zinc-100 dark:hover:bg-zinc-800" aria-label="Close apply">
      Close
    </button>
  );
}

function ApplyToNamespace({ text, namespace, why, errors, onClose, opened = null, onOpenedChange, onReplaceText }: ApplyPanelProps & { namespace: string; why: string }) {
  const permission = applyPermission(useCapabilities(namespace));
  const [step, setStep] = useState<ApplyStep>({ kind: 'idle' });
  const running = useKindObjects('PodCliqueSet');
  const live = opened ? liveOf(opened, running) : null;
  const liveChange = opened ? liveChangeOf(opened, live) : null;

  // The operator writes a stack's status often: a new version that differs only there is the version
  // the edit stands on now (nothing the YAML holds changed), so its apply is not refused for it.
  const advanceTo = liveChange?.kind === 'status-only' && live ? loadedStackOf(live) : null;
  useEffect(() => {
    if (advanceTo && opened) onOpenedChange?.(opened, advanceTo);
    // Once per version: the callback's identity does not matter.
  }, [advanceTo?.key, advanceTo?.resourceVersion]);

  // A changed stack invalidates the diff shown (and any answer still on its way, see settleStep).
  const textNow = useRef(text);
  useEffect(() => {
    textNow.current = text;
    setStep({ kind: 'idle' });
  }, [text]);

  // A forced apply is made only from the diff of a dry run with force (forceStage), so what it changes has been shown.
  const [confirmingForce, setConfirmingForce] = useState<ApplyStep | null>(null);

  // Refusals for a status-only write sent again by themselves since the user last pressed a button (statusOnlyRetry).
  const statusRetries = useRef(0);

  /** `again`: a retry of a refusal for a status-only write (statusOnlyRetry), with the fields its forced dry run takes over. */
  const run = async (dryRun: boolean, force = false, again?: { takesOwnership?: FieldConflict[] }) => {
    if (!again) statusRetries.current = 0;
    // Apply posts exactly the text that was dry-run (applyBlockedReason has checked it is still the one on screen).
    const sent = !dryRun && (step.kind === 'diff' || step.kind === 'failed') ? step.text : text;
    // The forced dry run carries the 409's fields on to its diff, for the confirm of the forced apply.
    const takesOwnership = force && dryRun ? (again ? again.takesOwnership : fieldConflicts(step)) : undefined;
    const asked = dryRun ? (force ? 'Asking the cluster for a dry run with force (taking ownership)…' : 'Asking the cluster for a dry run…') : force ? 'Applying with force (taking ownership)…' : 'Applying…';
    const what = again ? `Only the stack's status changed on the cluster since (the operator writes it): ${dryRun ? 'running the dry run' : 'applying'} again at its new version…` : asked;
    setStep({ kind: 'working', what, text: sent });
    let answered: ApplyStep;
    try {
      // Sent as of the version opened (the precondition); the step keeps the text on screen.
      const answer = await applyManifest(withResourceVersion(sent, opened, namespace), { dryRun, force });
      answered = dryRun ? { kind: 'diff', results: answer.results, text: sent, ...(takesOwnership ? { takesOwnership } : {}) } : { kind: 'applied', results: answer.results, text: sent };
      // Applied: the work now stands on the version it made.
      const made = !dryRun && opened ? answer.results.find((r) => r.kind === 'PodCliqueSet' && stackKey(r.namespace || namespace, r.name) === opened.key) : undefined;
      const next = made ? loadedStackOf(made.after) : null;
      if (next && opened) onOpenedChange?.(opened, next);
    } catch (e) {
      answered = failedStep(e, dryRun, sent, force ? { ...(takesOwnership ? { takesOwnership } : {}) } : undefined);
    }
    setStep(settleStep(textNow.current, sent, dryRun, answered));
  };

  // A refusal only because the operator wrote the stack's status meanwhile: once the work stands on that
  // version (advanceTo), the same dry run or apply is sent again, not left for the user to redo.
  const retry = statusOnlyRetry(step, text, liveChange, opened?.resourceVersion ?? null, statusRetries.current);
  useEffect(() => {
    if (!retry) return;
    statusRetries.current++;
    void run(retry.dryRun, retry.force, { ...(retry.takesOwnership ? { takesOwnership: retry.takesOwnership } : {}) });
    // Once per refused step: `run` reads this render's version opened.
  }, [retry ? step : null]);

  const blocked = permission === null ? 'Checking what you may do…' : !permission.allowed ? refusedPermissionText(`apply PodCliqueSets in namespace ${namespace}`, permission) : null;
  const failedLive = step.kind === 'failed' && step.object?.kind === 'PodCliqueSet' && step.object.name ? liveOf({ key: stackKey(step.object.namespace || namespace, step.object.name) }, running) : null;
  const details = conflictDetails(step, failedLive);
  const stale = step.kind === 'failed' && step.text === text && staleVersion(step) !== null;
  const staleKind = opened && liveChange ? staleChange(liveChange, staleVersion(step) ?? '', opened.resourceVersion) : null;
  const conflicts = fieldConflicts(step);
  // The refused document is the builder's own stack: the first PodCliqueSet of the YAML, the one the canvas edits.
  const ownDocument = conflicts.length > 0 && refusedBuilderStack(step);
  // The opened version's count tells whether the YAML's count is the user's own (then a reload would conflict again): only for its document.
  const openedRefused = opened !== null && step.kind === 'failed' && step.object?.name ? stackKey(step.object.namespace || namespace, step.object.name) === opened.key : false;
  const applyBlocked = applyBlockedReason(step, text, blocked, errors, details, opened ? { change: staleKind ?? 'changed', ...(openedRefused ? { replicas: valueAtFieldPath(opened.object, 'spec.replicas') } : {}) } : null);
  const force = forceStage(step, text, blocked, errors);
  const confirming = force === 'apply' && confirmingForce === step;
  const working = step.kind === 'working';
  const dryRunOff = !!blocked || working;
  const applyOff = !!applyBlocked || working;
  const reasonId = useId();
  const applyButton = useRef<HTMLButtonElement>(null);

  return (
    <section aria-labelledby="apply-heading" data-testid="apply-panel" className="flex max-h-full min-h-0 flex-col">
      <div className="flex flex-wrap items-center gap-2 border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
        <h2 id="apply-heading" className="text-xs font-semibold" data-testid="apply-namespace" title={`Namespace ${namespace}: ${why}`}>
          Apply to namespace {namespace} <span className="font-normal text-zinc-600 dark:text-zinc-400">({why})</span>
        </h2>
        {/* aria-disabled, not disabled: a button that disables itself while it works (or once it has
            applied) would drop keyboard focus to <body>. Presses are ignored instead. */}
        <button
          type="button"
          aria-disabled={dryRunOff}
          aria-describedby={blocked ? reasonId : undefined}
          onClick={() => {
            if (!dryRunOff) void run(true);
          }}
          className={buttonClass}
        >
          Dry run (diff)
        </button>
        <button
          type="button"
          aria-disabled={applyOff}
          aria-describedby={applyBlocked && step.kind !== 'applied' ? reasonId : undefined}
          ref={applyButton}
          aria-expanded={force === 'apply' ? confirming : undefined}
          onClick={() => {
            if (applyOff) return;
            if (force === 'apply') setConfirmingForce(step);
            else void run(false);
          }}
          className={buttonClass}
          data-testid="apply-confirm"
        >
          {force === 'apply' ? 'Apply with force…' : 'Apply'}
        </button>
        <CloseButton onClose={onClose} />
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto px-3 py-2 text-xs" role="status" aria-live="polite">
        {applyBlocked && step.kind !== 'applied' && <p id={reasonId} data-testid="apply-blocked" className="text-zinc-600 dark:text-zinc-400">{applyBlocked}</p>}
        {step.kind === 'working' && <p>{step.what}</p>}
        {step.kind === 'failed' && <Failure step={step} />}
        {step.kind === 'failed' && conflicts.length > 0 && (
          <Conflicts
            conflicts={details}
            offered={force === 'dry-run'}
            onDryRun={() => {
              // The button goes with the 409; focus waits on Apply, which the forced diff turns into "Apply with force…".
              applyButton.current?.focus();
              void run(true, true);
            }}
            onLeaveReplicasOut={
              onReplaceText && ownDocument && details.some((d) => d.scaled && d.field === 'spec.replicas') && step.text === text
                ? () => {
                    const edited = setField(text, ['spec', 'replicas'], undefined);
                    const kept = details.find((d) => d.field === 'spec.replicas')?.live;
                    if (edited.ok) onReplaceText(edited.text, opened, `Left spec.replicas out of the YAML: the cluster keeps ${kept === undefined ? 'the count it was scaled to' : kept}. Run the dry run again.`);
                  }
                : undefined
            }
          />
        )}
        {/* Status only: the blocked reason says all there is (run the dry run again), nothing to show or re-base. */}
        {stale && opened && liveChange && staleKind && staleKind !== 'status-only' && (
          <StaleEdit
            opened={opened}
            change={liveChange}
            onRebase={
              onReplaceText && live
                ? () => {
                    const r = rebaseOntoLive(text, opened, live, namespace);
                    if (!r.ok) return `Your edits cannot be re-based: ${r.message}. Your YAML is as it was.`;
                    const took = r.taken.length === 0 ? 'nothing of the cluster\'s changes touched your YAML' : `took ${r.taken.length} change(s) from the cluster (${r.taken.map((c) => c.path).join(', ')})`;
                    const kept = r.conflicts.length === 0 ? '' : `; kept your value where you both changed ${r.conflicts.map((c) => c.path).join(', ')} (the dry run shows it replacing theirs)`;
                    onReplaceText(r.text, r.loaded, `Re-based your edits onto the live version (resourceVersion ${r.loaded.resourceVersion}): ${took}${kept}. Undo brings back your YAML as it was. Run the dry run again.`);
                    return null;
                  }
                : undefined
            }
          />
        )}
        {step.kind === 'diff' && step.takesOwnership && (
          <p className="mb-2 font-medium" data-testid="apply-force-diff">
            Dry run with force: applying it takes ownership of {ownershipChanges(step.takesOwnership)}.
          </p>
        )}
        {(step.kind === 'diff' || step.kind === 'applied') && (
          <ul className="flex flex-col gap-2" data-testid="apply-results">
            {step.results.map((r) => (
              <li key={`${r.kind}/${r.namespace}/${r.name}`}>
                <p className="font-medium">
                  {r.kind} {r.namespace ? `${r.namespace}/` : ''}
                  {r.name}: {step.kind === 'applied' ? 'applied' : r.before === null ? 'would be created' : r.unchanged ? 'unchanged' : `${r.changes?.length ?? 0} change(s)`}
                </p>
                {step.kind === 'applied' && r.kind === 'PodCliqueSet' && (
                  <Link href={`/workloads/${encodeURIComponent(r.namespace || namespace)}/${encodeURIComponent(r.name)}`} className="text-blue-700 underline hover:no-underline dark:text-blue-400" data-testid="apply-watch">
                    Watch it start on Workloads
                  </Link>
                )}
                {r.warnings.map((w, i) => (
                  <p key={i} className="text-amber-700 dark:text-amber-400">
                    {w}
                  </p>
                ))}
                {step.kind === 'diff' && podsRemoved(r) && (
                  <p className="font-medium text-amber-800 dark:text-amber-300" data-testid="apply-pods-removed">
                    {podsRemoved(r)}
                  </p>
                )}
                {step.kind === 'diff' && r.before !== null && (r.changes?.length ?? 0) > 0 && <DiffTable changes={r.changes!} />}
              </li>
            ))}
          </ul>
        )}
        {confirming && step.kind === 'diff' && step.takesOwnership && (
          <ForceConfirm
            conflicts={step.takesOwnership}
            onConfirm={() => {
              setConfirmingForce(null);
              void run(false, true);
            }}
            onCancel={() => setConfirmingForce(null)}
          />
        )}
      </div>
    </section>
  );
}

/** A refusal: which document, what was applied before it (a real apply stops part-way), the message and its causes, each once. */
function Failure({ step }: { step: Extract<ApplyStep, { kind: 'failed' }> }) {
  const lines = progressLines(step);
  const { lead, causes } = messageAndCauses(step.message, step.causes);
  const hint = documentHint(step);
  const what = step.dryRun ? 'The dry run was refused' : 'Apply was refused';
  return (
    <div role="alert" data-testid="apply-failure" className="flex flex-col gap-1 text-red-700 dark:text-red-400">
      {lines.length > 0 ? (
        <>
          <p className="font-medium">
            Apply stopped at {documentLabel(step.object!)}; what it applied before stays applied:
          </p>
          <ul className="list-disc pl-4" data-testid="apply-progress">
            {lines.map((l) => (
              <li key={l.document} data-outcome={l.outcome} className={l.outcome === 'refused' ? '' : 'text-zinc-800 dark:text-zinc-200'}>
                {l.text}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <>
          {step.object && (
            <p className="font-medium" data-testid="apply-failed-document">
              {what}: {documentLabel(step.object)}
            </p>
          )}
          {lead && <p>{lead}</p>}
        </>
      )}
      {causes.length > 0 && (
        <ul className="list-disc pl-4">
          {causes.map((c, i) => (
            <li key={i}>
              {c.field && <span className="font-mono">{c.field}: </span>}
              {c.message}
            </li>
          ))}
        </ul>
      )}
      {hint && <p className="text-zinc-700 dark:text-zinc-300" data-testid="apply-hint">{hint}</p>}
    </div>
  );
}

/**
 * A 409 from server-side apply: the fields another manager set, each with its value on the cluster and
 * in the YAML; a dry run with force that shows what taking them over changes; and, for replicas a scale
 * set, leaving them out of the YAML (the cluster keeps its count).
 */
function Conflicts({ conflicts, offered, onDryRun, onLeaveReplicasOut }: { conflicts: ConflictDetail[]; offered: boolean; onDryRun: () => void; onLeaveReplicasOut?: () => void }) {
  return (
    <div className="mt-2 flex flex-col gap-1" data-testid="apply-conflicts">
      <table className="w-full font-mono text-[11px]">
        <thead>
          <tr className="text-left font-sans text-zinc-600 dark:text-zinc-400">
            <th scope="col" className="pr-2 font-medium">Field</th>
            <th scope="col" className="pr-2 font-medium">On the cluster</th>
            <th scope="col" className="pr-2 font-medium">Your YAML</th>
            <th scope="col" className="font-medium">Last set by</th>
          </tr>
        </thead>
        <tbody>
          {conflicts.map((c) => (
            <tr key={c.field} className="border-t border-zinc-100 align-top dark:border-zinc-900">
              <td className="py-0.5 pr-2 [overflow-wrap:anywhere]">{c.field}</td>
              <td className="pr-2 [overflow-wrap:anywhere]">
                <Value value={c.live} />
              </td>
              <td className="pr-2 [overflow-wrap:anywhere]">
                <Value value={c.yours} />
              </td>
              <td className="font-sans">
                {c.by}
                {c.by !== c.manager && <span className="font-mono text-zinc-600 dark:text-zinc-400"> ({c.manager})</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="flex flex-wrap gap-2">
        {onLeaveReplicasOut && (
          <button type="button" onClick={onLeaveReplicasOut} className={buttonClass} data-testid="apply-leave-replicas">
            Leave spec.replicas out of my YAML
          </button>
        )}
        {offered && (
          <button type="button" onClick={onDryRun} className={buttonClass} data-testid="apply-force-dry-run">
            Take ownership: dry run with force
          </button>
        )}
      </div>
    </div>
  );
}

/**
 * A stale edit: the stack changed on the cluster since the version opened. What changed (opened → live,
 * as a dry run lists it), and re-basing the edits onto the live version (lib/builder/rebase).
 */
function StaleEdit({ opened, change, onRebase }: { opened: LoadedStack; change: ReturnType<typeof liveChangeOf>; onRebase?: () => string | null }) {
  const [showing, setShowing] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const id = useId();
  return (
    <div className="mt-2 flex flex-col gap-1" data-testid="apply-stale">
      <div className="flex flex-wrap gap-2">
        <button type="button" onClick={() => setShowing((v) => !v)} aria-expanded={showing} aria-controls={id} className={buttonClass} data-testid="apply-stale-show">
          Show what changed
        </button>
        {onRebase && change.kind === 'changed' && (
          <button type="button" onClick={() => setProblem(onRebase())} className={buttonClass} data-testid="apply-rebase">
            Re-base my edits onto the live version
          </button>
        )}
      </div>
      {showing && (
        <div id={id} data-testid="apply-stale-changes">
          {change.kind === 'changed' ? (
            <>
              <p>
                {opened.key} on the cluster (resourceVersion {change.resourceVersion}) against the version you opened ({opened.resourceVersion}):
              </p>
              <DiffTable changes={change.changes} />
            </>
          ) : change.kind === 'gone' ? (
            <p>{opened.key} is no longer on the cluster: it was deleted since you opened it.</p>
          ) : (
            <p>This page has not received the cluster&apos;s new version of {opened.key} yet; it shows here once it arrives.</p>
          )}
        </div>
      )}
      {problem && (
        <p role="alert" className="text-red-700 dark:text-red-400">
          {problem}
        </p>
      )}
    </div>
  );
}

/** The confirm of an apply with force, from its reviewed diff: which fields change owner, and what that does. */
function ForceConfirm({ conflicts, onConfirm, onCancel }: { conflicts: FieldConflict[]; onConfirm: () => void; onCancel: () => void }) {
  return (
    <div role="group" aria-label="Confirm apply with force" className="mt-2 flex flex-col gap-1 rounded border border-amber-400 p-2 dark:border-amber-600" data-testid="apply-force-confirm">
      <p>
        Applying with force makes the changes above and moves these fields to Canopy&apos;s apply: {ownershipChanges(conflicts)}. The other manager&apos;s values are overwritten, and a later scale or apply by it
        conflicts in turn. The kubectl equivalent:
      </p>
      <code className="block rounded bg-zinc-100 px-1 py-0.5 font-mono text-[11px] dark:bg-zinc-900" data-testid="apply-force-kubectl">
        {kubectlForceApply()}
      </code>
      <div className="flex gap-2">
        <button type="button" autoFocus onClick={onConfirm} className={buttonClass} data-testid="apply-force">
          Take ownership and apply
        </button>
        <button type="button" onClick={onCancel} className={buttonClass}>
          Cancel
        </button>
      </div>
    </div>
  );
}

const buttonClass =
  'inline-flex h-7 items-center rounded-md border border-zinc-300 bg-white px-2.5 text-xs font-medium text-zinc-800 hover:bg-zinc-100 disabled:cursor-not-allowed disabled:opacity-50 aria-disabled:cursor-not-allowed aria-disabled:opacity-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800';
