/** The cluster stream as a test reads it: a snapshot taken in the page (same origin, no header needed). */
import type { Page } from '@playwright/test';
import { STREAM_EVENTS, type StreamSnapshot } from '../../lib/cluster/stream';
import { SnapshotAssembler } from '../../lib/cluster/streamParts';

/**
 * A snapshot from /api/stream with every kind's watch live. The hub's first snapshot after a server
 * start can precede its upstream lists: ask again until every watch is live. `page` must be on the app.
 */
export async function liveStreamSnapshot(page: Page): Promise<StreamSnapshot> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const snapshot = await page.evaluate(
      () =>
        new Promise<StreamSnapshot>((resolve, reject) => {
          const source = new EventSource('/api/stream');
          const timer = setTimeout(() => {
            source.close();
            reject(new Error('no snapshot within 15 s'));
          }, 15_000);
          const done = (snapshot: StreamSnapshot) => {
            clearTimeout(timer);
            source.close();
            resolve(snapshot);
          };
          source.addEventListener('snapshot', (event) => done(JSON.parse((event as MessageEvent<string>).data) as StreamSnapshot));
          // The server sends it in parts (lib/cluster/streamParts.ts); this runs in the page, so no import.
          let begin: (Omit<StreamSnapshot, 'kinds'> & { id: string; kinds: Record<string, { resourceVersion: string }> }) | null = null;
          const items: Record<string, unknown[]> = {};
          source.addEventListener('snapshot-begin', (event) => {
            begin = JSON.parse((event as MessageEvent<string>).data);
            for (const kind of Object.keys(items)) delete items[kind];
          });
          source.addEventListener('snapshot-part', (event) => {
            const part = JSON.parse((event as MessageEvent<string>).data) as { id: string; kind: string; items: unknown[] };
            if (part.id === begin?.id) (items[part.kind] ??= []).push(...part.items);
          });
          source.addEventListener('snapshot-end', (event) => {
            const end = JSON.parse((event as MessageEvent<string>).data) as { id: string };
            if (!begin || end.id !== begin.id) return;
            const { id: _id, kinds, ...rest } = begin;
            const whole = Object.fromEntries(Object.entries(kinds).map(([kind, { resourceVersion }]) => [kind, { resourceVersion, items: items[kind] ?? [] }]));
            done({ ...rest, kinds: whole } as StreamSnapshot);
          });
        }),
    );
    const states = Object.values(snapshot.states ?? {});
    if (states.length > 0 && states.every((s) => s?.status === 'live')) return snapshot;
    await page.waitForTimeout(500);
  }
  throw new Error('the stream never reported every watch live');
}

/*
 * A stand-in for the page's /api/stream: the page's EventSource for it is replaced, from the next
 * navigation on, by one that sends a given snapshot, heartbeats, and whatever a test emits next
 * (`emitToHeldStreams`), and never closes. For pages in states the real server cannot be put in on
 * cue (refused kinds, a list half arrived, thousands of nodes).
 */

/** From the next navigation on, /api/stream opens a stand-in that sends `snapshot` first and stays open. */
export async function holdStream(page: Page, snapshot: string): Promise<void> {
  await page.addInitScript((first) => {
    const Real = window.EventSource;
    class HeldStream {
      private readonly listeners = new Map<string, ((event: { data?: unknown }) => void)[]>();
      constructor(readonly url: string) {
        const held = window as unknown as { __heldStreams?: HeldStream[] };
        (held.__heldStreams ??= []).push(this);
        setTimeout(() => this.emit('snapshot', first), 50);
        // Heartbeats, as the server sends them: a silent stream is reconnected after a while.
        setInterval(() => this.emit('heartbeat', '{}'), 10_000);
      }
      emit(type: string, data: string) {
        this.listeners.get(type)?.forEach((listener) => listener({ data }));
      }
      addEventListener(type: string, listener: (event: { data?: unknown }) => void) {
        this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
      }
      close() {}
    }
    window.EventSource = function (url: string | URL, init?: EventSourceInit) {
      return String(url).includes('/api/stream') ? new HeldStream(String(url)) : new Real(url, init);
    } as unknown as typeof EventSource;
  }, snapshot);
}

/** Every held stream of the page sends a `type` event with `data` (a state, the next snapshot). */
export async function emitToHeldStreams(page: Page, type: string, data: string): Promise<void> {
  await page.evaluate(
    ([eventType, payload]) => {
      for (const stream of (window as unknown as { __heldStreams: { emit(type: string, data: string): void }[] }).__heldStreams) stream.emit(eventType, payload);
    },
    [type, data] as const,
  );
}

/**
 * Reads a Server-Sent Events body (the stream route's Response) as the browser's EventSource would,
 * calling `onEvent` per message with its event name and data; resolves when the body ends or is aborted.
 * A snapshot sent in parts reaches `onEvent` whole, as one `snapshot` at its end (a snapshot whose parts
 * do not add up fails the read).
 */
export async function readServerSentEvents(body: ReadableStream<Uint8Array>, onEvent: (event: string, data: string | undefined) => void): Promise<void> {
  const assembler = new SnapshotAssembler();
  const deliver = (event: string, data: string | undefined) => {
    if (event === STREAM_EVENTS.snapshotBegin) assembler.begin(JSON.parse(data ?? 'null'));
    else if (event === STREAM_EVENTS.snapshotPart) assembler.part(JSON.parse(data ?? 'null'));
    else if (event === STREAM_EVENTS.snapshotEnd) {
      const result = assembler.end(JSON.parse(data ?? 'null'));
      if (result.status === 'incomplete') throw new Error(`a snapshot in parts did not add up: ${result.reason}`);
      if (result.status === 'complete') onEvent(STREAM_EVENTS.snapshot, JSON.stringify(result.snapshot));
    } else onEvent(event, data);
  };
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      if (event) deliver(event, /^data: (.*)$/m.exec(block)?.[1]);
    }
  }
}
