/**
 * Shutdown of the event streams (server/hub/sse.ts): on SIGTERM/SIGINT every open stream ends, so
 * browsers see the drop at once and a server that waits for its open responses (`next start`) can
 * exit. Its own file: ending the streams marks this process as shutting down for good.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { StreamSnapshot } from '../../lib/cluster/stream';
import { createEventStream, endEventStreams, eventStreamResponse } from './sse';
import type { HubSubscriber } from './watchHub';

class FakeHub {
  subscribers = new Set<HubSubscriber>();
  subscribe(subscriber: HubSubscriber): () => void {
    this.subscribers.add(subscriber);
    subscriber.snapshot({ seq: 0, kinds: {}, states: {} } satisfies StreamSnapshot);
    return () => this.subscribers.delete(subscriber);
  }
}

/** Reads until the stream ends; resolves with what it read. */
async function readToEnd(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return text;
    text += decoder.decode(value);
  }
}

const tmp = mkdtempSync(path.join(tmpdir(), 'canopy-sse-shutdown-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * A child process serving createEventStream over node:http as `next start` does on a signal: its own
 * listener, registered first, stops listening and exits once every open response has finished; then,
 * as instrumentation.ts, the streams' hook. Each stream starts `STREAM_DELAY_MS` after its request
 * arrives (a route module still loading).
 */
const HOST_SCRIPT = `
import http from 'node:http';
import { createEventStream, eventStreamResponse, hookShutdownSignals } from ${JSON.stringify(pathToFileURL(path.resolve(__dirname, 'sse.ts')).href)};
const hub = { subscribe(s) { s.snapshot({ seq: 0, kinds: {}, states: {} }); return () => {}; } };
const delay = Number(process.env.STREAM_DELAY_MS ?? 0);
const server = http.createServer(async (req, res) => {
  const abort = new AbortController();
  req.on('close', () => abort.abort());
  if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
  const response = eventStreamResponse(createEventStream(hub, abort.signal, { heartbeatMs: 200 }));
  res.writeHead(response.status, Object.fromEntries(response.headers));
  for await (const chunk of response.body) res.write(chunk);
  res.end();
});
process.on('SIGTERM', () => server.close(() => process.exit(143)));
hookShutdownSignals();
server.listen(0, '127.0.0.1', () => console.log('port', server.address().port));
`;

describe('endEventStreams', () => {
  it('ends every open stream cleanly and unsubscribes it; a stream asked for afterwards ends at once', async () => {
    const hub = new FakeHub();
    const streams = [createEventStream(hub, new AbortController().signal), createEventStream(hub, new AbortController().signal)];
    const read = streams.map(readToEnd);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(hub.subscribers.size).toBe(2);
    expect(endEventStreams()).toBe(2);
    const texts = await Promise.all(read);
    for (const text of texts) expect(text).toContain('event: snapshot-end');
    expect(hub.subscribers.size).toBe(0);

    const late = createEventStream(hub, new AbortController().signal);
    expect(await readToEnd(late)).toBe('');
    expect(hub.subscribers.size).toBe(0);
  });

  it('a stream’s connection is not kept once it ends (a stopping server waits for every open connection)', () => {
    expect(eventStreamResponse(new ReadableStream()).headers.get('connection')).toBe('close');
  });
});

/** Starts the host; resolves once it listens. */
async function startHost(streamDelayMs = 0) {
  const script = path.join(tmp, 'host.mjs');
  writeFileSync(script, HOST_SCRIPT);
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: path.resolve(__dirname, '../..'),
    env: { ...process.env, STREAM_DELAY_MS: String(streamDelayMs) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.on('exit', (code) => resolve({ code, at: Date.now() })));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /port (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.on('exit', () => reject(new Error(`the host exited before listening: ${out}`)));
  });
  return { child, exited, port };
}

const within = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} ${ms} ms after SIGTERM`)), ms))]);

describe('SIGTERM in a server that waits for its open responses', () => {
  it('ends the open stream at once and the process exits', async () => {
    const { child, exited, port } = await startHost();
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`);
      const reader = response.body!.getReader();
      // The stream is open: the snapshot and a heartbeat arrive.
      let text = '';
      while (!text.includes('event: heartbeat')) text += new TextDecoder().decode((await reader.read()).value);
      const signalled = Date.now();
      child.kill('SIGTERM');
      // Before the fix the stream kept its heartbeats and the process never exited: both waits time out.
      const ended = await within(
        (async () => {
          for (;;) if ((await reader.read()).done) return Date.now();
        })(),
        3_000,
        'the stream was still open',
      );
      const exit = await within(exited, 5_000, 'the process was still running');
      console.info(`SIGTERM → stream ended in ${ended - signalled} ms, process exited in ${exit.at - signalled} ms`);
      expect(ended - signalled).toBeLessThan(3_000);
      expect(exit.code).toBe(143);
      // Within the 5 s keep-alive timeout that held it before the stream's connection was closed with it.
      expect(exit.at - signalled).toBeLessThan(2_500);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('SIGTERM while a stream’s request is in flight', () => {
  it('the stream that starts after the signal ends at once, and the process exits', async () => {
    const { child, exited, port } = await startHost(400);
    try {
      const asked = fetch(`http://127.0.0.1:${port}/`);
      // The request is accepted; its stream starts 400 ms later, after the signal.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const signalled = Date.now();
      child.kill('SIGTERM');
      const response = await asked;
      expect(response.headers.get('connection')).toBe('close');
      expect(await within(response.text(), 3_000, 'the stream was still open')).toBe('');
      const exit = await within(exited, 5_000, 'the process was still running');
      console.info(`SIGTERM before the stream started → process exited in ${exit.at - signalled} ms`);
      expect(exit.code).toBe(143);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
