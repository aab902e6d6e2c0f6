/**
 * The containers of a clique's pod template, as the inspector lists them: every app container and
 * every init container (sidecars are init containers with restartPolicy: Always, KEP-753), each
 * addressed by its list and index so a field edit is a YAML edit of exactly that container.
 */
import { fieldPath } from '../cluster/fieldPath';
import { RESOURCE_GPU } from '../grove/core';
import type { Finding, ManifestReport } from '../grove/findings';
import { documentData, parseYamlDocuments, positionOf } from '../grove/manifest';
import { isRecord, pointer } from '../grove/meta';
import type { Path } from './document';

export const CONTAINER_LISTS = ['containers', 'initContainers'] as const;
export type ContainerList = (typeof CONTAINER_LISTS)[number];

export interface ContainerSummary {
  list: ContainerList;
  /** Index in its list. */
  index: number;
  name: string;
  /** An init container that keeps running beside the app containers (restartPolicy: Always). */
  sidecar: boolean;
}

const TEMPLATE_CLIQUES = ['spec', 'template', 'cliques'] as const;

/** Path of a clique's container, or of a field inside it. */
export const containerPath = (cliqueIndex: number, list: ContainerList, index: number, ...rest: (string | number)[]): Path => [
  ...TEMPLATE_CLIQUES,
  cliqueIndex,
  'spec',
  'podSpec',
  list,
  index,
  ...rest,
];

/** The same place as a JSON path, the way FieldError and the placement code write it: `spec.template.cliques[1].spec.podSpec.containers[2]`. */
export function jsonPath(path: Path): string {
  return path.reduce<string>((base, key) => fieldPath(base, key), '');
}

function podSpecOf(pcs: unknown, cliqueIndex: number): Record<string, unknown> {
  let cur: unknown = pcs;
  for (const key of [...TEMPLATE_CLIQUES, cliqueIndex, 'spec', 'podSpec']) {
    cur = Array.isArray(cur) && typeof key === 'number' ? cur[key] : isRecord(cur) ? cur[String(key)] : undefined;
  }
  return isRecord(cur) ? cur : {};
}

/** Every container of the clique's pod template: app containers first, then init containers, each in file order. */
export function containersOf(pcs: unknown, cliqueIndex: number): ContainerSummary[] {
  const podSpec = podSpecOf(pcs, cliqueIndex);
  return CONTAINER_LISTS.flatMap((list) => {
    const items = Array.isArray(podSpec[list]) ? (podSpec[list] as unknown[]) : [];
    return items.map((c, index) => {
      const rec = isRecord(c) ? c : {};
      return { list, index, name: typeof rec.name === 'string' ? rec.name : '', sidecar: list === 'initContainers' && rec.restartPolicy === 'Always' };
    });
  });
}

const quantityText = (v: unknown): string | undefined => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);

/**
 * What the API server would refuse in a clique's containers that the Grove schema lets through,
 * pinned to the field (JSON pointer, like every validator finding):
 * a container without an image, and a GPU request without an equal limit (extended resources
 * cannot be overcommitted: a request needs a limit and must equal it).
 */
export function containerFindings(pcs: unknown, cliqueIndex: number): Finding[] {
  const podSpec = podSpecOf(pcs, cliqueIndex);
  const out: Finding[] = [];
  for (const list of CONTAINER_LISTS) {
    const items = Array.isArray(podSpec[list]) ? (podSpec[list] as unknown[]) : [];
    items.forEach((c, index) => {
      if (!isRecord(c)) return;
      const at = (...rest: (string | number)[]) => pointer([...containerPath(cliqueIndex, list, index, ...rest)]);
      if (typeof c.image !== 'string' || c.image.trim() === '') {
        out.push({ path: at('image'), rule: 'builder.containerImage', severity: 'error', message: 'image is required: the pod cannot start this container without one' });
      }
      const r = isRecord(c.resources) ? c.resources : {};
      const request = quantityText(isRecord(r.requests) ? r.requests[RESOURCE_GPU] : undefined);
      const limit = quantityText(isRecord(r.limits) ? r.limits[RESOURCE_GPU] : undefined);
      if (request === undefined) return;
      if (limit === undefined) {
        out.push({ path: at('resources', 'limits'), rule: 'builder.gpuLimit', severity: 'error', message: `${RESOURCE_GPU} request ${request} needs a limit: GPUs cannot be overcommitted, so the limit must be set and equal the request` });
      } else if (Number(request) !== Number(limit) && request !== limit) {
        out.push({ path: at('resources', 'requests', RESOURCE_GPU), rule: 'builder.gpuLimit', severity: 'error', message: `${RESOURCE_GPU} request ${request} must equal its limit ${limit}: GPUs cannot be overcommitted` });
      }
    });
  }
  return out;
}

/**
 * The builder's report: the validator's, plus every clique's containerFindings in the PodCliqueSet
 * document it edits (index `pcsIndex`), placed on their lines, so the list, the node badges, the
 * editor and the inspector all show them.
 */
export function withContainerFindings(report: ManifestReport, text: string, pcsIndex: number): ManifestReport {
  const target = report.documents.find((d) => d.index === pcsIndex);
  if (!target) return report;
  const { documents, lineCounter } = parseYamlDocuments(text);
  const doc = documents[pcsIndex];
  if (!doc) return report;
  const object = documentData(doc);
  const spec = isRecord(object) && isRecord(object.spec) ? object.spec : {};
  const cliques = isRecord(spec.template) && Array.isArray(spec.template.cliques) ? spec.template.cliques : [];
  const extra = cliques.flatMap((_, i) =>
    containerFindings(object, i).map((f) => {
      const pos = positionOf(doc, f.path, lineCounter);
      return pos ? { ...f, line: pos.line, column: pos.column } : f;
    }),
  );
  if (extra.length === 0) return report;
  const findings = [...target.findings, ...extra].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  return { ...report, documents: report.documents.map((d) => (d === target ? { ...d, findings } : d)) };
}
