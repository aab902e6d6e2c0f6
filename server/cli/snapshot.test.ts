import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// Run as a user runs it; only flag handling is exercised here (talking to a cluster is the cluster suite's job).
const BIN = path.resolve(import.meta.dirname, '..', '..', 'bin', 'canopy.js');

function canopy(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, KUBECONFIG: '/nonexistent/kubeconfig' } });
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
});
