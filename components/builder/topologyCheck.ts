/**
 * What the builder checks a stack's topologyName against: the cluster's ClusterTopologyBindings. Grove's
 * webhook refuses a PodCliqueSet naming a binding that does not exist, so once the list is live (every
 * binding the cluster has) a missing one is that error, and Apply waits for it. While the list is
 * loading, refused or failing, a name not in it may still exist: a warning, which says why it could not
 * be confirmed (kindAvailability.ts), never "not found".
 */
import type { ClusterTopologyBinding } from '../../lib/grove/clustertopologybinding';
import type { ValidationContext } from '../../lib/grove/check';
import type { Finding, ManifestReport } from '../../lib/grove/findings';
import type { KindAvailability } from '../hooks/kindAvailability';

const UNKNOWN_TOPOLOGY_RULE = 'topology.unknownTopology';

/** The validator's topology context: the bindings listed, complete only when the list is live. */
export function topologyValidationContext(bindings: readonly ClusterTopologyBinding[], availability: KindAvailability): ValidationContext {
  const topologies = Object.fromEntries(bindings.map((b) => [b.metadata?.name ?? '', b.spec?.levels ?? []]));
  return availability.status === 'live' ? { topologies, topologiesComplete: true } : { topologies };
}

/** Why a binding missing from the list is not known to be missing, or null when the list is live. */
export function unconfirmedBindingReason(availability: KindAvailability): string | null {
  switch (availability.status) {
    case 'live':
      return null;
    case 'loading':
      return 'the cluster’s ClusterTopologyBindings are still loading';
    case 'forbidden':
      return 'you may not list ClusterTopologyBindings';
    case 'failed':
      return `ClusterTopologyBindings could not be listed: ${availability.error.replace(/\.$/, '')}`;
  }
}

/** The report with each "binding not in the list" warning saying why the list could not confirm it. */
export function qualifyTopologyFindings(report: ManifestReport, availability: KindAvailability): ManifestReport {
  const why = unconfirmedBindingReason(availability);
  if (why === null) return report;
  const qualify = (f: Finding): Finding => (f.rule === UNKNOWN_TOPOLOGY_RULE && f.severity === 'warning' ? { ...f, message: `${f.message} (not confirmed: ${why})` } : f);
  return { ...report, documents: report.documents.map((d) => (d.findings.some((f) => f.rule === UNKNOWN_TOPOLOGY_RULE) ? { ...d, findings: d.findings.map(qualify) } : d)) };
}
