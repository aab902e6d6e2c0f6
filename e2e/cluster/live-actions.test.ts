/**
 * Apply (validate → dry-run → diff → SSA), scale through /scale, and delete, through the LiveSource
 * against the real apiserver. No Grove operator runs here, so the PodCliqueScalingGroup and
 * PodCliques that scale targets are created directly, with the names and labels the operator gives them.
 */
import * as k8s from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { KubeObject } from '../../lib/grove/meta';
import { LABEL_PCSG } from '../../lib/grove/labels';
import { ActionFailure } from '../../server/actions/errors';
import { openConnection } from '../../server/kube/connection';
import { LiveSource } from '../../server/sources/live';
import { CLUSTER_DIR } from './paths';
import { createTestNamespace, eventually, isNotFound, testKubeConfig } from './test-helpers';

type Manifest = KubeObject & { spec: Record<string, any> };

const kubeConfig = testKubeConfig();
const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
const customObjects = kubeConfig.makeApiClient(k8s.CustomObjectsApi);
const GROVE = { group: 'grove.io', version: 'v1alpha1' } as const;
let namespace = '';
let source: LiveSource;

function fixture(): Manifest {
  const object = k8s.loadYaml<Manifest>(readFileSync(path.join(CLUSTER_DIR, 'fixtures', 'disaggregated-podcliqueset.yaml'), 'utf8'));
  object.metadata!.namespace = namespace;
  return object;
}

async function failure(call: () => Promise<unknown>): Promise<ActionFailure> {
  try {
    await call();
  } catch (error) {
    if (error instanceof ActionFailure) return error;
    throw error;
  }
  throw new Error('expected the action to be refused');
}

function getObject(plural: string, name: string): Promise<Manifest> {
  return customObjects.getNamespacedCustomObject({ ...GROVE, plural, namespace, name }) as Promise<Manifest>;
}

const podSpec = { containers: [{ name: 'engine', image: 'registry.invalid/canopy/engine:test' }] };

beforeAll(async () => {
  namespace = await createTestNamespace(core, 'live-actions');
  const connection = openConnection({ env: { KUBECONFIG: inject('kubeconfigPath') } });
  if (!connection) throw new Error('no connection from the test kubeconfig');
  source = new LiveSource(connection);
});
afterAll(async () => {
  await source?.close();
  await core.deleteNamespace({ name: namespace });
});

describe('apply', () => {
  it('dry-runs a new PodCliqueSet: a diff, nothing created', async () => {
    const result = await source.apply(fixture(), { dryRun: true });
    expect(result).toMatchObject({ kind: 'PodCliqueSet', namespace, name: 'disagg', before: null, dryRun: true, unchanged: false });
    expect(result.after.metadata).not.toHaveProperty('managedFields');
    expect(result.changes?.map((c) => c.path)).toContain('spec');
    await expect(getObject('podcliquesets', 'disagg')).rejects.toSatisfy(isNotFound);
  });

  it('applies it, and a second apply of the same manifest changes nothing', async () => {
    const first = await source.apply(fixture(), { dryRun: false });
    expect(first.unchanged).toBe(false);
    expect(first.after.metadata?.uid).toBeTruthy();
    const stored = await getObject('podcliquesets', 'disagg');
    expect(stored.metadata?.uid).toBe(first.after.metadata?.uid);
    expect((stored.metadata as { managedFields?: { manager: string }[] }).managedFields?.map((m) => m.manager)).toContain('canopy');

    const again = await source.apply(fixture(), { dryRun: true });
    expect(again.unchanged).toBe(true);
    expect(again.changes).toEqual([]);
    const againForReal = await source.apply(fixture(), { dryRun: false });
    expect(againForReal.unchanged).toBe(true);
    expect(againForReal.after.metadata?.resourceVersion).toBe(stored.metadata?.resourceVersion);
  });

  it('shows a change as a path with old and new values, and applies it only when asked', async () => {
    const changed = fixture();
    changed.spec.template.cliques[3].spec.replicas = 3;
    const preview = await source.apply(changed, { dryRun: true });
    expect(preview.unchanged).toBe(false);
    expect(preview.changes).toEqual([{ path: 'spec.template.cliques[name="decode"].spec.replicas', old: 2, new: 3 }]);
    expect((await getObject('podcliquesets', 'disagg')).spec.template.cliques[3].spec.replicas).toBe(2);
    await source.apply(changed, { dryRun: false });
    expect((await getObject('podcliquesets', 'disagg')).spec.template.cliques[3].spec.replicas).toBe(3);
  });

  it("refuses a manifest Canopy's validator rejects, naming the field", async () => {
    const invalid = fixture();
    invalid.metadata!.name = 'no-role';
    delete invalid.spec.template.cliques[0].spec.roleName;
    const refused = await failure(() => source.apply(invalid, { dryRun: true }));
    expect(refused.status).toBe(422);
    expect(refused.causes?.map((c) => c.field)).toContain('spec.template.cliques[0].spec.roleName');
  });

  it("hands the apiserver's refusal through verbatim, with its field paths", async () => {
    // Canopy does not validate Namespaces: this one reaches the apiserver.
    const refused = await failure(() => source.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `${namespace}-x`, labels: { 'bad key!': 'v' } } }, { dryRun: true }));
    expect(refused.status).toBe(422);
    expect(refused.reason).toBe('Invalid');
    expect(refused.message).toContain('metadata.labels: Invalid value: "bad key!"');
    expect(refused.causes?.[0]?.field).toBe('metadata.labels');
  });

  it('reports a field owned by another manager as a 409 conflict, and takes it over only with force', async () => {
    await customObjects.patchNamespacedCustomObject(
      { ...GROVE, plural: 'podcliquesets', namespace, name: 'disagg', body: { spec: { replicas: 2 } }, fieldManager: 'someone-else' },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    const changed = fixture();
    changed.spec.template.cliques[3].spec.replicas = 3;
    const conflict = await failure(() => source.apply(changed, { dryRun: true }));
    expect(conflict.status).toBe(409);
    expect(conflict.reason).toBe('Conflict');
    expect(conflict.message).toContain('someone-else');
    expect(conflict.causes?.[0]?.field).toBe('.spec.replicas');
    const forced = await source.apply(changed, { dryRun: false, force: true });
    expect(forced.changes).toEqual([{ path: 'spec.replicas', old: 2, new: 1 }]);
  });

  it('refuses an unknown field by name (strict field validation)', async () => {
    const typo = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `${namespace}-typo` }, spec: { finalizerz: ['x'] } };
    const refused = await failure(() => source.apply(typo, { dryRun: true }));
    // kube-apiserver 1.35 answers a server-side apply to a built-in kind with an undeclared field
    // as a 500 ("failed to create typed patch object"); Canopy keeps the words and answers the manifest's fault as a 422.
    expect({ status: refused.status, reason: refused.reason }).toEqual({ status: 422, reason: 'Invalid' });
    expect(refused.causes).toEqual([{ field: 'spec.finalizerz', message: 'field not declared in schema' }]);
    expect(refused.message).toContain('.spec.finalizerz: field not declared in schema');
    const pcsTypo = fixture();
    pcsTypo.spec.template.cliques[1].spec.gpus = 8;
    const pcsRefused = await failure(() => source.apply(pcsTypo, { dryRun: true }));
    expect(pcsRefused.status).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(pcsRefused)).toContain('gpus');
  });

  it('refuses kinds other than Grove kinds and Namespace', async () => {
    const refused = await failure(() => source.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace } }, { dryRun: true }));
    expect(refused.status).toBe(400);
  });
});

describe('scale', () => {
  beforeAll(async () => {
    const labels = { 'app.kubernetes.io/managed-by': 'grove-operator', 'app.kubernetes.io/part-of': 'disagg', 'grove.io/podcliqueset-replica-index': '0' };
    await customObjects.createNamespacedCustomObject({
      ...GROVE, plural: 'podcliquescalinggroups', namespace,
      body: { apiVersion: 'grove.io/v1alpha1', kind: 'PodCliqueScalingGroup', metadata: { name: 'disagg-0-prefill', labels }, spec: { replicas: 1, minAvailable: 1, cliqueNames: ['pleader', 'pworker'] } },
    });
    await customObjects.createNamespacedCustomObject({
      ...GROVE, plural: 'podcliques', namespace,
      body: { apiVersion: 'grove.io/v1alpha1', kind: 'PodClique', metadata: { name: 'disagg-0-router', labels }, spec: { roleName: 'router', replicas: 1, minAvailable: 1, podSpec } },
    });
    await customObjects.createNamespacedCustomObject({
      ...GROVE, plural: 'podcliques', namespace,
      body: {
        apiVersion: 'grove.io/v1alpha1', kind: 'PodClique',
        metadata: { name: 'disagg-0-prefill-0-pworker', labels: { ...labels, [LABEL_PCSG]: 'disagg-0-prefill', 'grove.io/podcliquescalinggroup-replica-index': '0' } },
        spec: { roleName: 'prefill-worker', replicas: 3, minAvailable: 3, podSpec },
      },
    });
  });

  it('scales a PodCliqueSet through /scale (dry-run first)', async () => {
    const dry = await source.scale('PodCliqueSet', namespace, 'disagg', 2, { dryRun: true });
    expect(dry).toMatchObject({ from: 1, to: 2, dryRun: true });
    expect((await getObject('podcliquesets', 'disagg')).spec.replicas).toBe(1);
    const done = await source.scale('PodCliqueSet', namespace, 'disagg', 2, { dryRun: false });
    expect(done).toMatchObject({ kind: 'PodCliqueSet', from: 1, to: 2, dryRun: false });
    expect((await getObject('podcliquesets', 'disagg')).spec.replicas).toBe(2);
  });

  it('scales a PodCliqueScalingGroup and a standalone PodClique', async () => {
    expect(await source.scale('PodCliqueScalingGroup', namespace, 'disagg-0-prefill', 3, { dryRun: false })).toMatchObject({ from: 1, to: 3 });
    expect((await getObject('podcliquescalinggroups', 'disagg-0-prefill')).spec.replicas).toBe(3);
    expect(await source.scale('PodClique', namespace, 'disagg-0-router', 4, { dryRun: false })).toMatchObject({ from: 1, to: 4 });
    expect((await getObject('podcliques', 'disagg-0-router')).spec.replicas).toBe(4);
  });

  it('refuses a PodClique that belongs to a scaling group, and says which', async () => {
    const refused = await failure(() => source.scale('PodClique', namespace, 'disagg-0-prefill-0-pworker', 5, { dryRun: false }));
    expect(refused.status).toBe(422);
    expect(refused.reason).toBe('ScalingGroupMember');
    expect(refused.message).toContain('disagg-0-prefill');
    expect((await getObject('podcliques', 'disagg-0-prefill-0-pworker')).spec.replicas).toBe(3);
  });

  it('refuses a replica count out of range and a missing object with the apiserver\'s 404', async () => {
    expect((await failure(() => source.scale('PodClique', namespace, 'disagg-0-router', -1, { dryRun: true }))).status).toBe(422);
    const missing = await failure(() => source.scale('PodClique', namespace, 'nope', 1, { dryRun: true }));
    expect(missing.status).toBe(404);
    expect(missing.message).toContain('"nope" not found');
  });

  it('says when an HPA owns the target', async () => {
    const autoscaling = kubeConfig.makeApiClient(k8s.AutoscalingV2Api);
    await autoscaling.createNamespacedHorizontalPodAutoscaler({
      namespace,
      body: {
        metadata: { name: 'disagg-0-router' },
        spec: { scaleTargetRef: { apiVersion: 'grove.io/v1alpha1', kind: 'PodClique', name: 'disagg-0-router' }, minReplicas: 1, maxReplicas: 8 },
      },
    });
    const result = await source.scale('PodClique', namespace, 'disagg-0-router', 2, { dryRun: true });
    expect(result.hpa).toBe('disagg-0-router');
    expect(result.warnings?.[0]).toContain('HorizontalPodAutoscaler disagg-0-router');
  });

  it('finds a hand-written HPA whatever its name, and only one that targets this kind in Grove\'s group', async () => {
    const autoscaling = kubeConfig.makeApiClient(k8s.AutoscalingV2Api);
    const hpa = (name: string, apiVersion: string, kind: string) => ({
      namespace,
      body: { metadata: { name }, spec: { scaleTargetRef: { apiVersion, kind, name: 'disagg' }, minReplicas: 1, maxReplicas: 4 } },
    });
    await autoscaling.createNamespacedHorizontalPodAutoscaler(hpa('a-deployment-autoscaler', 'apps/v1', 'Deployment'));
    // Same kind and name, another API group: only the group tells it from Grove's PodCliqueSet. Its name
    // sorts before stack-autoscaler, so a check without the group would also pick it below.
    await autoscaling.createNamespacedHorizontalPodAutoscaler(hpa('example-autoscaler', 'example.com/v1', 'PodCliqueSet'));
    expect((await source.scale('PodCliqueSet', namespace, 'disagg', 2, { dryRun: true })).hpa).toBeUndefined();
    await autoscaling.createNamespacedHorizontalPodAutoscaler(hpa('stack-autoscaler', 'grove.io/v1alpha1', 'PodCliqueSet'));
    const result = await source.scale('PodCliqueSet', namespace, 'disagg', 2, { dryRun: true });
    expect(result.hpa).toBe('stack-autoscaler');
    expect(result.warnings?.[0]).toContain('HorizontalPodAutoscaler stack-autoscaler owns the replica count of PodCliqueSet disagg');
  });
});

/** True once the PodCliqueSet disagg is not found (a foreground delete takes a moment). */
async function disaggGone(): Promise<true | undefined> {
  try {
    await getObject('podcliquesets', 'disagg');
    return undefined;
  } catch (error) {
    if (isNotFound(error)) return true;
    throw error;
  }
}

describe('delete', () => {
  it('dry-runs, then deletes a PodCliqueSet in the foreground', async () => {
    await source.delete('PodCliqueSet', namespace, 'disagg', { dryRun: true });
    expect((await getObject('podcliquesets', 'disagg')).metadata?.name).toBe('disagg');
    await source.delete('PodCliqueSet', namespace, 'disagg', { dryRun: false });
    await eventually('the PodCliqueSet gone', disaggGone, 10_000);
  });

  it('deletes only the object of the uid it is given: a namesake recreated since is refused (409), dry run or not, and stays', async () => {
    const first = (await source.apply(fixture(), { dryRun: false })).after.metadata!.uid!;
    await source.delete('PodCliqueSet', namespace, 'disagg', { dryRun: false, uid: first });
    await eventually('the first PodCliqueSet gone', disaggGone, 10_000);

    const second = (await source.apply(fixture(), { dryRun: false })).after.metadata!.uid!;
    expect(second).not.toBe(first);
    for (const dryRun of [true, false]) {
      const refused = await failure(() => source.delete('PodCliqueSet', namespace, 'disagg', { dryRun, uid: first }));
      expect(refused).toMatchObject({ status: 409, reason: 'Conflict' });
      expect(refused.message).toBe(`Operation cannot be fulfilled on PodCliqueSet.grove.io "disagg": the UID in the precondition (${first}) does not match the UID in record (${second}). The object might have been deleted and then recreated`);
    }
    expect((await getObject('podcliquesets', 'disagg')).metadata?.uid).toBe(second);

    await source.delete('PodCliqueSet', namespace, 'disagg', { dryRun: false, uid: second });
    await eventually('the second PodCliqueSet gone', disaggGone, 10_000);
  });
});
