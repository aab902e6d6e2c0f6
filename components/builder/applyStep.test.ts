import { describe, expect, test } from 'vitest';
import type { ClusterContextState } from '@/components/hooks/clusterContext';
import { applyBlockedReason, applyTarget, settleStep, type ApplyStep } from './applyStep';

const diffOf = (text: string): ApplyStep => ({ kind: 'diff', results: [], text });

describe('apply panel steps', () => {
  test('Apply is enabled only after a dry run of the text on screen', () => {
    expect(applyBlockedReason({ kind: 'idle' }, 'a', null, 0)).toMatch(/dry run first/);
    expect(applyBlockedReason(diffOf('a'), 'a', null, 0)).toBeNull();
    expect(applyBlockedReason(diffOf('old'), 'new', null, 0)).toMatch(/dry run first/);
    expect(applyBlockedReason(diffOf('a'), 'a', 'read-only', 0)).toBe('read-only');
    expect(applyBlockedReason(diffOf('a'), 'a', null, 2)).toMatch(/2 error/);
  });

  test('a dry run answered after the text changed is dropped', () => {
    expect(settleStep('new', 'old', true, diffOf('old'))).toEqual({ kind: 'idle' });
    expect(settleStep('same', 'same', true, diffOf('same'))).toEqual(diffOf('same'));
    const applied: ApplyStep = { kind: 'applied', results: [], text: 'old' };
    expect(settleStep('new', 'old', false, applied)).toEqual(applied);
  });

  test('a stack without a namespace goes to the namespace the server uses: its context default, not "default"', () => {
    const live: ClusterContextState = { status: 'ready', data: { source: { mode: 'live', name: 'gpu-prod', namespace: 'team-a', readOnly: false }, contexts: ['gpu-prod'] } };
    expect(applyTarget('', live)).toEqual({ status: 'known', namespace: 'team-a', why: expect.stringContaining('kubeconfig context gpu-prod') });
    expect(applyTarget('serving', live)).toEqual({ status: 'known', namespace: 'serving', why: 'named in the manifest' });
    expect(applyTarget('', { status: 'loading' })).toMatchObject({ status: 'unknown' });
    expect(applyTarget('', { status: 'error', message: 'no kubeconfig', contexts: [] })).toMatchObject({ status: 'unknown', reason: expect.stringContaining('no kubeconfig') });
    // The manifest's own namespace needs no answer from the server.
    expect(applyTarget('serving', { status: 'loading' })).toMatchObject({ status: 'known', namespace: 'serving' });
  });
});
