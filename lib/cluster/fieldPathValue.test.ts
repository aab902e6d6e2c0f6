import { describe, expect, it } from 'vitest';
import { diffObjects } from './diff';
import { valueAtFieldPath } from './fieldPathValue';

describe('valueAtFieldPath', () => {
  const pcs = {
    spec: {
      replicas: 3,
      template: {
        startsAfter: ['router'],
        cliques: [{ name: 'router', spec: { replicas: 2, podSpec: { containers: [{ name: 'r', image: 'r:1', ports: [{ containerPort: 8000, protocol: 'TCP' }] }] } } }],
      },
    },
    metadata: { labels: { 'app.kubernetes.io/name': 'x' } },
  };

  it('reads the paths a server-side apply conflict and a diff write', () => {
    expect(valueAtFieldPath(pcs, '.spec.replicas')).toBe(3);
    expect(valueAtFieldPath(pcs, 'spec.template.cliques[name="router"].spec.replicas')).toBe(2);
    expect(valueAtFieldPath(pcs, 'spec.template.cliques[0].spec.podSpec.containers[name="r"].image')).toBe('r:1');
    expect(valueAtFieldPath(pcs, 'spec.template.cliques[name="router"].spec.podSpec.containers[name="r"].ports[containerPort=8000,protocol="TCP"]')).toEqual({ containerPort: 8000, protocol: 'TCP' });
    expect(valueAtFieldPath(pcs, 'spec.template.startsAfter[="router"]')).toBe('router');
    expect(valueAtFieldPath(pcs, 'metadata.labels["app.kubernetes.io/name"]')).toBe('x');
  });

  it('reads a label or annotation key as server-side apply writes it, dots and slash in it', () => {
    const o = { metadata: { labels: { 'app.kubernetes.io/name': 'x', app: 'y' }, annotations: { 'grove.io/note': 'n' } } };
    expect(valueAtFieldPath(o, '.metadata.labels.app.kubernetes.io/name')).toBe('x');
    expect(valueAtFieldPath(o, '.metadata.labels.app')).toBe('y');
    expect(valueAtFieldPath(o, '.metadata.annotations.grove.io/note')).toBe('n');
    expect(valueAtFieldPath(o, '.metadata.labels.app.kubernetes.io/other')).toBeUndefined();
  });

  it('reads any map key with dots and slashes in it (resources, a node selector), and a plain key first', () => {
    const o = {
      spec: {
        podSpec: {
          containers: [{ name: 'c', resources: { limits: { 'nvidia.com/gpu': 8, cpu: '4' } } }],
          nodeSelector: { 'kubernetes.io/hostname': 'node-1' },
        },
      },
      data: { a: { b: 1 }, 'a.b': 2, 'x.y': { z: 3 } },
    };
    expect(valueAtFieldPath(o, '.spec.podSpec.containers[name="c"].resources.limits.nvidia.com/gpu')).toBe(8);
    expect(valueAtFieldPath(o, '.spec.podSpec.containers[name="c"].resources.limits.cpu')).toBe('4');
    expect(valueAtFieldPath(o, '.spec.podSpec.nodeSelector.kubernetes.io/hostname')).toBe('node-1');
    expect(valueAtFieldPath(o, '.spec.podSpec.nodeSelector.kubernetes.io/zone')).toBeUndefined();
    // A dotted key followed by more path; the plain key wins where both read.
    expect(valueAtFieldPath(o, '.data.x.y.z')).toBe(3);
    expect(valueAtFieldPath(o, '.data.a.b')).toBe(1);
  });

  it('is undefined where the object has no such field, or the path cannot be read', () => {
    expect(valueAtFieldPath(pcs, 'spec.template.cliques[name="decode"].spec.replicas')).toBeUndefined();
    expect(valueAtFieldPath(pcs, 'spec.nope.deeper')).toBeUndefined();
    expect(valueAtFieldPath(pcs, 'spec..x')).toBeUndefined();
  });

  it("reads back every path lib/cluster/diff writes, to the diff's new value", () => {
    const after = structuredClone(pcs);
    after.spec.template.cliques[0]!.spec.podSpec.containers[0]!.image = 'r:2';
    after.metadata.labels['app.kubernetes.io/name'] = 'y';
    for (const change of diffObjects(pcs, after)) expect(valueAtFieldPath(after, change.path)).toEqual(change.new);
  });
});
