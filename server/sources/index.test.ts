/**
 * The process-wide source when the kubeconfig's current context is broken (names no cluster): GET
 * /api/context still lists the contexts (with the failure), a switch to a working one succeeds, and a
 * switch ends the open streams at once. A simulated server still refuses to switch.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { GET, POST } from '../../app/api/context/route';
import { demoStacks } from '../../lib/topology/demo';
import { kubeList, snapshotFromTopologySpec } from '../../lib/topology/snapshot';
import { DEFAULT_TEST_TOPOLOGY } from '../../lib/topology/spec';
import { ActionFailure } from '../actions/errors';
import { configureWatchHub, getWatchHub, resetWatchHub } from '../hub';
import { availableContexts, chooseSource, getClusterSource, setClusterSource, switchContext } from './index';

// Counts the reads of CANOPY_SIMULATE's snapshot (each one reads, parses and checks the whole file).
const snapshotReads = vi.hoisted(() => ({ count: 0 }));
vi.mock('./simulated-env', async (importOriginal) => {
  const original = await importOriginal<typeof import('./simulated-env')>();
  return {
    ...original,
    simulatedSourceFromSetting: (...args: Parameters<typeof original.simulatedSourceFromSetting>) => {
      snapshotReads.count++;
      return original.simulatedSourceFromSetting(...args);
    },
  };
});

const HEADERS = { host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000', 'x-canopy-request': '1', 'content-type': 'application/json' };
const get = () => GET(new Request('http://127.0.0.1:3000/api/context', { headers: { host: '127.0.0.1:3000' } }));
const post = (context: string) => POST(new Request('http://127.0.0.1:3000/api/context', { method: 'POST', headers: HEADERS, body: JSON.stringify({ context }) }));

const SETTINGS = ['KUBECONFIG', 'CANOPY_SIMULATE', 'CANOPY_CONTEXT', 'CANOPY_SIMULATE_TOPOLOGY_AWARE_SCHEDULING'] as const;
const saved = Object.fromEntries(SETTINGS.map((key) => [key, process.env[key]]));
let dir = '';

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'canopy-sources-'));
  // Unreachable servers: nothing here connects except the watch hub of the stream test, which only retries.
  const kubeconfig = [
    'apiVersion: v1',
    'kind: Config',
    'current-context: broken',
    'clusters:',
    '- name: good-cluster',
    '  cluster:',
    '    server: http://127.0.0.1:1',
    'users:',
    '- name: u',
    '  user:',
    '    token: t',
    'contexts:',
    '- name: broken',
    '  context: {cluster: no-such-cluster, user: u}',
    '- name: good',
    '  context: {cluster: good-cluster, user: u, namespace: team-a}',
    '- name: also-good',
    '  context: {cluster: good-cluster, user: u}',
    '',
  ].join('\n');
  writeFileSync(path.join(dir, 'config'), kubeconfig);
});
beforeEach(async () => {
  for (const key of SETTINGS) delete process.env[key];
  process.env.KUBECONFIG = path.join(dir, 'config');
  await setClusterSource(undefined);
});
afterEach(async () => {
  configureWatchHub(undefined);
  resetWatchHub();
  await setClusterSource(undefined);
});
afterAll(() => {
  for (const key of SETTINGS) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('a kubeconfig whose current context is broken', () => {
  it('GET /api/context answers the failure and the context names', async () => {
    expect(() => getClusterSource()).toThrow(/names no cluster/);
    expect(availableContexts()).toEqual(['broken', 'good', 'also-good']);
    const response = get();
    expect(response.status).toBe(503);
    const body = (await response.json()) as { error: { reason: string; message: string }; contexts: string[] };
    expect(body.error).toMatchObject({ reason: 'NoCluster', message: expect.stringMatching(/context "broken" names no cluster/) });
    expect(body.contexts).toEqual(['broken', 'good', 'also-good']);
  });

  it('a switch to a working context succeeds, and the server then uses it', async () => {
    const response = await post('good');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ source: { mode: 'live', name: 'good', namespace: 'team-a' }, contexts: ['broken', 'good', 'also-good'] });
    const after = get();
    expect(after.status).toBe(200);
    expect(await after.json()).toMatchObject({ source: { name: 'good' } });
    // A context that does not exist is still a 404 with the names known.
    const unknown = await post('nope');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(/"nope" is not in the kubeconfig/);
  });

  it('a switch ends the streams of the old cluster at once (tabs reconnect to the new one)', async () => {
    await switchContext('good');
    configureWatchHub({ kinds: ['Node'], backoff: { baseMs: 60_000, capMs: 60_000 } });
    const hub = getWatchHub();
    let ended = false;
    hub.subscribe({ snapshot() {}, delta() {}, state() {}, end: () => (ended = true) });
    expect(hub.isRunning).toBe(true);
    expect((await post('also-good')).status).toBe(200);
    expect(ended).toBe(true);
    expect(hub.isRunning).toBe(false);
    expect(getWatchHub().source.info().name).toBe('also-good');
  });

  it('a simulated server still has no context to switch to', async () => {
    process.env.CANOPY_SIMULATE = 'empty';
    const response = await post('good');
    expect(response.status).toBe(409);
    // A simulation that cannot start is its own failure, not a reason to switch to the kubeconfig.
    await setClusterSource(undefined);
    process.env.CANOPY_SIMULATE = path.join(dir, 'missing.json');
    expect((await post('good')).status).toBe(503);
    expect(availableContexts()).toEqual([]);
  });
});

describe('a snapshot the simulated cluster refuses', () => {
  it('is read once: every later request says the same failure from memory, until the file changes', async () => {
    const cluster = snapshotFromTopologySpec(DEFAULT_TEST_TOPOLOGY);
    // A stack packed into a level the snapshot's ClusterTopologyBinding does not have.
    const pcs = JSON.parse(JSON.stringify(demoStacks()[0]!, (key, value) => (key === 'topologyConstraint' ? undefined : value)));
    pcs.spec.template.topologyConstraint = { topologyName: DEFAULT_TEST_TOPOLOGY.name, pack: { required: 'superpod' } };
    const file = path.join(dir, 'refused.json');
    writeFileSync(file, JSON.stringify(kubeList([...cluster.items, pcs])));
    process.env.CANOPY_SIMULATE = file;
    const before = snapshotReads.count;
    const refusal = /^no cluster: invalid cluster snapshot: PodCliqueSet default\/llama-disagg would be refused: items\[\d+\]\.spec\.template\.topologyConstraint\.pack\.required: topology domain 'superpod' does not exist/;
    const failures = Array.from({ length: 3 }, () => {
      try {
        getClusterSource();
      } catch (error) {
        return error;
      }
      return undefined;
    });
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(ActionFailure);
      expect(failure).toMatchObject({ status: 503, reason: 'NoCluster', message: expect.stringMatching(refusal) });
    }
    const response = get();
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(refusal);
    expect(snapshotReads.count - before).toBe(1);

    // Replaced by a snapshot the simulator takes: read again, and served.
    writeFileSync(file, JSON.stringify(cluster));
    expect(getClusterSource().info()).toMatchObject({ mode: 'simulated', name: 'refused' });
    expect(snapshotReads.count - before).toBe(2);
  });
});

describe('chooseSource', () => {
  it('reads the simulator settings from the env it is given, not from process.env', () => {
    // process.env has no CANOPY_SIMULATE_TOPOLOGY_AWARE_SCHEDULING (beforeEach): only the given env can refuse 'off'.
    const refused = { CANOPY_SIMULATE_TOPOLOGY_AWARE_SCHEDULING: 'off' };
    expect(() => chooseSource({ ...refused, CANOPY_SIMULATE: 'empty' })).toThrow(/CANOPY_SIMULATE_TOPOLOGY_AWARE_SCHEDULING=off: expected true or false/);
    // No kubeconfig and no service account in the given env: the demo fallback, with the same settings.
    expect(() => chooseSource({ ...refused, KUBECONFIG: path.join(dir, 'missing-config') })).toThrow(/CANOPY_SIMULATE_TOPOLOGY_AWARE_SCHEDULING=off: expected true or false/);
  });
});
