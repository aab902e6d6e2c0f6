/**
 * What the cluster control says about an identity with limited rights, from the stream's per-kind
 * states: kinds listed in one namespace only, kinds refused outright (Nodes: no GPUs on the topology page).
 */
import { describe, expect, it } from 'vitest';
import type { ConnectionStates } from '../../lib/cluster/stream';
import type { ClientConnectionState } from '../hooks/clusterStore';
import type { Capabilities, KindCapabilities } from '../../lib/cluster/capabilities';
import { accessLimits, accessSentences, accessSummary, SERVER_READ_ONLY, clockTime, clusterProblem, NAMESPACE_HINT, problemSentences, summariseConnection } from './ClusterStatus';

const NODES_FORBIDDEN = 'nodes is forbidden: User "system:serviceaccount:team-a:member" cannot list resource "nodes" in API group "" at the cluster scope';

const teamA: ConnectionStates = {
  Node: { kind: 'Node', status: 'error', since: 1, lastError: NODES_FORBIDDEN, httpStatus: 403, retryInMs: 30_000 },
  Pod: { kind: 'Pod', status: 'live', since: 1, namespace: 'team-a' },
  PodCliqueSet: { kind: 'PodCliqueSet', status: 'live', since: 1, namespace: 'team-a' },
  ClusterTopologyBinding: { kind: 'ClusterTopologyBinding', status: 'error', since: 1, lastError: 'clustertopologybindings.grove.io is forbidden: …', httpStatus: 403 },
};

const open = (kinds: ConnectionStates): ClientConnectionState => ({ stream: 'open', synced: true, kinds });

describe('access limits', () => {
  it('names the namespace and the kinds not listed cluster-wide, and what forbidden Nodes cost', () => {
    const limits = accessLimits(teamA);
    expect(limits).toEqual({ scope: { namespace: 'team-a', kinds: ['Pod', 'PodCliqueSet'] }, forbidden: ['Node', 'ClusterTopologyBinding'], refusedIn: null });
    expect(accessSentences(limits)).toEqual([
      'Namespace team-a only: you may not list Pods, PodCliqueSets cluster-wide.',
      'You may not list Nodes, ClusterTopologyBindings, so the topology page cannot show GPUs.',
    ]);
  });

  it('says nothing for a cluster-wide identity, and nothing of GPUs when only other kinds are refused', () => {
    expect(accessSentences(accessLimits({ Pod: { kind: 'Pod', status: 'live', since: 1 } }))).toEqual([]);
    const events = accessLimits({ Event: { kind: 'Event', status: 'error', since: 1, lastError: 'may not list events cluster-wide, nor in namespace team-a: events is forbidden', httpStatus: 403 } });
    expect(accessSentences(events)).toEqual(['You may not list Events.']);
  });

  it('a missing CRD (404 error) or a passing failure is not a limit of rights', () => {
    const limits = accessLimits({
      PodGang: { kind: 'PodGang', status: 'error', since: 1, lastError: 'the server could not find the requested resource', httpStatus: 404 },
      Pod: { kind: 'Pod', status: 'retrying', since: 1, lastError: 'forbidden by a proxy?' },
    });
    expect(limits.forbidden).toEqual([]);
  });

  it('goes by the HTTP status the apiserver answered, not by the words of the error', () => {
    // A 403 is a refusal whatever its message says.
    expect(accessLimits({ Node: { kind: 'Node', status: 'error', since: 1, lastError: 'Unauthorized access denied', httpStatus: 403 } }).forbidden).toEqual(['Node']);
    // "forbidden" or "403" in the text without a 403 status (a proxy's page, a webhook's message) is not.
    const worded: ConnectionStates = {
      Node: { kind: 'Node', status: 'error', since: 1, lastError: 'nodes is forbidden: User "alice" cannot list resource "nodes"' },
      PodGang: { kind: 'PodGang', status: 'error', since: 1, lastError: 'upstream said 403 forbidden', httpStatus: 404 },
    };
    expect(accessLimits(worded).forbidden).toEqual([]);
    expect(summariseConnection(open(worded))).toMatchObject({ tone: 'bad', label: 'Retrying' });
  });
});

describe('summariseConnection', () => {
  it('is Limited, not Retrying, when the only kinds not live are refused for rights', () => {
    const summary = summariseConnection(open(teamA));
    expect(summary).toMatchObject({ tone: 'limited', label: 'Limited' });
    expect(summary.detail).toContain('Namespace team-a only');
    expect(summary.detail).toContain('the topology page cannot show GPUs');
  });

  it('is Live with the namespace said when every kind is live but some in one namespace', () => {
    const summary = summariseConnection(open({ Pod: teamA.Pod, PodCliqueSet: teamA.PodCliqueSet }));
    expect(summary).toMatchObject({ tone: 'ok', label: 'Live' });
    expect(summary.detail).toContain('Namespace team-a only: you may not list Pods, PodCliqueSets cluster-wide.');
  });

  it('still says Retrying for a kind that is failing for another reason, naming only that kind', () => {
    const summary = summariseConnection(open({ ...teamA, Event: { kind: 'Event', status: 'retrying', since: 1, lastError: 'connection reset' } }));
    expect(summary.label).toBe('Retrying');
    expect(summary.detail).toContain('its watch of Event is not live');
    expect(summary.detail).not.toContain('Node');
  });

  it('while the first snapshot arrives in parts, says how much of it is here', () => {
    const receiving: ClientConnectionState = { stream: 'connecting', synced: false, kinds: {}, receiving: { received: 13_000, total: 32_500 } };
    expect(summariseConnection(receiving)).toEqual({ tone: 'wait', status: 'receiving', label: 'Receiving the cluster… 40%', announced: 'Receiving the cluster… 40%', detail: '13,000 of 32,500 objects of the cluster’s first snapshot have arrived.' });
    expect(summariseConnection({ ...receiving, receiving: undefined }).label).toBe('Connecting…');
  });

  it('says Connecting…, neutral, for kinds before their first list, not Retrying', () => {
    const starting: ConnectionStates = {
      Pod: { kind: 'Pod', status: 'live', since: 1 },
      PodGang: { kind: 'PodGang', status: 'connecting', since: 1 },
      Event: { kind: 'Event', status: 'connecting', since: 1 },
    };
    const summary = summariseConnection({ ...open(starting), loading: { PodGang: true, Event: true } });
    expect(summary).toMatchObject({ tone: 'wait', label: 'Connecting…' });
    expect(summary.detail).toContain('first list of PodGang, Event');
    // One kind truly failing still wins over the ones starting.
    expect(summariseConnection({ ...open({ ...starting, Node: { kind: 'Node', status: 'retrying', since: 1, lastError: 'connection reset' } }), loading: { PodGang: true, Event: true } }).label).toBe('Retrying');
  });

  it('says Retrying for a kind connecting again after it was live here, or after an error', () => {
    const relisting: ConnectionStates = { Pod: { kind: 'Pod', status: 'connecting', since: 2 } };
    expect(summariseConnection({ ...open(relisting), loading: {} }).label).toBe('Retrying');
    expect(summariseConnection(open({ Pod: { kind: 'Pod', status: 'connecting', since: 2, lastError: 'connection refused' } })).label).toBe('Retrying');
    expect(summariseConnection({ ...open(relisting), loading: { Pod: true } }).label).toBe('Connecting…');
  });

  it('says Connecting… before the first snapshot whatever the kinds say', () => {
    expect(summariseConnection({ stream: 'connecting', synced: false, kinds: {} })).toMatchObject({ tone: 'wait', label: 'Connecting…' });
  });

  it('counts down to the next attempt of a dropped stream, a second at a time, and says Reconnecting… once it is due', () => {
    const dropped = Date.parse('2026-01-01T00:00:00Z');
    const state: ClientConnectionState = { stream: 'reconnecting', synced: true, kinds: {}, retryInMs: 8_000, retryAt: dropped + 8_000 };
    const labels = [0, 1_000, 2_500, 6_000, 7_001, 7_999, 8_000, 9_000].map((ms) => summariseConnection(state, dropped + ms).label);
    expect(labels).toEqual(['Reconnecting in 8 s', 'Reconnecting in 7 s', 'Reconnecting in 6 s', 'Reconnecting in 2 s', 'Reconnecting in 1 s', 'Reconnecting in 1 s', 'Reconnecting…', 'Reconnecting…']);
    expect(summariseConnection(state, dropped + 3_000)).toMatchObject({
      tone: 'bad',
      status: 'reconnecting',
      detail: 'The stream to Canopy dropped; trying again in 5 s.',
      // The live region does not read the count every second; the view's clock ticks every second while it shows.
      announced: 'Reconnecting',
      tickMs: 1_000,
    });
    // Due but not yet started: the second clock keeps going, so a slower clock never shows "in 8 s" again.
    expect(summariseConnection(state, dropped + 8_000)).toMatchObject({ label: 'Reconnecting…', tickMs: 1_000 });
    expect(summariseConnection({ stream: 'reconnecting', synced: true, kinds: {} }, dropped + 8_000).tickMs).toBeUndefined();
    // A clock read a tick before the drop (a view on the 15 s clock) does not show more than the delay.
    expect(summariseConnection(state, dropped - 10_000).label).toBe('Reconnecting in 8 s');
    // The attempt under way: no deadline any more.
    expect(summariseConnection({ stream: 'reconnecting', synced: true, kinds: {} }, dropped).label).toBe('Reconnecting…');
  });
});

describe('data that may be out of date', () => {
  // Local times of day, so the words are the same in any time zone.
  const lastHeard = new Date(2026, 0, 1, 14, 3, 22).getTime();

  it('writes a moment as its local time of day, 24-hour', () => {
    expect(clockTime(lastHeard)).toBe('14:03:22');
    expect(clockTime(new Date(2026, 0, 1, 9, 5, 7).getTime())).toBe('09:05:07');
  });

  it('a dropped stream says the data shown is as of its last message, beside the countdown it keeps', () => {
    const state: ClientConnectionState = { stream: 'reconnecting', synced: true, kinds: {}, retryInMs: 8_000, retryAt: lastHeard + 10_000, staleSince: lastHeard };
    expect(summariseConnection(state, lastHeard + 5_000)).toMatchObject({
      status: 'reconnecting',
      label: 'Reconnecting in 5 s',
      asOf: 'data as of 14:03:22',
      detail: 'The stream to Canopy dropped; trying again in 5 s. What is shown is the cluster as of 14:03:22 and may be out of date.',
      announced: 'Reconnecting, data as of 14:03:22',
    });
    expect(summariseConnection({ ...state, retryAt: undefined, retryInMs: undefined }, lastHeard + 12_000)).toMatchObject({ label: 'Reconnecting…', asOf: 'data as of 14:03:22' });
  });

  it('nothing is said to be out of date while live, or while there was no data yet', () => {
    expect(summariseConnection(open({ Pod: { kind: 'Pod', status: 'live', since: 1 } })).asOf).toBeUndefined();
    expect(summariseConnection({ stream: 'reconnecting', synced: false, kinds: {} }).asOf).toBeUndefined();
  });
});

describe('a namespace-scoped identity whose namespace was refused too', () => {
  // The context has no namespace: the server tried `default`, where this identity may read nothing.
  const refused = (kind: 'Pod' | 'PodCliqueSet') => ({
    kind,
    status: 'error' as const,
    since: 1,
    httpStatus: 403,
    namespace: 'default',
    lastError: `may not list ${kind.toLowerCase()}s cluster-wide, nor in namespace default: forbidden`,
  });
  const kinds: ConnectionStates = {
    Node: { kind: 'Node', status: 'error', since: 1, lastError: NODES_FORBIDDEN, httpStatus: 403 },
    Pod: refused('Pod'),
    PodCliqueSet: refused('PodCliqueSet'),
  };

  it('says which namespace was tried and how to change it, and is not mistaken for a scope', () => {
    const limits = accessLimits(kinds);
    expect(limits).toEqual({ scope: null, forbidden: ['Node', 'Pod', 'PodCliqueSet'], refusedIn: { namespace: 'default', kinds: ['Pod', 'PodCliqueSet'] } });
    expect(accessSentences(limits)).toEqual([
      'You may not list Pods, PodCliqueSets, neither cluster-wide nor in namespace default (the only namespace tried).',
      'You may not list Nodes, so the topology page cannot show GPUs.',
      NAMESPACE_HINT,
    ]);
    expect(NAMESPACE_HINT).toContain('Choose a namespace where this identity may list them under Namespace in the cluster panel');
    expect(NAMESPACE_HINT).toContain('CANOPY_NAMESPACE=<namespace>');
    expect(NAMESPACE_HINT).toContain('kubectl config set-context --current --namespace=<namespace>');
    expect(summariseConnection(open(kinds))).toMatchObject({ label: 'Limited', detail: expect.stringContaining('nor in namespace default') });
  });
});

describe('cluster problems (the banner)', () => {
  const every = (state: { status: 'retrying' | 'error' | 'connecting'; lastError: string; httpStatus?: number }): ConnectionStates => ({
    Node: { kind: 'Node', since: 1, ...state },
    Pod: { kind: 'Pod', since: 1, ...state },
    PodCliqueSet: { kind: 'PodCliqueSet', since: 1, ...state },
  });
  const source = { name: 'prod-east', server: 'https://10.0.0.1:6443' };

  it('says refused credentials plainly: 401, the context, what to do, and that Canopy keeps retrying', () => {
    const problem = clusterProblem(every({ status: 'error', lastError: 'Unauthorized', httpStatus: 401 }));
    expect(problem).toEqual({ kind: 'unauthorized', message: 'Unauthorized' });
    const text = problemSentences(problem!, source).join(' ');
    expect(text).toContain('refused Canopy’s credentials (401 Unauthorized) for context “prod-east”');
    expect(text).toMatch(/Refresh them .* restart Canopy/);
    expect(text).toContain('keeps retrying');
  });

  it('says an unreachable API server with its address and the reason, and names a TLS failure', () => {
    const refused = clusterProblem(every({ status: 'retrying', lastError: 'cannot reach the apiserver at 10.0.0.1:6443: connect ECONNREFUSED 10.0.0.1:6443', httpStatus: 503 }));
    expect(refused).toMatchObject({ kind: 'unreachable', tls: false });
    expect(problemSentences(refused!, source)).toEqual([
      'The cluster’s API server at https://10.0.0.1:6443 (context “prod-east”) does not answer Canopy: connect ECONNREFUSED 10.0.0.1:6443.',
      'Canopy keeps retrying; what is shown may be out of date.',
    ]);
    // A watch's failure carries no HTTP status; the CA of the kubeconfig does not sign the server's certificate.
    const wrongCa = clusterProblem(every({ status: 'retrying', lastError: 'self-signed certificate in certificate chain' }));
    expect(wrongCa).toMatchObject({ kind: 'unreachable', tls: true });
    expect(problemSentences(wrongCa!, source)[1]).toMatch(/certificate is not trusted: check the certificate-authority/);
    // The hub's health probe failing (a frozen apiserver) reads the same way.
    const frozen = clusterProblem(every({ status: 'retrying', lastError: 'the apiserver is not answering its health check: cannot reach the apiserver at 10.0.0.1:6443: no answer from 10.0.0.1:6443 within 5s' }));
    expect(problemSentences(frozen!, source)[0]).toBe('The cluster’s API server at https://10.0.0.1:6443 (context “prod-east”) does not answer Canopy: no answer from 10.0.0.1:6443 within 5s.');
  });

  it('says an API server that answers "not ready" reports so, with its failing checks, not that it does not answer', () => {
    const lastError = 'the apiserver reports not ready: etcd failed: reason withheld (/readyz answered 500)';
    const problem = clusterProblem(every({ status: 'retrying', lastError }));
    expect(problem).toEqual({ kind: 'notReady', reason: 'etcd failed: reason withheld (/readyz answered 500)' });
    expect(problemSentences(problem!, source)).toEqual([
      'The cluster’s API server at https://10.0.0.1:6443 (context “prod-east”) reports not ready: etcd failed: reason withheld (/readyz answered 500).',
      'Canopy keeps retrying; what is shown may be out of date.',
    ]);
    // Some kinds suspected, others failing without an answer (a watch reset): still its own words.
    const mixed = { ...every({ status: 'retrying', lastError: 'socket hang up' }), Pod: { kind: 'Pod' as const, status: 'retrying' as const, since: 1, lastError } };
    expect(clusterProblem(mixed)).toMatchObject({ kind: 'notReady' });
    // While a watch still streams (the hub suspects only quiet ones) there is no problem to shout about.
    expect(clusterProblem({ ...every({ status: 'retrying', lastError }), Node: { kind: 'Node', status: 'live', since: 1 } })).toBeNull();
  });

  it('is no problem while any kind is live, for answers of the apiserver (500, 403), or before any failure', () => {
    const kinds = every({ status: 'retrying', lastError: 'connect ECONNREFUSED' });
    expect(clusterProblem({ ...kinds, Pod: { kind: 'Pod', status: 'live', since: 1 } })).toBeNull();
    expect(clusterProblem(every({ status: 'retrying', lastError: 'etcdserver: request timed out', httpStatus: 500 }))).toBeNull();
    expect(clusterProblem({ Node: { kind: 'Node', status: 'error', since: 1, lastError: NODES_FORBIDDEN, httpStatus: 403 } })).toBeNull();
    expect(clusterProblem({ Node: { kind: 'Node', status: 'connecting', since: 1 } })).toBeNull();
    expect(clusterProblem({})).toBeNull();
    // Kinds refused for rights keep their 403 meanwhile: the others' failures still say unreachable.
    expect(clusterProblem({ ...kinds, Node: { kind: 'Node', status: 'error', since: 1, lastError: NODES_FORBIDDEN, httpStatus: 403 } })).toMatchObject({ kind: 'unreachable' });
  });
});

describe('accessSummary: what this identity may do, from its access review, not the server setting', () => {
  const no = { allowed: false, reason: 'RBAC: not allowed' };
  const yes = { allowed: true };
  const answer = (stacks: KindCapabilities | undefined, readOnly = false): Capabilities => ({ namespace: 'team-a', readOnly, kinds: stacks ? { PodCliqueSet: stacks } : {} });
  const ready = (capabilities: Capabilities) => ({ status: 'ready' as const, capabilities });

  it('a viewer that may not create, scale or delete is read only, in the namespace asked about', () => {
    expect(accessSummary(ready(answer({ apply: no, scale: no, delete: no })), 'team-a')).toBe('Read only (this identity may not create, scale or delete PodCliqueSets in team-a)');
  });

  it('full rights read and write; partial rights name both sides', () => {
    expect(accessSummary(ready(answer({ apply: yes, scale: yes, delete: yes })), 'default')).toBe('Read and write: this identity may create, scale and delete PodCliqueSets in default');
    expect(accessSummary(ready(answer({ apply: no, scale: yes, delete: no })), 'team-a')).toBe('Limited: this identity may scale PodCliqueSets in team-a, but not create or delete them');
    expect(accessSummary(ready(answer({ apply: yes, scale: yes, delete: no })), 'team-a')).toBe('Limited: this identity may create and scale PodCliqueSets in team-a, but not delete them');
  });

  it('the server’s read-only mode keeps its wording, whatever the identity may do', () => {
    expect(accessSummary(ready(answer({ apply: yes, scale: yes, delete: yes }, true)), 'team-a')).toBe(SERVER_READ_ONLY);
  });

  it('while asking, on failure, or with no answer for PodCliqueSets it says so, never "read and write"', () => {
    expect(accessSummary({ status: 'loading' }, 'team-a')).toBe('Checking what this identity may do in team-a…');
    expect(accessSummary({ status: 'error', message: 'The server refuses: Unauthorized.' }, 'team-a')).toBe('Not known: could not ask what this identity may do in team-a (The server refuses: Unauthorized)');
    expect(accessSummary(ready(answer(undefined)), 'team-a')).toBe('Not known: the server did not say what this identity may do with PodCliqueSets in team-a');
  });
});
