import { describe, expect, it } from 'vitest';
import { topologyNote } from './topologyNote';

const FORBIDDEN = { status: 'forbidden', error: 'clustertopologybindings.grove.io is forbidden: User "viewer" cannot list resource' } as const;

describe('topologyNote', () => {
  it('says "no binding" only when the list is live and empty, and nothing when some are offered', () => {
    expect(topologyNote({ status: 'live' }, { cluster: 0, file: 0 })).toBe('The cluster has no ClusterTopologyBinding: levels are free text in the YAML.');
    expect(topologyNote({ status: 'live' }, { cluster: 1, file: 0 })).toBeNull();
    expect(topologyNote({ status: 'live' }, { cluster: 0, file: 1 })).toBeNull();
  });

  it('an identity that may not list them is told so, not that the cluster has none', () => {
    expect(topologyNote(FORBIDDEN, { cluster: 0, file: 0 })).toBe('You may not list ClusterTopologyBindings, so levels are free text in the YAML.');
    expect(topologyNote(FORBIDDEN, { cluster: 0, file: 2 })).toBe('You may not list ClusterTopologyBindings, so only this file\'s bindings are offered.');
  });

  it('a list still loading says so; a failed one gives the reason', () => {
    expect(topologyNote({ status: 'loading' }, { cluster: 0, file: 0 })).toBe('Loading ClusterTopologyBindings…');
    expect(topologyNote({ status: 'failed', error: 'Unauthorized' }, { cluster: 0, file: 0 })).toBe('Could not list ClusterTopologyBindings: Unauthorized, so levels are free text in the YAML.');
    expect(topologyNote({ status: 'failed', error: 'connection reset.' }, { cluster: 2, file: 0 })).toBe("Could not list ClusterTopologyBindings: connection reset; the cluster's bindings offered may be out of date.");
  });

  it('never says the cluster has no binding unless the list is live', () => {
    for (const availability of [FORBIDDEN, { status: 'loading' } as const, { status: 'failed', error: 'x' } as const]) {
      expect(topologyNote(availability, { cluster: 0, file: 0 })).not.toMatch(/has no ClusterTopologyBinding/);
    }
  });
});
