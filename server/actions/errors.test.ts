import { describe, expect, it } from 'vitest';
import { warningsOf } from '../kube/request';
import { pointerToFieldPath } from './apply';
import { isWebhookDenial, webhookDenialCauses } from '../../lib/cluster/webhookDenial';
import { actionErrorFromStatus, isStaleWrite, refusalOfManifest, staleWriteFailure, strictFieldCauses, typedPatchCauses } from './errors';

describe('actionErrorFromStatus', () => {
  it("keeps the apiserver's Status verbatim, causes with their field paths", () => {
    const status = {
      kind: 'Status',
      status: 'Failure',
      reason: 'Invalid',
      code: 422,
      message: 'PodCliqueSet.grove.io "x" is invalid: spec.template.cliques[0].spec.roleName: Required value',
      details: { causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.template.cliques[0].spec.roleName' }] },
    };
    expect(actionErrorFromStatus(422, status).toJSON()).toEqual({
      status: 422,
      reason: 'Invalid',
      message: status.message,
      causes: [{ field: 'spec.template.cliques[0].spec.roleName', message: 'Required value' }],
    });
  });

  it('says what is missing on a 404 (details.kind and name), and only then', () => {
    const noNamespace = { kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404, message: 'namespaces "apps" not found', details: { name: 'apps', kind: 'namespaces' } };
    expect(actionErrorFromStatus(404, noNamespace).missing).toEqual({ resource: 'namespaces', name: 'apps' });
    // No CRD: the apiserver's 404 names no resource.
    expect(actionErrorFromStatus(404, { kind: 'Status', reason: 'NotFound', code: 404, message: 'the server could not find the requested resource', details: {} }).missing).toBeUndefined();
    expect(actionErrorFromStatus(409, { reason: 'AlreadyExists', details: { name: 'x', kind: 'podcliquesets' } }).missing).toBeUndefined();
  });

  it('falls back to the body text and a reason from the HTTP status', () => {
    expect(actionErrorFromStatus(502, 'Bad Gateway from the proxy').toJSON()).toEqual({ status: 502, reason: 'InternalError', message: 'Bad Gateway from the proxy' });
    expect(actionErrorFromStatus(403, undefined).toJSON()).toEqual({ status: 403, reason: 'Forbidden', message: 'HTTP 403' });
  });
});

describe('helpers', () => {
  it('writes JSON pointers as the apiserver writes field paths', () => {
    expect(pointerToFieldPath('/spec/template/cliques/0/spec/roleName')).toBe('spec.template.cliques[0].spec.roleName');
    expect(pointerToFieldPath('/metadata/labels/grove.io~1x')).toBe('metadata.labels["grove.io/x"]');
    expect(pointerToFieldPath('')).toBe('');
  });

  it('reads Warning headers', () => {
    expect(warningsOf(['299 - "unknown field \\"spec.x\\""', '299 - "a", 299 - "b"'])).toEqual(['unknown field "spec.x"', 'a', 'b']);
    expect(warningsOf(undefined)).toEqual([]);
  });
});

describe('strict field validation', () => {
  it("is the manifest's fault: the apiserver's 500 is a 422 Invalid, the field paths read out of the message as causes", () => {
    const message = 'failed to create typed patch object (grove.io/v1alpha1, Kind=PodCliqueSet): .spec.template.bogusField: field not declared in schema';
    expect(actionErrorFromStatus(500, { kind: 'Status', status: 'Failure', reason: 'InternalError', code: 500, message }).toJSON()).toEqual({
      status: 422,
      reason: 'Invalid',
      message,
      causes: [{ field: 'spec.template.bogusField', message: 'field not declared in schema' }],
    });
    // As the reviewer met it: a clique's field (a list keyed by name), the message kept verbatim.
    const inClique = 'failed to create typed patch object (default/disagg; grove.io/v1alpha1, Kind=PodCliqueSet): .spec.template.cliques[name="frontend"].spec.bogusField: field not declared in schema';
    expect(actionErrorFromStatus(500, { kind: 'Status', reason: 'InternalError', code: 500, message: inClique }).toJSON()).toEqual({
      status: 422,
      reason: 'Invalid',
      message: inClique,
      causes: [{ field: 'spec.template.cliques[name="frontend"].spec.bogusField', message: 'field not declared in schema' }],
    });
    // A value of the wrong type is refused the same way; several fields are listed one per line.
    expect(typedPatchCauses('failed to create typed patch object (a/b; grove.io/v1alpha1, Kind=PodCliqueSet): errors:\n  .spec.replicas: expected numeric (int or float), got string\n  .spec.x: field not declared in schema')).toEqual([
      { field: 'spec.replicas', message: 'expected numeric (int or float), got string' },
      { field: 'spec.x', message: 'field not declared in schema' },
    ]);
    expect(typedPatchCauses('etcdserver: request timed out')).toBeNull();
    // Any other 500 stays what it is; any source's error goes through the same mapping (the simulated one's is plain data).
    expect(actionErrorFromStatus(500, { reason: 'InternalError', message: 'etcdserver: request timed out' }).toJSON()).toEqual({ status: 500, reason: 'InternalError', message: 'etcdserver: request timed out' });
    expect(refusalOfManifest({ status: 500, reason: 'InternalError', message })).toMatchObject({ status: 422, reason: 'Invalid', causes: [{ field: 'spec.template.bogusField' }] });
    expect(strictFieldCauses('x: .spec.a: field not declared in schema\n.spec.b[0].c: field not declared in schema').map((c) => c.field)).toEqual(['spec.a', 'spec.b[0].c']);
    expect(strictFieldCauses('spec.replicas: Invalid value')).toEqual([]);
  });
});

describe("a webhook's denial", () => {
  // Grove's PodCliqueSet webhook returns field.ErrorList.ToAggregate(); controller-runtime denies a plain
  // error with 403 Forbidden and its text, and the apiserver prefixes the webhook's name.
  const denied = (text: string) => `admission webhook "podcliqueset-validating-webhook.grove.io" denied the request: ${text}`;

  it('of the fields of a manifest is a 422 Invalid with those fields as causes, not a missing permission; the words stay verbatim', () => {
    const one = denied('spec.template.topologyConstraint: Forbidden: topology constraints are not allowed when Topology Aware Scheduling is disabled');
    expect(actionErrorFromStatus(403, { kind: 'Status', status: 'Failure', reason: 'Forbidden', code: 403, message: one }).toJSON()).toEqual({
      status: 422,
      reason: 'Invalid',
      message: one,
      causes: [{ field: 'spec.template.topologyConstraint', message: 'Forbidden: topology constraints are not allowed when Topology Aware Scheduling is disabled' }],
    });
    // Several errors: `[a, b]`; a detail may hold commas, a path may hold a key in brackets.
    const several = denied('[spec.template.cliques[0].spec.roleName: Required value, metadata.annotations[grove.io/auto-mnnvl]: Invalid value: "yes": must be "true", "false" or absent, spec.replicas: Invalid value: -1: must be greater than or equal to 0]');
    expect(actionErrorFromStatus(403, { reason: 'Forbidden', code: 403, message: several }).causes).toEqual([
      { field: 'spec.template.cliques[0].spec.roleName', message: 'Required value' },
      { field: 'metadata.annotations[grove.io/auto-mnnvl]', message: 'Invalid value: "yes": must be "true", "false" or absent' },
      { field: 'spec.replicas', message: 'Invalid value: -1: must be greater than or equal to 0' },
    ]);
  });

  it('that names no field stays as the apiserver sent it; a webhook that gave causes keeps them', () => {
    const plain = denied('expected an PodCliqueSet object but got *v1.Pod');
    expect(webhookDenialCauses(plain)).toBeNull();
    expect(actionErrorFromStatus(403, { reason: 'Forbidden', message: plain }).toJSON()).toEqual({ status: 403, reason: 'Forbidden', message: plain });
    expect(isWebhookDenial(plain)).toBe(true);
    // A list that does not start with a field's error is not read: all its words stay in the message.
    expect(webhookDenialCauses(denied('[something else, spec.a: Required value]'))).toBeNull();
    // An RBAC refusal is not a webhook's.
    expect(isWebhookDenial('podcliquesets.grove.io "x" is forbidden: User "u" cannot create resource')).toBe(false);
    expect(webhookDenialCauses('spec.a: Required value')).toBeNull();
    const given = actionErrorFromStatus(422, { reason: 'Invalid', message: denied('spec.a: Required value'), details: { causes: [{ field: 'spec.a', message: 'Required value' }] } });
    expect(given.toJSON()).toMatchObject({ status: 422, causes: [{ field: 'spec.a', message: 'Required value' }] });
  });
});

describe('a stale write (the resourceVersion precondition failed)', () => {
  const apiserver = { status: 409, reason: 'Conflict', message: 'Operation cannot be fulfilled on podcliquesets.grove.io "disagg": the object has been modified; please apply your changes to the latest version and try again' };
  const current = (managedFields: unknown[]) => ({ apiVersion: 'grove.io/v1alpha1', kind: 'PodCliqueSet', metadata: { name: 'disagg', namespace: 'default', resourceVersion: '412', managedFields } });

  it('is told from the 409 of a field conflict by the apiserver\'s words', () => {
    expect(isStaleWrite(actionErrorFromStatus(409, apiserver))).toBe(true);
    expect(isStaleWrite(actionErrorFromStatus(409, { reason: 'Conflict', message: 'Apply failed with 1 conflict: conflict with "canopy" with subresource "scale" using grove.io/v1alpha1: .spec.replicas' }))).toBe(false);
    expect(isStaleWrite(actionErrorFromStatus(422, { message: apiserver.message }))).toBe(false);
  });

  it("says plainly that the object changed since it was opened, and who changed it last when managedFields tell (the operator's status writes are no one's edit)", () => {
    const failure = staleWriteFailure({ kind: 'PodCliqueSet', namespace: 'default', name: 'disagg' }, '405', current([
      { manager: 'canopy', operation: 'Apply', apiVersion: 'grove.io/v1alpha1', time: '2026-12-01T05:26:17Z' },
      { manager: 'kubectl-edit', operation: 'Update', apiVersion: 'grove.io/v1alpha1', time: '2026-12-01T05:30:00Z' },
      { manager: 'grove-operator', operation: 'Update', subresource: 'status', apiVersion: 'grove.io/v1alpha1', time: '2026-12-01T05:31:00Z' },
    ]), apiserver);
    expect(failure.toJSON()).toEqual({
      status: 409,
      reason: 'Conflict',
      message: 'PodCliqueSet default/disagg changed on the cluster since you opened it (last changed by "kubectl-edit" at 2026-12-01 05:30:00 UTC)',
      causes: [{ field: 'metadata.resourceVersion', message: `405 is the version you opened; the cluster's is 412 (${apiserver.message})` }],
      sentResourceVersion: '405',
    });
    // Another Canopy user (or tab): the one shared field manager, in words; Canopy's Scale likewise.
    expect(staleWriteFailure({ kind: 'PodCliqueSet', namespace: 'default', name: 'disagg' }, '405', current([{ manager: 'canopy', operation: 'Apply', time: '2026-12-01T05:26:17Z' }]), apiserver).message).toMatch(/\(last changed by Canopy's apply at 2026-12-01 05:26:17 UTC\)$/);
    expect(staleWriteFailure({ kind: 'PodCliqueSet', namespace: 'default', name: 'disagg' }, '405', current([{ manager: 'canopy', operation: 'Update', subresource: 'scale', time: '2026-12-01T05:26:17Z' }]), apiserver).message).toMatch(/\(last changed by Canopy's Scale at/);
    // Nothing known of the writers (or the object could not be read again): no guess.
    expect(staleWriteFailure({ kind: 'PodCliqueSet', namespace: 'default', name: 'disagg' }, '405', null, apiserver).toJSON()).toMatchObject({
      message: 'PodCliqueSet default/disagg changed on the cluster since you opened it',
      causes: [{ field: 'metadata.resourceVersion', message: `405 is the version you opened (${apiserver.message})` }],
    });
  });
});
