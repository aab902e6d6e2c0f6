/**
 * The topology page's preview of a PodCliqueSet text: what stops it is said at its line:column.
 */
import { describe, expect, test } from 'vitest';
import type { ClusterState } from '../cluster/state';
import { demoSnapshot, demoStacks } from '../topology/demo';
import { clusterStateFromSnapshot } from '../topology/snapshot';
import { previewFromText } from './preview';
import { withStacks } from './testkit';

const demo = (): ClusterState => withStacks(clusterStateFromSnapshot(demoSnapshot()), demoStacks());

describe('a stack the cluster refuses: the finding at its own line:column, not at the manifest’s first line', () => {
  // The demo's binding "demo" has the levels zone > block > rack > host.
  const stack = (template: string) => `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata:
  name: refused
  namespace: default
spec:
  replicas: 1
  template:
${template}    cliques:
      - name: worker
        spec:
          roleName: worker
          replicas: 2
          minAvailable: 2
          podSpec:
            schedulerName: kai-scheduler
            containers:
              - name: c
                image: busybox
                resources:
                  limits:
                    nvidia.com/gpu: "4"
`;
  const packed = (topologyName: string, required: string) => `    topologyConstraint:\n      topologyName: ${topologyName}\n      pack:\n        required: ${required}\n`;

  test('a topologyName the cluster lacks: at the topologyName key (line 10:7)', () => {
    const result = previewFromText(demo(), stack(packed('nowhere', 'rack')));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems).toEqual([expect.stringMatching(/^line 10:7: \/spec\/template\/topologyConstraint\/topologyName: ClusterTopologyBinding "nowhere" .*\[topology\.unknownTopology\]$/)]);
  });

  test('a stack over the pod budget: the refusal at its spec.replicas (line 7:3)', () => {
    const huge = stack(packed('demo', 'rack')).replace('  replicas: 1\n', '  replicas: 100000\n');
    const result = previewFromText(demo(), huge);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]).toMatch(/^line 7:3: PodCliqueSet refused would create 200,000 pods/);
  });
});
