/**
 * Drops on the topology page: which dropped texts may replace the preview's YAML, and which drops are
 * left to the browser (a text field other than the preview's).
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, test } from 'vitest';
import { buildHeatmapModel } from '../../lib/heatmap/model';
import { ghostOverlay, type GhostGang, type GhostOverlay } from '../../lib/heatmap/overlay';
import { placeGangs } from '../../lib/placement';
import { makeGang, nestedCluster } from '../../lib/placement/testkit';
import { clusterWaitReason, dropsIntoOtherField, earlierGangsNote, gangNotes, ghostGangText, NOT_A_MANIFEST, PREVIEW_FIELD_ID, PreviewPanel, previewTextDrop, type PreviewShare, type PreviewState } from './PreviewPanel';

const PCS = 'apiVersion: grove.io/v1alpha1\nkind: PodCliqueSet\nmetadata:\n  name: dropped\nspec:\n  replicas: 1\n';

describe('previewTextDrop: a dropped text replaces the preview only when it is a manifest', () => {
  test.each([
    ['a word', 'mixtral-agg'],
    ['a link', 'http://localhost:3000/workloads?selected=default%2Fmixtral-agg'],
    ['table text', 'rack-0\t72\t64 used\t8 free'],
    ['YAML of another kind', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n'],
    ['a List of other kinds', 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p}\n'],
    ['broken YAML', 'kind: PodCliqueSet\nmetadata: [unclosed\n'],
    ['an empty text', ''],
  ])('%s is kept out, and the page says so', (_, text) => {
    expect(previewTextDrop(text)).toEqual({ kind: 'kept', notice: NOT_A_MANIFEST });
  });

  test.each([
    ['a PodCliqueSet', PCS],
    ['an invalid PodCliqueSet (its problems are shown, line:column)', 'apiVersion: grove.io/v1alpha1\nkind: PodCliqueSet\nmetadata:\n  name: Bad_Name\n'],
    ['a PodCliqueSet after another document', `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n---\n${PCS}`],
    ['a List holding PodCliqueSets (kubectl get pcs -o yaml)', `apiVersion: v1\nkind: List\nitems:\n- ${PCS.trimEnd().replace(/\n/g, '\n  ')}\n`],
  ])('%s replaces the preview', (_, text) => {
    expect(previewTextDrop(text)).toEqual({ kind: 'manifest', text });
  });

  test('the notice says the YAML was kept', () => {
    expect(NOT_A_MANIFEST).toMatch(/not a PodCliqueSet.*kept your YAML/);
  });
});

/** An element as `closest` sees it: the nearest field matching the selector, or none. */
const at = (field: { id?: string; tagName: string; type?: string } | null) => ({ closest: () => (field ? { id: '', ...field } : null) });

describe('dropsIntoOtherField: a text dropped on another text field is the browser’s to insert', () => {
  test('the Find box and other text inputs, textareas and editable regions', () => {
    expect(dropsIntoOtherField(at({ id: 'heatmap-search', tagName: 'INPUT', type: 'search' }) as unknown as EventTarget)).toBe(true);
    expect(dropsIntoOtherField(at({ tagName: 'INPUT', type: 'text' }) as unknown as EventTarget)).toBe(true);
    expect(dropsIntoOtherField(at({ tagName: 'TEXTAREA' }) as unknown as EventTarget)).toBe(true);
    expect(dropsIntoOtherField(at({ tagName: 'DIV' }) as unknown as EventTarget)).toBe(true);
  });

  test('not the preview’s own textarea, a radio or checkbox, or a place with no field', () => {
    expect(dropsIntoOtherField(at({ id: PREVIEW_FIELD_ID, tagName: 'TEXTAREA' }) as unknown as EventTarget)).toBe(false);
    expect(dropsIntoOtherField(at({ tagName: 'INPUT', type: 'radio' }) as unknown as EventTarget)).toBe(false);
    expect(dropsIntoOtherField(at({ tagName: 'INPUT', type: 'checkbox' }) as unknown as EventTarget)).toBe(false);
    expect(dropsIntoOtherField(at(null) as unknown as EventTarget)).toBe(false);
    expect(dropsIntoOtherField(null)).toBe(false);
  });
});

describe('the panel says the plan’s notes: the scheduler modelled, pods left Pending or above minAvailable', () => {
  const ghosts = (gangs: GhostGang[]): GhostOverlay => ({ cells: new Int32Array(0), cellGang: new Int32Array(0), gangs, undrawn: 0, feasible: gangs.every((g) => g.placed) });
  const gang = (o: Partial<GhostGang>): GhostGang => ({ name: 's-0', placed: true, gpus: 8, pods: [], outlines: [], domains: {}, ...o });
  const NOTE = 'default-scheduler (kube-scheduler) does not gang-schedule: each pod of s-0 is placed on its own';
  const render = (gangs: GhostGang[]) =>
    renderToStaticMarkup(
      createElement(PreviewPanel, { text: '', onText: () => {}, onPreview: () => {}, onClear: () => {}, state: { status: 'ready', title: 's', demand: 8, ghosts: ghosts(gangs) }, notice: null, dragging: false }),
    );

  test('a placed gang’s warning is shown', () => {
    expect(gangNotes([gang({ warnings: [NOTE] })])).toEqual([{ gang: 's-0', kind: 'warning', text: `s-0: ${NOTE}` }]);
    const html = render([gang({ warnings: [NOTE] })]);
    expect(html).toContain('data-testid="preview-notes"');
    expect(html).toContain(NOTE);
  });

  test('a gang placed pod by pod with pods left Pending: which, and why, with its explanation', () => {
    const g = gang({ placed: false, independent: true, unplacedPods: ['s-0-w-2'], reason: '1 pod does not fit, s-0-w-2 first: no room', explanation: [{ level: 'node', needs: '8 GPUs on one node', best: '0 free', message: 'no room' }], warnings: [NOTE] });
    expect(gangNotes([g]).map((n) => n.kind)).toEqual(['left-out', 'warning']);
    expect(gangNotes([g])[0]!.text).toBe('1 pod of s-0 would stay Pending, the others run: s-0-w-2');
    const html = render([g]);
    expect(html).toContain('Not every pod of s-0 fits: 1 pod does not fit, s-0-w-2 first: no room');
    expect(html).not.toContain('Gang s-0 does not fit');
  });

  test('pods above minAvailable left out, with the reason', () => {
    const g = gang({ unplacedOptionalPods: ['s-0-w-4'], unplacedOptionalReason: 's-0-w-4: needs 8 GPUs on one node; the largest free node has 0' });
    expect(gangNotes([g])).toEqual([{ gang: 's-0', kind: 'left-out', text: '1 pod of s-0 above minAvailable not placed (s-0-w-4): s-0-w-4: needs 8 GPUs on one node; the largest free node has 0' }]);
  });

  test('no notes, no list', () => {
    expect(gangNotes([gang({})])).toEqual([]);
    expect(render([gang({})])).not.toContain('preview-notes');
  });
});

describe('from plan to panel: the default-scheduler note reaches the notes', () => {
  test('a gang on default-scheduler is placed pod by pod and the panel says which scheduler was modelled', () => {
    const state = nestedCluster(['rack'], [1, 2]);
    const plan = placeGangs(state, [makeGang({ name: 's-0', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 3, gpu: 8 }] })], { bySchedulerName: true });
    const overlay = ghostOverlay(buildHeatmapModel(state), plan);
    const notes = gangNotes(overlay.gangs);
    expect(notes.map((n) => n.kind)).toEqual(['left-out', 'warning']);
    expect(notes[0]!.text).toBe('1 pod of s-0 would stay Pending, the others run: s-0-w-2');
    expect(notes[1]!.text).toMatch(/^s-0: default-scheduler \(kube-scheduler\) ignores the topology constraints and does not gang-schedule/);
  });
});

describe('no plan before the cluster has loaded (a plan on the empty cluster says "the cluster has no nodes")', () => {
  const nodeState = (status: 'connecting' | 'live' | 'retrying' | 'error', lastError?: string) => ({ Node: { kind: 'Node' as const, status, since: 0, lastError } });

  test('waits before the first snapshot, and while an empty Node list is still loading', () => {
    expect(clusterWaitReason({ synced: false, kinds: {} }, 0)).toMatchObject({ status: 'waiting', message: expect.stringMatching(/^Waiting for the cluster/) });
    expect(clusterWaitReason({ synced: false, kinds: nodeState('live') }, 12)).toMatchObject({ status: 'waiting', message: expect.stringMatching(/^Waiting for the cluster/) });
    expect(clusterWaitReason({ synced: true, kinds: nodeState('connecting'), loading: { Node: true } }, 0)).toMatchObject({ status: 'waiting', message: expect.stringMatching(/their list is loading/) });
  });

  test('Nodes this identity may not list, or whose list fails, are said with why: not "waiting" for ever', () => {
    const forbidden = { Node: { kind: 'Node' as const, status: 'error' as const, since: 0, httpStatus: 403, lastError: 'nodes is forbidden: User "viewer" cannot list resource "nodes"' } };
    expect(clusterWaitReason({ synced: true, kinds: forbidden }, 0)).toEqual({
      status: 'unavailable',
      message: 'No placement preview: you may not list Nodes, so the cluster’s nodes cannot be read (nodes is forbidden: User "viewer" cannot list resource "nodes").',
    });
    expect(clusterWaitReason({ synced: true, kinds: nodeState('retrying', 'Unauthorized') }, 0)).toEqual({
      status: 'unavailable',
      message: 'No placement preview: the cluster’s Nodes could not be listed (Unauthorized); Canopy keeps retrying, and places the preview once they can be read.',
    });
    // Still `connecting` but with an error: failed, not loading.
    expect(clusterWaitReason({ synced: true, kinds: nodeState('connecting', 'connect ECONNREFUSED') }, 0)).toMatchObject({ status: 'unavailable' });
  });

  const render = (state: PreviewState, share?: PreviewShare) =>
    renderToStaticMarkup(createElement(PreviewPanel, { text: '', onText: () => {}, onPreview: () => {}, onClear: () => {}, state, notice: null, dragging: false, share }));

  test('the panel says it is waiting, offers Clear, and draws no table', () => {
    const html = render({ status: 'waiting', message: 'Waiting for the cluster: the preview is placed once its nodes have loaded.' });
    expect(html).toContain('data-testid="preview-waiting"');
    expect(html).toContain('Waiting for the cluster');
    expect(html).toContain('Clear preview');
    expect(html).not.toContain('<table');
  });

  test('two equal explanation rows are both drawn (rows are keyed by position, not text)', () => {
    const row = { level: 'node', needs: 'a node', best: 'none', message: 'the cluster has no nodes' };
    const gangs: GhostGang[] = [{ name: 's-0', placed: false, gpus: 8, pods: [], outlines: [], domains: {}, reason: 'r', explanation: [row, row] }];
    const html = render({ status: 'ready', title: 's', demand: 8, ghosts: { cells: new Int32Array(0), cellGang: new Int32Array(0), gangs, undrawn: 0, feasible: false } });
    expect(html.match(/the cluster has no nodes/g)).toHaveLength(2);
  });

  test('the share line: a link to copy, or why the preview stays in the tab', () => {
    expect(render({ status: 'none' })).not.toContain('preview-share');
    expect(render({ status: 'none' }, { kind: 'link' })).toContain('Copy link');
    const tab = render({ status: 'none' }, { kind: 'tab', message: 'This preview is too large to share in a link (20.0 KiB compressed): it stays in this tab only.' });
    expect(tab).toContain('data-share="tab"');
    expect(tab).toContain('too large to share in a link');
    expect(tab).not.toContain('Copy link');
  });
});

describe('a scale-up previewed on the map', () => {
  const ghosts = (feasible: boolean): GhostOverlay => ({ cells: new Int32Array([0, 1, 2, 3]), cellGang: new Int32Array([0, 0, 0, 0]), gangs: [{ name: 's-1', placed: true, gpus: 4, pods: [{ name: 's-1-w-0', podGroup: 's-1-w', clique: 'w', node: 'n0', gpus: 4 }], outlines: [], domains: {} }], undrawn: 0, feasible });
  const render = (state: PreviewState, scale?: { text: string }, share?: PreviewShare) =>
    renderToStaticMarkup(createElement(PreviewPanel, { text: '', onText: () => {}, onPreview: () => {}, onClear: () => {}, state, notice: null, dragging: false, share, scale }));

  test('says what it is of, that it is planned again as the cluster changes, and offers its own Clear (not the YAML’s)', () => {
    const html = render({ status: 'ready', title: 'Scale-up of PodCliqueSet default/s 1 → 2 (planned: 1 new pod)', demand: null, fit: 'all', ghosts: ghosts(true) }, { text: 'PodCliqueSet default/s to 2 replicas' });
    expect(html).toContain('data-testid="scale-banner"');
    expect(html).toMatch(/Scale-up preview:<\/span> <span data-testid="scale-banner-target">PodCliqueSet default\/s to 2 replicas<\/span>/);
    expect(html).toContain('planned again whenever the cluster changes');
    expect(html).toContain('Clear scale-up preview');
    expect(html).not.toContain('>Clear preview<');
    expect(html).toContain('<strong>Scale-up of PodCliqueSet default/s 1 → 2 (planned: 1 new pod)</strong>: <span data-testid="ghost-count">4</span> planned GPUs');
    // A YAML preview has no banner and keeps its Clear.
    const yaml = render({ status: 'ready', title: 'default/s', demand: 4, ghosts: ghosts(true) });
    expect(yaml).not.toContain('scale-banner');
    expect(yaml).toContain('>Clear preview<');
  });

  test.each([
    ['all', 'Fits now: every planned pod has a place.'],
    ['partial', 'Fits now only in part: every gang has a place, but some of their pods would stay pending'],
    ['none', 'Does not fit now: see why below.'],
  ] as const)('its verdict (%s) is said in words, in the live region', (fit, words) => {
    const html = render({ status: 'ready', title: 't', demand: null, fit, ghosts: ghosts(fit !== 'none') }, { text: 'x' });
    expect(html).toContain(`data-testid="preview-fit" data-fits="${fit}"`);
    expect(html).toContain(words);
    expect(html.indexOf('preview-fit')).toBeGreaterThan(html.indexOf('data-testid="preview-result"'));
  });

  test('nothing to place is a note, not a problem; a target that is gone is a problem, with the banner still there to clear it', () => {
    const note = render({ status: 'note', message: 'PodCliqueSet default/s has 2 replicas already: scaling it to 2 adds nothing, so there is nothing to place.' }, { text: 'PodCliqueSet default/s to 2 replicas' });
    expect(note).toContain('data-testid="preview-note"');
    expect(note).not.toContain('preview-problems');
    const gone = render({ status: 'problems', problems: ['PodCliqueSet default/s is not in the cluster (deleted, or never there): there is no scale-up to preview.'] }, { text: 'PodCliqueSet default/s to 2 replicas' });
    expect(gone).toContain('data-testid="preview-problems"');
    expect(gone).toContain('is not in the cluster');
    expect(gone).toContain('Clear scale-up preview');
    expect(gone).not.toContain('ghost-count');
  });

  test('the share line says the address carries the request, not a plan', () => {
    const html = render({ status: 'none' }, { text: 'x' }, { kind: 'link', carries: 'scale' });
    expect(html).toContain('carries this scale-up request, not its plan');
    expect(html).toContain('Copy link');
    expect(render({ status: 'none' }, undefined, { kind: 'link' })).toContain('carries this YAML');
  });
});

describe('each gang of the preview on its own line: where it would land, and how many pods', () => {
  test('two gangs of one stack in two racks are told apart by their domains; a gang that does not fit says so', () => {
    // Two racks of two 8-GPU nodes; three gangs of 2 pods × 8 GPUs packed in a rack: one per rack, the third has no room.
    const state = nestedCluster(['rack'], [2, 2]);
    const gangs = [0, 1, 2].map((i) => makeGang({ name: `s-${i}`, constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 2, gpu: 8 }] }));
    const plan = placeGangs(state, gangs, { bySchedulerName: false });
    const overlay = ghostOverlay(buildHeatmapModel(state), plan);
    expect(overlay.gangs.map(ghostGangText)).toEqual(['2 pods on 2 nodes in rack rack-0', '2 pods on 2 nodes in rack rack-1', 'does not fit (why: below)']);
    const html = renderToStaticMarkup(
      createElement(PreviewPanel, { text: '', onText: () => {}, onPreview: () => {}, onClear: () => {}, state: { status: 'ready', title: 's', demand: 48, ghosts: overlay }, notice: null, dragging: false }),
    );
    expect(html).toContain('aria-label="Gangs of the preview"');
    expect(html).toContain('<li data-gang="s-0" data-placed="true"><span class="font-mono">s-0</span>: 2 pods on 2 nodes in rack rack-0</li>');
    expect(html).toContain('<li data-gang="s-1" data-placed="true"><span class="font-mono">s-1</span>: 2 pods on 2 nodes in rack rack-1</li>');
    expect(html).toContain('<li data-gang="s-2" data-placed="false"><span class="font-mono">s-2</span>: does not fit (why: below)</li>');
  });
});

describe('a gang that does not fit after other gangs of the same preview: its reasons count what they take', () => {
  test('the note names the earlier gangs and their GPUs, which the reasons count as taken', () => {
    const state = nestedCluster(['rack'], [2, 2]);
    const gangs = [0, 1, 2].map((i) => makeGang({ name: `s-${i}`, constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 2, gpu: 8 }] }));
    const overlay = ghostOverlay(buildHeatmapModel(state), placeGangs(state, gangs, { bySchedulerName: false }));
    expect(earlierGangsNote(overlay.gangs, 0)).toBeNull();
    expect(earlierGangsNote(overlay.gangs, 2)).toBe('These figures count the 32 GPUs the preview’s earlier gangs (s-0, s-1) would take first: see Planned in the domain table.');
    const html = renderToStaticMarkup(
      createElement(PreviewPanel, { text: '', onText: () => {}, onPreview: () => {}, onClear: () => {}, state: { status: 'ready', title: 's', demand: 48, ghosts: overlay }, notice: null, dragging: false }),
    );
    expect(html).toContain('<p data-testid="preview-earlier-gangs" class="text-xs">These figures count the 32 GPUs the preview’s earlier gangs (s-0, s-1) would take first: see Planned in the domain table.</p>');
  });

  test('the first gang of a preview has no such note', () => {
    const state = nestedCluster(['rack'], [1, 1]);
    const overlay = ghostOverlay(buildHeatmapModel(state), placeGangs(state, [makeGang({ name: 's-0', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 2, gpu: 8 }] })], { bySchedulerName: false }));
    expect(overlay.gangs[0]!.placed).toBe(false);
    const html = renderToStaticMarkup(
      createElement(PreviewPanel, { text: '', onText: () => {}, onPreview: () => {}, onClear: () => {}, state: { status: 'ready', title: 's', demand: 16, ghosts: overlay }, notice: null, dragging: false }),
    );
    expect(html).toContain('Gang s-0 does not fit');
    expect(html).not.toContain('preview-earlier-gangs');
  });
});
