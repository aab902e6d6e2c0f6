/**
 * The simulated scheduler places on the cluster as a preview reads it: the same ClusterState, lists in
 * the order the apiserver serves them (key order), so an applied stack lands where /api/preview (and the
 * topology page, on the browser's store) said it would. The reviewer's case: on the demo, a rack-packed
 * stack of 8 × 4 GB200 GPUs was previewed on r1-n10…n17 (the list's order: n0, n1, n10, …) and bound on
 * r1-n4…n11 (the store's insertion order: n0, n1, n2, …).
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { clusterStateFromObjects } from '../../lib/cluster/fromObjects';
import type { WatchedKind } from '../../lib/cluster/kinds';
import { applyWatchEvent, createObjectStore, storeItems } from '../../lib/cluster/watch';
import { LABEL_PART_OF, LABEL_PODCLIQUE, LABEL_PODCLIQUE_POD_INDEX } from '../../lib/grove/labels';
import type { KubeObject } from '../../lib/grove/meta';
import type { PlacementPreview } from '../../lib/placement/preview';
import { clusterStateFromSnapshot } from '../../lib/topology/snapshot';
import { previewOnSource } from '../actions/preview';
import { clusterSnapshot } from '../kube/snapshot';
import { createSimulatedSource } from './simulated';

type Pod = KubeObject & { spec: { nodeName?: string } };

/** 8 pods × 4 GPUs on GB200 (4-GPU nodes, 18 per rack), the stack required in one rack, on kai-scheduler. */
const fitsRack = `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata: {name: fits-rack, namespace: default, labels: {kai.scheduler/queue: default-queue}}
spec:
  replicas: 1
  template:
    topologyConstraint: {topologyName: demo, pack: {required: rack}}
    cliques:
      - name: worker
        spec:
          roleName: worker
          replicas: 8
          minAvailable: 8
          podSpec:
            schedulerName: kai-scheduler
            nodeSelector: {nvidia.com/gpu.product: NVIDIA-GB200}
            containers: [{name: engine, image: registry.invalid/engine:test, resources: {limits: {nvidia.com/gpu: "4"}}}]
`;

/** `podclique/index` → node, of the planned pods of a preview. */
function plannedNodes(preview: PlacementPreview): Map<string, string> {
  const where = new Map<string, string>();
  const pods = new Map(preview.gangs.flatMap((g) => g.podGroups.flatMap((pg) => pg.pods)).map((p) => [p.name, p]));
  for (const gang of preview.plan.gangs) {
    for (const planned of gang.pods) {
      const pod = pods.get(planned.name)!;
      where.set(`${pod.podClique}/${pod.podIndex}`, planned.node);
    }
  }
  return where;
}

describe('the simulated scheduler and the preview read one cluster alike', () => {
  it('reads its store in list order: the ClusterState it places on is the one /api/preview builds from the list, and the browser from its watch store', async () => {
    const source = createSimulatedSource({ scenario: 'demo', tickMs: 0, seed: 5 });
    try {
      const listed = clusterStateFromSnapshot(await clusterSnapshot(source));
      const placedOn = source.clusterState();
      // Not a vacuous check: the demo's racks have more than 10 nodes, so key order is not creation order.
      expect(placedOn.nodes.map((n) => n.name)).toContain('gb200-z0-b0-r1-n10');
      expect(placedOn.nodes.map((n) => n.name).indexOf('gb200-z0-b0-r1-n10')).toBeLessThan(placedOn.nodes.map((n) => n.name).indexOf('gb200-z0-b0-r1-n2'));
      expect(placedOn).toEqual(listed);
      // The browser's: its watch store fed the objects as they were created (ADDED events in creation order).
      const watched = (kind: WatchedKind) => {
        const store = createObjectStore(kind);
        for (const object of source.store.all(kind)) applyWatchEvent(store, { type: 'ADDED', object });
        return storeItems(store);
      };
      expect(clusterStateFromObjects({ nodes: watched('Node'), pods: watched('Pod'), clusterTopologyBindings: watched('ClusterTopologyBinding') })).toEqual(placedOn);
    } finally {
      await source.close();
    }
  });

  it('binds a rack-packed stack on the nodes /api/preview planned for it, pod by pod (by PodClique and pod index)', async () => {
    const source = createSimulatedSource({ scenario: 'demo', tickMs: 0, seed: 5 });
    try {
      const preview = (await previewOnSource(source, { manifest: fitsRack })) as PlacementPreview;
      expect(preview.plan.feasible).toBe(true);
      const planned = plannedNodes(preview);
      expect(planned.size).toBe(8);

      await source.apply(parse(fitsRack), { dryRun: false });
      source.settle();
      const pods = (source.store.all('Pod') as Pod[]).filter((p) => p.metadata?.labels?.[LABEL_PART_OF] === 'fits-rack');
      expect(pods).toHaveLength(8);
      const landed = new Map(pods.map((p) => [`${p.metadata!.labels![LABEL_PODCLIQUE]}/${p.metadata!.labels![LABEL_PODCLIQUE_POD_INDEX]}`, p.spec.nodeName]));
      expect(landed).toEqual(planned);
    } finally {
      await source.close();
    }
  });
});
