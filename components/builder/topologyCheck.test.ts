import { describe, expect, test } from 'vitest';
import type { ClusterTopologyBinding } from '../../lib/grove/clustertopologybinding';
import { checkManifestText } from '../../lib/grove/check';
import type { KindAvailability } from '../hooks/kindAvailability';
import { qualifyTopologyFindings, topologyValidationContext } from './topologyCheck';

const binding = (name: string): ClusterTopologyBinding => ({
  apiVersion: 'grove.io/v1alpha1',
  kind: 'ClusterTopologyBinding',
  metadata: { name },
  spec: { levels: [{ domain: 'zone', key: 'topology.kubernetes.io/zone' }, { domain: 'rack', key: 'example.com/rack' }] },
});

const stack = (topologyName: string) => `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata: {name: s, namespace: default}
spec:
  replicas: 1
  template:
    topologyConstraint: {topologyName: ${topologyName}, pack: {required: rack}}
    cliques:
      - name: a
        spec: {roleName: a, replicas: 1, podSpec: {containers: [{name: main, image: busybox}]}}
`;

/** The builder's topology finding for `text`: checked with the context and qualified as the workbench does. */
function topologyFinding(text: string, bindings: ClusterTopologyBinding[], availability: KindAvailability) {
  const report = qualifyTopologyFindings(checkManifestText(text, topologyValidationContext(bindings, availability)), availability);
  return report.documents[0]!.findings.find((f) => f.rule === 'topology.unknownTopology');
}

describe('a topologyName the cluster has no ClusterTopologyBinding for', () => {
  test('is Grove’s "not found" error once the list is live (Apply waits for errors)', () => {
    expect(topologyFinding(stack('nope'), [binding('demo')], { status: 'live' })).toMatchObject({ severity: 'error', message: 'ClusterTopologyBinding "nope" not found (known: "demo")' });
    // A live, empty list: the cluster has none at all.
    expect(topologyFinding(stack('nope'), [], { status: 'live' })).toMatchObject({ severity: 'error', message: expect.stringContaining('the cluster has none') });
    expect(topologyFinding(stack('demo'), [binding('demo')], { status: 'live' })).toBeUndefined();
  });

  test.each([
    [{ status: 'loading' } as const, 'the cluster’s ClusterTopologyBindings are still loading'],
    [{ status: 'forbidden' } as const, 'you may not list ClusterTopologyBindings'],
    [{ status: 'failed', error: 'the server is down.' } as const, 'ClusterTopologyBindings could not be listed: the server is down'],
  ])('is a warning saying why while the list is %o', (availability, why) => {
    // Also with no binding listed at all (the builder used to check nothing then).
    for (const listed of [[], [binding('demo')]]) {
      const f = topologyFinding(stack('nope'), listed, availability);
      expect(f).toMatchObject({ severity: 'warning' });
      expect(f!.message).toMatch(new RegExp(`^ClusterTopologyBinding "nope" .*Grove will reject the PodCliqueSet if the binding does not exist \\(not confirmed: ${why}\\)$`));
    }
  });

  test('a binding in the same file counts as existing, whatever the list', () => {
    const own = `apiVersion: grove.io/v1alpha1\nkind: ClusterTopologyBinding\nmetadata: {name: mine}\nspec: {levels: [{domain: rack, key: example.com/rack}]}\n---\n${stack('mine')}`;
    for (const availability of [{ status: 'live' }, { status: 'loading' }] as const) {
      const report = qualifyTopologyFindings(checkManifestText(own, topologyValidationContext([binding('demo')], availability)), availability);
      expect(report.documents.flatMap((d) => d.findings).filter((f) => f.rule === 'topology.unknownTopology')).toEqual([]);
    }
  });

  test('other findings and a live list leave the report as it is', () => {
    const report = checkManifestText(stack('nope'), topologyValidationContext([binding('demo')], { status: 'live' }));
    expect(qualifyTopologyFindings(report, { status: 'live' })).toBe(report);
  });
});
