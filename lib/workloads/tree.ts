/**
 * One inference stack as Grove sees it: PodCliqueSet → replica → scaling group → PodClique → Pod, and
 * the PodGangs with their member pods, built from the watch store's plain objects.
 *
 * Membership follows what the operator writes (API-NOTES §7): every generated object carries
 * `app.kubernetes.io/part-of: <pcs>` + `managed-by: grove-operator`, replica and scaling-group labels,
 * and an ownerReference (PCS → PCLQ/PCSG/PodGang, PCSG → member PCLQ, PCLQ → Pod). Either one is
 * enough, so a cluster whose objects lack one of them still shows the stack. Names are only a fallback
 * for the replica index: scaled PodGangs are offset by minAvailable (§22.13), so labels win.
 */
import {
  GROVE_API_VERSION,
  LABEL_BASE_PODGANG,
  LABEL_MANAGED_BY,
  LABEL_MANAGED_BY_VALUE,
  LABEL_PART_OF,
  LABEL_PCSG,
  LABEL_PCSG_REPLICA_INDEX,
  LABEL_PODCLIQUE,
  LABEL_PODCLIQUE_POD_INDEX,
  LABEL_PODGANG,
} from '../grove/labels';
import type { Condition, KubeObject } from '../grove/meta';
import { scalingGroupOfPodClique, type PodClique } from '../grove/podclique';
import { minAvailableOf, replicaIndexOf, STARTUP_EXPLICIT, STARTUP_IN_ORDER, type PodCliqueSet } from '../grove/podcliqueset';
import { PCSG_KIND, type PodCliqueScalingGroup } from '../grove/podcliquescalinggroup';
import type { PodGang } from '../grove/podgang';
import { naturalCompare } from '../topology/tree';
import { addStageCounts, countStages, emptyStageCounts, podGpus, podStage, type PodStage, type StageCounts } from './pods';

/** The store's objects, one list per kind (what useKindObjects returns). */
export interface WorkloadObjects {
  podCliqueSets: readonly KubeObject[];
  podCliques: readonly KubeObject[];
  podCliqueScalingGroups: readonly KubeObject[];
  podGangs: readonly KubeObject[];
  pods: readonly KubeObject[];
}

export interface PodNode {
  name: string;
  namespace: string;
  stage: PodStage;
  /** Bound node, if any. */
  node?: string;
  podIndex?: number;
  /** Full PodClique name. */
  podClique: string;
  /** PodGang the pod belongs to (label, else the gang whose podReferences name it). */
  gang?: string;
  gpus: number;
  object: KubeObject;
}

export interface CliqueNode {
  name: string;
  /** Clique template name (what `startsAfter` and the PCS template use). */
  template: string;
  pcsIndex: number;
  replicas: number;
  minAvailable: number;
  scalingGroup?: { name: string; replicaIndex: number };
  gang?: string;
  /** Full PodClique names this clique waits for (spec.startsAfter on the PodClique). */
  startsAfter: string[];
  breached?: Condition;
  pods: PodNode[];
  counts: StageCounts;
  object: PodClique;
}

export interface ScalingGroupReplicaNode {
  index: number;
  gang?: string;
  cliques: CliqueNode[];
  counts: StageCounts;
}

export interface ScalingGroupNode {
  name: string;
  template: string;
  pcsIndex: number;
  replicas: number;
  minAvailable: number;
  availableReplicas: number;
  /**
   * The PodCliqueScalingGroup itself was not in the store (this identity may not list the kind, or its
   * list failed): the node stands for it from its member PodCliques' `grove.io/podcliquescalinggroup`
   * label, `replicas` counts their replica indices, `availableReplicas` and the conditions are unknown.
   */
  unread?: true;
  breached?: Condition;
  replicaNodes: ScalingGroupReplicaNode[];
  counts: StageCounts;
  object: PodCliqueScalingGroup;
}

export interface ReplicaNode {
  index: number;
  cliques: CliqueNode[];
  scalingGroups: ScalingGroupNode[];
  counts: StageCounts;
}

export interface GangMember {
  /** PodGroup name = full PodClique name. */
  podClique: string;
  minReplicas: number;
  pods: PodNode[];
}

/**
 * A gang's state read from its members, because the Grove operator only ever writes phase Pending
 * (API-NOTES §9, §22.8) and kube-scheduler/KAI write none: Scheduled when every pod group has at
 * least minReplicas pods bound, Running when every pod group has at least minReplicas pods Ready.
 */
export type GangState = 'Pending' | 'Scheduled' | 'Running';

export interface GangNode {
  name: string;
  /** status.phase (Pending/Starting/Running), or undefined when the scheduler writes none. */
  phase?: string;
  /** What the members say (see GangState). */
  state: GangState;
  base: boolean;
  /** For scaled gangs: the base gang (label grove.io/base-podgang on its pods/cliques). */
  baseGang?: string;
  members: GangMember[];
  counts: StageCounts;
  object: PodGang;
}

export interface WorkloadTree {
  namespace: string;
  name: string;
  pcs: PodCliqueSet;
  replicas: ReplicaNode[];
  gangs: GangNode[];
  pods: PodNode[];
  podCliques: CliqueNode[];
  scalingGroups: ScalingGroupNode[];
  counts: StageCounts;
}

const labelsOf = (o: KubeObject) => o.metadata?.labels ?? {};
const nameOf = (o: KubeObject) => o.metadata?.name ?? '';
const nsOf = (o: KubeObject) => o.metadata?.namespace ?? 'default';
const ownedBy = (o: KubeObject, uid: string | undefined) => !!uid && (o.metadata?.ownerReferences ?? []).some((r) => r.uid === uid);
/** Names in natural order: replica, group-replica and pod indices compare as numbers (x-2 before x-10). */
const compareNames = (a: { name: string }, b: { name: string }) => naturalCompare(a.name, b.name);

function intLabel(o: KubeObject, key: string): number | undefined {
  const v = labelsOf(o)[key];
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  return Number(v);
}

function conditionOf(o: KubeObject, type: string): Condition | undefined {
  const conditions = (o as { status?: { conditions?: Condition[] } }).status?.conditions;
  return Array.isArray(conditions) ? conditions.find((c) => c.type === type) : undefined;
}

function breachedOf(o: KubeObject): Condition | undefined {
  const c = conditionOf(o, 'MinAvailableBreached');
  return c && c.status === 'True' ? c : undefined;
}

/** Is `o` one of the objects the operator generated for `pcs`? */
export function belongsTo(o: KubeObject, pcs: KubeObject): boolean {
  if (nsOf(o) !== nsOf(pcs)) return false;
  if (ownedBy(o, pcs.metadata?.uid)) return true;
  const l = labelsOf(o);
  return l[LABEL_PART_OF] === nameOf(pcs) && l[LABEL_MANAGED_BY] === LABEL_MANAGED_BY_VALUE;
}

/** The PodCliqueSet objects of one namespace (or all when `namespace` is null). */
export function podCliqueSetsIn(objects: readonly KubeObject[], namespace: string | null): PodCliqueSet[] {
  return (objects as PodCliqueSet[]).filter((o) => namespace === null || nsOf(o) === namespace);
}

export function findPodCliqueSet(objects: readonly KubeObject[], namespace: string, name: string): PodCliqueSet | undefined {
  return (objects as PodCliqueSet[]).find((o) => nsOf(o) === namespace && nameOf(o) === name);
}

/** Builds the tree of one PodCliqueSet from the store's objects. */
export function buildWorkloadTree(pcs: PodCliqueSet, objects: WorkloadObjects): WorkloadTree {
  const ns = nsOf(pcs);
  const pcsName = nameOf(pcs);
  const pcsgObjects = (objects.podCliqueScalingGroups as PodCliqueScalingGroup[]).filter((o) => belongsTo(o, pcs));
  const groupUids = new Set(pcsgObjects.map((g) => g.metadata.uid).filter(Boolean));
  const pclqObjects = (objects.podCliques as PodClique[]).filter((o) => belongsTo(o, pcs) || (nsOf(o) === ns && (o.metadata.ownerReferences ?? []).some((r) => groupUids.has(r.uid))));
  const gangObjects = (objects.podGangs as PodGang[]).filter((o) => belongsTo(o, pcs));

  // Pods by PodClique: the label, else an ownerReference to the PodClique's uid.
  const cliqueByName = new Map(pclqObjects.map((c) => [nameOf(c), c]));
  const cliqueByUid = new Map(pclqObjects.filter((c) => c.metadata.uid).map((c) => [c.metadata.uid!, c]));
  const gangOfPod = new Map<string, string>();
  for (const g of gangObjects) for (const pg of g.spec?.podgroups ?? []) for (const r of pg.podReferences ?? []) gangOfPod.set(r.name, nameOf(g));
  const podsByClique = new Map<string, PodNode[]>();
  for (const pod of objects.pods) {
    if (nsOf(pod) !== ns) continue;
    const labelled = labelsOf(pod)[LABEL_PODCLIQUE];
    const owner = labelled !== undefined ? cliqueByName.get(labelled) : (pod.metadata?.ownerReferences ?? []).map((r) => cliqueByUid.get(r.uid)).find(Boolean);
    if (!owner) continue;
    const podClique = nameOf(owner);
    const node = (pod as { spec?: { nodeName?: string } }).spec?.nodeName;
    const podIndex = intLabel(pod, LABEL_PODCLIQUE_POD_INDEX);
    const gang = labelsOf(pod)[LABEL_PODGANG] ?? gangOfPod.get(nameOf(pod));
    const entry: PodNode = {
      name: nameOf(pod),
      namespace: ns,
      stage: podStage(pod),
      podClique,
      gpus: podGpus(pod),
      object: pod,
      ...(node ? { node } : {}),
      ...(podIndex !== undefined ? { podIndex } : {}),
      ...(gang ? { gang } : {}),
    };
    const list = podsByClique.get(podClique);
    if (list) list.push(entry);
    else podsByClique.set(podClique, [entry]);
  }
  for (const list of podsByClique.values()) list.sort((a, b) => (a.podIndex ?? 0) - (b.podIndex ?? 0) || compareNames(a, b));

  const groupByUid = new Map(pcsgObjects.filter((g) => g.metadata.uid).map((g) => [g.metadata.uid!, g]));
  // The group a PodClique is a member of: its label (what the operator writes), else an ownerReference.
  // Known even when the PodCliqueScalingGroups themselves cannot be read, so a member is never shown
  // as a standalone clique.
  const groupNameOf = (c: PodClique): string | undefined => {
    const owner = (c.metadata.ownerReferences ?? []).map((r) => groupByUid.get(r.uid)).find(Boolean);
    return labelsOf(c)[LABEL_PCSG] || (owner ? nameOf(owner) : scalingGroupOfPodClique(c));
  };

  const cliqueNodes: CliqueNode[] = pclqObjects.map((c) => {
    const name = nameOf(c);
    const pcsIndex = replicaIndexOf(c, pcsName);
    const group = groupNameOf(c);
    const groupIndex = group ? (intLabel(c, LABEL_PCSG_REPLICA_INDEX) ?? Number(/^-(\d+)-/.exec(name.slice(group.length))?.[1] ?? 0)) : undefined;
    const prefix = group ? `${group}-${groupIndex}-` : `${pcsName}-${pcsIndex}-`;
    const pods = podsByClique.get(name) ?? [];
    const gang = labelsOf(c)[LABEL_PODGANG] ?? pods.find((p) => p.gang)?.gang;
    const breached = breachedOf(c);
    return {
      name,
      template: name.startsWith(prefix) ? name.slice(prefix.length) : name,
      pcsIndex,
      replicas: c.spec?.replicas ?? 0,
      minAvailable: minAvailableOf(pcs, c, 'PodClique'),
      ...(group ? { scalingGroup: { name: group, replicaIndex: groupIndex ?? 0 } } : {}),
      ...(gang ? { gang } : {}),
      startsAfter: [...(c.spec?.startsAfter ?? [])],
      ...(breached ? { breached } : {}),
      pods,
      counts: countStages(pods.map((p) => p.stage)),
      object: c,
    };
  });
  cliqueNodes.sort((a, b) => a.pcsIndex - b.pcsIndex || compareNames(a, b));

  // Groups named by their members but not in the store (not readable): stand-ins from the members.
  const readGroups = new Set(pcsgObjects.map(nameOf));
  const unreadGroups = [...new Set(cliqueNodes.flatMap((c) => (c.scalingGroup && !readGroups.has(c.scalingGroup.name) ? [c.scalingGroup.name] : [])))];
  const standIns = unreadGroups.map((name): PodCliqueScalingGroup => {
    const members = cliqueNodes.filter((c) => c.scalingGroup?.name === name);
    return {
      apiVersion: GROVE_API_VERSION,
      kind: PCSG_KIND,
      metadata: { name, namespace: ns },
      spec: { replicas: new Set(members.map((c) => c.scalingGroup!.replicaIndex)).size, cliqueNames: [...new Set(members.map((c) => c.template))].sort() },
    };
  });
  const groupNodes: ScalingGroupNode[] = [...pcsgObjects, ...standIns].map((g) => {
    const name = nameOf(g);
    const unread = !readGroups.has(name);
    const members = cliqueNodes.filter((c) => c.scalingGroup?.name === name);
    const pcsIndex = unread ? (members[0]?.pcsIndex ?? 0) : replicaIndexOf(g, pcsName);
    const indices = new Set<number>(members.map((c) => c.scalingGroup!.replicaIndex));
    for (let j = 0; j < (g.spec?.replicas ?? 0); j++) indices.add(j);
    const replicaNodes = [...indices]
      .sort((a, b) => a - b)
      .map((index): ScalingGroupReplicaNode => {
        const cliques = members.filter((c) => c.scalingGroup!.replicaIndex === index);
        const gang = cliques.find((c) => c.gang)?.gang;
        return { index, cliques, counts: cliques.reduce((acc, c) => addStageCounts(acc, c.counts), emptyStageCounts()), ...(gang ? { gang } : {}) };
      });
    const prefix = `${pcsName}-${pcsIndex}-`;
    const breached = breachedOf(g);
    return {
      name,
      template: name.startsWith(prefix) ? name.slice(prefix.length) : name,
      pcsIndex,
      replicas: g.spec?.replicas ?? 0,
      minAvailable: minAvailableOf(pcs, g, 'PodCliqueScalingGroup'),
      availableReplicas: g.status?.availableReplicas ?? 0,
      ...(unread ? { unread: true as const } : {}),
      ...(breached ? { breached } : {}),
      replicaNodes,
      counts: members.reduce((acc, c) => addStageCounts(acc, c.counts), emptyStageCounts()),
      object: g,
    };
  });
  groupNodes.sort((a, b) => a.pcsIndex - b.pcsIndex || compareNames(a, b));

  const replicaIndices = new Set<number>();
  for (let i = 0; i < (pcs.spec?.replicas ?? 0); i++) replicaIndices.add(i);
  for (const c of cliqueNodes) replicaIndices.add(c.pcsIndex);
  for (const g of groupNodes) replicaIndices.add(g.pcsIndex);
  const replicas = [...replicaIndices]
    .sort((a, b) => a - b)
    .map((index): ReplicaNode => {
      const cliques = cliqueNodes.filter((c) => c.pcsIndex === index && !c.scalingGroup);
      const scalingGroups = groupNodes.filter((g) => g.pcsIndex === index);
      const counts = [...cliques.map((c) => c.counts), ...scalingGroups.map((g) => g.counts)].reduce(addStageCounts, emptyStageCounts());
      return { index, cliques, scalingGroups, counts };
    });

  const allPods = cliqueNodes.flatMap((c) => c.pods);
  const podByName = new Map(allPods.map((p) => [p.name, p]));
  const gangs: GangNode[] = gangObjects.map((g) => {
    const name = nameOf(g);
    const members: GangMember[] = (g.spec?.podgroups ?? []).map((pg) => {
      const referenced = (pg.podReferences ?? []).map((r) => podByName.get(r.name)).filter((p): p is PodNode => !!p);
      // Pods created but not referenced yet (the operator fills podReferences once they exist).
      const labelled = allPods.filter((p) => p.podClique === pg.name && p.gang === name && !referenced.includes(p));
      return { podClique: pg.name, minReplicas: pg.minReplicas ?? 0, pods: [...referenced, ...labelled] };
    });
    const memberPods = members.flatMap((m) => m.pods);
    const baseGang = memberPods.map((p) => labelsOf(p.object)[LABEL_BASE_PODGANG]).find(Boolean);
    const phase = g.status?.phase;
    return {
      name,
      ...(phase ? { phase } : {}),
      state: gangState(members),
      base: !baseGang || baseGang === name,
      ...(baseGang && baseGang !== name ? { baseGang } : {}),
      members,
      counts: countStages(memberPods.map((p) => p.stage)),
      object: g,
    };
  });
  // By PodCliqueSet replica, its base gang first, then the scaled gangs by group and scaled index.
  const replicaOfGang = new Map(gangs.map((g) => [g.name, replicaIndexOf(g.object, pcsName)]));
  gangs.sort((a, b) => replicaOfGang.get(a.name)! - replicaOfGang.get(b.name)! || Number(b.base) - Number(a.base) || compareNames(a, b));

  return {
    namespace: ns,
    name: pcsName,
    pcs,
    replicas,
    gangs,
    pods: allPods,
    podCliques: cliqueNodes,
    scalingGroups: groupNodes,
    counts: countStages(allPods.map((p) => p.stage)),
  };
}

const BOUND_STAGES: readonly PodStage[] = ['scheduled', 'running', 'ready'];

export function gangState(members: readonly GangMember[]): GangState {
  const everyGroupHas = (stages: readonly PodStage[]) => members.every((m) => m.pods.filter((p) => stages.includes(p.stage)).length >= m.minReplicas);
  if (members.length === 0) return 'Pending';
  if (everyGroupHas(['ready'])) return 'Running';
  return everyGroupHas(BOUND_STAGES) ? 'Scheduled' : 'Pending';
}

/**
 * The words the gang table shows: the state its members give, and the scheduler's phase beside it
 * only when that says more than Pending (Grove's own value) and differs from what the members say.
 */
export function gangStateText(gang: Pick<GangNode, 'state' | 'phase'>): string {
  return gang.phase && gang.phase !== 'Pending' && gang.phase !== gang.state ? `${gang.state} (phase ${gang.phase})` : gang.state;
}

/**
 * The store's objects grouped by stack in one pass per kind, so that building the tree of every
 * PodCliqueSet does not scan every object per stack (300 stacks × 20,000 pods). An object goes to the
 * stacks its keys name, as buildWorkloadTree matches them: a PodCliqueScalingGroup or PodGang by an
 * ownerReference to the PodCliqueSet's uid or its part-of label; a PodClique by those or an
 * ownerReference to one of the stack's scaling groups; a pod by its PodClique label or an ownerReference
 * to one of the stack's PodCliques. Each stack gets a superset of what `buildWorkloadTree` keeps (it
 * filters again), in store order, and the same lists on every ask. A PodCliqueSet not in
 * `objects.podCliqueSets` is gathered on its own when asked for.
 */
export function indexWorkloadObjects(objects: WorkloadObjects): (pcs: PodCliqueSet) => WorkloadObjects {
  const grouped = groupByStack(objects, objects.podCliqueSets as PodCliqueSet[]);
  return (pcs) => {
    let own = grouped.get(pcs);
    if (!own) grouped.set(pcs, (own = groupByStack(objects, [pcs]).get(pcs)!));
    return own;
  };
}

const uidKey = (ns: string, uid: string) => `${ns}/uid/${uid}`;
const ownerKeys = (o: KubeObject) => (o.metadata?.ownerReferences ?? []).map((r) => uidKey(nsOf(o), r.uid));
function generatedKeys(o: KubeObject): string[] {
  const partOf = labelsOf(o)[LABEL_PART_OF];
  const keys = ownerKeys(o);
  return partOf !== undefined ? [...keys, `${nsOf(o)}/part-of/${partOf}`] : keys;
}
function podKeys(o: KubeObject): string[] {
  const clique = labelsOf(o)[LABEL_PODCLIQUE];
  const keys = ownerKeys(o);
  return clique !== undefined ? [...keys, `${nsOf(o)}/podclique/${clique}`] : keys;
}

function groupByStack(objects: WorkloadObjects, stacks: readonly PodCliqueSet[]): Map<PodCliqueSet, WorkloadObjects> {
  const out = new Map<PodCliqueSet, WorkloadObjects>();
  type Own = { podCliques: KubeObject[]; podCliqueScalingGroups: KubeObject[]; podGangs: KubeObject[]; pods: KubeObject[] };
  const stackKeys = new Map<string, Own[]>();
  const addKey = (map: Map<string, Own[]>, key: string, owns: readonly Own[]) => {
    const list = map.get(key);
    if (!list) map.set(key, [...owns]);
    else for (const o of owns) if (!list.includes(o)) list.push(o);
  };
  for (const pcs of stacks) {
    const own: Own = { podCliques: [], podCliqueScalingGroups: [], podGangs: [], pods: [] };
    out.set(pcs, { podCliqueSets: [pcs], ...own });
    const ns = nsOf(pcs);
    addKey(stackKeys, uidKey(ns, pcs.metadata?.uid ?? ''), [own]);
    addKey(stackKeys, `${ns}/part-of/${nameOf(pcs)}`, [own]);
  }
  // Each object once per stack it names, in store order.
  const place = (list: readonly KubeObject[], keysOf: (o: KubeObject) => string[], map: ReadonlyMap<string, Own[]>, kind: keyof Own, then?: (o: KubeObject, owns: Own[]) => void) => {
    for (const o of list) {
      let owns: Own[] | undefined;
      for (const key of keysOf(o)) {
        for (const own of map.get(key) ?? []) {
          if (!owns) owns = [own];
          else if (!owns.includes(own)) owns.push(own);
        }
      }
      if (!owns) continue;
      for (const own of owns) own[kind].push(o);
      then?.(o, owns);
    }
  };
  const cliqueOwners = new Map([...stackKeys].map(([key, owns]) => [key, [...owns]]));
  place(objects.podCliqueScalingGroups, generatedKeys, stackKeys, 'podCliqueScalingGroups', (g, owns) => {
    if (g.metadata?.uid) addKey(cliqueOwners, uidKey(nsOf(g), g.metadata.uid), owns);
  });
  const podOwners = new Map<string, Own[]>();
  place(objects.podCliques, generatedKeys, cliqueOwners, 'podCliques', (c, owns) => {
    addKey(podOwners, `${nsOf(c)}/podclique/${nameOf(c)}`, owns);
    if (c.metadata?.uid) addKey(podOwners, uidKey(nsOf(c), c.metadata.uid), owns);
  });
  place(objects.pods, podKeys, podOwners, 'pods');
  place(objects.podGangs, generatedKeys, stackKeys, 'podGangs');
  return out;
}

/** Clique template names in the order they start: InOrder and Explicit give edges, AnyOrder none. */
export interface StartupEdge {
  from: string;
  to: string;
}

export function startupEdges(pcs: PodCliqueSet): StartupEdge[] {
  const template = pcs.spec?.template;
  const cliques = template?.cliques ?? [];
  if (template?.cliqueStartupType === STARTUP_IN_ORDER) {
    return cliques.slice(1).map((c, i) => ({ from: cliques[i]!.name, to: c.name }));
  }
  if (template?.cliqueStartupType === STARTUP_EXPLICIT) {
    const names = new Set(cliques.map((c) => c.name));
    return cliques.flatMap((c) => (c.spec?.startsAfter ?? []).filter((p) => names.has(p)).map((p) => ({ from: p, to: c.name })));
  }
  return [];
}

export interface DeleteImpact {
  podCliques: number;
  scalingGroups: number;
  podGangs: number;
  pods: number;
}

/** What goes with the PodCliqueSet when it is deleted (everything it owns, counted from the store). */
export function deleteImpact(tree: WorkloadTree): DeleteImpact {
  return { podCliques: tree.podCliques.length, scalingGroups: tree.scalingGroups.length, podGangs: tree.gangs.length, pods: tree.pods.length };
}
