/**
 * The simulated apiserver: apply with the Grove webhook's checks and defaults (lib/grove/validate,
 * defaultPodCliqueSet) and a field diff, Namespaces kept by name, delete with cascading through
 * ownerReferences, the /scale subresource, and loading a cluster snapshot into the store (Grove's objects adopted). Nothing
 * beyond the pod budget of lib/cluster/limits.ts is built. Writes to a PodCliqueSet hand over to the
 * operator (simulated-operator.ts) in the same call, as the real operator would react to the watch.
 * Server-side apply's field ownership is kept per object (FieldOwners), enough for its 409: applying a
 * new value to a field another manager set last (e.g. spec.replicas after a /scale) conflicts unless forced,
 * and a field another manager owns that the apply leaves out keeps its value. A resourceVersion in the
 * applied object is a precondition, as the apiserver's storage checks it: another one than the stored
 * object's is a 409 (the optimistic-lock words); on create it is ignored.
 */
import { KIND_INFO, WATCHED_KINDS, objectKey, type ScalableKind, type WatchedKind } from '../../lib/cluster/kinds';
import { diffObjects } from '../../lib/cluster/diff';
import { fieldPath } from '../../lib/cluster/fieldPath';
import { keyedSegment } from '../../lib/cluster/listIdentity';
import { REPLICAS_RANGE, isReplicaCount, podCliqueSetPodBudgetRefusal, scalePodBudgetRefusal } from '../../lib/cluster/limits';
import { LABEL_MANAGED_BY, LABEL_MANAGED_BY_VALUE, LABEL_PART_OF, LABEL_POD_TEMPLATE_HASH } from '../../lib/grove/labels';
import { dns1123LabelError, isRecord, pointerSegments, type KubeObject, type ObjectMeta } from '../../lib/grove/meta';
import { GROVE_SCHEMAS } from '../../lib/grove/crd-schemas';
import { defaultPodCliqueSet, type PodCliqueSet } from '../../lib/grove/podcliqueset';
import type { Schema } from '../../lib/grove/schema';
import { validate, validateUpdate } from '../../lib/grove/validate';
import type { PodClique } from '../../lib/grove/podclique';
import type { PodCliqueScalingGroup } from '../../lib/grove/podcliquescalinggroup';
import { SnapshotError, snapshotObjects } from '../../lib/topology/snapshot';
import { OPERATOR, canonical, type SimPod, type SimulatedCluster } from './simulated-cluster';
import { expectedPodTemplateHash, reconcile, templateHashes, updateStatuses } from './simulated-operator';
import { actionError } from './simulated-store';
import { OBJECT_MODIFIED } from '../actions/errors';
import { CANOPY_FIELD_MANAGER, type FieldManagerRef } from '../../lib/cluster/fieldManagers';
import type { ApplyResult, ScaleResult } from './types';

const GROVE_KINDS_GENERATED = new Set<WatchedKind>(['PodClique', 'PodCliqueScalingGroup', 'PodGang']);

/** Namespaces every cluster has. */
const BUILTIN_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** What an apply sets (all but status and server metadata), canonical: equal intents mean "unchanged". */
function appliedIntent(object: KubeObject): string {
  const { metadata, status: _status, ...rest } = object as KubeObject & { status?: unknown };
  return canonical({ ...rest, labels: metadata?.labels ?? {}, annotations: metadata?.annotations ?? {} });
}

/** JSON pointer → the apiserver's field path (`spec.template.cliques[0].spec.roleName`), under `base` (`items[3]`) if given. */
function apiFieldPath(ptr: string, base = ''): string {
  return pointerSegments(ptr).reduce<string>((p, s) => fieldPath(p, /^\d+$/.test(s) ? Number(s) : s), base);
}

export function assertKind(kind: string): asserts kind is WatchedKind {
  if (!(WATCHED_KINDS as readonly string[]).includes(kind)) throw actionError(400, 'BadRequest', `unknown kind "${kind}"`);
}

/** The store key of an object: its name for the cluster-scoped kinds, `namespace/name` for the others. */
export function keyOf(kind: WatchedKind, namespace: string | undefined, name: string): string {
  return kind === 'Node' || kind === 'ClusterTopologyBinding' ? name : `${namespace || 'default'}/${name}`;
}

/** A field manager as the apiserver's managedFields entry names it: server-side apply, or an update (here: through /scale). */
interface FieldManager {
  manager: string;
  operation: 'Apply' | 'Update';
  subresource?: string;
  apiVersion?: string;
  /** When it last wrote this field (managedFields' time). */
  time?: string;
}

const managerKey = (m: FieldManager) => `${m.manager}\u0000${m.operation}\u0000${m.subresource ?? ''}`;

/** As the apiserver prints a manager in a conflict (`"canopy" with subresource "scale" using grove.io/v1alpha1`). */
function printManager(m: FieldManager): string {
  const named = `${JSON.stringify(m.manager)}${m.subresource ? ` with subresource ${JSON.stringify(m.subresource)}` : ''}`;
  return m.operation === 'Update' && m.apiVersion ? `${named} using ${m.apiVersion}` : named;
}

/** Per object (`kind/key`): field path → the managers that own it. */
type FieldOwners = Map<string, Map<string, Map<string, FieldManager>>>;
const fieldOwnersOf = new WeakMap<SimulatedCluster, FieldOwners>();

function ownersOf(sim: SimulatedCluster, kind: WatchedKind, key: string): Map<string, Map<string, FieldManager>> {
  let all = fieldOwnersOf.get(sim);
  if (!all) fieldOwnersOf.set(sim, (all = new Map()));
  let owners = all.get(`${kind}/${key}`);
  if (!owners) all.set(`${kind}/${key}`, (owners = new Map()));
  return owners;
}

/** The schema of a Grove kind's child `segment`, as the CRD declares it (undefined where it is not modelled). */
function childSchema(schema: Schema | undefined, segment: string | number): Schema | undefined {
  if (!schema) return undefined;
  if (schema.type === 'array') return typeof segment === 'number' ? schema.items : undefined;
  if (schema.type === 'object') return (Object.hasOwn(schema.properties ?? {}, String(segment)) ? schema.properties![String(segment)] : undefined) ?? schema.values;
  return undefined;
}

/** `[name="router"]` for an item of a list-map (its keys), `[i]` for any other list's item, as structured-merge-diff writes them. */
function itemSegment(schema: Schema | undefined, item: unknown, index: number): string {
  const keys = schema?.type === 'array' ? schema.listMapKeys : undefined;
  return keys && isRecord(item) ? keyedSegment(item, keys) : `[${index}]`;
}

/** A JSON pointer into `object` as the apiserver writes a field path (`.spec.template.cliques[name="router"].spec.gpus`). */
function structuredPath(object: KubeObject, ptr: string): string {
  let schema: Schema | undefined = GROVE_SCHEMAS[`${String(object.apiVersion)}/${String(object.kind)}`];
  let value: unknown = object;
  let path = '';
  for (const raw of pointerSegments(ptr)) {
    const segment = Array.isArray(value) && /^\d+$/.test(raw) ? Number(raw) : raw;
    path += typeof segment === 'number' ? itemSegment(schema, (value as unknown[])[segment], segment) : `.${segment}`;
    schema = childSchema(schema, segment);
    value = isRecord(value) || Array.isArray(value) ? (value as Record<string | number, unknown>)[segment] : undefined;
  }
  return path;
}

/**
 * The fields an object sets, as the apiserver writes their paths (`.spec.replicas`,
 * `.spec.template.cliques[name="router"].spec.replicas`), each with its value (canonical JSON).
 * Items of a list-map are fields of their own (keyed as the CRD declares); any other list is one
 * field (atomic). Server-owned metadata and status are not anyone's intent.
 */
function fieldsOf(object: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (value: unknown, schema: Schema | undefined, path: string) => {
    if (isRecord(value) && Object.keys(value).length > 0) {
      for (const [k, v] of Object.entries(value)) walk(v, childSchema(schema, k), `${path}.${k}`);
    } else if (Array.isArray(value) && value.length > 0 && schema?.type === 'array' && schema.listMapKeys) {
      value.forEach((item, i) => walk(item, schema.items, `${path}${itemSegment(schema, item, i)}`));
    } else out.set(path, canonical(value));
  };
  if (!isRecord(object)) return out;
  const { apiVersion: _a, kind: _k, status: _s, metadata, ...rest } = object;
  const meta = isRecord(metadata) ? metadata : {};
  if (isRecord(meta.labels)) walk(meta.labels, undefined, '.metadata.labels');
  if (isRecord(meta.annotations)) walk(meta.annotations, undefined, '.metadata.annotations');
  walk(rest, GROVE_SCHEMAS[`${String(object.apiVersion)}/${String(object.kind)}`], '');
  return out;
}

/**
 * Server-side apply's conflict check and ownership update for `applied` by `manager`: a field whose
 * value changes and that another manager owns is a conflict (409), unless forced, which takes it
 * over. Fields the manager applied before and applies no more are released.
 */
function claimFields(owners: Map<string, Map<string, FieldManager>>, before: KubeObject | null, applied: KubeObject, manager: FieldManager, force: boolean, apiVersion: string, commit: false | { time: string }): void {
  const fields = fieldsOf(applied);
  const current = before ? fieldsOf(before) : new Map<string, string>();
  const me = managerKey(manager);
  const changed = (path: string, value: string) => current.get(path) !== value;
  const conflicts: { path: string; other: FieldManager }[] = [];
  for (const [path, value] of fields) {
    if (!changed(path, value)) continue;
    for (const [key, other] of owners.get(path) ?? []) if (key !== me) conflicts.push({ path, other });
  }
  if (conflicts.length > 0 && !force) {
    const causes = conflicts.map((c) => ({ field: c.path, message: `conflict with ${printManager(c.other)}` }));
    const message =
      conflicts.length === 1
        ? `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0]!.other)}: ${conflicts[0]!.path}`
        : `Apply failed with ${conflicts.length} conflicts: ${[...new Set(conflicts.map((c) => printManager(c.other)))].sort().map((m) => [`conflicts with ${m}:`, ...conflicts.filter((c) => printManager(c.other) === m).map((c) => `- ${c.path}`)].join('\n')).join('\n')}`;
    throw actionError(409, 'Conflict', message, causes);
  }
  if (!commit) return;
  for (const [path, set] of owners) if (!fields.has(path)) set.delete(me);
  for (const [path, value] of fields) {
    // A changed (or forced) field has one owner now; an unchanged one is shared.
    const set = changed(path, value) || force ? new Map<string, FieldManager>() : (owners.get(path) ?? new Map<string, FieldManager>());
    set.set(me, { ...manager, apiVersion, time: commit.time });
    owners.set(path, set);
  }
  for (const [path, set] of owners) if (set.size === 0) owners.delete(path);
}

/**
 * Server-side apply merges the applied fields into the object: a field the applier leaves out that
 * another manager owns keeps its value (spec.replicas after a /scale, when the manifest names none).
 * Fields at plain paths (`.spec.replicas`, no list item, not metadata) are kept here, which is every
 * field another manager than Canopy's apply owns in the simulator.
 */
function keepOthersFields(owners: Map<string, Map<string, FieldManager>>, me: string, before: KubeObject, object: Record<string, unknown>): void {
  const mine = fieldsOf(object);
  for (const [path, set] of owners) {
    if (mine.has(path) || ![...set.keys()].some((m) => m !== me) || !/^(\.[A-Za-z0-9_]+)+$/.test(path) || path.startsWith('.metadata.')) continue;
    const segments = path.slice(1).split('.');
    let from: unknown = before;
    for (const segment of segments) from = isRecord(from) ? from[segment] : undefined;
    if (from === undefined) continue;
    let into: Record<string, unknown> = object;
    for (const segment of segments.slice(0, -1)) {
      if (into[segment] === undefined) into[segment] = {};
      if (!isRecord(into[segment])) break;
      into = into[segment] as Record<string, unknown>;
    }
    const last = segments[segments.length - 1]!;
    if (into[last] === undefined) into[last] = structuredClone(from);
  }
}

/**
 * The writers of an object as its managedFields would list them (one entry per manager, operation and
 * subresource, with the time it last wrote), for the words of a stale write (server/actions/errors.ts).
 */
export function managedFieldsOf(sim: SimulatedCluster, kind: WatchedKind, key: string): FieldManagerRef[] {
  const writers = new Map<string, FieldManagerRef>();
  for (const set of fieldOwnersOf.get(sim)?.get(`${kind}/${key}`)?.values() ?? []) {
    for (const [id, m] of set) {
      const known = writers.get(id);
      if (!known || (m.time && (!known.time || m.time > known.time))) writers.set(id, { ...m });
    }
  }
  return [...writers.values()];
}

/** Server-side apply of one object (or its dry run): checks, defaults, store write, and the operator's reconcile of a PodCliqueSet. */
export function applyNow(sim: SimulatedCluster, input: KubeObject, dryRun: boolean, options: { force?: boolean; fieldManager?: string } = {}): ApplyResult {
  if (!isRecord(input)) throw actionError(400, 'BadRequest', 'the object must be a JSON object');
  const kind = input.kind;
  if (input.apiVersion === 'v1' && kind === 'Namespace') return applyNamespace(sim, input as KubeObject, dryRun);
  if (typeof kind !== 'string' || !(WATCHED_KINDS as readonly string[]).includes(kind)) {
    throw actionError(400, 'BadRequest', `kind ${JSON.stringify(kind)} is not one the simulated cluster stores (${WATCHED_KINDS.join(', ')})`);
  }
  const k = kind as WatchedKind;
  const name = (input as KubeObject).metadata?.name;
  if (!name) throw actionError(422, 'Invalid', `${kind} is invalid: metadata.name: Required value`, [{ field: 'metadata.name', message: 'Required value' }]);
  if (k === 'Pod' && !isRecord((input as { spec?: unknown }).spec)) {
    throw actionError(422, 'Invalid', `Pod "${name}" is invalid: spec: Required value`, [{ field: 'spec', message: 'Required value' }]);
  }
  if (k === 'PodCliqueSet') {
    // Counted from the spec before validation or expansion: a million replicas are refused, not built.
    const overBudget = podCliqueSetPodBudgetRefusal(input);
    if (overBudget) throw overBudget;
  }
  if (GROVE_KINDS_GENERATED.has(k)) {
    // Grove's managed-resource protection: users do not write what the operator generates.
    throw actionError(403, 'Forbidden', `${kind} "${name}" is managed by the Grove operator; change its PodCliqueSet (or scale it) instead`);
  }
  const namespaced = k !== 'Node' && k !== 'ClusterTopologyBinding';
  const object = structuredClone(input) as KubeObject & Record<string, unknown>;
  object.metadata = { ...object.metadata };
  if (namespaced) object.metadata.namespace ||= 'default';
  else delete object.metadata.namespace;
  const key = objectKey(object);
  const before = sim.store.get(k, key) ?? null;
  // Field ownership: on create, the object's fields have no owner yet (a deleted object's owners go with it).
  const owners = ownersOf(sim, k, key);
  if (!before) owners.clear();
  const manager: FieldManager = { manager: options.fieldManager ?? CANOPY_FIELD_MANAGER, operation: 'Apply' };
  // What this manager applies (its fields), before the fields it leaves to others are merged in.
  const applied = structuredClone(object);
  if (before) keepOthersFields(owners, managerKey(manager), before, object);

  // The apiserver knows every binding: a topologyName naming none is refused, as Grove's webhook does (§5.3).
  const ctx = { topologies: sim.topologyLevels(), topologiesComplete: true, topologyAwareScheduling: sim.topologyAwareScheduling };
  const strip = (o: KubeObject) => {
    const { status: _status, ...rest } = o as KubeObject & { status?: unknown };
    return rest;
  };
  const findings = before ? validateUpdate(strip(before), object, ctx) : validate(object, ctx);
  // Canopy's apply asks for fieldValidation=Strict (server/actions/apply.ts): the apiserver refuses a
  // field its schema does not declare, as a 500 naming it in the message only.
  const unknown = findings.filter((f) => f.rule === 'schema.unknownField').map((f) => `${structuredPath(object, f.path)}: field not declared in schema`);
  if (unknown.length > 0) {
    const group = String(object.apiVersion);
    const listed = unknown.length === 1 ? unknown[0] : ['errors:', ...unknown.map((u) => `  ${u}`)].join('\n');
    throw actionError(500, 'InternalError', `failed to create typed patch object (${namespaced ? object.metadata.namespace : ''}/${name}; ${group}, Kind=${kind}): ${listed}`);
  }
  // In the apiserver's order: server-side apply's field conflicts as the patch is made, then the
  // storage's precondition on update, then validation (the ownership is written once all pass, below).
  claimFields(owners, before, applied, manager, options.force === true, String(object.apiVersion), false);
  const precondition = typeof object.metadata.resourceVersion === 'number' ? String(object.metadata.resourceVersion) : object.metadata.resourceVersion;
  if (before && typeof precondition === 'string' && precondition !== '' && precondition !== before.metadata?.resourceVersion) {
    const info = KIND_INFO[k];
    throw actionError(409, 'Conflict', `Operation cannot be fulfilled on ${info.group ? `${info.plural}.${info.group}` : info.plural} "${name}": ${OBJECT_MODIFIED}`);
  }
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) {
    const causes = errors.map((f) => ({ field: apiFieldPath(f.path), message: f.message }));
    const group = object.apiVersion?.split('/')[0] ?? '';
    const what = group.includes('.') ? `${kind}.${group}` : kind;
    throw actionError(422, 'Invalid', `${what} "${name}" is invalid: ${causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message)).join('; ')}`, causes);
  }
  const warnings = findings.filter((f) => f.severity === 'warning').map((f) => (f.path ? `${apiFieldPath(f.path)}: ${f.message}` : f.message));

  claimFields(owners, before, applied, manager, options.force === true, String(object.apiVersion), dryRun ? false : { time: sim.timestamp() });

  // What the mutating webhook stores: a PodCliqueSet with Grove's defaults filled in.
  let desired: KubeObject & Record<string, unknown> = k === 'PodCliqueSet' ? (defaultPodCliqueSet(object as unknown as PodCliqueSet) as unknown as KubeObject & Record<string, unknown>) : object;
  const unchanged = before !== null && appliedIntent(before) === appliedIntent(desired);
  const now = sim.timestamp();
  if (before) {
    // Server-side apply of the full intent: the applied fields replace ours; status and server metadata stay.
    const meta = before.metadata ?? {};
    desired = {
      ...desired,
      metadata: {
        ...meta,
        labels: desired.metadata?.labels,
        annotations: desired.metadata?.annotations,
        generation: unchanged ? meta.generation : (meta.generation ?? 1) + 1,
      },
    };
    if (!desired.metadata!.labels) delete desired.metadata!.labels;
    if (!desired.metadata!.annotations) delete desired.metadata!.annotations;
    // Status is a subresource of the Grove kinds: apply never writes it. Core kinds take it as given.
    const st = (before as { status?: unknown }).status;
    const statusSubresource = k === 'PodCliqueSet' || k === 'ClusterTopologyBinding';
    if (statusSubresource) {
      if (st === undefined) delete desired.status;
      else desired.status = st;
    } else if (!('status' in object) && st !== undefined) desired.status = st;
  } else {
    desired.metadata = { ...desired.metadata, uid: sim.uid(), creationTimestamp: now, generation: 1 };
    if (k === 'PodCliqueSet' || k === 'ClusterTopologyBinding') delete desired.status;
    if (k === 'Pod' && !isRecord(desired.status)) desired.status = { phase: 'Pending', conditions: [] };
  }
  if (unchanged) return { kind, ...(namespaced ? { namespace: before!.metadata?.namespace ?? 'default' } : {}), name, before, after: before!, dryRun, unchanged: true, warnings, changes: [] };
  let after: KubeObject;
  if (dryRun) {
    after = structuredClone(desired);
    after.metadata = { ...after.metadata, resourceVersion: before?.metadata?.resourceVersion ?? '' };
  } else {
    after = sim.store.put(k, desired);
    if (k === 'PodCliqueSet') {
      sim.event(after, 'Normal', before ? 'Updated' : 'Created', `${before ? 'Updated' : 'Created'} PodCliqueSet ${name} (generation ${after.metadata?.generation})`, OPERATOR);
      reconcile(sim, key);
      updateStatuses(sim);
      after = sim.store.get('PodCliqueSet', key) ?? after;
    }
  }
  // The same field-by-field diff the live apply reports, so the Apply panel shows what changes.
  return { kind, ...(namespaced ? { namespace: desired.metadata?.namespace ?? 'default' } : {}), name, before, after, dryRun, unchanged: false, warnings, changes: diffObjects(before, after) };
}

/**
 * A Namespace, as the live apply takes it, so a manifest can bring its own. Kept by name only (no
 * page lists or watches them), and not required by the objects in it: a namespace that a stored
 * object uses, or that every cluster has, exists already.
 */
function applyNamespace(sim: SimulatedCluster, input: KubeObject, dryRun: boolean): ApplyResult {
  const name = input.metadata?.name;
  if (typeof name !== 'string' || !name) throw actionError(422, 'Invalid', 'Namespace is invalid: metadata.name: Required value', [{ field: 'metadata.name', message: 'Required value' }]);
  const nameError = dns1123LabelError(name);
  if (nameError) throw actionError(422, 'Invalid', `Namespace "${name}" is invalid: metadata.name: Invalid value: "${name}": ${nameError}`, [{ field: 'metadata.name', message: nameError }]);
  const before = existingNamespace(sim, name);
  const { status: _status, ...applied } = input as KubeObject & { status?: unknown };
  const { namespace: _namespace, ...metadata } = applied.metadata ?? {};
  if (before && appliedIntent(before) === appliedIntent(applied)) return { kind: 'Namespace', name, before, after: before, dryRun, unchanged: true, warnings: [], changes: [] };
  // Server-side apply of the whole intent: labels and annotations as given, uid and creation time kept.
  const after = before ? { ...applied, metadata: { ...before.metadata, labels: metadata.labels, annotations: metadata.annotations }, status: { phase: 'Active' } } : newNamespace(sim, { ...applied, metadata });
  if (!after.metadata.labels) delete after.metadata.labels;
  if (!after.metadata.annotations) delete after.metadata.annotations;
  if (!dryRun) sim.namespaces.set(name, after);
  return { kind: 'Namespace', name, before, after, dryRun, unchanged: false, warnings: [], changes: diffObjects(before, after) };
}

function newNamespace(sim: SimulatedCluster, object: KubeObject): KubeObject & { metadata: ObjectMeta } {
  return { ...object, metadata: { ...object.metadata, uid: sim.uid(), creationTimestamp: sim.timestamp() }, status: { phase: 'Active' } } as KubeObject & { metadata: ObjectMeta };
}

/** The Namespace `name`, or null when the cluster does not have it. */
function existingNamespace(sim: SimulatedCluster, name: string): KubeObject | null {
  const known = sim.namespaces.get(name);
  if (known) return known;
  const inUse = BUILTIN_NAMESPACES.includes(name) || WATCHED_KINDS.some((kind) => sim.store.all(kind).some((o) => o.metadata?.namespace === name));
  if (!inUse) return null;
  const namespace = newNamespace(sim, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  sim.namespaces.set(name, namespace);
  return namespace;
}

/** Canopy's scale (server/actions/scale.ts): a merge patch of /scale with field manager `canopy`. */
const SCALE_MANAGER: FieldManager = { manager: CANOPY_FIELD_MANAGER, operation: 'Update', subresource: 'scale' };

/** The /scale subresource: range and pod-budget checks, then the new replica count and the operator's reconcile. */
export function scaleNow(sim: SimulatedCluster, kind: ScalableKind, namespace: string, name: string, replicas: number, dryRun: boolean): ScaleResult {
  if (kind !== 'PodCliqueSet' && kind !== 'PodCliqueScalingGroup' && kind !== 'PodClique') throw actionError(400, 'BadRequest', `${String(kind)} has no /scale subresource`);
  const ns = namespace || 'default';
  const key = `${ns}/${name}`;
  const object = sim.store.get(kind, key) as (KubeObject & { spec: { replicas?: number } }) | undefined;
  if (!object) throw actionError(404, 'NotFound', `${kind} "${name}" not found`);
  if (!isReplicaCount(replicas)) {
    throw actionError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${replicas}: must be ${REPLICAS_RANGE}`, [
      { field: 'spec.replicas', message: `must be ${REPLICAS_RANGE}` },
    ]);
  }
  const labels = object.metadata?.labels ?? {};
  // A PodClique of a scaling group scales like a standalone one (API-NOTES §14, `kubectl scale pclq
  // <pcs>-<i>-<sg>-<j>-<clique>`): the operator builds pods for the PodClique's own spec.replicas.
  // Canopy's advice to scale the group instead is a policy of its action layer, not the apiserver's.
  const from = object.spec.replicas ?? 0;
  const pcsKey = kind === 'PodCliqueSet' ? key : `${ns}/${labels[LABEL_PART_OF] ?? ''}`;
  const podCliqueSet = sim.store.get('PodCliqueSet', pcsKey);
  // Refused before the operator builds anything: every pod is built in this one thread.
  const overBudget = podCliqueSet && scalePodBudgetRefusal({ kind, object, from, to: replicas, podCliqueSet, podCliques: sim.store.all('PodClique') });
  if (overBudget) throw overBudget;
  const result: ScaleResult = { kind, namespace: ns, name, from, to: replicas, dryRun };
  if (dryRun || from === replicas) return result;
  // An update through /scale: its manager now owns spec.replicas alone (a later apply of another value conflicts).
  ownersOf(sim, kind, key).set('.spec.replicas', new Map([[managerKey(SCALE_MANAGER), { ...SCALE_MANAGER, apiVersion: object.apiVersion, time: sim.timestamp() }]]));
  object.spec.replicas = replicas;
  object.metadata = { ...object.metadata, generation: (object.metadata?.generation ?? 1) + 1 };
  const stored = sim.store.put(kind, object);
  sim.event(stored, 'Normal', 'Scaled', `Scaled ${kind} ${name} from ${from} to ${replicas} replicas`, OPERATOR);
  if (podCliqueSet) reconcile(sim, pcsKey);
  updateStatuses(sim);
  return result;
}

/** What loading a snapshot left out: items of kinds Canopy does not simulate, counted per kind (most first). */
export interface SnapshotLoad {
  ignored: [string, number][];
}

/**
 * A cluster snapshot (a kubectl List) into the store: every object of a kind the simulated apiserver
 * serves, each with a uid and without managedFields; other kinds are counted in the answer. The Grove
 * operator adopts the PodCliqueSets it holds (reconcile): the PodCliques, scaling groups, PodGangs and
 * pods of the snapshot are found by their names and labels, as Grove finds its own, and only what is
 * missing is built. Grove's template hashes are read as the simulator's own (adoptTemplateHashes), so a
 * stack at its template stays put instead of rolling. Throws on an unreadable snapshot and on a
 * PodCliqueSet the webhook would refuse (with the item's JSON path).
 */
export function loadSnapshot(sim: SimulatedCluster, snapshot: unknown): SnapshotLoad {
  let contents;
  try {
    contents = snapshotObjects(snapshot);
  } catch (e) {
    if (e instanceof SnapshotError) throw new Error(`invalid cluster snapshot: ${e.errors.map((x) => x.message).slice(0, 5).join('; ')}`);
    throw e;
  }
  // Bindings first: a PodCliqueSet is checked against the topologies of the cluster.
  const order = (kind: WatchedKind) => (kind === 'ClusterTopologyBinding' ? 0 : kind === 'Node' ? 1 : 2);
  const objects = [...contents.objects].sort((a, b) => order(a.kind) - order(b.kind));
  const podCliqueSets: string[] = [];
  for (const { kind, object: item, path } of objects) {
    let o = structuredClone(item) as unknown as KubeObject;
    o.metadata = { ...o.metadata };
    delete (o.metadata as { managedFields?: unknown }).managedFields;
    o.metadata.uid ??= sim.uid();
    if (KIND_INFO[kind].namespaced) o.metadata.namespace ||= 'default';
    else delete o.metadata.namespace;
    if (kind === 'PodCliqueSet') {
      const { status: _status, ...intent } = o as KubeObject & { status?: unknown };
      // Validated as a create with topology-aware scheduling on whatever the setting: a PodCliqueSet in a
      // snapshot exists already, and Grove keeps running those created before TAS was switched off.
      const errors = validate(intent, { topologies: sim.topologyLevels(), topologiesComplete: true, topologyAwareScheduling: true }).filter((f) => f.severity === 'error');
      const overBudget = podCliqueSetPodBudgetRefusal(o);
      if (errors.length > 0 || overBudget) {
        const problems = errors.length > 0 ? errors.map((f) => `${apiFieldPath(f.path, path)}: ${f.message}`) : [`${path}: ${overBudget!.message}`];
        throw new Error(`invalid cluster snapshot: PodCliqueSet ${objectKey(o)} would be refused: ${problems.slice(0, 5).join('; ')}`);
      }
      // What Grove's mutating webhook stored; a real cluster's object has its defaults already.
      o = defaultPodCliqueSet(o as unknown as PodCliqueSet) as unknown as KubeObject;
      o.metadata!.generation ??= 1;
      podCliqueSets.push(objectKey(o));
    }
    sim.store.put(kind, o);
  }
  // The scheduler takes PodGangs in creation order; the snapshot's come before any the operator adds.
  const created = (o: KubeObject) => o.metadata?.creationTimestamp ?? '';
  const gangs = [...sim.store.all('PodGang')].sort((a, b) => created(a).localeCompare(created(b)) || objectKey(a).localeCompare(objectKey(b)));
  for (const g of gangs) sim.gangOrder.set(objectKey(g), ++sim.gangSeq);
  for (const key of podCliqueSets) adoptTemplateHashes(sim, key);
  for (const key of podCliqueSets) reconcile(sim, key);
  if (podCliqueSets.length > 0) updateStatuses(sim);
  return { ignored: contents.ignored };
}

/**
 * Grove's template hashes (status.currentGenerationHash, grove.io/pod-template-hash and the hashes in
 * the statuses) rewritten as the simulator's, which never equal Grove's (simulated-operator.ts): read
 * as they are, every adopted stack would look changed and roll. A PodClique's label is its current
 * template's hash, so its pods carrying that value are current and the others (an update under way) stay old.
 */
function adoptTemplateHashes(sim: SimulatedCluster, pcsKey: string): void {
  const pcs = sim.store.get('PodCliqueSet', pcsKey) as PodCliqueSet | undefined;
  if (!pcs) return;
  const ns = pcs.metadata.namespace ?? 'default';
  const ours = templateHashes(pcs).generation;
  const theirs = pcs.status?.currentGenerationHash;
  const generation = (value: string | undefined) => (value !== undefined && value === theirs ? ours : value);
  if (theirs !== undefined && theirs !== ours) sim.store.put('PodCliqueSet', { ...pcs, status: { ...pcs.status, currentGenerationHash: ours } } as KubeObject);
  const mine = (o: KubeObject) => o.metadata?.namespace === ns && o.metadata?.labels?.[LABEL_PART_OF] === pcs.metadata.name;
  for (const g of sim.store.all('PodCliqueScalingGroup').filter(mine) as PodCliqueScalingGroup[]) {
    if (!g.status) continue;
    const status = { ...g.status, currentPodCliqueSetGenerationHash: generation(g.status.currentPodCliqueSetGenerationHash) };
    if (g.status.updateProgress) status.updateProgress = { ...g.status.updateProgress, podCliqueSetGenerationHash: generation(g.status.updateProgress.podCliqueSetGenerationHash) };
    if (canonical(status) !== canonical(g.status)) sim.store.put('PodCliqueScalingGroup', { ...g, status } as KubeObject);
  }
  const podsByClique = sim.podsByClique(ns);
  for (const c of sim.store.all('PodClique').filter(mine) as PodClique[]) {
    const expected = expectedPodTemplateHash(pcs, c);
    const label = c.metadata.labels?.[LABEL_POD_TEMPLATE_HASH];
    const template = (value: string | undefined) => (expected !== undefined && value !== undefined && value === label ? expected : value);
    const status = c.status && { ...c.status, currentPodTemplateHash: template(c.status.currentPodTemplateHash), currentPodCliqueSetGenerationHash: generation(c.status.currentPodCliqueSetGenerationHash) };
    if (status?.updateProgress) status.updateProgress = { ...status.updateProgress, podTemplateHash: template(status.updateProgress.podTemplateHash) ?? '', podCliqueSetGenerationHash: generation(status.updateProgress.podCliqueSetGenerationHash) ?? '' };
    const labels = label !== undefined && expected !== undefined ? { ...c.metadata.labels, [LABEL_POD_TEMPLATE_HASH]: expected } : c.metadata.labels;
    if (canonical(status) !== canonical(c.status) || canonical(labels) !== canonical(c.metadata.labels)) sim.store.put('PodClique', { ...c, metadata: { ...c.metadata, labels }, ...(status ? { status: defined(status) } : {}) } as KubeObject);
    if (label === undefined || expected === undefined || label === expected) continue;
    for (const p of podsByClique.get(c.metadata.name ?? '') ?? []) {
      if (p.metadata.labels[LABEL_POD_TEMPLATE_HASH] === label) sim.store.put('Pod', { ...p, metadata: { ...p.metadata, labels: { ...p.metadata.labels, [LABEL_POD_TEMPLATE_HASH]: expected } } });
    }
  }
}

const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/**
 * DELETE: the object and what it owns; the operator rebuilds what it still wants (a hand-deleted child,
 * a deleted Node's pods). A `uid` precondition (DeleteOptions preconditions.uid) refuses, as the
 * apiserver does, an object of that name with another uid (409), dry run or not.
 */
export function deleteNow(sim: SimulatedCluster, kind: WatchedKind, namespace: string | undefined, name: string, dryRun: boolean, uid?: string): void {
  assertKind(kind);
  const key = keyOf(kind, namespace, name);
  const existing = sim.store.get(kind, key);
  if (!existing) throw actionError(404, 'NotFound', `${kind} "${name}" not found`);
  if (uid !== undefined && uid !== existing.metadata?.uid) {
    // rest.BeforeDelete's words, which name the kind (not the resource) with its group.
    const group = KIND_INFO[kind].group;
    const reason = `the UID in the precondition (${uid}) does not match the UID in record (${existing.metadata?.uid ?? ''}). The object might have been deleted and then recreated`;
    throw actionError(409, 'Conflict', `Operation cannot be fulfilled on ${group ? `${kind}.${group}` : kind} "${name}": ${reason}`);
  }
  if (dryRun) return;
  sim.deleteTree(kind, key);
  if (kind === 'Node') {
    // The pod garbage collector removes pods bound to a node that no longer exists; their owners recreate them.
    const orphans = (sim.store.all('Pod') as SimPod[]).filter((p) => p.spec?.nodeName === name);
    for (const p of orphans) sim.deleteTree('Pod', objectKey(p));
    const owners = new Set(orphans.map((p) => `${p.metadata.namespace}/${p.metadata.labels?.[LABEL_PART_OF] ?? ''}`));
    for (const pcsKey of owners) if (sim.store.get('PodCliqueSet', pcsKey)) reconcile(sim, pcsKey);
  }
  // The operator recreates what it owns when a child is deleted by hand.
  const partOf = existing.metadata?.labels?.[LABEL_PART_OF];
  if (kind !== 'PodCliqueSet' && partOf && existing.metadata?.labels?.[LABEL_MANAGED_BY] === LABEL_MANAGED_BY_VALUE) {
    const pcsKey = `${existing.metadata?.namespace ?? 'default'}/${partOf}`;
    if (sim.store.get('PodCliqueSet', pcsKey)) reconcile(sim, pcsKey);
  }
  if (kind === 'PodCliqueSet') {
    sim.expansions.delete(key);
    sim.event(existing, 'Normal', 'Deleted', `Deleted PodCliqueSet ${name} and every object it owned`, OPERATOR);
  }
  updateStatuses(sim);
}
