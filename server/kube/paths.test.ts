import { describe, expect, it } from 'vitest';
import { stripBulk } from '../../lib/cluster/watch';
import { collectionPath, objectPath, watchedKindOf } from './paths';

describe('paths', () => {
  it('builds core and group paths, all-namespace and namespaced, with subresources', () => {
    expect(collectionPath('Pod')).toBe('/api/v1/pods');
    expect(collectionPath('Node', 'ignored')).toBe('/api/v1/nodes');
    expect(collectionPath('PodGang', 'ns')).toBe('/apis/scheduler.grove.io/v1alpha1/namespaces/ns/podgangs');
    expect(objectPath('PodClique', 'ns', 'a-0-b', 'scale')).toBe('/apis/grove.io/v1alpha1/namespaces/ns/podcliques/a-0-b/scale');
    expect(watchedKindOf('grove.io/v1alpha1', 'PodCliqueScalingGroup')).toBe('PodCliqueScalingGroup');
    expect(watchedKindOf('apps/v1', 'Deployment')).toBeNull();
  });

  it('strips managedFields and the last-applied annotation, keeping other annotations', () => {
    const object = {
      metadata: {
        name: 'x',
        managedFields: [{ manager: 'kubectl' }],
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', keep: 'me' },
      },
    };
    expect(stripBulk(object)).toEqual({ metadata: { name: 'x', annotations: { keep: 'me' } } });
    expect(stripBulk({ metadata: { name: 'y', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } } })).toEqual({ metadata: { name: 'y' } });
  });
});
