/**
 * POST /api/apply against the real apiserver where an apply goes only part of the way, or is refused
 * for what another manager or the schema says:
 * - a manifest whose Namespace is created and whose PodCliqueSet a ValidatingAdmissionPolicy then
 *   refuses (a stand-in for any webhook rule Canopy does not model): the answer says the Namespace
 *   was created, which document was refused and which were not attempted;
 * - re-applying after POST /api/scale: the apiserver's 409 names .spec.replicas and the /scale
 *   manager (the simulated apiserver answers the same words), `?force=true` takes it over;
 * - an unknown field under fieldValidation=Strict: the apiserver's 500 is a 422, the field path read
 *   out of the message into causes;
 * - a manifest naming the resourceVersion it was read at, after another Canopy user's apply moved the
 *   stack on (the same field manager, so no field conflict): the apiserver's 409 in plain words, who
 *   changed it last from managedFields; nothing applied; at the current version it applies.
 */
import * as k8s from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { POST as apply } from '../../app/api/apply/route';
import { POST as scale } from '../../app/api/scale/route';
import { openConnection } from '../../server/kube/connection';
import { setClusterSource } from '../../server/sources';
import { LiveSource } from '../../server/sources/live';
import { createTestNamespace, eventually, testKubeConfig } from './test-helpers';
import { smallStack } from '../support/stack';

const kubeConfig = testKubeConfig();
const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
const admission = kubeConfig.makeApiClient(k8s.AdmissionregistrationV1Api);
const customObjects = kubeConfig.makeApiClient(k8s.CustomObjectsApi);

const HEADERS = { host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000', 'x-canopy-request': '1' };
const post = (query: string, body: string) => apply(new Request(`http://127.0.0.1:3000/api/apply${query}`, { method: 'POST', headers: HEADERS, body }));
const postScale = (body: unknown) => scale(new Request('http://127.0.0.1:3000/api/scale', { method: 'POST', headers: HEADERS, body: JSON.stringify(body) }));

/** Namespaces this file creates start with this prefix; the policy refuses only in them. */
const PREFIX = `apply-partial-${randomBytes(2).toString('hex')}`;
const POLICY = `${PREFIX}-max-replicas`;
const created: string[] = [];
let probeNamespace = '';


interface ErrorAnswer {
  error: { status: number; reason: string; message: string; causes?: { field?: string; message: string }[]; document?: number; object?: unknown; progress?: unknown };
}

beforeAll(async () => {
  probeNamespace = await createTestNamespace(core, PREFIX);
  created.push(probeNamespace);
  await admission.createValidatingAdmissionPolicy({
    body: {
      metadata: { name: POLICY },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: { resourceRules: [{ apiGroups: ['grove.io'], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['podcliquesets'] }] },
        validations: [{ expression: `!object.metadata.namespace.startsWith('${PREFIX}') || object.spec.replicas <= 3`, message: 'at most 3 replicas per PodCliqueSet in this cluster', reason: 'Invalid' }],
      },
    },
  });
  await admission.createValidatingAdmissionPolicyBinding({ body: { metadata: { name: POLICY }, spec: { policyName: POLICY, validationActions: ['Deny'] } } });
  await setClusterSource(new LiveSource(openConnection({ env: { KUBECONFIG: inject('kubeconfigPath') } })!));
});

afterAll(async () => {
  await setClusterSource(undefined);
  await admission.deleteValidatingAdmissionPolicyBinding({ name: POLICY }).catch(() => undefined);
  await admission.deleteValidatingAdmissionPolicy({ name: POLICY }).catch(() => undefined);
  for (const name of created) await core.deleteNamespace({ name }).catch(() => undefined);
});

describe('a multi-document apply refused part-way', () => {
  it('says the Namespace it created, the document refused and those not attempted', async () => {
    // The apiserver enforces a new policy within a moment: wait until a dry run in the probe namespace is refused.
    await eventually('the admission policy to be enforced', async () => {
      const response = await post('?dryRun=true', smallStack(probeNamespace, 'probe', 5));
      return response.status === 422 ? true : undefined;
    });

    const namespace = `${PREFIX}-new`;
    created.push(namespace);
    const manifest = [`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${namespace}\n`, smallStack(namespace, 'disagg', 5), smallStack(namespace, 'after', 1)].join('---\n');

    // The dry run cannot ask about objects in a namespace that does not exist yet.
    const dry = await post('?dryRun=true', manifest);
    expect(dry.status).toBe(200);

    const real = await post('', manifest);
    expect(real.status).toBe(422);
    const { error } = (await real.json()) as ErrorAnswer;
    expect(error.message).toContain('at most 3 replicas per PodCliqueSet in this cluster');
    expect(error.document).toBe(1);
    expect(error.object).toEqual({ document: 1, kind: 'PodCliqueSet', namespace, name: 'disagg' });
    expect(error.progress).toEqual({
      applied: [{ document: 0, kind: 'Namespace', name: namespace, outcome: 'created' }],
      notAttempted: [{ document: 2, kind: 'PodCliqueSet', namespace, name: 'after' }],
    });
    // What the answer says is what the cluster holds.
    expect((await core.readNamespace({ name: namespace })).metadata?.name).toBe(namespace);
    await expect(customObjects.listNamespacedCustomObject({ group: 'grove.io', version: 'v1alpha1', plural: 'podcliquesets', namespace })).resolves.toMatchObject({ items: [] });
  });
});

describe('an apply after a scale', () => {
  it("is a 409 naming .spec.replicas and the /scale manager; force takes the field over", async () => {
    const manifest = smallStack(probeNamespace, 'infer', 1);
    expect((await post('', manifest)).status).toBe(200);
    const scaled = await postScale({ kind: 'PodCliqueSet', namespace: probeNamespace, name: 'infer', replicas: 2, dryRun: false });
    expect(scaled.status).toBe(200);

    const conflict = await post('?dryRun=true', manifest);
    expect(conflict.status).toBe(409);
    const { error } = (await conflict.json()) as ErrorAnswer;
    // The same words the simulated apiserver answers (server/sources/simulated-apiserver.test.ts).
    expect(error).toMatchObject({
      reason: 'Conflict',
      message: 'Apply failed with 1 conflict: conflict with "canopy" with subresource "scale" using grove.io/v1alpha1: .spec.replicas',
      causes: [{ field: '.spec.replicas', message: 'conflict with "canopy" with subresource "scale" using grove.io/v1alpha1' }],
    });

    const forced = await post('?force=true', manifest);
    expect(forced.status).toBe(200);
    const { results } = (await forced.json()) as { results: { changes?: { path: string; old: unknown; new: unknown }[] }[] };
    expect(results[0]?.changes).toEqual([{ path: 'spec.replicas', old: 2, new: 1 }]);
    const stored = (await customObjects.getNamespacedCustomObject({ group: 'grove.io', version: 'v1alpha1', plural: 'podcliquesets', namespace: probeNamespace, name: 'infer' })) as { spec: { replicas: number } };
    expect(stored.spec.replicas).toBe(1);
    // Owned by Canopy's apply again: the same manifest applies cleanly.
    expect((await post('?dryRun=true', manifest)).status).toBe(200);
  });
});

describe('an unknown field', () => {
  it('is refused under strict field validation: a 422, its path read into causes', async () => {
    const response = await post('?dryRun=true', smallStack(probeNamespace, 'typo', 1, '\n    bogusField: 1'));
    const { error } = (await response.json()) as ErrorAnswer;
    // The apiserver's 500 InternalError is about the manifest; the simulated apiserver answers the same (server/sources/simulated-apiserver.test.ts).
    expect({ status: response.status, reason: error.reason }).toEqual({ status: 422, reason: 'Invalid' });
    expect(error.message).toBe(`failed to create typed patch object (${probeNamespace}/typo; grove.io/v1alpha1, Kind=PodCliqueSet): .spec.template.bogusField: field not declared in schema`);
    expect(error.causes).toEqual([{ field: 'spec.template.bogusField', message: 'field not declared in schema' }]);

    // In a clique (a list keyed by name) and in a scaling group (an atomic list): how the apiserver writes each path.
    const inClique = smallStack(probeNamespace, 'typo', 1).replace('          minAvailable: 1\n', '          minAvailable: 1\n          gpus: 8\n');
    const clique = (await (await post('?dryRun=true', inClique)).json()) as ErrorAnswer;
    expect(clique.error.message).toMatch(/: \.spec\.template\.cliques\[name="engine"\]\.spec\.gpus: field not declared in schema$/);
    expect(clique.error.causes).toEqual([{ field: 'spec.template.cliques[name="engine"].spec.gpus', message: 'field not declared in schema' }]);
  });
});

describe('a manifest read at an older resourceVersion', () => {
  const pcs = (name: string) => customObjects.getNamespacedCustomObject({ group: 'grove.io', version: 'v1alpha1', plural: 'podcliquesets', namespace: probeNamespace, name }) as Promise<{ metadata: { resourceVersion: string }; spec: { template: { terminationDelay?: string; cliques: { spec: { podSpec: { containers: { image: string }[] } } }[] } } }>;
  const at = (manifest: string, resourceVersion: string) => manifest.replace('  namespace:', `  resourceVersion: "${resourceVersion}"\n  namespace:`);

  it("is refused with a 409 once another Canopy user's apply moved it on: in plain words, who last, nothing applied; the current version applies", async () => {
    const manifest = smallStack(probeNamespace, 'stale', 1);
    expect((await post('', manifest)).status).toBe(200);
    const opened = (await pcs('stale')).metadata.resourceVersion;

    // Another user's image hotfix through Canopy: the same field manager, so server-side apply alone would see no conflict.
    const hotfix = manifest.replace('registry.invalid/canopy/engine:test', 'registry.invalid/canopy/engine:hotfix');
    expect((await post('', hotfix)).status).toBe(200);
    const now = (await pcs('stale')).metadata.resourceVersion;
    expect(now).not.toBe(opened);

    // The first user's edit (a termination delay), made on the version opened before the hotfix.
    const edited = at(smallStack(probeNamespace, 'stale', 1, '\n    terminationDelay: 60s'), opened);
    for (const query of ['?dryRun=true', '']) {
      const response = await post(query, edited);
      expect(response.status).toBe(409);
      const { error } = (await response.json()) as ErrorAnswer;
      expect(error).toMatchObject({
        reason: 'Conflict',
        message: expect.stringMatching(new RegExp(`^PodCliqueSet ${probeNamespace}/stale changed on the cluster since you opened it \\(last changed by Canopy's apply at \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} UTC\\)$`)),
        causes: [{ field: 'metadata.resourceVersion', message: expect.stringContaining(`${opened} is the version you opened; the cluster's is ${now} (Operation cannot be fulfilled on podcliquesets.grove.io "stale": the object has been modified; please apply your changes to the latest version and try again)`) }],
      });
    }
    // Nothing applied: the hotfix stays, no termination delay.
    const kept = await pcs('stale');
    expect(kept.spec.template.cliques[0]!.spec.podSpec.containers[0]!.image).toBe('registry.invalid/canopy/engine:hotfix');
    expect(kept.spec.template.terminationDelay).toBeUndefined();
    expect(kept.metadata.resourceVersion).toBe(now);

    // Re-based on the current version: applies, keeping the hotfix.
    const rebased = at(smallStack(probeNamespace, 'stale', 1, '\n    terminationDelay: 60s').replace('registry.invalid/canopy/engine:test', 'registry.invalid/canopy/engine:hotfix'), now);
    const applied = await post('', rebased);
    expect(applied.status).toBe(200);
    const { results } = (await applied.json()) as { results: { changes?: { path: string; new?: unknown }[] }[] };
    expect(results[0]?.changes).toEqual([expect.objectContaining({ path: 'spec.template.terminationDelay', new: '60s' })]);
    expect((await pcs('stale')).spec.template.cliques[0]!.spec.podSpec.containers[0]!.image).toBe('registry.invalid/canopy/engine:hotfix');

    // Scaled since, and the manifest at another replica count: the field conflict is what the apiserver
    // finds first (as it makes the patch, before the precondition); the simulated apiserver alike.
    expect((await postScale({ kind: 'PodCliqueSet', namespace: probeNamespace, name: 'stale', replicas: 2, dryRun: false })).status).toBe(200);
    const both = await post('?dryRun=true', rebased);
    expect(both.status).toBe(409);
    expect(((await both.json()) as ErrorAnswer).error.message).toBe('Apply failed with 1 conflict: conflict with "canopy" with subresource "scale" using grove.io/v1alpha1: .spec.replicas');
  });
});
