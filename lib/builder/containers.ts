/**
 * The containers of a clique's pod template, as the inspector lists them: every app container and
 * every init container (sidecars are init containers with restartPolicy: Always, KEP-753), each
 * addressed by its list and index so a field edit is a YAML edit of exactly that container.
 */
import { fieldPath } from '../cluster/fieldPath';
import { isRecord } from '../grove/meta';
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
