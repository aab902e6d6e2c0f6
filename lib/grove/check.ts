/**
 * Manifest text → report: parse, validate each document, pin findings to lines. The one entry
 * point the Validate page and `canopy validate` share.
 */
import { CLUSTER_TOPOLOGY_BINDING_KIND, type TopologyLevel } from './clustertopologybinding';
import type { DocumentReport, Finding, ManifestReport } from './findings';
import { GROVE_API_VERSION } from './labels';
import { parseManifests, positionOf, type ManifestDocument, type ParsedManifests } from './manifest';
import { isRecord } from './meta';
import { PODCLIQUESET_KIND } from './podcliqueset';
import { sglangFindings } from './sglang';
import { isGroveObject, validate, validateUpdate, type ValidationContext } from './validate';

export type { ValidationContext } from './validate';

/**
 * Findings listed per document. A document can say the same thing tens of thousands of times (a
 * 40,000-item list of the same mistake gave 80,000 findings, a 12 MB answer); past this the report
 * names how many more there are instead, errors listed first so none hides behind warnings.
 */
export const MAX_FINDINGS_PER_DOCUMENT = 1000;

/** The findings to list (errors first), plus one that counts the rest when there are too many. */
export function capFindings(findings: readonly Finding[], max = MAX_FINDINGS_PER_DOCUMENT): Finding[] {
  if (findings.length <= max) return [...findings];
  const ordered = [...findings.filter((f) => f.severity === 'error'), ...findings.filter((f) => f.severity !== 'error')];
  const listed = ordered.slice(0, max);
  const rest = ordered.slice(max);
  const restErrors = rest.filter((f) => f.severity === 'error').length;
  const counts = restErrors ? `${rest.length} more findings (${restErrors} of them errors)` : `${rest.length} more findings (warnings)`;
  listed.push({
    path: '',
    rule: 'report.truncated',
    severity: restErrors ? 'error' : 'warning',
    message: `${counts} are not listed: only the first ${max} of this document are; fix these and check again`,
  });
  return listed;
}

export function checkManifestText(text: string, context: ValidationContext = {}): ManifestReport {
  return checkManifests(parseManifests(text), context);
}

/**
 * checkManifestText on a text already parsed (parseManifests / manifestsOfYaml): the builder parses each revision once for its canvas and its findings.
 * `previous`: the object a document would replace, if any; such a document is checked as an update of it (validateUpdate).
 */
export function checkManifests(parsed: ParsedManifests, context: ValidationContext = {}, previous?: (document: ManifestDocument) => unknown): ManifestReport {
  const own = fileBindings(parsed.documents);
  const documents: DocumentReport[] = parsed.documents
    .filter((d) => d.errors.length === 0)
    .map((d) => {
      const ctx = withFileBindings(context, own, d.object);
      const before = previous?.(d);
      const checked = before === undefined ? validate(d.object, ctx) : validateUpdate(before, d.object, ctx);
      const findings: Finding[] = capFindings([...d.warnings, ...checked, ...workloadFindings(d)]).map((f) => {
        const pos = positionOf(d.yaml, f.path, parsed.lineCounter);
        return pos ? { ...f, line: pos.line, column: pos.column } : f;
      });
      findings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
      return { index: d.index, apiVersion: d.apiVersion, kind: d.kind, name: d.name, checked: isGroveObject(d.object), line: d.line, findings };
    });
  return { documents, parseErrors: parsed.errors };
}

/**
 * What Grove accepts but the workload would not run with: a PodCliqueSet's SGLang multi-node wiring
 * (sglangFindings), as warnings. Not part of validate: Grove's webhook does not say it.
 */
function workloadFindings(d: ManifestDocument): Finding[] {
  return d.kind === PODCLIQUESET_KIND && isGroveObject(d.object) && isRecord(d.object) ? sglangFindings(d.object) : [];
}

/** The ClusterTopologyBindings of a text (name → levels), for the builder's topology choices. */
export function fileTopologyBindings(text: string): Record<string, TopologyLevel[]> {
  // Most texts hold none: not parsed again for nothing.
  return text.includes(CLUSTER_TOPOLOGY_BINDING_KIND) ? fileBindings(parseManifests(text).documents) : {};
}

/** fileTopologyBindings of a text already parsed. */
export function manifestTopologyBindings(parsed: ParsedManifests): Record<string, TopologyLevel[]> {
  return fileBindings(parsed.documents);
}

/** The ClusterTopologyBindings of the file itself (name → levels): applied with it, so a PodCliqueSet of the file may name them. */
function fileBindings(documents: readonly ManifestDocument[]): Record<string, TopologyLevel[]> {
  const out: Record<string, TopologyLevel[]> = {};
  for (const d of documents) {
    if (d.errors.length > 0 || d.kind !== CLUSTER_TOPOLOGY_BINDING_KIND || d.apiVersion !== GROVE_API_VERSION || !d.name || !isRecord(d.object)) continue;
    const spec = isRecord(d.object.spec) ? d.object.spec : {};
    const levels = Array.isArray(spec.levels) ? spec.levels : [];
    // A binding whose levels are malformed is reported on its own document; it describes no order to check against.
    if (levels.length === 0 || !levels.every((l) => isRecord(l) && typeof l.domain === 'string' && typeof l.key === 'string')) continue;
    out[d.name] = levels as TopologyLevel[];
  }
  return out;
}

/**
 * The context for one object with the file's own bindings added (they win over the cluster's of the
 * same name: they are what applying the file makes). Without a cluster snapshot the rules that need one
 * stay off, unless every topology the object names is in the file: then the file says all there is to check.
 */
function withFileBindings(context: ValidationContext, own: Record<string, TopologyLevel[]>, object: unknown): ValidationContext {
  if (Object.keys(own).length === 0) return context;
  if (context.topologies) return { ...context, topologies: { ...context.topologies, ...own } };
  const named = topologyNames(object);
  return named.length > 0 && named.every((n) => n in own) ? { ...context, topologies: own } : context;
}

/** Every topologyName a PodCliqueSet's constraints name. */
function topologyNames(object: unknown): string[] {
  const template = isRecord(object) && isRecord(object.spec) && isRecord(object.spec.template) ? object.spec.template : {};
  const holders = [template, ...(Array.isArray(template.cliques) ? template.cliques : []), ...(Array.isArray(template.podCliqueScalingGroups) ? template.podCliqueScalingGroups : [])];
  return holders.flatMap((h) => (isRecord(h) && isRecord(h.topologyConstraint) && typeof h.topologyConstraint.topologyName === 'string' ? [h.topologyConstraint.topologyName] : []));
}
