/** Where the live project's server and its tests meet: the port, and the file naming the cluster's kubeconfig. */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const LIVE_PORT = Number(process.env.CANOPY_E2E_LIVE_PORT ?? 3211);

export function liveStateFile(): string {
  return path.join(tmpdir(), `canopy-e2e-live-${LIVE_PORT}.json`);
}

/** The kubeconfig of the control plane the live server runs on (written by e2e/live/serve.ts). */
export function liveKubeconfigPath(): string {
  try {
    return (JSON.parse(readFileSync(liveStateFile(), 'utf8')) as { kubeconfigPath: string }).kubeconfigPath;
  } catch (error) {
    throw new Error(`the live test server is not running (no ${liveStateFile()}): run the live project through playwright.config.ts (${(error as Error).message})`);
  }
}
