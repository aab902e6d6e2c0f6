/**
 * dryRun is true, false or left out, nothing else: `?dryRun=All` on /api/apply and `"dryRun": "true"`
 * on /api/scale and /api/delete were real writes. Each is a 400 naming dryRun, and the simulated
 * cluster is left as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as apply } from '../../app/api/apply/route';
import { POST as deleteRoute } from '../../app/api/delete/route';
import { POST as scale } from '../../app/api/scale/route';
import { stringifyObject } from '../../lib/grove/manifest';
import type { KubeObject } from '../../lib/grove/meta';
import { setClusterSource } from '../sources';
import { createSimulatedSource, type SimulatedSource } from '../sources/simulated';
import { dryRunOfBody, dryRunOfQuery } from './dryRun';

const HEADERS = { host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000', 'x-canopy-request': '1' };
const request = (route: string, body: string, contentType: string) => new Request(`http://127.0.0.1:3000${route}`, { method: 'POST', headers: { ...HEADERS, 'content-type': contentType }, body });
const errorOf = async (response: Response) => ((await response.json()) as { error: { status: number; reason: string; message: string } }).error;

describe('dryRunOfQuery', () => {
  it('reads no dryRun as false, and dryRun=true or false as given', () => {
    expect(dryRunOfQuery(new URLSearchParams(''))).toBe(false);
    expect(dryRunOfQuery(new URLSearchParams('dryRun=true&force=true'))).toBe(true);
    expect(dryRunOfQuery(new URLSearchParams('dryRun=false'))).toBe(false);
  });

  it.each(['dryRun=All', 'dryRun=', 'dryRun', 'dryRun=TRUE', 'dryRun=1', 'dryRun=true&dryRun=false'])('refuses ?%s with a 400 naming dryRun', async (query) => {
    const answer = dryRunOfQuery(new URLSearchParams(query));
    expect(answer).toBeInstanceOf(Response);
    const response = answer as Response;
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toMatch(/^dryRun must be/);
  });
});

describe('dryRunOfBody', () => {
  it('reads a missing dryRun as false, and a JSON boolean as given', () => {
    expect(dryRunOfBody(undefined)).toBe(false);
    expect(dryRunOfBody(true)).toBe(true);
    expect(dryRunOfBody(false)).toBe(false);
  });

  it.each([['true', 'the string "true"'], [1, 'a number'], [null, 'null'], [[true], 'a list'], [{}, 'an object']] as const)('refuses %j with a 400 saying what it got', async (value, got) => {
    const response = dryRunOfBody(value) as Response;
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toBe(`dryRun must be true or false (a JSON boolean) when given (got ${got})`);
  });
});

describe('the mutating routes refuse a dryRun that is not true or false, and change nothing', () => {
  // One of the demo's running stacks.
  let source: SimulatedSource;
  let target: { kind: 'PodCliqueSet'; namespace: string; name: string };
  let replicas: number;
  const stack = () => source.store.get('PodCliqueSet', `${target.namespace}/${target.name}`) as (KubeObject & { spec: { replicas: number } }) | undefined;
  beforeAll(async () => {
    source = createSimulatedSource({ scenario: 'demo', tickMs: 0, seed: 5 });
    const { metadata } = source.store.all('PodCliqueSet')[0]!;
    target = { kind: 'PodCliqueSet', namespace: metadata!.namespace!, name: metadata!.name! };
    replicas = stack()!.spec.replicas;
    await setClusterSource(source);
  });
  afterAll(() => setClusterSource(undefined));

  it('POST /api/apply?dryRun=All (kubectl\'s word) is a 400, not an apply', async () => {
    const { apiVersion, kind, spec } = stack()!;
    const scaledUp = stringifyObject({ apiVersion, kind, metadata: { namespace: target.namespace, name: target.name }, spec: { ...spec, replicas: replicas + 1 } });
    const response = await apply(request('/api/apply?dryRun=All', scaledUp, 'application/yaml'));
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toEqual({ status: 400, reason: 'BadRequest', message: 'dryRun must be true or false when given (got dryRun="All")' });
    expect(stack()?.spec.replicas).toBe(replicas);
    // The same manifest as a dry run is answered, and still changes nothing.
    expect((await apply(request('/api/apply?dryRun=true', scaledUp, 'application/yaml'))).status).toBe(200);
    expect(stack()?.spec.replicas).toBe(replicas);
  });

  it('POST /api/scale with "dryRun": "true" (a string) is a 400, not a scale', async () => {
    const response = await scale(request('/api/scale', JSON.stringify({ ...target, replicas: replicas + 1, dryRun: 'true' }), 'application/json'));
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toBe('dryRun must be true or false (a JSON boolean) when given (got the string "true")');
    expect(stack()?.spec.replicas).toBe(replicas);
  });

  it('POST /api/delete with "dryRun": "true" (a string) is a 400, not a delete', async () => {
    const response = await deleteRoute(request('/api/delete', JSON.stringify({ ...target, dryRun: 'true' }), 'application/json'));
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toBe('dryRun must be true or false (a JSON boolean) when given (got the string "true")');
    expect(stack()).toBeDefined();
    // A real dry run of the delete is answered as one and leaves the stack too.
    const dry = await deleteRoute(request('/api/delete', JSON.stringify({ ...target, dryRun: true }), 'application/json'));
    expect(await dry.json()).toMatchObject({ dryRun: true, deleted: true });
    expect(stack()).toBeDefined();
  });
});
