/**
 * Fan-out benchmark of the watch hub (server/hub/watchHub.ts): MODIFIED pod events sustained to 20
 * subscribers and their delivery latency, two ways.
 *
 * 1. In-process: a minimal ClusterSource (below) emits MODIFIED pod events at a controlled rate, ramped
 *    stage by stage. Latency = a subscriber receiving the event in a batch − the source emitting it.
 * 2. Real apiserver: a control plane from e2e/cluster/launcher.ts, pods bound to KWOK nodes, a load
 *    generator merge-patching an annotation (`canopy.bench/seq`) at a controlled rate with bounded
 *    concurrency, the hub over LiveSource. Latency = receive − the PATCH response returning (clamped at 0
 *    when the watch event beats the response; the time from sending the PATCH is reported too).
 *
 * Every subscriber does what an SSE stream does with a delta (encodes it with the streams' shared encoder) and keeps
 * its own store (lib's applyWatchEvent, as the browser does), so "no loss" is checked as: every event
 * emitted reached every subscriber (an event superseded by a later version of the same pod within one
 * coalescing window counts as delivered with that later version), and every subscriber's store ends equal
 * to the source (the in-process source's objects; a fresh list from the apiserver).
 */
import * as k8s from '@kubernetes/client-node';
import https from 'node:https';
import os from 'node:os';
import { objectKey } from '../lib/cluster/kinds';
import type { WatchedKind } from '../lib/cluster/kinds';
import type { StreamDelta, StreamSnapshot } from '../lib/cluster/stream';
import { applyWatchEvent, createObjectStore, reconcile, type ObjectStore } from '../lib/cluster/watch';
import type { KubeObject } from '../lib/grove/meta';
import { smallTestTopology } from '../lib/topology/spec';
import { encodeMessage } from '../server/hub/sse';
import { WatchHub, type HubSubscriber } from '../server/hub/watchHub';
import { openConnection } from '../server/kube/connection';
import { LiveSource } from '../server/sources/live';
import type { ClusterSource, ListPage, WatchEnd, WatchEvent } from '../server/sources/types';
import { round } from './lib/metrics';

export const SUBSCRIBERS = 20;
export const P99_LIMIT_MS = 250;
const SEQ_ANNOTATION = 'canopy.bench/seq';
const KINDS: WatchedKind[] = ['Pod'];

export interface StageResult {
  /** Target events/s. */
  targetRate: number;
  /** Events emitted (in-process) or PATCHes answered (apiserver) per second over the stage. */
  achievedRate: number;
  events: number;
  seconds: number;
  /** Deliveries per second summed over the subscribers. */
  deliveriesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Apiserver only: p99 measured from sending the PATCH (an upper bound). */
  p99FromSendMs?: number;
  /** Apiserver only: PATCH round trips (send → response). */
  patchP50Ms?: number;
  patchP99Ms?: number;
  /** Apiserver only: PATCH returned → the watch event reaching the hub (before coalescing), p50 / p99. */
  upstreamP50Ms?: number;
  upstreamP99Ms?: number;
  /** Apiserver only: PATCHes that failed. */
  errors?: number;
  /** Events some subscriber never got (summed over subscribers). */
  lost: number;
  /** Subscribers whose store differs from the source at the end. */
  storesDiffering: number;
  batches: number;
  /** achieved ≥ 95% of target, p99 ≤ 250 ms, nothing lost, every store equal. */
  sustained: boolean;
}

export interface FanoutPartReport {
  subscribers: number;
  pods: number;
  stages: StageResult[];
  /** Highest target rate sustained (0 when none). */
  sustainedRate: number;
  /** p99 at that rate. */
  sustainedP99Ms: number | null;
  upstreamWatches?: number;
  clusterStartSeconds?: number;
  error?: string;
}

export interface FanoutReport {
  /** os.loadavg() before and after: the figures are only as good as the machine was quiet. */
  loadAverage: { before: number[]; after: number[] };
  inProcess: FanoutPartReport;
  apiserver: FanoutPartReport;
}

type Log = (message: string) => void;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** Latency samples in one growable typed array (hundreds of thousands of them per stage). */
class Samples {
  private data = new Float64Array(1 << 16);
  length = 0;
  push(x: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
  }
  sorted(): Float64Array {
    return this.data.slice(0, this.length).sort();
  }
}

/**
 * What every subscriber does: serialise the delta as the SSE stream would, apply it to its own store,
 * and report each pod event's (key, version) to the latency accounting.
 */
class BenchSubscriber implements HubSubscriber {
  readonly store: ObjectStore = createObjectStore('Pod');
  bytes = 0;
  constructor(private readonly onPod: (subscriber: number, key: string, object: KubeObject, at: number) => void, readonly index: number) {}
  snapshot(snapshot: StreamSnapshot): void {
    this.bytes += encodeMessage('snapshot', snapshot).length;
    const pods = snapshot.kinds.Pod;
    reconcile(this.store, { items: pods?.items ?? [], resourceVersion: pods?.resourceVersion ?? '' });
  }
  delta(delta: StreamDelta): void {
    const at = performance.now();
    this.bytes += encodeMessage('delta', delta).length;
    for (const event of delta.kinds.Pod ?? []) {
      applyWatchEvent(this.store, event);
      if (event.type === 'MODIFIED') this.onPod(this.index, objectKey(event.object), event.object, at);
    }
  }
  state(): void {}
}

/**
 * Per pod, the events issued in order (a sequence number and the time they count from); per subscriber
 * and pod, how many of them were delivered. Receiving sequence s delivers every pending one ≤ s.
 */
class Ledger {
  private readonly issued = new Map<string, { seq: number; at: number; sentAt: number }[]>();
  private readonly delivered: Map<string, number>[];
  readonly latency = new Samples();
  readonly fromSend = new Samples();
  /** Events whose receive came before their time was known (apiserver: before the PATCH returned). */
  private readonly early: Map<string, number>[];
  total = 0;

  constructor(subscribers: number) {
    this.delivered = Array.from({ length: subscribers }, () => new Map());
    this.early = Array.from({ length: subscribers }, () => new Map());
  }

  issue(key: string, seq: number, at: number, sentAt = at): void {
    let list = this.issued.get(key);
    if (!list) this.issued.set(key, (list = []));
    list.push({ seq, at, sentAt });
    this.total++;
  }

  /** Apiserver: the PATCH for `seq` returned at `at`; it was issued before (with at = NaN). */
  settle(key: string, seq: number, at: number): void {
    const list = this.issued.get(key);
    const entry = list?.find((e) => e.seq === seq);
    if (entry) entry.at = at;
  }

  receive(subscriber: number, key: string, seq: number, at: number): void {
    const list = this.issued.get(key);
    if (!list) return;
    const done = this.delivered[subscriber]!;
    let i = done.get(key) ?? 0;
    while (i < list.length && list[i]!.seq <= seq) {
      const entry = list[i]!;
      if (Number.isNaN(entry.at)) this.early[subscriber]!.set(`${key}#${entry.seq}`, at);
      else this.latency.push(Math.max(0, at - entry.at));
      this.fromSend.push(Math.max(0, at - entry.sentAt));
      i++;
    }
    done.set(key, i);
  }

  /** Time from each event's start (PATCH returned) to its first arrival at the hub (`key#seq` → time). */
  upstream(arrivals: Map<string, number>): Float64Array {
    const out = new Samples();
    for (const [key, list] of this.issued) {
      for (const entry of list) {
        const t = arrivals.get(`${key}#${entry.seq}`);
        if (t !== undefined && !Number.isNaN(entry.at)) out.push(Math.max(0, t - entry.at));
      }
    }
    return out.sorted();
  }

  /** Early receives whose PATCH response came later: latency 0 by definition (clamped). */
  finish(): void {
    for (const early of this.early) for (const _ of early.values()) this.latency.push(0);
  }

  lost(): number {
    let lost = 0;
    for (const done of this.delivered) {
      for (const [key, list] of this.issued) lost += list.length - (done.get(key) ?? 0);
    }
    return lost;
  }
}

// ---------------------------------------------------------------------------------------------------
// 1. In-process source

/** A pod of about the size the apiserver hands out for a KWOK pod (~1.5 KB of JSON, managedFields stripped). */
function benchPod(name: string, rv: number, seq: number): KubeObject {
  const node = `node-${name.charCodeAt(name.length - 1) % 8}`;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      namespace: 'bench',
      name,
      uid: `00000000-0000-4000-8000-${String(rv % 1e12).padStart(12, '0')}`,
      resourceVersion: String(rv),
      creationTimestamp: '2026-01-01T00:00:00Z',
      annotations: { [SEQ_ANNOTATION]: String(seq) },
      labels: { app: 'fanout', 'app.kubernetes.io/part-of': 'bench', 'grove.io/podclique': 'bench-0-worker' },
      ownerReferences: [{ apiVersion: 'grove.io/v1alpha1', kind: 'PodClique', name: 'bench-0-worker', uid: '11111111-2222-4333-8444-555555555555', controller: true }],
    },
    spec: {
      nodeName: node,
      schedulerName: 'default-scheduler',
      terminationGracePeriodSeconds: 0,
      tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
      containers: [{ name: 'main', image: 'registry.invalid/canopy/fake:bench', resources: { limits: { 'nvidia.com/gpu': '1' }, requests: { 'nvidia.com/gpu': '1' } } }],
    },
    status: {
      phase: 'Running',
      hostIP: '127.0.0.1',
      podIP: '10.244.0.7',
      startTime: '2026-01-01T00:00:01Z',
      conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastTransitionTime: '2026-01-01T00:00:01Z' })),
      containerStatuses: [{ name: 'main', ready: true, restartCount: 0, image: 'registry.invalid/canopy/fake:bench', imageID: '', started: true, state: { running: { startedAt: '2026-01-01T00:00:01Z' } } }],
    },
  } as unknown as KubeObject;
}

/** Pods only; list in one page or more; watches get every emit synchronously. */
class RateSource {
  rv = 1;
  readonly pods = new Map<string, KubeObject>();
  private readonly watches = new Set<(event: WatchEvent) => void>();

  constructor(count: number) {
    for (let i = 0; i < count; i++) {
      const name = `pod-${String(i).padStart(5, '0')}`;
      this.pods.set(`bench/${name}`, benchPod(name, ++this.rv, 0));
    }
  }

  /** Emits a MODIFIED event for `name` and returns the event's resourceVersion. */
  modify(name: string, seq: number): void {
    const object = benchPod(name, ++this.rv, seq);
    this.pods.set(`bench/${name}`, object);
    const event: WatchEvent = { type: 'MODIFIED', object };
    for (const onEvent of this.watches) onEvent(event);
  }

  readonly source: ClusterSource = {
    info: () => ({ mode: 'simulated', name: 'fanout-bench', namespace: 'bench', readOnly: true }),
    list: async (kind, options): Promise<ListPage> => {
      if (kind !== 'Pod') return { items: [], resourceVersion: String(this.rv) };
      const all = [...this.pods.values()];
      const start = options.continue ? Number(options.continue) : 0;
      const end = start + options.limit;
      return { items: all.slice(start, end), resourceVersion: String(this.rv), ...(end < all.length ? { continue: String(end) } : {}) };
    },
    watch: async (_kind, _rv, onEvent, _onEnd: (end: WatchEnd) => void) => {
      this.watches.add(onEvent);
      return { stop: () => this.watches.delete(onEvent) };
    },
    apply: async () => {
      throw new Error('read-only bench source');
    },
    delete: async () => {
      throw new Error('read-only bench source');
    },
    scale: async () => {
      throw new Error('read-only bench source');
    },
    can: async () => ({ allowed: false }),
    close: async () => {},
  };
}

function storesEqual(store: ObjectStore, truth: Map<string, string>): boolean {
  if (store.objects.size !== truth.size) return false;
  for (const [key, rv] of truth) if (store.objects.get(key)?.metadata?.resourceVersion !== rv) return false;
  return true;
}

function summarise(targetRate: number, events: number, seconds: number, ledger: Ledger, batches: number, storesDiffering: number, extra: Partial<StageResult> = {}): StageResult {
  ledger.finish();
  const sorted = ledger.latency.sorted();
  const lost = ledger.lost();
  const achievedRate = events / seconds;
  const p99 = percentile(sorted, 0.99);
  const errors = extra.errors ?? 0;
  return {
    targetRate,
    achievedRate: round(achievedRate, 1),
    events,
    seconds: round(seconds, 2),
    deliveriesPerSecond: round(sorted.length / seconds, 1),
    p50Ms: round(percentile(sorted, 0.5), 1),
    p99Ms: round(p99, 1),
    maxMs: round(sorted.length ? sorted[sorted.length - 1]! : 0, 1),
    ...extra,
    lost,
    storesDiffering,
    batches,
    sustained: achievedRate >= 0.95 * targetRate && p99 <= P99_LIMIT_MS && lost === 0 && storesDiffering === 0 && errors === 0 && events > 0,
  };
}

async function inProcessStage(rate: number, seconds: number, pods: number): Promise<StageResult> {
  const src = new RateSource(pods);
  const hub = new WatchHub(src.source, { kinds: KINDS, idleStopMs: 0 });
  const ledger = new Ledger(SUBSCRIBERS);
  const seqOf = (object: KubeObject) => Number(object.metadata?.annotations?.[SEQ_ANNOTATION] ?? -1);
  const subscribers = Array.from({ length: SUBSCRIBERS }, (_, i) => new BenchSubscriber((s, key, object, at) => ledger.receive(s, key, seqOf(object), at), i));
  const unsubscribe = subscribers.map((s) => hub.subscribe(s));
  for (let i = 0; i < 100 && hub.states().Pod?.status !== 'live'; i++) await sleep(5);
  // The initial list reaches the subscribers as one batch of ADDED events: send it now, not mid-stage.
  hub.flush();
  await sleep(200);

  const names = [...src.pods.values()].map((p) => p.metadata!.name!);
  let emitted = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  // Emit what the clock says is due, every ~5 ms; if the process falls behind, the achieved rate shows it.
  for (;;) {
    const now = performance.now();
    if (now >= end) break;
    const due = Math.floor(((now - start) / 1000) * rate);
    while (emitted < due) {
      const name = names[emitted % names.length]!;
      const seq = ++emitted;
      ledger.issue(`bench/${name}`, seq, performance.now());
      src.modify(name, seq);
    }
    await sleep(5);
  }
  const elapsed = (performance.now() - start) / 1000;
  // Let the last batch go out (one coalescing window plus slack).
  await sleep(400);
  hub.flush();
  const truth = new Map([...src.pods].map(([key, pod]) => [key, pod.metadata!.resourceVersion!]));
  const differing = subscribers.filter((s) => !storesEqual(s.store, truth)).length;
  const batches = hub.stats.batches;
  for (const u of unsubscribe) u();
  hub.stop();
  return summarise(rate, emitted, elapsed, ledger, batches, differing);
}

export async function runInProcess(log: Log, options: { quick: boolean }): Promise<FanoutPartReport> {
  const rates = options.quick ? [1_000, 2_000, 5_000] : [1_000, 2_000, 5_000, 10_000, 20_000];
  const seconds = options.quick ? 2 : 3;
  // Enough pods that a pod changes at most once per 150 ms window even at the top rate (no coalescing).
  const pods = 5_000;
  const stages: StageResult[] = [];
  for (const rate of rates) {
    const r = await inProcessStage(rate, seconds, pods);
    stages.push(r);
    log(`fanout in-process: ${rate}/s target → ${r.achievedRate}/s emitted, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, max ${r.maxMs} ms, lost ${r.lost}, stores differing ${r.storesDiffering}${r.sustained ? '' : ' — not sustained'}`);
    if (!r.sustained) break;
  }
  const best = [...stages].reverse().find((s) => s.sustained);
  return { subscribers: SUBSCRIBERS, pods, stages, sustainedRate: best?.targetRate ?? 0, sustainedP99Ms: best?.p99Ms ?? null };
}

// ---------------------------------------------------------------------------------------------------
// 2. Real apiserver

const TOPOLOGY = smallTestTopology('fan', { nodes: 4, gpusPerNode: 8 });

interface RawResponse {
  status: number;
  body: string;
}

/** Minimal HTTPS client over a keep-alive agent (client-node's per-request overhead would be the bottleneck). */
async function rawClient(kubeConfig: k8s.KubeConfig, maxSockets: number) {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('no current cluster');
  const url = new URL(cluster.server);
  if (url.hostname !== '127.0.0.1') throw new Error(`refusing to load anything but 127.0.0.1 (got ${url.hostname})`);
  const base: https.RequestOptions = { hostname: url.hostname, port: url.port, headers: {} };
  await kubeConfig.applyToHTTPSOptions(base);
  const agent = new https.Agent({ keepAlive: true, maxSockets, ca: base.ca, cert: base.cert, key: base.key });
  const request = (method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<RawResponse> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = https.request(
        {
          ...base,
          agent,
          method,
          path,
          headers: { ...(base.headers as Record<string, string>), Accept: 'application/json', ...(payload ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(payload) } : {}) },
          timeout: 30_000,
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  return { request, close: () => agent.destroy() };
}

async function apiserverStage(
  rate: number,
  seconds: number,
  names: string[],
  namespace: string,
  client: Awaited<ReturnType<typeof rawClient>>,
  hub: WatchHub,
  subscribers: BenchSubscriber[],
  ledger: Ledger,
  nextSeq: { value: number },
  concurrency: number,
  arrivals: Map<string, number>,
): Promise<StageResult> {
  const batchesBefore = hub.stats.batches;
  let answered = 0;
  let errors = 0;
  let issued = 0;
  let inFlight = 0;
  let firstError = '';
  const roundTrips = new Samples();
  const start = performance.now();
  const end = start + seconds * 1000;
  const patchOne = async (name: string, seq: number) => {
    const sentAt = performance.now();
    ledger.issue(`${namespace}/${name}`, seq, Number.NaN, sentAt);
    try {
      const res = await client.request('PATCH', `/api/v1/namespaces/${namespace}/pods/${name}`, { metadata: { annotations: { [SEQ_ANNOTATION]: String(seq) } } }, 'application/merge-patch+json');
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.body.slice(0, 200)}`);
      const returned = performance.now();
      ledger.settle(`${namespace}/${name}`, seq, returned);
      roundTrips.push(returned - sentAt);
      answered++;
    } catch (error) {
      errors++;
      firstError ||= (error as Error).message;
      // A failed PATCH changed nothing: it must not count as lost.
      ledger.settle(`${namespace}/${name}`, seq, performance.now());
    }
  };
  const pending = new Set<Promise<void>>();
  // Pace by the clock, at most `concurrency` PATCHes in flight; a pod is patched again only after its
  // previous PATCH answered (so versions per pod are issued in order).
  const busy = new Set<string>();
  let cursor = 0;
  for (;;) {
    const now = performance.now();
    if (now >= end) break;
    const due = Math.floor(((now - start) / 1000) * rate);
    while (issued < due && inFlight < concurrency) {
      let name = names[cursor % names.length]!;
      let tries = 0;
      while (busy.has(name) && tries++ < names.length) name = names[++cursor % names.length]!;
      if (busy.has(name)) break;
      cursor++;
      issued++;
      inFlight++;
      busy.add(name);
      const seq = ++nextSeq.value;
      const p: Promise<void> = patchOne(name, seq).finally(() => {
        inFlight--;
        busy.delete(name);
        pending.delete(p);
      });
      pending.add(p);
    }
    await sleep(2);
  }
  await Promise.all([...pending]);
  const elapsed = (performance.now() - start) / 1000;
  // Wait for the watch to catch up: every subscriber has every issued event, or 5 s.
  const deadline = performance.now() + 5_000;
  while (ledger.lost() > errors * SUBSCRIBERS && performance.now() < deadline) await sleep(50);
  await sleep(300);
  hub.flush();
  if (firstError) process.stdout.write(`  first PATCH error: ${firstError}\n`);
  // Truth: a fresh list from the apiserver.
  const list = await client.request('GET', `/api/v1/namespaces/${namespace}/pods`);
  const fresh = JSON.parse(list.body) as { items: KubeObject[] };
  const truth = new Map(fresh.items.map((pod) => [`${pod.metadata!.namespace}/${pod.metadata!.name}`, pod.metadata!.resourceVersion!]));
  const differing = subscribers.filter((s) => {
    const ours = new Map([...s.store.objects].filter(([key]) => key.startsWith(`${namespace}/`)));
    if (ours.size !== truth.size) return true;
    for (const [key, rv] of truth) if (ours.get(key)?.metadata?.resourceVersion !== rv) return true;
    return false;
  }).length;
  const fromSend = ledger.fromSend.sorted();
  // Failed PATCHes changed nothing and were never delivered: not losses.
  const result = summarise(rate, answered, elapsed, ledger, hub.stats.batches - batchesBefore, differing, {
    errors,
    p99FromSendMs: round(percentile(fromSend, 0.99), 1),
    patchP50Ms: round(percentile(roundTrips.sorted(), 0.5), 1),
    patchP99Ms: round(percentile(roundTrips.sorted(), 0.99), 1),
    upstreamP50Ms: round(percentile(ledger.upstream(arrivals), 0.5), 1),
    upstreamP99Ms: round(percentile(ledger.upstream(arrivals), 0.99), 1),
  });
  result.lost = Math.max(0, result.lost - errors * SUBSCRIBERS);
  result.sustained = result.achievedRate >= 0.95 * rate && result.p99Ms <= P99_LIMIT_MS && result.lost === 0 && differing === 0 && errors === 0;
  return result;
}

export async function runApiserver(log: Log, options: { quick: boolean }): Promise<FanoutPartReport> {
  const podCount = 200;
  const rates = options.quick ? [250, 500] : [250, 500, 1_000];
  const seconds = options.quick ? 4 : 6;
  const concurrency = 32;
  const report: FanoutPartReport = { subscribers: SUBSCRIBERS, pods: podCount, stages: [], sustainedRate: 0, sustainedP99Ms: null };
  // Imported here so the in-process part does not pull in the launcher.
  const { startCluster } = await import('../e2e/cluster/launcher');
  const started = performance.now();
  log('fanout apiserver: starting a control plane (4 KWOK nodes)');
  const cluster = await startCluster(TOPOLOGY, { log: () => undefined });
  let hub: WatchHub | undefined;
  let source: LiveSource | undefined;
  let client: Awaited<ReturnType<typeof rawClient>> | undefined;
  try {
    report.clusterStartSeconds = round((performance.now() - started) / 1000, 1);
    log(`fanout apiserver: cluster up in ${report.clusterStartSeconds} s (${cluster.apiserverUrl})`);
    const kubeConfig = new k8s.KubeConfig();
    kubeConfig.loadFromFile(cluster.kubeconfigPath);
    client = await rawClient(kubeConfig, concurrency);
    const namespace = 'fanout';
    const ns = await client.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    if (ns.status !== 201) throw new Error(`create namespace: HTTP ${ns.status}: ${ns.body.slice(0, 200)}`);
    const nodes = ['n0', 'n1', 'n2', 'n3'].map((n) => `${TOPOLOGY.nodeNamePrefix}r0-${n}`);
    const nodeList = JSON.parse((await client.request('GET', '/api/v1/nodes')).body) as { items: KubeObject[] };
    const nodeNames = nodeList.items.map((n) => n.metadata!.name!).filter((n) => n.startsWith(TOPOLOGY.nodeNamePrefix));
    const targets = nodeNames.length > 0 ? nodeNames : nodes;
    const names = Array.from({ length: podCount }, (_, i) => `fan-${String(i).padStart(3, '0')}`);
    // Bound straight to KWOK nodes (no scheduling to wait for); KWOK marks them Running.
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (;;) {
          const i = next++;
          if (i >= names.length) return;
          const res = await client!.request('POST', `/api/v1/namespaces/${namespace}/pods`, {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name: names[i], labels: { app: 'fanout' } },
            spec: {
              nodeName: targets[i % targets.length],
              terminationGracePeriodSeconds: 0,
              containers: [{ name: 'main', image: 'registry.invalid/canopy/fake:bench' }],
            },
          });
          if (res.status !== 201) throw new Error(`create pod: HTTP ${res.status}: ${res.body.slice(0, 200)}`);
        }
      }),
    );
    // Wait until KWOK has settled them (Running), so its status writes do not mix with the load.
    const settleDeadline = performance.now() + 30_000;
    for (;;) {
      const pods = JSON.parse((await client.request('GET', `/api/v1/namespaces/${namespace}/pods`)).body) as { items: { status?: { phase?: string } }[] };
      const running = pods.items.filter((p) => p.status?.phase === 'Running').length;
      if (running === podCount) break;
      if (performance.now() > settleDeadline) {
        log(`fanout apiserver: only ${running}/${podCount} pods Running after 30 s; measuring anyway`);
        break;
      }
      await sleep(250);
    }
    await sleep(1_000);
    log(`fanout apiserver: ${podCount} pods on ${targets.length} KWOK nodes; hub over LiveSource, ${SUBSCRIBERS} subscribers`);

    const connection = openConnection({ env: { KUBECONFIG: cluster.kubeconfigPath } });
    if (!connection) throw new Error(`no connection from ${cluster.kubeconfigPath}`);
    source = new LiveSource(connection);
    const live = source;
    // The live source as is, plus a note of when each annotated pod version reaches the hub.
    let arrivals = new Map<string, number>();
    const timed: ClusterSource = {
      info: () => live.info(),
      list: (kind, o) => live.list(kind, o),
      watch: (kind, rv, onEvent, onEnd) =>
        live.watch(
          kind,
          rv,
          (event) => {
            const seq = event.object?.metadata?.annotations?.[SEQ_ANNOTATION];
            if (seq !== undefined && event.type === 'MODIFIED') {
              const id = `${objectKey(event.object)}#${seq}`;
              if (!arrivals.has(id)) arrivals.set(id, performance.now());
            }
            onEvent(event);
          },
          onEnd,
        ),
      apply: (o, opts) => live.apply(o, opts),
      delete: (k, ns, n, opts) => live.delete(k, ns, n, opts),
      scale: (k, ns, n, r, opts) => live.scale(k, ns, n, r, opts),
      can: (q) => live.can(q),
      close: () => live.close(),
    };
    hub = new WatchHub(timed, { kinds: KINDS, idleStopMs: 0 });
    // Warm-up (not reported): TLS connections, JIT, the apiserver's caches.
    for (const rate of [WARMUP_RATE, ...rates]) {
      const warmup = rate === WARMUP_RATE;
      arrivals = new Map();
      const ledger = new Ledger(SUBSCRIBERS);
      const seqOf = (object: KubeObject) => Number(object.metadata?.annotations?.[SEQ_ANNOTATION] ?? -1);
      const subscribers = Array.from({ length: SUBSCRIBERS }, (_, i) => new BenchSubscriber((s, key, object, at) => ledger.receive(s, key, seqOf(object), at), i));
      const unsubscribe = subscribers.map((s) => hub!.subscribe(s));
      const liveBy = performance.now() + 15_000;
      while (hub.states().Pod?.status !== 'live' && performance.now() < liveBy) await sleep(20);
      hub.flush();
      await sleep(300);
      const r = await apiserverStage(rate, warmup ? seconds / 2 : seconds, names, namespace, client, hub, subscribers, ledger, nextSeqCounter, concurrency, arrivals);
      for (const u of unsubscribe) u();
      if (warmup) {
        log(`fanout apiserver: warm-up ${rate}/s for ${seconds / 2} s: p99 ${r.p99Ms} ms (not reported)`);
        continue;
      }
      report.upstreamWatches = hub.stats.upstreamWatches;
      report.stages.push(r);
      log(
        `fanout apiserver: ${rate}/s target → ${r.achievedRate}/s patched, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms (from send ${r.p99FromSendMs} ms), PATCH p50/p99 ${r.patchP50Ms}/${r.patchP99Ms} ms, apiserver→hub p50/p99 ${r.upstreamP50Ms}/${r.upstreamP99Ms} ms, max ${r.maxMs} ms, lost ${r.lost}, errors ${r.errors}, stores differing ${r.storesDiffering}${r.sustained ? '' : ' — not sustained'}`,
      );
      if (!r.sustained) break;
    }
    const best = [...report.stages].reverse().find((s) => s.sustained);
    report.sustainedRate = best?.targetRate ?? 0;
    report.sustainedP99Ms = best?.p99Ms ?? null;
  } catch (error) {
    report.error = (error as Error).message;
    log(`fanout apiserver: failed: ${report.error}`);
  } finally {
    hub?.stop();
    await source?.close();
    client?.close();
    await cluster.stop();
    log('fanout apiserver: cluster stopped');
  }
  return report;
}

const nextSeqCounter = { value: 0 };
const WARMUP_RATE = 100;

export async function runFanout(log: Log, options: { quick: boolean }): Promise<FanoutReport> {
  const before = os.loadavg().map((x) => round(x, 2));
  if (before[0]! > os.cpus().length) log(`fanout: load average ${before.join(' / ')} on ${os.cpus().length} CPUs — other work on this machine will show in the latencies`);
  log(`fanout in-process: ${SUBSCRIBERS} subscribers, rate ramp until p99 > ${P99_LIMIT_MS} ms or a loss`);
  const inProcess = await runInProcess(log, options);
  const apiserver = await runApiserver(log, options);
  return { loadAverage: { before, after: os.loadavg().map((x) => round(x, 2)) }, inProcess, apiserver };
}
