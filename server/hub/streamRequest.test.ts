import { describe, expect, it } from 'vitest';
import { ActionFailure } from '../actions/errors';
import { clusterKey, streamNamespace } from './streamRequest';

const info = { mode: 'live', name: 'team' } as const;
const params = (query: string) => new URLSearchParams(query);

describe('streamNamespace', () => {
  it('follows the namespace asked for this cluster, or without naming one', () => {
    expect(clusterKey(info)).toBe('live:team');
    expect(streamNamespace(params('namespace=team-b&cluster=live%3Ateam'), info)).toBe('team-b');
    expect(streamNamespace(params('namespace=team-b'), info)).toBe('team-b');
  });

  it('ignores a namespace chosen for another cluster, and an empty or absent one', () => {
    expect(streamNamespace(params('namespace=team-b&cluster=live%3Aother'), info)).toBeUndefined();
    expect(streamNamespace(params('namespace=team-b&cluster=simulated%3Ateam'), info)).toBeUndefined();
    expect(streamNamespace(params('namespace='), info)).toBeUndefined();
    expect(streamNamespace(params(''), info)).toBeUndefined();
  });

  it('refuses a name that is no namespace name with a 400 saying why', () => {
    let error: unknown;
    try {
      streamNamespace(params('namespace=Team_B'), info);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ActionFailure);
    expect(error).toMatchObject({ status: 400, message: expect.stringMatching(/^namespace "Team_B" must consist of lower case/) });
  });
});
