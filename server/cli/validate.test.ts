import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The CLI is run as a user runs it: the bin launcher in a child process.
const BIN = path.resolve(import.meta.dirname, '..', '..', 'bin', 'canopy.js');
const dir = mkdtempSync(path.join(tmpdir(), 'canopy-cli-'));

function canopy(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

const GOOD = `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata:
  name: llm
spec:
  replicas: 1
  template:
    cliques:
      - name: router
        spec:
          roleName: router
          replicas: 1
          podSpec:
            containers: [{name: router, image: busybox}]
`;
const BAD = GOOD.replace('          roleName: router\n', '');

describe('canopy validate', () => {
  it('exits 0 and says ok for a valid manifest', () => {
    const r = canopy(['validate', file('good.yaml', GOOD)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('PodCliqueSet/llm: ok');
  });

  it('prints a clear error with line:column and exits 1 for a bad manifest', () => {
    const p = file('bad.yaml', BAD);
    const r = canopy(['validate', p]);
    expect(r.code).toBe(1);
    // The clique's `spec:` key is on line 10, column 9.
    expect(r.stdout).toContain(`${p}:10:9: error: PodCliqueSet/llm: /spec/template/cliques/0/spec/roleName: roleName is required [schema.required]`);
  });

  it('prints the documented JSON shape with -o json', () => {
    const r = canopy(['validate', '-o', 'json', file('bad2.yaml', BAD + '---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: other}\n')]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as unknown;
    expect(out).toEqual([
      {
        file: expect.stringContaining('bad2.yaml'),
        documents: [
          {
            kind: 'PodCliqueSet',
            name: 'llm',
            findings: [{ path: '/spec/template/cliques/0/spec/roleName', rule: 'schema.required', severity: 'error', message: 'roleName is required', line: 10, column: 9 }],
          },
          { kind: 'ConfigMap', name: 'other', findings: [] },
        ],
      },
    ]);
  });

  it('reads standard input for -', () => {
    const r = canopy(['validate', '-o', 'json', '-'], BAD);
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as { file: string }[])[0]!.file).toBe('-');
  });

  it('exits 2 when a file cannot be read', () => {
    const r = canopy(['validate', path.join(dir, 'missing.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read');
    expect(r.stderr).toContain('no such file');
  });

  it('exits 2 with the position when YAML cannot be parsed', () => {
    const r = canopy(['validate', file('broken.yaml', 'apiVersion: v1\nkind: [\n')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.yaml:\d+:\d+: error: /);
  });

  it('exits 2 on a usage error', () => {
    expect(canopy(['validate']).code).toBe(2);
    expect(canopy(['validate', '-o', 'xml', 'x.yaml']).code).toBe(2);
    expect(canopy(['frobnicate']).code).toBe(2);
  });
});
