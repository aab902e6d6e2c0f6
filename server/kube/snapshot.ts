/**
 * The cluster snapshot (lib/topology/snapshot): a kubectl-style List of every Node, Pod and
 * ClusterTopologyBinding, read page by page from any ClusterSource (items come without managedFields).
 */
import type { WatchedKind } from '../../lib/cluster/kinds';
import type { KubeObject } from '../../lib/grove/meta';
import { kubeList, type KubeList } from '../../lib/topology/snapshot';
import type { ClusterSource } from '../sources/types';

export const SNAPSHOT_KINDS: WatchedKind[] = ['Node', 'Pod', 'ClusterTopologyBinding'];
const PAGE = 500;

export async function listAll(source: ClusterSource, kind: WatchedKind): Promise<KubeObject[]> {
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
