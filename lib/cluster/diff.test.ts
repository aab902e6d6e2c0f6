import { describe, expect, it } from 'vitest';
import { diffObjects } from './diff';

describe('diffObjects', () => {
  const base = {
    apiVersion: 'grove.io/v1alpha1',
    kind: 'PodCliqueSet',
    metadata: { name: 'a', namespace: 'ns', uid: '1', resourceVersion: '5', generation: 1, labels: { x: 'y' } },
    spec: { replicas: 1, template: { cliques: [{ name: 'c', spec: { replicas: 2 } }] } },
    status: { replicas: 1 },
  };

  it('is empty for equal objects and ignores server-owned fields', () => {
    const other = structuredClone(base);
    other.metadata.uid = '2';
    other.metadata.resourceVersion = '9';
    other.metadata.generation = 3;
    other.status.replicas = 7;
    expect(diffObjects(base, other)).toEqual([]);
  });

  it('names changed, added and removed leaves with jq-style paths', () => {
    const other = structuredClone(base) as Record<string, any>;
    other.spec.template.cliques[0].spec.replicas = 4;
    other.spec.priority = 'high';
    delete other.metadata.labels.x;
    other.metadata.labels['grove.io/a'] = 'b';
    expect(diffObjects(base, other)).toEqual([
      { path: 'metadata.labels["grove.io/a"]', new: 'b' },
      { path: 'metadata.labels.x', old: 'y' },
      { path: 'spec.priority', new: 'high' },
      { path: 'spec.template.cliques[0].spec.replicas', old: 2, new: 4 },
    ]);
  });

  it('reports an array of another length as one change, and a new object field by field of the top', () => {
    const other = structuredClone(base) as Record<string, any>;
    other.spec.template.cliques.push({ name: 'd' });
    expect(diffObjects(base, other)).toEqual([{ path: 'spec.template.cliques', old: base.spec.template.cliques, new: other.spec.template.cliques }]);
    expect(diffObjects(null, { kind: 'X', metadata: { name: 'n', uid: 'u' } })).toEqual([
      { path: 'kind', new: 'X' },
      { path: 'metadata', new: { name: 'n', uid: 'u' } },
    ]);
  });
});
