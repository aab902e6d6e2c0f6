/**
 * The built-in demo cluster of the simulated source: a GB200-NVL72-style zone (racks of 18 nodes × 4
 * GPUs, one NVLink domain per rack) plus an H100 zone (8-GPU nodes, NVLink inside the node), under ONE
 * ClusterTopologyBinding whose levels (zone > block > rack > host) fit both; and a few running stacks
 * (PodCliqueSets) so the demo never starts empty. Pure data: no I/O.
 *
 * The stacks pack by topology, which only a topology-aware gang scheduler does (API-NOTES §12, §13):
 * their pods name kai-scheduler, and the PodCliqueSets carry the KAI queue label Grove's webhook
 * requires for it (§5.5). The binding needs no schedulerTopologyBindings entry: Grove creates KAI's
 * Topology of the same name itself for a binding without one (§12; an entry would point at a Topology
 * managed elsewhere).
 */
import { LABEL_KAI_QUEUE } from '../grove/labels';
import type { PodCliqueSet } from '../grove/podcliqueset';
import { DEFAULT_TEST_TOPOLOGY, GPU_PRODUCT_LABEL, gpuCount, nodesFromTopologySpec, topologyBindingFromSpec, type TopologySpec } from './spec';
import { kubeList, type KubeList } from './snapshot';

/** Name of the demo's ClusterTopologyBinding (what the demo stacks' topologyName refers to). */
export const DEMO_TOPOLOGY_NAME = 'demo';

// The same label keys as the test topology, so manifests written for one work on the other.
const KEYS = DEFAULT_TEST_TOPOLOGY.levels.map((l) => l.key);
const level = (i: number, domain: string, fanOut: number, valuePrefix: string) => ({ domain, key: KEYS[i]!, fanOut, valuePrefix });

/** GB200 NVL72: 1 zone × 2 blocks × 2 racks × 18 nodes × 4 GPUs = 72 nodes, 288 GPUs; NVLink per rack. */
export const DEMO_GB200: TopologySpec = {
  name: DEMO_TOPOLOGY_NAME,
  clusterUUID: '0b2a5c1e-7d4f-4e8a-9c31-5f6e7a8b9c0d',
  // Zone values "z0", H100 zone "zh0": label values stay unique across the two specs.
  levels: [level(0, 'zone', 1, 'z'), level(1, 'block', 2, 'b'), level(2, 'rack', 2, 'r'), level(3, 'host', 18, 'n')],
  nvlinkDomain: 'rack',
  gpusPerNode: 4,
  gpuProduct: 'NVIDIA-GB200',
  nodeResources: { cpu: '144', memory: '960Gi', pods: 110 },
  nodeNamePrefix: 'gb200-',
};

/** H100 zone: 1 zone × 1 block × 2 racks × 4 nodes × 8 GPUs = 8 nodes, 64 GPUs; NVLink inside a node. */
export const DEMO_H100: TopologySpec = {
  name: DEMO_TOPOLOGY_NAME,
  clusterUUID: '4c8e1f2a-3b5d-4a6c-8e9f-1a2b3c4d5e6f',
  levels: [level(0, 'zone', 1, 'zh'), level(1, 'block', 1, 'b'), level(2, 'rack', 2, 'r'), level(3, 'host', 4, 'n')],
  nvlinkDomain: 'host',
  gpusPerNode: 8,
  gpuProduct: 'NVIDIA-H100-80GB-HBM3',
  nodeResources: { cpu: '224', memory: '2Ti', pods: 110 },
  nodeNamePrefix: 'h100-',
};

export const DEMO_GPU_COUNT = gpuCount(DEMO_GB200) + gpuCount(DEMO_H100);

/** The scheduler of the demo stacks' pods: KAI, Grove's topology-aware gang scheduler. */
export const DEMO_SCHEDULER_NAME = 'kai-scheduler';
/** The KAI queue the demo stacks run in (label `kai.scheduler/queue`). */
export const DEMO_KAI_QUEUE = 'default-queue';
const kaiQueue = { [LABEL_KAI_QUEUE]: DEMO_KAI_QUEUE };

const engine = (gpus: number, product: string, image = 'nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.4.0') => ({
  schedulerName: DEMO_SCHEDULER_NAME,
  nodeSelector: { [GPU_PRODUCT_LABEL]: product },
  containers: [{ name: 'engine', image, resources: { limits: { 'nvidia.com/gpu': String(gpus) }, requests: { cpu: '16', memory: '128Gi' } } }],
});
const cpuOnly = (name: string) => ({
  schedulerName: DEMO_SCHEDULER_NAME,
  containers: [{ name, image: 'nvcr.io/nvidia/ai-dynamo/frontend:0.4.0', resources: { requests: { cpu: '2', memory: '4Gi' } } }],
});

/** Disaggregated prefill/decode on GB200: a router, a prefill scaling group (2 replicas: one base, one scaled gang) and decode. */
function disaggregated(): PodCliqueSet {
  const gb = DEMO_GB200.gpuProduct;
  return {
    apiVersion: 'grove.io/v1alpha1',
    kind: 'PodCliqueSet',
    metadata: { name: 'llama-disagg', namespace: 'default', labels: { app: 'llama-disagg', ...kaiQueue } },
    spec: {
      replicas: 1,
      template: {
        cliqueStartupType: 'CliqueStartupTypeExplicit',
        topologyConstraint: { topologyName: DEMO_TOPOLOGY_NAME, pack: { preferred: 'block' } },
        cliques: [
          { name: 'router', spec: { roleName: 'router', replicas: 1, minAvailable: 1, podSpec: cpuOnly('router') } },
          { name: 'pleader', spec: { roleName: 'prefill-leader', replicas: 1, minAvailable: 1, podSpec: engine(4, gb) } },
          { name: 'pworker', spec: { roleName: 'prefill-worker', replicas: 3, minAvailable: 3, startsAfter: ['pleader'], podSpec: engine(4, gb) } },
          { name: 'decode', spec: { roleName: 'decode', replicas: 4, minAvailable: 2, startsAfter: ['router'], podSpec: engine(4, gb) } },
        ],
        podCliqueScalingGroups: [
          { name: 'prefill', cliqueNames: ['pleader', 'pworker'], replicas: 2, minAvailable: 1, topologyConstraint: { pack: { required: 'rack' } } },
        ],
      },
    },
  } as PodCliqueSet;
}

/** A wide multi-node model on GB200: 8 nodes × 4 GPUs per instance, one instance per NVLink rack. */
function wideEp(): PodCliqueSet {
  const gb = DEMO_GB200.gpuProduct;
  return {
    apiVersion: 'grove.io/v1alpha1',
    kind: 'PodCliqueSet',
    metadata: { name: 'deepseek-wide', namespace: 'default', labels: { app: 'deepseek-wide', ...kaiQueue } },
    spec: {
      replicas: 1,
      template: {
        cliqueStartupType: 'CliqueStartupTypeInOrder',
        topologyConstraint: { topologyName: DEMO_TOPOLOGY_NAME, pack: { required: 'rack' } },
        cliques: [
          { name: 'leader', spec: { roleName: 'leader', replicas: 1, minAvailable: 1, podSpec: engine(4, gb) } },
          { name: 'worker', spec: { roleName: 'worker', replicas: 7, minAvailable: 7, podSpec: engine(4, gb) } },
        ],
      },
    },
  } as PodCliqueSet;
}

/** Aggregated serving on H100: two replicas of a single 8-GPU clique with 2 pods each. */
function aggregated(): PodCliqueSet {
  return {
    apiVersion: 'grove.io/v1alpha1',
    kind: 'PodCliqueSet',
    metadata: { name: 'mixtral-agg', namespace: 'default', labels: { app: 'mixtral-agg', ...kaiQueue } },
    spec: {
      replicas: 2,
      template: {
        topologyConstraint: { topologyName: DEMO_TOPOLOGY_NAME, pack: { required: 'rack' } },
        cliques: [{ name: 'worker', spec: { roleName: 'worker', replicas: 2, minAvailable: 2, podSpec: engine(8, DEMO_H100.gpuProduct) } }],
      },
    },
  } as PodCliqueSet;
}

/** The running stacks the demo starts with. */
export function demoStacks(): PodCliqueSet[] {
  return [disaggregated(), wideEp(), aggregated()];
}

/**
 * The demo cluster as a snapshot List (Nodes of both zones + the one binding), the same format
 * `canopy snapshot` writes. The binding's levels come from the GB200 spec; the H100 spec uses the same
 * domains and keys, so its nodes carry every key the binding names.
 */
export function demoSnapshot(): KubeList {
  return kubeList([...nodesFromTopologySpec(DEMO_GB200), ...nodesFromTopologySpec(DEMO_H100), topologyBindingFromSpec(DEMO_GB200)]);
}
