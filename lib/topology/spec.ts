/**
 * Topology spec: one declarative description of a GPU cluster's shape, turned into fake Nodes and the
 * matching Grove ClusterTopologyBinding. The simulated cluster and the real test control plane (KWOK
 * nodes) both build their nodes from here, so a placement preview and the live cluster agree.
 *
 * Pure data in, plain JSON objects out: no fs, no network, nothing outside lib/.
 */
import { RESOURCE_GPU } from '../grove/core';

/** One level of the hierarchy, broadest first. The last level is the node itself. */
export interface TopologyLevelSpec {
  /** Grove TopologyDomain (pattern ^[a-z][a-z0-9-]*$), e.g. "zone", "rack", "host". */
  readonly domain: string;
  /** Node label key carrying this level's value, e.g. "topology.kubernetes.io/zone". */
  readonly key: string;
  /** Children per parent domain; for the first level, the number of such domains in the cluster. */
  readonly fanOut: number;
  /** Short prefix for label values (defaults to the domain); values nest: "z1", "z1-b0", "z1-b0-r1". */
  readonly valuePrefix?: string;
}

export interface NodeResourcesSpec {
  /** Kubernetes quantities as strings, exactly as they appear in Node.status.capacity. */
  readonly cpu: string;
  readonly memory: string;
  readonly pods: number;
}

export interface TopologySpec {
  /** Name of the ClusterTopologyBinding (and default scope for the NVLink clique ids). */
  readonly name: string;
  /** First half of `nvidia.com/gpu.clique` (`<clusterUUID>.<cliqueId>`), as GPU Feature Discovery sets it. */
  readonly clusterUUID: string;
  /** Broadest → narrowest; the last level must be the node level keyed by kubernetes.io/hostname. */
  readonly levels: readonly TopologyLevelSpec[];
  /** Domain of the level whose members share one NVLink fabric (one clique id per domain at that level). */
  readonly nvlinkDomain: string;
  readonly gpusPerNode: number;
  /** Value of `nvidia.com/gpu.product`, e.g. "NVIDIA-GB200". */
  readonly gpuProduct: string;
  readonly nodeResources: NodeResourcesSpec;
  /** Prepended to the node level's value to form the node name. */
  readonly nodeNamePrefix: string;
}

export const HOSTNAME_LABEL = 'kubernetes.io/hostname';
export const GPU_PRODUCT_LABEL = 'nvidia.com/gpu.product';
export const GPU_COUNT_LABEL = 'nvidia.com/gpu.count';
export const GPU_CLIQUE_LABEL = 'nvidia.com/gpu.clique';
/** KWOK manages only nodes carrying this label (the launcher passes `type=kwok` as its selector). */
export const KWOK_NODE_SELECTOR_LABEL = { key: 'type', value: 'kwok' } as const;
export const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';

/** Guards against a typo (fan-out 1000 instead of 10) producing millions of objects. */
export const MAX_NODES = 10_000;

/** Default test cluster: 2 zones × 2 blocks × 2 racks × 4 nodes × 8 GPUs = 32 nodes, 256 GPUs. */
export const DEFAULT_TEST_TOPOLOGY: TopologySpec = {
  name: 'canopy-test',
  clusterUUID: '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f',
  levels: [
    { domain: 'zone', key: 'topology.kubernetes.io/zone', fanOut: 2, valuePrefix: 'z' },
    { domain: 'block', key: 'topology.kubernetes.io/block', fanOut: 2, valuePrefix: 'b' },
    { domain: 'rack', key: 'topology.kubernetes.io/rack', fanOut: 2, valuePrefix: 'r' },
    { domain: 'host', key: HOSTNAME_LABEL, fanOut: 4, valuePrefix: 'n' },
  ],
  nvlinkDomain: 'rack',
  gpusPerNode: 8,
  gpuProduct: 'NVIDIA-GB200',
  nodeResources: { cpu: '128', memory: '1Ti', pods: 110 },
  nodeNamePrefix: 'gpu-',
};

/**
 * A one-rack cluster of `nodes` GPU nodes, for tests and benchmarks that start a second, small
 * control plane (the name also prefixes the node names, so its objects are recognisable).
 */
export function smallTestTopology(name: string, options: { nodes: number; gpusPerNode: number }): TopologySpec {
  return {
    name,
    clusterUUID: '0b6d1f1e-2c3a-4d5e-9f60-718293a4b5c6',
    levels: [
      { domain: 'rack', key: 'topology.kubernetes.io/rack', fanOut: 1, valuePrefix: 'r' },
      { domain: 'host', key: HOSTNAME_LABEL, fanOut: options.nodes, valuePrefix: 'n' },
    ],
    nvlinkDomain: 'rack',
    gpusPerNode: options.gpusPerNode,
    gpuProduct: 'NVIDIA-H100-80GB-HBM3',
    nodeResources: { cpu: '128', memory: '1Ti', pods: 110 },
    nodeNamePrefix: `${name}-`,
  };
}

/** A Node as the apiserver accepts it on create (status is kept by KWOK's node-initialize stage). */
export interface NodeManifest {
  apiVersion: 'v1';
  kind: 'Node';
  metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string> };
  spec: Record<string, never>;
  status: { capacity: Record<string, string>; allocatable: Record<string, string> };
}

export interface ClusterTopologyBindingManifest {
  apiVersion: 'grove.io/v1alpha1';
  kind: 'ClusterTopologyBinding';
  metadata: { name: string };
  spec: { levels: { domain: string; key: string }[] };
}

const TOPOLOGY_DOMAIN = /^[a-z][a-z0-9-]*$/;
// Label key: optional DNS-subdomain prefix, then a name; the CRD caps the whole key at 63 characters.
const LABEL_KEY = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\/)?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export function nodeCount(spec: TopologySpec): number {
  return spec.levels.reduce((count, level) => count * level.fanOut, 1);
}

export function gpuCount(spec: TopologySpec): number {
  return nodeCount(spec) * spec.gpusPerNode;
}

/** Every problem with the spec, as sentences; empty when it is usable. */
export function validateTopologySpec(spec: TopologySpec): string[] {
  const problems: string[] = [];
  if (!DNS_LABEL.test(spec.name) || spec.name.length > 63) {
    problems.push(`name "${spec.name}" must be a DNS label (lower-case alphanumerics and '-', at most 63)`);
  }
  if (spec.levels.length === 0) problems.push('levels must not be empty');
  const domains = new Set<string>();
  const keys = new Set<string>();
  spec.levels.forEach((level, index) => {
    const where = `levels[${index}]`;
    if (!TOPOLOGY_DOMAIN.test(level.domain) || level.domain.length > 63) {
      problems.push(`${where}.domain "${level.domain}" must match ^[a-z][a-z0-9-]*$ (at most 63 characters)`);
    }
    if (!LABEL_KEY.test(level.key) || level.key.length > 63) {
      problems.push(`${where}.key "${level.key}" must be a label key of at most 63 characters`);
    }
    if (!Number.isInteger(level.fanOut) || level.fanOut < 1) {
      problems.push(`${where}.fanOut must be a positive integer, got ${level.fanOut}`);
    }
    if (domains.has(level.domain)) problems.push(`${where}.domain "${level.domain}" is repeated`);
    if (keys.has(level.key)) problems.push(`${where}.key "${level.key}" is repeated`);
    domains.add(level.domain);
    keys.add(level.key);
  });
  const nodeLevel = spec.levels[spec.levels.length - 1];
  if (nodeLevel && nodeLevel.key !== HOSTNAME_LABEL) {
    // The node level's value is the node name, and Kubernetes keeps hostname == node name.
    problems.push(`the last level is the node level and must use key ${HOSTNAME_LABEL}, got "${nodeLevel.key}"`);
  }
  if (!domains.has(spec.nvlinkDomain)) {
    problems.push(`nvlinkDomain "${spec.nvlinkDomain}" is not one of the levels' domains`);
  }
  if (!Number.isInteger(spec.gpusPerNode) || spec.gpusPerNode < 0) {
    problems.push(`gpusPerNode must be a non-negative integer, got ${spec.gpusPerNode}`);
  }
  if (!LABEL_VALUE.test(spec.gpuProduct) || spec.gpuProduct.length > 63) {
    problems.push(`gpuProduct "${spec.gpuProduct}" must be a valid label value`);
  }
  if (!LABEL_VALUE.test(spec.clusterUUID) || spec.clusterUUID.length > 50) {
    // 50 leaves room for ".<cliqueId>" inside the 63-character label value.
    problems.push(`clusterUUID "${spec.clusterUUID}" must be a label value of at most 50 characters`);
  }
  if (!Number.isInteger(spec.nodeResources.pods) || spec.nodeResources.pods < 1) {
    problems.push(`nodeResources.pods must be a positive integer, got ${spec.nodeResources.pods}`);
  }
  if (problems.length === 0 && nodeCount(spec) > MAX_NODES) {
    problems.push(`the spec describes ${nodeCount(spec)} nodes, more than the limit of ${MAX_NODES}`);
  }
  if (problems.length === 0) {
    const longest = nodeNameAt(spec, spec.levels.map((level) => level.fanOut - 1));
    if (!DNS_LABEL.test(longest) || longest.length > 63) {
      problems.push(`node names such as "${longest}" must be DNS labels of at most 63 characters`);
    }
  }
  return problems;
}

function assertValid(spec: TopologySpec): void {
  const problems = validateTopologySpec(spec);
  if (problems.length > 0) throw new Error(`invalid topology spec "${spec.name}": ${problems.join('; ')}`);
}

/** Label value of the level at depth `path.length - 1`: "z1", "z1-b0", … (unique cluster-wide). */
function levelValue(spec: TopologySpec, path: readonly number[]): string {
  return path.map((index, depth) => `${spec.levels[depth]?.valuePrefix ?? spec.levels[depth]?.domain}${index}`).join('-');
}

function nodeNameAt(spec: TopologySpec, path: readonly number[]): string {
  return `${spec.nodeNamePrefix}${levelValue(spec, path)}`;
}

/** All index paths of the node level in order (row-major, broadest level slowest). */
function nodePaths(spec: TopologySpec): number[][] {
  let paths: number[][] = [[]];
  for (const level of spec.levels) {
    paths = paths.flatMap((path) => Array.from({ length: level.fanOut }, (_, index) => [...path, index]));
  }
  return paths;
}

/** The fake GPU nodes the spec describes, ready to create through the API (KWOK keeps their status). */
export function nodesFromTopologySpec(spec: TopologySpec): NodeManifest[] {
  assertValid(spec);
  const nvlinkDepth = spec.levels.findIndex((level) => level.domain === spec.nvlinkDomain);
  // Number of nodes sharing one NVLink domain: the product of fan-outs below the NVLink level.
  const nodesPerClique = spec.levels.slice(nvlinkDepth + 1).reduce((count, level) => count * level.fanOut, 1);
  const resources: Record<string, string> = {
    cpu: spec.nodeResources.cpu,
    memory: spec.nodeResources.memory,
    pods: String(spec.nodeResources.pods),
    [RESOURCE_GPU]: String(spec.gpusPerNode),
  };

  return nodePaths(spec).map((path, nodeIndex) => {
    const name = nodeNameAt(spec, path);
    const labels: Record<string, string> = {
      [KWOK_NODE_SELECTOR_LABEL.key]: KWOK_NODE_SELECTOR_LABEL.value,
      'kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
      [GPU_PRODUCT_LABEL]: spec.gpuProduct,
      [GPU_COUNT_LABEL]: String(spec.gpusPerNode),
      [GPU_CLIQUE_LABEL]: `${spec.clusterUUID}.${Math.floor(nodeIndex / nodesPerClique)}`,
    };
    spec.levels.forEach((level, depth) => {
      labels[level.key] = depth === spec.levels.length - 1 ? name : levelValue(spec, path.slice(0, depth + 1));
    });
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        labels,
        // node.alpha…/ttl 0: no kubelet ever reads it, KWOK's own examples set it.
        annotations: { [KWOK_NODE_ANNOTATION]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      },
      spec: {},
      status: { capacity: { ...resources }, allocatable: { ...resources } },
    };
  });
}

/** The Grove ClusterTopologyBinding whose levels map each domain of the spec to its node label key. */
export function topologyBindingFromSpec(spec: TopologySpec): ClusterTopologyBindingManifest {
  assertValid(spec);
  return {
    apiVersion: 'grove.io/v1alpha1',
    kind: 'ClusterTopologyBinding',
    metadata: { name: spec.name },
    spec: { levels: spec.levels.map(({ domain, key }) => ({ domain, key })) },
  };
}
