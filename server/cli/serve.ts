/**
 * `canopy serve [--context X] [--port N] [--simulate SNAPSHOT.json|demo] [--dev]`
 * Starts the Next.js app on 127.0.0.1:N — the production build when the build directory (.next, or
 * CANOPY_DIST_DIR as next.config.ts reads it) holds one, else `next dev` —
 * and tells the server which cluster to use through the environment:
 *   CANOPY_SIMULATE=<absolute path of a snapshot | demo>   the simulated cluster
 *   CANOPY_CONTEXT=<kubeconfig context>                     a live cluster through that context
 * With neither, the server decides (kubeconfig's current context, in-cluster, else the demo).
 * Exit status: the app's; 2 for bad flags or an unreadable snapshot, 1 for a snapshot that is not a cluster
 * or that the simulated cluster would refuse (a PodCliqueSet its webhook refuses).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SnapshotError, ignoredKindsNote, snapshotObjects } from '../../lib/topology/snapshot';
import { createSimulatedSource } from '../sources/simulated';
import { clip, InputError, parseJsonInput, readInput } from './io';
import type { CliIO } from './main';

const HELP = `Usage: canopy serve [--context NAME] [--port N] [--simulate SNAPSHOT.json|demo] [--dev]

Starts the Canopy dashboard on http://127.0.0.1:N (production build if one exists under .next, or
under CANOPY_DIST_DIR when that is set, otherwise the Next.js development server).

Options:
      --context NAME      use this kubeconfig context (sets CANOPY_CONTEXT)
  -p, --port N            port to listen on (default 3000)
      --simulate FILE     run on a simulated cluster built from a snapshot (a Kubernetes List as written
                          by canopy snapshot, or printed by kubectl get nodes,pods,clustertopologybindings,
                          podcliquesets,podcliques,podcliquescalinggroups,podgangs -A -o json: its Grove
                          stacks are adopted; other kinds are ignored and counted), or "demo" for the
                          built-in demo cluster (sets CANOPY_SIMULATE)
      --dev               use the development server even when a production build exists
  -h, --help              show this help

Without --context or --simulate the server uses kubeconfig's current context, the in-cluster service
account, or else the demo cluster.

Canopy's API answers only requests addressed to localhost, 127.0.0.1 or [::1]; behind a proxy or tunnel
under another name, list it in CANOPY_ALLOWED_HOSTS (comma-separated host or host:port).
`;

export interface ServeOptions {
  port: number;
  context?: string;
  /** Absolute path of a snapshot, or 'demo'. */
  simulate?: string;
  dev: boolean;
}

type Env = Record<string, string | undefined>;

/** The project root (where package.json and .next live). */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..', '..');

/** Where `next build` put its output and `next start` looks for it: next.config.ts's distDir, relative to the root. */
export function distDirOf(root: string, env: Env): string {
  return path.resolve(root, env.CANOPY_DIST_DIR || '.next');
}

/** The command, arguments and environment that start the app (pure, for tests). */
export function serveCommand(options: ServeOptions, root = PROJECT_ROOT, env: Env = process.env): { command: string; args: string[]; env: Env; mode: 'production' | 'development' } {
  const production = !options.dev && existsSync(path.join(distDirOf(root, env), 'BUILD_ID'));
  const next = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
  const childEnv: Env = { ...env };
  delete childEnv.CANOPY_SIMULATE;
  delete childEnv.CANOPY_CONTEXT;
  if (options.simulate) childEnv.CANOPY_SIMULATE = options.simulate;
  if (options.context) childEnv.CANOPY_CONTEXT = options.context;
  return {
    command: process.execPath,
    args: [next, production ? 'start' : 'dev', '--hostname', '127.0.0.1', '--port', String(options.port)],
    env: childEnv,
    mode: production ? 'production' : 'development',
  };
}

/**
 * The server reads the snapshot as plain UTF-8 JSON. A file this command decoded otherwise (a
 * byte-order mark, UTF-16) is served from a UTF-8 copy of the same name in a temporary directory.
 */
async function asPlainUtf8(file: string, text: string): Promise<string> {
  if ((await readFile(file, 'utf8')) === text) return file;
  const copy = path.join(await mkdtemp(path.join(tmpdir(), 'canopy-serve-')), path.basename(file));
  await writeFile(copy, text);
  return copy;
}

/**
 * The server's own check, run here: the snapshot is loaded into a throwaway simulated cluster, as the
 * server will load it (a PodCliqueSet the webhook would refuse, with its item path). Refused here, it
 * exits 1 before Next.js starts instead of every route answering 503.
 */
function refusalOfSnapshot(name: string, json: unknown): void {
  let trial;
  try {
    trial = createSimulatedSource({ snapshot: json, tickMs: 0 });
  } catch (e) {
    // Not clipped: the server's message is bounded (at most five problems) and its end says what is wrong.
    throw new InputError(`${name}: ${(e as Error).message.replace(/[\r\n]+/g, ' ')}`, 1);
  }
  void trial.close();
}

/** Flags → options; throws InputError (exit 2 for bad flags and unreadable files, 1 for an unusable snapshot). */
export async function parseServeArgs(argv: string[], io: CliIO): Promise<ServeOptions | 'help'> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        context: { type: 'string' },
        port: { type: 'string', short: 'p' },
        simulate: { type: 'string' },
        dev: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
      strict: true,
    }));
  } catch (e) {
    throw new InputError((e as Error).message, 2);
  }
  if (values.help) return 'help';
  const port = values.port === undefined ? 3000 : Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535 || (values.port !== undefined && !/^\d+$/.test(values.port))) {
    throw new InputError(`--port must be a port number (1-65535), got "${values.port}"`, 2);
  }
  if (values.context !== undefined && values.simulate !== undefined) throw new InputError('--context and --simulate exclude each other', 2);
  if (values.context === '') throw new InputError('--context needs a context name', 2);
  let simulate: string | undefined;
  if (values.simulate !== undefined) {
    if (values.simulate === 'demo') simulate = 'demo';
    else {
      // Read it now, so a wrong path fails here and not in the first browser request.
      const file = path.resolve(values.simulate);
      const text = await readInput(file, io);
      const json = parseJsonInput(values.simulate, text);
      let contents;
      try {
        contents = snapshotObjects(json);
      } catch (e) {
        if (!(e instanceof SnapshotError)) throw e;
        throw new InputError(e.errors.map((x) => `${values.simulate}: ${clip(x.message)}`).join('\n'), 1);
      }
      if (!contents.objects.some((o) => o.kind === 'Node')) throw new InputError(`${values.simulate}: the snapshot has no nodes`, 1);
      refusalOfSnapshot(values.simulate, json);
      // Said here, once: the server loading it stays quiet about them.
      const ignored = ignoredKindsNote(contents.ignored);
      if (ignored) io.stderr.write(`canopy serve: ${values.simulate}: ${ignored}\n`);
      simulate = await asPlainUtf8(file, text);
    }
  }
  return { port, dev: values.dev ?? false, ...(values.context !== undefined ? { context: values.context } : {}), ...(simulate ? { simulate } : {}) };
}

export async function runServe(argv: string[], io: CliIO): Promise<number> {
  let options: ServeOptions | 'help';
  try {
    options = await parseServeArgs(argv, io);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    io.stderr.write(`canopy serve: ${e.message}\n${e.code === 2 ? "Run 'canopy serve --help' for usage.\n" : ''}`);
    return e.code;
  }
  if (options === 'help') {
    io.stdout.write(HELP);
    return 0;
  }
  const { command, args, env, mode } = serveCommand(options);
  const cluster = options.simulate ? `simulated cluster (${options.simulate})` : options.context ? `kubeconfig context ${options.context}` : 'cluster chosen by the server';
  io.stdout.write(`Canopy (${mode} server, ${cluster}) on http://127.0.0.1:${options.port}\n`);
  const child = spawn(command, args, { cwd: PROJECT_ROOT, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'inherit', 'inherit'] });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return new Promise<number>((resolve) => {
    child.on('error', (e) => {
      io.stderr.write(`canopy serve: cannot start Next.js: ${e.message}\n`);
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(code ?? (signal ? 128 + (signal === 'SIGINT' ? 2 : 15) : 1));
    });
  });
}
