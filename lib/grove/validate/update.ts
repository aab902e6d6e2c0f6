/** Grove's UPDATE immutability rules for PodCliqueSets (API-NOTES §5.4). */
import type { Finding } from '../findings';
import { ANNOTATION_MNNVL_GROUP } from '../labels';
import { isRecord, pointer } from '../meta';
import { STARTUP_ANY_ORDER } from '../podcliqueset';

type Path = (string | number)[];
type Rec = Record<string, unknown>;

const TEMPLATE: Path = ['spec', 'template'];
const err = (path: Path, rule: string, message: string): Finding => ({ path: pointer(path), rule, severity: 'error', message });
const rec = (v: unknown): Rec => (isRecord(v) ? v : {});
const list = (v: unknown): Rec[] => (Array.isArray(v) ? v.filter(isRecord) : []);

/**
 * Grove's immutability checks compare decoded Go values with Semantic.DeepEqual, for which a nil slice
 * and an empty one are equal: absent, null and [] are the same list. (Not so for objects: a nil
 * pointer to a struct is not an empty struct.)
 */
const unsetList = (v: unknown): unknown => (v === null || (Array.isArray(v) && v.length === 0) ? undefined : v);

/** Deep equality of plain JSON data as Grove compares an immutable field: absent, undefined, null and [] are equal. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  a = unsetList(a);
  b = unsetList(b);
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!jsonEqual(a[k], b[k])) return false;
    return true;
  }
  return false;
}

/** Both objects defaulted. */
export function podCliqueSetImmutability(oldPcs: Rec, newPcs: Rec): Finding[] {
  const out: Finding[] = [];
  const ot = rec(rec(oldPcs.spec).template);
  const nt = rec(rec(newPcs.spec).template);

  if (ot.cliqueStartupType !== nt.cliqueStartupType) {
    out.push(err([...TEMPLATE, 'cliqueStartupType'], 'immutable.cliqueStartupType', `cliqueStartupType is immutable (was "${String(ot.cliqueStartupType)}")`));
  }

  const oldCliques = list(ot.cliques);
  const newCliques = list(nt.cliques);
  const repair = legacyRepairAllowed(ot);
  const oldNames = oldCliques.map((c) => c.name);
  const newNames = newCliques.map((c) => c.name);
  const sameSet = oldNames.length === newNames.length && oldNames.every((n) => newNames.includes(n));
  if (!sameSet) {
    const added = newNames.filter((n) => !oldNames.includes(n));
    const removed = oldNames.filter((n) => !newNames.includes(n));
    out.push(err([...TEMPLATE, 'cliques'], 'immutable.cliqueComposition', `not allowed to change clique composition${added.length ? `; added ${added.map((a) => `"${String(a)}"`).join(', ')}` : ''}${removed.length ? `; removed ${removed.map((r) => `"${String(r)}"`).join(', ')}` : ''}`));
  } else if ((nt.cliqueStartupType ?? STARTUP_ANY_ORDER) !== STARTUP_ANY_ORDER && !jsonEqual(oldNames, newNames)) {
    out.push(err([...TEMPLATE, 'cliques'], 'immutable.cliqueOrder', 'cliques may not be re-ordered when cliqueStartupType is InOrder or Explicit'));
  }

  newCliques.forEach((nc, i) => {
    const oc = oldCliques.find((c) => c.name === nc.name);
    if (!oc) return;
    const base: Path = [...TEMPLATE, 'cliques', i];
    const os = rec(oc.spec);
    const ns = rec(nc.spec);
    for (const field of ['roleName', 'minAvailable', 'startsAfter'] as const) {
      if (!jsonEqual(os[field], ns[field])) out.push(err([...base, 'spec', field], `immutable.${field}`, `${field} of clique "${String(nc.name)}" is immutable`));
    }
    if (!jsonEqual(rec(os.podSpec).schedulerName, rec(ns.podSpec).schedulerName)) {
      out.push(err([...base, 'spec', 'podSpec', 'schedulerName'], 'immutable.schedulerName', `podSpec.schedulerName of clique "${String(nc.name)}" is immutable`));
    }
    if (!jsonEqual(oc.resourceSharing, nc.resourceSharing)) out.push(err([...base, 'resourceSharing'], 'immutable.resourceSharing', `resourceSharing of clique "${String(nc.name)}" is immutable`));
    out.push(...topologyChange(oc.topologyConstraint, nc.topologyConstraint, [...base, 'topologyConstraint'], `PodClique "${String(nc.name)}"`, repair));
    out.push(...mnnvlChange(oc.annotations, nc.annotations, [...base, 'annotations']));
  });

  const oldGroups = list(ot.podCliqueScalingGroups);
  const newGroups = list(nt.podCliqueScalingGroups);
  const og = oldGroups.map((g) => g.name);
  const ng = newGroups.map((g) => g.name);
  if (og.length !== ng.length || !og.every((n) => ng.includes(n))) {
    out.push(err([...TEMPLATE, 'podCliqueScalingGroups'], 'immutable.scalingGroupComposition', 'not allowed to add, remove or rename PodCliqueScalingGroupConfigs'));
  }
  newGroups.forEach((g, i) => {
    const old = oldGroups.find((o) => o.name === g.name);
    if (!old) return;
    const base: Path = [...TEMPLATE, 'podCliqueScalingGroups', i];
    if (!jsonEqual(old.cliqueNames, g.cliqueNames)) out.push(err([...base, 'cliqueNames'], 'immutable.scalingGroupCliqueNames', `cliqueNames of scaling group "${String(g.name)}" are immutable`));
    if (!jsonEqual(old.minAvailable, g.minAvailable)) out.push(err([...base, 'minAvailable'], 'immutable.scalingGroupMinAvailable', `minAvailable of scaling group "${String(g.name)}" is immutable`));
    if (!jsonEqual(old.resourceSharing, g.resourceSharing)) out.push(err([...base, 'resourceSharing'], 'immutable.resourceSharing', `resourceSharing of scaling group "${String(g.name)}" is immutable`));
    out.push(...topologyChange(old.topologyConstraint, g.topologyConstraint, [...base, 'topologyConstraint'], `PodCliqueScalingGroup "${String(g.name)}"`, repair));
    out.push(...mnnvlChange(old.annotations, g.annotations, [...base, 'annotations']));
  });

  out.push(...topologyChange(ot.topologyConstraint, nt.topologyConstraint, [...TEMPLATE, 'topologyConstraint'], 'PodCliqueSet', repair));
  if (!jsonEqual(ot.resourceClaimTemplates, nt.resourceClaimTemplates)) out.push(err([...TEMPLATE, 'resourceClaimTemplates'], 'immutable.resourceClaimTemplates', 'resourceClaimTemplates are immutable'));
  if (!jsonEqual(ot.resourceSharing, nt.resourceSharing)) out.push(err([...TEMPLATE, 'resourceSharing'], 'immutable.resourceSharing', 'resourceSharing is immutable'));
  out.push(...mnnvlChange(rec(oldPcs.metadata).annotations, rec(newPcs.metadata).annotations, ['metadata', 'annotations']));
  return out;
}

// Topology constraints are immutable (Grove's validateTopologyConstraintImmutability), with two
// exceptions that an update may use one at a time: the repair adds the topologyName a legacy
// packDomain-only constraint lacks (packDomain unchanged), the migration moves packDomain to
// pack.required (topologyName and both domains unchanged). Both at once is a changed topologyName.

/** A constraint's parts as Grove compares them ("" for unset), or null for no constraint. */
interface ConstraintParts {
  topologyName: string;
  packDomain: string;
  /** pack.required, else the legacy packDomain. */
  required: string;
  preferred: string;
  packRequired: string;
}

function constraintParts(c: unknown): ConstraintParts | null {
  if (!isRecord(c)) return null;
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const pack = rec(c.pack);
  const packDomain = text(c.packDomain);
  return { topologyName: text(c.topologyName), packDomain, required: text(pack.required) || packDomain, preferred: text(pack.preferred), packRequired: text(pack.required) };
}

function constraintChanged(o: ConstraintParts | null, n: ConstraintParts | null): boolean {
  if (!o || !n) return o !== n;
  return o.topologyName !== n.topologyName || o.packDomain !== n.packDomain || o.required !== n.required || o.preferred !== n.preferred;
}

const isLegacy = (c: ConstraintParts | null): boolean => !!c && c.topologyName === '' && c.packDomain !== '';
const isRepair = (o: ConstraintParts | null, n: ConstraintParts | null): boolean => isLegacy(o) && !!n && n.topologyName !== '' && n.packDomain === o!.packDomain;
const isMigrationAttempt = (o: ConstraintParts | null, n: ConstraintParts | null): boolean => !!o && !!n && o.packDomain !== '' && n.packDomain === '' && n.packRequired !== '';
const isMigration = (o: ConstraintParts | null, n: ConstraintParts | null): boolean =>
  isMigrationAttempt(o, n) && o!.topologyName === n!.topologyName && n!.required === o!.packDomain && n!.preferred === o!.preferred;

/**
 * Whether the old object may use the repair: Grove allows it only when the object has a legacy
 * constraint and some constrained level resolves to no topologyName after inheritance
 * (PodCliqueSet → its scaling groups → their cliques; a standalone clique inherits the PodCliqueSet's).
 */
function legacyRepairAllowed(template: Rec): boolean {
  const pcs = constraintParts(template.topologyConstraint);
  const groups = list(template.podCliqueScalingGroups).map((g) => ({ g, c: constraintParts(g.topologyConstraint) }));
  const cliques = list(template.cliques).map((q) => ({ q, c: constraintParts(q.topologyConstraint) }));
  if (![pcs, ...groups.map((x) => x.c), ...cliques.map((x) => x.c)].some(isLegacy)) return false;
  const pcsName = pcs?.topologyName ?? '';
  if (pcs && pcsName === '') return true;
  const groupNameOfClique = new Map<unknown, string>();
  for (const { g, c } of groups) {
    if (!c) continue;
    const name = c.topologyName || pcsName;
    if (name === '') return true;
    for (const member of Array.isArray(g.cliqueNames) ? g.cliqueNames : []) if (!groupNameOfClique.has(member)) groupNameOfClique.set(member, name);
  }
  return cliques.some(({ q, c }) => c !== null && (c.topologyName || groupNameOfClique.get(q.name) || pcsName) === '');
}

function constraintChangeMessage(what: string, o: ConstraintParts | null, n: ConstraintParts | null): string {
  const renamed = `${what}: topologyName cannot be changed from "${o?.topologyName ?? ''}" to "${n?.topologyName ?? ''}"`;
  // At the PodCliqueSet level Grove names a changed topologyName before anything else.
  if (what === 'PodCliqueSet' && (o?.topologyName ?? '') !== (n?.topologyName ?? '')) return renamed;
  if (!o) return `${what}: topology constraint cannot be added after creation`;
  if (!n) return `${what}: topology constraint cannot be removed after creation`;
  if (o.topologyName !== n.topologyName) return renamed;
  if (isMigrationAttempt(o, n)) {
    return `${what}: deprecated packDomain can only move to pack.required without changing the required or preferred domain (old required="${o.packDomain}" preferred="${o.preferred}", new required="${n.required}" preferred="${n.preferred}")`;
  }
  return `${what}: topology constraint cannot be changed from required="${o.required}" preferred="${o.preferred}" to required="${n.required}" preferred="${n.preferred}"`;
}

function topologyChange(oldC: unknown, newC: unknown, path: Path, what: string, repairAllowed: boolean): Finding[] {
  const o = constraintParts(oldC);
  const n = constraintParts(newC);
  if (!constraintChanged(o, n) || (repairAllowed && isRepair(o, n)) || isMigration(o, n)) return [];
  return [err(path, 'immutable.topologyConstraint', `${constraintChangeMessage(what, o, n)}; delete and recreate the PodCliqueSet to change it`)];
}

function mnnvlChange(oldA: unknown, newA: unknown, path: Path): Finding[] {
  const o = rec(oldA)[ANNOTATION_MNNVL_GROUP];
  const n = rec(newA)[ANNOTATION_MNNVL_GROUP];
  return o === n ? [] : [err([...path, ANNOTATION_MNNVL_GROUP], 'immutable.mnnvlGroup', `the ${ANNOTATION_MNNVL_GROUP} annotation cannot be added, changed or removed`)];
}
