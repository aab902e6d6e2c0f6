/** The live delete's request: DeleteOptions in the body, with the uid precondition when the caller names the object it decided on. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../kube/connection';
import { deleteObject } from './delete';
import { startFakeApiserver, type FakeApiserver } from './fakeApiserver';

describe('live delete', () => {
  const PCS = '/apis/grove.io/v1alpha1/namespaces/default/podcliquesets/disagg';
  const bodies: unknown[] = [];
  let apiserver: FakeApiserver;
  let connection: Connection;
  beforeAll(async () => {
    apiserver = await startFakeApiserver((req, res) => {
      let text = '';
      req.on('data', (chunk) => (text += chunk));
      req.on('end', () => {
        const body = JSON.parse(text) as { preconditions?: { uid?: string } };
        bodies.push(body);
        if (req.method !== 'DELETE' || req.url?.split('?')[0] !== PCS) return res.writeHead(404).end();
        // As the apiserver (rest.BeforeDelete): a precondition naming another uid than the object's is refused.
        if (body.preconditions?.uid && body.preconditions.uid !== 'uid-now') {
          const message = `Operation cannot be fulfilled on PodCliqueSet.grove.io "disagg": the UID in the precondition (${body.preconditions.uid}) does not match the UID in record (uid-now). The object might have been deleted and then recreated`;
          return res.writeHead(409, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', status: 'Failure', reason: 'Conflict', code: 409, message }));
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', status: 'Success' }));
      });
    });
    connection = apiserver.connection({ namespace: 'default' });
  });
  afterAll(() => apiserver.close());

  it('sends the uid as a DeleteOptions precondition, and hands the 409 of a namesake recreated since through', async () => {
    await expect(deleteObject(connection, 'PodCliqueSet', 'default', 'disagg', { dryRun: false, uid: 'uid-before' })).rejects.toMatchObject({ status: 409, reason: 'Conflict', message: expect.stringContaining('the UID in the precondition (uid-before) does not match') });
    await deleteObject(connection, 'PodCliqueSet', 'default', 'disagg', { dryRun: true, uid: 'uid-now' });
    expect(bodies).toEqual([
      { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Foreground', preconditions: { uid: 'uid-before' } },
      { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Foreground', dryRun: ['All'], preconditions: { uid: 'uid-now' } },
    ]);
  });

  it('sends no precondition when no uid is given', async () => {
    bodies.length = 0;
    await deleteObject(connection, 'PodCliqueSet', 'default', 'disagg', { dryRun: false });
    expect(bodies).toEqual([{ apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Foreground' }]);
  });
});
