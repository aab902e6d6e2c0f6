/**
 * A namespace-scoped identity (a Role + RoleBinding in team-a, no ClusterRole), as many platform users
 * have: the live source lists and watches each namespaced kind in team-a once the cluster-wide list is
 * refused, so the hub's kinds go live with team-a's objects only; Node and ClusterTopologyBinding keep
 * their 403 as an error state; SourceInfo (GET /api/context) and each kind's stream state name the scope.
 */
import * as k8s from '@kubernetes/client-node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as contextRoute } from '../../app/api/context/route';
import { WATCHED_KINDS, objectKey, type WatchedKind } from '../../lib/cluster/kinds';
import type { StreamDelta } from '../../lib/cluster/stream';
import { WatchHub, type HubSubscriber } from '../../server/hub/watchHub';
import { openConnection } from '../../server/kube/connection';
import { setClusterSource } from '../../server/sources';
import { LiveSource } from '../../server/sources/live';
import { grant, serviceAccountKubeconfig } from '../support/identities';
import { createTestNamespace, eventually, gpuPod, testKubeConfig } from './test-helpers';

const TEAM = 'team-a';
const NAMESPACED: WatchedKind[] = ['Pod', 'PodCliqueSet', 'PodClique', 'PodCliqueScalingGroup', 'PodGang', 'Event'];

const kubeConfig = testKubeConfig();
const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
const rbac = kubeConfig.makeApiClient(k8s.RbacAuthorizationV1Api);
const customObjects = kubeConfig.makeApiClient(k8s.CustomObjectsApi);
let other = '';
let dir = '';
let viewer: LiveSource;
let hub: WatchHub | undefined;

const pcs = (namespace: string, name: string) => ({
  apiVersion: 'grove.io/v1alpha1',
  kind: 'PodCliqueSet',
  metadata: { name, namespace },
  spec: {
    replicas: 1,
    template: { cliques: [{ name: 'solo', spec: { roleName: 'solo', replicas: 1, podSpec: { containers: [{ name: 'c', image: 'registry.invalid/x:1' }] } } }] },
  },
});

class Recorder implements HubSubscriber {
  readonly deltas: StreamDelta[] = [];
  snapshot(): void {}
  delta(delta: StreamDelta): void {
    this.deltas.push(delta);
  }
  state(): void {}
}

beforeAll(async () => {
  await core.createNamespace({ body: { metadata: { name: TEAM } } });
  other = await createTestNamespace(core, 'other-team');
  await grant(rbac, TEAM, 'member', 'team-reader', [
    { apiGroups: [''], resources: ['pods', 'events'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: ['grove.io'], resources: ['podcliquesets', 'podcliques', 'podcliquescalinggroups'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: ['scheduler.grove.io'], resources: ['podgangs'], verbs: ['get', 'list', 'watch'] },
  ]);
  dir = mkdtempSync(path.join(tmpdir(), 'canopy-team-'));
  await serviceAccountKubeconfig(kubeConfig, TEAM, 'member', path.join(dir, 'config'), { context: 'team', expirationSeconds: 600 });
  const connection = openConnection({ env: { KUBECONFIG: path.join(dir, 'config') } })!;
  expect(connection.info).toMatchObject({ name: 'team', namespace: TEAM });
  viewer = new LiveSource(connection);

  for (const namespace of [TEAM, other]) {
    await core.createNamespacedPod({ namespace, body: gpuPod(`pod-${namespace}`, 1) });
    await customObjects.createNamespacedCustomObject({ group: 'grove.io', version: 'v1alpha1', plural: 'podcliquesets', namespace, body: pcs(namespace, `pcs-${namespace}`) });
  }
});

afterAll(async () => {
  hub?.close();
  await setClusterSource(undefined);
  await viewer?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await core.deleteNamespace({ name: TEAM });
  if (other) await core.deleteNamespace({ name: other });
});

describe('an identity that may read only its team namespace', () => {
  it('gets every namespaced kind live with team-a objects only; Node and ClusterTopologyBinding stay a 403 error', async () => {
    expect(viewer.info().scope).toBeUndefined();
    hub = new WatchHub(viewer, { idleStopMs: 60_000, backoff: { baseMs: 200, capMs: 60_000 } });
    const recorder = new Recorder();
    hub.subscribe(recorder);
    const h = hub;
    await eventually('the namespaced kinds live', async () => (NAMESPACED.every((kind) => h.states()[kind]?.status === 'live') ? true : undefined), 30_000);
    await eventually('Node refused', async () => (h.states().Node?.status === 'error' ? true : undefined), 10_000);

    for (const kind of NAMESPACED) expect(h.states()[kind]).toMatchObject({ status: 'live', namespace: TEAM });
    for (const kind of ['Node', 'ClusterTopologyBinding'] as const) {
      const state = h.states()[kind]!;
      expect(state).toMatchObject({ status: 'error', retryInMs: 60_000 });
      expect(state).not.toHaveProperty('namespace');
      expect(state.lastError).toMatch(new RegExp(`${kind === 'Node' ? 'nodes' : 'clustertopologybindings'}.* is forbidden: User "system:serviceaccount:${TEAM}:member" cannot list`));
    }

    const snapshot = h.snapshot();
    const keys = (kind: WatchedKind) => (snapshot.kinds[kind]?.items ?? []).map(objectKey);
    expect(keys('Pod')).toEqual([`${TEAM}/pod-${TEAM}`]);
    expect(keys('PodCliqueSet')).toEqual([`${TEAM}/pcs-${TEAM}`]);
    expect(snapshot.kinds.Node?.items).toEqual([]);
    for (const kind of NAMESPACED) for (const item of snapshot.kinds[kind]?.items ?? []) expect(item.metadata?.namespace).toBe(TEAM);

    expect(viewer.info().scope).toEqual({ namespace: TEAM, kinds: WATCHED_KINDS.filter((kind) => NAMESPACED.includes(kind)) });

    // The watches are team-a's too: a new pod there arrives as a delta, one in the other namespace never does.
    await core.createNamespacedPod({ namespace: other, body: gpuPod('later-elsewhere', 1) });
    await core.createNamespacedPod({ namespace: TEAM, body: gpuPod('later', 1) });
    await eventually('the later team-a pod as a delta', async () =>
      recorder.deltas.some((delta) => delta.kinds.Pod?.some((event) => objectKey(event.object) === `${TEAM}/later`)) ? true : undefined,
    );
    // Given time for the other namespace's pod to have arrived had the watch been cluster-wide.
    await eventually('the other pod stored by the apiserver', async () => ((await core.readNamespacedPod({ namespace: other, name: 'later-elsewhere' })).metadata?.name ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const seen = recorder.deltas.flatMap((delta) => (delta.kinds.Pod ?? []).map((event) => event.object.metadata?.namespace));
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen)).toEqual(new Set([TEAM]));
    expect(h.snapshot().kinds.Pod?.items.map(objectKey).sort()).toEqual([`${TEAM}/later`, `${TEAM}/pod-${TEAM}`]);
  });

  it('says the scope in GET /api/context once it is known', async () => {
    await setClusterSource(viewer);
    const response = contextRoute(new Request('http://127.0.0.1:3000/api/context', { headers: { host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000' } }));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { source: { namespace: string; scope?: { namespace: string; kinds: string[] } } };
    expect(body.source.namespace).toBe(TEAM);
    expect(body.source.scope?.namespace).toBe(TEAM);
    expect(body.source.scope?.kinds).toEqual(expect.arrayContaining(NAMESPACED));
    expect(body.source.scope?.kinds).not.toContain('Node');
  });
});
