/**
 * Manifest text → report: parse, validate each document, pin findings to lines. The one entry
 * point the Validate page and `canopy validate` share.
 */
import type { DocumentReport, Finding, ManifestReport } from './findings';
import { parseManifests, positionOf } from './manifest';
import { isGroveObject, validate, type ValidationContext } from './validate';

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
  const parsed = parseManifests(text);
  const documents: DocumentReport[] = parsed.documents
    .filter((d) => d.errors.length === 0)
    .map((d) => {
      const findings: Finding[] = capFindings([...d.warnings, ...validate(d.object, context)]).map((f) => {
        const pos = positionOf(d.yaml, f.path, parsed.lineCounter);
        return pos ? { ...f, line: pos.line, column: pos.column } : f;
      });
      findings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
      return { index: d.index, apiVersion: d.apiVersion, kind: d.kind, name: d.name, checked: isGroveObject(d.object), line: d.line, findings };
    });
  return { documents, parseErrors: parsed.errors };
}
