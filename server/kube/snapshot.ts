/**
 * The cluster snapshot (lib/topology/snapshot): a kubectl-style List of every Node, Pod and
 * ClusterTopologyBinding, read page by page from any ClusterSource (items come without managedFields).
 *
 * Requests (/api/snapshot, /api/preview) that ask for a kind while a list of it is under way share that
 * list: however many viewers ask at once, the apiserver is listing each kind at most once at a time
 * for this server's identity. A list is not kept after it ends (the next request reads afresh).
 */
import type { WatchedKind } from '../../lib/cluster/kinds';
import type { KubeObject } from '../../lib/grove/meta';
import { kubeList, type KubeList } from '../../lib/topology/snapshot';
import type { ClusterSource } from '../sources/types';

export const SNAPSHOT_KINDS: WatchedKind[] = ['Node', 'Pod', 'ClusterTopologyBinding'];
const PAGE = 500;

/** Lists under way, per source and kind. */
const inFlight = new WeakMap<ClusterSource, Map<WatchedKind, Promise<readonly KubeObject[]>>>();

/** Every object of `kind`, page by page; joins a list of the same source and kind already under way (so the array is shared: read only). */
export function listAll(source: ClusterSource, kind: WatchedKind): Promise<readonly KubeObject[]> {
  let lists = inFlight.get(source);
  if (!lists) inFlight.set(source, (lists = new Map()));
  const running = lists.get(kind);
  if (running) return running;
  const listing = listPages(source, kind).finally(() => lists.delete(kind));
  lists.set(kind, listing);
  return listing;
}

async function listPages(source: ClusterSource, kind: WatchedKind): Promise<KubeObject[]> {
  const items: KubeObject[] = [];
  let token: string | undefined;
  do {
    const page = await source.list(kind, { limit: PAGE, continue: token });
    items.push(...page.items);
    token = page.continue;
  } while (token);
  return items;
}

export async function clusterSnapshot(source: ClusterSource): Promise<KubeList> {
  const lists = await Promise.all(SNAPSHOT_KINDS.map((kind) => listAll(source, kind)));
  return kubeList(lists.flat());
}
