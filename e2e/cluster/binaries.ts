/**
 * Builds the control-plane binaries from Go modules (through the Go module proxy) into a versioned cache
 * outside the repository, once. The wrapper modules in e2e/cluster/go/<component>/ pin every version.
 *
 * Resumable: each component builds into a private scratch directory and is renamed into place only when
 * complete, so an interrupted run leaves nothing half-written; Go's build cache keeps the compiled
 * packages, so the next run continues where the last one stopped.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLUSTER_DIR } from './paths';
import { isAlive } from './processes';

export const VERSIONS = { kubernetes: '1.35.4', etcd: '3.6.16', kwok: '0.8.0' } as const;

export interface TestenvBinaries {
  readonly dir: string;
  readonly etcd: string;
  readonly kubeApiserver: string;
  readonly kubeScheduler: string;
  readonly kubeControllerManager: string;
  readonly kwok: string;
}

interface Component {
  /** Folder under e2e/cluster/go/ holding the wrapper go.mod. */
  readonly module: string;
  /** Main packages and their binary names (for several, the name must be the package's last path element). */
  readonly outputs: readonly { readonly pkg: string; readonly binary: string }[];
  readonly ldflags: string;
}

// Without these the binaries report v0.0.0-master; clients and skew checks read the version.
const K8S_VERSION_LDFLAGS = ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']
  .flatMap((pkg) => [
    `-X ${pkg}.gitVersion=v${VERSIONS.kubernetes}`,
    `-X ${pkg}.gitMajor=${VERSIONS.kubernetes.split('.')[0]}`,
    `-X ${pkg}.gitMinor=${VERSIONS.kubernetes.split('.')[1]}`,
  ])
  .join(' ');

const COMPONENTS: readonly Component[] = [
  {
    module: 'etcd',
    outputs: [{ pkg: 'go.etcd.io/etcd/server/v3', binary: 'etcd' }],
    ldflags: '-s -w',
  },
  {
    module: 'k8s',
    outputs: [
      { pkg: 'k8s.io/kubernetes/cmd/kube-apiserver', binary: 'kube-apiserver' },
      { pkg: 'k8s.io/kubernetes/cmd/kube-scheduler', binary: 'kube-scheduler' },
      { pkg: 'k8s.io/kubernetes/cmd/kube-controller-manager', binary: 'kube-controller-manager' },
    ],
    ldflags: `-s -w ${K8S_VERSION_LDFLAGS}`,
  },
  {
    module: 'kwok',
    outputs: [{ pkg: 'sigs.k8s.io/kwok/cmd/kwok', binary: 'kwok' }],
    ldflags: '-s -w',
  },
];

const BINARY_NAMES = COMPONENTS.flatMap((component) => component.outputs.map((output) => output.binary));

export type Log = (line: string) => void;
const defaultLog: Log = (line) => console.error(`[testenv] ${line}`);

export function versionedCacheDir(): string {
  const cacheHome = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const key = `k8s${VERSIONS.kubernetes}-etcd${VERSIONS.etcd}-kwok${VERSIONS.kwok}`;
  return path.join(cacheHome, 'canopy-testenv', key);
}

function binariesIn(dir: string): TestenvBinaries {
  return {
    dir,
    etcd: path.join(dir, 'etcd'),
    kubeApiserver: path.join(dir, 'kube-apiserver'),
    kubeScheduler: path.join(dir, 'kube-scheduler'),
    kubeControllerManager: path.join(dir, 'kube-controller-manager'),
    kwok: path.join(dir, 'kwok'),
  };
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The Go command: `go` on PATH, else the default install location. */
export function goCommand(): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, 'go'))) return path.join(dir, 'go');
  }
  if (isExecutable('/usr/local/go/bin/go')) return '/usr/local/go/bin/go';
  throw new Error(
    'Go is needed to build the test control plane but was not found on PATH or at /usr/local/go/bin/go. ' +
      'Install Go 1.26 (https://go.dev/dl/) or set CANOPY_TESTENV_BIN to a directory holding prebuilt ' +
      `${BINARY_NAMES.join(', ')}.`,
  );
}

/** Environment for every go invocation: no toolchain downloads, static binaries, reproducible paths. */
function goEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOFLAGS: '-modcacherw -trimpath' };
}

/** Runs go in a wrapper module; resolves with stdout, rejects with the command's stderr. */
export function runGo(args: readonly string[], module: string): Promise<string> {
  const cwd = path.join(CLUSTER_DIR, 'go', module);
  return new Promise((resolve, reject) => {
    const child = spawn(goCommand(), args, { cwd, env: goEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`go ${args.join(' ')} (in ${cwd}) failed with exit code ${code}:\n${stderr.trim()}`));
    });
  });
}

async function buildComponent(component: Component, dir: string, log: Log): Promise<void> {
  const names = component.outputs.map((output) => output.binary);
  const started = Date.now();
  const elapsed = (): string => `${Math.round((Date.now() - started) / 1000)}s`;
  log(`build ${component.module} (${names.join(', ')}): started; a cold build takes minutes`);
  // A private scratch dir per process: concurrent builders never see each other's half-written files.
  const scratch = path.join(dir, `.partial-${component.module}-${process.pid}`);
  // Scratch dirs of builders that were killed (their pid is gone) are leftovers of an interrupted run.
  for (const entry of readdirSync(dir)) {
    const owner = new RegExp(`^\\.partial-${component.module}-(\\d+)$`).exec(entry)?.[1];
    if (owner && (Number(owner) === process.pid || !isAlive(Number(owner)))) rmSync(path.join(dir, entry), { recursive: true, force: true });
  }
  mkdirSync(scratch, { recursive: true });
  const heartbeat = setInterval(() => log(`build ${component.module}: still compiling, ${elapsed()} elapsed`), 30_000);
  try {
    // -p 2: the CI machine has 2 cores, and more parallel links of kube-apiserver need GBs of memory each.
    // One output: name it (etcd's main package is the module root, whose default name is "v3").
    // Several: go build writes each into the directory under its last path element.
    const [only] = component.outputs;
    const target = component.outputs.length === 1 && only ? path.join(scratch, only.binary) : `${scratch}${path.sep}`;
    const packages = component.outputs.map((output) => output.pkg);
    await runGo(['build', '-p', '2', `-ldflags=${component.ldflags}`, '-o', target, ...packages], component.module);
    for (const name of names) renameSync(path.join(scratch, name), path.join(dir, name));
    log(`build ${component.module}: done in ${elapsed()}`);
  } finally {
    clearInterval(heartbeat);
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Returns the control-plane binaries, building whichever are missing. With CANOPY_TESTENV_BIN set it
 * only checks that directory and never builds.
 */
export async function ensureBinaries(log: Log = defaultLog): Promise<TestenvBinaries> {
  const prebuilt = process.env.CANOPY_TESTENV_BIN;
  if (prebuilt) {
    const missing = BINARY_NAMES.filter((name) => !isExecutable(path.join(prebuilt, name)));
    if (missing.length > 0) {
      throw new Error(
        `CANOPY_TESTENV_BIN=${prebuilt} lacks executable ${missing.join(', ')}. Unset it to build them ` +
          `(needs Go 1.26 and the Go module proxy), or copy them there.`,
      );
    }
    return binariesIn(prebuilt);
  }

  const dir = versionedCacheDir();
  mkdirSync(dir, { recursive: true });
  const started = Date.now();
  for (const component of COMPONENTS) {
    const present = component.outputs.every((output) => isExecutable(path.join(dir, output.binary)));
    if (present) continue;
    await buildComponent(component, dir, log);
  }
  const built = Math.round((Date.now() - started) / 1000);
  if (built > 0) log(`binaries ready in ${dir} (${built}s)`);
  return binariesIn(dir);
}

/** Directory of the kwok module in $GOMODCACHE (downloaded if absent): the source of the stage YAMLs. */
export async function kwokModuleDir(): Promise<string> {
  const json = await runGo(['mod', 'download', '-json', `sigs.k8s.io/kwok@v${VERSIONS.kwok}`], 'kwok');
  const dir = (JSON.parse(json) as { Dir?: string }).Dir;
  if (!dir || !existsSync(dir)) throw new Error(`go mod download did not report a directory for kwok: ${json}`);
  return dir;
}
