/**
 * Apply = validate (lib's validate on create, validateUpdate when the object exists) → server-side
 * dry-run with field manager `canopy` → diff against the live object → server-side apply for real
 * (only when not a dry run). Canopy's own findings refuse before the apiserver is asked; the
 * apiserver's and webhooks' refusals come back verbatim (ActionFailure with their causes).
 *
 * Every Canopy user applies as the one field manager `canopy` (the server writes with its own
 * kubeconfig identity), so server-side apply sees no conflict between two of them: one user's stale
 * manifest would silently undo another's change. A manifest that names the version it was read at
 * (metadata.resourceVersion, as the builder sends for a stack opened from the cluster) is applied
 * with it as a precondition: the apiserver refuses it with a 409 once the object has changed since,
 * which staleWriteFailure words (who wrote last, from managedFields). Without one, last write wins.
 */
import { KIND_INFO } from '../../lib/cluster/kinds';
import { diffObjects } from '../../lib/cluster/diff';
import type { Finding } from '../../lib/grove/findings';
import { isRecord, type KubeObject } from '../../lib/grove/meta';
import { validate, validateUpdate } from '../../lib/grove/validate';
import type { Connection } from '../kube/connection';
import { groupPrefix, namespaceSegment, pathSegment } from '../kube/paths';
import { stripBulk } from '../../lib/cluster/watch';
import { isStatus, kubeRequest } from '../kube/request';
import type { ApplyResult } from '../sources/types';
import { CANOPY_FIELD_MANAGER } from '../../lib/cluster/fieldManagers';
import { ActionFailure, isStaleWrite, staleWriteFailure } from './errors';

interface ApplyTarget {
  prefix: string;
  plural: string;
  namespaced: boolean;
}

/** Kinds Canopy applies: Grove's, plus Namespace (so a manifest can bring its namespace along). */
const APPLICABLE: Record<string, ApplyTarget> = {
  'v1/Namespace': { prefix: '/api/v1', plural: 'namespaces', namespaced: false },
};
for (const info of Object.values(KIND_INFO)) {
  if (info.group === '') continue;
  APPLICABLE[`${info.apiVersion}/${info.kind}`] = { prefix: groupPrefix(info), plural: info.plural, namespaced: info.namespaced };
}

export function isApplicable(object: unknown): boolean {
  return isRecord(object) && `${String(object.apiVersion)}/${String(object.kind)}` in APPLICABLE;
}

/** `/spec/template/cliques/0/name` → `spec.template.cliques[0].name` (the apiserver's way of writing paths). */
export function pointerToFieldPath(pointer: string): string {
  if (!pointer || pointer === '/') return '';
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : /^[A-Za-z_$][\w$]*$/.test(part) ? (path ? `${path}.${part}` : part) : `${path}[${JSON.stringify(part)}]`), '');
}

/** A 422 for findings with errors: the first error's path and message, every error as a cause (at its field path). */
export function refuseFindings(findings: Finding[]): ActionFailure {
  const errors = findings.filter((f) => f.severity === 'error');
  const first = errors[0]!;
  const where = pointerToFieldPath(first.path);
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return new ActionFailure({
    status: 422,
    reason: 'Invalid',
    message: `${where ? `${where}: ` : ''}${first.message}${more}`,
    causes: errors.map((f) => ({ ...(f.path ? { field: pointerToFieldPath(f.path) } : {}), message: f.message })),
  });
}

/**
 * The manifest as the apply body: server-owned metadata removed (SSA refuses managedFields), except a
 * resourceVersion, which is the precondition that the object has not changed since it was read (an
 * empty one is none; a number, as an unquoted YAML value reads, is written as the string it stands for).
 */
export function applyBody(object: KubeObject, namespace: string | undefined): KubeObject {
  const copy = structuredClone(object) as KubeObject & { status?: unknown; metadata: Record<string, unknown> };
  const metadata = copy.metadata;
  for (const key of ['managedFields', 'uid', 'creationTimestamp', 'generation', 'selfLink']) delete metadata[key];
  const version = metadata.resourceVersion;
  if (typeof version === 'number' && Number.isSafeInteger(version) && version >= 0) metadata.resourceVersion = String(version);
  else if (version === '' || version === null) delete metadata.resourceVersion;
  if (namespace) metadata.namespace = namespace;
  delete copy.status;
  return copy;
}

/** A 422 about one field, as the apiserver words it (`metadata.name: Required value`). */
function invalidField(field: string, message: string): ActionFailure {
  return new ActionFailure({ status: 422, reason: 'Invalid', message: `${field}: ${message}`, causes: [{ field, message }] });
}

/** The resourceVersion an apply body is sent with as its precondition, if any. */
function preconditionOf(body: KubeObject): string | undefined {
  const version = body.metadata?.resourceVersion;
  return typeof version === 'string' && version ? version : undefined;
}

export async function applyObject(connection: Connection, object: KubeObject, options: { dryRun: boolean; force?: boolean }): Promise<ApplyResult> {
  if (!isRecord(object) || !isRecord(object.metadata)) throw new ActionFailure({ status: 400, reason: 'BadRequest', message: 'an object needs apiVersion, kind and metadata' });
  const target = APPLICABLE[`${String(object.apiVersion)}/${String(object.kind)}`];
  if (!target) {
    throw new ActionFailure({ status: 400, reason: 'BadRequest', message: `Canopy applies only Grove kinds and Namespace, not ${String(object.apiVersion)}/${String(object.kind)}` });
  }
  const { name, namespace: given } = object.metadata as Record<string, unknown>;
  // An unquoted `namespace: 2024` is a number: applied to the context's namespace, it would write where the manifest does not say.
  for (const [field, value] of [['metadata.name', name], ['metadata.namespace', given]] as const) {
    if (value === undefined || value === null || typeof value === 'string') continue;
    const got = typeof value !== 'object' ? `the ${typeof value} ${String(value)}: quote it in YAML` : Array.isArray(value) ? 'a list' : 'a mapping';
    throw invalidField(field, `must be a string (got ${got})`);
  }
  if (typeof name !== 'string' || !name) throw invalidField('metadata.name', 'Required value');
  const namespace: string | undefined = target.namespaced ? (typeof given === 'string' && given ? given : connection.info.namespace) : undefined;
  const path = `${target.prefix}${namespaceSegment(namespace)}/${target.plural}/${pathSegment(name, 'name')}`;
  const kubeConfig = connection.kubeConfig;

  let before: KubeObject | null = null;
  try {
    before = stripBulk(await kubeRequest<KubeObject>(kubeConfig, { method: 'GET', path }));
  } catch (error) {
    if (!isStatus(error, 404)) throw error;
  }

  const body = applyBody(object, namespace);
  const findings = before ? validateUpdate(before, body) : validate(body);
  // An unknown field is the apiserver's to refuse (fieldValidation=Strict below), in its own words and
  // with its field path, as the simulated apiserver does: the editors already show it as an error.
  const refusing = findings.filter((f) => f.rule !== 'schema.unknownField');
  if (refusing.some((f) => f.severity === 'error')) throw refuseFindings(refusing);
  const warnings = findings.filter((f) => f.severity === 'warning').map((f) => (f.path ? `${pointerToFieldPath(f.path)}: ${f.message}` : f.message));

  const ssa = (dryRun: boolean) =>
    kubeRequest<KubeObject>(kubeConfig, {
      method: 'PATCH',
      path,
      // Strict, as kubectl apply: an unknown field is refused by name instead of silently pruned.
      query: { fieldManager: CANOPY_FIELD_MANAGER, fieldValidation: 'Strict', force: options.force ? true : undefined, dryRun: dryRun ? 'All' : undefined },
      // JSON is YAML: the apply content type accepts it as is.
      contentType: 'application/apply-patch+yaml',
      body,
      onWarning: (warning) => {
        if (!warnings.includes(warning)) warnings.push(warning);
      },
    });

  const precondition = preconditionOf(body);
  const send = async (dryRun: boolean) => {
    try {
      return stripBulk(await ssa(dryRun));
    } catch (error) {
      if (!precondition || !isStaleWrite(error)) throw error;
      // Read again for who wrote since (the GET above may be older than the write that moved it on).
      const current = await kubeRequest<KubeObject>(kubeConfig, { method: 'GET', path }).catch(() => null);
      throw staleWriteFailure({ kind: String(object.kind), namespace, name }, precondition, current, error as ActionFailure);
    }
  };
  let after = await send(true);
  const changes = diffObjects(before, after);
  if (!options.dryRun) after = await send(false);
  return {
    kind: String(object.kind),
    ...(namespace ? { namespace } : {}),
    name,
    before,
    after,
    dryRun: options.dryRun,
    unchanged: before !== null && changes.length === 0,
    warnings,
    changes,
  };
}
