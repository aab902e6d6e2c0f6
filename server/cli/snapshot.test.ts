import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WatchedKind } from '../../lib/cluster/kinds';
import { snapshotObjects } from '../../lib/topology/snapshot';
import { ActionFailure } from '../actions/errors';
import { createSimulatedSource } from '../sources/simulated';
import type { ClusterSource } from '../sources/types';
import { snapshotList } from './snapshot';

// Run as a user runs it; only flag handling is exercised here (talking to a cluster is the cluster suite's job).
const BIN = path.resolve(import.meta.dirname, '..', '..', 'bin', 'canopy.js');

function canopy(args: string[], kubeconfig = '/nonexistent/kubeconfig') {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, KUBECONFIG: kubeconfig } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('canopy snapshot', () => {
  it('refuses an output format given to -o, which takes a FILE (exit 2, before touching any cluster)', () => {
    for (const format of ['json', 'yaml', 'wide']) {
      const r = canopy(['snapshot', '-o', format]);
      expect(r.code, format).toBe(2);
      expect(r.stderr).toBe('canopy snapshot: -o takes a FILE, not a format: snapshot always writes JSON (use > FILE or -o FILE.json)\n');
    }
  });

  it('--help says that -o takes a file', () => {
    const r = canopy(['snapshot', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('-o, --output FILE');
    expect(r.stdout).toContain('-o json is refused');
  });

  it('names the resource it could not list (exit 1)', () => {
    // An apiserver address nothing listens on: every list fails at once.
    const kubeconfig = path.join(mkdtempSync(path.join(tmpdir(), 'canopy-snapshot-')), 'kubeconfig');
    writeFileSync(
      kubeconfig,
      'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n',
    );
    const r = canopy(['snapshot'], kubeconfig);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^canopy snapshot: cannot list (nodes|pods|clustertopologybindings|podcliquesets|podcliques|podcliquescalinggroups|podgangs): ServiceUnavailable: cannot reach the apiserver at 127\.0\.0\.1:1/);
  });
});

describe('snapshotList (what canopy snapshot writes)', () => {
  const kindsOf = (items: unknown[]) => [...new Set(items.map((o) => (o as { kind: string }).kind))].sort();

  it("holds the cluster's Grove objects, so serve --simulate runs its stacks: the demo's, once each", async () => {
    const live = createSimulatedSource({ scenario: 'demo', tickMs: 0, seed: 5 });
    const { list, notServed } = await snapshotList(live);
    expect(notServed).toEqual([]);
    expect(kindsOf(list.items)).toEqual(['ClusterTopologyBinding', 'Node', 'Pod', 'PodClique', 'PodCliqueScalingGroup', 'PodCliqueSet', 'PodGang']);
    expect(snapshotObjects(list).ignored).toEqual([]);
    const whatIf = createSimulatedSource({ snapshot: JSON.parse(JSON.stringify(list)), tickMs: 0, seed: 6 });
    for (const kind of ['PodCliqueSet', 'PodClique', 'PodGang', 'Pod'] as const) expect(whatIf.store.count(kind), kind).toBe(live.store.count(kind));
    await Promise.all([live.close(), whatIf.close()]);
  });

  it('leaves out the Grove kinds a cluster without Grove does not serve (404), and fails on any other refusal', async () => {
    const live = createSimulatedSource({ scenario: 'empty', tickMs: 0 });
    const failing = (kind: WatchedKind, status: number): ClusterSource =>
      new Proxy(live, {
        get: (target, prop, receiver) =>
          prop === 'list'
            ? async (k: WatchedKind, options: { limit: number }) => {
                if (k === kind) throw new ActionFailure({ status, reason: status === 404 ? 'NotFound' : 'Forbidden', message: 'the server could not find the requested resource' });
                return target.list(k, options);
              }
            : Reflect.get(target, prop, receiver),
      }) as ClusterSource;
    const { list, notServed } = await snapshotList(failing('PodGang', 404));
    expect(notServed).toEqual(['PodGang']);
    expect(kindsOf(list.items)).toEqual(['ClusterTopologyBinding', 'Node']);
    await expect(snapshotList(failing('PodCliqueSet', 403))).rejects.toThrow('cannot list PodCliqueSet');
    await expect(snapshotList(failing('Pod', 404))).rejects.toThrow('cannot list Pod');
    await live.close();
  });
});
