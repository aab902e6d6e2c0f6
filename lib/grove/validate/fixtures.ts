/**
 * Test fixtures for the validator: a fully explicit, valid, multi-node disaggregated PodCliqueSet
 * (router → prefill leader + workers in a scaling group, decode) and helpers that keep each test to
 * a few lines. Canopy's own example, not one of Grove's samples.
 */
import { expect } from 'vitest';
import type { Finding } from '../findings';
import { isRecord } from '../meta';

export type Json = Record<string, unknown>;

const container = (name: string, image: string, gpus?: number): Json => ({
  name,
  image,
  command: ['sleep', 'infinity'],
  ...(gpus ? { resources: { limits: { 'nvidia.com/gpu': gpus } } } : {}),
});

/**
 * `disagg` (7 chars): standalone `router` (2 pods) and `decode` (2 pods), scaling group `prefill`
 * (2 replicas, minAvailable 1) of `leader` (1 pod) + `worker` (3 pods). Every defaultable field
 * is written out except `podSpec.restartPolicy` (writing it earns Grove's "will be ignored" warning).
 */
export function validPcs(): Json {
  return {
    apiVersion: 'grove.io/v1alpha1',
    kind: 'PodCliqueSet',
    metadata: { name: 'disagg', namespace: 'inference', labels: { 'app.kubernetes.io/name': 'disagg' } },
    spec: {
      replicas: 1,
      updateStrategy: { type: 'RollingRecreate' },
      template: {
        cliqueStartupType: 'CliqueStartupTypeExplicit',
        terminationDelay: '4h',
        headlessServiceConfig: { publishNotReadyAddresses: true },
        cliques: [
          {
            name: 'router',
            labels: { role: 'router' },
            spec: {
              roleName: 'router',
              replicas: 2,
              minAvailable: 2,
              startsAfter: ['decode', 'leader'],
              podSpec: { terminationGracePeriodSeconds: 30, containers: [container('router', 'ghcr.io/canopy/router:1.0')] },
            },
          },
          {
            name: 'leader',
            spec: {
              roleName: 'prefill-leader',
              replicas: 1,
              minAvailable: 1,
              podSpec: { terminationGracePeriodSeconds: 30, containers: [container('engine', 'ghcr.io/canopy/engine:1.0', 8)] },
            },
          },
          {
            name: 'worker',
            spec: {
              roleName: 'prefill-worker',
              replicas: 3,
              minAvailable: 3,
              startsAfter: ['leader'],
              podSpec: {
                terminationGracePeriodSeconds: 30,
                containers: [{ ...container('engine', 'ghcr.io/canopy/engine:1.0', 8), env: [{ name: 'ENGINE_ROLE', value: 'worker' }] }],
              },
            },
          },
          {
            name: 'decode',
            spec: {
              roleName: 'decode',
              replicas: 2,
              minAvailable: 1,
              autoScalingConfig: { minReplicas: 2, maxReplicas: 4 },
              podSpec: { terminationGracePeriodSeconds: 30, containers: [container('engine', 'ghcr.io/canopy/engine:1.0', 4)] },
            },
          },
        ],
        podCliqueScalingGroups: [{ name: 'prefill', cliqueNames: ['leader', 'worker'], replicas: 2, minAvailable: 1 }],
      },
    },
  };
}

/** Clique / group indexes of validPcs(), so tests read by name. */
export const ROUTER = 0;
export const LEADER = 1;
export const WORKER = 2;
export const DECODE = 3;
export const PREFILL = 0;

/** validPcs() changed by `edit` (which may mutate its argument freely). */
export function pcsWith(edit: (pcs: PcsView) => void): Json {
  const pcs = validPcs();
  edit(view(pcs));
  return pcs;
}

/** Typed handles into a PodCliqueSet-shaped object, for terse edits in tests. */
export interface PcsView {
  root: Json;
  metadata: Json;
  spec: Json;
  template: Json;
  clique(i: number): Json;
  cliqueSpec(i: number): Json;
  podSpec(i: number): Json;
  group(i: number): Json;
}

export function view(pcs: Json): PcsView {
  const rec = (v: unknown): Json => {
    if (!isRecord(v)) throw new Error('fixture shape changed');
    return v;
  };
  const template = () => rec(rec(pcs.spec).template);
  const clique = (i: number) => rec((template().cliques as unknown[])[i]);
  return {
    root: pcs,
    get metadata() {
      return rec(pcs.metadata);
    },
    get spec() {
      return rec(pcs.spec);
    },
    get template() {
      return template();
    },
    clique,
    cliqueSpec: (i) => rec(clique(i).spec),
    podSpec: (i) => rec(rec(clique(i).spec).podSpec),
    group: (i) => rec((template().podCliqueScalingGroups as unknown[])[i]),
  };
}

/** A valid ClusterTopologyBinding. */
export function validBinding(): Json {
  return {
    apiVersion: 'grove.io/v1alpha1',
    kind: 'ClusterTopologyBinding',
    metadata: { name: 'gb200' },
    spec: {
      levels: [
        { domain: 'zone', key: 'topology.kubernetes.io/zone' },
        { domain: 'block', key: 'example.com/nvl-block' },
        { domain: 'rack', key: 'example.com/rack' },
        { domain: 'host', key: 'kubernetes.io/hostname' },
      ],
    },
  };
}

/** Levels of validBinding() as a validation context's cluster snapshot entry. */
export const GB200_LEVELS = [
  { domain: 'zone', key: 'topology.kubernetes.io/zone' },
  { domain: 'block', key: 'example.com/nvl-block' },
  { domain: 'rack', key: 'example.com/rack' },
  { domain: 'host', key: 'kubernetes.io/hostname' },
];

export const withRule = (findings: readonly Finding[], rule: string): Finding[] => findings.filter((f) => f.rule === rule);

/** Asserts exactly one finding with `rule` exists, at `path`, with `severity`; returns it. */
export function expectOne(findings: readonly Finding[], rule: string, path: string, severity: Finding['severity'] = 'error'): Finding {
  const hits = withRule(findings, rule);
  expect(hits.map((f) => [f.rule, f.path, f.severity]), JSON.stringify(findings, null, 1)).toEqual([[rule, path, severity]]);
  return hits[0]!;
}

/** Asserts a finding with `rule` exists at `path` (others with the same rule may exist). */
export function expectAt(findings: readonly Finding[], rule: string, path: string, severity: Finding['severity'] = 'error'): Finding {
  const hit = findings.find((f) => f.rule === rule && f.path === path);
  expect(hit, `no ${rule} at ${path} in ${JSON.stringify(findings, null, 1)}`).toBeDefined();
  expect(hit!.severity).toBe(severity);
  return hit!;
}

export function expectNone(findings: readonly Finding[], rule: string): void {
  expect(withRule(findings, rule), JSON.stringify(findings, null, 1)).toEqual([]);
}

/** No findings at all (not even warnings). */
export function expectClean(findings: readonly Finding[]): void {
  expect(findings, JSON.stringify(findings, null, 1)).toEqual([]);
}

export const clique = (i: number, ...rest: (string | number)[]): string => ['/spec/template/cliques', i, ...rest].join('/');
export const group = (i: number, ...rest: (string | number)[]): string => ['/spec/template/podCliqueScalingGroups', i, ...rest].join('/');
