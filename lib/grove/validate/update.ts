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

/** Deep equality of plain JSON data; absent and undefined are equal. */
export function jsonEqual(a: unknown, b: unknown): boolean {
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
    out.push(...topologyChange(oc.topologyConstraint, nc.topologyConstraint, [...base, 'topologyConstraint']));
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
    out.push(...topologyChange(old.topologyConstraint, g.topologyConstraint, [...base, 'topologyConstraint']));
    out.push(...mnnvlChange(old.annotations, g.annotations, [...base, 'annotations']));
  });

  out.push(...topologyChange(ot.topologyConstraint, nt.topologyConstraint, [...TEMPLATE, 'topologyConstraint']));
  if (!jsonEqual(ot.resourceClaimTemplates, nt.resourceClaimTemplates)) out.push(err([...TEMPLATE, 'resourceClaimTemplates'], 'immutable.resourceClaimTemplates', 'resourceClaimTemplates are immutable'));
  if (!jsonEqual(ot.resourceSharing, nt.resourceSharing)) out.push(err([...TEMPLATE, 'resourceSharing'], 'immutable.resourceSharing', 'resourceSharing is immutable'));
  out.push(...mnnvlChange(rec(oldPcs.metadata).annotations, rec(newPcs.metadata).annotations, ['metadata', 'annotations']));
  return out;
}

/**
 * Any change to a topology constraint is refused, except (a) replacing `packDomain: X` by
 * `pack.required: X` with everything else equal and (b) adding the topologyName a legacy
 * packDomain-only constraint lacked.
 */
function topologyChange(oldC: unknown, newC: unknown, path: Path): Finding[] {
  if (jsonEqual(oldC, newC)) return [];
  if (isRecord(oldC) && isRecord(newC)) {
    const o = rec(oldC);
    const n = rec(newC);
    const migrated = (x: Rec) => {
      const pack = { ...rec(x.pack) };
      if (x.packDomain !== undefined && pack.required === undefined) pack.required = x.packDomain;
      return { topologyName: x.topologyName, pack };
    };
    const legacy = o.packDomain !== undefined;
    const oldM = migrated(o);
    const newM = migrated(n);
    const sameAfterMigration = jsonEqual(oldM.pack, newM.pack) && (jsonEqual(oldM.topologyName, newM.topologyName) || (legacy && o.topologyName === undefined));
    if (sameAfterMigration && (n.packDomain === undefined || n.packDomain === o.packDomain)) return [];
  }
  return [err(path, 'immutable.topologyConstraint', 'topology constraints cannot be added, removed or changed on an existing PodCliqueSet; delete and recreate it instead')];
}

function mnnvlChange(oldA: unknown, newA: unknown, path: Path): Finding[] {
  const o = rec(oldA)[ANNOTATION_MNNVL_GROUP];
  const n = rec(newA)[ANNOTATION_MNNVL_GROUP];
  return o === n ? [] : [err([...path, ANNOTATION_MNNVL_GROUP], 'immutable.mnnvlGroup', `the ${ANNOTATION_MNNVL_GROUP} annotation cannot be added, changed or removed`)];
}
