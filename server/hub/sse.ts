/**
 * One browser's Server-Sent Events stream over the hub: `snapshot` first (and again when the hub
 * resets: KindWatcherHooks.onReset), then `delta` batches and `state` updates, and a `heartbeat`
 * every 15 s (so proxies keep the connection and the client can tell a dead one). Unsubscribes when
 * the client goes away (the request's abort signal) or when it reads too slowly to keep up: then it
 * fails the stream (dropping what is queued), and the client reconnects to a fresh snapshot instead of
 * the server buffering without bound. "Too slow" is measured in bytes and in age, not messages: one
 * batch of a 1000-pod change is ~1 MB and a snapshot of 10k GPUs ~5.5 MB.
 */
import { STREAM_EVENTS } from '../../lib/cluster/stream';
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
}

export const SSE_DEFAULTS = { heartbeatMs: 15_000, maxQueuedBytes: 16 * 1024 * 1024, maxQueuedAgeMs: 30_000 } as const;

export const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
  // Tell nginx-style proxies not to buffer the stream.
  'X-Accel-Buffering': 'no',
} as const;

export function formatEvent(event: string, data: unknown): string {
  // JSON never contains a raw newline, so one `data:` line carries the whole message.
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
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

export function createEventStream(hub: Pick<WatchHub, 'subscribe'>, signal: AbortSignal, options: EventStreamOptions = {}): ReadableStream<Uint8Array> {
  const heartbeatMs = options.heartbeatMs ?? SSE_DEFAULTS.heartbeatMs;
  const maxQueuedBytes = options.maxQueuedBytes ?? SSE_DEFAULTS.maxQueuedBytes;
  const maxQueuedAgeMs = options.maxQueuedAgeMs ?? SSE_DEFAULTS.maxQueuedAgeMs;
  const now = options.now ?? Date.now;
  // Messages wait here, not in the stream's own queue, so their bytes and age are known: the stream
  // (high-water mark 0) pulls one message each time its reader — the HTTP response, which waits for
  // the socket to drain — wants one.
  const queue: { bytes: Uint8Array; at: number }[] = [];
  let queuedBytes = 0;
  let wanted = false;
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
          unsubscribe();
          if (heartbeat) clearInterval(heartbeat);
          signal.removeEventListener('abort', onAbort);
          queue.length = 0;
          queuedBytes = 0;
          try {
            // An error drops what the response still buffers at once; a close would wait for a stalled reader.
            if (why) controller.error(why);
            else controller.close();
          } catch {
            // Already closed or errored by the reader going away.
          }
        };
        const onAbort = () => close();
        cleanup = close;
        const push = (bytes: Uint8Array) => {
          if (wanted) {
            wanted = false;
            controller.enqueue(bytes);
            return;
          }
          queue.push({ bytes, at: now() });
          queuedBytes += bytes.byteLength;
        };
        const send = (event: string, data: unknown) => {
          if (closed) return;
          push(encodeMessage(event, data));
          const oldest = queue[0];
          if (queue.length > 1 && (queuedBytes > maxQueuedBytes || now() - oldest!.at > maxQueuedAgeMs)) {
            close(new Error(`the client reads too slowly (${queue.length} messages, ${queuedBytes} bytes queued, the oldest for ${now() - oldest!.at} ms): closing its stream`));
          }
        };
        if (signal.aborted) {
          close();
          return;
        }
        signal.addEventListener('abort', onAbort);
        // A retry hint for EventSource's own reconnect (the client store adds its own backoff on top),
        // straight into the stream: in the counted queue it would make a warm hub's first snapshot,
        // handed over inside subscribe() before any read, a second message, cut off when large.
        controller.enqueue(encoder.encode('retry: 2000\n\n'));
        unsubscribe = hub.subscribe({
          snapshot: (snapshot) => send(STREAM_EVENTS.snapshot, snapshot),
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
