/**
 * PodCliqueSets against the real apiserver with the Grove CRDs: structural schema, required fields and
 * CEL rules are enforced by kube-apiserver itself. (The Grove operator and its webhooks cannot be built
 * here, see grove-release.ts, so nothing reconciles these objects: the tests stop at admission.)
 */
import * as k8s from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_DIR } from './paths';
import { createTestNamespace, eventually, expectApiFailure, isNotFound, testKubeConfig } from './test-helpers';

interface PodCliqueSetFixture {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; uid?: string };
  spec: {
    template: {
      cliques: { name: string; spec: Record<string, unknown> }[];
      podCliqueScalingGroups?: { name: string; cliqueNames: string[]; topologyConstraint?: Record<string, unknown> }[];
    };
  } & Record<string, unknown>;
}

const kubeConfig = testKubeConfig();
const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
const customObjects = kubeConfig.makeApiClient(k8s.CustomObjectsApi);
const PODCLIQUESETS = { group: 'grove.io', version: 'v1alpha1', plural: 'podcliquesets' } as const;
let namespace = '';

function fixture(): PodCliqueSetFixture {
  const file = path.join(CLUSTER_DIR, 'fixtures', 'disaggregated-podcliqueset.yaml');
  return k8s.loadYaml<PodCliqueSetFixture>(readFileSync(file, 'utf8'));
}

function createPodCliqueSet(body: PodCliqueSetFixture, fieldValidation?: string): Promise<PodCliqueSetFixture> {
  return customObjects.createNamespacedCustomObject({ ...PODCLIQUESETS, namespace, body, fieldValidation }) as Promise<PodCliqueSetFixture>;
}

beforeAll(async () => {
  namespace = await createTestNamespace(core, 'podcliqueset');
});
afterAll(async () => {
  await core.deleteNamespace({ name: namespace });
});

describe('PodCliqueSet admission by the Grove CRD schema', () => {
  it('accepts the multi-node disaggregated fixture and stores it as sent', async () => {
    const sent = fixture();
    const created = await createPodCliqueSet(sent, 'Strict');
    expect(created.metadata.uid).toBeTruthy();
    const stored = (await customObjects.getNamespacedCustomObject({ ...PODCLIQUESETS, namespace, name: 'disagg' })) as PodCliqueSetFixture;
    // Nothing pruned: every field we wrote is in the schema.
    expect(stored.spec).toMatchObject(sent.spec);
    expect(stored.spec.template.cliques.map((clique) => clique.name)).toEqual(['router', 'pleader', 'pworker', 'decode']);
    expect(stored.spec.template.podCliqueScalingGroups?.[0]?.cliqueNames).toEqual(['pleader', 'pworker']);
  });

  it('rejects a clique without spec.roleName with the apiserver\'s Required value message', async () => {
    const invalid = fixture();
    invalid.metadata.name = 'no-role-name';
    delete invalid.spec.template.cliques[0]!.spec.roleName;
    const failure = await expectApiFailure(() => createPodCliqueSet(invalid));
    expect(failure.code).toBe(422);
    expect(failure.status?.reason).toBe('Invalid');
    expect(failure.status?.message).toContain('spec.template.cliques[0].spec.roleName: Required value');
  });

  it('rejects a pack constraint with neither required nor preferred (a CEL rule of the CRD)', async () => {
    const invalid = fixture();
    invalid.metadata.name = 'empty-pack';
    invalid.spec.template.podCliqueScalingGroups![0]!.topologyConstraint = { pack: {} };
    const failure = await expectApiFailure(() => createPodCliqueSet(invalid));
    expect(failure.code).toBe(422);
    expect(failure.status?.message).toContain('spec.template.podCliqueScalingGroups[0].topologyConstraint.pack');
    expect(failure.status?.message).toContain('pack must specify at least one of required or preferred');
  });

  it('rejects a field the schema does not declare when validation is Strict', async () => {
    const invalid = fixture();
    invalid.metadata.name = 'unknown-field';
    invalid.spec.template.cliques[1]!.spec.gpus = 8;
    const failure = await expectApiFailure(() => createPodCliqueSet(invalid, 'Strict'));
    expect(failure.code).toBe(400);
    expect(failure.status?.message).toContain('strict decoding error: unknown field "spec.template.cliques[1].spec.gpus"');
  });

  it('lets the garbage collector cascade from a PodCliqueSet to what it owns', async () => {
    const owner = (await customObjects.getNamespacedCustomObject({ ...PODCLIQUESETS, namespace, name: 'disagg' })) as PodCliqueSetFixture;
    await core.createNamespacedConfigMap({
      namespace,
      body: {
        metadata: {
          name: 'owned-by-disagg',
          ownerReferences: [{ apiVersion: 'grove.io/v1alpha1', kind: 'PodCliqueSet', name: 'disagg', uid: owner.metadata.uid! }],
        },
      },
    });
    await customObjects.deleteNamespacedCustomObject({ ...PODCLIQUESETS, namespace, name: 'disagg' });
    await eventually('ConfigMap owned by the deleted PodCliqueSet collected', async () => {
      try {
        await core.readNamespacedConfigMap({ name: 'owned-by-disagg', namespace });
        return undefined;
      } catch (error) {
        if (isNotFound(error)) return true;
        throw error;
      }
    });
  });
});
