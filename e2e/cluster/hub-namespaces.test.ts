/**
 * A platform engineer's identity with Roles in two team namespaces and no ClusterRole: the streams
 * follow the namespace each browser chose. Through the real route (GET /api/stream?namespace=&cluster=)
 * and the live source against the real apiserver: a stream for team B sees B's PodCliqueSet (and one
 * created later, as a delta), a stream for team A does not; a stream for team C, where the identity has
 * no Role, gets the 403 the pages show as "You may not list PodCliqueSets in C."; the header's scope line
 * names the namespace each stream watches. The server lists only with the identity's own token.
 * With CANOPY_MAX_WATCHED_NAMESPACES=2, a stream for a third namespace D while B and C are watched waits
 * for a place (connecting) through the hub's grace, then gets the limit's message in its kinds' states
 * (HTTP status 429), and D's objects once C's stream closes.
 */
import * as k8s from '@kubernetes/client-node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GET as streamRoute } from '../../app/api/stream/route';
import { kindAvailability, unavailableText } from '../../components/hooks/kindAvailability';
import { accessLimits, accessSentences } from '../../components/shell/ClusterStatus';
import { objectKey } from '../../lib/cluster/kinds';
import type { ConnectionStates, StreamDelta, StreamSnapshot } from '../../lib/cluster/stream';
import { configureWatchHub, resetWatchHub } from '../../server/hub';
import { openConnection } from '../../server/kube/connection';
import { setClusterSource } from '../../server/sources';
import { LiveSource } from '../../server/sources/live';
import { smallStack } from '../support/stack';
import { readServerSentEvents } from '../support/stream';
import { grant, serviceAccountKubeconfig } from '../support/identities';
import { createTestNamespace, eventually, testKubeConfig } from './test-helpers';

const ORIGIN = 'http://127.0.0.1:3000';
const CONTEXT = 'platform';
const admin = testKubeConfig();
const core = admin.makeApiClient(k8s.CoreV1Api);
const rbac = admin.makeApiClient(k8s.RbacAuthorizationV1Api);
const customObjects = admin.makeApiClient(k8s.CustomObjectsApi);
const READ: k8s.V1PolicyRule[] = [
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['grove.io'], resources: ['podcliquesets'], verbs: ['get', 'list', 'watch'] },
];
let a = '';
let b = '';
let c = '';
let d = '';
let dir = '';
let viewer: LiveSource | undefined;
const streams: { close(): void }[] = [];

const LIMIT_ENV = 'CANOPY_MAX_WATCHED_NAMESPACES';
const limitBefore = process.env[LIMIT_ENV];

/** One browser's stream through the route: its first snapshot, every snapshot, and the deltas after the first. */
function openStream(query: Record<string, string>) {
  const abort = new AbortController();
  const response = streamRoute(new Request(`${ORIGIN}/api/stream?${new URLSearchParams(query)}`, { headers: { host: '127.0.0.1:3000' }, signal: abort.signal }));
  expect(response.status).toBe(200);
  const deltas: StreamDelta[] = [];
  const snapshots: StreamSnapshot[] = [];
  /** Every state message, in order (a refusal turns into its 429 as one, after the hub's grace). */
  const states: ConnectionStates[] = [];
  let resolveSnapshot: (snapshot: StreamSnapshot) => void = () => {};
  const snapshot = new Promise<StreamSnapshot>((resolve) => (resolveSnapshot = resolve));
  void readServerSentEvents(response.body!, (event, data) => {
    if (event === 'snapshot') {
      snapshots.push(JSON.parse(data!) as StreamSnapshot);
      resolveSnapshot(snapshots[0]!);
    }
    if (event === 'delta') deltas.push(JSON.parse(data!) as StreamDelta);
    if (event === 'state') states.push(JSON.parse(data!) as ConnectionStates);
  });
  const stream = { snapshot, snapshots, deltas, states, close: () => abort.abort() };
  streams.push(stream);
  return stream;
}

const pcsKeys = (snapshot: StreamSnapshot) => (snapshot.kinds.PodCliqueSet?.items ?? []).map(objectKey);
const stack = (namespace: string, name: string) =>
  customObjects.createNamespacedCustomObject({ group: 'grove.io', version: 'v1alpha1', plural: 'podcliquesets', namespace, body: parse(smallStack(namespace, name, 1)) as object });

beforeAll(async () => {
  [a, b, c, d] = (await Promise.all(['team-a', 'team-b', 'team-c', 'team-d'].map((prefix) => createTestNamespace(core, prefix)))) as [string, string, string, string];
  dir = mkdtempSync(path.join(tmpdir(), 'canopy-platform-'));
  const file = path.join(dir, 'config');
  // The account lives in A; Roles in A and B (B's binding names the account in A), none in C.
  await serviceAccountKubeconfig(admin, a, 'platform', file, { context: CONTEXT });
  await grant(rbac, a, 'platform', 'reader', READ);
  // B's and D's bindings name the account in A.
  for (const namespace of [b, d]) {
    await rbac.createNamespacedRole({ namespace, body: { metadata: { name: 'reader' }, rules: READ } });
    await rbac.createNamespacedRoleBinding({
      namespace,
      body: { metadata: { name: 'reader' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' }, subjects: [{ kind: 'ServiceAccount', name: 'platform', namespace: a }] },
    });
  }
  for (const namespace of [a, b, c, d]) await stack(namespace, `pcs-${namespace}`);
  viewer = new LiveSource(openConnection({ env: { KUBECONFIG: file } })!);
  expect(viewer.info()).toMatchObject({ mode: 'live', name: CONTEXT, namespace: a });
  // Read by the hub the route makes (server/hub/index.ts): B and C fit, a third namespace does not.
  process.env[LIMIT_ENV] = '2';
  resetWatchHub();
  configureWatchHub({ kinds: ['Pod', 'PodCliqueSet'], backoff: { baseMs: 200, capMs: 60_000 } });
  await setClusterSource(viewer);
});

afterAll(async () => {
  for (const stream of streams) stream.close();
  resetWatchHub();
  configureWatchHub(undefined);
  if (limitBefore === undefined) delete process.env[LIMIT_ENV];
  else process.env[LIMIT_ENV] = limitBefore;
  await setClusterSource(undefined);
  await viewer?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  for (const namespace of [a, b, c, d]) if (namespace) await core.deleteNamespace({ name: namespace }).catch(() => {});
});

describe('streams of a namespace-scoped identity follow the namespace each browser chose', () => {
  it('a stream for B sees B’s PodCliqueSet and later ones; a stream for A does not; the scope line names each one’s namespace', async () => {
    const cluster = `live:${CONTEXT}`;
    const streamB = openStream({ namespace: b, cluster });
    const first = await streamB.snapshot;
    expect(pcsKeys(first)).toEqual([`${b}/pcs-${b}`]);
    expect(first.states.PodCliqueSet).toMatchObject({ status: 'live', namespace: b });
    expect(kindAvailability({ synced: true, kinds: first.states }, 'PodCliqueSet', b)).toEqual({ status: 'live' });
    expect(accessSentences(accessLimits(first.states))[0]).toBe(`Namespace ${b} only: you may not list Pods, PodCliqueSets cluster-wide.`);

    const streamA = openStream({ namespace: a, cluster });
    const home = await streamA.snapshot;
    expect(pcsKeys(home)).toEqual([`${a}/pcs-${a}`]);
    expect(home.states.PodCliqueSet).toMatchObject({ status: 'live', namespace: a });
    expect(accessSentences(accessLimits(home.states))[0]).toBe(`Namespace ${a} only: you may not list Pods, PodCliqueSets cluster-wide.`);

    // A second browser on B shares B's watch: at once, the same objects.
    const streamB2 = openStream({ namespace: b, cluster });
    expect(pcsKeys(await streamB2.snapshot)).toEqual([`${b}/pcs-${b}`]);

    await stack(b, 'later');
    const inB = (deltas: StreamDelta[]) => deltas.some((delta) => delta.kinds.PodCliqueSet?.some((event) => objectKey(event.object) === `${b}/later`));
    await eventually('the later PodCliqueSet in B as a delta of both B streams', async () => (inB(streamB.deltas) && inB(streamB2.deltas) ? true : undefined), 15_000);
    await stack(a, 'later');
    await eventually('the later PodCliqueSet in A as a delta of the A stream', async () =>
      streamA.deltas.some((delta) => delta.kinds.PodCliqueSet?.some((event) => objectKey(event.object) === `${a}/later`)) ? true : undefined,
    15_000);
    // A's stream never saw B's objects.
    const seenByA = streamA.deltas.flatMap((delta) => (delta.kinds.PodCliqueSet ?? []).map((event) => event.object.metadata?.namespace));
    expect(new Set(seenByA)).toEqual(new Set([a]));
    expect(streamB.deltas.flatMap((delta) => (delta.kinds.PodCliqueSet ?? []).map((event) => event.object.metadata?.namespace))).not.toContain(a);
  });

  it('a stream for C, where the identity has no Role, gets the 403 the pages show; a choice made for another cluster is ignored', async () => {
    const streamC = openStream({ namespace: c, cluster: `live:${CONTEXT}` });
    const snapshot = await streamC.snapshot;
    expect(pcsKeys(snapshot)).toEqual([]);
    expect(snapshot.states.PodCliqueSet).toMatchObject({ status: 'error', httpStatus: 403, namespace: c });
    expect(snapshot.states.PodCliqueSet?.lastError).toMatch(new RegExp(`podcliquesets.grove.io is forbidden: .* cannot list resource "podcliquesets" .* in the namespace "${c}"`));
    const availability = kindAvailability({ synced: true, kinds: snapshot.states }, 'PodCliqueSet', c);
    expect(availability.status).toBe('forbidden');
    expect(unavailableText('PodCliqueSet', availability, c)).toBe(`You may not list PodCliqueSets in ${c}.`);

    // Ignored: the stream watches the identity's home namespace A, every PodCliqueSet there and nothing of B.
    // A's list is read from the apiserver, not assumed: the other test adds to it, and this one runs alone too.
    const elsewhere = openStream({ namespace: b, cluster: 'live:another-context' });
    const inA = (await customObjects.listNamespacedCustomObject({ group: 'grove.io', version: 'v1alpha1', plural: 'podcliquesets', namespace: a })) as { items: { metadata: { name: string } }[] };
    const keys = pcsKeys(await elsewhere.snapshot);
    expect(keys).toContain(`${a}/pcs-${a}`);
    expect([...keys].sort()).toEqual(inA.items.map((o) => `${a}/${o.metadata.name}`).sort());
  });

  it('past CANOPY_MAX_WATCHED_NAMESPACES a new namespace gets the limit’s message (429) in its states; closing a stream frees its place at once', async () => {
    const cluster = `live:${CONTEXT}`;
    // From no stream at all (this test runs alone too): views nobody uses give up their place.
    for (const stream of streams.splice(0)) stream.close();
    const streamB = openStream({ namespace: b, cluster });
    const streamC = openStream({ namespace: c, cluster });
    expect((await streamB.snapshot).states.PodCliqueSet).toMatchObject({ status: 'live', namespace: b });
    expect((await streamC.snapshot).states.PodCliqueSet).toMatchObject({ status: 'error', httpStatus: 403, namespace: c });

    const message = 'Canopy is already watching 2 namespaces (the limit, CANOPY_MAX_WATCHED_NAMESPACES); close a tab watching another namespace or raise the limit';
    const streamD = openStream({ namespace: d, cluster });
    const waiting = await streamD.snapshot;
    expect(pcsKeys(waiting)).toEqual([]);
    // First it waits for a place (a switching tab's old stream may be closing), then, still refused, it is told why.
    for (const kind of ['Pod', 'PodCliqueSet'] as const) expect(waiting.states[kind]).toMatchObject({ status: 'connecting', namespace: d });
    const refused = await eventually('D’s stream is told the limit once the grace is over', async () => {
      const last = streamD.states.at(-1);
      return last?.PodCliqueSet?.status === 'error' ? { states: last } : undefined;
    }, 15_000);
    for (const kind of ['Pod', 'PodCliqueSet'] as const) expect(refused.states[kind]).toMatchObject({ status: 'error', httpStatus: 429, namespace: d, lastError: message });
    const availability = kindAvailability({ synced: true, kinds: refused.states }, 'PodCliqueSet', d);
    expect(unavailableText('PodCliqueSet', availability, d)).toBe(`Could not list PodCliqueSets in ${d}: ${message}.`);
    // A namespace already watched is shared, not counted again (B holds a later one when the first test ran).
    const streamB2 = openStream({ namespace: b, cluster });
    expect(pcsKeys(await streamB2.snapshot)).toContain(`${b}/pcs-${b}`);

    streamC.close();
    const admitted = await eventually('D’s stream gets D’s PodCliqueSet once C’s stream closed', async () => {
      const last = streamD.snapshots.at(-1)!;
      return streamD.snapshots.length > 1 && last.states.PodCliqueSet?.status === 'live' ? last : undefined;
    }, 15_000);
    expect(pcsKeys(admitted)).toEqual([`${d}/pcs-${d}`]);
    expect(admitted.states.PodCliqueSet).toMatchObject({ status: 'live', namespace: d });
    // C is now the one past the limit.
    const again = openStream({ namespace: c, cluster });
    expect((await again.snapshot).states.PodCliqueSet).toMatchObject({ status: 'connecting', namespace: c });
    const againRefused = await eventually('C’s new stream is told the limit once the grace is over', async () => {
      const last = again.states.at(-1)?.PodCliqueSet;
      return last?.status === 'error' ? last : undefined;
    }, 15_000);
    expect(againRefused).toMatchObject({ status: 'error', httpStatus: 429, namespace: c, lastError: message });
  });
});
