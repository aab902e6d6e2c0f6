'use client';
/** The selected workload: its GPUs, the domains it spans, and its gangs (split ones called out, each with the state its pods give). */
import { LABEL_PODCLIQUE, LABEL_PODGANG } from '../../lib/grove/labels';
import type { KubeObject } from '../../lib/grove/meta';
import type { PodGang } from '../../lib/grove/podgang';
import { levelValueLabel, type HeatmapLevel } from '../../lib/heatmap/levels';
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

/** How a selection reads: the domains it spans per visible level, and its split gangs (collapsed levels included). */
export function selectionText(span: WorkloadSpan, levels: readonly HeatmapLevel[]): { spans: string[]; split: string | null; gangSplit: (gang: GangSpan) => string } {
  const levelOf = (domain: string) => levels.find((l) => l.domain === domain);
  const plural = (domain: string, count: number) => {
    const name = levelOf(domain)?.nvlink ? 'NVLink domain' : domain;
    return `${count} ${name}${count === 1 ? '' : 's'}`;
  };
  const values = (domain: string, list: readonly string[]) => {
    const level = levelOf(domain);
    return list.map((v) => (level ? levelValueLabel(level, v) : v)).join(', ');
  };
  // A split at a collapsed level is still a split: it is named, with a word on why the map does not show it.
  const collapsed = (domain: string) => (domain in span.domains ? '' : `; the ${levelOf(domain)?.nvlink ? 'NVLink' : domain} level is collapsed on the map`);
  const split = span.gangs.filter((g) => g.splitAt.length);
  return {
    spans: Object.entries(span.domains).map(([level, list]) => `Spans ${plural(level, list.length)}: ${values(level, list)}`),
    split: split.length
      ? split.map((g) => `gang ${g.name} is split across ${g.splitAt.map((l) => `${plural(l, g.domains[l]!.length)} (${values(l, g.domains[l]!)}${collapsed(l)})`).join(' and ')}`).join('; ')
      : null,
    gangSplit: (g) => (g.splitAt.length ? ` — split across ${g.splitAt.join(', ')}` : ''),
  };
}

export function SelectionPanel({
  span,
  levels,
  podGangs,
  pods,
  onClear,
}: {
  span: WorkloadSpan;
  levels: readonly HeatmapLevel[];
  podGangs: readonly KubeObject[];
  /** The cluster's pods (default: the stream's), for each gang's state. */
  pods?: readonly KubeObject[];
  onClear: () => void;
}) {
  const streamedPods = useKindObjects('Pod');
  const allPods = pods ?? streamedPods;
  const text = selectionText(span, levels);
  const namespace = span.key.slice(0, span.key.indexOf('/'));
  const state = (name: string) => {
    const gang = podGangs.find((g) => g.metadata?.name === name && (g.metadata?.namespace ?? 'default') === namespace);
    return gang ? podGangState(gang, allPods) : undefined;
  };
  return (
    <section aria-label="Selected workload" data-testid="selection-panel" className="rounded-md border border-blue-300 bg-blue-50 p-3 text-sm dark:border-blue-800 dark:bg-blue-950/40">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="font-semibold">
          {span.key} · <span data-testid="selection-gpus">{span.gpus}</span> GPUs on {span.pods} pods
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
      {text.split && (
        <p role="note" data-testid="split-gangs" className="mt-1 font-medium text-amber-800 dark:text-amber-300">
          ⚠ {text.split}
        </p>
      )}
      <details className="mt-1">
        <summary>Gangs ({span.gangs.length})</summary>
        <ul className="ml-4 list-disc">
          {span.gangs.map((g) => (
            <li key={g.name}>
              {g.name}: {g.gpus} GPUs{state(g.name) ? `, ${state(g.name)}` : ''}
              {text.gangSplit(g)}
            </li>
          ))}
        </ul>
      </details>
    </section>
  );
}
