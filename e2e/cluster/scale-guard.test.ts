/**
 * A guarded scale (an undo: sent with the replica count it was decided on) against the real apiserver:
 * refused with a 409 when the count moved, and carried out when it did not. Its patch carries the
 * version read as the Scale's metadata.resourceVersion: the apiserver refuses such a patch when the
 * object moved in between (checked here directly), and a move of status only is read again, not refused.
 */
import * as k8s from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { KubeObject } from '../../lib/grove/meta';
import { openConnection, type Connection } from '../../server/kube/connection';
import { objectPath } from '../../server/kube/paths';
import { kubeRequest } from '../../server/kube/request';
import { LiveSource } from '../../server/sources/live';
import { CLUSTER_DIR } from './paths';
import { createTestNamespace, testKubeConfig } from './test-helpers';

type Manifest = KubeObject & { spec: Record<string, any> };

const kubeConfig = testKubeConfig();
const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
const customObjects = kubeConfig.makeApiClient(k8s.CustomObjectsApi);
const GROVE = { group: 'grove.io', version: 'v1alpha1', plural: 'podcliquesets' } as const;
let namespace = '';
let connection: Connection;
let source: LiveSource;

const replicasNow = async () => ((await customObjects.getNamespacedCustomObject({ ...GROVE, namespace, name: 'disagg' })) as Manifest).spec.replicas;

beforeAll(async () => {
  namespace = await createTestNamespace(core, 'scale-guard');
  const opened = openConnection({ env: { KUBECONFIG: inject('kubeconfigPath') } });
  if (!opened) throw new Error('no connection from the test kubeconfig');
  connection = opened;
  source = new LiveSource(connection);
  const object = k8s.loadYaml<Manifest>(readFileSync(path.join(CLUSTER_DIR, 'fixtures', 'disaggregated-podcliqueset.yaml'), 'utf8'));
  object.metadata!.namespace = namespace;
  await source.apply(object, { dryRun: false });
});
afterAll(async () => {
  await source?.close();
  await core.deleteNamespace({ name: namespace });
});

describe('guarded scale on the real apiserver', () => {
  it('the /scale subresource of a PodCliqueSet refuses a patch whose resourceVersion is not the object’s', async () => {
    const stale = (await kubeRequest<KubeObject>(connection.kubeConfig, { method: 'GET', path: objectPath('PodCliqueSet', namespace, 'disagg') })).metadata?.resourceVersion;
    await source.scale('PodCliqueSet', namespace, 'disagg', 2, { dryRun: false });
    const patch = kubeRequest(connection.kubeConfig, {
      method: 'PATCH',
      path: objectPath('PodCliqueSet', namespace, 'disagg', 'scale'),
      contentType: 'application/merge-patch+json',
      body: { metadata: { resourceVersion: stale }, spec: { replicas: 1 } },
    });
    await expect(patch).rejects.toMatchObject({ status: 409 });
    expect(await replicasNow()).toBe(2);
  });

  it('refuses a scale expecting another count with a 409 that says what the count is, and changes nothing', async () => {
    expect(await replicasNow()).toBe(2);
    await expect(source.scale('PodCliqueSet', namespace, 'disagg', 1, { dryRun: false, expectedReplicas: 3 })).rejects.toMatchObject({
      status: 409,
      reason: 'Conflict',
      message: `PodCliqueSet ${namespace}/disagg has 2 replicas now, not 3: it was scaled since (not by this page); nothing was changed`,
    });
    expect(await replicasNow()).toBe(2);
  });

  it('carries out a scale whose expected count holds, also after a status-only write', async () => {
    // A write to status moves the resourceVersion but not the replicas: no reason to refuse.
    await customObjects.patchNamespacedCustomObjectStatus(
      { ...GROVE, namespace, name: 'disagg', body: { status: { observedGeneration: 1 } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    expect(await source.scale('PodCliqueSet', namespace, 'disagg', 1, { dryRun: false, expectedReplicas: 2 })).toMatchObject({ from: 2, to: 1 });
    expect(await replicasNow()).toBe(1);
  });
});
