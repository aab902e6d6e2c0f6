import { describe, expect, it } from 'vitest';
import { Text } from '@codemirror/state';
import { toDiagnostics } from './diagnostics';
import type { FindingEntry } from './reportView';

const doc = Text.of(['kind: X', 'spec:  ', '  replicas: 1', '']);

function entry(line: number, column: number, extra: Partial<FindingEntry> = {}): FindingEntry {
  return { id: 'x', severity: 'error', rule: 'r', path: '/p', message: 'm', line, column, document: 0, ...extra };
}

describe('toDiagnostics', () => {
  it('spans from the column to the end of the line, trailing blanks excluded', () => {
    const [d] = toDiagnostics(doc, [entry(3, 3)]);
    const line = doc.line(3);
    expect(doc.sliceString(d!.from, d!.to)).toBe('replicas: 1');
    expect(d!.from).toBe(line.from + 2);
    expect(doc.sliceString(toDiagnostics(doc, [entry(2, 1)])[0]!.from, toDiagnostics(doc, [entry(2, 1)])[0]!.to)).toBe('spec:');
  });

  it('clamps lines and columns that are past the text', () => {
    const [d] = toDiagnostics(doc, [entry(99, 50)]);
    expect(d!.from).toBe(doc.length);
    expect(d!.to).toBe(doc.length);
    const [e] = toDiagnostics(doc, [entry(1, 50)]);
    expect(e!.from).toBe(doc.line(1).to);
  });

  it('carries severity, the rule as source, and the path in the message', () => {
    const [d] = toDiagnostics(doc, [entry(1, 1, { severity: 'warning', rule: 'schema.required', path: '/kind' })]);
    expect(d).toMatchObject({ severity: 'warning', source: 'schema.required', message: 'm (/kind)' });
    const [s] = toDiagnostics(doc, [entry(1, 1, { rule: null, path: null })]);
    expect(s).toMatchObject({ source: 'yaml', message: 'm' });
  });
});
