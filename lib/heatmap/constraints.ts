/**
 * Whether a workload's gangs keep their pack constraints where their pods are now. The constraints are
 * the PodGangs' (spec.topologyConstraint for the whole PodCliqueSet replica, topologyConstraintGroupConfigs
 * for scaling groups, podgroups[].topologyConstraint for cliques), which carry node label keys; the
 * pods' domains come from the heatmap's node boxes. A scheduler that ignores topology (the default
 * scheduler) can break a required pack: that is a problem; a gang without constraints spread over
 * several domains is not.
 */
import type { KubeObject } from '../grove/meta';
import type { PodGang, PodGangTopologyConstraint } from '../grove/podgang';
import { levelValueLabel, type HeatmapLevel } from './levels';
import type { GangSpan, WorkloadSpan } from './span';

export type ConstraintScope = 'PodCliqueSet' | 'scaling group' | 'clique';

export interface ConstraintCheck {
  gang: string;
  scope: ConstraintScope;
  /** The PodCliqueSet, the scaling group or the clique the constraint is written on (names within the PodCliqueSet). */
  subject: string;
  strength: 'required' | 'preferred';
  /** The level's domain name ("rack"), or the label key when the layout has no such level. */
  level: string;
  /** Values (as the layout names them) of the domains the constrained pods sit in, in layout order. */
  domains: string[];
  met: boolean;
}

/** The part of a name after `<pcs>-<index>-`: a clique's or a group config's own name. */
function ownName(name: string, pcs: string): string {
  const prefix = new RegExp(`^${pcs.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-\\d+-`);
  return name.replace(prefix, '');
}

/**
 * Every pack constraint of the selected workload's gangs, checked against where the gang's pods are
 * bound (span.gangs: pods on the map; pods not bound yet are not judged). A PodGang not (yet) in
 * `podGangs` gives no checks. Levels are matched by label key; a key the layout has no level for
 * cannot be judged and is left out.
 */
export function checkGangConstraints(span: WorkloadSpan, levels: readonly HeatmapLevel[], podGangs: readonly KubeObject[]): ConstraintCheck[] {
  const slash = span.key.indexOf('/');
  const namespace = span.key.slice(0, slash);
  const pcs = span.key.slice(slash + 1);
  const checks: ConstraintCheck[] = [];
  for (const gangSpan of span.gangs) {
    const gang = podGangs.find((g) => g.metadata?.name === gangSpan.name && (g.metadata?.namespace ?? 'default') === namespace) as Partial<PodGang> | undefined;
    const spec = gang?.spec;
    if (!spec) continue;
    type Member = GangSpan['members'][number];
    const judge = (scope: ConstraintScope, subject: string, constraint: PodGangTopologyConstraint | undefined, members: Member[]) => {
      const pack = constraint?.packConstraint;
      if (!pack || members.length === 0) return;
      for (const strength of ['required', 'preferred'] as const) {
        const key = pack[strength];
        if (!key) continue;
        const depth = levels.findIndex((l) => l.key === key);
        if (depth < 0) continue;
        const found = domainsOf(levels, depth, members.map((m) => m.domains));
        checks.push({ gang: gangSpan.name, scope, subject, strength, level: levels[depth]!.domain, domains: found.labels, met: found.count <= 1 });
      }
    };
    judge('PodCliqueSet', pcs, spec.topologyConstraint, gangSpan.members);
    for (const config of spec.topologyConstraintGroupConfigs ?? []) {
      const names = new Set(config.podGroupNames);
      judge('scaling group', ownName(config.name, pcs).replace(/-\d+$/, ''), config.topologyConstraint, gangSpan.members.filter((m) => names.has(m.podClique)));
    }
    for (const group of spec.podgroups ?? []) {
      judge('clique', ownName(group.name, pcs), group.topologyConstraint, gangSpan.members.filter((m) => m.podClique === group.name));
    }
  }
  return checks;
}

/**
 * The distinct domains at levels[depth] of the given node domain maps. A domain is told apart by its
 * values from the top level down to it (rack r1 of zone a is not rack r1 of zone b).
 */
function domainsOf(levels: readonly HeatmapLevel[], depth: number, nodes: readonly Readonly<Record<string, string>>[]): { count: number; labels: string[] } {
  const level = levels[depth]!;
  const seen = new Map<string, string>();
  for (const domains of nodes) {
    const path = levels.slice(0, depth + 1).map((l) => domains[l.domain] ?? '').join('\u0000');
    if (!seen.has(path)) {
      const value = domains[level.domain] ?? '';
      seen.set(path, levelValueLabel(level, value));
    }
  }
  return { count: seen.size, labels: [...seen.values()] };
}
