/**
 * The browser's path end to end, with the real route modules and the live source: GET /api/stream
 * (app/api/stream/route.ts) feeds a ClusterStore (the browser's store, components/hooks) through a
 * stand-in EventSource that parses the SSE bytes; a PodCliqueSet applied through POST /api/apply shows
 * up in the store within 1 s of the apply returning, and another origin is refused.
 */
import * as k8s from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseDocument } from 'yaml';
import { POST as applyRoute } from '../../app/api/apply/route';
import { GET as streamRoute } from '../../app/api/stream/route';
import { ClusterStore, type EventSourceLike } from '../../components/hooks/clusterStore';
import { resetWatchHub } from '../../server/hub';
import { setClusterSource } from '../../server/sources';
import { readServerSentEvents } from '../support/stream';
import { liveTestSource } from './hub-adapter';
import { createTestNamespace, eventually, testKubeConfig } from './test-helpers';

const ORIGIN = 'http://127.0.0.1:3000';
const kubeConfig = testKubeConfig();
const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
let namespace = '';

/** An EventSource over the route's Response: what the browser would parse. */
class RouteEventSource implements EventSourceLike {
  private readonly listeners = new Map<string, ((event: { data?: unknown }) => void)[]>();
  private readonly abort = new AbortController();
  constructor(url: string) {
    const response = streamRoute(new Request(new URL(url, ORIGIN), { headers: { host: '127.0.0.1:3000' }, signal: this.abort.signal }));
    void this.pump(response);
  }
  private async pump(response: Response): Promise<void> {
    await readServerSentEvents(response.body!, (event, data) => {
      for (const listener of this.listeners.get(event) ?? []) listener({ data });
    });
  }
  addEventListener(type: string, listener: (event: { data?: unknown }) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close(): void {
    this.abort.abort();
  }
}

beforeAll(async () => {
  namespace = await createTestNamespace(core, 'hub-stream');
  await setClusterSource(liveTestSource(inject('kubeconfigPath')).source);
});
afterAll(async () => {
  resetWatchHub();
  await setClusterSource(undefined);
  await core.deleteNamespace({ name: namespace });
});

describe('GET /api/stream', () => {
  it('refuses another origin', () => {
    const response = streamRoute(new Request(`${ORIGIN}/api/stream`, { headers: { host: '127.0.0.1:3000', origin: 'https://evil.example' } }));
    expect(response.status).toBe(403);
  });

  it('streams the cluster into the browser store; a PodCliqueSet applied through the route arrives within 1 s', async () => {
    const store = new ClusterStore({ createEventSource: (url) => new RouteEventSource(url) });
    const release = store.retain();
    try {
      await eventually('the snapshot and every kind live', async () => {
        const state = store.getConnectionState();
        return state.synced && Object.values(state.kinds).every((kind) => kind?.status === 'live') && Object.keys(state.kinds).length === 8 ? true : undefined;
      });
      expect(store.getObjects('Node').length).toBe(32);

      // When the store first holds the PodCliqueSet (a listener, not polling: exact to the event).
      let arrived = 0;
      const has = () => store.getObjects('PodCliqueSet').some((pcs) => pcs.metadata?.namespace === namespace && pcs.metadata?.name === 'disagg');
      const unsubscribe = store.subscribe(() => {
        if (!arrived && has()) arrived = Date.now();
      });
      const manifest = parseDocument(readFileSync(new URL('./fixtures/disaggregated-podcliqueset.yaml', import.meta.url), 'utf8'));
      manifest.setIn(['metadata', 'namespace'], namespace);
      const response = await applyRoute(
        new Request(`${ORIGIN}/api/apply`, { method: 'POST', body: manifest.toString(), headers: { host: '127.0.0.1:3000', 'x-canopy-request': '1', 'content-type': 'application/yaml' } }),
      );
      expect(response.status, await response.clone().text()).toBe(200);
      const applied = Date.now();
      await eventually('the PodCliqueSet in the browser store', async () => (arrived ? true : undefined), 5_000);
      unsubscribe();
      const lag = arrived - applied;
      console.info(`PodCliqueSet reached the browser store ${lag} ms after the apply returned`);
      expect(lag).toBeLessThan(1_000);
      const pcs = store.getObjects('PodCliqueSet').find((object) => object.metadata?.namespace === namespace)!;
      expect(pcs.metadata).not.toHaveProperty('managedFields');
    } finally {
      release();
    }
  });
});
