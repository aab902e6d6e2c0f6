/**
 * What the topology page may say about counts while the cluster loads: totals only once the Nodes are
 * live (a list still arriving adds up to a part of the cluster, an empty one to zeros), and "no
 * ClusterTopologyBinding" only once the bindings are live (kindAvailability.ts is the one rule).
 * Framework-free, so it is tested in Node.
 */
import { kindPlural, unavailableText, type KindAvailability } from '../hooks/kindAvailability';

/** The integer as the page writes counts: 12,500. */
export const count = (n: number): string => n.toLocaleString('en-US');

/**
 * "Loading nodes…" (with how many arrived so far, when some have) while the tab is not synced or the
 * Nodes are listing; null once they are live or refused (the map then says why, never a total).
 */
export function nodesLoadingText(synced: boolean, nodes: KindAvailability, nodesSoFar: number): string | null {
  if (synced && nodes.status !== 'loading') return null;
  return `Loading nodes…${nodesSoFar > 0 ? ` ${count(nodesSoFar)} so far` : ''}`;
}

/**
 * The binding the map is grouped by, or why there is none to say: "binding <name>", "no
 * ClusterTopologyBinding" only when the kind is live, else its loading/refused sentence.
 */
export function bindingText(topology: string | null | undefined, bindings: KindAvailability): string {
  if (topology) return `binding ${topology}`;
  if (bindings.status === 'live') return 'no ClusterTopologyBinding';
  return (unavailableText('ClusterTopologyBinding', bindings) ?? `${kindPlural('ClusterTopologyBinding')} unknown`).replace(/\.$/, '');
}

/** Suggestions per kind of name (nodes, pods) offered to the search box at most. */
export const SUGGESTION_LIMIT = 300;

/**
 * The search box's suggestions for what is typed so far: every workload, and the nodes and pods whose
 * names contain it, at most SUGGESTION_LIMIT of each; `note` says when some were left out ("first 300
 * of 12,500 nodes; type more to narrow"), null when all are offered.
 */
export function searchSuggestions(
  workloads: readonly string[],
  nodes: readonly string[],
  pods: readonly string[],
  query: string,
  limit = SUGGESTION_LIMIT,
): { options: string[]; note: string | null } {
  const q = query.trim().toLowerCase();
  const cut: string[] = [];
  const pick = (names: readonly string[], what: string): string[] => {
    const out: string[] = [];
    let matching = 0;
    for (const name of names) {
      if (q && !name.toLowerCase().includes(q)) continue;
      matching++;
      if (out.length < limit) out.push(name);
    }
    if (matching > limit) cut.push(`first ${count(limit)} of ${count(matching)} ${what}${q ? ` matching “${query.trim()}”` : ''}`);
    return out;
  };
  const options = [...workloads, ...pick(nodes, 'nodes'), ...pick(pods, 'pods')];
  return { options, note: cut.length ? `Suggestions: ${cut.join(', ')}; type more to narrow.` : null };
}
