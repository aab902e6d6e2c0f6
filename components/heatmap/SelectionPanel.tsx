'use client';
/**
 * The selected workload: its GPUs and pending pods, the domains it spans, the pack constraints its
 * placement breaks (required: a problem; preferred: a note), and its gangs (each with the state its pods
 * give), those with no pod on the map too: a workload whose pods all wait says so, and lists its gangs.
 */
import Link from 'next/link';
import { useMemo } from 'react';
import { workloadOfPod, type ClusterState } from '../../lib/cluster/state';
import { LABEL_PODCLIQUE, LABEL_PODGANG } from '../../lib/grove/labels';
import { checkGangConstraints, podGangIndex, type ConstraintCheck } from '../../lib/heatmap/constraints';
import type { KubeObject } from '../../lib/grove/meta';
import type { PodGang } from '../../lib/grove/podgang';
import type { HeatmapLevel } from '../../lib/heatmap/levels';
import type { GangSpan, WorkloadSpan } from '../../lib/heatmap/span';
import { plural } from '../../lib/workloads/plural';
import { podGpus, podStage } from '../../lib/workloads/pods';
import { belongsTo, gangState, type GangMember, type GangState } from '../../lib/workloads/tree';
import { useKindObjects } from '../hooks/useClusterStream';

/**
 * A PodGang's state from its member pods (lib/workloads gangState), not from status.phase: the Grove
 * operator only ever writes phase Pending and no scheduler writes more (API-NOTES §9, §22.8).
 * Members are the pods its pod groups reference, and pods labelled with the gang and the pod group
 * that are not referenced yet.
 */
export function podGangState(gang: KubeObject, pods: readonly KubeObject[]): GangState {
  const g = gang as Partial<PodGang>;
  const name = g.metadata?.name ?? '';
  const ns = g.metadata?.namespace ?? 'default';
  const inNamespace = pods.filter((p) => (p.metadata?.namespace ?? 'default') === ns);
  const members: GangMember[] = (g.spec?.podgroups ?? []).map((pg) => {
    const referenced = new Set((pg.podReferences ?? []).map((r) => r.name));
    const own = inNamespace.filter((p) => referenced.has(p.metadata?.name ?? '') || (p.metadata?.labels?.[LABEL_PODGANG] === name && p.metadata?.labels?.[LABEL_PODCLIQUE] === pg.name));
    return {
      podClique: pg.name,
      minReplicas: pg.minReplicas ?? 0,
      pods: own.map((p) => ({ name: p.metadata?.name ?? '', namespace: ns, stage: podStage(p), podClique: pg.name, gang: name, gpus: podGpus(p), object: p })),
    };
  });
  return gangState(members);
}

/** One line of the panel's gang list. */
export interface GangRow {
  name: string;
  /** Its GPUs on the map (0 while none of its pods is bound). */
  gpus: number;
  /** Its pods not bound to a node yet (not ended, not being deleted). */
  pendingPods: number;
  /** From its member pods; undefined when no PodGang object of that name is known. */
  state?: GangState;
  /** Where it is on the map; undefined while it has no GPUs there. */
  span?: GangSpan;
}

/**
 * The workload's gangs: those with GPUs on the map (the span's), and those with none yet, known from
 * its PodGang objects and from its pods' grove.io/podgang label (a pod may come before its PodGang).
 * Sorted by name, as the span's.
 */
export function workloadGangs(span: WorkloadSpan, podGangs: readonly KubeObject[], pods: readonly KubeObject[]): GangRow[] {
  const slash = span.key.indexOf('/');
  const workload = { metadata: { namespace: span.key.slice(0, slash), name: span.key.slice(slash + 1) } } as KubeObject;
  const ownPods = pods.filter((p) => belongsTo(p, workload));
  const names = new Set(span.gangs.map((g) => g.name));
  for (const gang of podGangs) if (belongsTo(gang, workload) && gang.metadata?.name) names.add(gang.metadata.name);
  for (const pod of ownPods) {
    const gang = pod.metadata?.labels?.[LABEL_PODGANG];
    if (gang) names.add(gang);
  }
  const spans = new Map(span.gangs.map((g) => [g.name, g] as const));
  const pending = new Map<string, number>();
  for (const pod of ownPods) {
    const stage = podStage(pod);
    if ((stage !== 'gated' && stage !== 'pending') || pod.metadata?.deletionTimestamp) continue;
    const gang = pod.metadata?.labels?.[LABEL_PODGANG] ?? '';
    pending.set(gang, (pending.get(gang) ?? 0) + 1);
  }
  const index = podGangIndex(podGangs);
  return [...names]
    .sort((a, b) => (a < b ? -1 : 1))
    .map((name) => {
      const gang = index.get(`${workload.metadata!.namespace}/${name}`);
      const gangSpan = spans.get(name);
      return {
        name,
        gpus: gangSpan?.gpus ?? 0,
        pendingPods: pending.get(name) ?? 0,
        ...(gang ? { state: podGangState(gang, pods) } : {}),
        ...(gangSpan ? { span: gangSpan } : {}),
      };
    });
}

/** "nofit-0: no GPUs yet, 19 pods pending, Pending"; "w-0: 4 GPUs, Running". */
export function gangRowText(row: GangRow): string {
  const parts = [row.gpus > 0 ? `${row.gpus} GPUs` : 'no GPUs yet'];
  if (row.pendingPods > 0) parts.push(`${plural(row.pendingPods, 'pod')} pending`);
  if (row.state) parts.push(row.state);
  return `${row.name}: ${parts.join(', ')}`;
}

/** "5 pods pending, 40 GPUs waiting" (null when none is pending). */
export function pendingText(span: Pick<WorkloadSpan, 'pendingPods' | 'pendingGpus'>): string | null {
  if (span.pendingPods === 0) return null;
  return `${span.pendingPods} pod${span.pendingPods === 1 ? '' : 's'} pending, ${span.pendingGpus} GPU${span.pendingGpus === 1 ? '' : 's'} waiting`;
}

export interface SelectionText {
  /** The domains it spans, per visible level where it has GPUs (none when it has none on the map). */
  spans: string[];
  /** Nothing on the map: "19 pods pending, none placed" (null when it has pods on the map). */
  unplaced: string | null;
  /** Required pack constraints the placement breaks (a problem: ⚠). */
  problems: string | null;
  /** Preferred pack constraints not met (a note). */
  notes: string | null;
  /** Gangs spread over several domains with no required constraint broken: information only. */
  split: string | null;
  gangSplit: (gang: GangSpan) => string;
}

/**
 * How a selection reads: the domains it spans per visible level; the pack constraints its placement
 * breaks, required ones as problems and preferred ones as notes, each naming where it is written
 * (PodCliqueSet, scaling group, clique), its level and the domains the pods are on; and gangs spread
 * over several domains (collapsed levels included) as plain facts when no required pack forbids it.
 */
/**
 * `boundOffMap`: the workload's pods bound to nodes the map does not draw (no GPUs: a CPU-only frontend),
 * so "none placed" is not said of a workload that runs there.
 */
export function selectionText(span: WorkloadSpan, levels: readonly HeatmapLevel[], checks: readonly ConstraintCheck[] = [], boundOffMap = 0): SelectionText {
  const levelOf = (domain: string) => levels.find((l) => l.domain === domain);
  const domainCount = (domain: string, count: number) => {
    const name = levelOf(domain)?.nvlink ? 'NVLink domain' : domain;
    return `${count} ${name}${count === 1 ? '' : 's'}`;
  };
  // The span's names are already for people: labelled, and told apart where a value repeats ("block-1 in zone zone-0").
  const names = (list: readonly string[]) => list.join(', ');
  // A split at a collapsed level is still a split: it is named, with a word on why the map does not show it.
  const collapsed = (domain: string) => (domain in span.domains ? '' : `; the ${levelOf(domain)?.nvlink ? 'NVLink' : domain} level is collapsed on the map`);
  const unmet = (strength: ConstraintCheck['strength']) => checks.filter((c) => !c.met && c.strength === strength);
  // Each check's sentence is the workloads health's (lib/topology/packs.ts); the map adds why a split may not show.
  const broken = (list: ConstraintCheck[]) => (list.length ? list.map((c) => `${c.text}${collapsed(c.domain)}`).join('; ') : null);
  const required = unmet('required');
  const brokenGangs = new Set(required.map((c) => c.constraint.gang));
  const constrained = new Set(checks.map((c) => c.constraint.gang));
  // A gang whose broken required pack is already said is not said again as a spread.
  const spread = span.gangs.filter((g) => g.splitAt.length && !brokenGangs.has(g.name));
  return {
    // A level where it has no GPU (its pods all pending, or on the map without GPUs) spans nothing to name.
    spans: Object.entries(span.domains)
      .filter(([, list]) => list.length > 0)
      .map(([level, list]) => `Spans ${domainCount(level, list.length)}: ${names(list)}`),
    unplaced:
      span.pods > 0
        ? null
        : boundOffMap > 0
          ? `${plural(span.pendingPods, 'pod')} pending; none on this map (${boundOffMap} bound to nodes without GPUs)`
          : `${plural(span.pendingPods, 'pod')} pending, none placed`,
    problems: broken(required),
    notes: broken(unmet('preferred')),
    split: spread.length
      ? spread
          .map(
            (g) =>
              `gang ${g.name} spans ${g.splitAt.map((l) => `${domainCount(l, g.domains[l]!.length)} (${names(g.domains[l]!)}${collapsed(l)})`).join(' and ')}${constrained.has(g.name) ? '' : ' (it has no pack constraint)'}`,
          )
          .join('; ')
      : null,
    gangSplit: (g) => (g.splitAt.length ? ` — spans several ${g.splitAt.map((l) => (levelOf(l)?.nvlink ? 'NVLink domains' : `${l}s`)).join(', ')}${brokenGangs.has(g.name) ? ' (breaks a required pack)' : ''}` : ''),
  };
}

export function SelectionPanel({
  span,
  levels,
  podGangs,
  pods,
  cluster,
  onClear,
}: {
  span: WorkloadSpan;
  levels: readonly HeatmapLevel[];
  podGangs: readonly KubeObject[];
  /** The cluster's pods (default: the stream's), for each gang's state. */
  pods?: readonly KubeObject[];
  /** The cluster state: packs are judged on every bound pod of a gang (CPU-only ones too), not only those on the map. */
  cluster?: Pick<ClusterState, 'nodes' | 'pods'>;
  onClear: () => void;
}) {
  const streamedPods = useKindObjects('Pod');
  const allPods = pods ?? streamedPods;
  const checks = useMemo(() => checkGangConstraints(span, levels, podGangs, cluster), [span, levels, podGangs, cluster]);
  const gangs = useMemo(() => workloadGangs(span, podGangs, allPods), [span, podGangs, allPods]);
  const boundOffMap = useMemo(
    () => (span.pods > 0 || !cluster ? 0 : cluster.pods.filter((p) => !p.terminal && p.nodeName && workloadOfPod(p) === span.key).length),
    [span, cluster],
  );
  const text = selectionText(span, levels, checks, boundOffMap);
  const pending = pendingText(span);
  const namespace = span.key.slice(0, span.key.indexOf('/'));
  return (
    <section aria-label="Selected workload" data-testid="selection-panel" className="rounded-md border border-blue-300 bg-blue-50 p-3 text-sm dark:border-blue-800 dark:bg-blue-950/40">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="font-semibold">
          {span.key} · {span.pods === 0 ? <span data-testid="selection-gpus" data-gpus="0">no GPUs yet</span> : <><span data-testid="selection-gpus">{span.gpus}</span> GPUs on {span.pods} pods</>}
          {pending && <span data-testid="selection-pending"> · {pending}</span>}
        </h2>
        <button type="button" onClick={onClear} className="rounded-md border border-zinc-300 px-2 py-0.5 dark:border-zinc-700">
          Clear selection (Esc)
        </button>
      </div>
      {text.spans.length > 0 && (
        <ul className="mt-1">
          {text.spans.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
      {text.unplaced && (
        <p className="mt-1" data-testid="selection-only-pending">
          {text.unplaced}. {boundOffMap > 0 ? 'It holds no GPUs on this map yet.' : 'None of its pods is bound to a node yet, so it holds no GPUs on this map.'}{' '}
          <Link href={`/workloads/${encodeURIComponent(namespace)}/${encodeURIComponent(span.key.slice(namespace.length + 1))}`} className="text-blue-700 underline hover:no-underline dark:text-blue-400">
            Why its pods wait (workloads page)
          </Link>
        </p>
      )}
      {text.problems && (
        <p role="note" data-testid="constraint-problems" className="mt-1 font-medium text-red-800 dark:text-red-300">
          ⚠ {text.problems}
        </p>
      )}
      {text.notes && (
        <p role="note" data-testid="constraint-notes" className="mt-1 text-amber-900 dark:text-amber-200">
          Note: {text.notes}
        </p>
      )}
      {text.split && (
        <p role="note" data-testid="split-gangs" className="mt-1 text-zinc-700 dark:text-zinc-300">
          {text.split}
        </p>
      )}
      <details className="mt-1">
        <summary>Gangs ({gangs.length})</summary>
        <ul className="ml-4 list-disc">
          {gangs.map((g) => (
            <li key={g.name}>
              {gangRowText(g)}
              {g.span && text.gangSplit(g.span)}
            </li>
          ))}
        </ul>
      </details>
    </section>
  );
}
