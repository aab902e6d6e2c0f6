/** Shared plumbing of the baseline placers: free-resource bookkeeping with undo, node eligibility, plan assembly. */
import type { ClusterState, NodeInfo, PodSchedulingRequirements, Resources } from '../../lib/cluster/state';
import type { ExpandedGang, ExpandedPod } from '../../lib/grove/gang';
import type { GangPlacement, Plan, PlannedPod } from '../../lib/placement/plan';
import { topologyOf } from '../../lib/placement/verify';
import { rejectNode } from '../../lib/placement/verifyFilters';

/** What every placer in the benchmarks looks like (the engine's placeGangs included). */
export type Placer = (state: ClusterState, gangs: ExpandedGang[]) => Plan;

/** Free cpu/memory/GPU/pod slots per node (by index in state.nodes), with an undo log. */
export class FreeIndex {
  readonly gpu: Float64Array;
  readonly cpu: Float64Array;
  readonly mem: Float64Array;
  readonly pods: Float64Array;
  private readonly log: { i: number; r: Resources }[] = [];

  constructor(readonly nodes: NodeInfo[], state: ClusterState) {
    const n = nodes.length;
    this.gpu = new Float64Array(n);
    this.cpu = new Float64Array(n);
    this.mem = new Float64Array(n);
    this.pods = new Float64Array(n);
    const at = new Map<string, number>();
    nodes.forEach((node, i) => {
      at.set(node.name, i);
      this.gpu[i] = node.allocatable.gpu;
      this.cpu[i] = node.allocatable.cpuMilli;
      this.mem[i] = node.allocatable.memory;
      this.pods[i] = node.allocatable.pods;
    });
    for (const p of state.pods) {
      if (p.terminal || !p.nodeName) continue;
      const i = at.get(p.nodeName);
      if (i === undefined) continue;
      this.gpu[i]! -= p.requests.gpu;
      this.cpu[i]! -= p.requests.cpuMilli;
      this.mem[i]! -= p.requests.memory;
      this.pods[i]! -= Math.max(1, p.requests.pods);
    }
  }

  fits(i: number, r: Resources): boolean {
    return this.gpu[i]! >= r.gpu && this.cpu[i]! >= r.cpuMilli && this.mem[i]! >= r.memory && this.pods[i]! >= Math.max(1, r.pods);
  }

  take(i: number, r: Resources): void {
    this.gpu[i]! -= r.gpu;
    this.cpu[i]! -= r.cpuMilli;
    this.mem[i]! -= r.memory;
    this.pods[i]! -= Math.max(1, r.pods);
    this.log.push({ i, r });
  }

  mark(): number {
    return this.log.length;
  }

  rollback(mark: number): void {
    while (this.log.length > mark) {
      const { i, r } = this.log.pop() as { i: number; r: Resources };
      this.gpu[i]! += r.gpu;
      this.cpu[i]! += r.cpuMilli;
      this.mem[i]! += r.memory;
      this.pods[i]! += Math.max(1, r.pods);
    }
  }
}

/** Per scheduling-requirements, which nodes accept the pod (resources aside); computed lazily. */
export class Eligibility {
  private readonly byKey = new Map<string, Int8Array>();
  private readonly byObject = new WeakMap<PodSchedulingRequirements, Int8Array>();
  constructor(private readonly nodes: NodeInfo[]) {}

  private row(req: PodSchedulingRequirements): Int8Array {
    let row = this.byObject.get(req);
    if (row) return row;
    const key = JSON.stringify(req);
    row = this.byKey.get(key);
    if (!row) {
      row = new Int8Array(this.nodes.length);
      this.byKey.set(key, row);
    }
    this.byObject.set(req, row);
    return row;
  }

  ok(i: number, req: PodSchedulingRequirements): boolean {
    const row = this.row(req);
    if (row[i] === 0) row[i] = rejectNode(this.nodes[i] as NodeInfo, req) ? -1 : 1;
    return row[i] === 1;
  }
}

/**
 * The topology level values shared by every placed pod (the plan's `domains`), broadest first, down to
 * the first level where they differ: a domain is a label path, so below that the same value names
 * different domains.
 */
export function commonDomains(state: ClusterState, gang: ExpandedGang, nodes: NodeInfo[]): Record<string, string> {
  const out: Record<string, string> = {};
  const topology = topologyOf(state, gang);
  if (!topology || nodes.length === 0) return out;
  for (const level of topology.levels) {
    const v = nodes[0]?.labels[level.key];
    if (v === undefined || !nodes.every((n) => n.labels[level.key] === v)) break;
    out[level.domain] = v;
  }
  return out;
}

export function plannedPod(pod: ExpandedPod, node: NodeInfo): PlannedPod {
  return { name: pod.name, podGroup: pod.podClique, clique: pod.clique, node: node.name, gpus: pod.requests.gpu };
}

export function unplaced(gang: ExpandedGang, reason: string): GangPlacement {
  return { name: gang.name, placed: false, reason, domains: {}, pods: [] };
}

export function gangGpus(gang: ExpandedGang, onlyRequired = true): number {
  return gang.podGroups.reduce((s, g) => s + (onlyRequired ? g.pods.slice(0, g.minReplicas) : g.pods).reduce((t, p) => t + p.requests.gpu, 0), 0);
}
