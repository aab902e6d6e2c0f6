/**
 * Apply a manifest file (YAML or JSON, one or more documents) to any ClusterSource: Namespaces
 * first, then the rest in file order. Every document is dry-run before anything is changed, so a
 * bad document refuses the whole file (the one exception: an object in a Namespace the same file
 * creates cannot be dry-run before that Namespace exists: Canopy's validator checks it, the apiserver
 * when it is applied). Documents are then applied one by one, with no transaction: when one is refused,
 * the failure says which were applied before it and which were not attempted (ApplyProgress).
 */
import { parseManifests } from '../../lib/grove/manifest';
import type { ApplyProgress, ManifestDocumentRef } from '../../lib/cluster/actions';
import { isRecord, type KubeObject } from '../../lib/grove/meta';
import { validate } from '../../lib/grove/validate';
import type { ActionError, ApplyResult, ClusterSource } from '../sources/types';
import { isApplicable, pointerToFieldPath, refuseFindings } from './apply';
import { ActionFailure, refusalOfManifest } from './errors';

export const MAX_DOCUMENTS = 100;

/** An ActionError about one document of the file (0-based index as parseManifests counts). */
export class DocumentFailure extends ActionFailure {
  /** Set when a real apply was under way: what it had applied, and what it did not attempt. */
  progress?: ApplyProgress;

  constructor(
    readonly document: number,
    readonly object: { kind: string | null; namespace?: string; name: string | null },
    error: ActionError,
  ) {
    super(error);
  }

  override toJSON(): ActionError & { document: number; object: ManifestDocumentRef; progress?: ApplyProgress } {
    return { ...super.toJSON(), document: this.document, object: { document: this.document, ...this.object }, ...(this.progress ? { progress: this.progress } : {}) };
  }
}

interface Doc {
  index: number;
  object: KubeObject;
}

/** The documents to apply, or an ActionFailure (400) naming the first problem. */
export function readManifests(text: string): Doc[] {
  const parsed = parseManifests(text);
  const first = parsed.errors[0];
  if (first) {
    throw new DocumentFailure(first.document, { kind: null, name: null }, { status: 400, reason: 'BadRequest', message: `line ${first.line}, column ${first.column}: ${first.message}` });
  }
  const docs = parsed.documents.filter((d) => d.object !== null);
  if (docs.length === 0) throw new ActionFailure({ status: 400, reason: 'BadRequest', message: 'the manifest holds no object' });
  if (docs.length > MAX_DOCUMENTS) throw new ActionFailure({ status: 413, reason: 'RequestEntityTooLarge', message: `at most ${MAX_DOCUMENTS} objects per apply (got ${docs.length})` });
  for (const d of docs) {
    if (!isApplicable(d.object)) {
      throw new DocumentFailure(d.index, { kind: d.kind, name: d.name }, {
        status: 400,
        reason: 'BadRequest',
        message: `document ${d.index + 1} (line ${d.line}) is ${d.apiVersion ?? '?'}/${d.kind ?? '?'}: Canopy applies only Grove kinds and Namespace`,
      });
    }
  }
  const isNamespace = (d: (typeof docs)[number]) => d.kind === 'Namespace';
  return [...docs.filter(isNamespace), ...docs.filter((d) => !isNamespace(d))].map((d) => ({ index: d.index, object: d.object as KubeObject }));
}

function namespaceOf(object: KubeObject): string | undefined {
  return isRecord(object.metadata) && typeof object.metadata.namespace === 'string' ? object.metadata.namespace : undefined;
}

function refOf(doc: Doc): ManifestDocumentRef {
  const namespace = namespaceOf(doc.object);
  return { document: doc.index, kind: doc.object.kind ?? null, ...(namespace ? { namespace } : {}), name: doc.object.metadata?.name ?? null };
}

async function applyOne(source: ClusterSource, doc: Doc, options: { dryRun: boolean; force?: boolean }): Promise<ApplyResult> {
  try {
    return await source.apply(doc.object, options);
  } catch (error) {
    if (error instanceof ActionFailure || (isRecord(error) && typeof error.status === 'number')) {
      // Any source's strict field validation names the fields in its message only, as a 500 (the simulated apiserver's as the real one's): a 422 about them.
      const e = refusalOfManifest(error as unknown as ActionError);
      const { document: _document, ...object } = refOf(doc);
      throw new DocumentFailure(doc.index, object, { status: e.status, reason: e.reason, message: e.message, causes: e.causes, missing: e.missing, sentResourceVersion: e.sentResourceVersion });
    }
    if (options.dryRun) throw error;
    // Mid-apply (e.g. the connection dropped): still a failure about this document, so the progress can be told.
    const { document: _document, ...object } = refOf(doc);
    throw new DocumentFailure(doc.index, object, { status: 500, reason: 'InternalError', message: error instanceof Error ? error.message : String(error) });
  }
}

export async function applyManifests(source: ClusterSource, text: string, options: { dryRun: boolean; force?: boolean }): Promise<ApplyResult[]> {
  const docs = readManifests(text);
  const created = new Set(docs.filter((d) => d.object.kind === 'Namespace').map((d) => d.object.metadata?.name));
  const previews: (ApplyResult | undefined)[] = [];
  for (const doc of docs) {
    try {
      previews.push(await applyOne(source, doc, { ...options, dryRun: true }));
    } catch (error) {
      const ns = namespaceOf(doc.object);
      // Dry-run in a namespace this same file creates: the apiserver answers 404 (namespaces "<ns>") until
      // it exists. Any other 404 (e.g. the Grove CRDs are not installed) fails the whole file here, before
      // anything is applied.
      if (error instanceof DocumentFailure && error.status === 404 && ns && created.has(ns) && error.missing?.resource === 'namespaces' && error.missing.name === ns) previews.push(undefined);
      else throw error;
    }
  }
  const checked = docs.map((doc, i) => previews[i] ?? pendingNamespaceResult(doc));
  if (options.dryRun) return checked;
  const results: ApplyResult[] = [];
  for (const [i, doc] of docs.entries()) {
    try {
      results.push(await applyOne(source, doc, { ...options, dryRun: false }));
    } catch (error) {
      if (error instanceof DocumentFailure) {
        error.progress = {
          applied: results.map((r, j) => ({ ...refOf(docs[j]!), outcome: r.unchanged ? 'unchanged' : r.before === null ? 'created' : 'configured' })),
          notAttempted: docs.slice(i + 1).map(refOf),
        };
      }
      throw error;
    }
  }
  return results;
}

/**
 * What a dry run says about an object whose namespace does not exist yet: the apiserver cannot be
 * asked, but Canopy's validator can (its errors refuse the file now, before the Namespace is created;
 * its warnings are shown as for any other object).
 */
function pendingNamespaceResult(doc: Doc): ApplyResult {
  const findings = validate(doc.object);
  if (findings.some((f) => f.severity === 'error')) {
    const { document: _document, ...object } = refOf(doc);
    throw new DocumentFailure(doc.index, object, refuseFindings(findings).toJSON());
  }
  const warnings = findings.filter((f) => f.severity === 'warning').map((f) => (f.path ? `${pointerToFieldPath(f.path)}: ${f.message}` : f.message));
  return {
    kind: String(doc.object.kind),
    namespace: namespaceOf(doc.object),
    name: doc.object.metadata?.name ?? '',
    before: null,
    after: doc.object,
    dryRun: true,
    unchanged: false,
    warnings: [`not dry-run by the apiserver: its namespace ${namespaceOf(doc.object)} is created by this same manifest`, ...warnings],
  };
}
