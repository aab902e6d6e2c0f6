import { describe, expect, it } from 'vitest';
import type { Taint, Toleration } from '../grove/core';
import {
  isBlockingTaint,
  matchesNodeAffinity,
  matchesNodeSelector,
  matchesRequirement,
  nodePassesFilters,
  requirementsKey,
  tolerates,
  untoleratedTaint,
} from './filters';
import { makeNode } from './testkit';

const labels = { pool: 'a', 'nvidia.com/gpu.count': '8', 'topology.kubernetes.io/zone': 'z1' };

describe('nodeSelector', () => {
  it('matches when every pair is a label of the node', () => {
    expect(matchesNodeSelector(labels, { pool: 'a' })).toBe(true);
    expect(matchesNodeSelector(labels, { pool: 'a', 'topology.kubernetes.io/zone': 'z1' })).toBe(true);
    expect(matchesNodeSelector(labels, {})).toBe(true);
    expect(matchesNodeSelector(labels, undefined)).toBe(true);
  });
  it('fails on a different value or a missing key', () => {
    expect(matchesNodeSelector(labels, { pool: 'b' })).toBe(false);
    expect(matchesNodeSelector(labels, { pool: 'a', gpu: 'h100' })).toBe(false);
  });
});

describe('node affinity requirements', () => {
  const m = (operator: string, key: string, values?: string[]) => matchesRequirement(labels, { key, operator, ...(values ? { values } : {}) });
  it('In / NotIn', () => {
    expect(m('In', 'pool', ['a', 'b'])).toBe(true);
    expect(m('In', 'pool', ['b'])).toBe(false);
    expect(m('In', 'missing', ['a'])).toBe(false);
    expect(m('NotIn', 'pool', ['b'])).toBe(true);
    expect(m('NotIn', 'pool', ['a'])).toBe(false);
    // NotIn matches a node without the label, as in Kubernetes.
    expect(m('NotIn', 'missing', ['a'])).toBe(true);
  });
  it('Exists / DoesNotExist', () => {
    expect(m('Exists', 'pool')).toBe(true);
    expect(m('Exists', 'missing')).toBe(false);
    expect(m('DoesNotExist', 'missing')).toBe(true);
    expect(m('DoesNotExist', 'pool')).toBe(false);
  });
  it('Gt / Lt compare integers; a non-integer or a missing label never matches', () => {
    expect(m('Gt', 'nvidia.com/gpu.count', ['4'])).toBe(true);
    expect(m('Gt', 'nvidia.com/gpu.count', ['8'])).toBe(false);
    expect(m('Lt', 'nvidia.com/gpu.count', ['9'])).toBe(true);
    expect(m('Lt', 'nvidia.com/gpu.count', ['8'])).toBe(false);
    expect(m('Gt', 'pool', ['1'])).toBe(false);
    expect(m('Gt', 'nvidia.com/gpu.count', ['x'])).toBe(false);
    expect(m('Gt', 'missing', ['1'])).toBe(false);
    expect(m('Gt', 'nvidia.com/gpu.count', ['1', '2'])).toBe(false);
  });
  it('an unknown operator never matches', () => {
    expect(m('Near', 'pool', ['a'])).toBe(false);
  });
  it('terms are ORed, expressions inside a term ANDed; an empty term matches nothing', () => {
    const node = { name: 'n1', labels };
    const a = { matchExpressions: [{ key: 'pool', operator: 'In', values: ['a'] }] };
    const b = { matchExpressions: [{ key: 'pool', operator: 'In', values: ['b'] }] };
    const both = { matchExpressions: [...a.matchExpressions, { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['z2'] }] };
    expect(matchesNodeAffinity(node, [b, a])).toBe(true);
    expect(matchesNodeAffinity(node, [b])).toBe(false);
    expect(matchesNodeAffinity(node, [both])).toBe(false);
    expect(matchesNodeAffinity(node, [{}])).toBe(false);
    expect(matchesNodeAffinity(node, [])).toBe(true);
    expect(matchesNodeAffinity(node, undefined)).toBe(true);
  });
  it('matchFields supports metadata.name', () => {
    const node = { name: 'n1', labels };
    expect(matchesNodeAffinity(node, [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }])).toBe(true);
    expect(matchesNodeAffinity(node, [{ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n1'] }] }])).toBe(false);
    expect(matchesNodeAffinity(node, [{ matchFields: [{ key: 'metadata.uid', operator: 'In', values: ['n1'] }] }])).toBe(false);
  });
});

describe('taints and tolerations', () => {
  const taint: Taint = { key: 'dedicated', value: 'infra', effect: 'NoSchedule' };
  const tol = (t: Toleration) => tolerates(t, taint);
  it('Equal needs key and value; an empty operator means Equal', () => {
    expect(tol({ key: 'dedicated', operator: 'Equal', value: 'infra' })).toBe(true);
    expect(tol({ key: 'dedicated', value: 'infra' })).toBe(true);
    expect(tol({ key: 'dedicated', operator: 'Equal', value: 'other' })).toBe(false);
    expect(tol({ key: 'other', operator: 'Equal', value: 'infra' })).toBe(false);
  });
  it('Exists ignores the value; an empty key with Exists tolerates every taint', () => {
    expect(tol({ key: 'dedicated', operator: 'Exists' })).toBe(true);
    expect(tol({ operator: 'Exists' })).toBe(true);
    expect(tol({ operator: 'Equal', value: 'infra' })).toBe(false);
  });
  it('the effect must match when the toleration names one', () => {
    expect(tol({ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' })).toBe(true);
    expect(tol({ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' })).toBe(false);
  });
  it('NoSchedule and NoExecute block, PreferNoSchedule does not', () => {
    expect(isBlockingTaint({ key: 'k', effect: 'NoSchedule' })).toBe(true);
    expect(isBlockingTaint({ key: 'k', effect: 'NoExecute' })).toBe(true);
    expect(isBlockingTaint({ key: 'k', effect: 'PreferNoSchedule' })).toBe(false);
    expect(untoleratedTaint([{ key: 'k', effect: 'PreferNoSchedule' }], [])).toBeUndefined();
    expect(untoleratedTaint([{ key: 'k', effect: 'NoExecute' }], [])).toEqual({ key: 'k', effect: 'NoExecute' });
    expect(untoleratedTaint([taint], [{ key: 'dedicated', operator: 'Exists' }])).toBeUndefined();
  });
});

describe('nodePassesFilters', () => {
  it('excludes cordoned and NotReady nodes whatever the pod tolerates', () => {
    const all = { tolerations: [{ operator: 'Exists' }] };
    expect(nodePassesFilters(makeNode('a'), all)).toBe(true);
    expect(nodePassesFilters(makeNode('a', { unschedulable: true }), all)).toBe(false);
    expect(nodePassesFilters(makeNode('a', { ready: false }), all)).toBe(false);
  });
  it('applies taints to pods without any toleration', () => {
    expect(nodePassesFilters(makeNode('a', { taints: [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }] }), {})).toBe(false);
  });
  it('requirementsKey is equal for equal requirements in any key order', () => {
    expect(requirementsKey({ nodeSelector: { a: '1', b: '2' } })).toBe(requirementsKey({ nodeSelector: { b: '2', a: '1' } }));
    expect(requirementsKey({})).toBe(requirementsKey(undefined));
    expect(requirementsKey({ tolerations: [{ operator: 'Exists' }] })).not.toBe(requirementsKey({}));
  });
});
