/**
 * One browser's Server-Sent Events stream over the hub: `snapshot` first (and again when the hub
 * resets: KindWatcherHooks.onReset), then `delta` batches and `state` updates, and a `heartbeat`
 * every 15 s (so proxies keep the connection and the client can tell a dead one). Unsubscribes when
 * the client goes away (the request's abort signal) or when it reads too slowly to keep up: then it
 * fails the stream (dropping what is queued), and the client reconnects to a fresh snapshot instead of
 * the server buffering without bound. "Too slow" is measured in bytes and in age, not messages: one
 * batch of a 1000-pod change is ~1 MB and a snapshot of 10k GPUs ~5.5 MB.
 *
 * A snapshot (30–66 MB on a 12,500-node cluster) goes in parts (lib/cluster/streamParts.ts), encoded
 * once per snapshot object for every stream that is sent it, one part per turn of the event loop
 * (setImmediate between parts), so other streams and routes keep going while it is encoded. It is owed
 * to every new stream, so its parts never count against the byte bound, and what waits behind it
 * starts to age only once its last part has been handed on: on a slow link, writing it alone may take
 * longer than maxQueuedAgeMs (a reader that takes none of its parts for that long is too slow). A
 * snapshot replaces everything queued before it (parts of an earlier snapshot not yet handed on too),
 * and a `state` (every kind's connection state) replaces a queued one: a cold hub's lists send a state
 * per kind while the browser waits for its snapshot.
 *
 * Not `no-transform`: Next's compression gzips the stream (flushing per message); the JSON compresses ~20x.
 *
 * Shutdown: on SIGTERM or SIGINT every open stream ends (endEventStreams), and a stream asked for after
 * that ends at once. `next start` on that signal stops listening and waits for the open responses before
 * it exits, and an event stream never finishes by itself: browsers stayed "Live" on a server that was
 * going away, and the process did not exit while one was open.
 */
import { STREAM_EVENTS, type StreamSnapshot } from '../../lib/cluster/stream';
import { SNAPSHOT_PART_CHARS, snapshotMessages } from '../../lib/cluster/streamParts';
import { onShutdownSignal } from '../process/shutdownSignals';
import type { WatchHub } from './watchHub';

export interface EventStreamOptions {
  heartbeatMs?: number;
  /** Bytes queued for a slow reader beyond which the stream is closed (one message alone always goes). */
  maxQueuedBytes?: number;
  /** Age of the oldest message still queued (the reader took nothing since) beyond which the stream is closed. */
  maxQueuedAgeMs?: number;
  now?: () => number;
  /** The namespace the browser chose (WatchHub.subscribe). */
  namespace?: string;
  /** Characters of objects per snapshot part (SNAPSHOT_PART_CHARS). */
  snapshotPartChars?: number;
}

export const SSE_DEFAULTS = { heartbeatMs: 15_000, maxQueuedBytes: 16 * 1024 * 1024, maxQueuedAgeMs: 30_000 } as const;

export const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  // No `no-transform`: it turns off Next's gzip (the compression middleware honours it), and a 66.5 MB
  // snapshot of 12,500 nodes is 3.1 MB gzipped.
  'Cache-Control': 'no-cache',
  Vary: 'Accept-Encoding',
  // Not kept for a next request once the stream ends: a stream ends when it is replaced, cut or the
  // server stops, and a stopping server waits for every open connection (an idle one kept alive held
  // `next start` up to its 5 s keep-alive timeout after the streams ended).
  Connection: 'close',
  // Tell nginx-style proxies not to buffer the stream.
  'X-Accel-Buffering': 'no',
} as const;

export function formatEvent(event: string, data: unknown): string {
  return frameEvent(event, JSON.stringify(data));
}

/** One SSE message around data already encoded as JSON. */
function frameEvent(event: string, json: string): string {
  // JSON never contains a raw newline, so one `data:` line carries the whole message.
  return `event: ${event}\ndata: ${json}\n\n`;
}

// The hub hands the same batch object to every subscriber: encode it once, not once per browser
// (with 20 streams, per-stream JSON.stringify was what capped the in-process fan-out rate).
const encodedMessages = new WeakMap<object, { event: string; bytes: Uint8Array }>();
const encoder = new TextEncoder();

export function encodeMessage(event: string, data: unknown): Uint8Array {
  if (typeof data !== 'object' || data === null) return encoder.encode(formatEvent(event, data));
  const hit = encodedMessages.get(data);
  if (hit && hit.event === event) return hit.bytes;
  const bytes = encoder.encode(formatEvent(event, data));
  encodedMessages.set(data, { event, bytes });
  return bytes;
}

/**
 * A snapshot being encoded in parts, shared by the streams sending it: `parts` grows by one per turn of
 * the event loop, each reader is told of every new part, and the encoding stops (and is forgotten) once
 * no stream reads it any more. The last part is the snapshot-end.
 */
interface SnapshotEncoding {
  readonly parts: Uint8Array[];
  done: boolean;
  readonly readers: Set<() => void>;
}

const encodedSnapshots = new WeakMap<object, { partChars: number; encoding: SnapshotEncoding }>();
let snapshotCount = 0;

/** Starts (or joins) the encoding of `snapshot`; its begin is encoded at once, the rest a part per turn. */
function encodeSnapshot(snapshot: StreamSnapshot, partChars: number): SnapshotEncoding {
  const hit = encodedSnapshots.get(snapshot);
  if (hit && hit.partChars === partChars) return hit.encoding;
  const messages = snapshotMessages(snapshot, String(++snapshotCount), partChars);
  const encoding: SnapshotEncoding = { parts: [], done: false, readers: new Set() };
  encodedSnapshots.set(snapshot, { partChars, encoding });
  const frame = (message: { event: string; data: string }) => encoder.encode(frameEvent(message.event, message.data));
  const step = () => {
    if (encoding.readers.size === 0) {
      // Nobody left to send it to: a later stream asking for the same snapshot starts afresh.
      if (encodedSnapshots.get(snapshot)?.encoding === encoding) encodedSnapshots.delete(snapshot);
      return;
    }
    const next = messages.next();
    if (next.done) return;
    encoding.parts.push(frame(next.value));
    encoding.done = next.value.event === STREAM_EVENTS.snapshotEnd;
    for (const reader of [...encoding.readers]) reader();
    if (!encoding.done) setImmediate(step);
  };
  const first = messages.next();
  if (!first.done) encoding.parts.push(frame(first.value));
  setImmediate(step);
  return encoding;
}

/**
 * The streams open in this process (their clean close), and whether it is shutting down. On globalThis,
 * as the hub (server/hub/index.ts): a dev-mode reload of this module must still reach earlier streams,
 * and must not hook the signals again.
 */
interface StreamRegistry {
  open: Set<() => void>;
  shuttingDown: boolean;
  signalsHooked: boolean;
}
const registrySlot = globalThis as typeof globalThis & { __canopyEventStreams?: StreamRegistry };
const registry: StreamRegistry = (registrySlot.__canopyEventStreams ??= { open: new Set(), shuttingDown: false, signalsHooked: false });

const SHUTDOWN_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * Ends every open stream cleanly (browsers see the end at once and reconnect, to this server's
 * successor or after it is back), and from now on ends new ones at once. Returns how many were open.
 */
export function endEventStreams(): number {
  registry.shuttingDown = true;
  const closes = [...registry.open];
  for (const close of closes) close();
  return closes.length;
}

/**
 * Ends the streams on SIGTERM/SIGINT; once per process. instrumentation.ts calls it as the server
 * starts (a stream whose request was in flight at the signal must end too), and the first stream does
 * in a host without it. A polite handler (server/process/shutdownSignals.ts): `next start`'s own
 * listener (which stops listening, waits for open responses, then exits) still decides; without one,
 * the signal still ends the process.
 */
export function hookShutdownSignals(): void {
  if (registry.signalsHooked) return;
  registry.signalsHooked = true;
  onShutdownSignal(SHUTDOWN_SIGNALS, () => endEventStreams());
}

export function createEventStream(hub: Pick<WatchHub, 'subscribe'>, signal: AbortSignal, options: EventStreamOptions = {}): ReadableStream<Uint8Array> {
  const heartbeatMs = options.heartbeatMs ?? SSE_DEFAULTS.heartbeatMs;
  const maxQueuedBytes = options.maxQueuedBytes ?? SSE_DEFAULTS.maxQueuedBytes;
  const maxQueuedAgeMs = options.maxQueuedAgeMs ?? SSE_DEFAULTS.maxQueuedAgeMs;
  const partChars = options.snapshotPartChars ?? SNAPSHOT_PART_CHARS;
  const now = options.now ?? Date.now;
  // Messages wait here, not in the stream's own queue, so their bytes and age are known: the stream
  // (high-water mark 0) pulls one message each time its reader — the HTTP response, which waits for
  // the socket to drain — wants one. The snapshot under way goes first: its encoded parts wait in
  // `parts` (never counted), `partsComing` while its encoding has more; `queue` holds what came after.
  // `at` is when a message began to wait; undefined while a snapshot ahead of it is still queued,
  // encoded or being written (its clock starts at the pull after the snapshot's last part).
  const queue: { event: string; bytes: Uint8Array; at: number | undefined }[] = [];
  let queuedBytes = 0;
  let parts: Uint8Array[] = [];
  let partsComing = false;
  /** Since when the snapshot's parts wait with the reader taking none (it has not started, or stalled). */
  let partsWaitingSince: number | undefined;
  /** Stops reading the snapshot being encoded for this stream. */
  let stopFeed = () => {};
  let wanted = false;
  /** A snapshot part was handed on and the reader has not asked for more since: it is still being written. */
  let snapshotInFlight = false;
  const handOnPart = (controller: ReadableStreamDefaultController<Uint8Array>, bytes: Uint8Array) => {
    snapshotInFlight = true;
    partsWaitingSince = partsComing || parts.length > 0 ? now() : undefined;
    controller.enqueue(bytes);
  };
  const snapshotAhead = () => snapshotInFlight || partsComing || parts.length > 0;
  let cleanup = (_why?: Error) => {};

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        let closed = false;
        let unsubscribe = () => {};
        let heartbeat: ReturnType<typeof setInterval> | undefined;
        /** Ends the stream: cleanly (the client left, the hub closed), or failed with `why` (a reader too slow). */
        const close = (why?: Error) => {
          if (closed) return;
          closed = true;
          registry.open.delete(onAbort);
          unsubscribe();
          stopFeed();
          if (heartbeat) clearInterval(heartbeat);
          signal.removeEventListener('abort', onAbort);
          queue.length = 0;
          queuedBytes = 0;
          parts = [];
          partsComing = false;
          partsWaitingSince = undefined;
          try {
            // An error drops what the response still buffers at once; a close would wait for a stalled reader.
            if (why) controller.error(why);
            else controller.close();
          } catch {
            // Already closed or errored by the reader going away.
          }
        };
        /** The client left, or the server is stopping (endEventStreams). */
        const onAbort = () => close();
        cleanup = close;
        /** One more part of the snapshot under way: to a reader waiting for it, else in line. */
        const pushPart = (bytes: Uint8Array, last: boolean) => {
          if (last) partsComing = false;
          if (wanted) {
            wanted = false;
            handOnPart(controller, bytes);
          } else parts.push(bytes);
        };
        /** A snapshot replaces what was queued before it, an earlier snapshot's parts not yet handed on too. */
        const sendSnapshot = (snapshot: StreamSnapshot) => {
          stopFeed();
          queue.length = 0;
          queuedBytes = 0;
          parts = [];
          partsComing = true;
          partsWaitingSince = now();
          const encoding = encodeSnapshot(snapshot, partChars);
          let next = 0;
          const read = () => {
            while (next < encoding.parts.length && !closed) {
              const index = next++;
              pushPart(encoding.parts[index]!, encoding.done && index === encoding.parts.length - 1);
            }
            if (encoding.done && next === encoding.parts.length) stopFeed();
          };
          encoding.readers.add(read);
          stopFeed = () => {
            encoding.readers.delete(read);
            stopFeed = () => {};
          };
          read();
        };
        const send = (event: string, data: unknown) => {
          if (closed) return;
          const bytes = encodeMessage(event, data);
          if (wanted && !snapshotAhead()) {
            wanted = false;
            controller.enqueue(bytes);
            return;
          }
          // Superseded: a state before a state (a state is every kind's connection state).
          if (event === STREAM_EVENTS.state) {
            for (let i = queue.length - 1; i >= 0; i--) {
              if (queue[i]!.event !== STREAM_EVENTS.state) continue;
              queuedBytes -= queue[i]!.bytes.byteLength;
              queue.splice(i, 1);
            }
          }
          const behindSnapshot = snapshotAhead() || queue.some((entry) => entry.at === undefined);
          queue.push({ event, bytes, at: behindSnapshot ? undefined : now() });
          queuedBytes += bytes.byteLength;
          const waiting = queue.length + parts.length + (partsComing ? 1 : 0);
          const oldest = queue.find((entry) => entry.at !== undefined)?.at ?? partsWaitingSince;
          const age = oldest === undefined ? 0 : now() - oldest;
          if (waiting > 1 && ((queue.length > 1 && queuedBytes > maxQueuedBytes) || age > maxQueuedAgeMs)) {
            close(new Error(`the client reads too slowly (${waiting} messages, ${queuedBytes} bytes queued, the oldest for ${age} ms): closing its stream`));
          }
        };
        if (signal.aborted || registry.shuttingDown) {
          close();
          return;
        }
        hookShutdownSignals();
        registry.open.add(onAbort);
        signal.addEventListener('abort', onAbort);
        // A retry hint for EventSource's own reconnect (the client store adds its own backoff on top),
        // straight into the stream: in the counted queue it would make a warm hub's first snapshot,
        // handed over inside subscribe() before any read, a second message, cut off when large.
        controller.enqueue(encoder.encode('retry: 2000\n\n'));
        unsubscribe = hub.subscribe({
          snapshot: (snapshot) => {
            if (!closed) sendSnapshot(snapshot);
          },
          delta: (delta) => send(STREAM_EVENTS.delta, delta),
          state: (states) => send(STREAM_EVENTS.state, states),
          end: () => close(),
        }, options.namespace !== undefined ? { namespace: options.namespace } : {});
        // Closed inside subscribe() (the hub ending, a reader already too slow): close() ran while
        // `unsubscribe` was still the no-op, so the hub would keep this subscriber; and no heartbeat.
        if (closed) {
          unsubscribe();
          return;
        }
        heartbeat = setInterval(() => send(STREAM_EVENTS.heartbeat, { t: now() }), heartbeatMs);
      },
      pull(controller) {
        const part = parts.shift();
        if (part) {
          handOnPart(controller, part);
          return;
        }
        if (partsComing) {
          wanted = true;
          return;
        }
        // The reader wants more: the snapshot's last part has been written, so what waited behind it
        // starts to age now.
        if (snapshotInFlight) {
          snapshotInFlight = false;
          const at = now();
          for (const entry of queue) if (entry.at === undefined) entry.at = at;
        }
        const next = queue.shift();
        if (!next) {
          wanted = true;
          return;
        }
        queuedBytes -= next.bytes.byteLength;
        controller.enqueue(next.bytes);
      },
      cancel() {
        cleanup();
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * The HTTP response for an event stream. Compression is left to the server in front: Next's `compress`
 * (on by default in `next start`, which `canopy serve` runs) gzips it and flushes after every chunk,
 * i.e. every message. A route cannot gzip its own body: Next drops a route's Content-Encoding header
 * (send-response.js FORBIDDEN_HEADERS), so the browser would get gzip bytes it does not expect.
 */
export function eventStreamResponse(stream: ReadableStream<Uint8Array>): Response {
  return new Response(stream, { headers: SSE_HEADERS });
}
