/** validate() and validateUpdate() never throw, whatever JSON-ish input a half-written manifest gives them. */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { validate, validateUpdate, type ValidationContext } from '.';
import { GB200_LEVELS, pcsWith, validBinding, validPcs, type Json, type PcsView } from './fixtures';

const PCS = { apiVersion: 'grove.io/v1alpha1', kind: 'PodCliqueSet' };
const CTB = { apiVersion: 'grove.io/v1alpha1', kind: 'ClusterTopologyBinding' };
const contexts: ValidationContext[] = [{}, { topologies: { gb200: GB200_LEVELS }, topologyAwareScheduling: true, autoMNNVLEnabled: false, defaultSchedulerProfile: 'kai-scheduler' }];

/** Hand-picked malformed shapes: whole objects and single-field breakages of the fixture. */
const malformed: [string, unknown][] = [
  ['null', null],
  ['a number', 42],
  ['an array', [PCS]],
  ['kind only', { kind: 'PodCliqueSet' }],
  ['spec as a string', { ...PCS, metadata: { name: 'x' }, spec: 'replicas: 1' }],
  ['spec null', { ...PCS, metadata: { name: 'x' }, spec: null }],
  ['spec an array', { ...PCS, metadata: { name: 'x' }, spec: [] }],
  ['metadata a string', { ...PCS, metadata: 'x', spec: { template: { cliques: [] } } }],
  ['metadata.name a number', { ...PCS, metadata: { name: 7 }, spec: { template: { cliques: [] } } }],
  ['template a number', { ...PCS, metadata: { name: 'x' }, spec: { template: 1 } }],
  ['cliques as a map', { ...PCS, metadata: { name: 'x' }, spec: { template: { cliques: { router: { spec: {} } } } } }],
  ['cliques of nulls and strings', { ...PCS, metadata: { name: 'x' }, spec: { template: { cliques: [null, 'router', 3, []] } } }],
  ...(
    [
      ['podSpec null', (p) => (p.cliqueSpec(0).podSpec = null)],
      ['podSpec a string', (p) => (p.cliqueSpec(0).podSpec = 'busybox')],
      ['containers a map', (p) => (p.podSpec(0).containers = { app: { image: 'x' } })],
      ['containers of nulls', (p) => (p.podSpec(0).containers = [null, 1])],
      ['env a string', (p) => ((p.podSpec(2).containers as Json[])[0]!.env = 'A=1')],
      ['env entries without names', (p) => ((p.podSpec(2).containers as Json[])[0]!.env = [{}, null, { name: 5 }])],
      ['resources a list', (p) => ((p.podSpec(1).containers as Json[])[0]!.resources = ['gpu'])],
      ['limits null', (p) => ((p.podSpec(1).containers as Json[])[0]!.resources = { limits: null })],
      ['clique spec a list', (p) => (p.clique(0).spec = [1, 2])],
      ['clique name a number', (p) => (p.clique(1).name = 12)],
      ['clique name an object', (p) => (p.clique(1).name = { a: 1 })],
      ['replicas a string', (p) => (p.cliqueSpec(0).replicas = 'two')],
      ['replicas NaN-ish', (p) => (p.cliqueSpec(0).replicas = Number.NaN)],
      ['replicas Infinity', (p) => (p.spec.replicas = Number.POSITIVE_INFINITY)],
      ['minAvailable null', (p) => (p.cliqueSpec(0).minAvailable = null)],
      ['startsAfter a string', (p) => (p.cliqueSpec(0).startsAfter = 'decode')],
      ['startsAfter with non-strings', (p) => (p.cliqueSpec(0).startsAfter = [null, 3, { x: 1 }, 'decode'])],
      ['autoScalingConfig a number', (p) => (p.cliqueSpec(3).autoScalingConfig = 4)],
      ['autoScalingConfig with strings', (p) => (p.cliqueSpec(3).autoScalingConfig = { minReplicas: 'a', maxReplicas: 'b' })],
      ['labels a list', (p) => (p.clique(0).labels = ['a'])],
      ['annotations a string', (p) => (p.metadata.annotations = 'grove.io/mnnvl-group=x')],
      ['annotation values not strings', (p) => (p.clique(1).annotations = { 'grove.io/mnnvl-group': 5, 'kai.scheduler/queue': null })],
      ['groups as a map', (p) => (p.template.podCliqueScalingGroups = { prefill: ['leader'] })],
      ['group cliqueNames a string', (p) => (p.group(0).cliqueNames = 'leader,worker')],
      ['group cliqueNames with non-strings', (p) => (p.group(0).cliqueNames = [null, 1, 'leader'])],
      ['group name missing', (p) => delete p.group(0).name],
      ['scaleConfig a string', (p) => (p.group(0).scaleConfig = 'auto')],
      ['terminationDelay a number', (p) => (p.template.terminationDelay = 3600)],
      ['cliqueStartupType a number', (p) => (p.template.cliqueStartupType = 2)],
      ['topologyConstraint a string', (p) => (p.template.topologyConstraint = 'rack')],
      ['pack a string', (p) => (p.template.topologyConstraint = { topologyName: 'gb200', pack: 'rack' })],
      ['pack.required a number', (p) => (p.clique(0).topologyConstraint = { topologyName: 'gb200', pack: { required: 3 } })],
      ['topologyName a number', (p) => (p.group(0).topologyConstraint = { topologyName: 1, packDomain: 'rack' })],
      ['resourceClaimTemplates of strings', (p) => (p.template.resourceClaimTemplates = ['a', null])],
      ['templateSpec a string', (p) => (p.template.resourceClaimTemplates = [{ name: 'a', templateSpec: 'x' }])],
      ['resourceSharing a map', (p) => (p.template.resourceSharing = { a: 1 })],
      ['resourceSharing filter a list', (p) => (p.template.resourceSharing = [{ name: 'a', scope: 'PerReplica', filter: ['router'] }])],
      ['group resourceSharing filter names not strings', (p) => (p.group(0).resourceSharing = [{ name: 'a', scope: 'PerReplica', filter: { childCliqueNames: [1] } }])],
      ['schedulerName a number', (p) => (p.podSpec(0).schedulerName = 5)],
      ['updateStrategy a string', (p) => (p.spec.updateStrategy = 'OnDelete')],
      ['a __proto__ key', (p) => (p.clique(0).labels = JSON.parse('{"__proto__": {"x": 1}}') as Json)],
    ] as [string, (p: PcsView) => void][]
  ).map(([name, edit]): [string, unknown] => [name, pcsWith(edit)]),
  ['binding spec a string', { ...CTB, metadata: { name: 'b' }, spec: 'levels' }],
  ['binding levels a map', { ...CTB, metadata: { name: 'b' }, spec: { levels: { zone: 'z' } } }],
  ['binding levels of junk', { ...CTB, metadata: { name: 'b' }, spec: { levels: [null, 'zone', { domain: 1, key: [] }] } }],
  ['binding schedulerTopologyBindings of junk', { ...CTB, metadata: { name: 'b' }, spec: { levels: [{ domain: 'zone', key: 'z' }], schedulerTopologyBindings: [null, { schedulerName: 1 }, 'kai'] } }],
];

describe('robustness', () => {
  test(`validate() returns findings for ${malformed.length} malformed shapes without throwing`, () => {
    expect(malformed.length).toBeGreaterThanOrEqual(40);
    for (const [name, input] of malformed) {
      for (const ctx of contexts) {
        let findings: unknown;
        expect(() => (findings = validate(input, ctx)), name).not.toThrow();
        expect(Array.isArray(findings), name).toBe(true);
      }
    }
  });

  test('validateUpdate() does not throw on malformed old or new objects', () => {
    for (const [name, input] of malformed) {
      expect(() => validateUpdate(validPcs(), input), `new: ${name}`).not.toThrow();
      expect(() => validateUpdate(input, validPcs()), `old: ${name}`).not.toThrow();
      expect(() => validateUpdate(input, input), `both: ${name}`).not.toThrow();
    }
  });

  test('every finding of a malformed object is well-formed (JSON pointer path, known severity, a message)', () => {
    for (const [name, input] of malformed) {
      for (const f of validate(input, contexts[1])) {
        expect(f.path === '' || f.path.startsWith('/'), `${name}: ${f.path}`).toBe(true);
        expect(['error', 'warning']).toContain(f.severity);
        expect(f.rule).toMatch(/^[a-z]+\.[A-Za-z]+$/);
        expect(f.message.length).toBeGreaterThan(0);
      }
    }
  });

  test('random JSON anywhere in a PodCliqueSet or binding never makes the validator throw', () => {
    const paths: ((p: PcsView, v: unknown) => void)[] = [
      (p, v) => (p.root.spec = v),
      (p, v) => (p.spec.template = v),
      (p, v) => (p.template.cliques = v),
      (p, v) => ((p.template.cliques as unknown[])[1] = v),
      (p, v) => (p.clique(0).spec = v),
      (p, v) => (p.cliqueSpec(0).podSpec = v),
      (p, v) => (p.cliqueSpec(2).startsAfter = v),
      (p, v) => (p.template.podCliqueScalingGroups = v),
      (p, v) => (p.group(0).cliqueNames = v),
      (p, v) => (p.template.topologyConstraint = v),
      (p, v) => (p.clique(2).topologyConstraint = v),
      (p, v) => (p.root.metadata = v),
      (p, v) => (p.clique(3).annotations = v),
    ];
    fc.assert(
      fc.property(fc.nat(paths.length - 1), fc.jsonValue(), fc.boolean(), (which, value, update) => {
        const pcs = pcsWith((p) => paths[which]!(p, value));
        if (update) validateUpdate(validPcs(), pcs, contexts[1]);
        else validate(pcs, contexts[1]);
        const b = validBinding();
        (b.spec as Json).levels = value;
        validate(b);
      }),
      { numRuns: 1000, seed: 20260828 },
    );
  });
});
