// Relative, not '@/': vitest (which runs this module's tests) has no path alias.
import type { ManifestReport, Severity } from '../../lib/grove/findings';

/**
 * The Validate page's view of a ManifestReport: one flat entry per thing to show, each resolved to a
 * line and column, grouped per document. Plain data, so the list and the editor markers agree.
 */
export interface FindingEntry {
  /** Stable within one report: used as React key and DOM id. */
  id: string;
  severity: Severity;
  /** `null` for YAML syntax errors, which have no rule or path. */
  rule: string | null;
  path: string | null;
  message: string;
  /** 1-based; falls back to the document's first line when the validator gave none. */
  line: number;
  /** 1-based. */
  column: number;
  /** 0-based index of the document in the text. */
  document: number;
  /** Its document's metadata.name; absent for syntax errors (their document could not be read). */
  documentName?: string | null;
}

export interface DocumentGroup {
  index: number;
  kind: string | null;
  name: string | null;
  line: number;
  /** False for kinds the validator passes through untouched (anything that is not Grove's). */
  checked: boolean;
  entries: FindingEntry[];
  errors: number;
  warnings: number;
}

export interface ReportView {
  syntax: FindingEntry[];
  documents: DocumentGroup[];
  errors: number;
  warnings: number;
  /** Every entry, syntax errors first, in list order. */
  all: FindingEntry[];
}

function byPosition(a: FindingEntry, b: FindingEntry): number {
  return a.line - b.line || a.column - b.column || severityRank(a.severity) - severityRank(b.severity);
}

function severityRank(s: Severity): number {
  return s === 'error' ? 0 : 1;
}

export function viewReport(report: ManifestReport): ReportView {
  const syntax: FindingEntry[] = report.parseErrors.map((e, i) => ({
    id: `syntax-${i}`,
    severity: 'error',
    rule: null,
    path: null,
    message: e.message,
    line: Math.max(1, e.line),
    column: Math.max(1, e.column),
    document: e.document,
  }));
  syntax.sort(byPosition);

  const documents: DocumentGroup[] = report.documents.map((doc) => {
    const entries: FindingEntry[] = doc.findings.map((f, i) => ({
      id: `doc${doc.index}-${i}`,
      severity: f.severity,
      rule: f.rule,
      path: f.path,
      message: f.message,
      line: Math.max(1, f.line ?? doc.line),
      column: Math.max(1, f.column ?? 1),
      document: doc.index,
      documentName: doc.name,
    }));
    entries.sort(byPosition);
    return {
      index: doc.index,
      kind: doc.kind,
      name: doc.name,
      line: doc.line,
      checked: doc.checked,
      entries,
      errors: entries.filter((e) => e.severity === 'error').length,
      warnings: entries.filter((e) => e.severity === 'warning').length,
    };
  });

  const all = [...syntax, ...documents.flatMap((d) => d.entries)];
  return {
    syntax,
    documents,
    errors: all.filter((e) => e.severity === 'error').length,
    warnings: all.filter((e) => e.severity === 'warning').length,
    all,
  };
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "PodCliqueSet demo", "PodCliqueSet (no name)", "Document 2". */
export function documentLabel(doc: Pick<DocumentGroup, 'index' | 'kind' | 'name'>): string {
  if (!doc.kind) return `Document ${doc.index + 1}`;
  return `${doc.kind} ${doc.name ?? '(no name)'}`;
}
