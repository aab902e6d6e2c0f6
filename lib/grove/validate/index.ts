/**
 * validate(object) and validateUpdate(old, new): what the apiserver (CRD schema, CEL) and Grove's
 * webhooks would say about an object, plus Canopy's own warnings. Pure; positions are added by
 * the manifest layer (check.ts).
 */
import { GROVE_SCHEMAS } from '../crd-schemas';
import type { Finding } from '../findings';
import { isRecord, pointerSegments } from '../meta';
import { defaultPodCliqueSet, type PodCliqueSet } from '../podcliqueset';
import { validateSchema } from '../schema';
import { validateClusterTopologyBindingRules } from './clustertopologybinding';
import type { ValidationContext } from './context';
import { validateMetadata } from './metadata';
import { validatePodCliqueSetRules } from './podcliqueset';
import { podCliqueSetImmutability } from './update';

export type { ValidationContext } from './context';

/** `apiVersion/kind` of an object, or null if it has none. */
export function gvk(object: unknown): string | null {
  if (!isRecord(object) || typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') return null;
  return `${object.apiVersion}/${object.kind}`;
}

export function isGroveObject(object: unknown): boolean {
  const key = gvk(object);
  return key !== null && key in GROVE_SCHEMAS;
}

const CLUSTER_SCOPED = new Set(['grove.io/v1alpha1/ClusterTopologyBinding']);

/** The API group of an apiVersion (`grove.io/v1alpha1` → grove.io; `v1` → '', the core group). */
function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

const KNOWN_GROVE = Object.keys(GROVE_SCHEMAS).map((key) => {
  const slash = key.lastIndexOf('/');
  return { apiVersion: key.slice(0, slash), kind: key.slice(slash + 1) };
});

/** "grove.io/v1alpha1 PodCliqueSet, PodClique, …; scheduler.grove.io/v1alpha1 PodGang": what the validator knows. */
function knownGroveKinds(): string {
  const byVersion = new Map<string, string[]>();
  for (const k of KNOWN_GROVE) byVersion.set(k.apiVersion, [...(byVersion.get(k.apiVersion) ?? []), k.kind]);
  return [...byVersion].map(([v, kinds]) => `${v} ${kinds.join(', ')}`).join('; ');
}

/**
 * An object that means to be Grove's but is no Grove kind the validator knows: an apiVersion in a
 * grove.io group with an unknown version or kind (`grove.io/v1beta1`, `kind: PodCliqueset`), or a Grove
 * kind under another group (`apiVersion: v1` on a PodCliqueSet). The apiserver refuses all of them
 * (no matches for kind); passing them as "not Grove, unchecked" would let a typo through.
 */
function unknownGroveKind(apiVersion: string, kind: string): Finding | null {
  const group = groupOf(apiVersion);
  const groveGroup = group === 'grove.io' || group.endsWith('.grove.io');
  const sameName = KNOWN_GROVE.filter((k) => k.kind.toLowerCase() === kind.toLowerCase());
  if (!groveGroup && !sameName.some((k) => k.kind === kind)) return null;
  const known = `known Grove kinds: ${knownGroveKinds()}`;
  const exact = sameName.find((k) => k.kind === kind);
  if (exact) {
    return { path: '/apiVersion', rule: 'schema.unknownKind', severity: 'error', message: `${kind} is served as apiVersion ${exact.apiVersion}, not ${apiVersion}` };
  }
  const hint = sameName[0] ? ` (did you mean ${sameName[0].kind}?)` : '';
  if (KNOWN_GROVE.some((k) => k.apiVersion === apiVersion)) {
    return { path: '/kind', rule: 'schema.unknownKind', severity: 'error', message: `${apiVersion} has no kind ${kind}${hint}; ${known}` };
  }
  return { path: '/apiVersion', rule: 'schema.unknownKind', severity: 'error', message: `${apiVersion}/${kind} is not a Grove kind this validator knows${hint}; ${known}` };
}

/** Findings for a new object (CREATE). Objects of kinds that are not Grove's get none. */
export function validate(object: unknown, ctx: ValidationContext = {}): Finding[] {
  return validateAs(object, ctx, 'CREATE');
}

function validateAs(object: unknown, ctx: ValidationContext, op: 'CREATE' | 'UPDATE'): Finding[] {
  const key = gvk(object);
  if (key === null || !isRecord(object)) {
    return [{ path: '', rule: 'object.kind', severity: 'error', message: 'a Kubernetes object needs apiVersion and kind' }];
  }
  const schema = GROVE_SCHEMAS[key];
  if (!schema) {
    const unknown = unknownGroveKind(object.apiVersion as string, object.kind as string);
    return unknown ? [unknown] : [];
  }
  const findings = [...validateSchema(object, schema), ...validateMetadata(object, !CLUSTER_SCOPED.has(key))];
  if (key === 'grove.io/v1alpha1/PodCliqueSet') {
    const defaulted = defaultPodCliqueSet(object as unknown as PodCliqueSet) as unknown as Record<string, unknown>;
    findings.push(...validatePodCliqueSetRules(defaulted, object, ctx, op));
  } else if (key === 'grove.io/v1alpha1/ClusterTopologyBinding') {
    findings.push(...validateClusterTopologyBindingRules(object, ctx));
  }
  return dedupe(findings);
}

/** Findings for replacing `oldObject` by `newObject` (UPDATE): the create rules that still apply, plus immutability. */
export function validateUpdate(oldObject: unknown, newObject: unknown, ctx: ValidationContext = {}): Finding[] {
  const findings = validateAs(newObject, ctx, 'UPDATE').map((f) => (f.rule === 'schema.unknownField' && hasPointer(oldObject, f.path) ? acceptedUnknownField(f) : f));
  const key = gvk(newObject);
  if (key !== gvk(oldObject)) {
    return [...findings, { path: '/kind', rule: 'immutable.kind', severity: 'error', message: `apiVersion/kind cannot change (was ${String(gvk(oldObject))})` }];
  }
  if (key === 'grove.io/v1alpha1/PodCliqueSet' && isRecord(oldObject) && isRecord(newObject)) {
    const o = defaultPodCliqueSet(oldObject as unknown as PodCliqueSet) as unknown as Record<string, unknown>;
    const n = defaultPodCliqueSet(newObject as unknown as PodCliqueSet) as unknown as Record<string, unknown>;
    findings.push(...podCliqueSetImmutability(o, n));
  }
  return dedupe(findings);
}

/**
 * A field our pinned Grove schema lacks that the running object already has: the cluster accepted it
 * (a newer Grove's field, or a default it writes), so the apiserver's strict validation will too. A
 * warning, so that editing a stack of a newer Grove is not blocked by fields the user did not write.
 */
function acceptedUnknownField(f: Finding): Finding {
  return { ...f, severity: 'warning', message: `${f.message.slice(0, f.message.indexOf(':'))}: not in the CRD schema Canopy knows, but the running object has it, so the cluster accepts it (a newer Grove's field?)` };
}

/** Whether `object` has a value at the JSON pointer `path`. */
function hasPointer(object: unknown, path: string): boolean {
  let at: unknown = object;
  for (const segment of pointerSegments(path)) {
    if (Array.isArray(at)) at = at[Number(segment)];
    else if (isRecord(at) && Object.hasOwn(at, segment)) at = at[segment];
    else return false;
  }
  return at !== undefined;
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const id = `${f.rule}\u0000${f.path}\u0000${f.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
