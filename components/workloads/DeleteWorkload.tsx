'use client';
/**
 * Delete a PodCliqueSet, after a confirmation that names what goes with it (counted from the store).
 * The apiserver accepts a foreground delete at once and the teardown follows (lib/workloads/deletion.ts):
 * the page says the deletion was accepted and stays on the stack, which shows Deleting until it is gone.
 * A teardown faster than the stream (the simulated cluster's) removes the stack, and this control with
 * it, before any Deleting is seen: `onDelete` tells the page how its request went, so the page can say
 * the stack is gone rather than that it may have been deleted.
 * Before deleting, the dialog offers the live PodCliqueSet as YAML to re-apply later (a safety net).
 * The delete is of the PodCliqueSet the dialog was opened for, by its uid: one deleted and recreated
 * under the same name since is another object, which the dialog says and the server refuses (409).
 */
import { useEffect, useId, useRef, useState } from 'react';
import { refusedPermissionText } from '../../lib/cluster/capabilities';
import { editableOfLive } from '../../lib/builder/liveStack';
import { stringifyObject } from '../../lib/grove/manifest';
import type { KubeObject } from '../../lib/grove/meta';
import { plural } from '../../lib/workloads/plural';
import { kubectlDeleteCommand } from '../../lib/workloads/scale';
import { deletingRefusal, type WorkloadDeletion } from '../../lib/workloads/deletion';
import type { DeleteImpact } from '../../lib/workloads/tree';
import { ActionFailure, deleteObject } from '../hooks/clusterActions';
import { BUTTON_DANGER, BUTTON_SECONDARY, CommandLine } from './parts';
import type { PermissionState } from './ScaleControl';

export function impactSentence(impact: DeleteImpact): string {
  const parts = [plural(impact.podCliques, 'PodClique'), plural(impact.scalingGroups, 'scaling group'), plural(impact.podGangs, 'PodGang'), plural(impact.pods, 'pod')];
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** What the page says once the apiserver has accepted the delete: the teardown is still to come. */
export function deletionAcceptedText(namespace: string, name: string): string {
  return `Deletion of PodCliqueSet ${namespace}/${name} accepted; teardown in progress. This page follows it until the PodCliqueSet is gone.`;
}

/**
 * The live PodCliqueSet as a manifest to re-apply: what the server owns (status, managedFields, uid,
 * resourceVersion, …) dropped, as the Builder opens a running stack (editableOfLive).
 */
export function reapplyYaml(pcs: KubeObject): string {
  const { namespace, name } = pcs.metadata ?? {};
  return `# PodCliqueSet ${namespace}/${name} as it ran, saved by Canopy before deleting it: kubectl apply -f this file recreates it.\n${stringifyObject(editableOfLive(pcs))}`;
}

/** Hands `text` to the browser as a file download. */
function download(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/yaml' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  // After the click has started the download: revoking at once can cancel it in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The delete request for the PodCliqueSet the person confirmed: with its uid (the server's precondition), so a namesake recreated since is not deleted. */
export function deleteRequestFor(namespace: string, name: string, uid: string | undefined): { kind: 'PodCliqueSet'; namespace: string; name: string; dryRun: false; uid?: string } {
  return { kind: 'PodCliqueSet', namespace, name, dryRun: false, ...(uid ? { uid } : {}) };
}

/** What the dialog says once the PodCliqueSet it was opened for is gone and another of its name is there. */
export function recreatedText(namespace: string, name: string): string {
  return `PodCliqueSet ${namespace}/${name} was deleted and recreated since you opened this: it is another object now. Cancel, and look at it before deleting it.`;
}

/**
 * A uid precondition the apiserver refused, in either of its words: its own check before the delete
 * ("the UID in the precondition (a) does not match the UID in record (b)"), or the storage layer's when
 * the object was replaced between that check and the write ("Precondition failed: UID in
 * precondition: a, UID in object meta: b").
 */
const UID_PRECONDITION = /UID in (the )?precondition/;

/** Why a delete failed, in the page's words: a 409 on the uid precondition is a namesake recreated since, and nothing was deleted. */
export function deleteFailureText(namespace: string, name: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ActionFailure && error.status === 409 && UID_PRECONDITION.test(message)) return `Not deleted: ${recreatedText(namespace, name)} (${message})`;
  return `Delete failed: ${message}`;
}

/** How this tab's delete request went: sent (no answer yet), accepted by the apiserver, or failed. */
export type DeleteRequestPhase = 'sent' | 'accepted' | 'failed';

export function DeleteWorkload({
  namespace,
  name,
  pcs,
  impact,
  permission,
  deletion,
  onDelete,
}: {
  namespace: string;
  name: string;
  /** The live PodCliqueSet, offered for download before it is deleted. */
  pcs: KubeObject;
  impact: DeleteImpact;
  permission: PermissionState;
  /** Set while the PodCliqueSet is being deleted (it has a deletionTimestamp): no second delete. */
  deletion?: WorkloadDeletion;
  /** Called as the delete request goes out and when it is answered; called even once this control is gone. */
  onDelete?: (phase: DeleteRequestPhase) => void;
}) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [accepted, setAccepted] = useState(false);
  const [downloaded, setDownloaded] = useState(false);
  // The uid of the PodCliqueSet the dialog was opened for: the one the person is confirming the delete of.
  const [openedUid, setOpenedUid] = useState<string | undefined>(undefined);
  const acceptedRef = useRef<HTMLParagraphElement>(null);
  const id = useId();
  const cancelRef = useRef<HTMLButtonElement>(null);
  const openerRef = useRef<HTMLButtonElement>(null);
  const dialogRef = useRef<HTMLDialogElement>(null);
  // A native modal: the browser keeps Tab inside it and the page behind inert; Escape is its cancel event.
  useEffect(() => {
    if (!open) return;
    if (dialogRef.current && !dialogRef.current.open) dialogRef.current.showModal();
    cancelRef.current?.focus();
  }, [open]);

  const disabledReason = deletion
    ? deletingRefusal({ namespace, name }, deletion)
    : permission === 'loading'
      ? 'Checking whether you may delete…'
      : permission && !permission.allowed
        ? refusedPermissionText('delete this PodCliqueSet', permission)
        : undefined;

  const uid = pcs.metadata?.uid;
  const recreated = open && openedUid !== undefined && uid !== undefined && uid !== openedUid;

  const openDialog = () => {
    setOpenedUid(uid);
    setOpen(true);
  };

  const close = () => {
    setOpen(false);
    setError(null);
    setDownloaded(false);
    requestAnimationFrame(() => openerRef.current?.focus());
  };

  const confirm = async () => {
    setBusy(true);
    setError(null);
    onDelete?.('sent');
    try {
      await deleteObject(deleteRequestFor(namespace, name, openedUid));
      onDelete?.('accepted');
      // Accepted is not gone: the object stays, Deleting, while what it owns is torn down. Stay here.
      setAccepted(true);
      setBusy(false);
      setOpen(false);
      requestAnimationFrame(() => acceptedRef.current?.focus());
    } catch (e) {
      onDelete?.('failed');
      setError(deleteFailureText(namespace, name, e));
      setBusy(false);
    }
  };

  return (
    <div className="space-y-2">
      <button ref={openerRef} type="button" className={BUTTON_DANGER} disabled={!!disabledReason || busy || accepted} aria-describedby={disabledReason ? `${id}-reason` : undefined} aria-expanded={open} onClick={openDialog}>
        Delete…
      </button>
      {accepted && (
        <p ref={acceptedRef} tabIndex={-1} role="status" data-testid="delete-accepted" className="max-w-md text-xs text-zinc-700 dark:text-zinc-300">
          {deletionAcceptedText(namespace, name)}
        </p>
      )}
      {disabledReason && (
        <p id={`${id}-reason`} data-testid="delete-disabled-reason" className="max-w-md text-xs text-amber-800 dark:text-amber-300">
          {disabledReason}
        </p>
      )}
      {open && (
        <dialog
          ref={dialogRef}
          role="alertdialog"
          aria-labelledby={`${id}-title`}
          aria-describedby={`${id}-body`}
          data-testid="delete-confirm"
          className="m-auto max-w-xl space-y-2 rounded-md border border-red-300 bg-red-50 p-3 text-sm text-zinc-900 backdrop:bg-black/40 dark:border-red-800 dark:bg-red-950 dark:text-zinc-100"
          onCancel={(e) => {
            e.preventDefault();
            if (!busy) close();
          }}
        >
          <p id={`${id}-title`} className="font-semibold">
            Delete PodCliqueSet {name}?
          </p>
          <p id={`${id}-body`}>
            Everything it owns goes with it: {impactSentence(impact)}. Running inference on those pods stops.
          </p>
          <CommandLine command={kubectlDeleteCommand('PodCliqueSet', namespace, name)} />
          <div className="flex flex-wrap items-center gap-2">
            <button
              type="button"
              className={BUTTON_SECONDARY}
              onClick={() => {
                download(`${namespace}-${name}.yaml`, reapplyYaml(pcs));
                setDownloaded(true);
              }}
            >
              Download YAML
            </button>
            <span role="status" className="text-xs text-zinc-700 dark:text-zinc-300">
              {downloaded ? `Saved ${namespace}-${name}.yaml: kubectl apply -f it to recreate the stack.` : 'Keep a copy to re-apply (without its status).'}
            </span>
          </div>
          {recreated && !error && (
            <p role="alert" data-testid="delete-recreated" className="text-red-800 dark:text-red-300">
              {recreatedText(namespace, name)}
            </p>
          )}
          {error && (
            <p role="alert" data-testid="delete-failed" className="text-red-800 dark:text-red-300">
              {error}
            </p>
          )}
          <div className="flex gap-2">
            <button type="button" className={BUTTON_DANGER} disabled={busy || recreated} onClick={() => void confirm()}>
              {busy ? 'Deleting…' : `Delete ${name}`}
            </button>
            <button ref={cancelRef} type="button" className={BUTTON_SECONDARY} onClick={close}>
              Cancel
            </button>
          </div>
        </dialog>
      )}
    </div>
  );
}
