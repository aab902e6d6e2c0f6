import { describe, expect, test } from 'vitest';
import { checkManifestText } from '../grove/check';
import { ROLE_KINDS } from './graph';
import { addClique } from './edits';
import { parse } from 'yaml';
import { FLAVOURS, STACK_TEMPLATES, stackText, untouchedBlankNamespace } from './templates';

describe('templates', () => {
  // Blank has no cliques yet, which Grove refuses ("at least one PodClique"): it is a canvas, not a stack.
  const stacks = STACK_TEMPLATES.filter((t) => t !== 'blank');
  test.each(stacks.flatMap((t) => FLAVOURS.map((f) => [t, f] as const)))('%s (%s) validates with zero errors', (t, f) => {
    const report = checkManifestText(stackText(t, f));
    expect(report.parseErrors).toEqual([]);
    expect(report.documents).toHaveLength(1);
    expect(report.documents[0]!.findings.filter((x) => x.severity === 'error')).toEqual([]);
  });

  test('flavours differ in image and command', () => {
    const texts = FLAVOURS.map((f) => stackText('multi-node-disaggregated-frontend', f));
    expect(new Set(texts).size).toBe(FLAVOURS.length);
  });

  test('blank reports exactly the missing clique; one palette clique of any kind makes it valid', () => {
    const blank = stackText('blank', 'vllm');
    expect(checkManifestText(blank).documents[0]!.findings.map((f) => f.rule)).toEqual(['pcs.cliques']);
    for (const kind of ROLE_KINDS) {
      const r = addClique(blank, { kind });
      if (!r.ok) throw new Error(r.message);
      expect(checkManifestText(r.text).documents[0]!.findings, kind).toEqual([]);
    }
  });

  test.each(STACK_TEMPLATES)('%s is written in the namespace asked for, "default" when none is', (t) => {
    expect((parse(stackText(t, 'vllm', 'team-a')) as { metadata: { namespace: string } }).metadata.namespace).toBe('team-a');
    expect((parse(stackText(t, 'vllm')) as { metadata: { namespace: string } }).metadata.namespace).toBe('default');
  });

  test('an untouched blank is recognised with its namespace; any edit makes it work of its own', () => {
    expect(untouchedBlankNamespace(stackText('blank', 'vllm'))).toBe('default');
    expect(untouchedBlankNamespace(stackText('blank', 'sglang', 'team-a'))).toBe('team-a');
    const withClique = addClique(stackText('blank', 'vllm'), { kind: 'prefill-worker' });
    if (!withClique.ok) throw new Error(withClique.message);
    expect(untouchedBlankNamespace(withClique.text)).toBeNull();
    expect(untouchedBlankNamespace(stackText('blank', 'vllm').replace('my-stack', 'mine'))).toBeNull();
    expect(untouchedBlankNamespace(`# kept\n${stackText('blank', 'vllm')}`)).toBeNull();
    expect(untouchedBlankNamespace(stackText('single-node-aggregated', 'vllm'))).toBeNull();
  });
});
