import { afterEach, describe, expect, it } from 'vitest';
import { createSimulatedSource } from '../sources/simulated';
import { getWatchHub, namespaceViewLimit, resetWatchHub } from './index';

afterEach(() => resetWatchHub());

describe('getWatchHub', () => {
  it('is one hub per source, and a new one (closing the old) when the source is replaced', async () => {
    const first = createSimulatedSource({ scenario: 'empty', tickMs: 0, seed: 1 });
    const second = createSimulatedSource({ scenario: 'empty', tickMs: 0, seed: 2 });
    const hub = getWatchHub(first);
    expect(getWatchHub(first)).toBe(hub);
    let ended = false;
    hub.subscribe({ snapshot() {}, delta() {}, state() {}, end: () => (ended = true) });
    const next = getWatchHub(second);
    expect(next).not.toBe(hub);
    expect(next.source).toBe(second);
    expect(ended).toBe(true);
    expect(hub.isRunning).toBe(false);
    await first.close();
    await second.close();
  });
});

describe('namespaceViewLimit', () => {
  it('reads CANOPY_MAX_WATCHED_NAMESPACES, 32 when unset or empty', () => {
    expect(namespaceViewLimit({})).toBe(32);
    expect(namespaceViewLimit({ CANOPY_MAX_WATCHED_NAMESPACES: ' ' })).toBe(32);
    expect(namespaceViewLimit({ CANOPY_MAX_WATCHED_NAMESPACES: '2' })).toBe(2);
    expect(namespaceViewLimit({ CANOPY_MAX_WATCHED_NAMESPACES: ' 100 ' })).toBe(100);
  });

  it('refuses what is not a whole number of at least 1, naming the setting', () => {
    for (const bad of ['0', '-1', '2.5', 'ten', '1e3']) {
      expect(() => namespaceViewLimit({ CANOPY_MAX_WATCHED_NAMESPACES: bad })).toThrow(`CANOPY_MAX_WATCHED_NAMESPACES="${bad}" is not a whole number of at least 1`);
    }
  });
});
