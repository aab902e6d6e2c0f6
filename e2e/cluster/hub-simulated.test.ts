/**
 * The whole data path in one process: the simulated cluster → WatchHub → SSE bytes → the browser's
 * ClusterStore. After the simulator scales a PodCliqueSet and settles, the browser's copy of every
 * kind equals a fresh list from the source, with one upstream watch per kind. (In e2e/ because it
 * crosses server/ and components/, which may not import each other; it needs no control plane.)
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ClusterStore, type EventSourceLike } from '../../components/hooks/clusterStore';
import { WATCHED_KINDS } from '../../lib/cluster/kinds';
import { createSimulatedSource, type SimulatedSource } from '../../server/sources/simulated';
import { createEventStream } from '../../server/hub/sse';
import { WatchHub } from '../../server/hub/watchHub';

/** An EventSource fed by our own SSE stream: parses the bytes the route would send. */
class StreamEventSource implements EventSourceLike {
  private readonly listeners = new Map<string, ((event: { data?: unknown }) => void)[]>();
  private readonly abort = new AbortController();
  constructor(hub: WatchHub) {
    const reader = createEventStream(hub, this.abort.signal).getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const pump = async (): Promise<void> => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event) for (const listener of this.listeners.get(event) ?? []) listener({ data });
        }
      }
    };
    void pump();
  }
  addEventListener(type: string, listener: (event: { data?: unknown }) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close(): void {
    this.abort.abort();
  }
}

let source: SimulatedSource;
beforeEach(() => {
  vi.useFakeTimers();
  source = createSimulatedSource({ scenario: 'demo', tickMs: 0, seed: 7 });
});
afterEach(async () => {
  await source.close();
  vi.useRealTimers();
});

async function freshList(kind: (typeof WATCHED_KINDS)[number]): Promise<string[]> {
  const page = await source.list(kind, { limit: 100_000 });
  return page.items.map((item) => `${item.metadata?.namespace ?? ''}/${item.metadata?.name}@${item.metadata?.resourceVersion}`).sort();
}

describe('simulated source → hub → SSE → browser store', () => {
  it('keeps the browser copy equal to the cluster through a scale-up, with one upstream watch per kind', async () => {
    const hub = new WatchHub(source);
    const browsers = Array.from({ length: 3 }, () => new ClusterStore({ createEventSource: () => new StreamEventSource(hub) }));
    const releases = browsers.map((browser) => browser.retain());
    await vi.advanceTimersByTimeAsync(200);
    expect(hub.stats).toMatchObject({ upstreamWatches: WATCHED_KINDS.length, subscribers: 3 });
    expect(browsers[0]!.getConnectionState()).toMatchObject({ stream: 'open', synced: true });
    expect(browsers[0]!.getObjects('Node').length).toBeGreaterThan(0);

    const podsBefore = browsers[0]!.getObjects('Pod').length;
    const pcs = (await source.list('PodCliqueSet', { limit: 10 })).items[0] as { metadata: { namespace: string; name: string }; spec: { replicas?: number } };
    await source.scale('PodCliqueSet', pcs.metadata.namespace, pcs.metadata.name, (pcs.spec.replicas ?? 1) + 1, { dryRun: false });
    source.settle();
    await vi.advanceTimersByTimeAsync(200);

    expect(browsers[0]!.getObjects('Pod').length).toBeGreaterThan(podsBefore);
    for (const kind of WATCHED_KINDS) {
      const want = await freshList(kind);
      for (const browser of browsers) {
        const have = browser.getObjects(kind).map((item) => `${item.metadata?.namespace ?? ''}/${item.metadata?.name}@${item.metadata?.resourceVersion}`).sort();
        expect(have, kind).toEqual(want);
      }
    }
    releases.forEach((release) => release());
    // The browsers close their streams a second after their last user; the hub stops 30 s after that.
    await vi.advanceTimersByTimeAsync(31_000);
    expect(hub.stats).toMatchObject({ upstreamWatches: 0, subscribers: 0 });
  });
});
