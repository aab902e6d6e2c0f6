/** CRD schema rules (schema.*), ObjectMeta rules (meta.*) and object.kind, through validate(). */
import { describe, expect, test } from 'vitest';
import { validateSchema, int32, obj } from '../schema';
import { validate } from '.';
import { clique, DECODE, expectClean, expectNone, expectOne, pcsWith, ROUTER, validPcs, withRule, WORKER, type Json } from './fixtures';

describe('object.kind', () => {
  test("an object without apiVersion/kind rejected; other groups' kinds pass through with no findings", () => {
    expectOne(validate({ metadata: { name: 'x' } }), 'object.kind', '');
    expectOne(validate('text'), 'object.kind', '');
    expectClean(validate({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Not_Valid' }, data: null }));
    // A Grove group's unknown version is no longer "not Grove": see kind.test.ts (schema.unknownKind).
    expectOne(validate({ apiVersion: 'grove.io/v1beta9', kind: 'PodCliqueSet' }), 'schema.unknownKind', '/apiVersion');
  });
});

describe('schema.*', () => {
  test('schema.required: roleName, replicas, podSpec, containers, template, cliques, spec', () => {
    expectOne(validate(pcsWith((p) => delete p.cliqueSpec(ROUTER).roleName)), 'schema.required', clique(ROUTER, 'spec/roleName'));
    expectOne(validate(pcsWith((p) => delete p.podSpec(ROUTER).containers)), 'schema.required', clique(ROUTER, 'spec/podSpec/containers'));
    expectOne(validate(pcsWith((p) => delete p.clique(ROUTER).spec)), 'schema.required', clique(ROUTER, 'spec'));
    expectOne(validate(pcsWith((p) => delete p.spec.template)), 'schema.required', '/spec/template');
    expectOne(validate(pcsWith((p) => delete p.root.spec)), 'schema.required', '/spec');
    expectOne(validate(pcsWith((p) => delete p.group(0).cliqueNames)), 'schema.required', '/spec/template/podCliqueScalingGroups/0/cliqueNames');
    expectNone(validate(validPcs()), 'schema.required');
  });

  test('schema.type: wrong JSON types rejected at the field', () => {
    expectOne(validate(pcsWith((p) => (p.spec.replicas = '3'))), 'schema.type', '/spec/replicas');
    expectOne(validate(pcsWith((p) => (p.cliqueSpec(ROUTER).replicas = 1.5))), 'schema.type', clique(ROUTER, 'spec/replicas'));
    expectOne(validate(pcsWith((p) => (p.cliqueSpec(ROUTER).startsAfter = 'decode'))), 'schema.type', clique(ROUTER, 'spec/startsAfter'));
    expectOne(validate(pcsWith((p) => (p.template.headlessServiceConfig = { publishNotReadyAddresses: 'yes' }))), 'schema.type', '/spec/template/headlessServiceConfig/publishNotReadyAddresses');
    expectOne(validate(pcsWith((p) => (p.clique(ROUTER).labels = { role: 7 }))), 'schema.type', clique(ROUTER, 'labels/role'));
    expectNone(validate(validPcs()), 'schema.type');
  });

  test('schema.enum: cliqueStartupType, updateStrategy.type, resourceSharing scope', () => {
    expectOne(validate(pcsWith((p) => (p.template.cliqueStartupType = 'Explicit'))), 'schema.enum', '/spec/template/cliqueStartupType');
    expectOne(validate(pcsWith((p) => (p.spec.updateStrategy = { type: 'Rolling' }))), 'schema.enum', '/spec/updateStrategy/type');
    expectOne(validate(pcsWith((p) => (p.template.resourceSharing = [{ name: 'c', scope: 'Everywhere' }]))), 'schema.enum', '/spec/template/resourceSharing/0/scope');
    expectNone(validate(pcsWith((p) => (p.spec.updateStrategy = { type: 'OnDelete' }))), 'schema.enum');
  });

  test('schema.pattern: topology domains and resource quantities', () => {
    const domain = pcsWith((p) => (p.template.topologyConstraint = { topologyName: 't', pack: { required: 'Rack' } }));
    expectOne(validate(domain), 'schema.pattern', '/spec/template/topologyConstraint/pack/required');
    const qty = pcsWith((p) => ((p.podSpec(DECODE).containers as Json[])[0]!.resources = { limits: { 'nvidia.com/gpu': '4 GPUs' } }));
    expectOne(validate(qty), 'schema.pattern', clique(DECODE, 'spec/podSpec/containers/0/resources/limits/nvidia.com~1gpu'));
    const ok = pcsWith((p) => ((p.podSpec(DECODE).containers as Json[])[0]!.resources = { requests: { memory: '64Gi', cpu: '500m' }, limits: { 'nvidia.com/gpu': 4 } }));
    expectClean(validate(ok));
  });

  test('schema.format: replicas beyond int32 rejected; the int32 maximum accepted', () => {
    expectOne(validate(pcsWith((p) => (p.spec.replicas = 2 ** 31))), 'schema.format', '/spec/replicas');
    expectNone(validate(pcsWith((p) => (p.spec.replicas = 2 ** 31 - 1))), 'schema.format');
    expectOne(validate(pcsWith((p) => (p.podSpec(ROUTER).terminationGracePeriodSeconds = 2 ** 64))), 'schema.format', clique(ROUTER, 'spec/podSpec/terminationGracePeriodSeconds'));
  });

  test('schema.minimum, schema.minLength, schema.maxLength through the interpreter', () => {
    // No Grove field declares a minimum; the rule is exercised on a schema of its own.
    expect(validateSchema({ n: -1 }, obj({ n: int32({ minimum: 0 }) })).map((f) => [f.rule, f.path])).toEqual([['schema.minimum', '/n']]);
    expect(validateSchema({ n: 0 }, obj({ n: int32({ minimum: 0 }) }))).toEqual([]);
    const long = pcsWith((p) => (p.template.topologyConstraint = { topologyName: 't', pack: { required: 'r'.repeat(64) } }));
    expectOne(validate(long), 'schema.maxLength', '/spec/template/topologyConstraint/pack/required');
    const empty = pcsWith((p) => (p.template.topologyConstraint = { topologyName: 't', pack: { preferred: '' } }));
    expectOne(validate(empty), 'schema.minLength', '/spec/template/topologyConstraint/pack/preferred');
  });

  test('schema.listMapKey: duplicate clique names, container names and env names rejected at the later item', () => {
    const dupClique = pcsWith((p) => (p.clique(DECODE).name = 'router'));
    expectOne(validate(dupClique), 'schema.listMapKey', clique(DECODE));
    const dupEnv = pcsWith((p) => ((p.podSpec(WORKER).containers as Json[])[0]!.env = [{ name: 'A' }, { name: 'A', value: '2' }]));
    expectOne(validate(dupEnv), 'schema.listMapKey', clique(WORKER, 'spec/podSpec/containers/0/env/1'));
    expectNone(validate(validPcs()), 'schema.listMapKey');
  });

  test('schema.minItems: a ClusterTopologyBinding needs a level', () => {
    expectOne(validate({ apiVersion: 'grove.io/v1alpha1', kind: 'ClusterTopologyBinding', metadata: { name: 'x' }, spec: { levels: [] } }), 'schema.minItems', '/spec/levels');
  });

  test("schema.unknownField: a misspelt field is an error, as Canopy's apply refuses it (strict field validation); open PodSpec parts are not judged", () => {
    const typo = pcsWith((p) => (p.template.scalingGroups = []));
    expectOne(validate(typo), 'schema.unknownField', '/spec/template/scalingGroups', 'error');
    const [finding] = validate(typo).filter((f) => f.rule === 'schema.unknownField');
    expect(finding?.message).toMatch(/^unknown field "scalingGroups": .*Canopy's apply refuses it/);
    expect(finding?.message).not.toMatch(/drops it/);
    const misspelt = pcsWith((p) => (p.cliqueSpec(ROUTER).minAvailabe = 1));
    expectOne(validate(misspelt), 'schema.unknownField', clique(ROUTER, 'spec/minAvailabe'), 'error');
    expectNone(validate(pcsWith((p) => (p.podSpec(ROUTER).shareProcessNamespace = true))), 'schema.unknownField');
  });

  test('generated kinds are checked against their own schemas', () => {
    const pclq = { apiVersion: 'grove.io/v1alpha1', kind: 'PodClique', metadata: { name: 'disagg-0-router', namespace: 'x' }, spec: { roleName: 'r', replicas: 1, podSpec: { containers: [{ name: 'c' }] } } };
    expectClean(validate(pclq));
    expectOne(validate({ ...pclq, spec: { roleName: 'r', podSpec: { containers: [] } } }), 'schema.required', '/spec/replicas');
    const pcsg = { apiVersion: 'grove.io/v1alpha1', kind: 'PodCliqueScalingGroup', metadata: { name: 'disagg-0-prefill' }, spec: { replicas: 2, cliqueNames: ['leader'] } };
    expectClean(validate(pcsg));
    const gang = { apiVersion: 'scheduler.grove.io/v1alpha1', kind: 'PodGang', metadata: { name: 'disagg-0' }, spec: { podgroups: [{ name: 'disagg-0-router', podReferences: [], minReplicas: 2 }] } };
    expectClean(validate(gang));
    expectOne(validate({ ...gang, spec: { podGroups: [] } }), 'schema.required', '/spec/podgroups');
  });
});

describe('meta.*', () => {
  test('meta.name: missing metadata, missing name and a non-DNS name rejected; generateName accepted', () => {
    expectOne(validate(pcsWith((p) => delete p.root.metadata)), 'meta.name', '/metadata');
    expectOne(validate(pcsWith((p) => delete p.metadata.name)), 'meta.name', '/metadata/name');
    expectOne(validate(pcsWith((p) => (p.metadata.name = 'Disagg'))), 'meta.name', '/metadata/name');
    expectNone(validate(pcsWith((p) => (delete p.metadata.name, (p.metadata.generateName = 'disagg-')))), 'meta.name');
  });

  test('meta.namespace: a namespace that is not a DNS label rejected; absent (defaulted) accepted', () => {
    expectOne(validate(pcsWith((p) => (p.metadata.namespace = 'my.ns'))), 'meta.namespace', '/metadata/namespace');
    expectNone(validate(pcsWith((p) => delete p.metadata.namespace)), 'meta.namespace');
  });

  test('meta.labelKey and meta.labelValue, on the PCS and on clique templates', () => {
    expectOne(validate(pcsWith((p) => (p.metadata.labels = { 'bad key': 'v' }))), 'meta.labelKey', '/metadata/labels/bad key');
    expectOne(validate(pcsWith((p) => (p.clique(ROUTER).labels = { 'a/b/c': 'v' }))), 'meta.labelKey', clique(ROUTER, 'labels/a~1b~1c'));
    expectOne(validate(pcsWith((p) => (p.clique(ROUTER).labels = { role: 'has space' }))), 'meta.labelValue', clique(ROUTER, 'labels/role'));
    expectOne(validate(pcsWith((p) => (p.metadata.labels = { v: 'x'.repeat(64) }))), 'meta.labelValue', '/metadata/labels/v');
    expectClean(validate(pcsWith((p) => (p.metadata.labels = { 'example.com/Team_A': 'v1.2-x', empty: '' }))));
  });

  test('meta.annotationKey and meta.annotationSize, on the PCS, cliques and groups', () => {
    expectOne(validate(pcsWith((p) => (p.metadata.annotations = { '-bad': 'v' }))), 'meta.annotationKey', '/metadata/annotations/-bad');
    expectOne(validate(pcsWith((p) => (p.group(0).annotations = { 'x/': 'v' }))), 'meta.annotationKey', '/spec/template/podCliqueScalingGroups/0/annotations/x~1');
    // Annotation keys are case-insensitive in the check; any value text is fine.
    expectNone(validate(pcsWith((p) => (p.metadata.annotations = { 'Example.COM/Note': 'any text: ok!' }))), 'meta.annotationKey');
    const big = pcsWith((p) => (p.clique(ROUTER).annotations = { note: 'x'.repeat(256 * 1024) }));
    expectOne(validate(big), 'meta.annotationSize', clique(ROUTER, 'annotations'));
    expectNone(validate(pcsWith((p) => (p.clique(ROUTER).annotations = { note: 'x'.repeat(256 * 1024 - 4) }))), 'meta.annotationSize');
  });

  test('findings are deduplicated', () => {
    const findings = validate(pcsWith((p) => (p.metadata.name = 'Bad')));
    expect(withRule(findings, 'meta.name')).toHaveLength(1);
  });
});

describe('keys named like Object.prototype members', () => {
  test('"constructor" or "toString" in a manifest is an unknown field, not a schema', () => {
    const findings = validate(pcsWith((p) => Object.assign(p.cliqueSpec(ROUTER), { constructor: 1, toString: 'x' })));
    expect(withRule(findings, 'schema.unknownField').map((f) => f.path).sort()).toEqual([clique(ROUTER, 'spec/constructor'), clique(ROUTER, 'spec/toString')]);
  });
});
