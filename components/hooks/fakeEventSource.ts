/** Test support: an EventSource the test fires events on by hand (the stores' tests share it). */
import type { EventSourceLike } from './clusterStore';

export class FakeEventSource implements EventSourceLike {
  /** Every source created since the last reset, in order. */
  static all: FakeEventSource[] = [];
  closed = false;
  readonly listeners = new Map<string, ((event: { data?: unknown }) => void)[]>();
  /** `owner`: which (simulated) tab opened it. */
  constructor(
    readonly url: string,
    readonly owner = '',
  ) {
    FakeEventSource.all.push(this);
  }
  addEventListener(type: string, listener: (event: { data?: unknown }) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close(): void {
    this.closed = true;
  }
  /** Delivers `data` as the JSON text a server would send (no data: a bare event, like `error`). */
  fire(type: string, data?: unknown): void {
    for (const listener of this.listeners.get(type) ?? []) listener(data === undefined ? {} : { data: JSON.stringify(data) });
  }
}
