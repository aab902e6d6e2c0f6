import { afterEach, describe, expect, it } from 'vitest';
import { createSimulatedSource } from '../sources/simulated';
import { getWatchHub, resetWatchHub } from './index';

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
