/**
 * Independent plan verifier: checks any Plan against the ClusterState and the expanded gangs it was
 * made for. Separate code from the placement engine on purpose (it imports only the plan *types*), so
 * the benchmarks and property tests can trust a plan only as far as this file does.
 *
 * Semantics, per API-NOTES §11–§12:
 * - gangs are checked in plan order; capacity counts non-terminal bound pods of the state plus every
 *   pod of the gangs placed earlier in the plan (cpu, memory, GPUs and pod slots);
 * - a domain is its label path, the label values of the binding's levels from the broadest down to its
 *   own (as KAI Scheduler's calcDomainId): rack-1 of zone z0 and rack-1 of zone z1 are two racks;
 * - a node that lacks the label of any level of the binding is outside the topology: KAI builds its
 *   topology tree only from nodes with every level's label (plugins/topology isNodePartOfTopology) and
 *   gives a set with a topology constraint, required or preferred, and every set inside it, no other
 *   node. A pod under such a constraint on such a node is a violation (`topology-label`); a pod under
 *   none may use it;
 * - a `required` pack constraint (gang, group config or pod group) holds when all placed pods of the
 *   set are on nodes with one label path down to the level;
 * - constraint domains map to label keys through the gang's ClusterTopologyBinding (by name, or the
 *   only one in the state); a domain the binding lacks is dropped, as Grove drops it;
 * - `preferred` is an objective, not a rule: it is not checked here.
 */
import type { ClusterState, NodeInfo, Resources, ScalarResource, TopologyInfo } from '../cluster/state';
import type { ExpandedGang, ExpandedPod, GangTopologyConstraint } from '../grove/gang';
import type { GangPlacement, Plan } from './plan';
import { rejectNode, type NodeFilterRule } from './verifyFilters';

export type VerifyRule =
  | 'plan-gangs'
  | 'feasible-mismatch'
  | 'unknown-pod'
  | 'duplicate-pod'
  | 'pod-mismatch'
  | 'unknown-node'
  | NodeFilterRule
  | 'capacity'
  | 'topology-label'
  | 'pack-required'
  | 'domain-mismatch'
  | 'min-replicas'
  | 'optional-unaccounted'
  | 'unplaced-has-pods'
  | 'missing-reason'
  | 'base-gang-unplaced';

export interface Violation {
  gang: string;
  pod?: string;
  rule: VerifyRule;
  message: string;
}

/** A set of a gang's pods that one topology constraint applies to. */
export interface ConstrainedSet {
  /** "gang", "group-config <name>" or "pod-group <name>". */
  label: string;
  podGroups: string[];
  constraint: GangTopologyConstraint;
}

/** Every constrained set of a gang: the gang itself, each group config, each pod group. */
export function constrainedSets(gang: ExpandedGang): ConstrainedSet[] {
  const out: ConstrainedSet[] = [];
  const all = gang.podGroups.map((g) => g.name);
  if (gang.topologyConstraint) out.push({ label: 'gang', podGroups: all, constraint: gang.topologyConstraint });
  for (const c of gang.groupConfigs) {
    if (c.topologyConstraint) out.push({ label: `group-config ${c.name}`, podGroups: c.podGroupNames, constraint: c.topologyConstraint });
  }
  for (const g of gang.podGroups) {
    if (g.topologyConstraint) out.push({ label: `pod-group ${g.name}`, podGroups: [g.name], constraint: g.topologyConstraint });
  }
  return out;
}

/** The binding a gang's constraints refer to: by name, else the only one in the state. */
export function topologyOf(state: ClusterState, gang: ExpandedGang): TopologyInfo | undefined {
  if (gang.topologyName !== undefined) return state.topologies.find((t) => t.name === gang.topologyName);
  return state.topologies.length === 1 ? state.topologies[0] : undefined;
}

/** Label key of a domain name in a binding, or undefined when the binding lacks it. */
export function levelKey(topology: TopologyInfo | undefined, domain: string | undefined): string | undefined {
  if (!topology || domain === undefined) return undefined;
  return topology.levels.find((l) => l.domain === domain)?.key;
}

/** The levels of a domain's label path: the binding's levels from the broadest down to `domain`; undefined when the binding lacks it. */
export function pathLevels(topology: TopologyInfo | undefined, domain: string | undefined): TopologyInfo['levels'] | undefined {
  if (!topology || domain === undefined) return undefined;
  const depth = topology.levels.findIndex((l) => l.domain === domain);
  return depth < 0 ? undefined : topology.levels.slice(0, depth + 1);
}

/**
 * A node's domain at the last of `levels` as a string, "zone=z0/rack=rack-1", or undefined when it
 * lacks one of the labels (written here, not shared with the engine: the verifier is independent).
 */
export function nodeDomainPath(labels: Readonly<Record<string, string>>, levels: TopologyInfo['levels']): string | undefined {
  const steps: string[] = [];
  for (const level of levels) {
    if (!Object.prototype.hasOwnProperty.call(labels, level.key)) return undefined;
    steps.push(`${level.domain}=${labels[level.key]}`);
  }
  return steps.join('/');
}

const RESOURCE_NAMES: [ScalarResource, string][] = [
  ['gpu', 'nvidia.com/gpu'],
  ['cpuMilli', 'cpu (millicores)'],
  ['memory', 'memory (bytes)'],
  ['pods', 'pods'],
];

/** Every pod takes one pod slot even when its requests forget to say so. */
function demand(r: Resources): Resources {
  return { gpu: r.gpu, cpuMilli: r.cpuMilli, memory: r.memory, pods: Math.max(1, r.pods), ...(r.extended ? { extended: r.extended } : {}) };
}

export function verifyPlan(state: ClusterState, gangs: ExpandedGang[], plan: Plan): Violation[] {
  const out: Violation[] = [];
  const nodes = new Map<string, NodeInfo>(state.nodes.map((n) => [n.name, n]));
  const used = new Map<string, Resources>();
  const use = (node: string, r: Resources): Resources => {
    const cur = used.get(node) ?? { gpu: 0, cpuMilli: 0, memory: 0, pods: 0 };
    const next: Resources = { gpu: cur.gpu + r.gpu, cpuMilli: cur.cpuMilli + r.cpuMilli, memory: cur.memory + r.memory, pods: cur.pods + r.pods };
    if (cur.extended || r.extended) {
      const ext: Record<string, number> = { ...cur.extended };
      for (const [name, v] of Object.entries(r.extended ?? {})) ext[name] = (ext[name] ?? 0) + v;
      next.extended = ext;
    }
    used.set(node, next);
    return next;
  };
  for (const p of state.pods) if (!p.terminal && p.nodeName) use(p.nodeName, demand(p.requests));

  const seenGangs = new Set<string>();
  const byName = new Map(gangs.map((g) => [g.name, g]));
  // Scheduled, as Grove ungates scaled gangs: placed, or (placed pod by pod) each pod group's minimum placed.
  const minimumsPlaced = (gp: GangPlacement) => !!byName.get(gp.name)?.podGroups.every((g) => gp.pods.filter((p) => p.podGroup === g.name).length >= g.minReplicas);
  const placedGangs = new Set(plan.gangs.filter((g) => g.placed || (g.independent && minimumsPlaced(g))).map((g) => g.name));
  const overflowReported = new Set<string>();

  for (const gp of plan.gangs) {
    const gang = byName.get(gp.name);
    if (!gang) {
      out.push({ gang: gp.name, rule: 'plan-gangs', message: `plan lists gang ${gp.name}, which was not asked for` });
      continue;
    }
    if (seenGangs.has(gp.name)) {
      out.push({ gang: gp.name, rule: 'plan-gangs', message: `gang ${gp.name} appears more than once in the plan` });
      continue;
    }
    seenGangs.add(gp.name);
    // A gang placed pod by pod (kube-scheduler) lists the pods that fit even when not all did.
    if (!gp.placed && !gp.independent) {
      if (gp.pods.length > 0) out.push({ gang: gp.name, rule: 'unplaced-has-pods', message: `gang ${gp.name} is not placed but lists ${gp.pods.length} pod(s)` });
      if (!gp.reason) out.push({ gang: gp.name, rule: 'missing-reason', message: `gang ${gp.name} is not placed and gives no reason` });
      continue;
    }
    if (gang.baseGang && byName.has(gang.baseGang) && !placedGangs.has(gang.baseGang)) {
      out.push({ gang: gp.name, rule: 'base-gang-unplaced', message: `scaled gang ${gp.name} is placed but its base gang ${gang.baseGang} is not` });
    }
    verifyPlacedGang(gang, gp, nodes, state, use, overflowReported, out);
  }
  for (const g of gangs) {
    if (!seenGangs.has(g.name)) out.push({ gang: g.name, rule: 'plan-gangs', message: `gang ${g.name} is missing from the plan` });
  }
  const allPlaced = plan.gangs.every((g) => g.placed) && gangs.every((g) => seenGangs.has(g.name));
  if (plan.feasible !== allPlaced) {
    out.push({ gang: '', rule: 'feasible-mismatch', message: `plan.feasible is ${plan.feasible} but ${allPlaced ? 'every' : 'not every'} gang is placed` });
  }
  return out;
}

function verifyPlacedGang(
  gang: ExpandedGang,
  gp: GangPlacement,
  nodes: Map<string, NodeInfo>,
  state: ClusterState,
  use: (node: string, r: Resources) => Resources,
  overflowReported: Set<string>,
  out: Violation[],
): void {
  const pods = new Map<string, ExpandedPod>();
  for (const g of gang.podGroups) for (const p of g.pods) pods.set(p.name, p);
  const nodeOfPod = new Map<string, string>();
  const perGroup = new Map<string, number>();

  for (const pp of gp.pods) {
    const v = (rule: VerifyRule, message: string) => out.push({ gang: gang.name, pod: pp.name, rule, message });
    const pod = pods.get(pp.name);
    if (!pod) {
      v('unknown-pod', `pod ${pp.name} is not a pod of gang ${gang.name}`);
      continue;
    }
    if (nodeOfPod.has(pp.name)) {
      v('duplicate-pod', `pod ${pp.name} is listed more than once`);
      continue;
    }
    nodeOfPod.set(pp.name, pp.node);
    perGroup.set(pod.podClique, (perGroup.get(pod.podClique) ?? 0) + 1);
    if (pp.podGroup !== pod.podClique || pp.clique !== pod.clique || pp.gpus !== pod.requests.gpu) {
      v('pod-mismatch', `pod ${pp.name} is listed as ${pp.podGroup}/${pp.clique} with ${pp.gpus} GPU(s); it is ${pod.podClique}/${pod.clique} with ${pod.requests.gpu}`);
    }
    const node = nodes.get(pp.node);
    if (!node) {
      v('unknown-node', `pod ${pp.name} is on node ${pp.node}, which does not exist`);
      continue;
    }
    const rejection = rejectNode(node, pod.scheduling);
    if (rejection) v(rejection.rule, `pod ${pp.name}: ${rejection.message}`);
    const total = use(node.name, demand(pod.requests));
    for (const [res, label] of RESOURCE_NAMES) {
      const key = `${node.name}/${res}`;
      if (total[res] > node.allocatable[res] && !overflowReported.has(key)) {
        overflowReported.add(key);
        v('capacity', `node ${node.name} is over its ${label}: ${total[res]} requested > ${node.allocatable[res]} allocatable, once pod ${pp.name} is added`);
      }
    }
    // Extended resources: only pods that ask for some are checked; a node without the resource has 0.
    for (const name of Object.keys(pod.requests.extended ?? {})) {
      const key = `${node.name}/${name}`;
      const has = node.allocatable.extended?.[name] ?? 0;
      if (total.extended![name]! > has && !overflowReported.has(key)) {
        overflowReported.add(key);
        v('capacity', `node ${node.name} is over its ${name}: ${total.extended![name]} requested > ${has} allocatable, once pod ${pp.name} is added`);
      }
    }
  }

  if (!gp.placed && !gp.reason) out.push({ gang: gang.name, rule: 'missing-reason', message: `gang ${gang.name} is not placed and gives no reason` });
  // Without gang scheduling there is no minimum to hold, and the topology constraints are ignored.
  for (const g of gp.independent ? [] : gang.podGroups) {
    const n = perGroup.get(g.name) ?? 0;
    if (n < g.minReplicas) {
      out.push({ gang: gang.name, rule: 'min-replicas', message: `pod group ${g.name} has ${n} pod(s) placed, below minReplicas ${g.minReplicas}` });
    }
  }
  const optional = new Set(gp.independent ? (gp.unplacedPods ?? []) : (gp.unplacedOptionalPods ?? []));
  const listName = gp.independent ? 'an unplaced pod' : 'an unplaced optional pod';
  for (const name of pods.keys()) {
    const placed = nodeOfPod.has(name);
    if (placed === optional.has(name)) {
      const why = placed ? `is placed and also listed as ${listName}` : `is neither placed nor listed as ${listName}`;
      out.push({ gang: gang.name, pod: name, rule: 'optional-unaccounted', message: `pod ${name} ${why}` });
    }
  }

  const topology = topologyOf(state, gang);
  const groupOf = new Map<string, string>();
  for (const g of gang.podGroups) for (const p of g.pods) groupOf.set(p.name, g.name);
  const sets = gp.independent ? [] : constrainedSets(gang);
  // A set constrains only through a level the binding has (Grove drops the others).
  const binds = (set: ConstrainedSet) => pathLevels(topology, set.constraint.required) !== undefined || pathLevels(topology, set.constraint.preferred) !== undefined;
  const outside = new Set<string>();
  for (const [podName, nodeName] of nodeOfPod) {
    const node = nodes.get(nodeName);
    const set = node && sets.find((x) => binds(x) && x.podGroups.includes(groupOf.get(podName) ?? ''));
    if (!node || !set || !topology) continue;
    const missing = topology.levels.filter((l) => !Object.prototype.hasOwnProperty.call(node.labels, l.key)).map((l) => l.key);
    if (missing.length === 0) continue;
    outside.add(podName);
    out.push({
      gang: gang.name,
      pod: podName,
      rule: 'topology-label',
      message: `${set.label} has a topology constraint, but pod ${podName} is on node ${nodeName}, which has no ${missing.join(', ')} label and so is outside topology ${topology.name}`,
    });
  }
  for (const set of sets) {
    const levels = pathLevels(topology, set.constraint.required);
    if (levels === undefined) continue;
    const members = new Set(set.podGroups);
    const values = new Map<string, string>();
    for (const [podName, nodeName] of nodeOfPod) {
      // A pod outside the topology is reported above, once.
      if (!members.has(groupOf.get(podName) ?? '') || outside.has(podName)) continue;
      const node = nodes.get(nodeName);
      const path = node && nodeDomainPath(node.labels, levels);
      if (path !== undefined && !values.has(path)) values.set(path, podName);
    }
    if (values.size > 1) {
      const list = [...values.keys()].sort().join(', ');
      out.push({ gang: gang.name, rule: 'pack-required', message: `${set.label} requires one ${set.constraint.required} but spans ${values.size}: ${list}` });
    }
  }

  for (const [domain, value] of Object.entries(gp.domains)) {
    const key = levelKey(topology, domain);
    if (key === undefined) continue;
    for (const [podName, nodeName] of nodeOfPod) {
      const actual = nodes.get(nodeName)?.labels[key];
      if (nodes.has(nodeName) && actual !== value) {
        out.push({ gang: gang.name, pod: podName, rule: 'domain-mismatch', message: `plan says ${domain}=${value}, but pod ${podName} is on node ${nodeName} with ${key}=${actual ?? '(none)'}` });
        break;
      }
    }
  }
}
