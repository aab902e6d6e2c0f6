/**
 * The process-wide watch hub. Kept on globalThis so that Next.js dev-mode module reloading (which
 * re-evaluates route modules) does not open a second set of upstream watches.
 */
import type { ClusterSource } from '../sources/types';
import { WatchHub, type WatchHubOptions } from './watchHub';

export { WatchHub, HUB_DEFAULTS, type HubCounters, type HubSubscriber, type WatchHubOptions } from './watchHub';

type SourceProvider = () => ClusterSource;

interface HubGlobal {
  hub?: WatchHub;
  provider?: SourceProvider;
  options?: WatchHubOptions;
}

const slot = globalThis as typeof globalThis & { __canopyWatchHub?: HubGlobal };
const state: HubGlobal = (slot.__canopyWatchHub ??= {});

/**
 * Tells the hub where the cluster comes from (called once at start-up, before the first stream).
 * TODO(server/sources/index.ts): default to getClusterSource() once it lands, so no caller must.
 */
export function setWatchHubSource(provider: SourceProvider, options?: WatchHubOptions): void {
  state.provider = provider;
  state.options = options;
}

/** The one hub of this process, created on first use. Upstream watches start with the first subscriber. */
export function getWatchHub(): WatchHub {
  if (!state.hub) {
    if (!state.provider) throw new Error('watch hub: no cluster source configured (setWatchHubSource)');
    state.hub = new WatchHub(state.provider(), state.options);
  }
  return state.hub;
}

/** Stops and forgets the hub (tests, source switch). */
export function resetWatchHub(): void {
  state.hub?.stop();
  state.hub = undefined;
}
