/**
 * The one ClusterSource of this process. Chosen once, at first use:
 *   CANOPY_SIMULATE set            → the simulated cluster (demo, empty, or a snapshot file)
 *   a kubeconfig or in-cluster SA  → the live cluster (context from CANOPY_CONTEXT, else the current one)
 *   neither                        → the simulated demo cluster (the UI shows a banner saying so)
 * Kept on globalThis so Next.js dev-mode module reloading does not open a second connection.
 */
import { statSync } from 'node:fs';
import { ActionFailure } from '../actions/errors';
import { ConnectionError, contextNames, kubeconfigContextNames, kubeconfigFiles, openConnection } from '../kube/connection';
import { LiveSource } from './live';
import { simulatedSourceFromSetting } from './simulated-env';
import type { ClusterSource, SourceInfo } from './types';

interface SourceSlot {
  source?: ClusterSource;
  contexts?: string[];
  /** The last simulation that could not start, and why: said again from here until its file changes. */
  failedSimulation?: { key: string; failure: ActionFailure };
}

const slot = globalThis as typeof globalThis & { __canopyClusterSource?: SourceSlot };
const state: SourceSlot = (slot.__canopyClusterSource ??= {});

/** The source the settings in env ask for; exported so tests can hand it an env other than process.env. */
export function chooseSource(env: Record<string, string | undefined>): { source: ClusterSource; contexts: string[] } {
  if (env.CANOPY_SIMULATE) return { source: simulatedSourceFromSetting(env.CANOPY_SIMULATE, {}, env), contexts: [] };
  const connection = openConnection({ context: env.CANOPY_CONTEXT || undefined, env });
  if (connection) return { source: new LiveSource(connection), contexts: contextNames(connection) };
  return { source: simulatedSourceFromSetting('demo', {}, env), contexts: [] };
}

/**
 * Which simulation CANOPY_SIMULATE names, down to the file's version (size and modification time), so a
 * snapshot that failed is not read again until it is replaced. Undefined when no simulation is asked for.
 */
function simulationKey(env: Record<string, string | undefined>): string | undefined {
  const setting = env.CANOPY_SIMULATE;
  if (!setting) return undefined;
  try {
    const { size, mtimeMs } = statSync(setting.trim());
    return `${setting}\0${size}\0${mtimeMs}`;
  } catch {
    return `${setting}\0unreadable`; // demo, empty, or a file not there (yet)
  }
}

/**
 * The process-wide source; a kubeconfig that cannot be used is a 503 with the reason (never a silent
 * fallback). A snapshot the simulator refuses stays refused: the failure is kept for that file, since
 * reading, parsing and checking it again (tens of MB at scale) on every request would change nothing.
 */
export function getClusterSource(): ClusterSource {
  if (!state.source) {
    const key = simulationKey(process.env);
    if (key !== undefined && state.failedSimulation?.key === key) throw new ActionFailure(state.failedSimulation.failure.toJSON());
    try {
      const chosen = chooseSource(process.env);
      state.source = chosen.source;
      state.contexts = chosen.contexts;
      state.failedSimulation = undefined;
    } catch (error) {
      const message = error instanceof ConnectionError || error instanceof Error ? error.message : String(error);
      const failure = new ActionFailure({ status: 503, reason: 'NoCluster', message: `no cluster: ${message}` });
      if (key !== undefined) state.failedSimulation = { key, failure };
      throw failure;
    }
  }
  return state.source;
}

/** A kubeconfig (not a simulation, not in-cluster) whose other contexts may work when the chosen one does not. */
function hasSwitchableKubeconfig(env: Record<string, string | undefined>): boolean {
  return !env.CANOPY_SIMULATE && kubeconfigFiles(env).length > 0;
}

/**
 * Context names of the kubeconfig in use (empty for in-cluster and simulated). Also when the chosen
 * context cannot be used (names no cluster, say): those are what a person picks a working one from.
 */
export function availableContexts(): string[] {
  try {
    getClusterSource();
  } catch {
    try {
      return hasSwitchableKubeconfig(process.env) ? kubeconfigContextNames({ env: process.env }) : [];
    } catch {
      return []; // the kubeconfig itself does not parse: the source's failure says so
    }
  }
  return state.contexts ?? [];
}

/** Replaces the process-wide source (tests, a context switch); closes the old one. */
export async function setClusterSource(source: ClusterSource | undefined, contexts: string[] = []): Promise<void> {
  const old = state.source;
  state.source = source;
  state.contexts = contexts;
  state.failedSimulation = undefined;
  if (old && old !== source) await old.close();
}

/**
 * Switches the live cluster to another context of the kubeconfig. Refused when the server runs on a
 * simulated cluster or in-cluster (there is nothing to switch to); allowed when the current context
 * failed but a kubeconfig exists (that is when switching is needed most). The caller resets the watch hub.
 */
export async function switchContext(context: string): Promise<SourceInfo> {
  let current: ClusterSource | undefined;
  try {
    current = getClusterSource();
  } catch (error) {
    if (!hasSwitchableKubeconfig(process.env)) throw error;
  }
  if (current && (current.info().mode !== 'live' || current.info().name === 'in-cluster')) {
    throw new ActionFailure({ status: 409, reason: 'Conflict', message: `this server runs on ${current.info().mode === 'live' ? 'the in-cluster service account' : 'a simulated cluster'}: there is no context to switch to` });
  }
  let connection;
  try {
    connection = openConnection({ context, env: process.env });
  } catch (error) {
    throw new ActionFailure({ status: error instanceof ConnectionError ? 404 : 503, reason: error instanceof ConnectionError ? 'NotFound' : 'NoCluster', message: (error as Error).message });
  }
  if (!connection) throw new ActionFailure({ status: 503, reason: 'NoCluster', message: 'no kubeconfig found any more' });
  await setClusterSource(new LiveSource(connection), contextNames(connection));
  return connection.info;
}
