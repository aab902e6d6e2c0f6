import { describe, expect, test } from 'vitest';
import { checkManifestText } from '../grove/check';
import { readBuilderText } from './document';
import { setField } from './edits';
import { concernsField, countFindings, findingPlace, findingTarget, listedFindings, MAX_LISTED_MESSAGE, shortFindingMessage, type ListedEntry } from './findings';
import { graphFromObject } from './graph';
import { stackText } from './templates';

function setup(text: string) {
  const r = readBuilderText(text);
  if (!r.ok) throw new Error(r.message);
  return { graph: graphFromObject(r.object), findings: checkManifestText(text).documents[0]!.findings };
}

describe('findings on the canvas', () => {
  test('each finding lands on the clique or group its path points into', () => {
    let text = stackText('multi-node-disaggregated-frontend', 'sglang');
    const r1 = setField(text, ['spec', 'template', 'cliques', 2, 'spec', 'minAvailable'], 99);
    if (!r1.ok) throw new Error(r1.message);
    const r2 = setField(r1.text, ['spec', 'template', 'podCliqueScalingGroups', 1, 'minAvailable'], 5);
    if (!r2.ok) throw new Error(r2.message);
    text = r2.text;
    const { graph, findings } = setup(text);
    const targets = findings.filter((f) => f.severity === 'error').map((f) => findingTarget(graph, f.path));
    expect(targets).toContainEqual({ kind: 'clique', name: 'pworker' });
    expect(targets).toContainEqual({ kind: 'group', name: 'decode' });
    const counts = countFindings(graph, findings);
    expect(counts['clique:pworker']!.errors).toBeGreaterThan(0);
    expect(counts['group:decode']!.errors).toBeGreaterThan(0);
    expect(counts['clique:frontend']).toBeUndefined();
  });

  test('stack-level paths and unknown indices go to the stack', () => {
    const { graph } = setup(stackText('single-node-aggregated', 'vllm'));
    expect(findingTarget(graph, '/spec/template/terminationDelay')).toEqual({ kind: 'stack' });
    expect(findingTarget(graph, '/spec/template/cliques/7/name')).toEqual({ kind: 'stack' });
    expect(findingTarget(graph, '/spec/template/cliques/0')).toEqual({ kind: 'clique', name: 'worker' });
  });

  test('a field is concerned by findings at or below its path, not by siblings sharing a prefix', () => {
    expect(concernsField('/spec/template/cliques/1/spec/replicas', ['spec', 'template', 'cliques', 1, 'spec', 'replicas'])).toBe(true);
    expect(concernsField('/spec/template/cliques/1/spec/autoScalingConfig/maxReplicas', ['spec', 'template', 'cliques', 1, 'spec', 'autoScalingConfig'])).toBe(true);
    expect(concernsField('/spec/template/cliques/11/spec/replicas', ['spec', 'template', 'cliques', 1])).toBe(false);
    expect(concernsField('/metadata/annotations/grove.io~1mnnvl-group', ['metadata', 'annotations', 'grove.io/mnnvl-group'])).toBe(true);
  });
});

describe('findings as the list shows them', () => {
  const syntax = (line: number, column: number, document = 0, message = `bad at ${line}:${column}`): { entry: ListedEntry; id: string } => ({
    id: `s${document}-${line}-${column}`,
    entry: { severity: 'error', rule: null, message, line, column, document },
  });

  test('a message quoting whole blocks of YAML is cut to a short excerpt, the position kept', () => {
    // One `[` opened and never closed: the parser quotes ~1,000 characters of the file in one message.
    const text = stackText('multi-node-disaggregated-frontend', 'vllm').replace(/^spec:$/m, 'spec: [');
    const errors = checkManifestText(text).parseErrors;
    const long = errors.reduce((a, b) => (b.message.length > a.message.length ? b : a));
    expect(long.message.length).toBeGreaterThan(900);
    const short = shortFindingMessage(long.message);
    expect(short.length).toBeLessThanOrEqual(MAX_LISTED_MESSAGE);
    expect(short).toMatch(/^Unexpected single-quoted-scalar token in YAML stream: "[^"]{1,40}…"$/);
    expect(short).not.toContain('\\n');

    const [listed] = listedFindings([{ entry: { severity: 'error' as const, rule: null, message: long.message, line: long.line, column: long.column, document: 0 } }]);
    expect(listed!.entry).toMatchObject({ line: long.line, column: long.column, message: short });
  });

  test('short messages are kept as they are; long unquoted ones are cut with an ellipsis', () => {
    expect(shortFindingMessage('minAvailable (99) must not be greater than replicas (3)')).toBe('minAvailable (99) must not be greater than replicas (3)');
    expect(shortFindingMessage('Unexpected comma token in YAML stream: ","')).toBe('Unexpected comma token in YAML stream: ","');
    const cut = shortFindingMessage(`Not a YAML token: ${'x'.repeat(2000)}`);
    expect(cut).toHaveLength(MAX_LISTED_MESSAGE);
    expect(cut.endsWith('…')).toBe(true);
  });

  test("of a document's parse errors only the first by position is listed, counting the rest; other findings stay as they are", () => {
    const warning = { id: 'w', entry: { severity: 'warning' as const, rule: 'x.y', message: 'a warning', line: 3, column: 1, document: 1, documentName: 'b' } };
    const listed = listedFindings([syntax(9, 2), syntax(4, 7), syntax(4, 3), syntax(20, 1, 2), warning, syntax(12, 5)]);
    expect(listed.map((f) => [f.id, f.entry.message])).toEqual([
      ['s0-4-3', 'bad at 4:3 — and 3 more parse errors after it'],
      ['s2-20-1', 'bad at 20:1'],
      ['w', 'a warning'],
    ]);
    expect(listed[0]!.entry).toMatchObject({ line: 4, column: 3, document: 0 });
    expect(listedFindings([syntax(1, 1), syntax(2, 1)])[0]!.entry.message).toBe('bad at 1:1 — and 1 more parse error after it');
  });

  test('a finding names its document, then what on the canvas it is about', () => {
    expect(findingPlace({ kind: 'stack' }, { document: 1, documentName: 'second' })).toBe('second');
    expect(findingPlace({ kind: 'stack' }, { document: 1, documentName: null })).toBe('document 2');
    expect(findingPlace({ kind: 'stack' }, { document: 0 })).toBe('document 1');
    expect(findingPlace({ kind: 'clique', name: 'prefill' }, { document: 0, documentName: 'llama' })).toBe('llama › clique prefill');
    expect(findingPlace({ kind: 'group', name: 'decode' }, { document: 0, documentName: 'llama' })).toBe('llama › group decode');
  });
});
