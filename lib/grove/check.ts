/**
 * Manifest text → report: parse, validate each document, pin findings to lines. The one entry
 * point the Validate page and `canopy validate` share.
 */
import type { DocumentReport, Finding, ManifestReport } from './findings';
import { parseManifests, positionOf } from './manifest';
import { isGroveObject, validate, type ValidationContext } from './validate';

export type { ValidationContext } from './validate';

export function checkManifestText(text: string, context: ValidationContext = {}): ManifestReport {
  const parsed = parseManifests(text);
  const documents: DocumentReport[] = parsed.documents
    .filter((d) => d.errors.length === 0)
    .map((d) => {
      const findings: Finding[] = [...d.warnings, ...validate(d.object, context)].map((f) => {
        const pos = positionOf(d.yaml, f.path, parsed.lineCounter);
        return pos ? { ...f, line: pos.line, column: pos.column } : f;
      });
      findings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
      return { index: d.index, apiVersion: d.apiVersion, kind: d.kind, name: d.name, checked: isGroveObject(d.object), line: d.line, findings };
    });
  return { documents, parseErrors: parsed.errors };
}
