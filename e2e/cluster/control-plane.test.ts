import * as k8s from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TEST_TOPOLOGY,
  nodesFromTopologySpec,
  topologyBindingFromSpec,
} from '../../lib/topology/spec';
import { RESOURCE_GPU as GPU_RESOURCE } from '../../lib/grove/core';
import { VERSIONS } from './binaries';
import { testKubeConfig } from './test-helpers';

const kubeConfig = testKubeConfig();
const extensions = kubeConfig.makeApiClient(k8s.ApiextensionsV1Api);
const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
const customObjects = kubeConfig.makeApiClient(k8s.CustomObjectsApi);

describe('the test control plane', () => {
  it(`is a real kube-apiserver v${VERSIONS.kubernetes} on 127.0.0.1`, async () => {
    const version = await kubeConfig.makeApiClient(k8s.VersionApi).getCode();
    expect(version.gitVersion).toBe(`v${VERSIONS.kubernetes}`);
    expect(kubeConfig.getCurrentCluster()?.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('has every Grove CRD installed and Established', async () => {
    const crds = (await extensions.listCustomResourceDefinition()).items.filter((crd) =>
      ['grove.io', 'scheduler.grove.io'].includes(crd.spec.group),
    );
    expect(crds.map((crd) => crd.metadata?.name).sort()).toEqual([
      'clustertopologybindings.grove.io',
      'podcliques.grove.io',
      'podcliquescalinggroups.grove.io',
      'podcliquesets.grove.io',
      'podgangs.scheduler.grove.io',
    ]);
    for (const crd of crds) {
      const established = crd.status?.conditions?.find((condition) => condition.type === 'Established');
      expect(established?.status, `${crd.metadata?.name} Established`).toBe('True');
    }
  });

  it('runs the nodes of the default topology, Ready, with their labels and 256 GPUs', async () => {
    const expected = nodesFromTopologySpec(DEFAULT_TEST_TOPOLOGY);
    const nodes = (await core.listNode({ labelSelector: 'type=kwok' })).items;
    expect(nodes.map((node) => node.metadata?.name).sort()).toEqual(expected.map((node) => node.metadata.name).sort());

    const byName = new Map(nodes.map((node) => [node.metadata?.name, node]));
    for (const want of expected) {
      const node = byName.get(want.metadata.name);
      expect(node?.metadata?.labels).toMatchObject(want.metadata.labels);
      expect(node?.status?.allocatable?.[GPU_RESOURCE]).toBe('8');
      // KWOK's node-initialize stage (not us) turns the node Ready: proof that kwok manages it.
      const ready = node?.status?.conditions?.find((condition) => condition.type === 'Ready');
      expect(ready?.status, `${want.metadata.name} Ready`).toBe('True');
    }
    const totalGpus = nodes.reduce((sum, node) => sum + Number(node.status?.allocatable?.[GPU_RESOURCE] ?? 0), 0);
    expect(totalGpus).toBe(256);
  });

  it('holds the ClusterTopologyBinding of the default topology', async () => {
    const binding = (await customObjects.getClusterCustomObject({
      group: 'grove.io',
      version: 'v1alpha1',
      plural: 'clustertopologybindings',
      name: DEFAULT_TEST_TOPOLOGY.name,
    })) as { spec: unknown };
    expect(binding.spec).toEqual(topologyBindingFromSpec(DEFAULT_TEST_TOPOLOGY).spec);
  });
});
