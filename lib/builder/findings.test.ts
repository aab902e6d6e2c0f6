import { describe, expect, test } from 'vitest';
import { checkManifestText } from '../grove/check';
import { readBuilderText } from './document';
import { setField } from './edits';
import { concernsField, countFindings, findingPlace, findingTarget } from './findings';
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

describe('where the list says a finding is', () => {
  test('a finding names its document, then what on the canvas it is about', () => {
    expect(findingPlace({ kind: 'stack' }, { document: 1, documentName: 'second' })).toBe('second');
    expect(findingPlace({ kind: 'stack' }, { document: 1, documentName: null })).toBe('document 2');
    expect(findingPlace({ kind: 'stack' }, { document: 0 })).toBe('document 1');
    expect(findingPlace({ kind: 'clique', name: 'prefill' }, { document: 0, documentName: 'llama' })).toBe('llama › clique prefill');
    expect(findingPlace({ kind: 'group', name: 'decode' }, { document: 0, documentName: 'llama' })).toBe('llama › group decode');
  });
});
