import { describe, expect, it } from 'vitest';
import { warningsOf } from '../kube/request';
import { pointerToFieldPath } from './apply';
import { actionErrorFromStatus, strictFieldCauses } from './errors';

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
  it('reads the field paths out of the message when the Status has no causes', () => {
    const message = 'failed to create typed patch object (grove.io/v1alpha1, Kind=PodCliqueSet): .spec.template.bogusField: field not declared in schema';
    expect(actionErrorFromStatus(500, { kind: 'Status', status: 'Failure', reason: 'InternalError', code: 500, message }).toJSON()).toEqual({
      status: 500,
      reason: 'InternalError',
      message,
      causes: [{ field: 'spec.template.bogusField', message: 'field not declared in schema' }],
    });
    expect(strictFieldCauses('x: .spec.a: field not declared in schema\n.spec.b[0].c: field not declared in schema').map((c) => c.field)).toEqual(['spec.a', 'spec.b[0].c']);
    expect(strictFieldCauses('spec.replicas: Invalid value')).toEqual([]);
  });
});
