/**
 * The process-wide watch hub, over the process-wide ClusterSource (server/sources). Kept on globalThis
 * so that Next.js dev-mode module reloading (which re-evaluates route modules) does not open a second
 * set of upstream watches. When the source is replaced (a context switch), the old hub is closed —
 * its streams end, browsers reconnect and get the new cluster's snapshot — and a new hub is made.
 */
import { getClusterSource } from '../sources';
import type { ClusterSource } from '../sources/types';
import { HUB_DEFAULTS, NAMESPACE_LIMIT_ENV, WatchHub, type WatchHubOptions } from './watchHub';

export { WatchHub, HUB_DEFAULTS, type HubCounters, type HubSubscriber, type WatchHubOptions } from './watchHub';

/**
 * How many namespace views a hub keeps open at once (WatchHubOptions.maxNamespaceViews): the setting
 * CANOPY_MAX_WATCHED_NAMESPACES, a whole number of at least 1, else HUB_DEFAULTS.maxNamespaceViews.
 * Throws, naming the setting, for anything else: a typo must not lift or zero the limit silently.
 */
export function namespaceViewLimit(env: Record<string, string | undefined> = process.env): number {
  const setting = env[NAMESPACE_LIMIT_ENV]?.trim();
  if (!setting) return HUB_DEFAULTS.maxNamespaceViews;
  if (!/^[0-9]+$/.test(setting) || Number(setting) < 1 || !Number.isSafeInteger(Number(setting))) {
    throw new Error(`${NAMESPACE_LIMIT_ENV}="${setting}" is not a whole number of at least 1 (how many namespaces Canopy may watch at once; default ${HUB_DEFAULTS.maxNamespaceViews})`);
  }
  return Number(setting);
}

interface HubSlot {
  hub?: WatchHub;
  options?: WatchHubOptions;
}

const slot = globalThis as typeof globalThis & { __canopyWatchHub?: HubSlot };
const state: HubSlot = (slot.__canopyWatchHub ??= {});

/** Options for hubs made from now on (tests, benchmarks). */
export function configureWatchHub(options: WatchHubOptions | undefined): void {
  state.options = options;
}

/**
 * The hub of this process's cluster source, created on first use; upstream watches start with its
 * first subscriber. Throws what getClusterSource throws (an ActionFailure 503 when no cluster), and
 * namespaceViewLimit's error for a bad CANOPY_MAX_WATCHED_NAMESPACES.
 */
export function getWatchHub(source: ClusterSource = getClusterSource()): WatchHub {
  if (state.hub && state.hub.source !== source) {
    state.hub.close();
    state.hub = undefined;
  }
  state.hub ??= new WatchHub(source, { ...state.options, maxNamespaceViews: state.options?.maxNamespaceViews ?? namespaceViewLimit() });
  return state.hub;
}

/** Closes and forgets the hub, ending its streams (a context switch, tests, shutdown); the next stream opens a new one. */
export function resetWatchHub(): void {
  state.hub?.close();
  state.hub = undefined;
}
