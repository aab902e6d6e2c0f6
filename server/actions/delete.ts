/**
 * Delete one object. PodCliqueSets go in the foreground, so the object stays (with a deletionTimestamp)
 * until what it owns is gone, and the UI can show the teardown. With a uid, only the object of that uid:
 * the apiserver refuses (409) an object of the same name recreated since the caller looked.
 */
import type { WatchedKind } from '../../lib/cluster/kinds';
import type { Connection } from '../kube/connection';
import type { DeleteOptions } from '../sources/types';
import { objectPath } from '../kube/paths';
import { kubeRequest } from '../kube/request';

export async function deleteObject(connection: Connection, kind: WatchedKind, namespace: string | undefined, name: string, options: DeleteOptions): Promise<void> {
  await kubeRequest(connection.kubeConfig, {
    method: 'DELETE',
    path: objectPath(kind, namespace, name),
    // With a DeleteOptions body the apiserver reads the options from the body only (query ignored).
    body: {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      propagationPolicy: kind === 'PodCliqueSet' ? 'Foreground' : 'Background',
      ...(options.dryRun ? { dryRun: ['All'] } : {}),
      ...(options.uid ? { preconditions: { uid: options.uid } } : {}),
    },
  });
}
