/**
 * The processes of one test cluster: started with their output in log files, watched for unexpected
 * exits, and stopped by pid in reverse start order (SIGTERM, then SIGKILL after a grace period).
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { onShutdownSignal } from '../../server/process/shutdownSignals';

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves when the process has exited, however it ended. */
  readonly exited: Promise<void>;
}

interface Entry extends ManagedProcess {
  exit?: { code: number | null; signal: NodeJS.Signals | null };
}

/** Last lines of a log, for error messages that say why a component failed. */
export function tailOfFile(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

const TERMINATING_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Groups with processes that stop() has not ended yet; Node's exit and signal hooks serve all of them. */
const liveGroups = new Set<ProcessGroup>();

// If Node exits without stop() (a crash, process.exit in a test runner), leave no control plane behind.
// Exit hooks must be synchronous, hence SIGKILL.
function abandonAll(): void {
  for (const group of liveGroups) group.abandon();
  liveGroups.clear();
  uninstallHooks();
}

// Ctrl-C or a runner's SIGTERM ends a Node process that has no handler for it without running 'exit'
// hooks: then kill the children first (server/process/shutdownSignals.ts re-raises the signal after).
// The process's own handler (cluster:up's graceful stop, a test runner that exits and so runs the
// 'exit' hook) takes precedence: then leave the children to it.
function onTerminatingSignal(_signal: NodeJS.Signals, endsProcess: boolean): void {
  if (endsProcess) abandonAll();
}

let removeSignalHook: (() => void) | undefined;

function installHooks(): void {
  if (process.listeners('exit').includes(abandonAll)) return;
  process.on('exit', abandonAll);
  removeSignalHook = onShutdownSignal(TERMINATING_SIGNALS, onTerminatingSignal);
}

function uninstallHooks(): void {
  process.off('exit', abandonAll);
  removeSignalHook?.();
  removeSignalHook = undefined;
}

export class ProcessGroup {
  private readonly entries: Entry[] = [];
  private stopping = false;

  /** `onAbandoned` runs (synchronously) when the processes are killed because Node is going away. */
  constructor(
    private readonly logDir: string,
    private readonly onAbandoned?: () => void,
  ) {
    liveGroups.add(this);
    installHooks();
  }

  /** SIGKILLs every process still running, without waiting: for exit paths only. */
  abandon(): void {
    for (const entry of this.entries) if (!entry.exit) safeKill(entry.pid, 'SIGKILL');
    this.onAbandoned?.();
  }

  start(name: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): ManagedProcess {
    const logFile = path.join(this.logDir, `${name}.log`);
    const fd = openSync(logFile, 'a');
    // detached: its own process group, so a terminal's Ctrl-C reaches only us and we stop it in order.
    const child = spawn(command, args, { env, stdio: ['ignore', fd, fd], detached: true });
    closeSync(fd);
    if (child.pid === undefined) throw new Error(`could not start ${name} (${command})`);
    let markExited: () => void = () => undefined;
    const exited = new Promise<void>((resolve) => (markExited = resolve));
    const entry: Entry = { name, pid: child.pid, logFile, exited };
    child.on('exit', (code, signal) => {
      entry.exit = { code, signal };
      markExited();
    });
    child.on('error', () => markExited());
    this.entries.push(entry);
    return entry;
  }

  get processes(): readonly ManagedProcess[] {
    return this.entries;
  }

  /** Describes the first process that exited although nobody asked it to, with its log tail. */
  unexpectedExit(): string | undefined {
    if (this.stopping) return undefined;
    const dead = this.entries.find((entry) => entry.exit);
    if (!dead?.exit) return undefined;
    const how = dead.exit.signal ? `signal ${dead.exit.signal}` : `exit code ${dead.exit.code}`;
    return `${dead.name} (pid ${dead.pid}) exited with ${how}; last lines of ${dead.logFile}:\n${tailOfFile(dead.logFile)}`;
  }

  /** Stops every process, newest first, and waits until each has exited. */
  async stopAll(gracePeriodMs = 10_000): Promise<void> {
    this.stopping = true;
    for (const entry of [...this.entries].reverse()) {
      if (entry.exit) continue;
      safeKill(entry.pid, 'SIGTERM');
      const timedOut = await Promise.race([
        entry.exited.then(() => false),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(true), gracePeriodMs).unref()),
      ]);
      if (timedOut) {
        safeKill(entry.pid, 'SIGKILL');
        await entry.exited;
      }
    }
    liveGroups.delete(this);
    if (liveGroups.size === 0) uninstallHooks();
  }
}

function safeKill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone (ESRCH): nothing to stop.
  }
}

/** True while a process with this pid exists (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
