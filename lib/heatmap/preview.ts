/**
 * A PodCliqueSet pasted or dropped on the heatmap → its placement preview on the current cluster, or
 * the problems that stop it, each with its line:column. What Grove's admission would refuse stops the
 * preview (a plan of an object that can never be created would be a guess); warnings do not.
 *
 * Two steps, so a page can keep the first while the cluster changes: readPreviewText depends on the
 * text alone (parse once, find the PodCliqueSets and where they are), previewInput judges them as the
 * cluster's webhook would (its ClusterTopologyBindings, and a running stack of the same name as the
 * object an apply updates) and places the result on a ClusterState.
 */
import type { ClusterState } from '../cluster/state';
import { editableOfLive, stackKey } from '../builder/liveStack';
import type { Finding } from '../grove/findings';
import { parseManifests, positionOf, type ManifestDocument } from '../grove/manifest';
import { isRecord, type KubeObject } from '../grove/meta';
import type { PodCliqueSet } from '../grove/podcliqueset';
import { validate, validateUpdate, type ValidationContext } from '../grove/validate';
import { previewPodCliqueSet, type PlacementPreview } from '../placement/preview';

/**
 * The preview places one PodCliqueSet as an apply of it would go (a plan of what is not running yet, its
 * ghosts, and the gangs of the stack that already run, kept where they are). A text with several
 * (a file of stacks, `kubectl get pcs -o yaml`) is checked whole, and the first is previewed; `notes`
 * names the others, so nothing is left out without a word.
 */
export type TextPreview =
  | { ok: true; name: string; namespace: string; gpus: number; preview: PlacementPreview; notes: string[] }
  | { ok: false; problems: string[] };

/** Where a JSON pointer into one PodCliqueSet of the text is, as line and column of the text. */
type PositionIn = (path: string) => { line: number; column: number };

/** A PodCliqueSet of the text, as written, with where its fields are. */
export interface TextPodCliqueSet {
  object: Record<string, unknown>;
  at: PositionIn;
}

/**
 * The text's PodCliqueSets (the first is previewed) with the line the first starts on and notes on the
 * rest; or the problems of the text itself (YAML errors, no PodCliqueSet). They are judged by previewInput.
 */
export type PreviewInput = { ok: true; pcs: PodCliqueSet; line: number; notes: string[]; stacks: TextPodCliqueSet[] } | { ok: false; problems: string[] };

/** GPUs the PodCliqueSet asks for (every pod of every gang, minAvailable or not, running or not). */
export function gpuDemand(preview: PlacementPreview): number {
  return preview.all.reduce((sum, gang) => sum + gang.podGroups.reduce((s, pg) => s + pg.pods.reduce((p, pod) => p + pod.requests.gpu, 0), 0), 0);
}

const PCS_KIND = 'PodCliqueSet';

/** A PodCliqueSet found in the text: its data, its document, and the JSON pointer of it in that document. */
interface FoundPodCliqueSet {
  object: Record<string, unknown>;
  doc: ManifestDocument;
  /** '' for a document of its own, `/items/<i>` for an item of a PodCliqueSetList. */
  pointer: string;
}

/**
 * PodCliqueSets of the text in order: documents of their own (parseManifests already splits a `v1`
 * List, what `kubectl get -o yaml` prints, into its items), and the items of a typed PodCliqueSetList,
 * which may leave out their kind (the list says it).
 */
function podCliqueSetsOf(documents: readonly ManifestDocument[]): FoundPodCliqueSet[] {
  const found: FoundPodCliqueSet[] = [];
  for (const doc of documents) {
    if (!isRecord(doc.object)) continue;
    if (doc.kind === PCS_KIND) found.push({ object: doc.object, doc, pointer: '' });
    else if (doc.kind === `${PCS_KIND}List` && Array.isArray(doc.object.items)) {
      doc.object.items.forEach((item, i) => {
        if (isRecord(item) && (item.kind === PCS_KIND || item.kind === undefined)) found.push({ object: { apiVersion: doc.apiVersion, kind: PCS_KIND, ...item }, doc, pointer: `/items/${i}` });
      });
    }
  }
  return found;
}

const metadataOf = (object: Record<string, unknown>): Record<string, unknown> => (isRecord(object.metadata) ? object.metadata : {});
/** The namespace a stack is applied in (`default` when it names none), and its name: the key of a running stack. */
const keyOf = (object: Record<string, unknown>): string => {
  const meta = metadataOf(object);
  return stackKey(typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : 'default', typeof meta.name === 'string' ? meta.name : '');
};
const nameOf = (object: Record<string, unknown>): string => (typeof metadataOf(object).name === 'string' ? keyOf(object) : `${keyOf(object)}(no name)`);

/**
 * Whether `text` is a manifest the preview takes: it parses and holds a PodCliqueSet (or a List of
 * them), valid or not. A page decides by it whether a dropped text may replace the user's.
 */
export function holdsPodCliqueSet(text: string): boolean {
  const parsed = parseManifests(text);
  return parsed.errors.length === 0 && podCliqueSetsOf(parsed.documents).length > 0;
}

export function readPreviewText(text: string): PreviewInput {
  const parsed = parseManifests(text);
  if (parsed.errors.length) return { ok: false, problems: parsed.errors.map((e) => `line ${e.line}:${e.column}: ${e.message}`) };
  const found = podCliqueSetsOf(parsed.documents);
  if (!found.length) return { ok: false, problems: ['no PodCliqueSet in the text (kind: PodCliqueSet, or a List of them)'] };
  const stacks = found.map(({ object, doc, pointer }): TextPodCliqueSet => {
    const start = positionOf(doc.yaml, pointer, parsed.lineCounter) ?? { line: doc.line, column: 1 };
    return { object, at: (path) => positionOf(doc.yaml, `${pointer}${path}`, parsed.lineCounter) ?? start };
  });
  const [first, ...rest] = found;
  const notes = rest.length
    ? [`the text holds ${found.length} PodCliqueSets: only the first, ${nameOf(first!.object)}, is previewed (not previewed: ${rest.map((r) => nameOf(r.object)).join(', ')})`]
    : [];
  return { ok: true, pcs: first!.object as unknown as PodCliqueSet, line: stacks[0]!.at('').line, notes, stacks };
}

/** The heading of a preview: the stack's name, and what was left out of it. */
export function previewTitle(preview: Extract<TextPreview, { ok: true }>): string {
  return `${preview.namespace}/${preview.name}${preview.notes.length ? ` (${preview.notes.join('; ')})` : ''}`;
}

/**
 * What the page knows of the cluster beyond its ClusterState, to judge a stack as Grove's webhook does.
 */
export interface PreviewAdmission {
  /**
   * The cluster's PodCliqueSets: one of the previewed stack's namespace and name makes its apply an
   * update, checked as the webhook checks one (validateUpdate: immutable fields, clique composition).
   */
  podCliqueSets?: readonly KubeObject[];
  /**
   * The state's ClusterTopologyBindings are all the cluster has (their list is live): a topologyName
   * missing from them is then Grove's refusal. Default true; false while the list is loading, refused
   * or failing, when a missing name is only a warning (it may exist).
   */
  topologiesComplete?: boolean;
}

/** Rules whose findings compare with the running object an apply updates (lib/grove/validate/update.ts). */
const UPDATE_RULE = 'immutable.';

/** A stack of the text as applied (in the page's namespace when it names none), and the running stack of its namespace/name, if any. */
interface Admitted {
  text: TextPodCliqueSet;
  stack: Record<string, unknown>;
  before: Record<string, unknown> | undefined;
}

/**
 * A stack's findings as Grove's admission makes them: an update of the running stack of its
 * namespace/name (`before`, as editableOfLive gives it) or else a create, judged against the cluster's
 * bindings (`context`). Its errors are refusals. The page's preview, the server's /api/preview and the
 * CLI judge a stack by this one decision.
 */
export function admissionFindings(stack: Record<string, unknown>, before: Record<string, unknown> | undefined, context: ValidationContext): Finding[] {
  return before ? validateUpdate(before, stack, context) : validate(stack, context);
}

/**
 * The stacks' errors as Grove's admission would make them, in text order: each checked against the
 * cluster's bindings, as an update of the running stack of its namespace/name or else as new. An error
 * finding is a refusal: the validator's severity, with the binding list complete, is the one decision
 * (the builder and the simulated apiserver make it the same way). Empty when the webhook admits them all.
 */
function admissionProblems(admitted: readonly Admitted[], context: ValidationContext): string[] {
  const several = admitted.length > 1;
  return admitted
    .flatMap(({ text, stack, before }) => {
      const findings = admissionFindings(stack, before, context);
      return findings
        .filter((f) => f.severity === 'error')
        .map((f) => ({ f, who: `${several ? `PodCliqueSet ${nameOf(stack)}: ` : ''}${before && f.rule.startsWith(UPDATE_RULE) ? `updates ${keyOf(stack)}: ` : ''}`, pos: text.at(f.path) }));
    })
    .sort((a, b) => a.pos.line - b.pos.line || a.pos.column - b.pos.column)
    .map(({ f, who, pos }) => `line ${pos.line}:${pos.column}: ${who}${f.path ? `${f.path}: ` : ''}${f.message} [${f.rule}]`);
}

/**
 * The last judgement of each text read: the page judges again on every cluster change, but the
 * findings change only with what they depend on (the bindings, the namespace, the running stacks'
 * specs), not with pods coming and going.
 */
const judged = new WeakMap<PreviewInput, { key: string; problems: string[] }>();

function cachedAdmissionProblems(input: Extract<PreviewInput, { ok: true }>, admitted: readonly Admitted[], context: ValidationContext): string[] {
  const key = JSON.stringify([context, admitted.map((a) => [a.stack.metadata, a.before ?? null])]);
  const last = judged.get(input);
  if (last?.key === key) return last.problems;
  const problems = admissionProblems(admitted, context);
  judged.set(input, { key, problems });
  return problems;
}

/** The object as applied with `namespace` selected: a manifest that names its own keeps it. */
function inNamespace(object: Record<string, unknown>, namespace: string | null | undefined): Record<string, unknown> {
  const meta = metadataOf(object);
  return namespace && !(typeof meta.namespace === 'string' && meta.namespace) ? { ...object, metadata: { ...meta, namespace } } : object;
}

/** The line:column a refusal of the apiserver names by its field (`spec.replicas`), else the stack's start. */
function refusalPosition(error: unknown, at: PositionIn): { line: number; column: number } {
  const causes = isRecord(error) && Array.isArray(error.causes) ? error.causes : [];
  const field = causes.find((c): c is { field: string } => isRecord(c) && typeof c.field === 'string' && c.field !== '')?.field;
  return at(field ? `/${field.split('.').join('/')}` : '');
}

/**
 * `namespace`: the namespace the page has selected, where `kubectl apply` (and Canopy's apply) puts a
 * manifest that names none; without it such a manifest is previewed in `default`. A manifest that
 * names its namespace keeps it. `admission`: what else the webhook would judge the stacks by.
 */
export function previewInput(state: ClusterState, input: PreviewInput, namespace?: string | null, admission: PreviewAdmission = {}): TextPreview {
  if (!input.ok) return input;
  const context: ValidationContext = { topologies: Object.fromEntries(state.topologies.map((t) => [t.name, t.levels])), topologiesComplete: admission.topologiesComplete ?? true };
  const running = new Map((admission.podCliqueSets ?? []).map((o) => [stackKey(String(o.metadata?.namespace ?? ''), String(o.metadata?.name ?? '')), o]));
  const admitted = input.stacks.map((text): Admitted => {
    const stack = inNamespace(text.object, namespace);
    const live = running.get(keyOf(stack));
    return { text, stack, before: live ? editableOfLive(live) : undefined };
  });
  const problems = cachedAdmissionProblems(input, admitted, context);
  if (problems.length > 0) return { ok: false, problems };
  const pcs = admitted[0]!.stack as unknown as PodCliqueSet;
  try {
    const preview = previewPodCliqueSet(state, pcs);
    return { ok: true, name: pcs.metadata?.name ?? '', namespace: pcs.metadata?.namespace ?? 'default', gpus: gpuDemand(preview), preview, notes: input.notes };
  } catch (error) {
    const pos = refusalPosition(error, input.stacks[0]!.at);
    return { ok: false, problems: [`line ${pos.line}:${pos.column}: ${error instanceof Error ? error.message : String(error)}`] };
  }
}

export function previewFromText(state: ClusterState, text: string, namespace?: string | null, admission?: PreviewAdmission): TextPreview {
  return previewInput(state, readPreviewText(text), namespace, admission);
}
