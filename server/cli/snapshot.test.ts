import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

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
    expect(r.stderr).toMatch(/^canopy snapshot: cannot list (nodes|pods|clustertopologybindings): ServiceUnavailable: cannot reach the apiserver at 127\.0\.0\.1:1/);
  });
});
