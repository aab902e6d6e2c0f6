/**
 * Whether a workload's gangs keep their pack constraints where their pods are now, judged by the one
 * pack check (lib/topology/packs.ts checkPacks, as the workloads health). The constraints are the
 * PodGangs' (spec.topologyConstraint for the whole PodCliqueSet replica, topologyConstraintGroupConfigs
 * for scaling groups, podgroups[].topologyConstraint for cliques), which carry node label keys; the
 * pods are every bound pod of the gang in the cluster state (a CPU-only router too, which holds no cell
 * on the map: the health judges it, so this page does), their domains their nodes' labels. A scheduler
 * that ignores topology (the default scheduler) can break a required pack: that is a problem; a gang
 * without constraints spread over several domains is not.
 */
import { workloadOfPod, type ClusterState, type NodeInfo } from '../cluster/state';
import { LABEL_PODCLIQUE, LABEL_PODGANG } from '../grove/labels';
import type { KubeObject } from '../grove/meta';
import type { PodGang, PodGangTopologyConstraint } from '../grove/podgang';
import { checkPacks, type PackCheck, type PackConstraint, type PackLevel } from '../topology/packs';
import { UNLABELLED } from '../topology/tree';
import { levelValueLabel, type HeatmapLevel } from './levels';
import type { GangSpan, WorkloadSpan } from './span';

/** A pack constraint of one PodGang (`gang`), with the gang's pods on the map it covers. */
export interface GangPackConstraint extends PackConstraint {
  gang: string;
}

export type ConstraintCheck = PackCheck<GangPackConstraint>;

const podGangIndexCache = new WeakMap<readonly KubeObject[], ReadonlyMap<string, KubeObject>>();

/**
 * PodGangs by `namespace/name` (no namespace: default), built once per podGangs array (the stream hands
 * a new array on each PodGang event): a selected workload's gangs are looked up, not searched for.
 */
export function podGangIndex(podGangs: readonly KubeObject[]): ReadonlyMap<string, KubeObject> {
  let index = podGangIndexCache.get(podGangs);
  if (!index) {
    index = new Map(podGangs.map((g) => [`${g.metadata?.namespace ?? 'default'}/${g.metadata?.name ?? ''}`, g] as const));
    podGangIndexCache.set(podGangs, index);
  }
  return index;
}

/** The part of a name after `<pcs>-<index>-`: a clique's or a group config's own name. */
function ownName(name: string, pcs: string): string {
  const prefix = new RegExp(`^${pcs.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-\\d+-`);
  return name.replace(prefix, '');
}

/** A bound pod of a gang: its PodClique (full name) and node. */
type Member = Pick<GangSpan['members'][number], 'podClique' | 'node'>;

/** Per PodGang name, the bound (not terminal) pods of `workload` in the cluster, GPU or not. */
function gangMembers(workload: string, pods: ClusterState['pods']): Map<string, Member[]> {
  const out = new Map<string, Member[]>();
  for (const pod of pods) {
    if (pod.terminal || !pod.nodeName || workloadOfPod(pod) !== workload) continue;
    const gang = pod.labels[LABEL_PODGANG] || '(no PodGang)';
    const member = { podClique: pod.labels[LABEL_PODCLIQUE] ?? '', node: pod.nodeName };
    const list = out.get(gang);
    if (list) list.push(member);
    else out.set(gang, [member]);
  }
  return out;
}

const nodeLabelsCache = new WeakMap<readonly NodeInfo[], ReadonlyMap<string, Readonly<Record<string, string>>>>();
/** Node name → labels, once per nodes array (a pod event keeps the nodes). */
function nodeLabelsOf(nodes: readonly NodeInfo[]): ReadonlyMap<string, Readonly<Record<string, string>>> {
  let index = nodeLabelsCache.get(nodes);
  if (!index) nodeLabelsCache.set(nodes, (index = new Map(nodes.map((n) => [n.name, n.labels] as const))));
  return index;
}

/**
 * Every pack constraint of the selected workload's gangs, checked against where the gang's pods are
 * bound: with `cluster`, every bound pod of the gang there, CPU-only ones too (as the workloads health
 * judges them); without it, the pods on the map (span.gangs: GPU pods only). Pods not bound yet are not
 * judged. A PodGang not (yet) in `podGangs` gives no checks. Levels are matched by label key; a key the
 * layout has no level for cannot be judged and is left out.
 */
export function checkGangConstraints(span: WorkloadSpan, levels: readonly HeatmapLevel[], podGangs: readonly KubeObject[], cluster?: Pick<ClusterState, 'nodes' | 'pods'>): ConstraintCheck[] {
  // PodGangs, not the PodCliqueSet spec: this page shows what Grove handed the scheduler (a level the binding lacks is already dropped there).
  const slash = span.key.indexOf('/');
  const namespace = span.key.slice(0, slash);
  const pcs = span.key.slice(slash + 1);
  const constraints: GangPackConstraint[] = [];
  const gangs = podGangIndex(podGangs);
  const gangSpans = cluster ? [...gangMembers(span.key, cluster.pods)].map(([name, members]) => ({ name, members })).sort((a, b) => (a.name < b.name ? -1 : 1)) : span.gangs;
  for (const gangSpan of gangSpans) {
    const gang = gangs.get(`${namespace}/${gangSpan.name}`) as Partial<PodGang> | undefined;
    const spec = gang?.spec;
    if (!spec) continue;
    const add = (owner: PackConstraint['owner'], ownerName: string, replica: string, constraint: PodGangTopologyConstraint | undefined, members: Member[]) => {
      const pack = constraint?.packConstraint;
      const level = (key: string | undefined) => levels.find((l) => l.key === key)?.domain;
      const required = level(pack?.required);
      const preferred = level(pack?.preferred);
      if ((required || preferred) && members.length) constraints.push({ gang: gangSpan.name, owner, ownerName, replica, ...(required ? { required } : {}), ...(preferred ? { preferred } : {}), pods: members });
    };
    const pcsIndex = /^-(\d+)/.exec(gangSpan.name.slice(pcs.length))?.[1] ?? '?';
    add('PodCliqueSet', pcs, `replica ${pcsIndex}, gang ${gangSpan.name}`, spec.topologyConstraint, gangSpan.members);
    for (const config of spec.topologyConstraintGroupConfigs ?? []) {
      const names = new Set(config.podGroupNames);
      add('scaling group', ownName(config.name, pcs).replace(/-\d+$/, ''), `replica ${config.name}`, config.topologyConstraint, gangSpan.members.filter((m) => names.has(m.podClique)));
    }
    for (const group of spec.podgroups ?? []) {
      add('clique', ownName(group.name, pcs), group.name, group.topologyConstraint, gangSpan.members.filter((m) => m.podClique === group.name));
    }
  }
  const packLevels: PackLevel[] = levels.map((l) => ({ domain: l.domain, key: l.key, ...(l.nvlink ? { noun: 'NVLink domain' } : {}), valueName: (v: string) => levelValueLabel(l, v) }));
  const nodeLabels = cluster ? nodeLabelsOf(cluster.nodes) : spanNodeLabels(span, levels);
  return checkPacks(constraints, (node) => nodeLabels.get(node), packLevels);
}

/** Without the cluster: the node labels of the map's levels, as the span's node boxes hold them (a missing label is left out). */
function spanNodeLabels(span: WorkloadSpan, levels: readonly HeatmapLevel[]): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const m of span.gangs.flatMap((g) => g.members)) out.set(m.node, Object.fromEntries(levels.filter((l) => m.domains[l.domain] !== undefined && m.domains[l.domain] !== UNLABELLED).map((l) => [l.key, m.domains[l.domain]!])));
  return out;
}
