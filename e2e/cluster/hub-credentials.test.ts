/**
 * What the header's banner says about a real apiserver that will not serve Canopy, from the hub's
 * stream states (the same states the browser gets): a token it refuses (every kind 401: the banner
 * names the credentials and the context), a server certificate the kubeconfig does not trust and an
 * address nothing listens on (unreachable, the TLS case named), and a namespace-scoped identity whose
 * context has no namespace (everything 403 in `default`: the banner names `default` and how to change it).
 */
import * as k8s from '@kubernetes/client-node';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { accessLimits, accessSentences, clusterProblem, NAMESPACE_HINT, problemSentences } from '../../components/shell/ClusterStatus';
import type { WatchedKind } from '../../lib/cluster/kinds';
import { WatchHub } from '../../server/hub/watchHub';
import { openConnection } from '../../server/kube/connection';
import { LiveSource } from '../../server/sources/live';
import { grant, serviceAccountToken } from '../support/identities';
import { createTestNamespace, eventually, testKubeConfig } from './test-helpers';

const KINDS: WatchedKind[] = ['Node', 'Pod', 'PodCliqueSet'];
const admin = testKubeConfig();
const core = admin.makeApiClient(k8s.CoreV1Api);
const rbac = admin.makeApiClient(k8s.RbacAuthorizationV1Api);
let dir = '';
let team = '';
let hub: WatchHub | undefined;
let source: LiveSource | undefined;

/** A LiveSource over a kubeconfig of one context `name`, built from the test cluster's with changes. */
function sourceWith(name: string, cluster: Partial<k8s.Cluster>, user: Partial<k8s.User>, namespace?: string): LiveSource {
  const base = admin.getCurrentCluster()!;
  const config = new k8s.KubeConfig();
  config.loadFromOptions({
    clusters: [{ ...base, ...cluster, name: 'c' }],
    users: [{ name: 'u', ...user }],
    contexts: [{ name, cluster: 'c', user: 'u', ...(namespace ? { namespace } : {}) }],
    currentContext: name,
  });
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, config.exportConfig(), { mode: 0o600 });
  return new LiveSource(openConnection({ env: { KUBECONFIG: file } })!);
}

async function settledStates(live: LiveSource) {
  source = live;
  hub = new WatchHub(live, { kinds: KINDS, backoff: { baseMs: 200, capMs: 60_000 } });
  hub.subscribe({ snapshot() {}, delta() {}, state() {} });
  const h = hub;
  await eventually('every kind failing', async () => (KINDS.every((kind) => h.states()[kind]?.lastError) ? true : undefined), 30_000);
  return h.states();
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'canopy-creds-'));
  team = await createTestNamespace(core, 'team');
});
afterEach(async () => {
  hub?.close();
  hub = undefined;
  await source?.close();
});
afterAll(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (team) await core.deleteNamespace({ name: team });
});

describe('a cluster that will not serve Canopy', () => {
  it('a refused token: every kind 401, and the banner says the credentials of the context were refused', async () => {
    const live = sourceWith('expired', {}, { token: 'not-a-valid-token' });
    const states = await settledStates(live);
    for (const kind of KINDS) expect(states[kind]).toMatchObject({ status: 'error', httpStatus: 401, lastError: 'Unauthorized' });
    const problem = clusterProblem(states);
    expect(problem?.kind).toBe('unauthorized');
    expect(problemSentences(problem!, live.info()).join(' ')).toContain('(401 Unauthorized) for context “expired”');
    // /readyz answers even the refused token (401): the apiserver itself is fine.
    await hub!.checkHealth();
    expect(hub!.healthProblem).toBeNull();
  });

  it('an untrusted server certificate: unreachable, with the certificate named', async () => {
    const live = sourceWith('wrong-ca', { caData: undefined, caFile: undefined }, admin.getCurrentUser()!);
    const states = await settledStates(live);
    const problem = clusterProblem(states);
    expect(problem).toMatchObject({ kind: 'unreachable', tls: true });
    const text = problemSentences(problem!, live.info()).join(' ');
    expect(text).toMatch(/^The cluster’s API server at https:\/\/127\.0\.0\.1:\d+ \(context “wrong-ca”\) does not answer Canopy: .*certificate/);
    expect(text).toContain('check the certificate-authority');
  });

  it('an address nothing listens on: unreachable, with the reason', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const live = sourceWith('gone', { server: `https://127.0.0.1:${port}` }, admin.getCurrentUser()!);
    const problem = clusterProblem(await settledStates(live));
    expect(problem).toMatchObject({ kind: 'unreachable', tls: false });
    expect(problemSentences(problem!, live.info())[0]).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('a namespace-scoped identity whose context has no namespace: the banner names `default` and how to change it', async () => {
    await grant(rbac, team, 'member', 'reader', [{ apiGroups: ['', 'grove.io'], resources: ['pods', 'podcliquesets'], verbs: ['get', 'list', 'watch'] }]);
    const token = await serviceAccountToken(core, team, 'member', 600);
    const live = sourceWith('member', {}, { token });
    expect(live.info().namespace).toBe('default');
    const states = await settledStates(live);
    expect(states.Pod).toMatchObject({ status: 'error', httpStatus: 403, namespace: 'default' });
    expect(clusterProblem(states)).toBeNull();
    const sentences = accessSentences(accessLimits(states));
    expect(sentences).toEqual([
      'You may not list Pods, PodCliqueSets, neither cluster-wide nor in namespace default (the only namespace tried).',
      'You may not list Nodes, so the topology page cannot show GPUs.',
      NAMESPACE_HINT,
    ]);
    // And with the team namespace set (CANOPY_NAMESPACE or the context's), the same identity is served there.
    hub!.close();
    await live.close();
    const scoped = sourceWith('member-team', {}, { token }, team);
    source = scoped;
    hub = new WatchHub(scoped, { kinds: KINDS, backoff: { baseMs: 200, capMs: 60_000 } });
    hub.subscribe({ snapshot() {}, delta() {}, state() {} });
    const h = hub;
    await eventually('Pods live in the team namespace', async () => (h.states().Pod?.status === 'live' ? true : undefined), 30_000);
    expect(h.states().Pod?.namespace).toBe(team);
  });
});
