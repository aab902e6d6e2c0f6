/**
 * A token bound to a read-only Role: SelfSubjectAccessReview says no to writes, the capabilities the
 * UI reads are off, and an attempt anyway comes back as the apiserver's 403 text. A token that may
 * patch /scale but not get the object: the scale capability is off too, as the scale would fail.
 */
import * as k8s from '@kubernetes/client-node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { capabilities } from '../../server/actions/access';
import { ActionFailure } from '../../server/actions/errors';
import { openConnection } from '../../server/kube/connection';
import { WatchHub, type HubSubscriber } from '../../server/hub/watchHub';
import { LiveSource } from '../../server/sources/live';
import type { WatchEnd } from '../../server/sources/types';
import { grant, serviceAccountKubeconfig } from '../support/identities';
import { createTestNamespace, testKubeConfig } from './test-helpers';

const kubeConfig = testKubeConfig();
const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
const rbac = kubeConfig.makeApiClient(k8s.RbacAuthorizationV1Api);
const customObjects = kubeConfig.makeApiClient(k8s.CustomObjectsApi);
let namespace = '';
let dir = '';
let viewer: LiveSource;
let admin: LiveSource;
/** May patch /scale (the RBAC Grove's notes suggest for a dashboard's scale buttons) and list and watch, but not get. */
let scaler: LiveSource;

const pcs = (ns: string) => ({
  apiVersion: 'grove.io/v1alpha1',
  kind: 'PodCliqueSet',
  metadata: { name: 'small', namespace: ns },
  spec: {
    replicas: 1,
    template: { cliques: [{ name: 'solo', spec: { roleName: 'solo', replicas: 1, podSpec: { containers: [{ name: 'c', image: 'registry.invalid/x:1' }] } } }] },
  },
});

async function failure(call: () => Promise<unknown>): Promise<ActionFailure> {
  try {
    await call();
  } catch (error) {
    if (error instanceof ActionFailure) return error;
    throw error;
  }
  throw new Error('expected the action to be refused');
}

beforeAll(async () => {
  namespace = await createTestNamespace(core, 'live-access');
  await grant(rbac, namespace, 'viewer', 'grove-viewer', [
    { apiGroups: ['grove.io'], resources: ['podcliquesets', 'podcliques', 'podcliquescalinggroups'], verbs: ['get', 'list', 'watch'] },
  ]);
  // Cluster-wide list (not watch) of PodGangs: a watch the apiserver refuses after a list it allowed.
  await rbac.createClusterRole({ body: { metadata: { name: `${namespace}-list-only` }, rules: [{ apiGroups: ['scheduler.grove.io'], resources: ['podgangs'], verbs: ['list'] }] } });
  await rbac.createClusterRoleBinding({
    body: {
      metadata: { name: `${namespace}-list-only` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `${namespace}-list-only` },
      subjects: [{ kind: 'ServiceAccount', name: 'viewer', namespace }],
    },
  });
  dir = mkdtempSync(path.join(tmpdir(), 'canopy-viewer-'));
  await serviceAccountKubeconfig(kubeConfig, namespace, 'viewer', path.join(dir, 'config'), { expirationSeconds: 600 });
  const viewerConnection = openConnection({ env: { KUBECONFIG: path.join(dir, 'config') } })!;
  expect(viewerConnection.info).toMatchObject({ name: 'viewer', namespace });
  viewer = new LiveSource(viewerConnection);
  await grant(rbac, namespace, 'scaler', 'grove-scaler', [
    { apiGroups: ['grove.io'], resources: ['podcliquesets', 'podcliques', 'podcliquescalinggroups'], verbs: ['list', 'watch'] },
    { apiGroups: ['grove.io'], resources: ['podcliquesets/scale', 'podcliques/scale', 'podcliquescalinggroups/scale'], verbs: ['patch', 'update'] },
  ]);
  await serviceAccountKubeconfig(kubeConfig, namespace, 'scaler', path.join(dir, 'scaler'), { expirationSeconds: 600 });
  scaler = new LiveSource(openConnection({ env: { KUBECONFIG: path.join(dir, 'scaler') } })!);
  admin = new LiveSource(openConnection({ env: { KUBECONFIG: inject('kubeconfigPath') } })!);
  await customObjects.createNamespacedCustomObject({ group: 'grove.io', version: 'v1alpha1', plural: 'podcliquesets', namespace, body: pcs(namespace) });
});
afterAll(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  await rbac.deleteClusterRoleBinding({ name: `${namespace}-list-only` });
  await rbac.deleteClusterRole({ name: `${namespace}-list-only` });
  await core.deleteNamespace({ name: namespace });
});

describe('a read-only identity', () => {
  it('may read but not patch, per SelfSubjectAccessReview', async () => {
    expect((await viewer.can({ verb: 'get', group: 'grove.io', resource: 'podcliquesets', namespace })).allowed).toBe(true);
    expect((await viewer.can({ verb: 'patch', group: 'grove.io', resource: 'podcliquesets', namespace })).allowed).toBe(false);
    expect((await viewer.can({ verb: 'patch', group: 'grove.io', resource: 'podcliquesets', subresource: 'scale', namespace })).allowed).toBe(false);
    expect((await admin.can({ verb: 'patch', group: 'grove.io', resource: 'podcliquesets', subresource: 'scale', namespace })).allowed).toBe(true);
  });

  it('sees every write capability off, where the admin sees them on', async () => {
    const mine = await capabilities(viewer, namespace);
    expect(mine.kinds.PodCliqueSet).toMatchObject({ apply: { allowed: false }, delete: { allowed: false }, scale: { allowed: false } });
    expect(mine.kinds.PodClique?.scale?.allowed).toBe(false);
    const theirs = await capabilities(admin, namespace);
    expect(theirs.kinds.PodCliqueSet).toMatchObject({ apply: { allowed: true }, delete: { allowed: true }, scale: { allowed: true } });
  });

  it("gets the apiserver's 403 text when it tries anyway", async () => {
    const scale = await failure(() => viewer.scale('PodCliqueSet', namespace, 'small', 2, { dryRun: false }));
    expect(scale.status).toBe(403);
    expect(scale.reason).toBe('Forbidden');
    expect(scale.message).toContain(`User "system:serviceaccount:${namespace}:viewer" cannot patch resource "podcliquesets/scale"`);
    const apply = await failure(() => viewer.apply(pcs(namespace), { dryRun: true }));
    expect(apply.status).toBe(403);
    expect(apply.message).toContain('cannot patch resource "podcliquesets"');
    const del = await failure(() => viewer.delete('PodCliqueSet', namespace, 'small', { dryRun: false }));
    expect(del.status).toBe(403);
  });

  it('a kind it may list but not watch ends its watch with the 403, which the hub shows as an error, not a retry', async () => {
    const page = await viewer.list('PodGang', { limit: 10 });
    const ended = new Promise<WatchEnd>((resolve) => void viewer.watch('PodGang', page.resourceVersion, () => {}, resolve));
    const end = await ended;
    expect(end).toMatchObject({ reason: 'error', status: 403 });
    const hub = new WatchHub(viewer, { kinds: ['PodGang'], backoff: { baseMs: 50, capMs: 60_000 } });
    try {
      hub.subscribe({ snapshot() {}, delta() {}, state() {} } as unknown as HubSubscriber);
      await expect.poll(() => hub.states().PodGang?.status, { timeout: 10_000 }).toBe('error');
      expect(hub.states().PodGang).toMatchObject({ retryInMs: 60_000 });
    } finally {
      hub.close();
    }
  });

  it('that may patch /scale but not get: the scale capability is off and names get, as the scale itself reads the object first', async () => {
    expect((await scaler.can({ verb: 'patch', group: 'grove.io', resource: 'podcliquesets', subresource: 'scale', namespace })).allowed).toBe(true);
    const mine = await capabilities(scaler, namespace);
    expect(mine.kinds.PodCliqueSet?.scale).toMatchObject({ allowed: false, check: { verb: 'get', resource: 'podcliquesets', namespace } });
    const scale = await failure(() => scaler.scale('PodCliqueSet', namespace, 'small', 2, { dryRun: true }));
    expect(scale.status).toBe(403);
    expect(scale.message).toContain('cannot get resource "podcliquesets"');
  });

  it('in read-only mode (in-cluster default) refuses writes without asking the apiserver', async () => {
    const readOnly = new LiveSource({ ...admin.connection, info: { ...admin.connection.info, readOnly: true } });
    expect((await readOnly.can({ verb: 'patch', group: 'grove.io', resource: 'podcliquesets', namespace })).allowed).toBe(false);
    expect((await readOnly.can({ verb: 'get', group: 'grove.io', resource: 'podcliquesets', namespace })).allowed).toBe(true);
    const refused = await failure(() => readOnly.scale('PodCliqueSet', namespace, 'small', 2, { dryRun: true }));
    expect(refused).toMatchObject({ status: 403, reason: 'ReadOnly' });
  });
});
