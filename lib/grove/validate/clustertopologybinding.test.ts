/** ClusterTopologyBinding webhook (API-NOTES §5.7), its CRD schema, and Canopy's level-order warning. */
import { describe, expect, test } from 'vitest';
import { validate } from '.';
import { expectClean, expectNone, expectOne, validBinding, withRule, type Json } from './fixtures';

function binding(levels: Json[], extra: Json = {}): Json {
  const b = validBinding();
  (b.spec as Json).levels = levels;
  Object.assign(b.spec as Json, extra);
  return b;
}

const levels = (): Json[] => (validBinding().spec as Json).levels as Json[];

describe('ClusterTopologyBinding', () => {
  test('validBinding() is clean', () => {
    expectClean(validate(validBinding()));
  });

  test('binding.domainUnique: a repeated domain rejected on the later level', () => {
    const b = binding([
      { domain: 'zone', key: 'topology.kubernetes.io/zone' },
      { domain: 'zone', key: 'example.com/zone' },
    ]);
    expectOne(validate(b), 'binding.domainUnique', '/spec/levels/1/domain');
    expectNone(validate(validBinding()), 'binding.domainUnique');
  });

  test('binding.keyUnique: a repeated node label key rejected on the later level', () => {
    const b = binding([
      { domain: 'block', key: 'kubernetes.io/rack' },
      { domain: 'rack', key: 'kubernetes.io/rack' },
    ]);
    expectOne(validate(b), 'binding.keyUnique', '/spec/levels/1/key');
    expectNone(validate(validBinding()), 'binding.keyUnique');
  });

  test('canopy.levelOrder: well-known domains narrowest-first warned; custom domains in between are not judged', () => {
    const b = binding([
      { domain: 'host', key: 'kubernetes.io/hostname' },
      { domain: 'rack', key: 'example.com/rack' },
    ]);
    const f = expectOne(validate(b), 'canopy.levelOrder', '/spec/levels/1/domain', 'warning');
    expect(f.message).toContain('"rack" (broader) comes after "host"');
    const custom = binding([
      { domain: 'zone', key: 'topology.kubernetes.io/zone' },
      { domain: 'nvl-domain', key: 'example.com/nvl' },
      { domain: 'host', key: 'kubernetes.io/hostname' },
    ]);
    expectClean(validate(custom));
  });

  test('binding.schedulerDuplicate: a scheduler listed twice rejected', () => {
    const b = binding(levels(), {
      schedulerTopologyBindings: [
        { schedulerName: 'kai-scheduler', topologyReference: 'a' },
        { schedulerName: 'kai-scheduler', topologyReference: 'b' },
      ],
    });
    expectOne(validate(b), 'binding.schedulerDuplicate', '/spec/schedulerTopologyBindings/1/schedulerName');
    const once = binding(levels(), { schedulerTopologyBindings: [{ schedulerName: 'kai-scheduler', topologyReference: 'a' }] });
    expectClean(validate(once));
  });

  test('binding.schedulerNotEnabled: a backend the operator has not enabled rejected', () => {
    const b = binding(levels(), { schedulerTopologyBindings: [{ schedulerName: 'kai-scheduler', topologyReference: 'a' }] });
    expectOne(validate(b, { schedulerProfiles: ['default-scheduler'] }), 'binding.schedulerNotEnabled', '/spec/schedulerTopologyBindings/0/schedulerName');
    expectNone(validate(b), 'binding.schedulerNotEnabled');
  });

  test('binding.schedulerNotTopologyAware: an enabled backend without topology support rejected', () => {
    const b = binding(levels(), { schedulerTopologyBindings: [{ schedulerName: 'default-scheduler', topologyReference: 'a' }] });
    expectOne(validate(b), 'binding.schedulerNotTopologyAware', '/spec/schedulerTopologyBindings/0/schedulerName');
    expectNone(validate(b), 'binding.schedulerNotEnabled');
  });

  test('CRD: levels required with at least one item; domain and key patterns; key ≤ 63', () => {
    expectOne(validate(binding([])), 'schema.minItems', '/spec/levels');
    const noSpecLevels = validBinding();
    delete (noSpecLevels.spec as Json).levels;
    expectOne(validate(noSpecLevels), 'schema.required', '/spec/levels');
    expectOne(validate(binding([{ domain: 'Zone', key: 'z' }])), 'schema.pattern', '/spec/levels/0/domain');
    expectOne(validate(binding([{ domain: 'zone', key: 'bad key' }])), 'schema.pattern', '/spec/levels/0/key');
    expectOne(validate(binding([{ domain: 'zone', key: `example.com/${'k'.repeat(52)}` }])), 'schema.maxLength', '/spec/levels/0/key');
    expectNone(validate(binding([{ domain: 'zone', key: `example.com/${'k'.repeat(51)}` }])), 'schema.maxLength');
    expectOne(validate(binding([{ domain: 'd'.repeat(64), key: 'k' }])), 'schema.maxLength', '/spec/levels/0/domain');
    expectOne(validate(binding([{ domain: '', key: 'k' }])), 'schema.minLength', '/spec/levels/0/domain');
  });

  test('meta.namespace: a namespace on this cluster-scoped kind is a warning', () => {
    const b = validBinding();
    (b.metadata as Json).namespace = 'default';
    expectOne(validate(b), 'meta.namespace', '/metadata/namespace', 'warning');
    expect(withRule(validate(validBinding()), 'meta.namespace')).toEqual([]);
  });
});
