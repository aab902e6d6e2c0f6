import { describe, expect, it } from 'vitest';
import { RESOURCE_GPU } from '../grove/core';
import {
  DEFAULT_TEST_TOPOLOGY,
  GPU_CLIQUE_LABEL,
  GPU_PRODUCT_LABEL,
  HOSTNAME_LABEL,
  gpuCount,
  nodeCount,
  nodesFromTopologySpec,
  topologyBindingFromSpec,
  validateTopologySpec,
  type TopologySpec,
} from './spec';

const ZONE_KEY = 'topology.kubernetes.io/zone';
const BLOCK_KEY = 'topology.kubernetes.io/block';
const RACK_KEY = 'topology.kubernetes.io/rack';

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

describe('DEFAULT_TEST_TOPOLOGY', () => {
  const nodes = nodesFromTopologySpec(DEFAULT_TEST_TOPOLOGY);

  it('describes 2 zones × 2 blocks × 2 racks × 4 nodes × 8 GPUs', () => {
    expect(nodeCount(DEFAULT_TEST_TOPOLOGY)).toBe(32);
    expect(gpuCount(DEFAULT_TEST_TOPOLOGY)).toBe(256);
    expect(nodes).toHaveLength(32);
    const totalGpus = nodes.reduce((sum, node) => sum + Number(node.status.allocatable[RESOURCE_GPU]), 0);
    expect(totalGpus).toBe(256);
    expect(groupBy(nodes, (node) => node.metadata.labels[ZONE_KEY]!).size).toBe(2);
    expect(groupBy(nodes, (node) => node.metadata.labels[BLOCK_KEY]!).size).toBe(4);
    expect(groupBy(nodes, (node) => node.metadata.labels[RACK_KEY]!).size).toBe(8);
  });

  it('gives every node unique names equal to its hostname label, and KWOK markers', () => {
    expect(new Set(nodes.map((node) => node.metadata.name)).size).toBe(nodes.length);
    for (const node of nodes) {
      expect(node.metadata.labels[HOSTNAME_LABEL]).toBe(node.metadata.name);
      expect(node.metadata.labels.type).toBe('kwok');
      expect(node.metadata.annotations['kwok.x-k8s.io/node']).toBe('fake');
      expect(node.metadata.labels[GPU_PRODUCT_LABEL]).toBe('NVIDIA-GB200');
    }
    expect(nodes[0]!.metadata.name).toBe('gpu-z0-b0-r0-n0');
    expect(nodes[31]!.metadata.name).toBe('gpu-z1-b1-r1-n3');
  });

  it('nests each level inside its parent (a rack value belongs to exactly one block and zone)', () => {
    for (const [, rackNodes] of groupBy(nodes, (node) => node.metadata.labels[RACK_KEY]!)) {
      expect(new Set(rackNodes.map((node) => node.metadata.labels[BLOCK_KEY])).size).toBe(1);
      expect(new Set(rackNodes.map((node) => node.metadata.labels[ZONE_KEY])).size).toBe(1);
      expect(rackNodes).toHaveLength(4);
    }
  });

  it('sets capacity and allocatable for GPUs, cpu, memory and pods', () => {
    expect(nodes[5]!.status).toEqual({
      capacity: { cpu: '128', memory: '1Ti', pods: '110', [RESOURCE_GPU]: '8' },
      allocatable: { cpu: '128', memory: '1Ti', pods: '110', [RESOURCE_GPU]: '8' },
    });
  });

  it('gives one NVLink clique id per rack, formatted <clusterUUID>.<cliqueId>', () => {
    const byClique = groupBy(nodes, (node) => node.metadata.labels[GPU_CLIQUE_LABEL]!);
    expect(byClique.size).toBe(8);
    for (const [clique, cliqueNodes] of byClique) {
      expect(clique).toMatch(new RegExp(`^${DEFAULT_TEST_TOPOLOGY.clusterUUID}\\.[0-7]$`));
      expect(new Set(cliqueNodes.map((node) => node.metadata.labels[RACK_KEY])).size).toBe(1);
    }
    expect(nodes[3]!.metadata.labels[GPU_CLIQUE_LABEL]).toBe(`${DEFAULT_TEST_TOPOLOGY.clusterUUID}.0`);
    expect(nodes[4]!.metadata.labels[GPU_CLIQUE_LABEL]).toBe(`${DEFAULT_TEST_TOPOLOGY.clusterUUID}.1`);
  });
});

describe('nodesFromTopologySpec', () => {
  it('describes 100+ nodes (Grove scale preset size) with unique DNS-label names', () => {
    const large: TopologySpec = {
      ...DEFAULT_TEST_TOPOLOGY,
      name: 'large',
      levels: [
        { domain: 'zone', key: ZONE_KEY, fanOut: 4 },
        { domain: 'rack', key: RACK_KEY, fanOut: 9 },
        { domain: 'host', key: HOSTNAME_LABEL, fanOut: 18 },
      ],
      nvlinkDomain: 'rack',
    };
    const nodes = nodesFromTopologySpec(large);
    expect(nodes).toHaveLength(648);
    expect(new Set(nodes.map((node) => node.metadata.name)).size).toBe(648);
    for (const node of nodes) expect(node.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    // Without valuePrefix the domain is the prefix.
    expect(nodes[0]!.metadata.labels[RACK_KEY]).toBe('zone0-rack0');
    expect(groupBy(nodes, (node) => node.metadata.labels[GPU_CLIQUE_LABEL]!).size).toBe(36);
  });

  it('gives each node its own clique when the NVLink domain is the host', () => {
    const nodes = nodesFromTopologySpec({ ...DEFAULT_TEST_TOPOLOGY, nvlinkDomain: 'host' });
    expect(new Set(nodes.map((node) => node.metadata.labels[GPU_CLIQUE_LABEL])).size).toBe(32);
  });

  it('throws with every problem of an invalid spec', () => {
    const broken: TopologySpec = {
      ...DEFAULT_TEST_TOPOLOGY,
      levels: [
        { domain: 'Zone', key: ZONE_KEY, fanOut: 0 },
        { domain: 'rack', key: RACK_KEY, fanOut: 2 },
      ],
      nvlinkDomain: 'block',
    };
    const problems = validateTopologySpec(broken);
    expect(problems).toEqual([
      'levels[0].domain "Zone" must match ^[a-z][a-z0-9-]*$ (at most 63 characters)',
      'levels[0].fanOut must be a positive integer, got 0',
      `the last level is the node level and must use key ${HOSTNAME_LABEL}, got "${RACK_KEY}"`,
      'nvlinkDomain "block" is not one of the levels\' domains',
    ]);
    expect(() => nodesFromTopologySpec(broken)).toThrow(/invalid topology spec "canopy-test": levels\[0\]\.domain/);
  });

  it('rejects repeated domains or keys and oversized clusters', () => {
    const repeated = validateTopologySpec({
      ...DEFAULT_TEST_TOPOLOGY,
      levels: [
        { domain: 'rack', key: RACK_KEY, fanOut: 2 },
        { domain: 'rack', key: HOSTNAME_LABEL, fanOut: 2 },
      ],
    });
    expect(repeated).toContain('levels[1].domain "rack" is repeated');
    const huge = validateTopologySpec({
      ...DEFAULT_TEST_TOPOLOGY,
      levels: [
        { domain: 'rack', key: RACK_KEY, fanOut: 1000 },
        { domain: 'host', key: HOSTNAME_LABEL, fanOut: 1000 },
      ],
      nvlinkDomain: 'rack',
    });
    expect(huge).toEqual(['the spec describes 1000000 nodes, more than the limit of 10000']);
  });
});

describe('topologyBindingFromSpec', () => {
  it('maps each level, broadest first, to its label key', () => {
    expect(topologyBindingFromSpec(DEFAULT_TEST_TOPOLOGY)).toEqual({
      apiVersion: 'grove.io/v1alpha1',
      kind: 'ClusterTopologyBinding',
      metadata: { name: 'canopy-test' },
      spec: {
        levels: [
          { domain: 'zone', key: ZONE_KEY },
          { domain: 'block', key: BLOCK_KEY },
          { domain: 'rack', key: RACK_KEY },
          { domain: 'host', key: HOSTNAME_LABEL },
        ],
      },
    });
  });
});
