/**
 * The builder's graph: plain data derived from a PodCliqueSet object. Cliques are nodes, scaling
 * groups are frames that hold cliques, and `startsAfter` entries are edges from the clique that
 * must be ready first to the clique that waits for it.
 */
import { FieldError } from '../cluster/fieldPath';
import { podRequests } from '../cluster/resources';
import { isRecord } from '../grove/meta';
import { STARTUP_ANY_ORDER, STARTUP_EXPLICIT, STARTUP_IN_ORDER, type CliqueStartupType } from '../grove/podcliqueset';

export const ROLE_KINDS = ['frontend', 'prefill-leader', 'prefill-worker', 'decode-leader', 'decode-worker', 'generic'] as const;
export type RoleKind = (typeof ROLE_KINDS)[number];

export const ROLE_KIND_LABELS: Record<RoleKind, string> = {
  frontend: 'Router / frontend',
  'prefill-leader': 'Prefill leader',
  'prefill-worker': 'Prefill worker',
  'decode-leader': 'Decode leader',
  'decode-worker': 'Decode worker',
  generic: 'Generic',
};

export interface CliqueNode {
  name: string;
  /**
   * What the canvas calls this clique, apart from every other (its node id is `clique:<ref>`, its layout
   * entries are under it, selection and edits find it by it): its name, or for a clique whose name an
   * earlier one has (Grove refuses that, but the YAML can say it) `<name>#2`, `#3`… (entryRefs).
   */
  ref: string;
  /** Index in spec.template.cliques (findings and fields address cliques by it). */
  index: number;
  roleName: string;
  replicas: number | null;
  minAvailable: number | null;
  /** Name of the scaling group holding it, or null when standalone. */
  group: string | null;
  startsAfter: string[];
  /** GPUs one pod takes, as the scheduler counts them (podRequests: max(containers + sidecars, init containers)). */
  gpus: number;
  /** Why the GPUs could not be counted (0 shown meanwhile), starting with the JSON path of the field, e.g. `spec.template.cliques[1].spec.podSpec.containers[2].resources.limits`. */
  gpuError: string | null;
}

export interface GroupNode {
  name: string;
  index: number;
  cliqueNames: string[];
  replicas: number | null;
  minAvailable: number | null;
}

/** `to` starts after `from` (to.spec.startsAfter contains from). */
export interface StartEdge {
  from: string;
  to: string;
}

/**
 * How Grove treats a startup edge of the canvas:
 * - `explicit`: a startsAfter entry, honoured (cliqueStartupType Explicit); removable.
 * - `implied`: InOrder starts each clique after the one listed before it; no startsAfter behind it, so
 *   nothing to remove (the order of cliques[] sets it).
 * - `ignored`: a startsAfter entry Grove ignores under AnyOrder / InOrder; removable.
 */
export type StartEdgeKind = 'explicit' | 'implied' | 'ignored';

/** A startup edge as drawn: between the cliques of the stack, by ref (of two cliques of one name, which one). */
export interface DrawnEdge extends StartEdge {
  /** The clique it starts from: for a startsAfter entry (a name), the first clique of that name. */
  fromRef: string;
  /** The clique that waits: the one whose startsAfter entry, or place in the InOrder sequence, it is. */
  toRef: string;
}

export interface GraphEdge extends DrawnEdge {
  kind: StartEdgeKind;
}

/** A resourceSharing entry that names children (its filter), at stack level (`group` null) or in a scaling group. */
export interface SharingNode {
  name: string;
  /** Index in its resourceSharing list. */
  index: number;
  /** The scaling group whose resourceSharing holds it, or null for spec.template.resourceSharing. */
  group: string | null;
  /** Whether the entry has a filter (without one it shares with every child). */
  filtered: boolean;
  childCliqueNames: string[];
  childScalingGroupNames: string[];
}

export interface BuilderGraph {
  name: string;
  namespace: string;
  replicas: number | null;
  startupType: CliqueStartupType | string;
  cliques: CliqueNode[];
  groups: GroupNode[];
  /** Startup edges as Grove will treat them; one per (from, to) pair. */
  edges: GraphEdge[];
  resourceSharing: SharingNode[];
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

/** GPUs one pod of the clique takes, as the scheduler counts them, or why they cannot be counted while the pod spec is half-written. */
function gpusOf(podSpec: unknown, index: number): { gpus: number; gpuError: string | null } {
  try {
    return { gpus: podRequests(podSpec, `spec.template.cliques[${index}].spec.podSpec`).gpu, gpuError: null };
  } catch (e) {
    if (e instanceof FieldError) return { gpus: 0, gpuError: e.message };
    throw e;
  }
}

/** The graph of a PodCliqueSet object; tolerant of half-written objects (missing parts read as empty). */
export function graphFromObject(pcs: unknown): BuilderGraph {
  const o = isRecord(pcs) ? pcs : {};
  const meta = isRecord(o.metadata) ? o.metadata : {};
  const spec = isRecord(o.spec) ? o.spec : {};
  const t = isRecord(spec.template) ? spec.template : {};
  const rawGroups = Array.isArray(t.podCliqueScalingGroups) ? t.podCliqueScalingGroups : [];
  const resourceSharing = [...sharingOf(t.resourceSharing, null), ...rawGroups.flatMap((g) => (isRecord(g) ? sharingOf(g.resourceSharing, str(g.name)) : []))];
  const groups: GroupNode[] = rawGroups.flatMap((g, index) =>
    isRecord(g) ? [{ name: str(g.name), index, cliqueNames: strings(g.cliqueNames), replicas: num(g.replicas), minAvailable: num(g.minAvailable) }] : [],
  );
  const groupOf = groupOfCliques(groups);
  const rawCliques = Array.isArray(t.cliques) ? t.cliques : [];
  const named: Omit<CliqueNode, 'ref'>[] = rawCliques.flatMap((c, index) => {
    if (!isRecord(c)) return [];
    const s = isRecord(c.spec) ? c.spec : {};
    const name = str(c.name);
    return [
      {
        name,
        index,
        roleName: str(s.roleName),
        replicas: num(s.replicas),
        minAvailable: num(s.minAvailable),
        group: groupOf.get(name) ?? null,
        startsAfter: strings(s.startsAfter),
        ...gpusOf(s.podSpec, index),
      },
    ];
  });
  const refs = entryRefs(named.map((c) => c.name));
  const cliques: CliqueNode[] = named.map((c, i) => ({ ...c, ref: refs[i]! }));
  const startupType = str(t.cliqueStartupType) || STARTUP_ANY_ORDER;
  return {
    name: str(meta.name),
    namespace: str(meta.namespace),
    replicas: num(spec.replicas),
    startupType,
    cliques,
    groups,
    edges: startEdges(cliques, startupType),
    resourceSharing,
  };
}

/**
 * A ref per entry of a list whose names should be unique, in order: the first of a name is the name
 * itself, another of that name `<name>#2`, `#3`…, the lowest no entry's name or ref is ('#' is in no
 * valid name). A ref depends only on the names, so it stays while they do.
 */
export function entryRefs(names: readonly string[]): string[] {
  const taken = new Set(names);
  const seen = new Set<string>();
  return names.map((name) => {
    if (!seen.has(name)) {
      seen.add(name);
      return name;
    }
    let n = 2;
    while (taken.has(`${name}#${n}`)) n++;
    const ref = `${name}#${n}`;
    taken.add(ref);
    return ref;
  });
}

/** The clique an edit or the canvas means by `ref` (CliqueNode.ref). */
export function cliqueOfRef(graph: Pick<BuilderGraph, 'cliques'>, ref: string): CliqueNode | undefined {
  return graph.cliques.find((c) => c.ref === ref);
}

/** The graph with each clique named by its ref: what findings are counted and jumped to by on the canvas, one node each. */
export function namedByRef(graph: BuilderGraph): BuilderGraph {
  return graph.cliques.every((c) => c.ref === c.name) ? graph : { ...graph, cliques: graph.cliques.map((c) => ({ ...c, name: c.ref })) };
}

/**
 * The scaling group (by name) holding each clique the groups list: the first group that names it.
 * Grove refuses a clique in two groups and two groups of one name, but the builder draws what is
 * typed meanwhile, so every reader of membership (graph, canvas layout) uses this one rule.
 */
export function groupOfCliques(groups: readonly Pick<GroupNode, 'name' | 'cliqueNames'>[]): Map<string, string> {
  const groupOf = new Map<string, string>();
  for (const g of groups) for (const c of g.cliqueNames) if (!groupOf.has(c)) groupOf.set(c, g.name);
  return groupOf;
}

function sharingOf(list: unknown, group: string | null): SharingNode[] {
  return (Array.isArray(list) ? list : []).flatMap((r, index) => {
    if (!isRecord(r)) return [];
    const filter = isRecord(r.filter) ? r.filter : null;
    return [{ name: str(r.name), index, group, filtered: filter !== null, childCliqueNames: strings(filter?.childCliqueNames), childScalingGroupNames: strings(filter?.childScalingGroupNames) }];
  });
}

/** Every startsAfter entry naming a clique of the stack, as an edge (from the first clique of the name it names: that name's ref). */
function startsAfterEdges(cliques: readonly CliqueNode[]): DrawnEdge[] {
  const known = new Set(cliques.map((c) => c.name));
  return cliques.flatMap((c) => c.startsAfter.filter((from) => known.has(from)).map((from) => ({ from, to: c.name, fromRef: from, toRef: c.ref })));
}

/** The order InOrder implies: each clique starts after the one listed before it. */
function inOrderEdges(cliques: readonly CliqueNode[]): DrawnEdge[] {
  return cliques.slice(1).map((c, i) => ({ from: cliques[i]!.name, to: c.name, fromRef: cliques[i]!.ref, toRef: c.ref }));
}

function startEdges(cliques: readonly CliqueNode[], startupType: string): GraphEdge[] {
  const entries = startsAfterEdges(cliques);
  if (startupType === STARTUP_EXPLICIT) return entries.map((e) => ({ ...e, kind: 'explicit' }));
  const implied = startupType === STARTUP_IN_ORDER ? inOrderEdges(cliques).map((e): GraphEdge => ({ ...e, kind: 'implied' })) : [];
  // An ignored entry that says what InOrder already does is drawn once, as the order Grove keeps.
  const ignored = entries.filter((e) => !implied.some((i) => i.from === e.from && i.to === e.to)).map((e): GraphEdge => ({ ...e, kind: 'ignored' }));
  return [...implied, ...ignored];
}

/**
 * The startup edges that hold once the stack's startup type is Explicit — what adding a startsAfter
 * switches it to, so what a new edge must not close a cycle with: under InOrder its sequence (kept as
 * startsAfter; the entries it ignored are dropped), otherwise every startsAfter entry.
 */
export function edgesOnceExplicit(graph: BuilderGraph): StartEdge[] {
  if (graph.startupType === STARTUP_IN_ORDER) return inOrderEdges(graph.cliques);
  return startsAfterEdges(graph.cliques);
}

/** A cycle among the edges (each name starts after the next, back to the first), or null. */
export function cycleAmong(edges: readonly StartEdge[]): string[] | null {
  for (const e of edges) {
    const chain = cycleThrough(edges, e.from, e.to);
    if (chain) return [...chain, chain[0]!];
  }
  return null;
}

/**
 * Would making `to` start after `from` close a cycle? If so, returns the existing chain
 * `from` → … → `to` along "starts after" (each name starts after the next), else null.
 */
export function cycleThrough(edges: readonly StartEdge[], from: string, to: string): string[] | null {
  if (from === to) return [from];
  const prereqs = new Map<string, string[]>();
  for (const e of edges) prereqs.set(e.to, [...(prereqs.get(e.to) ?? []), e.from]);
  const parent = new Map<string, string>();
  const queue = [from];
  const seen = new Set([from]);
  while (queue.length > 0) {
    const cur = queue.shift()!;
    if (cur === to) {
      const chain = [to];
      for (let p = to; p !== from; chain.push(p)) p = parent.get(p)!;
      return chain.reverse();
    }
    for (const next of prereqs.get(cur) ?? []) {
      if (seen.has(next)) continue;
      seen.add(next);
      parent.set(next, cur);
      queue.push(next);
    }
  }
  return null;
}

/** Role kind guessed from a clique's name and roleName, for imported stacks. */
export function inferRoleKind(name: string, roleName = ''): RoleKind {
  const s = `${name} ${roleName}`.toLowerCase();
  const leader = /leader|lead\b|head|master/.test(s) || /\b[pd]leader/.test(s);
  const worker = /worker|\b[pd]worker/.test(s);
  if (/prefill|\bp(leader|worker)\b|\bpf/.test(s)) return leader ? 'prefill-leader' : worker ? 'prefill-worker' : 'prefill-worker';
  if (/decode|\bd(leader|worker)\b/.test(s)) return leader ? 'decode-leader' : 'decode-worker';
  if (/router|frontend|gateway|proxy/.test(s)) return 'frontend';
  return 'generic';
}
