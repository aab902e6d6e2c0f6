/**
 * What the inspector says under its topology fields about the cluster's ClusterTopologyBindings: an
 * empty list is "the cluster has none" only when the kind is live. An identity that may not list them,
 * a list still loading or one that failed is said as such (kindAvailability.ts), never as "no binding".
 */
import { unavailableText, type KindAvailability } from '../hooks/kindAvailability';

const FREE_TEXT = 'levels are free text in the YAML';

/**
 * The note, or null when there is nothing to say. `cluster`: bindings in the tab's store; `file`: the
 * YAML text's own bindings (offered with the cluster's).
 */
export function topologyNote(availability: KindAvailability, offered: { cluster: number; file: number }): string | null {
  const none = offered.cluster + offered.file === 0;
  const why = unavailableText('ClusterTopologyBinding', availability);
  if (why === null) return none ? `The cluster has no ClusterTopologyBinding: ${FREE_TEXT}.` : null;
  if (availability.status === 'loading') return why;
  const clause = why.replace(/\.$/, '');
  if (none) return `${clause}, so ${FREE_TEXT}.`;
  // Bindings listed before the failure are still offered, but may have changed since.
  if (offered.cluster > 0) return `${clause}; the cluster's bindings offered may be out of date.`;
  return `${clause}, so only this file's bindings are offered.`;
}
