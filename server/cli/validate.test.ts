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
            checked: true,
            findings: [{ path: '/spec/template/cliques/0/spec/roleName', rule: 'schema.required', severity: 'error', message: 'roleName is required', line: 10, column: 9 }],
          },
          { kind: 'ConfigMap', name: 'other', checked: false, findings: [] },
        ],
      },
    ]);
  });

  it("warns, with line:column, of SGLang multi-node wiring Grove accepts but the server would not start with, as the builder does", () => {
    // Two cliques of one scaling group whose pods all pass --node-rank 0: the server never starts.
    const sglang = (name: string) => `      - name: ${name}
        spec:
          roleName: ${name}
          replicas: 1
          podSpec:
            containers:
              - name: sglang
                image: lmsysorg/sglang
                args: [python3, -m, sglang.launch_server, --nnodes, "2", --node-rank, "0"]
`;
    const text = `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata:
  name: sgl
spec:
  replicas: 1
  template:
    cliques:
${sglang('leader')}${sglang('worker')}    podCliqueScalingGroups:
      - name: decode
        cliqueNames: [leader, worker]
`;
    const p = file('sglang.yaml', text);
    const r = canopy(['validate', p]);
    expect(r.code).toBe(0);
    // Line 26, column 87: the worker's "0", the value of its --node-rank.
    expect(r.stdout).toBe(
      `${p}:26:87: warning: PodCliqueSet/sgl: /spec/template/cliques/1/spec/podSpec/containers/0/args/6: worker's pods take SGLang node rank 0 in scaling group decode, but rank 0 is leader-0's already: each of the 2 pods of a group replica needs a rank of its own, 0 to 1, or the server never starts. [sglang.nodeRank]\n`,
    );
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

  it('lists an unclosed [ as one parse error of its document, with line:column and how many more; the other documents are still checked (exit 2)', () => {
    // Three documents; the second opens a `[` on its spec: line (line 20) and never closes it.
    const named = (text: string, name: string) => text.replace('name: llm', `name: ${name}`);
    const text = `${named(GOOD, 'first')}---\n${named(GOOD, 'broken').replace(/^spec:$/m, 'spec: [')}---\n${named(BAD, 'third')}`;
    expect(text.split('\n').indexOf('spec: [') + 1).toBe(20);
    const p = file('unclosed.yaml', text);
    const r = canopy(['validate', p]);
    expect(r.code).toBe(2);
    // At the bracket (yaml itself reports it where it gave up, a line later).
    expect(r.stderr).toBe(`${p}:20:7: error: Flow sequence in block collection must be sufficiently indented and end with a ] — and 8 more parse errors after it\n`);
    // The third document's clique `spec:` key: line 10 of it, 30 lines into the file.
    expect(r.stdout).toBe(`${p}: PodCliqueSet/first: ok\n${p}:40:9: error: PodCliqueSet/third: /spec/template/cliques/0/spec/roleName: roleName is required [schema.required]\n`);

    const json = canopy(['validate', '-o', 'json', p]);
    expect(json.code).toBe(2);
    const [result] = JSON.parse(json.stdout) as { errors: unknown[]; documents: { name: string; findings: { rule: string; line: number }[] }[] }[];
    expect(result!.errors).toEqual([{ message: 'Flow sequence in block collection must be sufficiently indented and end with a ] — and 8 more parse errors after it', line: 20, column: 7, moreErrors: 8 }]);
    expect(result!.documents.map((d) => [d.name, d.findings.map((f) => `${f.line} ${f.rule}`)])).toEqual([
      ['first', []],
      ['third', ['40 schema.required']],
    ]);
  });

  it('exits 2 on a usage error', () => {
    expect(canopy(['validate']).code).toBe(2);
    expect(canopy(['validate', '-o', 'xml', 'x.yaml']).code).toBe(2);
    expect(canopy(['frobnicate']).code).toBe(2);
  });
});

describe('canopy validate: what kubectl would read', () => {
  it('an unknown grove.io version or kind is an error; other kinds say they were not checked', () => {
    const p = file('kinds.yaml', GOOD.replace('grove.io/v1alpha1', 'grove.io/v1beta1') + '---\n' + GOOD.replace('kind: PodCliqueSet', 'kind: PodCliqueset') + '---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n');
    const r = canopy(['validate', p]);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`${p}:1:1: error: PodCliqueSet/llm: /apiVersion: PodCliqueSet is served as apiVersion grove.io/v1alpha1, not grove.io/v1beta1 [schema.unknownKind]`);
    expect(lines[1]).toContain(`${p}:17:1: error: PodCliqueset/llm: /kind: grove.io/v1alpha1 has no kind PodCliqueset (did you mean PodCliqueSet?)`);
    expect(lines[2]).toBe(`${p}: ConfigMap/cm: not checked (not a Grove kind)`);
    expect(canopy(['validate', file('core.yaml', GOOD.replace('grove.io/v1alpha1', 'v1'))]).code).toBe(1);
    expect(canopy(['validate', file('nokind.yaml', 'metadata: {name: x}\n')]).code).toBe(1);
  });

  it('reads the items of a v1 List, each at its own line:column', () => {
    const items = BAD.split('\n').map((l, i) => (l ? `${i === 0 ? '  - ' : '    '}${l}` : l)).join('\n');
    const p = file('list.yaml', `apiVersion: v1\nkind: List\nitems:\n${items}`);
    const r = canopy(['validate', p]);
    expect(r.code).toBe(1);
    // The clique's `spec:` key: line 10 of the item, 3 lines into the file and 4 columns in.
    expect(r.stdout).toBe(`${p}:13:13: error: PodCliqueSet/llm: /spec/template/cliques/0/spec/roleName: roleName is required [schema.required]\n`);
  });

  it('an alias bomb is a parse error of its file (exit 2); the other files keep their results, -o json too', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`)].join('\n');
    const p = file('bomb.yaml', `${bomb}\n`);
    const good = file('good-too.yaml', GOOD);
    const r = canopy(['validate', p, good]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${p}:1:1: error: too many alias expansions (the text repeats its anchors too often to be read; write the repeated parts out)\n`);
    expect(r.stdout).toBe(`${good}: PodCliqueSet/llm: ok\n`);
    const json = canopy(['validate', '-o', 'json', p, good]);
    expect(json.code).toBe(2);
    const out = JSON.parse(json.stdout) as { file: string; errors?: { line: number }[]; documents: unknown[] }[];
    expect(out.map((f) => [f.errors?.[0]?.line ?? null, f.documents.length])).toEqual([
      [1, 0],
      [null, 1],
    ]);
  });

  it('YAML 1.1 timestamps and base-60 numbers are strings, as kubectl reads them', () => {
    const r = canopy(['validate', file('y11.yaml', GOOD.replace('  name: llm\n', '  name: llm\n  labels: {release: 2024-01-01, t: "1-30"}\n  annotations: {t: 1:30}\n'))]);
    expect(r.stdout).toContain('PodCliqueSet/llm: ok');
    expect(r.code).toBe(0);
  });

  it('reads UTF-8 with a byte-order mark (columns unshifted) and UTF-16 by its mark; refuses binary briefly', () => {
    const withBom = file('bom.yaml', '\uFEFF' + GOOD.replace('grove.io/v1alpha1', 'grove.io/v1beta1'));
    expect(canopy(['validate', withBom]).stdout).toMatch(new RegExp(`^${withBom.replace(/[.]/g, '\\.')}:1:1: error: `));
    const le = path.join(dir, 'le.yaml');
    writeFileSync(le, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(GOOD, 'utf16le')]));
    expect(canopy(['validate', le])).toMatchObject({ code: 0, stdout: `${le}: PodCliqueSet/llm: ok\n` });
    const be = path.join(dir, 'be.yaml');
    writeFileSync(be, Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(GOOD, 'utf16le').swap16()]));
    expect(canopy(['validate', be])).toMatchObject({ code: 0, stdout: `${be}: PodCliqueSet/llm: ok\n` });
    const bin = path.join(dir, 'random.bin');
    writeFileSync(bin, Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 256)));
    const r = canopy(['validate', bin]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${bin}: not a text file\n`);
    const stdin = canopy(['validate', '-'], 'a: 1\u0000\n');
    expect(stdin).toMatchObject({ code: 2, stderr: '<stdin>: not a text file\n' });
  });

  it('an empty file or empty standard input holds no objects: exit 1; - may be given once', () => {
    const p = file('empty.yaml', '# nothing rendered\n---\n');
    expect(canopy(['validate', p])).toMatchObject({ code: 1, stdout: '', stderr: `${p}: no Kubernetes objects\n` });
    expect(canopy(['validate', '-'], '')).toMatchObject({ code: 1, stderr: '<stdin>: no Kubernetes objects\n' });
    const json = canopy(['validate', '-o', 'json', '-'], '');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual([{ file: '-', documents: [] }]);
    const twice = canopy(['validate', '-', '-'], GOOD);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('- (standard input) can be given once');
  });

  it('findings go to standard output, parse errors to standard error', () => {
    const p = file('mixed.yaml', `${BAD}---\nkind: [\n`);
    const r = canopy(['validate', p]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(`${p}:10:9: error: PodCliqueSet/llm:`);
    expect(r.stderr).toMatch(new RegExp(`^${p.replace(/[.]/g, '\\.')}:\\d+:\\d+: error: `));
    expect(r.stderr).not.toContain('roleName');
  });

  it('ends quietly when the reader closes the pipe early, with the exit status of the result', () => {
    const docs = Array.from({ length: 3000 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-${i}}\n`).join('---\n');
    const p = file('many.yaml', `${docs}---\n${BAD}`);
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" validate "${p}" | head -1; echo "rc=\${PIPESTATUS[0]}" >&2`], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout).toBe(`${p}: ConfigMap/cm-0: not checked (not a Grove kind)\n`);
    expect(r.stderr).toBe('rc=1\n');
  });

  it('no command is a usage error on standard error', () => {
    const r = canopy([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Usage: canopy <command>');
  });
});
