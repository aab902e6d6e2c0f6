/**
 * Polite signal handlers (server/process/shutdownSignals.ts), each case in a child Node process that is
 * sent the signal: which handlers ran, whether the signal was re-raised, and how the process ended.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';

const tmp = mkdtempSync(path.join(tmpdir(), 'canopy-shutdown-signals-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const moduleUrl = (file: string) => JSON.stringify(pathToFileURL(path.resolve(__dirname, file)).href);

/**
 * Prepended to every child: `log` writes a line synchronously (the process may be gone a moment later),
 * and each re-raise (process.kill of itself) is logged before it is sent.
 */
const PRELUDE = `
import { writeSync } from 'node:fs';
import { onShutdownSignal } from ${moduleUrl('shutdownSignals.ts')};
const log = (line) => writeSync(1, line + '\\n');
const kill = process.kill.bind(process);
process.kill = (pid, signal) => {
  if (pid === process.pid) log('re-raise ' + signal);
  return kill(pid, signal);
};
const polite = (name) => (signal, endsProcess) => log(name + ' ' + signal + (endsProcess ? ' ends' : ' defers'));
setInterval(() => {}, 60_000);
`;

interface Child {
  pid: number;
  /** Lines the child wrote after 'ready'. */
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Values the child logged as `name value` before 'ready'. */
  values: Map<string, string>;
  kill(signal: NodeJS.Signals): void;
}

let scripts = 0;

/** Runs `body` after the prelude; resolves once it logs 'ready'. */
async function startChild(body: string): Promise<Child> {
  const script = path.join(tmp, `child-${++scripts}.mjs`);
  writeFileSync(script, `${PRELUDE}\n${body}\nlog('ready');\n`);
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: path.resolve(__dirname, '../..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const before: string[] = [];
  const lines: string[] = [];
  let ready = false;
  let partial = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const split = (partial + chunk.toString()).split('\n');
      partial = split.pop()!;
      for (const line of split) {
        if (ready) lines.push(line);
        else if (line === 'ready') {
          ready = true;
          resolve();
        } else before.push(line);
      }
    });
    void exited.then(() => reject(new Error(`the child exited before it was ready: ${before.join('\n')}`)));
  });
  const values = new Map(before.map((line) => line.split(' ') as [string, string]));
  return { pid: child.pid!, lines, exited, values, kill: (signal) => child.kill(signal) };
}

const within = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} ${ms} ms after the signal`)), ms))]);

async function signalled(child: Child, signal: NodeJS.Signals) {
  try {
    child.kill(signal);
    return await within(child.exited, 5_000, 'the process was still running');
  } finally {
    child.kill('SIGKILL');
  }
}

describe('polite handlers with no handler of the process’s own', () => {
  it('all of them run, then the signal is re-raised once and ends the process', async () => {
    const child = await startChild(`
onShutdownSignal(['SIGTERM', 'SIGINT'], polite('streams'));
onShutdownSignal(['SIGINT', 'SIGTERM', 'SIGHUP'], polite('children'));
`);
    // Before, each module had its own listener and deferred to the other: nothing re-raised, and the
    // process was still running.
    expect(await signalled(child, 'SIGTERM')).toEqual({ code: null, signal: 'SIGTERM' });
    expect(child.lines.filter(Boolean)).toEqual(['streams SIGTERM ends', 'children SIGTERM ends', 're-raise SIGTERM']);
  });

  it('a signal reaches only the handlers registered for it', async () => {
    const child = await startChild(`
onShutdownSignal(['SIGTERM', 'SIGINT'], polite('streams'));
onShutdownSignal(['SIGINT', 'SIGTERM', 'SIGHUP'], polite('children'));
`);
    expect(await signalled(child, 'SIGHUP')).toEqual({ code: null, signal: 'SIGHUP' });
    expect(child.lines.filter(Boolean)).toEqual(['children SIGHUP ends', 're-raise SIGHUP']);
  });

  it('a failing handler keeps neither the others from running nor the process from ending', async () => {
    const child = await startChild(`
onShutdownSignal(['SIGINT'], () => { throw new Error('clean-up failed'); });
onShutdownSignal(['SIGINT'], polite('children'));
console.error = () => {};
`);
    expect(await signalled(child, 'SIGINT')).toEqual({ code: null, signal: 'SIGINT' });
    expect(child.lines.filter(Boolean)).toEqual(['children SIGINT ends', 're-raise SIGINT']);
  });
});

describe('polite handlers beside a handler of the process’s own (next start’s, a test runner’s)', () => {
  it('they run, are told it decides, and it does: no re-raise', async () => {
    const child = await startChild(`
process.on('SIGTERM', () => { log('own SIGTERM'); setTimeout(() => process.exit(143), 50); });
onShutdownSignal(['SIGTERM', 'SIGINT'], polite('streams'));
onShutdownSignal(['SIGINT', 'SIGTERM', 'SIGHUP'], polite('children'));
`);
    expect(await signalled(child, 'SIGTERM')).toEqual({ code: 143, signal: null });
    expect(child.lines.filter(Boolean)).toEqual(['own SIGTERM', 'streams SIGTERM defers', 'children SIGTERM defers']);
  });
});

/** Whether `pid` no longer runs: no such process, or (Linux) a zombie waiting to be reaped. */
function deadProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return true;
    throw error;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

describe('the event streams’ hook and a test cluster’s process group in one process', () => {
  // The reported defect: sse.ts and e2e/cluster/processes.ts each stepped aside for the other, so the
  // signal was swallowed and the control plane's processes stayed up.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} kills the group's processes and ends the process`, async () => {
      const child = await startChild(`
import { hookShutdownSignals } from ${moduleUrl('../hub/sse.ts')};
import { ProcessGroup } from ${moduleUrl('../../e2e/cluster/processes.ts')};
const group = new ProcessGroup(${JSON.stringify(tmp)});
const sleeper = group.start('sleeper-${signal}', 'sleep', ['60']);
hookShutdownSignals();
log('sleeper ' + sleeper.pid);
`);
      const sleeper = Number(child.values.get('sleeper'));
      expect(sleeper).toBeGreaterThan(0);
      try {
        expect(await signalled(child, signal)).toEqual({ code: null, signal });
        expect(child.lines.filter(Boolean)).toEqual([`re-raise ${signal}`]);
        // SIGKILLed before the re-raise: dead, i.e. gone or a zombie not yet reaped (orphaned, it waits for
        // PID 1, which on a loaded machine takes its time; a zombie runs nothing).
        await vi.waitFor(() => expect(deadProcess(sleeper)).toBe(true), { timeout: 10_000, interval: 50 });
      } finally {
        try {
          process.kill(sleeper, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    });
  }
});

describe('registration', () => {
  it('one process listener per signal, across a reload of the module; removing the last handler removes it', async () => {
    const before = process.listenerCount('SIGHUP');
    const first = await import('./shutdownSignals');
    const removeA = first.onShutdownSignal(['SIGHUP'], () => {});
    // A dev-mode reload: a fresh instance of the module.
    vi.resetModules();
    const reloaded = await import('./shutdownSignals');
    expect(reloaded).not.toBe(first);
    const removeB = reloaded.onShutdownSignal(['SIGHUP'], () => {});
    expect(process.listenerCount('SIGHUP')).toBe(before + 1);
    removeA();
    expect(process.listenerCount('SIGHUP')).toBe(before + 1);
    removeB();
    expect(process.listenerCount('SIGHUP')).toBe(before);
  });
});
