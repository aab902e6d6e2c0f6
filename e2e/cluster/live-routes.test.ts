/**
 * The route handlers over the live source, called as Next.js calls them (a Request in, a Response
 * out): multi-document apply with dry-run and diff, scale, delete, capabilities, snapshot, context,
 * the origin/CSRF guard on a mutating route, and `canopy snapshot` writing what `canopy place` reads.
 */
import * as k8s from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseClusterSnapshot } from '../../lib/topology/snapshot';
import { POST as apply } from '../../app/api/apply/route';
import { GET as capabilitiesRoute } from '../../app/api/capabilities/route';
import { GET as contextRoute, POST as switchContextRoute } from '../../app/api/context/route';
import { POST as deleteRoute } from '../../app/api/delete/route';
import { POST as preview } from '../../app/api/preview/route';
import { POST as scale } from '../../app/api/scale/route';
import { GET as snapshot } from '../../app/api/snapshot/route';
import { runSnapshot } from '../../server/cli/snapshot';
import { openConnection } from '../../server/kube/connection';
import { getClusterSource, setClusterSource } from '../../server/sources';
import { LiveSource } from '../../server/sources/live';
import { CLUSTER_DIR } from './paths';
import { createTestNamespace, testKubeConfig } from './test-helpers';

const kubeConfig = testKubeConfig();
const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
let namespace = '';
let appNamespace = '';

const SAME_ORIGIN = { host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000', 'x-canopy-request': '1' };

function post(pathAndQuery: string, body: string, headers: Record<string, string> = SAME_ORIGIN): Request {
  return new Request(`http://127.0.0.1:3000${pathAndQuery}`, { method: 'POST', headers, body });
}
function get(pathAndQuery: string): Request {
  return new Request(`http://127.0.0.1:3000${pathAndQuery}`, { headers: { host: '127.0.0.1:3000' } });
}

function manifest(): string {
  const pcs = readFileSync(path.join(CLUSTER_DIR, 'fixtures', 'disaggregated-podcliqueset.yaml'), 'utf8').replace(/^metadata:\n  name: disagg\n/m, `metadata:\n  name: disagg\n  namespace: ${appNamespace}\n`);
  return `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${appNamespace}\n---\n${pcs}`;
}

interface ApplyBody {
  dryRun: boolean;
  results: { kind: string; name: string; unchanged: boolean; before: unknown; warnings: string[]; changes?: { path: string }[] }[];
}

beforeAll(async () => {
  namespace = await createTestNamespace(core, 'live-routes');
  appNamespace = `${namespace}-app`;
  await setClusterSource(new LiveSource(openConnection({ env: { KUBECONFIG: inject('kubeconfigPath') } })!));
});
afterAll(async () => {
  await setClusterSource(undefined);
  await core.deleteNamespace({ name: namespace });
  await core.deleteNamespace({ name: appNamespace }).catch(() => undefined);
});

describe('POST /api/apply', () => {
  it('refuses a request without X-Canopy-Request or from another origin, changing nothing', async () => {
    const noHeader = await apply(post('/api/apply', manifest(), { host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000' }));
    expect(noHeader.status).toBe(403);
    const crossSite = await apply(post('/api/apply', manifest(), { host: '127.0.0.1:3000', origin: 'https://evil.example', 'x-canopy-request': '1' }));
    expect(crossSite.status).toBe(403);
    expect(((await crossSite.json()) as { error: { reason: string } }).error.reason).toBe('CrossOrigin');
    await expect(core.readNamespace({ name: appNamespace })).rejects.toBeTruthy();
  });

  it('dry-runs a Namespace + PodCliqueSet file, applies it, and a second apply changes nothing', async () => {
    const dry = await apply(post('/api/apply?dryRun=true', manifest()));
    expect(dry.status).toBe(200);
    const dryBody = (await dry.json()) as ApplyBody;
    expect(dryBody.results.map((r) => [r.kind, r.name, r.unchanged])).toEqual([['Namespace', appNamespace, false], ['PodCliqueSet', 'disagg', false]]);
    expect(dryBody.results[1]!.warnings[0]).toContain('created by this same manifest');
    await expect(core.readNamespace({ name: appNamespace })).rejects.toBeTruthy();

    const real = await apply(post('/api/apply', manifest()));
    expect(real.status).toBe(200);
    expect(((await real.json()) as ApplyBody).results.map((r) => r.unchanged)).toEqual([false, false]);

    const again = (await (await apply(post('/api/apply?dryRun=true', manifest()))).json()) as ApplyBody;
    expect(again.results.map((r) => r.unchanged)).toEqual([true, true]);
    expect(again.results[1]!.changes).toEqual([]);
  });

  it('answers bad input with a 4xx and a message: kinds, YAML syntax, size, the validator', async () => {
    const configMap = await apply(post('/api/apply', `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: ${namespace}}\n`));
    expect(configMap.status).toBe(400);
    expect(((await configMap.json()) as { error: { message: string } }).error.message).toContain('only Grove kinds and Namespace');
    const syntax = await apply(post('/api/apply', 'kind: [unclosed\n'));
    expect(syntax.status).toBe(400);
    const huge = await apply(post('/api/apply', `# ${'x'.repeat(1024 * 1024)}\n`));
    expect(huge.status).toBe(413);
    const invalid = await apply(post('/api/apply?dryRun=true', manifest().replace('roleName: decode', 'roleName: Decode_')));
    expect(invalid.status).toBe(422);
    const body = (await invalid.json()) as { error: { document: number; causes: { field: string }[] } };
    expect(body.error.document).toBe(1);
    expect(body.error.causes.map((c) => c.field)).toContain('spec.template.cliques[3].spec.roleName');
  });
});

describe('the other routes', () => {
  it('previews on the live cluster where a stack and a scale-up would land, and why not', async () => {
    const pcsOnly = manifest().split('---\n')[1]!;
    const stack = await preview(post('/api/preview', JSON.stringify({ manifest: pcsOnly.replace('name: disagg', 'name: fresh') })));
    expect(stack.status).toBe(200);
    const stackBody = (await stack.json()) as { plan: { feasible: boolean; gangs: { pods: { node: string }[] }[] } };
    expect(stackBody.plan.feasible).toBe(true);
    const nodes = new Set((await core.listNode()).items.map((n) => n.metadata!.name!));
    expect(stackBody.plan.gangs[0]!.pods.every((p) => nodes.has(p.node))).toBe(true);

    // On kai-scheduler (the preview models the stack's scheduler; default-scheduler would ignore the rack packing).
    const onKai = pcsOnly.replace(/^metadata:\n/m, 'metadata:\n  labels: {kai.scheduler/queue: default-queue}\n').replaceAll('          podSpec:\n', '          podSpec:\n            schedulerName: kai-scheduler\n');
    expect(onKai.match(/schedulerName: kai-scheduler/g)).toHaveLength(4);
    const nineWorkers = onKai.replace('replicas: 3\n          minAvailable: 3', 'replicas: 9\n          minAvailable: 9');
    // Under the running stack's name it is an update, judged as Grove's webhook judges one: refused.
    const asUpdate = await preview(post('/api/preview', JSON.stringify({ manifest: nineWorkers })));
    expect(asUpdate.status).toBe(422);
    expect(((await asUpdate.json()) as { error: { message: string } }).error.message).toMatch(/podSpec\.schedulerName of clique "\w+" is immutable|minAvailable of clique "\w+" is immutable/);
    const tooBig = await preview(post('/api/preview', JSON.stringify({ manifest: nineWorkers.replace('name: disagg', 'name: big') })));
    const tooBigBody = (await tooBig.json()) as { plan: { feasible: boolean; gangs: { reason?: string }[] } };
    expect(tooBigBody.plan.feasible).toBe(false);
    expect(tooBigBody.plan.gangs[0]!.reason).toMatch(/rack/);

    const up = await preview(post('/api/preview', JSON.stringify({ scale: { kind: 'PodCliqueSet', namespace: appNamespace, name: 'disagg', replicas: 2 } })));
    // No operator runs here, so replica 0's pods were never created: they need room too and are planned
    // with the new replica's (none is Pending, none is added by the scale).
    const upBody = (await up.json()) as { from: number; to: number; plan: { feasible: boolean; gangs: { name: string; placed: boolean }[] }; added: string[]; pending: Record<string, string[]> };
    expect(upBody).toMatchObject({ from: 1, to: 2, plan: { feasible: true }, pending: {} });
    expect(upBody.plan.gangs.map((g) => [g.name, g.placed])).toEqual([
      ['disagg-0', true],
      ['disagg-1', true],
    ]);
    expect(upBody.added.length).toBeGreaterThan(0);
    expect(upBody.added.every((name) => name.startsWith('disagg-1-'))).toBe(true);
  });

  it('scales through POST /api/scale and reports the apiserver 404 verbatim', async () => {
    const ok = await scale(post('/api/scale', JSON.stringify({ kind: 'PodCliqueSet', namespace: appNamespace, name: 'disagg', replicas: 2, dryRun: false })));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ from: 1, to: 2, dryRun: false });
    const missing = await scale(post('/api/scale', JSON.stringify({ kind: 'PodClique', namespace: appNamespace, name: 'nope', replicas: 1 })));
    expect(missing.status).toBe(404);
    const badKind = await scale(post('/api/scale', JSON.stringify({ kind: 'Pod', namespace: appNamespace, name: 'x', replicas: 1 })));
    expect(badKind.status).toBe(400);
  });

  it('answers capabilities, context and the snapshot', async () => {
    const caps = (await (await capabilitiesRoute(get(`/api/capabilities?namespace=${appNamespace}`))).json()) as { kinds: { PodCliqueSet: { scale: { allowed: boolean } } } };
    expect(caps.kinds.PodCliqueSet.scale.allowed).toBe(true);
    const context = (await contextRoute(get('/api/context')).json()) as { source: { mode: string }; contexts: string[] };
    expect(context.source.mode).toBe('live');
    expect(JSON.stringify(context)).not.toMatch(/token|certificate/i);
    const list = (await (await snapshot(get('/api/snapshot'))).json()) as { kind: string; items: unknown[] };
    expect(list.kind).toBe('List');
    const parsed = parseClusterSnapshot(list);
    expect(parsed.ok && parsed.state.nodes.length).toBe(32);
  });

  it('deletes through POST /api/delete (dry-run leaves it)', async () => {
    const dry = await deleteRoute(post('/api/delete', JSON.stringify({ kind: 'PodCliqueSet', namespace: appNamespace, name: 'disagg', dryRun: true })));
    expect(dry.status).toBe(200);
    const pod = await deleteRoute(post('/api/delete', JSON.stringify({ kind: 'Pod', namespace: appNamespace, name: 'x' })));
    expect(pod.status).toBe(400);
    const real = await deleteRoute(post('/api/delete', JSON.stringify({ kind: 'PodCliqueSet', namespace: appNamespace, name: 'disagg' })));
    expect(real.status).toBe(200);
  });
});

describe('POST /api/context', () => {
  it('switches to another context of the kubeconfig (a new source), and refuses an unknown one', async () => {
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = inject('kubeconfigPath');
    try {
      const before = getClusterSource();
      const name = before.info().name;
      const unknown = await switchContextRoute(post('/api/context', JSON.stringify({ context: 'nope' })));
      expect(unknown.status).toBe(404);
      expect(getClusterSource()).toBe(before);
      const switched = await switchContextRoute(post('/api/context', JSON.stringify({ context: name })));
      expect(switched.status).toBe(200);
      expect(((await switched.json()) as { source: { name: string } }).source.name).toBe(name);
      expect(getClusterSource()).not.toBe(before);
      // The old source is closed: it lists no more.
      await expect(before.list('Node', { limit: 1 })).rejects.toMatchObject({ status: 503 });
      expect((await getClusterSource().list('Node', { limit: 1 })).items).toHaveLength(1);
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
    }
  });
});

describe('canopy snapshot', () => {
  it('writes the List that canopy place reads, without managedFields', async () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const chunks: Buffer[] = [];
    stdout.on('data', (c: Buffer) => chunks.push(c));
    const code = await runSnapshot([], { stdin: new PassThrough(), stdout, stderr }, { KUBECONFIG: inject('kubeconfigPath') });
    expect(code).toBe(0);
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text).not.toContain('managedFields');
    const parsed = parseClusterSnapshot(JSON.parse(text));
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.state.nodes.length).toBe(32);
      expect(parsed.state.topologies.length).toBeGreaterThan(0);
    }
    expect(await runSnapshot(['--context', 'nope'], { stdin: new PassThrough(), stdout, stderr }, { KUBECONFIG: inject('kubeconfigPath') })).toBe(1);
  });
});
