/**
 * Topology-constraint rules: the CRD's CEL rules on TopologyConstraint, and the PodCliqueSet
 * webhook's topology checks (API-NOTES §2.6, §5.3); a binding missing from a partial cluster
 * snapshot is only a warning (an error when the context holds every binding).
 */
import type { TopologyLevel } from '../clustertopologybinding';
import type { Finding } from '../findings';
import { isRecord, pointer } from '../meta';
import { WELL_KNOWN_DOMAINS } from '../topology-constraint';
import type { ValidationContext } from './context';
import type { Operation } from './podcliqueset';
import { resolvedSchedulerNames } from './podcliqueset';

type Path = (string | number)[];
type Rec = Record<string, unknown>;

/** One constrained resource of a PodCliqueSet. */
interface ConstraintSite {
  what: string;
  /** As Grove's webhook names it in messages: `PodCliqueSet`, `PodCliqueScalingGroup 'prefill'`, `PodClique 'worker'`. */
  kindName: string;
  path: Path;
  constraint: Rec;
  raw: Rec | undefined;
  parent?: ConstraintSite;
  /** For a clique: the PCS-level site even when it sits in a group (both are its ancestors). */
  grandparent?: ConstraintSite;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const err = (path: Path, rule: string, message: string): Finding => ({ path: pointer(path), rule, severity: 'error', message });
const warn = (path: Path, rule: string, message: string): Finding => ({ path: pointer(path), rule, severity: 'warning', message });

const requiredOf = (c: Rec): string | undefined => (isRecord(c.pack) ? str(c.pack.required) : undefined) ?? str(c.packDomain);
const preferredOf = (c: Rec): string | undefined => (isRecord(c.pack) ? str(c.pack.preferred) : undefined);

function collectSites(pcs: Rec, raw: Rec): ConstraintSite[] {
  const template = isRecord(pcs.spec) && isRecord(pcs.spec.template) ? pcs.spec.template : {};
  const rawTemplate = isRecord(raw.spec) && isRecord(raw.spec.template) ? raw.spec.template : {};
  const sites: ConstraintSite[] = [];
  const base: Path = ['spec', 'template'];
  const pcsSite: ConstraintSite | undefined = isRecord(template.topologyConstraint)
    ? { what: 'PodCliqueSet', kindName: 'PodCliqueSet', path: [...base, 'topologyConstraint'], constraint: template.topologyConstraint, raw: isRecord(rawTemplate.topologyConstraint) ? rawTemplate.topologyConstraint : undefined }
    : undefined;
  if (pcsSite) sites.push(pcsSite);
  const groupSiteOf = new Map<string, ConstraintSite | null>();
  const groups = Array.isArray(template.podCliqueScalingGroups) ? template.podCliqueScalingGroups : [];
  const rawGroups = Array.isArray(rawTemplate.podCliqueScalingGroups) ? rawTemplate.podCliqueScalingGroups : [];
  groups.forEach((g, i) => {
    if (!isRecord(g)) return;
    const rg = rawGroups[i];
    const site: ConstraintSite | null = isRecord(g.topologyConstraint)
      ? {
          what: `scaling group "${String(g.name)}"`,
          kindName: `PodCliqueScalingGroup '${String(g.name)}'`,
          path: [...base, 'podCliqueScalingGroups', i, 'topologyConstraint'],
          constraint: g.topologyConstraint,
          raw: isRecord(rg) && isRecord(rg.topologyConstraint) ? rg.topologyConstraint : undefined,
          parent: pcsSite,
        }
      : null;
    if (site) sites.push(site);
    if (Array.isArray(g.cliqueNames)) for (const n of g.cliqueNames) if (typeof n === 'string' && !groupSiteOf.has(n)) groupSiteOf.set(n, site);
  });
  const cliques = Array.isArray(template.cliques) ? template.cliques : [];
  const rawCliques = Array.isArray(rawTemplate.cliques) ? rawTemplate.cliques : [];
  cliques.forEach((c, i) => {
    if (!isRecord(c) || !isRecord(c.topologyConstraint)) return;
    const rc = rawCliques[i];
    const groupSite = typeof c.name === 'string' ? groupSiteOf.get(c.name) : undefined;
    sites.push({
      what: `clique "${String(c.name)}"`,
      kindName: `PodClique '${String(c.name)}'`,
      path: [...base, 'cliques', i, 'topologyConstraint'],
      constraint: c.topologyConstraint,
      raw: isRecord(rc) && isRecord(rc.topologyConstraint) ? rc.topologyConstraint : undefined,
      parent: groupSite ?? pcsSite,
      grandparent: groupSite ? pcsSite : undefined,
    });
  });
  return sites;
}

/** The topologyName a site resolves to, inheriting from its ancestors. */
function effectiveTopologyName(site: ConstraintSite): string | undefined {
  return str(site.constraint.topologyName) ?? (site.parent ? effectiveTopologyName(site.parent) : undefined) ?? (site.grandparent ? effectiveTopologyName(site.grandparent) : undefined);
}

export function validateTopologyConstraints(pcs: Rec, raw: Rec, ctx: ValidationContext, op: Operation): Finding[] {
  const out: Finding[] = [];
  const sites = collectSites(pcs, raw);
  if (sites.length === 0) return out;

  for (const site of sites) out.push(...celRules(site, op));
  // Grove's webhook checks topology on CREATE only (on UPDATE constraints are immutable, see update.ts);
  // repeating them on UPDATE would reject e.g. a scale of a PCS created before TAS was switched off.
  if (op === 'UPDATE') return out;

  if (ctx.topologyAwareScheduling === false) {
    for (const site of sites) out.push(err(site.path, 'topology.disabled', 'topology constraints are not allowed when Topology Aware Scheduling is disabled (operator config topologyAwareScheduling.enabled=false)'));
  }

  const template = isRecord(pcs.spec) && isRecord(pcs.spec.template) ? pcs.spec.template : {};
  const cliques = (Array.isArray(template.cliques) ? template.cliques : []).flatMap((c, i) => (isRecord(c) ? [[c, i] as [Rec, number]] : []));
  const backend = resolvedSchedulerNames(cliques, ctx)[0]?.name;
  if (backend === 'volcano' || backend === 'lpx-scheduler') {
    for (const site of sites) out.push(err(site.path, 'topology.backendUnsupported', `the ${backend} scheduler backend does not support topology constraints`));
  }
  // Grove accepts constraints on default-scheduler but kube-scheduler never reads them (API-NOTES §5.3,
  // §13): said once per PodCliqueSet, at its first constraint, so a stack written as rack-packed does not
  // silently spread.
  if (backend === 'default-scheduler' && sites.length > 0) {
    out.push(
      warn(
        sites[0]!.path,
        'topology.ignoredByScheduler',
        'default-scheduler (kube-scheduler) ignores topology constraints and does not gang-schedule: Grove accepts them, but each pod is placed on its own wherever it fits; for topology-aware placement set schedulerName: kai-scheduler in the pod specs (with a kai.scheduler/queue label)',
      ),
    );
  }

  // topologyName: required where it cannot be inherited; all effective names equal.
  const nameOf = new Map<ConstraintSite, string>();
  const firstSiteOf = new Map<string, ConstraintSite>();
  for (const site of sites) {
    const name = effectiveTopologyName(site);
    if (!name) {
      out.push(err([...site.path, 'topologyName'], 'topology.nameRequired', `topologyName is required when topologyConstraint is set and cannot be inherited (${site.what})`));
      continue;
    }
    nameOf.set(site, name);
    if (!firstSiteOf.has(name)) firstSiteOf.set(name, site);
  }
  if (firstSiteOf.size > 1) {
    const [firstName] = firstSiteOf.keys();
    for (const [name, site] of firstSiteOf) {
      if (name !== firstName) out.push(err([...site.path, 'topologyName'], 'topology.nameMismatch', `all topologyConstraint.topologyName values within a PodCliqueSet must match in the current implementation: "${name}" differs from "${firstName}"`));
    }
  }

  // Each constraint is checked against the binding it names, so one mismatched name (flagged above)
  // does not switch off the checks of the others; domains only when the snapshot has that binding.
  const levelsOf = new Map<string, TopologyLevel[]>();
  if (ctx.topologies) {
    const known = Object.keys(ctx.topologies);
    const knownList = known.map((k) => `"${k}"`).join(', ');
    for (const [name, site] of firstSiteOf) {
      const levels = ctx.topologies[name];
      if (levels) {
        levelsOf.set(name, levels);
        continue;
      }
      const at = [...site.path, 'topologyName'];
      // A complete set (the apiserver's view) makes it the webhook's error; a snapshot may just be missing it.
      if (ctx.topologiesComplete) {
        out.push(err(at, 'topology.unknownTopology', `ClusterTopologyBinding "${name}" not found (${known.length ? 'known: ' + knownList : 'the cluster has none'})`));
      } else {
        out.push(warn(at, 'topology.unknownTopology', `ClusterTopologyBinding "${name}" is not in the cluster snapshot (${known.length ? 'known: ' + knownList : 'it has none'}); Grove will reject the PodCliqueSet if the binding does not exist`));
      }
    }
  }
  for (const site of sites) {
    const name = nameOf.get(site);
    const levels = name !== undefined ? levelsOf.get(name) : undefined;
    if (!levels) continue;
    const domains = levels.map((l) => l.domain);
    for (const [field, value] of domainFields(site.constraint)) {
      if (!domains.includes(value)) {
        out.push(err([...site.path, ...field], 'topology.unknownDomain', `topology domain '${value}' does not exist in cluster topology "${name}" [${domains.join(', ')}]`));
      }
    }
  }
  for (const site of sites) {
    const name = nameOf.get(site);
    const levels = name !== undefined ? levelsOf.get(name) : undefined;
    // Domains of two different bindings have no common order: only ancestors naming the same one are
    // compared (a different name is already the nameMismatch error).
    const ancestors = [site.parent, site.grandparent].filter((a): a is ConstraintSite => !!a && nameOf.get(a) === name);
    const judged: Judged = levels
      ? { order: levels.map((l) => l.domain), confident: true }
      : { order: WELL_KNOWN_DOMAINS, confident: false, why: ctx.topologies && name !== undefined ? `the cluster snapshot has no binding "${name}" to check against` : 'the cluster snapshot has no binding to check against' };
    out.push(...hierarchyRules(site, ancestors, judged));
  }
  return out;
}

/** The order domains are compared by: the binding's levels, or (not confident) the well-known order and why. */
type Judged = { order: readonly string[]; confident: true } | { order: readonly string[]; confident: false; why: string };

function domainFields(c: Rec): [Path, string][] {
  const out: [Path, string][] = [];
  if (isRecord(c.pack)) {
    const r = str(c.pack.required);
    const p = str(c.pack.preferred);
    if (r) out.push([['pack', 'required'], r]);
    if (p) out.push([['pack', 'preferred'], p]);
  }
  const legacy = str(c.packDomain);
  if (legacy) out.push([['packDomain'], legacy]);
  return out;
}

/** The CRD's CEL rules on every TopologyConstraint, and on packDomain for new objects. */
function celRules(site: ConstraintSite, op: Operation): Finding[] {
  const out: Finding[] = [];
  const c = site.constraint;
  const hasPack = isRecord(c.pack);
  const hasPackDomain = c.packDomain !== undefined;
  if (!hasPack && !hasPackDomain) out.push(err([...site.path, 'pack'], 'topology.packMissing', 'topologyConstraint must specify pack or deprecated packDomain'));
  if (hasPack && isRecord(c.pack) && c.pack.required === undefined && c.pack.preferred === undefined) {
    out.push(err([...site.path, 'pack'], 'topology.packEmpty', 'pack must specify at least one of required or preferred'));
  }
  if (hasPackDomain && hasPack && isRecord(c.pack) && c.pack.required !== undefined) {
    out.push(err([...site.path, 'pack', 'required'], 'topology.packDomainConflict', 'must not set both pack.required and deprecated packDomain'));
  }
  if (hasPackDomain) {
    if (op === 'CREATE') out.push(err([...site.path, 'packDomain'], 'topology.packDomainDeprecated', 'packDomain is deprecated and cannot be used on new workloads; use pack.required'));
    else out.push(warn([...site.path, 'packDomain'], 'topology.packDomainDeprecated', 'packDomain is deprecated; replace it by pack.required with the same value'));
  }
  return out;
}

function hierarchyRules(site: ConstraintSite, ancestors: readonly ConstraintSite[], judged: Judged): Finding[] {
  const out: Finding[] = [];
  const rank = (d: string | undefined) => (d === undefined ? -1 : judged.order.indexOf(d));
  const severity = judged.confident ? 'error' : 'warning';
  const note = judged.confident ? '' : ` (judged by the usual order region > zone > datacenter > block > rack > host > numa; ${judged.why})`;
  for (const [kind, get] of [
    ['required', requiredOf],
    ['preferred', preferredOf],
  ] as const) {
    const mine = get(site.constraint);
    const myRank = rank(mine);
    if (myRank < 0) continue;
    for (const ancestor of ancestors) {
      const theirs = get(ancestor.constraint);
      const theirRank = rank(theirs);
      if (theirRank < 0) continue;
      if (theirRank > myRank) {
        // Grove's webhook refuses the parent, not the child: the parent's topologyConstraint for the
        // required domain (pack.required or packDomain), its pack.preferred for the preferred one.
        out.push({
          path: pointer(kind === 'required' ? ancestor.path : [...ancestor.path, 'pack', 'preferred']),
          rule: 'topology.narrowerThanParent',
          severity,
          message: `${ancestor.kindName} topology constraint domain '${theirs}' is narrower than ${site.kindName} topology constraint domain '${mine}' (${kind} domains; a parent must pack at the same level as its children or broader)${note}`,
        });
      }
    }
  }
  const r = requiredOf(site.constraint);
  const p = preferredOf(site.constraint);
  if (r && p && rank(r) >= 0 && rank(p) >= 0 && rank(p) < rank(r)) {
    out.push(warn([...site.path, 'pack', 'preferred'], 'topology.preferredCoarser', `preferred domain '${p}' is coarser than required domain '${r}' and is redundant`));
  }
  return out;
}
