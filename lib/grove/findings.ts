/**
 * A finding is one thing the validator has to say about one place in a manifest.
 * `path` is a JSON pointer (RFC 6901) into the object; `line`/`column` are 1-based and present
 * when the object came from YAML text.
 */
export type Severity = 'error' | 'warning';

export interface Finding {
  path: string;
  rule: string;
  severity: Severity;
  message: string;
  line?: number;
  column?: number;
}

/** What the validator has to say about one document of a manifest file. */
export interface DocumentReport {
  /** 0-based index of the document in its file. */
  index: number;
  apiVersion: string | null;
  kind: string | null;
  name: string | null;
  /** False for kinds that are not Grove's: they pass through unchecked. */
  checked: boolean;
  /** 1-based line where the document starts. */
  line: number;
  findings: Finding[];
}

/** A YAML syntax problem: the document (or file) could not be read at all. */
export interface ParseError {
  message: string;
  line: number;
  column: number;
  /** 0-based index of the document it belongs to. */
  document: number;
  /**
   * How many more syntax errors the parser reported in this document after this one (absent when none):
   * a document's are listed as their first, whose message ends "— and N more parse errors after it".
   */
  moreErrors?: number;
}

export interface ManifestReport {
  documents: DocumentReport[];
  parseErrors: ParseError[];
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}
