/**
 * Whether the topology page can plan a scale-up request yet: it reads the Grove objects of the stack
 * (the target, its PodCliqueSet, the live replica counts of its scaling groups and cliques), and an
 * empty or partial list must not read as "the target is gone". Framework-free, so it is tested in Node.
 */
import type { ScaleRequest } from '../../lib/heatmap/scalePreview';
import { kindPlural, unavailableText, type KindAvailability } from '../hooks/kindAvailability';

/** The kinds previewScale reads, in the order their problems are said. */
export const SCALE_LIST_KINDS = ['PodCliqueSet', 'PodCliqueScalingGroup', 'PodClique'] as const;
export type ScaleListKind = (typeof SCALE_LIST_KINDS)[number];

export interface ScaleList {
  kind: ScaleListKind;
  availability: KindAvailability;
  /** The one namespace the server watches this kind in (this identity may list it there only); undefined for all namespaces. */
  watchedNamespace?: string;
}

/**
 * Why the request cannot be planned from the lists the tab has: `waiting` while one still loads,
 * `problems` when one is refused or failing, or watched in another namespace than the request's
 * (its absence there says nothing). Null when every list can be believed for the request's namespace.
 */
export function scaleListsWait(request: Pick<ScaleRequest, 'namespace'>, lists: readonly ScaleList[]): { status: 'waiting'; message: string } | { status: 'problems'; problems: string[] } | null {
  const problems: string[] = [];
  let loading: ScaleListKind | undefined;
  for (const { kind, availability, watchedNamespace } of lists) {
    if (availability.status === 'loading') loading ??= kind;
    else if (availability.status !== 'live') problems.push(`No scale-up preview: ${unavailableText(kind, availability)}`);
    else if (watchedNamespace !== undefined && watchedNamespace !== request.namespace)
      problems.push(`No scale-up preview: ${kindPlural(kind)} are watched in namespace ${watchedNamespace} only (you may not list them in every namespace), and the scale-up is in ${request.namespace}: choose ${request.namespace} in the header to preview it.`);
  }
  if (problems.length > 0) return { status: 'problems', problems };
  if (loading) return { status: 'waiting', message: `Waiting for the cluster’s ${kindPlural(loading)} (their list is loading): the scale-up is planned once they have loaded.` };
  return null;
}
