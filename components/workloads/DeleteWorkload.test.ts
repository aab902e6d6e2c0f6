import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../lib/grove/manifest';
import type { KubeObject } from '../../lib/grove/meta';
import { ActionFailure } from '../hooks/clusterActions';
import { deleteFailureText, deleteRequestFor, reapplyYaml } from './DeleteWorkload';

describe('reapplyYaml: the live PodCliqueSet as a file to re-apply after deleting it', () => {
  it('keeps name, namespace, labels, annotations and spec; drops status and what the server owns', () => {
    const live = {
      apiVersion: 'grove.io/v1alpha1',
      kind: 'PodCliqueSet',
      metadata: {
        name: 'mixtral-agg',
        namespace: 'default',
        uid: '0a1b',
        resourceVersion: '4711',
        generation: 3,
        creationTimestamp: '2026-01-01T00:00:00Z',
        labels: { team: 'a' },
        annotations: { note: 'keep', 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
        managedFields: [{ manager: 'canopy', operation: 'Apply' }],
        finalizers: ['foregroundDeletion'],
      },
      spec: { replicas: 3, template: { cliques: [] } },
      status: { availableReplicas: 3 },
    } as unknown as KubeObject;
    const text = reapplyYaml(live);
    expect(text.split('\n')[0]).toBe('# PodCliqueSet default/mixtral-agg as it ran, saved by Canopy before deleting it: kubectl apply -f this file recreates it.');
    const [doc] = parseManifests(text).documents;
    expect(doc?.errors).toEqual([]);
    expect(doc?.object).toEqual({
      apiVersion: 'grove.io/v1alpha1',
      kind: 'PodCliqueSet',
      metadata: { name: 'mixtral-agg', namespace: 'default', labels: { team: 'a' }, annotations: { note: 'keep' } },
      spec: { replicas: 3, template: { cliques: [] } },
    });
  });
});

describe('the delete request is for the PodCliqueSet the dialog was opened for', () => {
  it('carries its uid, the server’s precondition', () => {
    expect(deleteRequestFor('default', 'mixtral-agg', '0a1b')).toEqual({ kind: 'PodCliqueSet', namespace: 'default', name: 'mixtral-agg', dryRun: false, uid: '0a1b' });
  });

  it('says a 409 on that precondition is a namesake recreated since, and nothing was deleted', () => {
    const server = 'Operation cannot be fulfilled on PodCliqueSet.grove.io "mixtral-agg": the UID in the precondition (0a1b) does not match the UID in record (9z8y). The object might have been deleted and then recreated';
    const conflict = new ActionFailure(server, 409, 'Conflict');
    expect(deleteFailureText('default', 'mixtral-agg', conflict)).toBe(
      `Not deleted: PodCliqueSet default/mixtral-agg was deleted and recreated since you opened this: it is another object now. Cancel, and look at it before deleting it. (${server})`,
    );
    expect(deleteFailureText('default', 'mixtral-agg', new ActionFailure('forbidden', 403, 'Forbidden'))).toBe('Delete failed: forbidden');
  });

  it('says the same when the storage layer refuses the precondition (the object replaced between the apiserver’s check and the write)', () => {
    const server =
      'Operation cannot be fulfilled on podcliquesets.grove.io "mixtral-agg": StorageError: invalid object, Code: 4, Key: /registry/grove.io/podcliquesets/default/mixtral-agg, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: 0a1b, UID in object meta: 9z8y';
    expect(deleteFailureText('default', 'mixtral-agg', new ActionFailure(server, 409, 'Conflict'))).toBe(
      `Not deleted: PodCliqueSet default/mixtral-agg was deleted and recreated since you opened this: it is another object now. Cancel, and look at it before deleting it. (${server})`,
    );
    // Another conflict is not taken for a recreated object.
    const modified = 'Operation cannot be fulfilled on podcliquesets.grove.io "mixtral-agg": the object has been modified; please apply your changes to the latest version and try again';
    expect(deleteFailureText('default', 'mixtral-agg', new ActionFailure(modified, 409, 'Conflict'))).toBe(`Delete failed: ${modified}`);
  });
});
