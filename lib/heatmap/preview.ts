/**
 * A PodCliqueSet pasted or dropped on the heatmap → its placement preview on the current cluster, or
 * the problems that stop it, each with its line:column. Validation errors stop the preview (a plan of
 * an invalid object would be a guess); warnings do not.
 *
 * Two steps, so a page can keep the first while the cluster changes: readPreviewText depends on the
 * text alone (parse once, validate), previewText places the result on a ClusterState.
 */
import type { ClusterState } from '../cluster/state';
import { parseManifests, positionOf } from '../grove/manifest';
import type { PodCliqueSet } from '../grove/podcliqueset';
import { validate } from '../grove/validate';
import { previewPodCliqueSet, type PlacementPreview } from '../placement/preview';

export type TextPreview =
  | { ok: true; name: string; namespace: string; gpus: number; preview: PlacementPreview }
  | { ok: false; problems: string[] };

/** The text's first PodCliqueSet, valid, with the line it starts on; or the problems. */
export type PreviewInput = { ok: true; pcs: PodCliqueSet; line: number } | { ok: false; problems: string[] };

/** GPUs the PodCliqueSet asks for (every pod of every gang, minAvailable or not). */
export function gpuDemand(preview: PlacementPreview): number {
  return preview.gangs.reduce((sum, gang) => sum + gang.podGroups.reduce((s, pg) => s + pg.pods.reduce((p, pod) => p + pod.requests.gpu, 0), 0), 0);
}

export function readPreviewText(text: string): PreviewInput {
  const parsed = parseManifests(text);
  if (parsed.errors.length) return { ok: false, problems: parsed.errors.map((e) => `line ${e.line}:${e.column}: ${e.message}`) };
  const doc = parsed.documents.find((d) => d.kind === 'PodCliqueSet');
  if (!doc) return { ok: false, problems: ['no PodCliqueSet in the text (kind: PodCliqueSet)'] };
  const errors = validate(doc.object)
    .filter((f) => f.severity === 'error')
    .map((f) => ({ f, pos: positionOf(doc.yaml, f.path, parsed.lineCounter) }))
    .sort((a, b) => (a.pos?.line ?? 0) - (b.pos?.line ?? 0) || (a.pos?.column ?? 0) - (b.pos?.column ?? 0));
  if (errors.length) return { ok: false, problems: errors.map(({ f, pos }) => `line ${pos?.line ?? doc.line}:${pos?.column ?? 1}: ${f.path ? `${f.path}: ` : ''}${f.message}`) };
  return { ok: true, pcs: doc.object as PodCliqueSet, line: doc.line };
}

export function previewInput(state: ClusterState, input: PreviewInput): TextPreview {
  if (!input.ok) return input;
  const { pcs } = input;
  try {
    const preview = previewPodCliqueSet(state, pcs);
    return { ok: true, name: pcs.metadata?.name ?? '', namespace: pcs.metadata?.namespace ?? 'default', gpus: gpuDemand(preview), preview };
  } catch (error) {
    return { ok: false, problems: [`line ${input.line}:1: ${error instanceof Error ? error.message : String(error)}`] };
  }
}

export function previewFromText(state: ClusterState, text: string): TextPreview {
  return previewInput(state, readPreviewText(text));
}
