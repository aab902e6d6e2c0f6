/**
 * A pod's role (prefill, decode, router …): the `roleName` of its PodClique. Pods do not carry it as a
 * label, so it is read from the PodClique object, or, before that exists, from the PodCliqueSet's
 * clique template whose name ends the PodClique's name (`<pcs>-<i>-<clique>`, `<pcs>-<i>-<sg>-<j>-<clique>`).
 */
import type { PodInfo } from '../cluster/state';
import { LABEL_PART_OF, LABEL_PODCLIQUE } from '../grove/labels';
import type { KubeObject } from '../grove/meta';

interface WithCliques extends KubeObject {
  spec?: { roleName?: unknown; template?: { cliques?: { name?: unknown; spec?: { roleName?: unknown } }[] } };
}

export function roleResolver(podCliques: readonly KubeObject[], podCliqueSets: readonly KubeObject[]): (pod: PodInfo) => string | undefined {
  const byPodClique = new Map<string, string>();
  for (const object of podCliques as readonly WithCliques[]) {
    const role = object.spec?.roleName;
    if (typeof role === 'string' && role) byPodClique.set(`${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`, role);
  }
  const templates = new Map<string, { clique: string; role: string }[]>();
  for (const object of podCliqueSets as readonly WithCliques[]) {
    const cliques = (object.spec?.template?.cliques ?? [])
      .filter((c) => typeof c?.name === 'string' && typeof c.spec?.roleName === 'string')
      .map((c) => ({ clique: c.name as string, role: c.spec!.roleName as string }))
      .sort((a, b) => b.clique.length - a.clique.length); // longest suffix wins
    templates.set(`${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`, cliques);
  }
  return (pod) => {
    const podClique = pod.labels[LABEL_PODCLIQUE];
    if (!podClique) return undefined;
    const known = byPodClique.get(`${pod.namespace}/${podClique}`);
    if (known) return known;
    const cliques = templates.get(`${pod.namespace}/${pod.labels[LABEL_PART_OF] ?? ''}`);
    return cliques?.find((c) => podClique.endsWith(`-${c.clique}`))?.role;
  };
}
