import { describe, expect, it } from 'vitest';
import { decodeViewState } from '../../lib/heatmap/urlState';
import type { WorkloadTree } from '../../lib/workloads/tree';
import { countOfTotal, missingWorkloadText, waitingGangNames, workloadLinks, type MissingFacts } from './WorkloadDetail';
import { cliquePodsReady } from './StartupGraphView';

const listed: MissingFacts = { synced: true, listing: false, unlisted: null, sawDeleting: false, deleteRequest: null };
const text = (facts: Partial<MissingFacts>) => missingWorkloadText('default', 'deepseek-wide', { ...listed, ...facts });
const GONE = 'PodCliqueSet deepseek-wide in namespace default is gone: deleted, with everything it owned.';
const MAYBE = 'There is no PodCliqueSet deepseek-wide in namespace default (it may have been deleted).';

describe('a PodCliqueSet the page cannot find', () => {
  it('is gone once this tab’s delete was accepted, though no deletionTimestamp was ever seen (a teardown faster than the stream)', () => {
    expect(text({ deleteRequest: 'accepted' })).toEqual({ text: GONE, gone: true });
  });

  it('is gone once it was seen being deleted (a live cluster: deletionTimestamp first), whoever deleted it', () => {
    expect(text({ sawDeleting: true })).toEqual({ text: GONE, gone: true });
    expect(text({ sawDeleting: true, deleteRequest: 'accepted' })).toEqual({ text: GONE, gone: true });
  });

  it('missing while this tab’s delete is unanswered: being deleted, not yet said gone', () => {
    expect(text({ deleteRequest: 'sent' })).toEqual({ text: 'Deleting PodCliqueSet deepseek-wide in namespace default…', gone: false });
  });

  it('deleted by someone else, never seen deleting, or this tab’s delete failed: it may have been deleted', () => {
    expect(text({})).toEqual({ text: MAYBE, gone: false });
    expect(text({ deleteRequest: 'failed' })).toEqual({ text: MAYBE, gone: false });
  });

  it('not yet listed, or not listable: says so, whatever this tab did', () => {
    expect(text({ synced: false, deleteRequest: 'accepted' }).text).toBe('Loading the cluster…');
    expect(text({ listing: true, sawDeleting: true }).text).toBe('Loading PodCliqueSets…');
    expect(text({ unlisted: 'You may not list PodCliqueSets in default.', deleteRequest: 'accepted' })).toEqual({ text: 'You may not list PodCliqueSets in default.', gone: false });
  });
});

describe('workload links', () => {
  it('the Builder opens the stack for editing at /builder?edit=<namespace>/<name>', () => {
    expect(workloadLinks('default', 'deepseek-wide').builder).toBe('/builder?edit=default/deepseek-wide');
  });

  it('the topology page opens with the stack selected, as its own URL state reads it', () => {
    const href = workloadLinks('team-a', 'mixtral-agg').topology;
    const url = new URL(href, 'http://canopy.test');
    expect(url.pathname).toBe('/topology');
    expect(decodeViewState(url.searchParams)).toEqual({ mode: 'allocation', hidden: [], selected: 'team-a/mixtral-agg', zoom: null, topology: null, preview: null });
  });
});

describe('counts on the stack page read naturally for one', () => {
  it('the header: 1/1 pod ready, 1/1 replica available; more than one in the plural', () => {
    expect(countOfTotal(1, 1, 'pod', 'ready')).toBe('1/1 pod ready');
    expect(countOfTotal(0, 1, 'replica', 'available')).toBe('0/1 replica available');
    expect(countOfTotal(3, 8, 'pod', 'ready')).toBe('3/8 pods ready');
    expect(countOfTotal(2, 2, 'replica', 'available')).toBe('2/2 replicas available');
  });

  it('a clique of the startup order: 1 of 1 pod ready', () => {
    expect(cliquePodsReady(1, 1)).toBe('1 of 1 pod ready');
    expect(cliquePodsReady(0, 1)).toBe('0 of 1 pod ready');
    expect(cliquePodsReady(2, 4)).toBe('2 of 4 pods ready');
  });
});

describe('waitingGangNames (the gangs "why pending" places, the first 20)', () => {
  const pod = (gang: string, stage: string) => ({ gang, stage });
  it('lists the gangs with pods waiting for a node once each, in the tree’s gang order', () => {
    // The tree's order (by replica label, base gang first) even where the names would sort otherwise.
    const tree = {
      gangs: ['s-1', 's-1-prefill-2', 's-1-prefill-10', 's-2', 's-3', 's-10'].map((name) => ({ name })),
      pods: [pod('s-10', 'pending'), pod('s-2', 'gated'), pod('s-2', 'pending'), pod('s-1-prefill-10', 'pending'), pod('s-1-prefill-2', 'pending'), pod('s-1', 'pending'), pod('s-3', 'running')],
    } as unknown as WorkloadTree;
    expect(waitingGangNames(tree)).toEqual(['s-1', 's-1-prefill-2', 's-1-prefill-10', 's-2', 's-10']);
  });

  it('puts a gang whose PodGang is not listed yet after the listed ones, in natural order', () => {
    const tree = { gangs: [{ name: 's-2' }], pods: [pod('s-10', 'pending'), pod('s-9', 'pending'), pod('s-2', 'pending')] } as unknown as WorkloadTree;
    expect(waitingGangNames(tree)).toEqual(['s-2', 's-9', 's-10']);
  });
});
