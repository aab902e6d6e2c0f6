/**
 * Pins: where the new pods of a gang that already runs must go. A gang scheduler (KAI) places the new
 * pods of a PodGroup with running pods so that each required topology constraint holds for old and new
 * pods together: the new pods go inside the domain, at the constraint's level, that the running pods of
 * the constraint's scope occupy — the whole gang's pods for the PodGang's constraint, the group's pods
 * for a group config's (a scaling-group replica in the base gang), the pod group's for a clique's.
 * kube-scheduler ignores topology constraints, so nothing is pinned for it (backend.ts).
 * One rule for the scale preview (preview.ts) and the simulated scheduler (server/sources/simulated-scheduler.ts),
 * so the two never disagree about where a scale-up may land.
 */
import type { ClusterState, NodeInfo, PodInfo } from '../cluster/state';
import type { NodeSelectorTerm } from '../grove/core';
import type { ExpandedGang, ExpandedPod, ExpandedPodGroup, GangTopologyConstraint } from '../grove/gang';
import { LABEL_PODCLIQUE, LABEL_PODGANG } from '../grove/labels';
import { domainId, labelPath } from '../topology/domainPath';
import { placesPodsIndependently, schedulerNameOf } from './backend';
import type { GangPlacement } from './plan';

/**
 * How many of a pod group's new pods its gang scheduler must place together: what its `running` pods
 * still lack of `minReplicas` (Grove's PodGroup minReplicas, the clique's minAvailable, counts every pod
 * of the group, and KAI counts the running ones toward it), at most the `added` pods there are. The
 * other new pods are best effort, placed as they fit (API-NOTES §11).
 */
export function minimumStillNeeded(minReplicas: number, running: number, added: number): number {
  return Math.min(added, Math.max(0, minReplicas - running));
}

/** Whose running pods a pin follows: the PodGang's constraint, a group config's, or a pod group's (clique's). */
export type PinScope = 'gang' | 'group config' | 'pod group';

/** A required domain the new pods of a running gang must join. */
export interface Pin {
  scope: PinScope;
  /** The constraint's level (a domain name of the binding, e.g. "rack"). */
  domain: string;
  /** The level's node label key. */
  key: string;
  /** The domain the running pods occupy (the key's value). */
  value: string;
  /**
   * The domain's label path, broadest level first, ending with `key`=`value`: a domain is its path (as
   * KAI sees it), so the new pods are held to every step of it, not to the value alone (rack-1 of zone
   * z0, not any rack-1).
   */
  path: { domain: string; key: string; value: string }[];
  /** The gang, group config or pod group already running there. */
  runs: string;
  /** GPUs the new pods held to this pin ask for. */
  gpus: number;
}

/** What is left to place of a running gang: its new pods, pinned, and the pins that hold them. */
export interface GangIncrement {
  /**
   * The gang with only the new pods, and every pod carrying its pins as node constraints. A pod group's
   * minReplicas is what its running pods still lack of the clique's minAvailable (Grove's PodGroup
   * minReplicas counts every pod of the group, and KAI counts the running ones toward it): those pods
   * are placed together or not at all, the rest as they fit (API-NOTES §11). A clique already at its
   * minimum needs none: its new pods are all best effort.
   */
  gang: ExpandedGang;
  /** One pin per scope that has one: the gang's first, then per pod group its group configs' and its own. */
  pins: Pin[];
}

/** Does the gang's scheduler keep a running gang's new pods in its required domains? Gang schedulers do; kube-scheduler does not. */
export function pinsRunningGang(gang: Pick<ExpandedGang, 'labels'>): boolean {
  return !placesPodsIndependently(schedulerNameOf(gang));
}

export interface Pinning {
  /** The running (bound, not terminal) pods of the gang `namespace/name`. */
  running(namespace: string, gang: string): readonly PodInfo[];
  /**
   * The increment of `gang`: per pod group the pods `newPods` gives (groups without any are left out,
   * and so is a gang without any: undefined). With `pin`, every required constraint whose scope has
   * running pods all in one domain of its level pins the scope's new pods there.
   */
  increment(gang: ExpandedGang, newPods: (group: ExpandedPodGroup) => readonly ExpandedPod[], options: { pin: boolean }): GangIncrement | undefined;
  /**
   * A pinned gang that did not fit: the reason says which running domain it must join and what that
   * domain has free, ahead of the engine's words (which only see node constraints the user never wrote).
   * A placed gang whose new pods above the minimum did not all fit gets the same words as the reason of
   * the first of them (with what the domain has left once the placed ones are in). A placed gang that
   * left nothing out, or one without pins, is returned as it is.
   */
  explain(placement: GangPlacement, pins: readonly Pin[] | undefined): GangPlacement;
}

// Per pods array (the tab's ClusterState replaces it when a pod changes, never edits it in place).
const boundByGangMemo = new WeakMap<readonly PodInfo[], ReadonlyMap<string, readonly PodInfo[]>>();

/**
 * The bound, not terminal pods of `pods` per gang ("namespace/gang", by their grove.io/podgang label),
 * built once per pods array: the pins read a running gang's pods from it, and health (lib/workloads),
 * which runs per stack on every render of the workloads list, reads each stack's own gangs' pods.
 */
export function boundPodsByGang(pods: readonly PodInfo[]): ReadonlyMap<string, readonly PodInfo[]> {
  const known = boundByGangMemo.get(pods);
  if (known) return known;
  const index = new Map<string, PodInfo[]>();
  for (const p of pods) {
    const gang = p.labels[LABEL_PODGANG];
    if (p.terminal || !p.nodeName || !gang) continue;
    const key = `${p.namespace}/${gang}`;
    const list = index.get(key);
    if (list) list.push(p);
    else index.set(key, [p]);
  }
  boundByGangMemo.set(pods, index);
  return index;
}

/** Pins over one ClusterState: its running pods and free GPUs are indexed once for every gang asked about. */
export function pinning(state: ClusterState): Pinning {
  const nodes = new Map<string, NodeInfo>(state.nodes.map((n) => [n.name, n]));
  const runningByGang = boundPodsByGang(state.pods);
  const usedGpus = new Map<string, number>();
  for (const p of state.pods) {
    if (p.terminal || !p.nodeName) continue;
    usedGpus.set(p.nodeName, (usedGpus.get(p.nodeName) ?? 0) + p.requests.gpu);
  }
  const running = (namespace: string, gang: string) => runningByGang.get(`${namespace}/${gang}`) ?? [];
  /**
   * The new pods each pin holds, with their GPUs: which pin stopped a pod above the minimum, and what
   * that pod needed. Per pin, as a pin is one gang's: pod names repeat across namespaces.
   */
  const heldBy = new WeakMap<Pin, Map<string, number>>();

  /** The domain (label path) of the constraint's required level when every running pod of the scope sits in one. */
  const domainOf = (pods: readonly PodInfo[], constraint: GangTopologyConstraint | undefined, levelsTo: (domain: string) => { domain: string; key: string }[] | undefined) => {
    const domain = constraint?.required;
    const levels = domain ? levelsTo(domain) : undefined;
    if (!domain || !levels || pods.length === 0) return undefined;
    const paths = new Map<string, { domain: string; key: string; value: string }[]>();
    for (const p of pods) {
      const labels = nodes.get(p.nodeName!)?.labels;
      const values = labels && labelPath(labels, levels, levels.length - 1);
      if (!values) return undefined; // a pod outside the topology: no domain to join
      paths.set(domainId(levels, values), levels.map((l, i) => ({ domain: l.domain, key: l.key, value: values[i]! })));
    }
    // Running pods already split across domains (placed before the constraint, or by hand): nothing to join.
    if (paths.size !== 1) return undefined;
    const [path] = paths.values();
    const own = path![path!.length - 1]!;
    return { domain, key: own.key, value: own.value, path: path! };
  };

  const inPath = (node: NodeInfo, pin: Pin) => pin.path.every((step) => node.labels[step.key] === step.value);

  /** The pinned domain for people: its value, with its parents while another domain shares the value ("rack-1 in zone z0"). */
  const pinName = (pin: Pin): string => {
    let name = pin.value;
    for (let i = pin.path.length - 2; i >= 0; i--) {
      const shared = state.nodes.some((node) => node.labels[pin.key] === pin.value && pin.path.slice(i + 1).every((s) => node.labels[s.key] === s.value) && node.labels[pin.path[i]!.key] !== pin.path[i]!.value);
      if (!shared) break;
      name += ` in ${pin.path[i]!.domain} ${pin.path[i]!.value}`;
    }
    return name;
  };

  const freeGpus = (pin: Pin) => {
    let gpu = 0;
    for (const node of state.nodes) {
      if (!inPath(node, pin) || !node.ready || node.unschedulable) continue;
      gpu += Math.max(0, node.allocatable.gpu - (usedGpus.get(node.name) ?? 0));
    }
    return gpu;
  };

  const pinMessage = (pin: Pin, gpu: number) => {
    const name = pinName(pin);
    return { name, message: `must join ${pin.domain} ${name} where ${pin.runs} runs (required ${pin.domain}); ${name} has ${gpu} free GPU${gpu === 1 ? '' : 's'}` };
  };
  /** The pin to name among `free`: the narrowest of those `short` of GPUs; when none is (CPU, memory, a filter stop the pods), the narrowest. */
  const pinToName = (free: { pin: Pin; gpu: number }[], short: (x: { pin: Pin; gpu: number }) => boolean) => {
    const depth = levelDepth(state);
    const narrowest = (list: typeof free) => list.reduce((a, b) => (depth(b.pin) >= depth(a.pin) ? b : a));
    const lacking = free.filter(short);
    return narrowest(lacking.length > 0 ? lacking : free);
  };

  return {
    running,
    increment(gang, newPods, options) {
      const gangRunning = running(gang.namespace, gang.name);
      const runningPerGroup = new Map<string, number>();
      for (const p of gangRunning) {
        const group = p.labels[LABEL_PODCLIQUE] ?? '';
        runningPerGroup.set(group, (runningPerGroup.get(group) ?? 0) + 1);
      }
      const minimumOf = (group: ExpandedPodGroup, added: number) => minimumStillNeeded(group.minReplicas, runningPerGroup.get(group.name) ?? 0, added);
      const keyOf = levelPaths(state, gang);
      const pinOn = options.pin && gangRunning.length > 0;
      // One pin per scope, computed once; its GPUs add up over the new pods it holds.
      const scopes = new Map<string, Pin | null>();
      const scopePin = (id: string, make: () => Omit<Pin, 'gpus'> | undefined): Pin | undefined => {
        if (!scopes.has(id)) {
          const pin = make();
          scopes.set(id, pin ? { ...pin, gpus: 0 } : null);
        }
        return scopes.get(id) ?? undefined;
      };
      const scopeOf = (scope: PinScope, runs: string, pods: readonly PodInfo[], constraint: GangTopologyConstraint | undefined) => () => {
        const at = domainOf(pods, constraint, keyOf);
        return at ? { scope, runs, ...at } : undefined;
      };
      const podGroups = gang.podGroups.flatMap((group) => {
        const pods = newPods(group);
        if (pods.length === 0) return [];
        const minReplicas = minimumOf(group, pods.length);
        if (!pinOn) return [{ ...group, minReplicas, pods: [...pods] }];
        const inGroups = (names: readonly string[]) => gangRunning.filter((p) => names.includes(p.labels[LABEL_PODCLIQUE] ?? ''));
        const pins = [
          scopePin('gang', scopeOf('gang', gang.name, gangRunning, gang.topologyConstraint)),
          ...gang.groupConfigs
            .filter((c) => c.podGroupNames.includes(group.name))
            .map((c) => scopePin(`config/${c.name}`, scopeOf('group config', c.name, inGroups(c.podGroupNames), c.topologyConstraint))),
          scopePin(`group/${group.name}`, scopeOf('pod group', group.name, inGroups([group.name]), group.topologyConstraint)),
        ].filter((x): x is Pin => x !== undefined);
        const gpus = pods.reduce((n, p) => n + p.requests.gpu, 0);
        for (const pin of pins) {
          pin.gpus += gpus;
          const held = heldBy.get(pin) ?? new Map<string, number>();
          for (const p of pods) held.set(p.name, p.requests.gpu);
          heldBy.set(pin, held);
        }
        const steps = pins.flatMap((pin) => pin.path);
        return [{ ...group, minReplicas, pods: pods.map((p) => pinned(p, steps)) }];
      });
      if (podGroups.length === 0) return undefined;
      const names = new Set(podGroups.map((g) => g.name));
      const groupConfigs = gang.groupConfigs.map((c) => ({ ...c, podGroupNames: c.podGroupNames.filter((n) => names.has(n)) })).filter((c) => c.podGroupNames.length > 0);
      // Scopes were first met gang, then group configs, then pod groups: the order the pins keep.
      const pins = [...scopes.values()].filter((x): x is Pin => x !== null);
      return { gang: { ...gang, podGroups, groupConfigs }, pins };
    },
    explain(placement, pins) {
      if (!pins || pins.length === 0) return placement;
      if (placement.placed) {
        // Pods above the minimum left out: the first one's pins, with what their domains keep free
        // once the pods placed beside it are in.
        const first = placement.unplacedOptionalPods?.[0];
        const holding = first === undefined ? [] : pins.filter((pin) => heldBy.get(pin)?.has(first));
        if (holding.length === 0) return placement;
        const need = heldBy.get(holding[0]!)!.get(first!) ?? 0;
        const left = (pin: Pin) => {
          const taken = placement.pods.reduce((n, p) => {
            const node = nodes.get(p.node);
            return node && inPath(node, pin) ? n + p.gpus : n;
          }, 0);
          return Math.max(0, freeGpus(pin) - taken);
        };
        const { pin, gpu } = pinToName(
          holding.map((pin) => ({ pin, gpu: left(pin) })),
          (x) => x.gpu < need,
        );
        return { ...placement, unplacedOptionalReason: `${first}: ${pinMessage(pin, gpu).message}` };
      }
      // The pin to name: the one whose domain lacks the GPUs its new pods ask for, the narrowest of
      // those; when none lacks GPUs (CPU, memory, a filter), the narrowest pin.
      const { pin, gpu } = pinToName(
        pins.map((pin) => ({ pin, gpu: freeGpus(pin) })),
        (x) => x.gpu < x.pin.gpus,
      );
      const { name, message } = pinMessage(pin, gpu);
      return {
        ...placement,
        reason: message,
        explanation: [{ level: pin.domain, needs: `room in ${pin.domain} ${name}`, best: `${gpu} GPUs free`, message }, ...(placement.explanation ?? [])],
      };
    },
  };
}

/** domain → the levels of its label path (broadest first, ending with it), from the gang's ClusterTopologyBinding (or the cluster's only one). */
function levelPaths(state: ClusterState, gang: ExpandedGang): (domain: string) => { domain: string; key: string }[] | undefined {
  const topology = gang.topologyName ? state.topologies.find((t) => t.name === gang.topologyName) : state.topologies.length === 1 ? state.topologies[0] : undefined;
  return (domain) => {
    const depth = topology ? topology.levels.findIndex((l) => l.domain === domain) : -1;
    return depth < 0 ? undefined : topology!.levels.slice(0, depth + 1);
  };
}

/** How narrow a pin's level is: its index among the levels (broadest first) of the binding that has it. */
function levelDepth(state: ClusterState): (pin: Pin) => number {
  return (pin) => {
    for (const t of state.topologies) {
      const i = t.levels.findIndex((l) => l.key === pin.key && l.domain === pin.domain);
      if (i >= 0) return i;
    }
    return -1;
  };
}

/**
 * The pod with its pins as node constraints (each step of a pin's label path): a nodeSelector entry each, unless the pod's own
 * nodeSelector names the same key with another value; then the pin is ANDed into every required
 * node-affinity term instead, so both must hold (and the pod cannot be placed), as for the real pod.
 */
export function pinned(pod: ExpandedPod, pins: readonly Pick<Pin, 'key' | 'value'>[]): ExpandedPod {
  if (pins.length === 0) return pod;
  const own = pod.scheduling.nodeSelector ?? {};
  const clash = pins.filter((p) => own[p.key] !== undefined && own[p.key] !== p.value);
  const selector = { ...own, ...Object.fromEntries(pins.filter((p) => !clash.includes(p)).map((p) => [p.key, p.value])) };
  const scheduling = { ...pod.scheduling, nodeSelector: selector };
  if (clash.length > 0) {
    const terms: NodeSelectorTerm[] = pod.scheduling.requiredNodeAffinity?.length ? pod.scheduling.requiredNodeAffinity : [{}];
    const expressions = clash.map((p) => ({ key: p.key, operator: 'In', values: [p.value] }));
    scheduling.requiredNodeAffinity = terms.map((t) => ({ ...t, matchExpressions: [...(t.matchExpressions ?? []), ...expressions] }));
  }
  return { ...pod, scheduling };
}
