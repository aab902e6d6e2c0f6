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
