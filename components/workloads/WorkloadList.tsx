'use client';
/**
 * Every PodCliqueSet of the namespace chosen in the header (or of all namespaces), with its health,
 * live: available vs desired replicas, pods per stage, GPUs, problems, age. Filter and sort by column.
 */
import Link from 'next/link';
import { useEffect, useMemo, useState } from 'react';
import type { ClusterState } from '../../lib/cluster/state';
import type { KubeObject } from '../../lib/grove/meta';
import type { PodCliqueSet } from '../../lib/grove/podcliqueset';
import { ageTickMs, filterAndSortWorkloads, formatAge, workloadHealth, type WorkloadHealth, type WorkloadSortKey } from '../../lib/workloads/health';
import { buildWorkloadTree, indexWorkloadObjects, podCliqueSetsIn, type WorkloadObjects } from '../../lib/workloads/tree';
import { useClusterContext, useSelectedNamespace } from '../hooks/clusterContext';
import { firstUnavailable, unavailableText } from '../hooks/kindAvailability';
import { useConnectionState } from '../hooks/useClusterStream';
import { NOW_TICK_MS, SECOND_TICK_MS, useShownNow } from '../hooks/useNow';
import { HealthBadge, INPUT, NOTE_CLASS, StageBar, StageLegend, StaleListNote, UNAVAILABLE_CLASS } from './parts';
import { keptObjects, useWorkloadData } from './useWorkloadData';

/** The kinds a row's health is read from, besides its PodCliqueSet. */
const HEALTH_KINDS = ['Pod', 'PodClique', 'PodGang', 'PodCliqueScalingGroup'] as const;

const COLUMNS: { key: WorkloadSortKey; label: string; numeric?: boolean }[] = [
  { key: 'name', label: 'Name' },
  { key: 'namespace', label: 'Namespace' },
  { key: 'health', label: 'Health' },
  { key: 'available', label: 'Available', numeric: true },
  { key: 'gpus', label: 'GPUs', numeric: true },
  { key: 'age', label: 'Age', numeric: true },
];

type RowInputs = Omit<WorkloadObjects, 'podCliqueSets'> & { state: ClusterState | undefined };
const LISTS = ['podCliques', 'podCliqueScalingGroups', 'podGangs', 'pods'] as const;
const sameList = (a: readonly KubeObject[], b: readonly KubeObject[]) => a.length === b.length && a.every((o, i) => o === b[i]);

/** One row computed from its stack's objects (the list's health, as the stack's page reads it). */
export type WorkloadRowOf = (pcs: PodCliqueSet, objects: WorkloadObjects, state: ClusterState | undefined, now: number) => WorkloadHealth;
const rowOfStack: WorkloadRowOf = (pcs, objects, state, now) => workloadHealth(buildWorkloadTree(pcs, objects), state, now);

export interface WorkloadRows {
  /** A row per stack whose row is known, in the stacks' order (the one computed last when it is being recomputed). */
  rows: WorkloadHealth[];
  /** Stacks still to be computed for these inputs (left for a next call when `timeLeft` said stop). */
  pending: number;
}

/**
 * How long a time-dependent row stands as the clock moves: until its finest shown duration changes
 * (tickMs), and no longer than NOW_TICK_MS, within which a threshold crossing is still noticed. Half a
 * second less, so a tick that lands a few ms early still recomputes a row that shows seconds.
 */
const keepMs = (row: WorkloadHealth) => Math.min(row.tickMs ?? NOW_TICK_MS, NOW_TICK_MS) - SECOND_TICK_MS / 2;

/**
 * The list's rows: each stack's health as its detail page computes it (with the ClusterState, so a
 * required pack its pods do not keep to is Degraded here too), rebuilt per stack only when that stack's
 * objects or the cluster's nodes or topologies change. The store hands out the same object until it
 * changes, so a pod event rebuilds the one stack it belongs to, not every row. Health reads the state's
 * nodes and topologies only (unmetRequiredPacks), so a new `state` with the same two keeps a row.
 * Time alone rebuilds only the rows whose health depends on it (timeDependent: a stack starting or
 * waiting ages, and may cross a threshold), and only once their text may have moved (keepMs): the
 * list's clock ticks every second while any row shows seconds, and a row showing minutes is not
 * rebuilt each time; a settled stack's row is kept across clock ticks.
 *
 * With `timeLeft`, a call stops computing once it says no (after at least one row) and reports how many
 * are pending: the page computes 300 stacks a slice at a time, between which the browser paints and
 * answers input, instead of freezing for seconds on a large cluster.
 */
export function createWorkloadRows(rowOf: WorkloadRowOf = rowOfStack) {
  type Entry = { inputs: RowInputs; now: number; row: WorkloadHealth };
  let cache = new Map<PodCliqueSet, Entry>();
  const unchanged = (a: RowInputs, b: RowInputs) =>
    a.state?.nodes === b.state?.nodes && a.state?.topologies === b.state?.topologies && LISTS.every((k) => sameList(a[k], b[k]));
  return (stacks: readonly PodCliqueSet[], objectsOf: (pcs: PodCliqueSet) => WorkloadObjects, state: ClusterState | undefined, now: number, timeLeft?: () => boolean): WorkloadRows => {
    const next = new Map<PodCliqueSet, Entry>();
    const rows: WorkloadHealth[] = [];
    let computed = 0;
    let pending = 0;
    for (const pcs of stacks) {
      const objects = objectsOf(pcs);
      const inputs: RowInputs = { podCliques: objects.podCliques, podCliqueScalingGroups: objects.podCliqueScalingGroups, podGangs: objects.podGangs, pods: objects.pods, state };
      const hit = cache.get(pcs);
      const fresh = hit && unchanged(hit.inputs, inputs) && (!hit.row.timeDependent || now - hit.now < keepMs(hit.row));
      let entry = fresh ? hit : undefined;
      if (!entry && (computed === 0 || !timeLeft || timeLeft())) {
        entry = { inputs, now, row: rowOf(pcs, objects, state, now) };
        computed++;
      }
      if (entry) next.set(pcs, entry);
      else {
        pending++;
        // Its last row stands until its turn comes (kept in the cache as it was, so it is recomputed then).
        if (hit) next.set(pcs, hit);
      }
      const row = entry?.row ?? hit?.row;
      if (row) rows.push(row);
    }
    cache = next; // stacks gone from the list drop out of the cache
    return { rows, pending };
  };
}

/** The Problems column of a row: its weightiest note (problems, then warnings, then what is under way), the rest counted and on hover. */
export function ProblemsCell({ row }: { row: WorkloadHealth }) {
  const first = row.notes[0];
  return (
    <td className="max-w-md px-3 py-2 text-xs text-zinc-700 dark:text-zinc-300">
      {!first ? (
        <span className="text-zinc-500 dark:text-zinc-400">—</span>
      ) : (
        <span data-testid="health-summary" data-severity={first.severity} className={NOTE_CLASS[first.severity]} title={row.problems.join('\n')}>
          {row.problems[0]}
          {row.problems.length > 1 ? ` (+${row.problems.length - 1} more)` : ''}
        </span>
      )}
    </td>
  );
}

/** How long one slice of the list's rows may run before the browser gets the thread back. */
const ROWS_SLICE_MS = 40;

export function WorkloadList() {
  const { namespace } = useSelectedNamespace();
  const [allNamespaces, setAllNamespaces] = useState(false);
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<{ key: WorkloadSortKey; direction: 'asc' | 'desc' }>({ key: 'name', direction: 'asc' });
  // With the ClusterState, as the detail page: the list and a stack's page say the same health.
  const data = useWorkloadData({ state: true });
  const workloadRows = useMemo(() => createWorkloadRows(), []);
  // The server sent PodCliqueSets empty while their first list runs: "0 of 0" would be a false answer;
  // and so would "none" for a list this identity may not read, or that fails (a bad token: 401).
  const listing = data.availability.PodCliqueSet.status === 'loading';
  // The clock: ages move on, and a stack stuck starting turns into a warning here too; it ticks every
  // second while a shown age or note counts seconds, else every NOW_TICK_MS (as the stack's page).
  const { now, show } = useShownNow();
  // Without the server's answer there is no header namespace: show every namespace rather than nothing.
  const { state: context } = useClusterContext();
  const contextFailed = context.status === 'error';
  const scope = allNamespaces || contextFailed ? null : namespace;
  const unlisted = unavailableText('PodCliqueSet', data.availability.PodCliqueSet, scope);
  // An identity that may list PodCliqueSets in one namespace only has them watched there (the header's
  // choice): "all namespaces" would claim more than the list holds.
  const watchedIn = useConnectionState().kinds.PodCliqueSet?.namespace;
  const where = scope ? ` in namespace ${scope}` : watchedIn ? ` in namespace ${watchedIn} (the only one this identity may list them in)` : ' in all namespaces';
  // The health of each row is read from these too: one that cannot be read makes it partial.
  const partial = firstUnavailable(HEALTH_KINDS.map((kind) => [kind, data.availability[kind]] as const), scope);

  // Bucketed once per store revision of the kinds a tree reads (not on an availability or state change),
  // so each stack's tree reads only its own objects.
  const { podCliqueSets, podCliques, podCliqueScalingGroups, podGangs, pods } = data;
  const objectsOf = useMemo(
    () => indexWorkloadObjects({ podCliqueSets, podCliques, podCliqueScalingGroups, podGangs, pods }),
    [podCliqueSets, podCliques, podCliqueScalingGroups, podGangs, pods],
  );
  // Rows are computed a slice at a time (ROWS_SLICE_MS): each slice renders what is known so far, then
  // asks for the next one after the browser has painted, until none is pending.
  const [slice, setSlice] = useState(0);
  const stacks = useMemo(() => (!allNamespaces && !contextFailed && namespace === null ? [] : podCliqueSetsIn(podCliqueSets, scope)), [podCliqueSets, scope, allNamespaces, contextFailed, namespace]);
  const { rows, pending } = useMemo(() => {
    const until = performance.now() + ROWS_SLICE_MS;
    return workloadRows(stacks, objectsOf, data.state, now, () => performance.now() < until);
    // `slice` only asks for the next slice of the same inputs (it is read by nothing else).
  }, [workloadRows, stacks, data.state, objectsOf, now, slice]);
  useEffect(() => {
    if (pending === 0) return;
    const next = setTimeout(() => setSlice((n) => n + 1), 0);
    return () => clearTimeout(next);
  }, [rows, pending]);
  // Stacks without a row yet (the first slices of a large list): said as progress. A stack being
  // recomputed keeps its last row meanwhile, so a clock tick or new nodes do not blank the list.
  const unread = stacks.length - rows.length;
  const shown = useMemo(() => filterAndSortWorkloads(rows, filter, sort.key, sort.direction), [rows, filter, sort]);
  // What the rows on screen show that moves with the clock: their notes' durations and their Age column.
  show(shown.flatMap((r) => [r.tickMs, ageTickMs(r.createdAt, now)]));
  const columns = scope === null ? COLUMNS : COLUMNS.filter((c) => c.key !== 'namespace');

  const toggleSort = (key: WorkloadSortKey) => setSort((s) => (s.key === key ? { key, direction: s.direction === 'asc' ? 'desc' : 'asc' } : { key, direction: 'asc' }));

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col gap-1 text-xs text-zinc-600 dark:text-zinc-400">
          Namespaces
          <select
            className={INPUT}
            value={allNamespaces ? 'all' : 'selected'}
            onChange={(e) => setAllNamespaces(e.target.value === 'all')}
          >
            <option value="selected">{namespace ? `Namespace ${namespace} (from the header)` : 'The header’s namespace'}</option>
            <option value="all">All namespaces</option>
          </select>
        </label>
        <label className="flex flex-col gap-1 text-xs text-zinc-600 dark:text-zinc-400">
          Filter
          <input
            type="search"
            className={`${INPUT} w-64`}
            placeholder="name, namespace, health or problem"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
        </label>
        <div className="ml-auto">
          <StageLegend />
        </div>
      </div>

      {contextFailed && context.status === 'error' && (
        <p role="alert" className="text-xs text-amber-800 dark:text-amber-300">
          Could not ask the server which cluster this is ({context.message}): showing all namespaces.
        </p>
      )}
      <p role="status" className="text-xs text-zinc-600 dark:text-zinc-400">
        {!data.synced && rows.length === 0
          ? 'Loading the cluster…'
          : listing
            ? 'Loading PodCliqueSets…'
            : unlisted && rows.length === 0
              ? unlisted
              : unread > 0
                ? `Reading the health of ${stacks.length} PodCliqueSets${where}: ${rows.length} done…`
                : `${shown.length} of ${rows.length} PodCliqueSet${rows.length === 1 ? '' : 's'}${where}${filter ? ` match “${filter}”` : ''}.`}
      </p>
      {rows.length > 0 && <StaleListNote unavailable={unlisted} rows="PodCliqueSets" />}
      {!unlisted && partial && partial.availability.status !== 'loading' && rows.length > 0 && (
        <p data-testid="health-partial" className={`text-xs ${UNAVAILABLE_CLASS}`}>
          {partial.text} Health, counts and problems below are read {keptObjects(data, partial.kind) ? 'from what was last listed: they may be out of date' : 'without them'}.
        </p>
      )}

      <div className="overflow-x-auto rounded-lg border border-zinc-200 dark:border-zinc-800">
        <table className="w-full text-left text-sm" aria-label="PodCliqueSets">
          <thead className="bg-zinc-50 text-xs text-zinc-600 dark:bg-zinc-900 dark:text-zinc-400">
            <tr>
              {columns.map((c) => (
                <th key={c.key} scope="col" aria-sort={sort.key === c.key ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'} className="px-3 py-2 font-medium">
                  <button type="button" onClick={() => toggleSort(c.key)} className="inline-flex items-center gap-1 rounded hover:text-zinc-900 dark:hover:text-zinc-100">
                    {c.label}
                    <span aria-hidden className="text-[10px]">
                      {sort.key === c.key ? (sort.direction === 'asc' ? '▲' : '▼') : '↕'}
                    </span>
                  </button>
                </th>
              ))}
              <th scope="col" className="px-3 py-2 font-medium">
                Pods
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Problems
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
            {shown.map((r) => (
              <tr key={`${r.namespace}/${r.name}`} data-testid="workload-row" data-name={r.name} data-namespace={r.namespace}>
                <td className="px-3 py-2 font-medium">
                  <Link className="text-sky-800 underline-offset-2 hover:underline dark:text-sky-300" href={`/workloads/${encodeURIComponent(r.namespace)}/${encodeURIComponent(r.name)}`}>
                    {r.name}
                  </Link>
                </td>
                {scope === null && <td className="px-3 py-2">{r.namespace}</td>}
                <td className="px-3 py-2">
                  <HealthBadge state={r.state} />
                </td>
                <td className="px-3 py-2 tabular-nums" data-testid="available">
                  {r.available}/{r.desired}
                </td>
                <td className="px-3 py-2 tabular-nums" data-testid="gpus" title={`${r.gpusUsed} GPUs held by bound pods; ${r.gpusRequested} asked for by all pods`}>
                  {r.gpusUsed}
                  {r.gpusRequested !== r.gpusUsed && <span className="text-zinc-500 dark:text-zinc-400"> / {r.gpusRequested}</span>}
                </td>
                <td className="px-3 py-2 tabular-nums">{formatAge(r.createdAt, now)}</td>
                <td className="px-3 py-2">
                  <div className="flex items-center gap-2">
                    <StageBar counts={r.pods} label={`Pods of ${r.name}`} />
                    <span className="tabular-nums text-xs text-zinc-600 dark:text-zinc-400" data-testid="pod-count">
                      {r.pods.ready}/{r.podCount} ready
                    </span>
                  </div>
                </td>
                <ProblemsCell row={r} />
              </tr>
            ))}
            {shown.length === 0 && (
              <tr>
                <td colSpan={columns.length + 2} className={`px-3 py-6 text-center text-sm ${unlisted && rows.length === 0 ? UNAVAILABLE_CLASS : 'text-zinc-600 dark:text-zinc-400'}`}>
                  {listing || unread > 0 ? (
                    'Loading…'
                  ) : unlisted && rows.length === 0 ? (
                    unlisted
                  ) : rows.length === 0 ? (
                    <>
                      No PodCliqueSets {scope ? `in namespace ${scope}` : 'in the cluster'}.
                      {scope && (
                        <>
                          {' '}
                          <button type="button" className="underline" onClick={() => setAllNamespaces(true)}>
                            Show all namespaces
                          </button>
                        </>
                      )}
                    </>
                  ) : (
                    'Nothing matches the filter.'
                  )}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
