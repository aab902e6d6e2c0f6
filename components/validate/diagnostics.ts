import type { Text } from '@codemirror/state';
import type { Diagnostic } from '@codemirror/lint';
import type { FindingEntry } from './reportView';

/**
 * Turns entries into CodeMirror diagnostics on `doc`. The range runs from the finding's column to the
 * end of its line (trailing blanks excluded), so the underline sits under the key it concerns.
 * Lines past the end (a report computed for older text) are clamped rather than dropped.
 */
export function toDiagnostics(doc: Text, entries: readonly FindingEntry[]): Diagnostic[] {
  return entries.map((e) => {
    const line = doc.line(Math.min(Math.max(1, e.line), doc.lines));
    const text = line.text.replace(/\s+$/, '');
    const start = Math.min(e.column - 1, text.length);
    const from = line.from + start;
    const to = line.from + text.length;
    return {
      from,
      to: to > from ? to : from,
      severity: e.severity,
      source: e.rule ?? 'yaml',
      message: e.path ? `${e.message} (${e.path})` : e.message,
    };
  });
}
