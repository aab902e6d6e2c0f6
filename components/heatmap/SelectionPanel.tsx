'use client';
/**
 * The selected workload: its GPUs and pending pods, the domains it spans, the pack constraints its
 * placement breaks (required: a problem; preferred: a note), and its gangs (each with the state its pods give).
 */
import Link from 'next/link';
import { useMemo } from 'react';
import type { ClusterState } from '../../lib/cluster/state';
import { LABEL_PODCLIQUE, LABEL_PODGANG } from '../../lib/grove/labels';
import { checkGangConstraints, podGangIndex, type ConstraintCheck } from '../../lib/heatmap/constraints';
import type { KubeObject } from '../../lib/grove/meta';
import type { PodGang } from '../../lib/grove/podgang';
import type { HeatmapLevel } from '../../lib/heatmap/levels';
import type { GangSpan, WorkloadSpan } from '../../lib/heatmap/span';
import { podGpus, podStage } from '../../lib/workloads/pods';
import { gangState, type GangMember, type GangState } from '../../lib/workloads/tree';
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

/** "5 pods pending, 40 GPUs waiting" (null when none is pending). */
export function pendingText(span: Pick<WorkloadSpan, 'pendingPods' | 'pendingGpus'>): string | null {
  if (span.pendingPods === 0) return null;
  return `${span.pendingPods} pod${span.pendingPods === 1 ? '' : 's'} pending, ${span.pendingGpus} GPU${span.pendingGpus === 1 ? '' : 's'} waiting`;
}

export interface SelectionText {
  spans: string[];
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
export function selectionText(span: WorkloadSpan, levels: readonly HeatmapLevel[], checks: readonly ConstraintCheck[] = []): SelectionText {
  const levelOf = (domain: string) => levels.find((l) => l.domain === domain);
  const plural = (domain: string, count: number) => {
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
    spans: Object.entries(span.domains).map(([level, list]) => `Spans ${plural(level, list.length)}: ${names(list)}`),
    problems: broken(required),
    notes: broken(unmet('preferred')),
    split: spread.length
      ? spread
          .map(
            (g) =>
              `gang ${g.name} spans ${g.splitAt.map((l) => `${plural(l, g.domains[l]!.length)} (${names(g.domains[l]!)}${collapsed(l)})`).join(' and ')}${constrained.has(g.name) ? '' : ' (it has no pack constraint)'}`,
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
  const text = selectionText(span, levels, checks);
  const pending = pendingText(span);
  const namespace = span.key.slice(0, span.key.indexOf('/'));
  const gangs = podGangIndex(podGangs);
  const state = (name: string) => {
    const gang = gangs.get(`${namespace}/${name}`);
    return gang ? podGangState(gang, allPods) : undefined;
  };
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
      <ul className="mt-1">
        {text.spans.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      {span.pods === 0 && pending && (
        <p className="mt-1" data-testid="selection-only-pending">
          None of its pods is bound to a node yet, so it holds no GPUs on this map.{' '}
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
        <summary>Gangs ({span.gangs.length})</summary>
        <ul className="ml-4 list-disc">
          {span.gangs.map((g) => {
            const status = state(g.name);
            return (
              <li key={g.name}>
                {g.name}: {g.gpus} GPUs{status ? `, ${status}` : ''}
                {text.gangSplit(g)}
              </li>
            );
          })}
        </ul>
      </details>
    </section>
  );
}
