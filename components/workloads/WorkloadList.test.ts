import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/grove/meta';
import type { PodCliqueSet } from '../../lib/grove/podcliqueset';
import { demoSnapshot, demoStacks } from '../../lib/topology/demo';
import { clusterStateFromSnapshot } from '../../lib/topology/snapshot';
import { workloadHealth } from '../../lib/workloads/health';
import { stackObjects } from '../../lib/workloads/testkit';
import { buildWorkloadTree, indexWorkloadObjects, type WorkloadObjects } from '../../lib/workloads/tree';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { NOW_TICK_MS } from '../hooks/useNow';
import { createWorkloadRows, ProblemsCell } from './WorkloadList';

const [disagg, wide, agg] = demoStacks() as [PodCliqueSet, PodCliqueSet, PodCliqueSet];
const state = clusterStateFromSnapshot(demoSnapshot());
const h100 = (rack: number, n: number) => `h100-zh0-b0-r${rack}-n${n}`;
const gb200 = (rack: number, n: number) => `gb200-z0-b0-r${rack}-n${n}`;
const NOW = Date.parse('2026-01-01T00:05:00Z');
const SPREAD = 'Required rack pack of PodCliqueSet mixtral-agg (replica 0, gang mixtral-agg-0) not met: pods on 2 racks (zh0-b0-r0, zh0-b0-r1)';

/** The three demo stacks as the store holds them: mixtral-agg's gang 0 split over two racks, the others packed. */
function cluster() {
  const nodes: Record<string, string> = { 'mixtral-agg-0-worker-0': h100(0, 0), 'mixtral-agg-0-worker-1': h100(1, 0), 'mixtral-agg-1-worker-0': h100(1, 1), 'mixtral-agg-1-worker-1': h100(1, 2) };
  const stacks = [stackObjects(agg, { node: (h) => nodes[h]! }), stackObjects(disagg, { node: (_h, n) => gb200(0, n % 18) }), stackObjects(wide, { node: (_h, n) => gb200(1, n % 18) })];
  for (const s of stacks) s.pcs.status = { availableReplicas: s.pcs.spec.replicas ?? 1, updatedReplicas: s.pcs.spec.replicas ?? 1 };
  const all = (k: keyof WorkloadObjects) => stacks.flatMap((s) => s[k]);
  const objects: WorkloadObjects = { podCliqueSets: all('podCliqueSets'), podCliques: all('podCliques'), podCliqueScalingGroups: all('podCliqueScalingGroups'), podGangs: all('podGangs'), pods: all('pods') };
  return { stacks: stacks.map((s) => s.pcs), objects };
}

/** cluster() with mixtral-agg's pods Running but not Ready since 00:00 (its gangs bound in one rack each here): a starting stack. */
function startingAgg() {
  const { stacks, objects } = cluster();
  const packed: Record<string, string> = { 'mixtral-agg-0': h100(0, 0), 'mixtral-agg-1': h100(1, 0) };
  const starting = objects.pods.map((p) => {
    if (!p.metadata?.name?.startsWith('mixtral-agg-')) return p;
    const pod = structuredClone(p) as KubeObject & { spec: { nodeName: string }; status: { conditions: { type: string; status: string; lastTransitionTime?: string }[] } };
    pod.spec.nodeName = packed[pod.metadata!.name!.slice(0, 'mixtral-agg-0'.length)]!;
    pod.status.conditions = pod.status.conditions.map((c) => (c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: '2026-01-01T00:00:00Z' } : c));
    return pod;
  });
  return { stacks, index: indexWorkloadObjects({ ...objects, pods: starting }) };
}

describe('the workload list’s rows (createWorkloadRows)', () => {
  it('read a gang spread past its required rack as Degraded, as the stack’s page does; without the cluster state it cannot tell', () => {
    const { stacks, objects } = cluster();
    const rows = createWorkloadRows()(stacks, indexWorkloadObjects(objects), state, NOW).rows;
    expect(rows.map((r) => [r.name, r.state])).toEqual([
      ['mixtral-agg', 'degraded'],
      ['llama-disagg', 'healthy'],
      ['deepseek-wide', 'healthy'],
    ]);
    expect(rows[0]!.problems).toEqual([SPREAD]);
    // The detail page's computation (the whole store, the state) gives the same answer per stack.
    for (const [i, pcs] of stacks.entries()) expect(rows[i]).toEqual(workloadHealth(buildWorkloadTree(pcs, objects), state, NOW));
    // What the list said before it asked for the state: healthy.
    expect(createWorkloadRows()(stacks, indexWorkloadObjects(objects), undefined, NOW).rows[0]!.state).toBe('healthy');
  });

  it('rebuild only the stack whose objects changed: a pod event elsewhere, or a new state with the same nodes, keeps a row', () => {
    const { stacks, objects } = cluster();
    const rowsOf = createWorkloadRows();
    const before = rowsOf(stacks, indexWorkloadObjects(objects), state, NOW).rows;

    // A new store snapshot (new lists) and a new state (new pods, same nodes and topologies): nothing of the stacks changed.
    const same = rowsOf(stacks, indexWorkloadObjects({ ...objects, pods: [...objects.pods] }), { ...state, pods: [...state.pods] }, NOW).rows;
    same.forEach((row, i) => expect(row).toBe(before[i]));

    // mixtral-agg's stray pod moved into the other pods' rack: its row is rebuilt (healthy), the others are kept.
    const stray = objects.pods.find((p) => p.metadata?.name?.startsWith('mixtral-agg-0-worker-1-'))! as KubeObject & { spec: { nodeName: string } };
    const moved = { ...stray, spec: { ...stray.spec, nodeName: h100(0, 1) } };
    const after = rowsOf(stacks, indexWorkloadObjects({ ...objects, pods: objects.pods.map((p) => (p === stray ? moved : p)) }), state, NOW).rows;
    expect(after[0]).not.toBe(before[0]);
    expect(after[0]).toMatchObject({ name: 'mixtral-agg', state: 'healthy', problems: [] });
    expect(after.slice(1)).toEqual(before.slice(1));
    after.slice(1).forEach((row, i) => expect(row).toBe(before[i + 1]));

    // New nodes (labels may have changed): every row is computed again.
    const relabelled = rowsOf(stacks, indexWorkloadObjects(objects), { ...state, nodes: [...state.nodes] }, NOW).rows;
    relabelled.forEach((row, i) => expect(row).not.toBe(before[i]));
    expect(relabelled[0]!.problems).toEqual([SPREAD]);
  });

  it('rebuild a starting stack’s row when only time passes (its age and weight move on); a settled stack’s row is kept', () => {
    const { stacks, index } = startingAgg();
    const rowsOf = createWorkloadRows();
    const before = rowsOf(stacks, index, state, NOW).rows;
    expect(before[0]).toMatchObject({ name: 'mixtral-agg', state: 'progressing', timeDependent: true, notes: [{ severity: 'info', text: 'Starting for 5m: 0 of 4 pods ready' }] });

    const later = rowsOf(stacks, index, state, NOW + 6 * 60_000).rows;
    expect(later[0]).not.toBe(before[0]);
    expect(later[0]!.notes[0]).toMatchObject({ severity: 'warning', text: expect.stringMatching(/^Starting for 11m: 0 of 4 pods ready; mixtral-agg-0-worker-0-x\d+ Running 11m/) });
    // The settled stacks do not depend on the clock: the same rows.
    expect(before.slice(1).map((r) => r.timeDependent)).toEqual([false, false]);
    later.slice(1).forEach((row, i) => expect(row).toBe(before[i + 1]));
  });
});

describe('the workload list’s rows as the clock ticks every second', () => {
  it('a row showing seconds is recomputed each second; one showing minutes is kept until NOW_TICK_MS has passed', () => {
    const { stacks, index } = startingAgg();
    const { rowsOf, computed } = countedRows();
    const at = (now: number) => {
      computed.length = 0;
      return rowsOf(stacks, index, state, now).rows[0]!;
    };
    // Starting for 5m: its text shows seconds from here on ("5m1s").
    expect(at(NOW)).toMatchObject({ tickMs: 1000, notes: [{ text: 'Starting for 5m: 0 of 4 pods ready' }] });
    expect(at(NOW + 1000).notes[0]!.text).toBe('Starting for 5m1s: 0 of 4 pods ready');
    expect(computed).toEqual(['default/mixtral-agg']);
    // A tick landing a ms early recomputes it too.
    at(NOW + 1999);
    expect(computed).toEqual(['default/mixtral-agg']);

    // Starting for 15m: minutes only. A second later the row stands; 15 s later it is computed again.
    const late = NOW + 10 * 60_000;
    const row = at(late);
    expect(row).toMatchObject({ tickMs: 60_000, notes: [{ text: expect.stringMatching(/^Starting for 15m: /) }] });
    for (let s = 1; s < NOW_TICK_MS / 1000; s++) {
      expect(at(late + s * 1000)).toBe(row);
      expect(computed).toEqual([]);
    }
    expect(at(late + NOW_TICK_MS)).not.toBe(row);
    expect(computed).toEqual(['default/mixtral-agg']);
  });
});

describe('the workload list’s Problems column', () => {
  const cell = (row: Parameters<typeof ProblemsCell>[0]['row']) => renderToStaticMarkup(createElement(ProblemsCell, { row }));
  const text = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&#x27;/g, "'");

  it('a stack whose clique was scaled below its minAvailable says so, Degraded, counting down to Grove’s gang termination as the clock moves', () => {
    const { stacks, objects } = cluster();
    // llama-disagg's decode (minAvailable 2) scaled to 1 at 00:00 (its MinAvailableBreached since then): 3 of its 4 pods gone.
    const pods = objects.pods.filter((p) => !/^llama-disagg-0-decode-[123]-/.test(p.metadata!.name!));
    const podCliques = objects.podCliques.map((c) => {
      if (c.metadata?.name !== 'llama-disagg-0-decode') return c;
      const decode = structuredClone(c) as KubeObject & { spec: { replicas: number } };
      decode.spec.replicas = 1;
      return Object.assign(decode, { status: { conditions: [{ type: 'MinAvailableBreached', status: 'True', reason: 'ScheduledReplicasBelowMinAvailable', message: 'Scheduled replicas (1) below MinAvailable (2)', lastTransitionTime: '2026-01-01T00:00:00Z' }] } });
    });
    const index = indexWorkloadObjects({ ...objects, pods, podCliques });
    const rowsOf = createWorkloadRows();
    const row = () => rowsOf(stacks, index, state, NOW).rows.find((r) => r.name === 'llama-disagg')!;
    const before = row();
    expect(before).toMatchObject({ state: 'degraded', timeDependent: true });
    const note = 'PodClique llama-disagg-0-decode below minAvailable (1 of 2 scheduled, spec.replicas 1); Grove gang-terminates replica 0 in 3h55m (terminationDelay 4h) unless scaled back to at least 2';
    expect(text(cell(before))).toBe(note);
    expect(cell(before)).toContain('data-severity="problem"');

    const later = rowsOf(stacks, index, state, NOW + 60 * 60_000).rows.find((r) => r.name === 'llama-disagg')!;
    expect(text(cell(later))).toBe(note.replace('3h55m', '175m'));
  });

  it('a healthy stack’s cell is a dash; more than one note shows the first and counts the rest', () => {
    const { stacks, objects } = cluster();
    const rows = createWorkloadRows()(stacks, indexWorkloadObjects(objects), state, NOW).rows;
    expect(text(cell(rows.find((r) => r.name === 'llama-disagg')!))).toBe('—');
    const two = { ...rows[0]!, notes: [{ severity: 'problem' as const, text: 'a' }, { severity: 'warning' as const, text: 'b' }], problems: ['a', 'b'] };
    expect(text(cell(two))).toBe('a (+1 more)');
  });
});

/** Nine stacks: the demo's three in three namespaces, each built by the operator's objects, one store. */
function nineStacks() {
  const stacks = ['default', 'team-a', 'team-b'].flatMap((namespace) => [agg, disagg, wide].map((pcs) => stackObjects({ ...pcs, metadata: { ...pcs.metadata, namespace } })));
  const all = (k: keyof WorkloadObjects) => stacks.flatMap((s) => s[k]);
  const objects: WorkloadObjects = { podCliqueSets: all('podCliqueSets'), podCliques: all('podCliques'), podCliqueScalingGroups: all('podCliqueScalingGroups'), podGangs: all('podGangs'), pods: all('pods') };
  return { stacks: stacks.map((s) => s.pcs), objects };
}

/** createWorkloadRows with its row computation counted per stack (namespace/name). */
function countedRows() {
  const computed: string[] = [];
  const rowsOf = createWorkloadRows((pcs, objects, st, now) => {
    computed.push(`${pcs.metadata.namespace}/${pcs.metadata.name}`);
    return workloadHealth(buildWorkloadTree(pcs, objects), st, now);
  });
  return { rowsOf, computed };
}

describe('the workload list’s rows: work per store revision', () => {
  it('a pod of one stack changing recomputes that stack’s row only (counted), with the same rows as computing all again', () => {
    const { stacks, objects } = nineStacks();
    const { rowsOf, computed } = countedRows();
    const before = rowsOf(stacks, indexWorkloadObjects(objects), state, NOW);
    expect(before.pending).toBe(0);
    expect(computed).toHaveLength(9);

    const pod = objects.pods.find((p) => p.metadata?.namespace === 'team-a' && p.metadata?.name?.startsWith('llama-disagg-0-decode-'))! as KubeObject & { status: { phase: string; conditions: unknown[] } };
    const failed = { ...pod, metadata: { ...pod.metadata, resourceVersion: '2' }, status: { ...pod.status, phase: 'Failed' } };
    const changed = { ...objects, pods: objects.pods.map((p) => (p === pod ? failed : p)) };
    computed.length = 0;
    const after = rowsOf(stacks, indexWorkloadObjects(changed), { ...state, pods: [...state.pods] }, NOW);
    expect(computed).toEqual(['team-a/llama-disagg']);
    const fresh = createWorkloadRows()(stacks, indexWorkloadObjects(changed), state, NOW).rows;
    expect(after.rows).toEqual(fresh);
    expect(after.rows.find((r) => r.namespace === 'team-a' && r.name === 'llama-disagg')).toMatchObject({ state: 'degraded', problems: expect.arrayContaining(['1 pod failed']) });

    // The same store again (a new index of the same objects): nothing recomputed.
    computed.length = 0;
    rowsOf(stacks, indexWorkloadObjects(changed), state, NOW);
    expect(computed).toEqual([]);
  });

  it('with a time budget, computes a slice per call and says how many are pending; the last slice gives the rows of one full call', () => {
    const { stacks, objects } = nineStacks();
    const index = indexWorkloadObjects(objects);
    const { rowsOf, computed } = countedRows();
    // A budget that is always spent: one row per call (each call makes progress).
    const spent = () => false;
    const slices = [];
    for (let call = 0; call < 20; call++) {
      const r = rowsOf(stacks, index, state, NOW, spent);
      slices.push([r.rows.length, r.pending]);
      if (r.pending === 0) break;
    }
    expect(slices).toEqual(Array.from({ length: 9 }, (_, i) => [i + 1, 8 - i]));
    expect(computed).toHaveLength(9);
    expect(rowsOf(stacks, index, state, NOW, spent).rows).toEqual(createWorkloadRows()(stacks, index, state, NOW).rows);

    // New nodes: every row is due again; while it waits for its turn a stack keeps its last row.
    const relabelled = { ...state, nodes: [...state.nodes] };
    const first = rowsOf(stacks, index, relabelled, NOW, spent);
    expect(first).toMatchObject({ pending: 8 });
    expect(first.rows).toHaveLength(9);
    expect(first.rows.map((r) => r.name)).toEqual(stacks.map((s) => s.metadata.name));
  });
});
