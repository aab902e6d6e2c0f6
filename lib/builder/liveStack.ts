/**
 * Running PodCliqueSets in the builder: as a manifest to edit (a copy, or the stack itself), and as
 * the object an edited manifest of the same namespace/name updates, so that Grove's update rules
 * (validateUpdate: immutable fields, clique composition) are checked before Apply, not at its dry run.
 * A stack opened as itself remembers the version it was opened at (LoadedStack), which its apply
 * sends as a precondition (withResourceVersion): another user's change since is refused, not undone.
 */
import { diffObjects, type FieldChange } from '../cluster/diff';
import type { ValidationContext } from '../grove/check';
import type { ManifestReport } from '../grove/findings';
import type { ManifestDocument } from '../grove/manifest';
import { documentData, DocumentDataError, expansionBudget, parseYamlDocuments, stringifyObject } from '../grove/manifest';
import { isRecord, type KubeObject } from '../grove/meta';
import { writeEdited } from './document';
import type { RevisionReads } from './revision';

const PODCLIQUESET = 'PodCliqueSet';
/** The rule prefix of validateUpdate's findings that compare with the running object (lib/grove/validate/update.ts). */
const UPDATE_RULE = 'immutable.';

/** `namespace/name`, as the builder's menus, URLs and messages name a running stack. */
export function stackKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** `/builder?edit=<namespace>/<name>`: which running stack to open for editing as itself, or null. */
export function parseEditParam(value: string | null): { namespace: string; name: string } | null {
  if (!value) return null;
  const slash = value.indexOf('/');
  if (slash <= 0 || slash === value.length - 1 || value.indexOf('/', slash + 1) >= 0) return null;
  return { namespace: value.slice(0, slash), name: value.slice(slash + 1) };
}

/** The builder URL that opens the running stack `namespace/name` for editing as itself. */
export function editHref(namespace: string, name: string): string {
  return `/builder?edit=${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}

/**
 * A running PodCliqueSet as the manifest it was applied from: what the server owns (status,
 * managedFields, resourceVersion, uid, …, kubectl's last-applied annotation) dropped; `name` renames it.
 */
export function editableOfLive(o: KubeObject, name?: string): Record<string, unknown> {
  const meta = isRecord(o.metadata) ? o.metadata : {};
  const annotations = isRecord(meta.annotations) ? { ...meta.annotations } : undefined;
  if (annotations) delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
  return {
    apiVersion: o.apiVersion ?? 'grove.io/v1alpha1',
    kind: PODCLIQUESET,
    metadata: {
      name: name ?? meta.name,
      namespace: meta.namespace,
      ...(isRecord(meta.labels) ? { labels: meta.labels } : {}),
      ...(annotations && Object.keys(annotations).length ? { annotations } : {}),
    },
    spec: (o as { spec?: unknown }).spec,
  };
}

const keyOf = (o: KubeObject) => stackKey(String(o.metadata?.namespace), String(o.metadata?.name));

/** "Edit a copy of…": renamed `<name>-copy`, so applying it creates a new stack. */
export function copyOfLiveText(o: KubeObject): string {
  return `# A copy of ${keyOf(o)}, taken from the cluster.\n${stringifyObject(editableOfLive(o, `${String(o.metadata?.name)}-copy`))}`;
}

/** `?edit=`: the running stack under its own name, so Apply updates it. */
export function liveStackText(o: KubeObject): string {
  return `# ${keyOf(o)} as running in the cluster: Apply updates it.\n${stringifyObject(editableOfLive(o))}`;
}

/**
 * The running PodCliqueSets that the text's PodCliqueSets would update, by `namespace/name`, as
 * editableOfLive has them (plain data, so a caller can compare it by value: a status change of a
 * running stack does not make the text be checked again). A manifest without a namespace lands in
 * `defaultNamespace` (the server's), as applying it does; with none known it matches nothing.
 */
export function runningTargets(documents: readonly ManifestDocument[], running: readonly KubeObject[], defaultNamespace: string | null): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  const wanted = new Set(documents.flatMap((d) => (d.errors.length === 0 ? [targetKey(d, defaultNamespace)] : [])).filter((k): k is string => k !== null));
  if (wanted.size === 0) return out;
  for (const o of running) {
    const key = keyOf(o);
    if (wanted.has(key)) out[key] = editableOfLive(o);
  }
  return out;
}

/** The `namespace/name` a document applies to when it is a PodCliqueSet, else null. */
function targetKey(d: ManifestDocument, defaultNamespace: string | null): string | null {
  if (d.kind !== PODCLIQUESET || !d.name || !isRecord(d.object)) return null;
  const meta = isRecord(d.object.metadata) ? d.object.metadata : {};
  const namespace = typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : defaultNamespace;
  return namespace ? stackKey(namespace, d.name) : null;
}

/** The version of a running stack the builder opened as itself: what the edit started from. */
export interface LoadedStack {
  /** `namespace/name`. */
  key: string;
  /** The object's metadata.resourceVersion when it was read: the precondition its apply is sent with. */
  resourceVersion: string;
  /** As editableOfLive has it: what "Show what changed" and a re-base compare with. */
  object: Record<string, unknown>;
}

/** The version of `o` the builder opens; null when it has no resourceVersion (nothing to hold an apply to). */
export function loadedStackOf(o: KubeObject): LoadedStack | null {
  const resourceVersion = o.metadata?.resourceVersion;
  if (typeof resourceVersion !== 'string' || !resourceVersion) return null;
  return { key: keyOf(o), resourceVersion, object: editableOfLive(o) };
}

/** The running stack `loaded` is a version of (or of that `namespace/name`), or null when the cluster no longer has it. */
export function liveOf(loaded: Pick<LoadedStack, 'key'>, running: readonly KubeObject[]): KubeObject | null {
  return running.find((o) => keyOf(o) === loaded.key) ?? null;
}

/**
 * How the running stack compares with the version opened: the same version; another version that
 * differs only in what no one edits (its status: the operator writes it often); changed (with the
 * changes, opened → live, as a dry run's diff lists them); or gone from the cluster.
 */
export type LiveChange = { kind: 'same' } | { kind: 'status-only'; resourceVersion: string } | { kind: 'changed'; resourceVersion: string; changes: FieldChange[] } | { kind: 'gone' };

export function liveChangeOf(loaded: LoadedStack, live: KubeObject | null): LiveChange {
  if (!live) return { kind: 'gone' };
  const resourceVersion = live.metadata?.resourceVersion ?? '';
  if (resourceVersion === loaded.resourceVersion) return { kind: 'same' };
  const changes = diffObjects(loaded.object, editableOfLive(live));
  return changes.length === 0 ? { kind: 'status-only', resourceVersion } : { kind: 'changed', resourceVersion, changes };
}

/**
 * The text to send for an apply of `text`: the PodCliqueSet it holds of `loaded`'s namespace/name
 * names the version opened as its metadata.resourceVersion (the apiserver then refuses the apply if
 * the stack changed since). A document that names a version of its own keeps it; a text with no
 * such document (a new stack, a copy renamed) goes as it is.
 */
export function withResourceVersion(text: string, loaded: LoadedStack | null, defaultNamespace: string | null): string {
  if (!loaded) return text;
  const parsed = parseYamlDocuments(text);
  if (parsed.errors.length > 0) return text;
  let objects: unknown[];
  try {
    const budget = expansionBudget(parsed.documents);
    objects = parsed.documents.map((d) => documentData(d, budget));
  } catch (e) {
    // A document that cannot be read (an alias bomb, a self-alias) goes as it is, as a syntax error does: the apply refuses it, saying where.
    if (e instanceof DocumentDataError) return text;
    throw e;
  }
  const index = objects.findIndex((data) => {
    if (!isRecord(data) || data.kind !== PODCLIQUESET || !isRecord(data.metadata) || typeof data.metadata.name !== 'string') return false;
    const namespace = typeof data.metadata.namespace === 'string' && data.metadata.namespace ? data.metadata.namespace : defaultNamespace;
    return namespace !== null && stackKey(namespace, data.metadata.name) === loaded.key;
  });
  if (index < 0) return text;
  const meta = objects[index] as { metadata: Record<string, unknown> };
  if (meta.metadata.resourceVersion !== undefined && meta.metadata.resourceVersion !== null && meta.metadata.resourceVersion !== '') return text;
  return writeEdited({ documents: parsed.documents, pcsIndex: index, lineCounter: parsed.lineCounter }, text, () => {
    parsed.documents[index]!.setIn(['metadata', 'resourceVersion'], loaded.resourceVersion);
  });
}

/** A report and which of its documents were checked as updates of a running stack (document index → `namespace/name`). */
export interface LiveCheckedReport {
  report: ManifestReport;
  updates: Record<number, string>;
}

/**
 * The builder's findings: each PodCliqueSet that names a running one (runningTargets) is checked as an
 * update of it (validateUpdate, as the apply's dry run does), and the findings that compare with it say
 * so ("updates default/mixtral-agg: …"); every other document is checked as new.
 */
export function checkAgainstRunning(reads: RevisionReads, text: string, context: ValidationContext, targets: Record<string, Record<string, unknown>>, defaultNamespace: string | null): LiveCheckedReport {
  const updates: Record<number, string> = {};
  const previous = (d: ManifestDocument) => {
    const key = targetKey(d, defaultNamespace);
    const before = key === null ? undefined : targets[key];
    if (before && key) updates[d.index] = key;
    return before;
  };
  const report = reads.check(text, context, previous);
  if (Object.keys(updates).length === 0) return { report, updates };
  return {
    updates,
    report: {
      ...report,
      documents: report.documents.map((doc) => {
        const key = updates[doc.index];
        if (!key) return doc;
        return { ...doc, findings: doc.findings.map((f) => (f.rule.startsWith(UPDATE_RULE) ? { ...f, message: `updates ${key}: ${f.message}` } : f)) };
      }),
    },
  };
}
