/**
 * Whether a topology pack constraint (API-NOTES §2.6) is kept by where its pods actually run: the one
 * judge for the workloads health (lib/workloads/packs.ts, from the PodCliqueSet spec) and the topology
 * page's selection (lib/heatmap/constraints.ts, from the PodGangs). Each caller maps its constraints to
 * PackConstraint; the verdict and its sentence are the same on both pages.
 *
 * A domain is its label path (lib/topology/domainPath.ts, the identity the placement engine and KAI use),
 * so rack r1 of zone a and rack r1 of zone b are two racks (named "a/r1", "b/r1" when their names clash).
 */
import { domainId } from './domainPath';
import { naturalCompare, UNLABELLED } from './tree';

export type PackOwnerKind = 'PodCliqueSet' | 'scaling group' | 'clique';

export interface PackLevel {
  /** Topology domain name ("zone", "rack"). */
  domain: string;
  /** Node label key holding the level's value. */
  key: string;
  /** What one domain is called in a sentence (default: `domain`), e.g. "NVLink domain". */
  noun?: string;
  /** A value's name for people (default: the value). */
  valueName?: (value: string) => string;
}

export interface PackConstraint {
  /** Which level of the manifest the constraint is written at. */
  owner: PackOwnerKind;
  /** Its name in the manifest: the PodCliqueSet, the scaling group or clique template name. */
  ownerName: string;
  /** Which replica of it: "replica 0, gang x-0", "replica x-0-prefill-1", "x-0-decode". */
  replica: string;
  /** Domain names (PackLevel.domain) of the required and preferred packs; one the levels lack is not judged (Grove drops it). */
  required?: string;
  preferred?: string;
  /** The pods it covers; a pod without a node (not bound) or on a node without labels is not judged. */
  pods: readonly { node?: string }[];
}

export interface PackCheck<C extends PackConstraint = PackConstraint> {
  constraint: C;
  strength: 'required' | 'preferred';
  /** The level's domain name ("rack"). */
  domain: string;
  /** Names of the domains its pods are on, sorted; a name is the level's value, or its path where two share it. */
  domains: string[];
  met: boolean;
  /** "Required rack pack of scaling group prefill (replica x-0-prefill-0) not met: pods on 3 racks (a, b, c)". */
  text: string;
}

/** Every pack (required, then preferred) of each constraint, judged on its bound pods' nodes; constraints with no judged pod give none. */
export function checkPacks<C extends PackConstraint>(
  constraints: readonly C[],
  nodeLabels: (node: string) => Readonly<Record<string, string>> | undefined,
  levels: readonly PackLevel[],
): PackCheck<C>[] {
  const out: PackCheck<C>[] = [];
  for (const constraint of constraints) {
    for (const strength of ['required', 'preferred'] as const) {
      const domain = constraint[strength];
      const depth = domain ? levels.findIndex((l) => l.domain === domain) : -1;
      if (depth < 0) continue;
      const domains = domainNames(constraint.pods, nodeLabels, levels, depth);
      if (domains.length === 0) continue;
      const level = levels[depth]!;
      const met = domains.length <= 1;
      const noun = level.noun ?? level.domain;
      const where = `pods on ${domains.length} ${noun}${domains.length === 1 ? '' : 's'} (${domains.join(', ')})`;
      const text = `${strength === 'required' ? 'Required' : 'Preferred'} ${noun} pack of ${constraint.owner} ${constraint.ownerName} (${constraint.replica}) ${met ? 'met' : 'not met'}: ${where}`;
      out.push({ constraint, strength, domain: level.domain, domains, met, text });
    }
  }
  return out;
}

/** The distinct domains at levels[depth] of the pods' nodes, by label path, each named for people. */
function domainNames(
  pods: readonly { node?: string }[],
  nodeLabels: (node: string) => Readonly<Record<string, string>> | undefined,
  levels: readonly PackLevel[],
  depth: number,
): string[] {
  const key = levels[depth]!.key;
  const paths = new Map<string, string[]>();
  for (const pod of pods) {
    if (!pod.node) continue;
    const labels = nodeLabels(pod.node);
    if (!labels) continue; // a node not known yet: no verdict
    const values = levels.slice(0, depth + 1).map((l) => labels[l.key] ?? UNLABELLED);
    const path = values.map((v, i) => (v !== UNLABELLED ? (levels[i]!.valueName?.(v) ?? v) : ''));
    // A node without the level's label is a domain of its own (it is not in the pack's domain).
    if (labels[key] === undefined) values[depth] = path[depth] = `(node ${pod.node} without ${key})`;
    paths.set(domainId(levels, values), path);
  }
  const named = [...paths.values()];
  const names = named.map((path) => path[depth]!);
  return named.map((path) => (names.filter((n) => n === path[depth]).length > 1 ? path.filter(Boolean).join('/') : path[depth]!)).sort(naturalCompare);
}
