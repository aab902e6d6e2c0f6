/** A list Canopy could not read is said as such, never as "none" (kindAvailability.ts). */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, test } from 'vitest';
import type { PodCliqueSet } from '../../lib/grove/podcliqueset';
import { stackObjects } from '../../lib/workloads/testkit';
import { buildWorkloadTree } from '../../lib/workloads/tree';
import { unavailableText } from '../hooks/kindAvailability';
import { GangsTable } from './GangsAndPlacement';
import { keptObjects, nodesStateError, type WorkloadKind } from './useWorkloadData';
import { StaleListNote, staleListText } from './parts';
import type { WorkloadEvent } from '../../lib/workloads/events';
import type { KindAvailability } from '../hooks/kindAvailability';
import { WorkloadEvents } from './WorkloadEvents';
import { WorkloadTreeView } from './WorkloadTreeView';
import type { WorkloadData } from './useWorkloadData';

const pcs = {
  apiVersion: 'grove.io/v1alpha1',
  kind: 'PodCliqueSet',
  metadata: { name: 'disagg', namespace: 'team-a' },
  spec: { replicas: 1, template: { cliques: [{ name: 'w', spec: { replicas: 1, podSpec: { containers: [{ name: 'w', image: 'x' }] } } }] } },
} as PodCliqueSet;

const text = (html: string) => html.replace(/<[^>]+>/g, '');
const ALL_LIVE = Object.fromEntries(['PodCliqueSet', 'PodClique', 'PodCliqueScalingGroup', 'PodGang', 'Pod', 'Event', 'Node'].map((kind) => [kind, { status: 'live' }]));

describe('the stack page’s lists when a kind cannot be read', () => {
  const objects = stackObjects(pcs);
  // The viewer's store: PodGangs refused, so none arrive.
  const tree = buildWorkloadTree(pcs, { ...objects, podGangs: [] });

  test('PodGangs this identity may not list: "You may not list PodGangs in team-a.", not "No PodGangs."', () => {
    const html = renderToStaticMarkup(createElement(GangsTable, { tree, unavailable: unavailableText('PodGang', { status: 'forbidden' }, 'team-a') }));
    expect(text(html)).toBe('You may not list PodGangs in team-a.');
    expect(text(renderToStaticMarkup(createElement(GangsTable, { tree })))).toBe('No PodGangs.');
  });

  test('Events whose list failed say why, not "No events for these objects"', () => {
    const html = renderToStaticMarkup(createElement(WorkloadEvents, { events: [], now: 0, unavailable: unavailableText('Event', { status: 'failed', error: 'Unauthorized' }, 'team-a') }));
    expect(text(html)).toBe('Could not list Events in team-a: Unauthorized.');
    expect(text(html)).not.toMatch(/No events/);
  });

  test('a table still shown while its kind fails says it may be out of date', () => {
    const withGangs = buildWorkloadTree(pcs, objects);
    expect(withGangs.gangs.length).toBeGreaterThan(0);
    const html = renderToStaticMarkup(createElement(GangsTable, { tree: withGangs, unavailable: 'Could not list PodGangs in team-a: Unauthorized.' }));
    expect(text(html)).toContain('Could not list PodGangs in team-a: Unauthorized. The PodGangs below may be out of date.');
  });
});

describe('nodesStateError: the nodes that will not come by waiting', () => {
  test('refused, failing, or a live empty list each say why; loading or present nodes say nothing', () => {
    expect(nodesStateError({ status: 'forbidden' }, 0)).toBe('you may not list Nodes, so the cluster’s nodes cannot be read');
    expect(nodesStateError({ status: 'failed', error: 'Unauthorized' }, 0)).toBe('the cluster’s Nodes could not be listed (Unauthorized); Canopy keeps retrying');
    expect(nodesStateError({ status: 'live' }, 0)).toBe('the cluster has no nodes');
    expect(nodesStateError({ status: 'loading' }, 0)).toBeNull();
    expect(nodesStateError({ status: 'forbidden' }, 3)).toBeNull();
  });
});

describe('the tree when PodCliqueScalingGroups cannot be read', () => {
  const grouped = {
    ...pcs,
    spec: {
      replicas: 1,
      template: {
        cliques: [
          { name: 'pleader', spec: { replicas: 1, podSpec: { containers: [{ name: 'l', image: 'x' }] } } },
          { name: 'pworker', spec: { replicas: 3, podSpec: { containers: [{ name: 'w', image: 'x' }] } } },
        ],
        podCliqueScalingGroups: [{ name: 'prefill', cliqueNames: ['pleader', 'pworker'], replicas: 1 }],
      },
    },
  } as PodCliqueSet;

  test('members stay in their group (from the label), which says it could not be read and offers no scale', () => {
    const objects = stackObjects(grouped);
    const tree = buildWorkloadTree(objects.pcs, { ...objects, podCliqueScalingGroups: [] });
    const data = { ...objects, events: [], unreadablePods: 0, synced: true, availability: { ...ALL_LIVE, PodCliqueScalingGroup: { status: 'forbidden' } } } as unknown as WorkloadData;
    const html = renderToStaticMarkup(
      createElement(WorkloadTreeView, { tree, data, why: new Map(), now: 0, permissions: { PodClique: undefined, PodCliqueScalingGroup: undefined } }),
    );
    expect(html).toContain('data-testid="scaling-group" data-name="disagg-0-prefill"');
    expect(text(html)).toContain('1 replica seen (min 1); available unknown');
    expect(text(html)).toContain('You may not list PodCliqueScalingGroups in team-a. Its members are shown from their PodCliques; it is not scaled from here.');
    expect(html).not.toContain('aria-label="Scale disagg-0-prefill"');
    // The members are not standalone cliques of the replica.
    expect(tree.replicas[0]!.cliques).toEqual([]);
    // Not in the list at all: its own line says so, not "the scaling groups below may be out of date".
    expect(text(html)).not.toContain('may be out of date');
  });

  test('PodCliques, pods and scaling groups kept from kinds that failed after they were live: one line each above the tree', () => {
    const objects = stackObjects(grouped);
    const tree = buildWorkloadTree(objects.pcs, objects);
    const failed = { status: 'failed', error: 'Unauthorized' } as const;
    const render = (availability: Partial<Record<WorkloadKind, KindAvailability>>) => {
      const data = { ...objects, events: [], unreadablePods: 0, synced: true, availability: { ...ALL_LIVE, ...availability } } as unknown as WorkloadData;
      return text(renderToStaticMarkup(createElement(WorkloadTreeView, { tree, data, why: new Map(), now: 0, permissions: { PodClique: undefined, PodCliqueScalingGroup: undefined } })));
    };
    const html = render({ PodClique: failed, Pod: { status: 'failed', error: 'etcdserver: request timed out.' }, PodCliqueScalingGroup: { status: 'forbidden' } });
    expect(html).toContain('Could not list PodCliques in team-a: Unauthorized. The PodCliques below may be out of date.');
    expect(html).toContain('Could not list Pods in team-a: etcdserver: request timed out. The pods below may be out of date.');
    expect(html).toContain('You may not list PodCliqueScalingGroups in team-a. The scaling groups below may be out of date.');
    // Live kinds: nothing said.
    expect(render({})).not.toContain('may be out of date');
  });
});

describe('StaleListNote: one sentence beside every list kept from a kind that cannot be read', () => {
  test('says why and that the rows may be out of date; nothing when the kind is live', () => {
    expect(text(renderToStaticMarkup(createElement(StaleListNote, { unavailable: 'Could not list Events in team-a: Unauthorized.', rows: 'events' })))).toBe(
      'Could not list Events in team-a: Unauthorized. The events below may be out of date.',
    );
    expect(renderToStaticMarkup(createElement(StaleListNote, { unavailable: null, rows: 'events' }))).toBe('');
  });

  test('the events table says it beside its rows, in the same words', () => {
    const events = [{ key: 'e1', time: '2026-01-01T00:00:00Z', type: 'Normal', reason: 'Scheduled', message: 'ok', count: 1, object: { kind: 'Pod', name: 'p' } }] as unknown as WorkloadEvent[];
    const html = text(renderToStaticMarkup(createElement(WorkloadEvents, { events, now: 0, unavailable: 'Could not list Events in team-a: Unauthorized.' })));
    expect(html).toContain(staleListText('Could not list Events in team-a: Unauthorized.', 'events'));
  });

  test('keptObjects: a failing kind whose objects are still in the store is out of date, one never listed is read without', () => {
    const objects = stackObjects(pcs);
    const data = { ...objects, events: [] } as unknown as WorkloadData;
    expect(keptObjects(data, 'Pod')).toBe(true);
    expect(keptObjects({ ...data, pods: [] }, 'Pod')).toBe(false);
    expect(keptObjects(data, 'Event')).toBe(false);
    expect(keptObjects(data, 'Node')).toBe(false);
  });
});
