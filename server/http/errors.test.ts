import { describe, expect, it } from 'vitest';
import { ActionFailure } from '../actions/errors';
import { errorResponse, toActionError } from './errors';

describe('errorResponse', () => {
  it('keeps an ActionError (class or plain object) verbatim with its status', async () => {
    const failure = new ActionFailure({ status: 422, reason: 'Invalid', message: 'spec.replicas: Invalid value', causes: [{ field: 'spec.replicas', message: 'Invalid value' }] });
    const response = errorResponse(failure);
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ error: { status: 422, reason: 'Invalid', message: 'spec.replicas: Invalid value', causes: [{ field: 'spec.replicas', message: 'Invalid value' }] } });
    expect(toActionError({ status: 409, reason: 'Conflict', message: 'x' })).toEqual({ status: 409, reason: 'Conflict', message: 'x' });
  });

  it('turns anything else into a 500 with the message', () => {
    expect(toActionError(new Error('boom'))).toEqual({ status: 500, reason: 'InternalError', message: 'boom' });
  });
});

describe('a manifest failure', () => {
  it('keeps the document, its kind and name, and how far a real apply got', async () => {
    const { DocumentFailure } = await import('../actions/applyManifests');
    const failure = new DocumentFailure(1, { kind: 'PodCliqueSet', namespace: 'partial2', name: 'disagg' }, { status: 422, reason: 'Invalid', message: 'at most 3 replicas' });
    failure.progress = { applied: [{ document: 0, kind: 'Namespace', name: 'partial2', outcome: 'created' }], notAttempted: [] };
    expect(await errorResponse(failure).json()).toEqual({
      error: {
        status: 422,
        reason: 'Invalid',
        message: 'at most 3 replicas',
        document: 1,
        object: { document: 1, kind: 'PodCliqueSet', namespace: 'partial2', name: 'disagg' },
        progress: { applied: [{ document: 0, kind: 'Namespace', name: 'partial2', outcome: 'created' }], notAttempted: [] },
      },
    });
  });
});
