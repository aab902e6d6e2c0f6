/**
 * A PodCliqueSet pasted or dropped on the heatmap → its placement preview on the current cluster, or
 * the problems that stop it, each with its line:column. Validation errors stop the preview (a plan of
 * an invalid object would be a guess); warnings do not.
 *
 * Two steps, so a page can keep the first while the cluster changes: readPreviewText depends on the
 * text alone (parse once, validate), previewText places the result on a ClusterState.
 */
import type { ClusterState } from '../cluster/state';
import { parseManifests, positionOf, type ManifestDocument } from '../grove/manifest';
import { isRecord } from '../grove/meta';
import type { PodCliqueSet } from '../grove/podcliqueset';
import { validate } from '../grove/validate';
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

/**
 * The text's first PodCliqueSet, valid, with the line it starts on, where its fields are (`at`), and
 * notes on the rest; or the problems.
 */
export type PreviewInput = { ok: true; pcs: PodCliqueSet; line: number; at: PositionIn; notes: string[] } | { ok: false; problems: string[] };

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

const nameOf = (object: Record<string, unknown>): string => {
  const meta = isRecord(object.metadata) ? object.metadata : {};
  return `${typeof meta.namespace === 'string' ? meta.namespace : 'default'}/${typeof meta.name === 'string' ? meta.name : '(no name)'}`;
};

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
  // Every PodCliqueSet is checked, not only the previewed one: an invalid one further down is not "ok".
  const several = found.length > 1;
  const errors = found
    .flatMap(({ object, doc, pointer }) => {
      const start = positionOf(doc.yaml, pointer, parsed.lineCounter) ?? { line: doc.line, column: 1 };
      return validate(object)
        .filter((f) => f.severity === 'error')
        .map((f) => ({ f, who: several ? `PodCliqueSet ${nameOf(object)}: ` : '', pos: positionOf(doc.yaml, `${pointer}${f.path}`, parsed.lineCounter) ?? start }));
    })
    .sort((a, b) => a.pos.line - b.pos.line || a.pos.column - b.pos.column);
  if (errors.length) return { ok: false, problems: errors.map(({ f, who, pos }) => `line ${pos.line}:${pos.column}: ${who}${f.path ? `${f.path}: ` : ''}${f.message}`) };
  const [first, ...rest] = found;
  const start = positionOf(first!.doc.yaml, first!.pointer, parsed.lineCounter) ?? { line: first!.doc.line, column: 1 };
  const at: PositionIn = (path) => positionOf(first!.doc.yaml, `${first!.pointer}${path}`, parsed.lineCounter) ?? start;
  const notes = rest.length
    ? [`the text holds ${found.length} PodCliqueSets: only the first, ${nameOf(first!.object)}, is previewed (not previewed: ${rest.map((r) => nameOf(r.object)).join(', ')})`]
    : [];
  return { ok: true, pcs: first!.object as unknown as PodCliqueSet, line: start.line, at, notes };
}

/** The heading of a preview: the stack's name, and what was left out of it. */
export function previewTitle(preview: Extract<TextPreview, { ok: true }>): string {
  return `${preview.namespace}/${preview.name}${preview.notes.length ? ` (${preview.notes.join('; ')})` : ''}`;
}

/**
 * Findings the webhook makes errors once the cluster's ClusterTopologyBindings are known (the text
 * alone cannot know them): a topologyName the cluster lacks is refused by Grove ("ClusterTopologyBinding
 * … not found"), so it is no preview, as `canopy place` refuses it.
 */
const REFUSED_BY_THE_CLUSTER = new Set(['topology.unknownTopology']);

/** The line:column a refusal of the apiserver names by its field (`spec.replicas`), else the stack's start. */
function refusalPosition(error: unknown, at: PositionIn): { line: number; column: number } {
  const causes = isRecord(error) && Array.isArray(error.causes) ? error.causes : [];
  const field = causes.find((c): c is { field: string } => isRecord(c) && typeof c.field === 'string' && c.field !== '')?.field;
  return at(field ? `/${field.split('.').join('/')}` : '');
}

/**
 * `namespace`: the namespace the page has selected, where `kubectl apply` (and Canopy's apply) puts a
 * manifest that names none; without it such a manifest is previewed in `default`. A manifest that
 * names its namespace keeps it.
 */
export function previewInput(state: ClusterState, input: PreviewInput, namespace?: string | null): TextPreview {
  if (!input.ok) return input;
  const pcs = namespace && !input.pcs.metadata?.namespace ? { ...input.pcs, metadata: { ...input.pcs.metadata, namespace } } : input.pcs;
  const refused = validate(pcs, { topologies: Object.fromEntries(state.topologies.map((t) => [t.name, t.levels])) }).filter((f) => REFUSED_BY_THE_CLUSTER.has(f.rule));
  // Each at its field's line:column, as the text's own errors are.
  if (refused.length > 0)
    return {
      ok: false,
      problems: refused.map((f) => {
        const pos = input.at(f.path);
        return `line ${pos.line}:${pos.column}: ${f.path ? `${f.path}: ` : ''}${f.message} [${f.rule}]`;
      }),
    };
  try {
    const preview = previewPodCliqueSet(state, pcs);
    return { ok: true, name: pcs.metadata?.name ?? '', namespace: pcs.metadata?.namespace ?? 'default', gpus: gpuDemand(preview), preview, notes: input.notes };
  } catch (error) {
    const pos = refusalPosition(error, input.at);
    return { ok: false, problems: [`line ${pos.line}:${pos.column}: ${error instanceof Error ? error.message : String(error)}`] };
  }
}

export function previewFromText(state: ClusterState, text: string, namespace?: string | null): TextPreview {
  return previewInput(state, readPreviewText(text), namespace);
}
