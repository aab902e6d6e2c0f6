/**
 * One browser's Server-Sent Events stream over the hub: `snapshot` first (and again when the hub
 * resets: KindWatcherHooks.onReset), then `delta` batches and `state` updates, and a `heartbeat`
 * every 15 s (so proxies keep the connection and the client can tell a dead one). Unsubscribes when
 * the client goes away (the request's abort signal) or when it reads too slowly to keep up: then it
 * closes, and the client reconnects to a fresh snapshot instead of the server buffering without bound.
 */
import { STREAM_EVENTS } from '../../lib/cluster/stream';
import type { WatchHub } from './watchHub';

export interface EventStreamOptions {
  heartbeatMs?: number;
  /** Messages queued for a slow reader before the stream is closed. */
  maxQueued?: number;
  now?: () => number;
}

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
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const maxQueued = options.maxQueued ?? 1_000;
  const now = options.now ?? Date.now;
  let cleanup = () => {};

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        let closed = false;
        let unsubscribe = () => {};
        let heartbeat: ReturnType<typeof setInterval> | undefined;
        const close = () => {
          if (closed) return;
          closed = true;
          unsubscribe();
          if (heartbeat) clearInterval(heartbeat);
          signal.removeEventListener('abort', close);
          try {
            controller.close();
          } catch {
            // Already closed or errored by the reader going away.
          }
        };
        cleanup = close;
        const send = (event: string, data: unknown) => {
          if (closed) return;
          if ((controller.desiredSize ?? 0) < -maxQueued) {
            close();
            return;
          }
          controller.enqueue(encodeMessage(event, data));
        };
        if (signal.aborted) {
          close();
          return;
        }
        signal.addEventListener('abort', close);
        // A retry hint for EventSource's own reconnect; the client store adds its own backoff on top.
        controller.enqueue(encoder.encode('retry: 2000\n\n'));
        unsubscribe = hub.subscribe({
          snapshot: (snapshot) => send(STREAM_EVENTS.snapshot, snapshot),
          delta: (delta) => send(STREAM_EVENTS.delta, delta),
          state: (states) => send(STREAM_EVENTS.state, states),
          end: close,
        });
        heartbeat = setInterval(() => send(STREAM_EVENTS.heartbeat, { t: now() }), heartbeatMs);
      },
      cancel() {
        cleanup();
      },
    },
    { highWaterMark: 1 },
  );
}
