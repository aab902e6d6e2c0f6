/**
 * Throw-away PKI for one test cluster, made with the openssl command line: a CA, the apiserver's serving
 * certificate for 127.0.0.1, the service-account signing key pair, and an admin bearer token.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface ClusterPki {
  readonly dir: string;
  readonly caCert: string;
  readonly caKey: string;
  readonly apiserverCert: string;
  readonly apiserverKey: string;
  readonly serviceAccountKey: string;
  readonly serviceAccountPub: string;
  /** token,user,uid,"groups" file for --token-auth-file. */
  readonly tokenAuthFile: string;
  readonly adminToken: string;
}

async function openssl(args: readonly string[], cwd: string): Promise<void> {
  try {
    await execFileAsync('openssl', args, { cwd });
  } catch (error) {
    const cause = error as NodeJS.ErrnoException & { stderr?: string };
    if (cause.code === 'ENOENT') {
      throw new Error('openssl is needed to create the test cluster certificates: install it (apt-get install openssl).');
    }
    throw new Error(`openssl ${args.join(' ')} failed: ${cause.stderr ?? cause.message}`);
  }
}

export async function createPki(dir: string): Promise<ClusterPki> {
  mkdirSync(dir, { recursive: true });
  const file = (name: string): string => path.join(dir, name);
  // EC keys: generating them takes milliseconds, where RSA-2048 costs about a second each on a slow core.
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl(['req', '-x509', ...ecKey, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '7', '-subj', '/CN=canopy-testenv-ca'], dir);
  writeFileSync(
    file('apiserver.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.96.0.1\n' +
      'extendedKeyUsage=serverAuth\n',
  );
  await openssl(['req', ...ecKey, '-keyout', 'apiserver.key', '-out', 'apiserver.csr', '-subj', '/CN=kube-apiserver'], dir);
  await openssl(
    ['x509', '-req', '-in', 'apiserver.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '7',
      '-out', 'apiserver.crt', '-extfile', 'apiserver.ext'],
    dir,
  );
  // Service-account tokens are signed with RS256 by default, so this key stays RSA.
  await openssl(['genrsa', '-out', 'sa.key', '2048'], dir);
  await openssl(['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], dir);

  const adminToken = randomBytes(24).toString('hex');
  // system:masters bypasses RBAC, which is what a test admin (and the controllers sharing it) needs.
  writeFileSync(file('tokens.csv'), `${adminToken},canopy-admin,canopy-admin,"system:masters"\n`, { mode: 0o600 });

  return {
    dir,
    caCert: file('ca.crt'),
    caKey: file('ca.key'),
    apiserverCert: file('apiserver.crt'),
    apiserverKey: file('apiserver.key'),
    serviceAccountKey: file('sa.key'),
    serviceAccountPub: file('sa.pub'),
    tokenAuthFile: file('tokens.csv'),
    adminToken,
  };
}
