import { describe, expect, test } from 'vitest';
import { heatmapDataState } from './TopologyView';

const open = { stream: 'open' as const, synced: true };
const live = { status: 'live' as const };

describe('the topology page’s badge says what the map rests on: the stream, Nodes and Pods', () => {
  test('Live only when the stream is open and both kinds are live', () => {
    expect(heatmapDataState(open, live, live)).toEqual({ state: 'live', word: 'Live' });
  });

  test('every kind failing (a bad token) is not Live, though the stream to Canopy is open', () => {
    expect(heatmapDataState(open, { status: 'failed', error: 'Unauthorized' }, { status: 'failed', error: 'Unauthorized' })).toEqual({
      state: 'failed',
      word: 'Retrying: could not list Nodes: Unauthorized; Pods: Unauthorized',
    });
  });

  test('Nodes refused say so; Pods loading say loading; the stream’s own state comes first', () => {
    expect(heatmapDataState(open, { status: 'forbidden' }, live)).toEqual({ state: 'forbidden', word: 'Not readable: you may not list Nodes' });
    expect(heatmapDataState(open, live, { status: 'loading' })).toEqual({ state: 'loading', word: 'Loading Pods…' });
    expect(heatmapDataState({ stream: 'reconnecting', synced: true, retryInMs: 2_000, retryAt: 10_000 }, live, live, 8_000)).toEqual({ state: 'reconnecting', word: 'Reconnecting in 2 s', tickMs: 1_000 });
    expect(heatmapDataState({ stream: 'connecting', synced: false }, live, live).word).toBe('Connecting…');
  });

  test('a dropped stream counts down to its next attempt, a second at a time, then says it is reconnecting', () => {
    const dropped = { stream: 'reconnecting' as const, synced: true, retryInMs: 8_000, retryAt: 18_000 };
    expect(heatmapDataState(dropped, live, live, 10_000).word).toBe('Reconnecting in 8 s');
    expect(heatmapDataState(dropped, live, live, 11_000).word).toBe('Reconnecting in 7 s');
    expect(heatmapDataState(dropped, live, live, 17_500).word).toBe('Reconnecting in 1 s');
    // Due but not yet started: still on the second clock, so a slower clock can't show "in 8 s" again.
    expect(heatmapDataState(dropped, live, live, 18_000)).toEqual({ state: 'reconnecting', word: 'Reconnecting…', tickMs: 1_000 });
    // Under way (the store clears retryAt as it opens the new stream): no clock needed.
    expect(heatmapDataState({ stream: 'reconnecting', synced: true }, live, live, 18_000)).toEqual({ state: 'reconnecting', word: 'Reconnecting…' });
  });

  test('a dropped stream says when the map was last known current, as the header does', () => {
    const staleSince = new Date(2026, 11, 2, 14, 3, 22).getTime();
    const dropped = { stream: 'reconnecting' as const, synced: true, retryInMs: 8_000, retryAt: staleSince + 8_000, staleSince };
    expect(heatmapDataState(dropped, live, live, staleSince).word).toBe('Reconnecting in 8 s · data as of 14:03:22');
    expect(heatmapDataState({ stream: 'reconnecting', synced: true, staleSince }, live, live, staleSince + 9_000).word).toBe('Reconnecting… · data as of 14:03:22');
  });
});
