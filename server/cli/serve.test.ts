import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TEST_TOPOLOGY } from '../../lib/topology/spec';
import { demoStacks } from '../../lib/topology/demo';
import { kubeList, snapshotFromTopologySpec } from '../../lib/topology/snapshot';
import { simulatedSourceFromSetting } from '../sources/simulated-env';
import { InputError } from './io';
import { parseServeArgs, runServe, serveCommand } from './serve';

// Run as a user runs it; only flag handling is exercised here (starting Next.js is the e2e suite's job).
const BIN = path.resolve(import.meta.dirname, '..', '..', 'bin', 'canopy.js');
const dir = mkdtempSync(path.join(tmpdir(), 'canopy-serve-'));

function canopy(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('canopy serve', () => {
  it('--help prints the usage and exits 0', () => {
    const r = canopy(['serve', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: canopy serve');
    expect(r.stdout).toContain('--simulate');
    expect(canopy(['--help']).stdout).toContain('serve [--context X]');
  });

  it('bad flags exit 2 with a message', () => {
    for (const args of [['--bogus'], ['--port', 'abc'], ['--port', '70000'], ['--context', 'a', '--simulate', 'demo'], ['extra-positional']]) {
      const r = canopy(['serve', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^canopy serve: /);
    }
  });

  it('a missing snapshot exits 2, one that is not a cluster exits 1', () => {
    expect(canopy(['serve', '--simulate', path.join(dir, 'missing.json')]).code).toBe(2);
    const notJson = path.join(dir, 'not.json');
    writeFileSync(notJson, '{');
    expect(canopy(['serve', '--simulate', notJson]).code).toBe(2);
    const empty = path.join(dir, 'empty.json');
    writeFileSync(empty, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [] }));
    const r = canopy(['serve', '--simulate', empty]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no nodes');
  });

  it('a snapshot the simulated cluster would refuse exits 1 with the server\'s message and the item path, before Next.js starts', async () => {
    // A stack packed into a level the snapshot's ClusterTopologyBinding does not have.
    const pcs = JSON.parse(JSON.stringify(demoStacks()[0]!, (key, value) => (key === 'topologyConstraint' ? undefined : value)));
    pcs.spec.template.topologyConstraint = { topologyName: DEFAULT_TEST_TOPOLOGY.name, pack: { required: 'superpod' } };
    const snapshot = kubeList([...snapshotFromTopologySpec(DEFAULT_TEST_TOPOLOGY).items, pcs]);
    const file = path.join(dir, 'refused.json');
    writeFileSync(file, JSON.stringify(snapshot));
    const refusal = `invalid cluster snapshot: PodCliqueSet default/llama-disagg would be refused: items[${snapshot.items.length - 1}].spec.template.topologyConstraint.pack.required: topology domain 'superpod' does not exist in cluster topology "canopy-test"`;
    // The server's own words (one rule): the simulated source refuses the same file the same way.
    expect(() => simulatedSourceFromSetting(file, { tickMs: 0 })).toThrow(refusal);
    let stderr = '';
    const io = { stdin: process.stdin, stdout: process.stdout, stderr: { write: (text: string) => ((stderr += text), true) } as unknown as NodeJS.WriteStream };
    const parsed = await parseServeArgs(['--simulate', file], io).catch((e: unknown) => e);
    expect(parsed).toBeInstanceOf(InputError);
    expect(parsed).toMatchObject({ code: 1, message: expect.stringContaining(`${file}: ${refusal}`) });
    // Said on stderr and exit 1, without starting Next.js (that would not return).
    expect(await runServe(['--simulate', file, '--port', '1'], io)).toBe(1);
    expect(stderr).toBe(`canopy serve: ${file}: ${refusal} [zone, block, rack, host]\n`);
  });

  it('starts next start when a build exists, next dev otherwise, with the source in the environment', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'canopy-root-'));
    const dev = serveCommand({ port: 4001, simulate: '/tmp/x.json', dev: false }, root, { PATH: '/bin', CANOPY_CONTEXT: 'stale' });
    expect(dev.mode).toBe('development');
    expect(dev.args.slice(1)).toEqual(['dev', '--hostname', '127.0.0.1', '--port', '4001']);
    expect(dev.env).toEqual({ PATH: '/bin', CANOPY_SIMULATE: '/tmp/x.json' });
    mkdirSync(path.join(root, '.next'));
    writeFileSync(path.join(root, '.next', 'BUILD_ID'), 'x');
    const prod = serveCommand({ port: 3000, context: 'kind-grove', dev: false }, root, {});
    expect(prod.mode).toBe('production');
    expect(prod.args[1]).toBe('start');
    expect(prod.env).toEqual({ CANOPY_CONTEXT: 'kind-grove' });
    expect(serveCommand({ port: 3000, dev: true }, root, {}).mode).toBe('development');
  });

  it('looks for the build where next.config.ts puts it: CANOPY_DIST_DIR when set', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'canopy-root-'));
    mkdirSync(path.join(root, '.next-x'));
    writeFileSync(path.join(root, '.next-x', 'BUILD_ID'), 'x');
    const withDir = serveCommand({ port: 3000, dev: false }, root, { CANOPY_DIST_DIR: '.next-x' });
    expect(withDir.mode).toBe('production');
    expect(withDir.args[1]).toBe('start');
    // The child reads the same setting (next start finds the build there).
    expect(withDir.env.CANOPY_DIST_DIR).toBe('.next-x');
    // Without it, .next has no build: development.
    expect(serveCommand({ port: 3000, dev: false }, root, {}).mode).toBe('development');
    // A build in .next does not count when CANOPY_DIST_DIR names another, empty directory.
    mkdirSync(path.join(root, '.next'));
    writeFileSync(path.join(root, '.next', 'BUILD_ID'), 'x');
    expect(serveCommand({ port: 3000, dev: false }, root, { CANOPY_DIST_DIR: '.next-empty' }).mode).toBe('development');
    expect(serveCommand({ port: 3000, dev: false }, root, { CANOPY_DIST_DIR: path.join(root, '.next-x') }).mode).toBe('production');
  });

  it('CANOPY_SIMULATE selects the demo, the empty demo cluster, or a snapshot file', async () => {
    const file = path.join(dir, 'cluster.json');
    writeFileSync(file, JSON.stringify(snapshotFromTopologySpec(DEFAULT_TEST_TOPOLOGY)));
    const fromFile = simulatedSourceFromSetting(file, { tickMs: 0 });
    expect(fromFile.info()).toMatchObject({ mode: 'simulated', name: 'cluster' });
    expect(fromFile.store.count('Node')).toBe(32);
    const demo = simulatedSourceFromSetting('demo', { tickMs: 0 });
    expect(demo.store.count('PodCliqueSet')).toBe(3);
    const empty = simulatedSourceFromSetting('empty', { tickMs: 0 });
    expect(empty.store.count('PodCliqueSet')).toBe(0);
    expect(() => simulatedSourceFromSetting(path.join(dir, 'nope.json'))).toThrow(/cannot read the snapshot/);
    await Promise.all([fromFile.close(), demo.close(), empty.close()]);
  });

  it('a snapshot with a byte-order mark or in UTF-16 is checked, then served from a UTF-8 copy the server can read', async () => {
    const json = JSON.stringify(snapshotFromTopologySpec(DEFAULT_TEST_TOPOLOGY));
    const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
    const plain = path.join(dir, 'plain.json');
    writeFileSync(plain, json);
    expect(await parseServeArgs(['--simulate', plain], io)).toMatchObject({ simulate: plain });
    for (const [name, bytes] of [
      ['bom.json', Buffer.from(`\uFEFF${json}`)],
      ['utf16.json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, 'utf16le')])],
    ] as const) {
      const file = path.join(dir, name);
      writeFileSync(file, bytes);
      const options = await parseServeArgs(['--simulate', file], io);
      const served = (options as { simulate: string }).simulate;
      expect(served).not.toBe(file);
      expect(path.basename(served)).toBe(name);
      const source = simulatedSourceFromSetting(served, { tickMs: 0 });
      expect(source.store.count('Node')).toBe(32);
      await source.close();
    }
  });

  it('a snapshot with Grove stacks serves them, and the kinds Canopy does not simulate are counted once on stderr', async () => {
    // A demo stack without its topology constraints (the demo's binding is not this cluster's).
    const pcs = JSON.parse(JSON.stringify(demoStacks()[0]!, (key, value) => (key === 'topologyConstraint' ? undefined : value)));
    const items = [
      ...snapshotFromTopologySpec(DEFAULT_TEST_TOPOLOGY).items,
      pcs,
      ...Array.from({ length: 10 }, (_, i) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `d${i}`, namespace: 'default' } })),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 's0', namespace: 'default' } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 's1', namespace: 'default' } },
    ];
    const file = path.join(dir, 'with-grove.json');
    writeFileSync(file, JSON.stringify(kubeList(items)));
    let stderr = '';
    const io = { stdin: process.stdin, stdout: process.stdout, stderr: { write: (text: string) => ((stderr += text), true) } as unknown as NodeJS.WriteStream };
    expect(await parseServeArgs(['--simulate', file], io)).toMatchObject({ simulate: file });
    expect(stderr).toBe(`canopy serve: ${file}: ignored 12 items of kinds Canopy does not simulate: Deployment (10), Service (2)\n`);
    const source = simulatedSourceFromSetting(file, { tickMs: 0 });
    expect(source.store.all('PodCliqueSet').map((o) => o.metadata?.name)).toEqual([pcs.metadata.name]);
    expect(source.store.count('Pod')).toBeGreaterThan(0);
    await source.close();
  });
});
