/**
 * A PodCliqueSet pasted or dropped on the heatmap → its placement preview on the current cluster, or
 * the problems that stop it, each with its line:column. Validation errors stop the preview (a plan of
 * an invalid object would be a guess); warnings do not.
 */
import type { ClusterState } from '../cluster/state';
import { checkManifestText } from '../grove/check';
import { parseManifests } from '../grove/manifest';
import type { PodCliqueSet } from '../grove/podcliqueset';
import { previewPodCliqueSet, type PlacementPreview } from '../placement/preview';

export type TextPreview =
  | { ok: true; name: string; namespace: string; gpus: number; preview: PlacementPreview }
  | { ok: false; problems: string[] };

/** GPUs the PodCliqueSet asks for (every pod of every gang, minAvailable or not). */
export function gpuDemand(preview: PlacementPreview): number {
  return preview.gangs.reduce((sum, gang) => sum + gang.podGroups.reduce((s, pg) => s + pg.pods.reduce((p, pod) => p + pod.requests.gpu, 0), 0), 0);
}

export function previewFromText(state: ClusterState, text: string): TextPreview {
  const parsed = parseManifests(text);
  if (parsed.errors.length) return { ok: false, problems: parsed.errors.map((e) => `line ${e.line}:${e.column}: ${e.message}`) };
  const docs = parsed.documents.filter((d) => d.kind === 'PodCliqueSet');
  if (docs.length === 0) return { ok: false, problems: ['no PodCliqueSet in the text (kind: PodCliqueSet)'] };
  const doc = docs[0]!;
  const report = checkManifestText(text);
  const findings = report.documents.find((d) => d.index === doc.index)?.findings ?? [];
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length) return { ok: false, problems: errors.map((f) => `line ${f.line ?? doc.line}:${f.column ?? 1}: ${f.path ? `${f.path}: ` : ''}${f.message}`) };
  const pcs = doc.object as PodCliqueSet;
  try {
    const preview = previewPodCliqueSet(state, pcs);
    return { ok: true, name: pcs.metadata?.name ?? '', namespace: pcs.metadata?.namespace ?? 'default', gpus: gpuDemand(preview), preview };
  } catch (error) {
    return { ok: false, problems: [`line ${doc.line}:1: ${error instanceof Error ? error.message : String(error)}`] };
  }
}
