/**
 * What a search on the topology page finds: workloads (PodCliqueSets), PodGangs, pods (bound, pending,
 * or on a node the map does not draw), nodes and topology domains (the map's frames). Several matches
 * are all returned, so the page can offer them instead of silently picking the first.
 * Framework-free, so it is tested in Node.
 */
import { workloadOfPod, type PodInfo } from '../../lib/cluster/state';
import { LABEL_PODGANG } from '../../lib/grove/labels';
import type { KubeObject } from '../../lib/grove/meta';
import type { HeatmapModel } from '../../lib/heatmap/model';
import { naturalCompare } from '../../lib/topology/tree';

/** A thing a search can find. `key` names it whole (unique per kind); `names` are other names it answers to whole. */
export type SearchTarget = {
  key: string;
  names: readonly string[];
  /** The workload (namespace/PodCliqueSet) it belongs to, '' for none; a workload's is its own key. */
  workload: string;
} & (
  | { kind: 'PodCliqueSet' }
  | { kind: 'PodGang' }
  /**
   * `pod`: its index in model.pods when it is on the map; else it is pending (`node` '': not bound to a
   * node yet) or bound to a node the map does not draw (one without GPUs).
   */
  | { kind: 'Pod'; pod: number; node: string; gpus: number }
  | { kind: 'Node'; node: number }
  | { kind: 'domain'; frame: number }
);

export type SearchKind = SearchTarget['kind'];

/** What a query names: nothing, one thing, or several to choose from. */
export type SearchMatch<T> = { kind: 'none' } | { kind: 'one'; target: T } | { kind: 'several'; targets: T[] };

/** A frame's place among the others, broadest first: "zone z0 › block z0-b1". */
export function framePath(model: Pick<HeatmapModel, 'layout'>, frame: number): string {
  const path: string[] = [];
  for (let f = frame; f >= 0; f = model.layout.frames[f]!.parent) path.unshift(model.layout.frames[f]!.label);
  return path.join(' › ');
}

/**
 * Everything a search can find on the map of `model`, from the cluster's `pods` (pending ones too,
 * which the model leaves out) and its `podGangs` and `podCliqueSets` objects (a gang or stack whose
 * pods are not there yet). In kind order: workloads, gangs, pods, nodes, domains.
 */
export function searchTargets(model: HeatmapModel, pods: readonly PodInfo[], podGangs: readonly KubeObject[] = [], podCliqueSets: readonly KubeObject[] = []): SearchTarget[] {
  const targets: SearchTarget[] = [];
  const workloads = new Set<string>();
  const addWorkload = (key: string) => {
    if (!key || workloads.has(key)) return;
    workloads.add(key);
    targets.push({ kind: 'PodCliqueSet', key, names: [key.slice(key.indexOf('/') + 1)], workload: key });
  };
  for (const w of model.workloads) addWorkload(w.key);
  for (const pcs of podCliqueSets) if (pcs.metadata?.namespace && pcs.metadata.name) addWorkload(`${pcs.metadata.namespace}/${pcs.metadata.name}`);

  const gangs = new Map<string, string>();
  const addGang = (namespace: string, name: string | undefined, workload: string) => {
    if (!name) return;
    const key = `${namespace}/${name}`;
    if (!gangs.get(key)) gangs.set(key, workload);
  };
  for (const gang of podGangs) {
    const { namespace, name, labels = {} } = gang.metadata ?? {};
    if (namespace) addGang(namespace, name, workloadOfPod({ namespace, labels }));
  }
  const onMap = new Map(model.pods.map((p, i) => [p.key, i] as const));
  const podTargets: SearchTarget[] = [];
  for (const pod of pods) {
    if (pod.terminal) continue;
    const key = `${pod.namespace}/${pod.name}`;
    const workload = workloadOfPod(pod);
    addGang(pod.namespace, pod.labels[LABEL_PODGANG], workload);
    const index = onMap.get(key);
    // A pod deleted before it was bound waits for nothing (the model leaves it out too).
    if (index === undefined && !pod.nodeName && pod.terminating) continue;
    podTargets.push({ kind: 'Pod', key, names: [pod.name], workload, pod: index ?? -1, node: pod.nodeName ?? '', gpus: pod.requests.gpu });
  }
  for (const key of [...gangs.keys()].sort(naturalCompare)) targets.push({ kind: 'PodGang', key, names: [key.slice(key.indexOf('/') + 1)], workload: gangs.get(key)! });
  targets.push(...podTargets.sort((a, b) => naturalCompare(a.key, b.key)));
  model.layout.nodes.forEach((box, node) => targets.push({ kind: 'Node', key: box.name, names: [], workload: '', node }));
  model.layout.frames.forEach((frame, f) => targets.push({ kind: 'domain', key: framePath(model, f), names: [frame.label, frame.valueLabel, frame.value], workload: '', frame: f }));
  return targets;
}

/**
 * What `query` names among `targets` (any case, surrounding spaces ignored). Tried in order, the first
 * rule that matches anything decides: a whole key (namespace/name, a node's name, a domain's path);
 * a whole name (a bare name, a domain's value or "rack r1"); a part of a key or name. Of what a rule
 * matched, the parts of a matched workload (its gangs and pods) are left out: the workload stands for
 * them (selected, it shows them all); more of a gang's or pod's name finds that one.
 */
export function matchSearch<T extends Pick<SearchTarget, 'kind' | 'key' | 'names' | 'workload'>>(targets: readonly T[], query: string): SearchMatch<T> {
  const q = query.trim().toLowerCase();
  if (!q) return { kind: 'none' };
  const rules = [
    (t: T) => t.key.toLowerCase() === q,
    (t: T) => t.names.some((n) => n.toLowerCase() === q),
    (t: T) => t.key.toLowerCase().includes(q) || t.names.some((n) => n.toLowerCase().includes(q)),
  ];
  for (const rule of rules) {
    const found = targets.filter(rule);
    if (found.length === 0) continue;
    const workloads = new Set(found.filter((t) => t.kind === 'PodCliqueSet').map((t) => t.key));
    const shown = found.filter((t) => t.kind === 'PodCliqueSet' || !workloads.has(t.workload));
    return shown.length === 1 ? { kind: 'one', target: shown[0]! } : { kind: 'several', targets: shown };
  }
  return { kind: 'none' };
}

/** A kind as the page names it. */
export const SEARCH_KIND_LABEL: Record<SearchKind, string> = { PodCliqueSet: 'Workload', PodGang: 'PodGang', Pod: 'Pod', Node: 'Node', domain: 'Domain' };
