import { describe, expect, it } from 'vitest';
import { stripBulk } from '../../lib/cluster/watch';
import { ActionFailure } from '../actions/errors';
import { collectionPath, namespaceSegment, objectPath, pathSegment, watchedKindOf } from './paths';

describe('paths', () => {
  it('builds core and group paths, all-namespace and namespaced, with subresources', () => {
    expect(collectionPath('Pod')).toBe('/api/v1/pods');
    expect(collectionPath('Node', 'ignored')).toBe('/api/v1/nodes');
    expect(collectionPath('PodGang', 'ns')).toBe('/apis/scheduler.grove.io/v1alpha1/namespaces/ns/podgangs');
    expect(objectPath('PodClique', 'ns', 'a-0-b', 'scale')).toBe('/apis/grove.io/v1alpha1/namespaces/ns/podcliques/a-0-b/scale');
    expect(watchedKindOf('grove.io/v1alpha1', 'PodCliqueScalingGroup')).toBe('PodCliqueScalingGroup');
    expect(watchedKindOf('apps/v1', 'Deployment')).toBeNull();
  });

  it('refuses a name or namespace that is not one path segment (".", "..", "/", "%"), as a 400', () => {
    // new URL() drops "." and climbs "..": DELETE …/podcliquesets/. would be a DELETE of the collection.
    for (const bad of ['.', '..', 'a/b', '../x', 'a%2fb', '%2e']) {
      expect(() => objectPath('PodCliqueSet', 'ns', bad)).toThrow(ActionFailure);
      expect(() => objectPath('PodCliqueSet', bad, 'x')).toThrow(ActionFailure);
      expect(() => objectPath('PodClique', 'ns', bad, 'scale')).toThrow(ActionFailure);
      expect(() => collectionPath('PodGang', bad)).toThrow(ActionFailure);
      expect(() => namespaceSegment(bad)).toThrow(ActionFailure);
      expect(() => pathSegment(bad, 'name')).toThrow(ActionFailure);
    }
    let failure: ActionFailure | undefined;
    try {
      objectPath('PodCliqueSet', 'ns', '.');
    } catch (error) {
      failure = error as ActionFailure;
    }
    expect(failure).toMatchObject({ status: 400, reason: 'BadRequest', message: 'name "." may not be "."' });
    expect(() => objectPath('PodCliqueSet', '..', 'x')).toThrow(/namespace "\.\." may not be "\.\."/);
    expect(() => objectPath('PodCliqueSet', 'ns', 'a/b')).toThrow(/may not contain "\/"/);
    // Dots inside a name are fine (DNS subdomain names), and cluster-scoped kinds ignore the namespace.
    expect(objectPath('PodCliqueSet', 'ns', 'a.b..c')).toBe('/apis/grove.io/v1alpha1/namespaces/ns/podcliquesets/a.b..c');
    expect(objectPath('Node', '..', 'n.1')).toBe('/api/v1/nodes/n.1');
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
