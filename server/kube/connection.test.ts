import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contextNames, kubeconfigFiles, openConnection } from './connection';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'canopy-conn-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function kubeconfig(file: string, contexts: { name: string; server: string; namespace?: string }[], current?: string): string {
  const full = path.join(dir, file);
  mkdirSync(path.dirname(full), { recursive: true });
  const lines = ['apiVersion: v1', 'kind: Config', `current-context: ${current ?? ''}`, 'clusters:'];
  for (const c of contexts) lines.push(`- name: ${c.name}-cluster`, '  cluster:', `    server: ${c.server}`);
  lines.push('users:');
  for (const c of contexts) lines.push(`- name: ${c.name}-user`, '  user:', `    token: secret-${c.name}`);
  lines.push('contexts:');
  for (const c of contexts) lines.push(`- name: ${c.name}`, '  context:', `    cluster: ${c.name}-cluster`, `    user: ${c.name}-user`, ...(c.namespace ? [`    namespace: ${c.namespace}`] : []));
  writeFileSync(full, lines.join('\n') + '\n');
  return full;
}

describe('openConnection', () => {
  it('merges every KUBECONFIG file like kubectl: the first current-context wins, contexts add up', () => {
    const a = kubeconfig('a', [{ name: 'alpha', server: 'https://alpha.example:6443', namespace: 'team-a' }], 'alpha');
    const b = kubeconfig('b', [{ name: 'beta', server: 'https://beta.example:6443' }], 'beta');
    const env = { KUBECONFIG: [a, path.join(dir, 'missing'), b].join(path.delimiter) };
    expect(kubeconfigFiles(env, dir)).toEqual([a, b]);
    const connection = openConnection({ env, home: dir })!;
    expect(connection.info).toEqual({ mode: 'live', name: 'alpha', server: 'https://alpha.example:6443', namespace: 'team-a', readOnly: false });
    expect(contextNames(connection)).toEqual(['alpha', 'beta']);
    const beta = openConnection({ env, home: dir, context: 'beta' })!;
    expect(beta.info).toMatchObject({ name: 'beta', server: 'https://beta.example:6443', namespace: 'default' });
    expect(() => openConnection({ env, home: dir, context: 'gamma' })).toThrow('context "gamma" is not in the kubeconfig (known: alpha, beta)');
  });

  it("CANOPY_NAMESPACE replaces the context's namespace; a value that is not a namespace name is refused", () => {
    const file = kubeconfig('ns', [{ name: 'alpha', server: 'https://alpha.example:6443', namespace: 'team-a' }], 'alpha');
    expect(openConnection({ env: { KUBECONFIG: file, CANOPY_NAMESPACE: 'team-b' }, home: dir })!.info.namespace).toBe('team-b');
    expect(openConnection({ env: { KUBECONFIG: file, CANOPY_NAMESPACE: '  ' }, home: dir })!.info.namespace).toBe('team-a');
    expect(() => openConnection({ env: { KUBECONFIG: file, CANOPY_NAMESPACE: 'Team_B' }, home: dir })).toThrow('CANOPY_NAMESPACE "Team_B" is not a namespace name');
  });

  it('a kubeconfig that does not parse names the file and the place, never its contents (tokens)', () => {
    const good = kubeconfig('good', [{ name: 'alpha', server: 'https://alpha.example:6443' }], 'alpha');
    const broken = path.join(dir, 'broken');
    writeFileSync(broken, ['apiVersion: v1', 'kind: Config', 'current-context: a', 'users:', '- name: u', '  user:', '    token: s3cr3t-token-abcdef', '   bad: [', 'clusters: []', ''].join('\n'));
    for (const env of [{ KUBECONFIG: broken }, { KUBECONFIG: [good, broken].join(path.delimiter) }]) {
      let message = '';
      try {
        openConnection({ env, home: dir });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/^cannot read kubeconfig .*broken: bad indentation of a mapping entry \(8:4\)$/);
      expect(message).not.toContain(good);
      expect(message).not.toContain('s3cr3t');
      expect(message).not.toContain('\n');
    }
  });

  it('reads ~/.kube/config when KUBECONFIG is not set, and finds nothing without either', () => {
    expect(openConnection({ env: {}, home: dir })).toBeNull();
    kubeconfig('.kube/config', [{ name: 'home', server: 'https://home.example' }], 'home');
    expect(openConnection({ env: {}, home: dir })?.info.name).toBe('home');
    expect(() => openConnection({ env: {}, home: path.join(dir, 'nobody'), context: 'x' })).toThrow(/no kubeconfig found/);
  });

  it('uses the in-cluster service account, read-only unless CANOPY_ALLOW_WRITES=true', () => {
    const sa = path.join(dir, 'var/run/secrets/kubernetes.io/serviceaccount');
    mkdirSync(sa, { recursive: true });
    writeFileSync(path.join(sa, 'token'), 'sa-token');
    writeFileSync(path.join(sa, 'ca.crt'), '');
    writeFileSync(path.join(sa, 'namespace'), 'canopy-system');
    const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
    process.env.KUBERNETES_SERVICE_HOST = '10.96.0.1';
    process.env.KUBERNETES_SERVICE_PORT = '443';
    try {
      const env = { KUBERNETES_SERVICE_HOST: '10.96.0.1' };
      const readOnly = openConnection({ env, home: dir, serviceAccountRoot: dir })!;
      expect(readOnly.info).toEqual({ mode: 'live', name: 'in-cluster', server: 'https://10.96.0.1:443', namespace: 'canopy-system', readOnly: true });
      expect(contextNames(readOnly)).toEqual([]);
      expect(openConnection({ env: { ...env, CANOPY_ALLOW_WRITES: 'true' }, home: dir, serviceAccountRoot: dir })!.info.readOnly).toBe(false);
    } finally {
      if (saved.host === undefined) delete process.env.KUBERNETES_SERVICE_HOST;
      else process.env.KUBERNETES_SERVICE_HOST = saved.host;
      if (saved.port === undefined) delete process.env.KUBERNETES_SERVICE_PORT;
      else process.env.KUBERNETES_SERVICE_PORT = saved.port;
    }
  });
});
