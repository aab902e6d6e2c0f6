import { ActionFailure, type ApplyResult, type ManifestDocumentRef, type ManifestFailureDetails } from '../hooks/clusterActions';
import type { ClusterContextState } from '@/components/hooks/clusterContext';
import { CANOPY_FIELD_MANAGER, managerWords, parseConflictManager } from '../../lib/cluster/fieldManagers';
import { valueAtFieldPath } from '../../lib/cluster/fieldPathValue';
import { isWebhookDenial } from '../../lib/cluster/webhookDenial';
import { parseManifests } from '../../lib/grove/manifest';
import { isRecord, type KubeObject } from '../../lib/grove/meta';
import { podCliqueSetPodCount } from '../../lib/grove/pod-count';
import { readBuilderText } from '../../lib/builder/document';
import type { LiveChange } from '../../lib/builder/liveStack';
import { plural } from '../../lib/workloads/plural';

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
  /** `takesOwnership`: a dry run with force, and the fields (from the 409 before it) whose owner it changes to Canopy's apply. */
  | { kind: 'diff'; results: ApplyResult[]; text: string; takesOwnership?: FieldConflict[] }
  | { kind: 'applied'; results: ApplyResult[]; text: string }
  /** `force`, `takesOwnership`: a forced action's, kept so that a retry of it (statusOnlyRetry) asks the same. */
  | ({ kind: 'failed'; dryRun: boolean; status: number; message: string; causes: Cause[]; text: string; force?: true; takesOwnership?: FieldConflict[] } & ManifestFailureDetails);

type Cause = { field?: string; message: string };

/** The failed step for what a dry run (or an apply) of `text` threw; `forced`: it was asked with force (taking over these fields). */
export function failedStep(error: unknown, dryRun: boolean, text: string, forced?: { takesOwnership?: FieldConflict[] }): ApplyStep {
  const how = forced ? { force: true as const, ...(forced.takesOwnership ? { takesOwnership: forced.takesOwnership } : {}) } : {};
  if (error instanceof ActionFailure) return { kind: 'failed', dryRun, status: error.status, message: error.message, causes: error.causes, text, ...how, ...error.details };
  return { kind: 'failed', dryRun, status: 0, message: error instanceof Error ? error.message : String(error), causes: [], text, ...how };
}

/**
 * What a stale-edit refusal found on the cluster, against the version opened: its spec or metadata
 * changed; only its status (the operator's write, which landed before this page's stream had it: the
 * version opened has moved on since the refusal); deleted; or the page has not received the new version yet.
 */
export type StaleChange = 'changed' | 'status-only' | 'gone' | 'not-received';

/** The StaleChange of a refusal at version `refusedAt` (staleVersion; '' when not said), with the live stack compared to the version opened now. */
export function staleChange(change: LiveChange, refusedAt: string, openedVersion: string): StaleChange {
  if (change.kind === 'same') return refusedAt !== '' && refusedAt !== openedVersion ? 'status-only' : 'not-received';
  return change.kind;
}

/** How many times in a row a refusal for a status-only change is retried by itself before the panel says so and waits for the user. */
export const STATUS_ONLY_RETRIES = 3;

/** A dry run or apply to send again by itself (statusOnlyRetry): as it was asked. */
export interface StatusOnlyRetry {
  dryRun: boolean;
  force: boolean;
  takesOwnership?: FieldConflict[];
}

/**
 * Whether a stale-edit refusal (409 at metadata.resourceVersion) is only the operator's status write
 * racing the page, and so is sent again by itself rather than shown as "changed since": the text on
 * screen is the one refused, with no field conflict; the work already stands on a newer version than
 * the refused one (`openedVersion`: the builder moves it on only for a version whose labels,
 * annotations and spec equal it, i.e. a status-only write, see ApplyPanel) and that version is the one
 * on the cluster (`change` same). The dry run's diff is then still what the apply does, so a refused
 * apply is applied again at the new version, and a refused dry run run again; at most `STATUS_ONLY_RETRIES`
 * times in a row (`retried`), in case the operator writes faster than an apply gets through. Null while
 * the page has not received the new version, when the stack changed otherwise, or for any other refusal.
 * Null too when the refused document names its own metadata.resourceVersion (pinnedVersion): it is sent
 * with that version, not the one the work stands on, so it would be refused again each time; and the page
 * cannot vouch for the spec between the version the YAML names and the one opened, so it does not swap
 * the version either (applyBlockedReason says what to do).
 */
export function statusOnlyRetry(step: ApplyStep, text: string, change: LiveChange | null, openedVersion: string | null, retried: number): StatusOnlyRetry | null {
  if (step.kind !== 'failed' || step.text !== text || retried >= STATUS_ONLY_RETRIES) return null;
  const refusedAt = staleVersion(step);
  if (!refusedAt || fieldConflicts(step).length > 0 || pinnedVersion(step) !== null) return null;
  if (change?.kind !== 'same' || openedVersion === null || openedVersion === refusedAt) return null;
  return { dryRun: step.dryRun, force: step.force === true, ...(step.takesOwnership ? { takesOwnership: step.takesOwnership } : {}) };
}

/** The stack the builder opened from the cluster (`?edit=`): what changed since (StaleChange), and its spec.replicas then. */
export interface OpenedContext {
  change: StaleChange;
  replicas?: unknown;
}

/**
 * Why Apply is disabled now, or null when it may be pressed: only after a dry run of exactly the
 * text on screen (an answer for an older text must not enable applying the newer one). A 409 says
 * what it is about: each conflicting field with its value on the cluster and in the YAML (`details`,
 * conflictDetails), or the stack having changed since it was opened (`opened`: the builder opened it
 * from the cluster and knows that version, so it says what changed and can re-base the edits).
 */
export function applyBlockedReason(step: ApplyStep, text: string, blocked: string | null, errors: number, details?: readonly ConflictDetail[], opened: OpenedContext | null = null): string | null {
  if (blocked) return blocked;
  if (errors > 0) return `Fix the ${errors} error(s) first.`;
  if (step.kind === 'failed' && step.text === text) {
    const conflicts = details ?? fieldConflicts(step).map((c) => conflictDetail(c, null, null));
    if (conflicts.length > 0) return `${conflicts.map(conflictSentence).join('; ')}. ${conflictAdvice(conflicts, opened)}`;
    const stale = staleVersion(step);
    if (stale !== null) {
      if (!opened) return `Your manifest names metadata.resourceVersion${stale ? ` ${stale}` : ''}, an older version than the cluster's: open the live stack (Edit in Builder) and make your edits there, or remove the resourceVersion to apply over what the cluster has now.`;
      const pinned = pinnedVersion(step);
      return pinned === null ? STALE_WORDS[opened.change] : pinnedStaleWords(pinned, opened.change);
    }
    if (step.dryRun) return 'The dry run was refused: change the manifest, then run the dry run again.';
    return step.progress && step.progress.applied.length > 0
      ? 'Apply stopped part-way: what it applied stays applied. Change the manifest, then run the dry run again to see what the cluster holds now.'
      : 'Apply was refused and changed nothing. Change the manifest, then run the dry run again.';
  }
  if (step.kind !== 'diff' || step.text !== text) return 'Run the dry run first to see what changes.';
  return null;
}

/** `Namespace partial2`, `PodCliqueSet apps/disagg`: a document as the panel names it. */
export function documentName(ref: ManifestDocumentRef): string {
  return `${ref.kind ?? 'object'} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name ?? '(no name)'}`;
}

/** One line per document of a real apply that stopped part-way: applied (how), refused (why), not attempted. */
export function progressLines(step: Extract<ApplyStep, { kind: 'failed' }>): { document: number; text: string; outcome: 'created' | 'configured' | 'unchanged' | 'refused' | 'not attempted' }[] {
  if (!step.progress || step.dryRun) return [];
  const { applied, notAttempted } = step.progress;
  // One document and nothing else: there is no progress to tell.
  if (applied.length === 0 && notAttempted.length === 0) return [];
  const { lead } = messageAndCauses(step.message, step.causes);
  const refused = step.object ? [{ document: step.object.document, text: `${documentName(step.object)}: refused${lead ? ` — ${lead}` : ':'}`, outcome: 'refused' as const }] : [];
  return [
    ...applied.map((d) => ({ document: d.document, text: `${documentName(d)}: ${d.outcome}`, outcome: d.outcome })),
    ...refused,
    ...notAttempted.map((d) => ({ document: d.document, text: `${documentName(d)}: not attempted`, outcome: 'not attempted' as const })),
  ];
}

/**
 * The message and the causes to show, each once: when the only cause is what the message ends with
 * (the apiserver's `… is invalid: spec.x: Required value`, or Canopy's own `spec.x: …`), or the causes
 * are the error list it ends with (a webhook's `… denied the request: [spec.x: …, spec.y: …]`), the
 * message keeps only its lead and the causes are shown with their field paths.
 */
export function messageAndCauses(message: string, causes: Cause[]): { lead: string; causes: Cause[] } {
  const [only] = causes;
  // Several, as a webhook's error list words them (`…denied the request: [a: x, b: y]`).
  const list = causes.length > 1 && causes.every((c) => c.field) ? `[${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}]` : null;
  if (list && message.endsWith(list)) return { lead: message.slice(0, message.length - list.length).replace(/[\s:;,.-]+$/, ''), causes };
  if (causes.length !== 1 || !only) return { lead: message, causes };
  // The longest form the message ends with: `.spec.x: …` (as strict field validation writes it) before `spec.x: …`, which would leave the dot behind.
  const forms = [only.field ? `.${only.field}: ${only.message}` : null, only.field ? `${only.field}: ${only.message}` : null, only.message].filter((f): f is string => !!f);
  const repeated = forms.find((f) => message.endsWith(f));
  if (!repeated) return { lead: message, causes };
  return { lead: message.slice(0, message.length - repeated.length).replace(/[\s:;,.-]+$/, ''), causes };
}

/** A field another manager set, as the apiserver's 409 names it (cause field `.spec.replicas`, message `conflict with "canopy" with subresource "scale" …`). */
export interface FieldConflict {
  field: string;
  manager: string;
}

/** The conflicting fields of a 409 from server-side apply, with the manager that set each; none for any other failure. */
export function fieldConflicts(step: ApplyStep): FieldConflict[] {
  if (step.kind !== 'failed' || step.status !== 409) return [];
  const fromCauses = step.causes
    .filter((c) => c.field && /^conflict with /.test(c.message))
    .map((c) => ({ field: c.field!.replace(/^\./, ''), manager: c.message.replace(/^conflict with /, '') }));
  if (fromCauses.length > 0) return fromCauses;
  // Without causes: the one-conflict message `Apply failed with 1 conflict: conflict with "m": .spec.x`.
  const one = /conflict with (.+): \.?([^\s]+)$/.exec(step.message);
  return one ? [{ field: one[2]!, manager: one[1]! }] : [];
}

/** A conflicting field in words: who set it, and its value on the cluster and in the YAML applied (undefined where not known). */
export interface ConflictDetail extends FieldConflict {
  /** The manager in words: `Canopy's Scale`, `"kubectl-edit"`. */
  by: string;
  /** Set through a /scale subresource (Canopy's Scale button, `kubectl scale`, an autoscaler). */
  scaled: boolean;
  live?: unknown;
  yours?: unknown;
}

function conflictDetail(c: FieldConflict, live: unknown, manifest: unknown): ConflictDetail {
  const manager = parseConflictManager(c.manager);
  const liveValue = live ? valueAtFieldPath(live, c.field) : undefined;
  const yours = manifest ? valueAtFieldPath(manifest, c.field) : undefined;
  return { ...c, by: manager ? managerWords(manager) : c.manager, scaled: manager?.subresource === 'scale', ...(liveValue !== undefined ? { live: liveValue } : {}), ...(yours !== undefined ? { yours } : {}) };
}

/** The manifest document a failed step is about (its document, else the first), as data. */
function failedObject(step: Extract<ApplyStep, { kind: 'failed' }>): unknown {
  const index = step.object?.document ?? step.document ?? 0;
  try {
    return parseManifests(step.text).documents.find((d) => d.index === index)?.object ?? null;
  } catch {
    return null;
  }
}

/**
 * Whether the refused document is the PodCliqueSet the builder edits (its first): only that one may be
 * edited by a builder edit (setField), not another PodCliqueSet of the same file.
 */
export function refusedBuilderStack(step: ApplyStep): boolean {
  if (step.kind !== 'failed' || !step.object) return false;
  const read = readBuilderText(step.text);
  return read.ok && read.doc.pcsIndex === step.object.document;
}

/** The 409's conflicting fields with their values: `live`, the object on the cluster now (the page's copy), or null when not known. */
export function conflictDetails(step: ApplyStep, live: KubeObject | null | undefined): ConflictDetail[] {
  const conflicts = fieldConflicts(step);
  if (conflicts.length === 0 || step.kind !== 'failed') return [];
  const manifest = failedObject(step);
  return conflicts.map((c) => conflictDetail(c, live ?? null, manifest));
}

const shown = (v: unknown) => JSON.stringify(v);

/** `spec.replicas is 3 on the cluster (set by Canopy's Scale), your YAML says 2`. */
function conflictSentence(c: ConflictDetail): string {
  const yours = c.yours === undefined ? 'your YAML sets another value' : `your YAML says ${shown(c.yours)}`;
  return c.live === undefined ? `${c.field} was last set on the cluster by ${c.by}, ${yours}` : `${c.field} is ${shown(c.live)} on the cluster (set by ${c.by}), ${yours}`;
}

const STALE_WORDS: Record<StaleChange, string> = {
  changed: 'Your edits were made to an older version of this stack: see what changed on the cluster, then re-base your edits onto the live version and run the dry run again.',
  'status-only': 'Only its status changed since you opened it: run the dry run again.',
  gone: 'This stack was deleted from the cluster since you opened it: there is no live version to apply your edits to.',
  'not-received': "The stack changed on the cluster since you opened it, and this page has not received the new version yet: see what changed once it arrives, then run the dry run again.",
};

/**
 * A stale refusal of a document that names its own metadata.resourceVersion (`pinned`): every apply of it
 * is sent with that version, so running the dry run again (or a re-base, which keeps the line) is refused
 * again. Whether only the status changed since `pinned` is not known (the page compared the cluster's
 * stack with the version opened, not with `pinned`), so the words do not say so. Removing the line lets
 * the builder send the version opened, which still refuses a change made on the cluster since.
 */
function pinnedStaleWords(pinned: string, change: StaleChange): string {
  const sentAsNamed = `an apply is sent with the version your YAML names, so it is refused again however often it is sent`;
  switch (change) {
    case 'gone':
    case 'not-received':
      return STALE_WORDS[change];
    case 'changed':
      return `${STALE_WORDS.changed} Remove metadata.resourceVersion ${pinned} from your YAML too: ${sentAsNamed}.`;
    case 'status-only':
      return `Your YAML names metadata.resourceVersion ${pinned}, an older version than the cluster's, and ${sentAsNamed}. Remove metadata.resourceVersion from your YAML: the builder then applies as of the version you opened (and still refuses a change made on the cluster since). Then run the dry run again.`;
  }
}

/**
 * What to do about the conflicts: for replicas a scale set, leaving them to Scale; always, force after
 * its dry run, or another manifest. Reloading the stack is offered only when the YAML keeps the count of
 * the version opened (`opened.replicas`): a count the user changed would conflict again after a reload.
 */
function conflictAdvice(conflicts: readonly ConflictDetail[], opened: OpenedContext | null = null): string {
  const force = (purpose = '') => `Or take ownership (force) below${purpose}, after a dry run with force shows what that changes.`;
  const replicas = conflicts.find((c) => c.scaled && c.field === 'spec.replicas');
  if (replicas) {
    const keeps = replicas.live === undefined ? 'the scaled count' : shown(replicas.live);
    const unchanged = opened !== null && opened.replicas !== undefined && replicas.yours !== undefined && shown(opened.replicas) === shown(replicas.yours);
    const reload = unchanged ? ', or reload the stack from the cluster (Edit in Builder) to start from its count' : '';
    return `The stack was scaled (by ${replicas.by}), so its replica count belongs to Scale: leave spec.replicas out of your YAML to keep ${keeps}, or change the count with Scale${reload}, then run the dry run again. ${force(' to set it here')}`;
  }
  // No count in this sentence, so not plural(): the pronoun and the noun are chosen together.
  const [them, values] = conflicts.length === 1 ? ['it', 'value'] : ['them', 'values'];
  return `Set ${them} to the cluster's ${values} (an equal value is no conflict) or leave ${them} out, then run the dry run again. ${force()}`;
}

/**
 * The version the manifest was sent with, when a 409 refused it because the stack changed since
 * (server/actions/errors.ts staleWriteFailure: a cause at metadata.resourceVersion, the version as
 * `sentResourceVersion`); '' when the answer does not say it; else null.
 */
export function staleVersion(step: ApplyStep): string | null {
  if (step.kind !== 'failed' || step.status !== 409 || !step.causes.some((c) => c.field === 'metadata.resourceVersion')) return null;
  return step.sentResourceVersion ?? '';
}

/**
 * The metadata.resourceVersion the refused document names in the YAML itself (written or pasted by the
 * user; an opened stack's YAML holds none, the builder adds the version opened when it sends it), or null
 * when it names none.
 */
export function pinnedVersion(step: ApplyStep): string | null {
  if (step.kind !== 'failed') return null;
  const object = failedObject(step);
  const version = isRecord(object) && isRecord(object.metadata) ? object.metadata.resourceVersion : undefined;
  // As server/actions/apply.ts reads it: a number is sent as its string, an empty one as none.
  if (typeof version === 'number') return String(version);
  return typeof version === 'string' && version !== '' ? version : null;
}

/**
 * The pods an applied change removes from a PodCliqueSet (fewer replicas, or fewer pods per replica),
 * counted from its spec before and after as the expansion builds them; null when it removes none.
 */
export function podsRemoved(r: ApplyResult): string | null {
  if (r.kind !== 'PodCliqueSet' || !r.before) return null;
  const before = podCliqueSetPodCount(r.before);
  const after = podCliqueSetPodCount(r.after);
  if (after.pods >= before.pods) return null;
  const removed = before.pods - after.pods;
  const scale = after.replicas < before.replicas ? `scales ${r.namespace ? `${r.namespace}/` : ''}${r.name} from ${before.replicas} to ${plural(after.replicas, 'replica')} and ` : '';
  return `Applying it ${scale}removes ${plural(removed, 'pod')} (${before.pods} → ${after.pods}).`;
}

/**
 * What taking ownership (force) may do now, for the text on screen: after a 409 (from a dry run or an
 * apply), a dry run with force, whose diff shows what a forced apply would change; from that diff,
 * and only from it, the apply with force. Null when neither (another text, or something blocks).
 */
export function forceStage(step: ApplyStep, text: string, blocked: string | null, errors: number): 'dry-run' | 'apply' | null {
  if (blocked || errors > 0 || step.kind === 'working' || step.kind === 'idle' || step.text !== text) return null;
  if (step.kind === 'diff') return step.takesOwnership ? 'apply' : null;
  return fieldConflicts(step).length > 0 ? 'dry-run' : null;
}

/** The fields a forced apply of the reviewed diff takes over, in words: `spec.replicas (last set by "canopy" with subresource "scale")`. */
export function ownershipChanges(conflicts: readonly FieldConflict[]): string {
  return conflicts.map((c) => `${c.field} (last set by ${c.manager})`).join(', ');
}

/** What Canopy's forced apply is, as a kubectl command (Canopy applies with field manager `canopy`). */
export function kubectlForceApply(file = 'manifest.yaml'): string {
  return `kubectl apply --server-side --force-conflicts --field-manager=${CANOPY_FIELD_MANAGER} -f ${file}`;
}

/** `document 2 (PodCliqueSet apps/disagg)`; `document 2` for one whose kind and name are not known (it did not parse). */
export function documentLabel(ref: ManifestDocumentRef): string {
  return `document ${ref.document + 1}${ref.kind || ref.name ? ` (${documentName(ref)})` : ''}`;
}

/** Why the refused document may be left out: a bundled Namespace the user may not create (it may exist already). */
export function documentHint(step: Extract<ApplyStep, { kind: 'failed' }>): string | null {
  const object = step.object;
  // A webhook's refusal is the object's content, whatever its status: asking for a permission would not help.
  if (!object || step.status !== 403 || isWebhookDenial(step.message)) return null;
  const where = documentLabel(object);
  if (object.kind === 'Namespace') return `You may not create or read Namespaces. If namespace ${object.name} exists already, remove ${where} from the manifest and apply the rest.`;
  return `You may not apply ${where}: remove it from the manifest, or ask for the permission.`;
}

/**
 * The step to show once the cluster answers for `sent`: a dry run's answer about a text since
 * changed is dropped; a real apply's answer is kept (it says what the cluster now holds).
 */
export function settleStep(current: string, sent: string, dryRun: boolean, answered: ApplyStep): ApplyStep {
  return current === sent || !dryRun ? answered : { kind: 'idle' };
}
