import { describe, expect, it, vi } from 'vitest';
import type { ConnectionStates, StreamSnapshot } from '../../lib/cluster/stream';
import { ClusterStore } from './clusterStore';
import { FakeEventSource } from './fakeEventSource';
import { firstUnavailable, kindAvailability, unavailableText } from './kindAvailability';

const states = (s: ConnectionStates) => ({ synced: true, kinds: s });

describe('kindAvailability', () => {
  it('a live kind is live; before the first snapshot every kind is loading', () => {
    expect(kindAvailability(states({ PodGang: { kind: 'PodGang', status: 'live', since: 1 } }), 'PodGang')).toEqual({ status: 'live' });
    expect(kindAvailability({ synced: false, kinds: {} }, 'PodGang')).toEqual({ status: 'loading' });
  });

  it('a 403 is forbidden; a 401 or any other failure is failed with the apiserver’s words', () => {
    expect(kindAvailability(states({ PodGang: { kind: 'PodGang', status: 'error', since: 1, httpStatus: 403, lastError: 'podgangs is forbidden' } }), 'PodGang')).toEqual({
      status: 'forbidden',
      error: 'podgangs is forbidden',
    });
    expect(kindAvailability(states({ PodCliqueSet: { kind: 'PodCliqueSet', status: 'error', since: 1, httpStatus: 401, lastError: 'Unauthorized' } }), 'PodCliqueSet')).toEqual({
      status: 'failed',
      error: 'Unauthorized',
    });
    expect(kindAvailability(states({ Node: { kind: 'Node', status: 'retrying', since: 1, lastError: 'connect ECONNREFUSED' } }), 'Node')).toEqual({ status: 'failed', error: 'connect ECONNREFUSED' });
    expect(kindAvailability(states({ Node: { kind: 'Node', status: 'retrying', since: 1 } }), 'Node')).toEqual({ status: 'failed', error: 'its watch is retrying' });
    // A proxy's "forbidden" page without the apiserver's 403 is a failure, not a lack of rights.
    expect(kindAvailability(states({ Node: { kind: 'Node', status: 'error', since: 1, lastError: 'forbidden' } }), 'Node').status).toBe('failed');
  });

  it('follows the store: connecting before the first list is loading, connecting with an error has failed', () => {
    vi.useFakeTimers();
    try {
      FakeEventSource.all = [];
      const store = new ClusterStore({ createEventSource: (url) => new FakeEventSource(url) });
      const release = store.retain();
      const snapshot: StreamSnapshot = {
        seq: 0,
        kinds: {},
        states: {
          Pod: { kind: 'Pod', status: 'connecting', since: 1 },
          Node: { kind: 'Node', status: 'connecting', since: 1, lastError: 'nodes is forbidden', httpStatus: 403 },
          PodCliqueSet: { kind: 'PodCliqueSet', status: 'connecting', since: 1, lastError: 'Unauthorized', httpStatus: 401 },
        },
      };
      FakeEventSource.all.at(-1)!.fire('snapshot', snapshot);
      const connection = store.getConnectionState();
      expect(kindAvailability(connection, 'Pod')).toEqual({ status: 'loading' });
      // Still connecting (not yet `error`), but it has failed: not loading.
      expect(kindAvailability(connection, 'Node')).toEqual({ status: 'failed', error: 'nodes is forbidden' });
      expect(kindAvailability(connection, 'PodCliqueSet')).toEqual({ status: 'failed', error: 'Unauthorized' });
      release();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('kindAvailability across a namespace switch', () => {
  const scoped = (namespace: string, extra: Partial<ConnectionStates['Pod']> = {}): ConnectionStates => ({
    PodCliqueSet: { kind: 'PodCliqueSet', status: 'live', since: 1, namespace, ...extra },
    Node: { kind: 'Node', status: 'live', since: 1 },
  });

  it('a kind still watched in the namespace chosen before is loading, not live (its empty list is not "none")', () => {
    expect(kindAvailability(states(scoped('team-a')), 'PodCliqueSet', 'team-b')).toEqual({ status: 'loading' });
    expect(kindAvailability(states(scoped('team-a', { status: 'error', httpStatus: 403, lastError: 'forbidden' })), 'PodCliqueSet', 'team-b')).toEqual({ status: 'loading' });
    // Cluster-wide kinds carry no namespace: the switch does not touch them.
    expect(kindAvailability(states(scoped('team-a')), 'Node', 'team-b')).toEqual({ status: 'live' });
  });

  it('once the stream watches the chosen namespace, its state is believed: live, or refused there', () => {
    expect(kindAvailability(states(scoped('team-b')), 'PodCliqueSet', 'team-b')).toEqual({ status: 'live' });
    expect(kindAvailability(states(scoped('team-c', { status: 'error', httpStatus: 403, lastError: 'podcliquesets is forbidden' })), 'PodCliqueSet', 'team-c')).toEqual({
      status: 'forbidden',
      error: 'podcliquesets is forbidden',
    });
    // No choice known yet (the cluster not known): the state as it is.
    expect(kindAvailability(states(scoped('team-a')), 'PodCliqueSet', null)).toEqual({ status: 'live' });
  });
});

describe('unavailableText', () => {
  it('says who may not list what, or why the list failed, never that there are none', () => {
    expect(unavailableText('PodGang', { status: 'forbidden' }, 'team-a')).toBe('You may not list PodGangs in team-a.');
    // Nodes are not namespaced: no namespace in the sentence.
    expect(unavailableText('Node', { status: 'forbidden' }, 'team-a')).toBe('You may not list Nodes.');
    expect(unavailableText('PodCliqueSet', { status: 'failed', error: 'Unauthorized' }, 'default')).toBe('Could not list PodCliqueSets in default: Unauthorized.');
    expect(unavailableText('Event', { status: 'loading' })).toBe('Loading Events…');
    expect(unavailableText('Event', { status: 'live' })).toBeNull();
  });

  it('firstUnavailable names the first kind that is not live', () => {
    expect(firstUnavailable([['Node', { status: 'live' }], ['Pod', { status: 'forbidden' }]], 'a')).toMatchObject({ kind: 'Pod', text: 'You may not list Pods in a.' });
    expect(firstUnavailable([['Node', { status: 'live' }]])).toBeNull();
  });
});
