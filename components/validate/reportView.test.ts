import { describe, expect, it } from 'vitest';
import type { ManifestReport } from '../../lib/grove/findings';
import { documentLabel, plural, viewReport } from './reportView';

const report: ManifestReport = {
  parseErrors: [{ message: 'bad indent', line: 40, column: 3, document: 1 }],
  documents: [
    {
      index: 0,
      apiVersion: 'grove.io/v1alpha1',
      kind: 'PodCliqueSet',
      checked: true,
      name: 'demo',
      line: 1,
      findings: [
        { path: '/spec/template/cliques/1/spec/roleName', rule: 'schema.required', severity: 'error', message: 'roleName is required', line: 21, column: 9 },
        { path: '/metadata/name', rule: 'name.budget', severity: 'warning', message: 'long', line: 4, column: 9 },
        { path: '/spec', rule: 'no.position', severity: 'error', message: 'somewhere' },
      ],
    },
    { index: 2, apiVersion: 'v1', kind: 'Service', name: 'web', checked: false, line: 50, findings: [] },
  ],
};

describe('viewReport', () => {
  const view = viewReport(report);

  it('counts errors and warnings, syntax errors included', () => {
    expect(view.errors).toBe(3);
    expect(view.warnings).toBe(1);
  });

  it('falls back to the document line when a finding has none, and sorts by position', () => {
    expect(view.documents[0]!.entries.map((e) => [e.rule, e.line, e.column])).toEqual([
      ['no.position', 1, 1],
      ['name.budget', 4, 9],
      ['schema.required', 21, 9],
    ]);
  });

  it('lists syntax errors first, without rule or path', () => {
    expect(view.all[0]).toMatchObject({ rule: null, path: null, line: 40, column: 3, document: 1 });
  });

  it('tells Grove kinds, which are checked, from kinds passed through', () => {
    expect(view.documents.map((d) => d.checked)).toEqual([true, false]);
  });

  it('gives every entry a distinct id', () => {
    expect(new Set(view.all.map((e) => e.id)).size).toBe(view.all.length);
  });
});

describe('labels', () => {
  it('names documents by kind and name, or by position', () => {
    expect(documentLabel({ index: 0, kind: 'PodCliqueSet', name: 'demo' })).toBe('PodCliqueSet demo');
    expect(documentLabel({ index: 0, kind: 'PodCliqueSet', name: null })).toBe('PodCliqueSet (no name)');
    expect(documentLabel({ index: 1, kind: null, name: null })).toBe('Document 2');
  });
  it('pluralises', () => {
    expect(plural(1, 'error')).toBe('1 error');
    expect(plural(0, 'warning')).toBe('0 warnings');
  });
});
