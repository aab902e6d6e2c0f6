/**
 * A second Canopy server for a live spec: `next start` from the build the Playwright web servers use
 * (same CANOPY_DIST_DIR), on a free port, against another kubeconfig (e.g. a restricted identity's).
 * It runs in a ProcessGroup (e2e/cluster/processes.ts): a worker that dies without stop() still
 * SIGKILLs it on exit, so no orphan keeps the port or the cluster's watches.
 */
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ProcessGroup, tailOfFile } from '../cluster/processes';

export interface CanopyServer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly logFile: string;
  stop(): Promise<void>;
}

/** A port nobody listens on now (the kernel's choice), for the server to take right after. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Starts `next start` with KUBECONFIG=`kubeconfigPath` and resolves once it answers (its log tail in the error otherwise). */
export async function startCanopyServer(kubeconfigPath: string, { timeoutMs = 60_000 } = {}): Promise<CanopyServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const group = new ProcessGroup(mkdtempSync(path.join(tmpdir(), 'canopy-e2e-second-')));
  const env: NodeJS.ProcessEnv = { ...process.env, KUBECONFIG: kubeconfigPath, NEXT_TELEMETRY_DISABLED: '1' };
  // The live cluster, never the demo; and the kubeconfig's own context and namespace.
  delete env.CANOPY_SIMULATE;
  delete env.CANOPY_NAMESPACE;
  delete env.CANOPY_CONTEXT;
  const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');
  const next = group.start('next', process.execPath, [nextBin, 'start', '-H', '127.0.0.1', '-p', String(port)], env);
  let exited = false;
  void next.exited.then(() => (exited = true));
  const server: CanopyServer = { url, logFile: next.logFile, stop: () => group.stopAll(5_000) };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).status < 500) return server;
    } catch {
      // not listening yet
    }
    if (exited || Date.now() > deadline) {
      await server.stop();
      throw new Error(`next start on ${url} ${exited ? 'exited' : `did not answer within ${timeoutMs / 1000} s`}; last lines of ${next.logFile}:\n${tailOfFile(next.logFile, 30)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
