/**
 * Exact reference: the single-gang placement problem as a MILP, solved with HiGHS (the `highs` npm
 * package, WebAssembly). Same rules as the verifier, same objective as the engine's spreadCost.
 *
 * Definition used for pods above minReplicas (applied to both solvers): a gang is its all-or-nothing
 * core, exactly minReplicas pods per pod group; optional pods are best effort and outside both the
 * feasibility question and the objective. The benchmark hands the engine the same core (coreOf).
 *
 * Variables (pods of one pod group are interchangeable: same template, requests and scheduling, which
 * expand guarantees and `buildModel` checks, so the x[pod][node] binaries are aggregated per group):
 *   y[g][n] ∈ {0..ub}   pods of group g on node n (only for nodes that pass g's filters)
 *   z[s][d] ∈ {0,1}     constrained set s with a required level uses domain d (exactly one)
 *   u[s][d] ∈ {0,1}     set s with a preferred level occupies domain d of that level
 * Constraints: Σ_n y[g][n] = minReplicas(g); per node and resource Σ_g req·y ≤ free;
 *   Σ_{g∈s, n∈d} y[g][n] ≤ M_s·z[s][d]; Σ_d z[s][d] = 1; Σ_{g∈s, n∈d} y[g][n] ≤ M_s·u[s][d];
 *   a group inside any set with a required or preferred level gets y = 0 on a node that lacks the label
 *   of any level of the binding (KAI leaves such a node out of the topology, as the verifier's
 *   `topology-label` rule says), so every node such a group may use has a domain at every level.
 * A domain d is a label path (the verifier's nodeDomainPath): rack-1 of zone z0 and of zone z1 are two.
 * Objective: min Σ_s (Σ_d u[s][d] − 1) = spreadCost.
 */
import type { Highs } from 'highs';
import type { ClusterState, NodeInfo, Resources, ScalarResource } from '../lib/cluster/state';
import type { ExpandedGang } from '../lib/grove/gang';
import type { GangPlacement } from '../lib/placement/plan';
import { constrainedSets, nodeDomainPath, pathLevels, topologyOf } from '../lib/placement/verify';
import { rejectNode } from '../lib/placement/verifyFilters';

export interface MilpResult {
  status: 'optimal' | 'infeasible' | 'unknown';
  /** spreadCost of the optimum. */
  objective?: number;
  /** The optimum as a gang placement (for the verifier). */
  placement?: GangPlacement;
  variables: number;
  rows: number;
  ms: number;
  detail?: string;
}

interface Model {
  lp: string;
  variables: number;
  rows: number;
  constant: number;
  /** Variable name → [group index, node index]. */
  y: Map<string, [number, number]>;
}

const RES: ScalarResource[] = ['gpu', 'cpuMilli', 'memory', 'pods'];

function freeResources(state: ClusterState): Map<string, Resources> {
  const free = new Map<string, Resources>(state.nodes.map((n) => [n.name, { ...n.allocatable }]));
  for (const p of state.pods) {
    const f = p.nodeName && !p.terminal ? free.get(p.nodeName) : undefined;
    if (!f) continue;
    f.gpu -= p.requests.gpu;
    f.cpuMilli -= p.requests.cpuMilli;
    f.memory -= p.requests.memory;
    f.pods -= Math.max(1, p.requests.pods);
  }
  return free;
}

/** A linear expression written a few terms per line (the LP reader is happiest with short lines). */
function expr(terms: [number, string][]): string {
  const parts = terms.map(([c, v], i) => `${c < 0 ? '-' : i === 0 ? '' : '+'} ${Math.abs(c)} ${v}`);
  const lines: string[] = [];
  for (let i = 0; i < parts.length; i += 8) lines.push(parts.slice(i, i + 8).join(' '));
  return lines.join('\n   ');
}

/** The model, or a reason why the gang is trivially infeasible. */
export function buildModel(state: ClusterState, gang: ExpandedGang): Model | { infeasible: string } {
  const nodes = state.nodes;
  const free = freeResources(state);
  const topology = topologyOf(state, gang);
  const groups = gang.podGroups.map((g) => ({ g, m: g.minReplicas, pod: g.pods[0] }));
  for (const { g } of groups) {
    const sig = (i: number) => JSON.stringify([g.pods[i]?.requests, g.pods[i]?.scheduling]);
    if (g.pods.some((_, i) => sig(i) !== sig(0))) throw new Error(`pod group ${g.name}: pods differ; the aggregated model needs identical pods`);
    if (g.pods.length < g.minReplicas) return { infeasible: `pod group ${g.name} has fewer pods than minReplicas` };
  }
  const sets = constrainedSets(gang).map((s) => ({
    groups: s.podGroups.map((n) => gang.podGroups.findIndex((g) => g.name === n)).filter((i) => i >= 0),
    req: pathLevels(topology, s.constraint.required),
    pref: pathLevels(topology, s.constraint.preferred),
  }));
  const inTopology = (node: NodeInfo) => !!topology && nodeDomainPath(node.labels, topology.levels) !== undefined;
  const bound = groups.map((_, gi) => sets.some((s) => (s.req !== undefined || s.pref !== undefined) && s.groups.includes(gi)));

  const y = new Map<string, [number, number]>();
  const yName = (gi: number, ni: number) => `y${gi}_${ni}`;
  const bounds: string[] = [];
  const generals: string[] = [];
  const binaries: string[] = [];
  const rows: string[] = [];
  const objective: [number, string][] = [];
  const perNode = new Map<number, [number, string][]>();

  groups.forEach(({ m, pod }, gi) => {
    if (m === 0 || !pod) return;
    const terms: [number, string][] = [];
    nodes.forEach((node, ni) => {
      if (rejectNode(node, pod.scheduling)) return;
      const f = free.get(node.name) as Resources;
      let ub = m;
      for (const r of RES) {
        const need = r === 'pods' ? Math.max(1, pod.requests.pods) : pod.requests[r];
        if (need > 0) ub = Math.min(ub, Math.floor(f[r] / need));
      }
      if (bound[gi] && !inTopology(node)) ub = 0;
      if (ub <= 0) return;
      const v = yName(gi, ni);
      y.set(v, [gi, ni]);
      bounds.push(` 0 <= ${v} <= ${ub}`);
      generals.push(v);
      terms.push([1, v]);
      const list = perNode.get(ni) ?? [];
      list.push([gi, v]);
      perNode.set(ni, list);
    });
    if (terms.length === 0) throw Object.assign(new Error('no node'), { infeasible: `pod group ${gang.podGroups[gi]?.name} fits on no node` });
    rows.push(`c_min${gi}: ${expr(terms)} = ${m}`);
  });

  for (const [ni, vars] of perNode) {
    if (vars.length < 2) continue; // a single group's bound already encodes the node's room
    const f = free.get((nodes[ni] as NodeInfo).name) as Resources;
    for (const r of RES) {
      const terms = vars
        .map(([gi, v]) => {
          const req = (groups[gi]?.pod as NonNullable<(typeof groups)[number]['pod']>).requests;
          return [r === 'pods' ? Math.max(1, req.pods) : req[r], v] as [number, string];
        })
        .filter(([c]) => c > 0);
      if (terms.length > 1) rows.push(`c_cap${ni}_${r}: ${expr(terms)} <= ${f[r]}`);
    }
  }

  let constant = 0;
  sets.forEach((s, si) => {
    const size = s.groups.reduce((t, gi) => t + (groups[gi]?.m ?? 0), 0);
    if (size === 0) return;
    const domainsOf = (levels: NonNullable<typeof s.req>) => {
      const ds = new Map<string, string[]>();
      for (const [v, [gi, ni]] of y) {
        if (!s.groups.includes(gi)) continue;
        // Defined: the set's groups have y only on nodes in the topology.
        const d = nodeDomainPath((nodes[ni] as NodeInfo).labels, levels) as string;
        ds.set(d, [...(ds.get(d) ?? []), v]);
      }
      return [...ds.values()];
    };
    if (s.req !== undefined) {
      const ds = domainsOf(s.req);
      if (ds.length === 0) throw Object.assign(new Error('no domain'), { infeasible: `a required set has no domain with an eligible node` });
      const zs = ds.map((vars, di) => {
        const z = `z${si}_${di}`;
        binaries.push(z);
        rows.push(`c_req${si}_${di}: ${expr([...vars.map((v) => [1, v] as [number, string]), [-size, z]])} <= 0`);
        return [1, z] as [number, string];
      });
      rows.push(`c_one${si}: ${expr(zs)} = 1`);
    }
    if (s.pref !== undefined) {
      constant -= 1;
      domainsOf(s.pref).forEach((vars, di) => {
        const u = `u${si}_${di}`;
        binaries.push(u);
        objective.push([1, u]);
        rows.push(`c_pref${si}_${di}: ${expr([...vars.map((v) => [1, v] as [number, string]), [-size, u]])} <= 0`);
      });
    }
  });

  if (objective.length === 0) objective.push([0, generals[0] as string]);
  const lp = [
    'Minimize',
    ` obj: ${expr(objective)}`,
    'Subject To',
    ...rows.map((r) => ` ${r}`),
    'Bounds',
    ...bounds,
    ...(generals.length ? ['General', ...generals.map((v) => ` ${v}`)] : []),
    ...(binaries.length ? ['Binary', ...binaries.map((v) => ` ${v}`)] : []),
    'End',
  ].join('\n');
  return { lp, variables: generals.length + binaries.length, rows: rows.length, constant, y };
}

export function solveGang(highs: Highs, state: ClusterState, gang: ExpandedGang, timeLimitSeconds = 20): MilpResult {
  const t0 = performance.now();
  let model: ReturnType<typeof buildModel>;
  try {
    model = buildModel(state, gang);
  } catch (e) {
    const why = (e as { infeasible?: string }).infeasible;
    if (why === undefined) throw e;
    model = { infeasible: why };
  }
  if ('infeasible' in model) return { status: 'infeasible', variables: 0, rows: 0, ms: performance.now() - t0, detail: model.infeasible };
  const r = highs.solve(model.lp, { output_flag: false, time_limit: timeLimitSeconds, mip_rel_gap: 0 });
  const ms = performance.now() - t0;
  const base = { variables: model.variables, rows: model.rows, ms };
  if (r.Status === 'Infeasible') return { ...base, status: 'infeasible' };
  if (r.Status !== 'Optimal') return { ...base, status: 'unknown', detail: r.Status };
  const pods: GangPlacement['pods'] = [];
  const next = new Map<number, number>();
  for (const [v, [gi, ni]] of model.y) {
    const col = (r.Columns as Record<string, { Primal?: number }>)[v];
    const count = Math.round(col?.Primal ?? 0);
    const g = gang.podGroups[gi];
    for (let k = 0; g && k < count; k++) {
      const idx = next.get(gi) ?? 0;
      next.set(gi, idx + 1);
      const pod = g.pods[idx];
      if (pod) pods.push({ name: pod.name, podGroup: g.name, clique: g.clique, node: (state.nodes[ni] as NodeInfo).name, gpus: pod.requests.gpu });
    }
  }
  const optional = gang.podGroups.flatMap((g) => g.pods.slice(g.minReplicas).map((p) => p.name));
  const placement: GangPlacement = { name: gang.name, placed: true, domains: {}, pods, ...(optional.length ? { unplacedOptionalPods: optional } : {}) };
  return { ...base, status: 'optimal', objective: Math.round(r.ObjectiveValue + model.constant), placement };
}
