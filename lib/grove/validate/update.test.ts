/** UPDATE: immutability (API-NOTES §5.4) and what stays mutable. */
import { describe, expect, test } from 'vitest';
import { validateUpdate } from '.';
import { clique, DECODE, expectClean, expectNone, expectOne, group, LEADER, pcsWith, PREFILL, ROUTER, validBinding, validPcs, WORKER, type Json, type PcsView } from './fixtures';

const MNNVL = 'grove.io/mnnvl-group';
const TEMPLATE = '/spec/template';

/** Findings for updating validPcs() (after `before`) to the same object changed by `edit`. */
function update(edit: (p: PcsView) => void, before?: (p: PcsView) => void) {
  const old = pcsWith((p) => before?.(p));
  const next = pcsWith((p) => {
    before?.(p);
    edit(p);
  });
  return validateUpdate(old, next);
}

describe('mutable fields (§5.4)', () => {
  test('an unchanged object has no findings', () => {
    expectClean(validateUpdate(validPcs(), validPcs()));
  });

  test.each<[string, (p: PcsView) => void]>([
    ['spec.replicas', (p) => (p.spec.replicas = 5)],
    ['updateStrategy', (p) => (p.spec.updateStrategy = { type: 'OnDelete' })],
    ['terminationDelay', (p) => (p.template.terminationDelay = '30m')],
    ['priorityClassName', (p) => (p.template.priorityClassName = 'high')],
    ['headlessServiceConfig', (p) => (p.template.headlessServiceConfig = { publishNotReadyAddresses: false })],
    ['clique replicas (minAvailable kept)', (p) => (p.cliqueSpec(ROUTER).replicas = 4)],
    ['podSpec image', (p) => (((p.podSpec(DECODE).containers as Json[])[0]!.image = 'ghcr.io/canopy/engine:1.1'))],
    ['podSpec env', (p) => (((p.podSpec(WORKER).containers as Json[])[0]!.env = [{ name: 'ENGINE_ROLE', value: 'w2' }]))],
    ['clique labels and annotations', (p) => ((p.clique(ROUTER).labels = { role: 'edge' }), (p.clique(ROUTER).annotations = { note: 'x' }))],
    ['autoScalingConfig', (p) => (p.cliqueSpec(DECODE).autoScalingConfig = { minReplicas: 2, maxReplicas: 8 })],
    ['scaling group replicas', (p) => (p.group(PREFILL).replicas = 4)],
    ['scaling group scaleConfig', (p) => (p.group(PREFILL).scaleConfig = { maxReplicas: 6 })],
    ['PCS labels', (p) => ((p.metadata.labels as Json).team = 'a')],
  ])('%s is mutable', (_, edit) => {
    expectClean(update(edit));
  });

  // Grove compares with Semantic.DeepEqual: a nil list and an empty one are the same value, so a list
  // written as [] (or null) and then left out is no change.
  /** Sets the list (left out when undefined). */
  const setList = (owner: (p: PcsView) => Json, key: string) => (p: PcsView, value: unknown) => {
    if (value === undefined) delete owner(p)[key];
    else owner(p)[key] = value;
  };
  test.each<[string, (p: PcsView, value: unknown) => void]>([
    ['startsAfter', setList((p) => p.cliqueSpec(DECODE), 'startsAfter')],
    ['clique resourceSharing', setList((p) => p.clique(DECODE), 'resourceSharing')],
    ['scaling group resourceSharing', setList((p) => p.group(PREFILL), 'resourceSharing')],
    ['resourceClaimTemplates', setList((p) => p.template, 'resourceClaimTemplates')],
    ['resourceSharing', setList((p) => p.template, 'resourceSharing')],
  ])('%s: [] and absent are the same list', (_, set) => {
    for (const [before, after] of [
      [[], undefined],
      [undefined, []],
    ] as const) {
      expectClean(update((p) => set(p, after), (p) => set(p, before)));
    }
  });

  test('re-ordering cliques is allowed with AnyOrder', () => {
    const anyOrder = (p: PcsView) => (p.template.cliqueStartupType = 'CliqueStartupTypeAnyOrder');
    const findings = update((p) => (p.template.cliques as Json[]).reverse(), (p) => {
      anyOrder(p);
      [ROUTER, WORKER].forEach((i) => delete p.cliqueSpec(i).startsAfter);
    });
    expectClean(findings);
  });
});

describe('immutable fields (§5.4)', () => {
  test('immutable.kind: apiVersion/kind cannot change', () => {
    expectOne(validateUpdate(validPcs(), validBinding()), 'immutable.kind', '/kind');
    expectNone(validateUpdate(validBinding(), validBinding()), 'immutable.kind');
  });

  test('immutable.cliqueStartupType', () => {
    expectOne(update((p) => (p.template.cliqueStartupType = 'CliqueStartupTypeInOrder')), 'immutable.cliqueStartupType', `${TEMPLATE}/cliqueStartupType`);
    // Absent and the CRD default are the same value.
    expectNone(update((p) => delete p.template.cliqueStartupType, (p) => (p.template.cliqueStartupType = 'CliqueStartupTypeAnyOrder')), 'immutable.cliqueStartupType');
  });

  test('immutable.cliqueComposition: adding, removing or renaming a clique', () => {
    const extra = { name: 'cache', spec: { roleName: 'cache', replicas: 1, podSpec: { containers: [{ name: 'c', image: 'redis' }] } } };
    expectOne(update((p) => (p.template.cliques as Json[]).push(extra)), 'immutable.cliqueComposition', `${TEMPLATE}/cliques`);
    expectOne(update((p) => (p.template.cliques as Json[]).pop()), 'immutable.cliqueComposition', `${TEMPLATE}/cliques`);
    const renamed = expectOne(update((p) => (p.clique(DECODE).name = 'decoder')), 'immutable.cliqueComposition', `${TEMPLATE}/cliques`);
    expect(renamed.message).toContain('added "decoder"; removed "decode"');
  });

  test('immutable.cliqueOrder: re-ordering with Explicit (or InOrder) rejected', () => {
    expectOne(update((p) => (p.template.cliques as Json[]).reverse()), 'immutable.cliqueOrder', `${TEMPLATE}/cliques`);
    const inOrder = (p: PcsView) => (p.template.cliqueStartupType = 'CliqueStartupTypeInOrder');
    expectOne(update((p) => (p.template.cliques as Json[]).reverse(), inOrder), 'immutable.cliqueOrder', `${TEMPLATE}/cliques`);
    expectNone(update(() => {}), 'immutable.cliqueOrder');
  });

  test.each<[string, string, (p: PcsView) => void]>([
    ['immutable.roleName', clique(DECODE, 'spec/roleName'), (p) => (p.cliqueSpec(DECODE).roleName = 'decoder')],
    ['immutable.minAvailable', clique(ROUTER, 'spec/minAvailable'), (p) => (p.cliqueSpec(ROUTER).minAvailable = 1)],
    ['immutable.startsAfter', clique(ROUTER, 'spec/startsAfter'), (p) => (p.cliqueSpec(ROUTER).startsAfter = ['decode'])],
    ['immutable.schedulerName', clique(DECODE, 'spec/podSpec/schedulerName'), (p) => (p.podSpec(DECODE).schedulerName = 'default-scheduler')],
    ['immutable.resourceSharing', clique(DECODE, 'resourceSharing'), (p) => (p.clique(DECODE).resourceSharing = [{ name: 'c', scope: 'PerReplica' }])],
    ['immutable.resourceSharing', group(PREFILL, 'resourceSharing'), (p) => (p.group(PREFILL).resourceSharing = [{ name: 'c', scope: 'PerReplica' }])],
    ['immutable.resourceSharing', `${TEMPLATE}/resourceSharing`, (p) => (p.template.resourceSharing = [{ name: 'c', scope: 'AllReplicas' }])],
    [
      'immutable.resourceClaimTemplates',
      `${TEMPLATE}/resourceClaimTemplates`,
      (p) => (p.template.resourceClaimTemplates = [{ name: 'g', templateSpec: { spec: { devices: { requests: [{ name: 'gpu' }] } } } }]),
    ],
    ['immutable.scalingGroupCliqueNames', group(PREFILL, 'cliqueNames'), (p) => (p.group(PREFILL).cliqueNames = ['worker', 'leader'])],
    ['immutable.scalingGroupMinAvailable', group(PREFILL, 'minAvailable'), (p) => (p.group(PREFILL).minAvailable = 2)],
    ['immutable.mnnvlGroup', '/metadata/annotations/grove.io~1mnnvl-group', (p) => (p.metadata.annotations = { [MNNVL]: 'nvl72' })],
    ['immutable.mnnvlGroup', clique(DECODE, 'annotations/grove.io~1mnnvl-group'), (p) => (p.clique(DECODE).annotations = { [MNNVL]: 'none' })],
    ['immutable.mnnvlGroup', group(PREFILL, 'annotations/grove.io~1mnnvl-group'), (p) => (p.group(PREFILL).annotations = { [MNNVL]: 'nvl72' })],
  ])('%s at %s', (rule, path, edit) => {
    expectOne(update(edit), rule, path);
  });

  test('the schedulerName: "" ↔ absent is no change', () => {
    expectNone(update((p) => (p.podSpec(DECODE).schedulerName = undefined), (p) => delete p.podSpec(DECODE).schedulerName), 'immutable.schedulerName');
  });

  test('immutable.mnnvlGroup: removing the annotation is a change too; other annotations are mutable', () => {
    const before = (p: PcsView) => (p.metadata.annotations = { [MNNVL]: 'nvl72', note: 'a' });
    expectOne(update((p) => (p.metadata.annotations = { note: 'a' }), before), 'immutable.mnnvlGroup', '/metadata/annotations/grove.io~1mnnvl-group');
    expectNone(update((p) => (p.metadata.annotations = { [MNNVL]: 'nvl72', note: 'b' }), before), 'immutable.mnnvlGroup');
  });

  test('immutable.scalingGroupComposition: adding, removing or renaming a group', () => {
    expectOne(update((p) => (p.template.podCliqueScalingGroups = [])), 'immutable.scalingGroupComposition', `${TEMPLATE}/podCliqueScalingGroups`);
    expectOne(update((p) => (p.group(PREFILL).name = 'prefill2')), 'immutable.scalingGroupComposition', `${TEMPLATE}/podCliqueScalingGroups`);
    const add = update((p) => {
      delete p.cliqueSpec(DECODE).autoScalingConfig;
      (p.template.podCliqueScalingGroups as Json[]).push({ name: 'dec', cliqueNames: ['decode'] });
    }, (p) => delete p.cliqueSpec(DECODE).autoScalingConfig);
    expectOne(add, 'immutable.scalingGroupComposition', `${TEMPLATE}/podCliqueScalingGroups`);
    expectNone(update(() => {}), 'immutable.scalingGroupComposition');
  });
});

describe('topology constraints on UPDATE (§5.4)', () => {
  const withTopology = (tc: Json) => (p: PcsView) => {
    p.template.topologyConstraint = { topologyName: 'gb200', pack: { required: 'zone' } };
    p.clique(LEADER).topologyConstraint = tc;
  };

  test('immutable.topologyConstraint: adding, removing or changing at any level', () => {
    const base = withTopology({ pack: { required: 'host' } });
    expectOne(update((p) => (p.group(PREFILL).topologyConstraint = { pack: { required: 'rack' } }), base), 'immutable.topologyConstraint', group(PREFILL, 'topologyConstraint'));
    expectOne(update((p) => delete p.clique(LEADER).topologyConstraint, base), 'immutable.topologyConstraint', clique(LEADER, 'topologyConstraint'));
    expectOne(update((p) => (p.clique(LEADER).topologyConstraint = { pack: { required: 'rack' } }), base), 'immutable.topologyConstraint', clique(LEADER, 'topologyConstraint'));
    expectOne(update((p) => (p.clique(LEADER).topologyConstraint = { pack: { required: 'host', preferred: 'host' } }), base), 'immutable.topologyConstraint', clique(LEADER, 'topologyConstraint'));
    expectOne(update((p) => ((p.template.topologyConstraint as Json).topologyName = 'h100'), base), 'immutable.topologyConstraint', `${TEMPLATE}/topologyConstraint`);
    expectNone(update(() => {}, base), 'immutable.topologyConstraint');
  });

  test('packDomain → pack.required with the same value is allowed (with a deprecation warning gone)', () => {
    const findings = update((p) => (p.clique(LEADER).topologyConstraint = { pack: { required: 'host' } }), withTopology({ packDomain: 'host' }));
    expectClean(findings);
  });

  test('packDomain → pack.required with another value, or keeping packDomain alongside, is rejected', () => {
    const legacy = withTopology({ packDomain: 'host' });
    expectOne(update((p) => (p.clique(LEADER).topologyConstraint = { pack: { required: 'rack' } }), legacy), 'immutable.topologyConstraint', clique(LEADER, 'topologyConstraint'));
    const both = update((p) => (p.clique(LEADER).topologyConstraint = { pack: { required: 'host' }, packDomain: 'host' }), legacy);
    expectOne(both, 'topology.packDomainConflict', clique(LEADER, 'topologyConstraint/pack/required'));
  });

  test('keeping packDomain on UPDATE is only a deprecation warning', () => {
    const findings = update(() => {}, withTopology({ packDomain: 'host' }));
    expectOne(findings, 'topology.packDomainDeprecated', clique(LEADER, 'topologyConstraint/packDomain'), 'warning');
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  test('a legacy packDomain-only object may add its missing topologyName; a modern one may not change it', () => {
    const legacy = (p: PcsView) => (p.template.topologyConstraint = { packDomain: 'zone' });
    expectNone(update((p) => (p.template.topologyConstraint = { topologyName: 'gb200', packDomain: 'zone' }), legacy), 'immutable.topologyConstraint');
    const modern = (p: PcsView) => (p.template.topologyConstraint = { pack: { required: 'zone' } });
    const renamed = expectOne(update((p) => (p.template.topologyConstraint = { topologyName: 'gb200', pack: { required: 'zone' } }), modern), 'immutable.topologyConstraint', `${TEMPLATE}/topologyConstraint`);
    expect(renamed.message).toContain('topologyName cannot be changed from "" to "gb200"');
  });

  test('one exception per update, as Grove: the repair keeps packDomain, the migration keeps topologyName; both at once is refused', () => {
    const legacy = (p: PcsView) => (p.template.topologyConstraint = { packDomain: 'zone' });
    const both = expectOne(update((p) => (p.template.topologyConstraint = { topologyName: 'gb200', pack: { required: 'zone' } }), legacy), 'immutable.topologyConstraint', `${TEMPLATE}/topologyConstraint`);
    expect(both.message).toContain('topologyName cannot be changed from "" to "gb200"');
    // The same end state in two updates: repair (topologyName added, packDomain kept), then migration (packDomain → pack.required).
    const repaired = (p: PcsView) => (p.template.topologyConstraint = { topologyName: 'gb200', packDomain: 'zone' });
    expectNone(update(repaired, legacy), 'immutable.topologyConstraint');
    expectNone(update((p) => (p.template.topologyConstraint = { topologyName: 'gb200', pack: { required: 'zone' } }), repaired), 'immutable.topologyConstraint');
    // At a clique too.
    const legacyClique = (p: PcsView) => (p.clique(LEADER).topologyConstraint = { packDomain: 'host' });
    expectOne(update((p) => (p.clique(LEADER).topologyConstraint = { topologyName: 'gb200', pack: { required: 'host' } }), legacyClique), 'immutable.topologyConstraint', clique(LEADER, 'topologyConstraint'));
    expectNone(update((p) => (p.clique(LEADER).topologyConstraint = { topologyName: 'gb200', packDomain: 'host' }), legacyClique), 'immutable.topologyConstraint');
  });

  test('the repair is only for an object whose topologyName is missing: a packDomain-only clique that inherits one may not add it', () => {
    const inherits = withTopology({ packDomain: 'host' });
    const added = expectOne(update((p) => (p.clique(LEADER).topologyConstraint = { topologyName: 'gb200', packDomain: 'host' }), inherits), 'immutable.topologyConstraint', clique(LEADER, 'topologyConstraint'));
    expect(added.message).toContain('topologyName cannot be changed');
  });

  test('messages say what changed, as Grove does', () => {
    const base = withTopology({ pack: { required: 'host' } });
    const message = (edit: (p: PcsView) => void) => update(edit, base).find((f) => f.rule === 'immutable.topologyConstraint')?.message;
    expect(message((p) => (p.group(PREFILL).topologyConstraint = { pack: { required: 'rack' } }))).toContain('cannot be added after creation');
    expect(message((p) => delete p.clique(LEADER).topologyConstraint)).toContain('cannot be removed after creation');
    expect(message((p) => (p.clique(LEADER).topologyConstraint = { pack: { required: 'rack' } }))).toContain('cannot be changed from required="host" preferred="" to required="rack" preferred=""');
    expect(message((p) => ((p.template.topologyConstraint as Json).topologyName = 'h100'))).toContain('topologyName cannot be changed from "gb200" to "h100"');
  });
});

describe('fields the pinned Grove schema lacks', () => {
  test('one the running object already has (a newer Grove wrote it) is a warning, not an error: the cluster accepts it', () => {
    const newerGrove = (p: PcsView) => (p.template.newerGroveField = 'x');
    const found = update((p) => (p.spec.replicas = 3), newerGrove);
    expect(found.map((f) => [f.rule, f.path, f.severity])).toEqual([['schema.unknownField', `${TEMPLATE}/newerGroveField`, 'warning']]);
    expect(found[0]!.message).toContain('the running object has it');
  });

  test('one the edit adds is still an error (the apiserver refuses it under strict field validation)', () => {
    const found = update((p) => (p.template.typoField = 1));
    expect(found.map((f) => [f.rule, f.path, f.severity])).toEqual([['schema.unknownField', `${TEMPLATE}/typoField`, 'error']]);
  });
});
