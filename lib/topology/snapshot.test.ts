import { describe, expect, it } from 'vitest';
import type { ClusterState } from '../cluster/state';
import kubectlSmall from './fixtures/kubectl-small.json';
import {
  SnapshotError,
  clusterStateFromSnapshot,
  ignoredKindsNote,
  kubeList,
  nodeInfoFromNode,
  parseClusterSnapshot,
  podInfoFromPod,
  snapshotFromTopologySpec,
  snapshotObjects,
} from './snapshot';
import { DEFAULT_TEST_TOPOLOGY, nodesFromTopologySpec } from './spec';

const KI = 1024;
const MI = 1024 ** 2;
const GI = 1024 ** 3;

const clone = <T>(value: T): T => structuredClone(value);

/** The single error message of a snapshot that must fail. */
function problems(snapshot: unknown): string[] {
  const result = parseClusterSnapshot(snapshot);
  if (result.ok) throw new Error('snapshot was accepted');
  return result.errors.map((error) => error.message);
}

describe('clusterStateFromSnapshot on a kubectl List', () => {
  it('reads nodes, pods and the ClusterTopologyBinding exactly', () => {
    const expected: ClusterState = {
      nodes: [
        {
          name: 'gpu-a',
          labels: {
            'beta.kubernetes.io/arch': 'amd64',
            'beta.kubernetes.io/os': 'linux',
            'kubernetes.io/arch': 'amd64',
            'kubernetes.io/hostname': 'gpu-a',
            'kubernetes.io/os': 'linux',
            'nvidia.com/gpu.clique': '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f.0',
            'nvidia.com/gpu.count': '8',
            'nvidia.com/gpu.product': 'NVIDIA-GB200',
            'topology.kubernetes.io/rack': 'rack-1',
            'topology.kubernetes.io/zone': 'zone-a',
          },
          allocatable: { gpu: 8, cpuMilli: 143_500, memory: 1_981_241_172 * KI, pods: 110 },
          taints: [],
          unschedulable: false,
          ready: true,
        },
        {
          name: 'gpu-b',
          labels: {
            'kubernetes.io/arch': 'amd64',
            'kubernetes.io/hostname': 'gpu-b',
            'kubernetes.io/os': 'linux',
            'nvidia.com/gpu.count': '8',
            'nvidia.com/gpu.product': 'NVIDIA-GB200',
            'topology.kubernetes.io/rack': 'rack-1',
            'topology.kubernetes.io/zone': 'zone-a',
          },
          allocatable: { gpu: 8, cpuMilli: 143_500, memory: 1_981_241_172 * KI, pods: 110 },
          taints: [
            { key: 'nvidia.com/gpu', effect: 'NoSchedule', value: 'present' },
            { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' },
          ],
          unschedulable: true,
          ready: true,
        },
        {
          name: 'gpu-c',
          labels: {
            'kubernetes.io/arch': 'amd64',
            'kubernetes.io/hostname': 'gpu-c',
            'kubernetes.io/os': 'linux',
            'topology.kubernetes.io/zone': 'zone-b',
          },
          // No status.allocatable: capacity stands in.
          allocatable: { gpu: 4, cpuMilli: 72_000, memory: 990_876_586 * KI, pods: 110 },
          taints: [
            { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' },
            { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' },
          ],
          unschedulable: false,
          ready: false,
        },
      ],
      // In key order (namespace/name), as an apiserver lists them, not the file's order.
      pods: [
        {
          namespace: 'gpu-operator',
          name: 'nvidia-device-plugin-daemonset-m2x9v',
          nodeName: 'gpu-c',
          labels: { 'app.kubernetes.io/name': 'nvidia-device-plugin' },
          requests: { gpu: 0, cpuMilli: 50, memory: 100 * MI, pods: 1 },
          phase: 'Running',
          terminal: false,
        },
        {
          namespace: 'ml',
          name: 'preprocess-8wq4d',
          nodeName: 'gpu-b',
          labels: { 'batch.kubernetes.io/job-name': 'preprocess' },
          requests: { gpu: 1, cpuMilli: 2000, memory: 4 * GI, pods: 1 },
          phase: 'Succeeded',
          terminal: true,
        },
        {
          namespace: 'ml',
          name: 'trainer-0-worker-x7k2p',
          nodeName: 'gpu-a',
          labels: { 'app.kubernetes.io/part-of': 'trainer', 'grove.io/podclique': 'trainer-0-worker' },
          // cpu: the 16-core init container outweighs 8 + 0.5; memory: 64Gi + 256Mi outweighs 1Gi.
          requests: { gpu: 4, cpuMilli: 16_000, memory: 64 * GI + 256 * MI, pods: 1 },
          phase: 'Running',
          terminal: false,
        },
        {
          namespace: 'ml',
          name: 'trainer-1-worker-q9d8s',
          labels: { 'grove.io/podclique': 'trainer-1-worker' },
          requests: { gpu: 8, cpuMilli: 0, memory: 0, pods: 1 },
          phase: 'Pending',
          terminal: false,
        },
        {
          namespace: 'research',
          name: 'notebook-kata',
          nodeName: 'gpu-a',
          labels: { app: 'notebook' },
          // GPU only in limits → request; plus the kata RuntimeClass overhead.
          requests: { gpu: 2, cpuMilli: 1250, memory: 2 * GI + 160 * MI, pods: 1 },
          phase: 'Running',
          terminal: false,
        },
      ],
      topologies: [
        {
          name: 'gb200',
          levels: [
            { domain: 'zone', key: 'topology.kubernetes.io/zone' },
            { domain: 'rack', key: 'topology.kubernetes.io/rack' },
            { domain: 'host', key: 'kubernetes.io/hostname' },
          ],
        },
      ],
    };
    expect(clusterStateFromSnapshot(kubectlSmall)).toEqual(expected);
  });

  it('produces plain JSON data (round-trips through JSON.stringify)', () => {
    const state = clusterStateFromSnapshot(kubectlSmall);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });

  it('does not modify its input', () => {
    const input = clone(kubectlSmall);
    clusterStateFromSnapshot(input);
    expect(input).toEqual(kubectlSmall);
  });

  it('ignores kinds it does not use, and Node/Pod kinds of other API groups', () => {
    const list = kubeList([
      ...kubectlSmall.items,
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ml' } },
      { apiVersion: 'grove.io/v1alpha1', kind: 'PodCliqueSet', metadata: { name: 'x' }, spec: 42 },
      { apiVersion: 'example.com/v1', kind: 'Node', metadata: {} },
      { apiVersion: 'kai.scheduler/v1alpha1', kind: 'ClusterTopologyBinding', spec: 'not grove' },
    ]);
    expect(clusterStateFromSnapshot(list)).toEqual(clusterStateFromSnapshot(kubectlSmall));
  });

  it('reads typed API lists (NodeList items carry no kind) and single objects', () => {
    const nodes = kubectlSmall.items.filter((item) => item.kind === 'Node').map(({ kind: _kind, apiVersion: _v, ...rest }) => rest);
    const nodeList = { apiVersion: 'v1', kind: 'NodeList', items: nodes, metadata: { resourceVersion: '918355' } };
    expect(clusterStateFromSnapshot(nodeList).nodes.map((node) => node.name)).toEqual(['gpu-a', 'gpu-b', 'gpu-c']);
    expect(clusterStateFromSnapshot(kubectlSmall.items[1]).nodes.map((node) => node.name)).toEqual(['gpu-b']);
  });

  it('reads an empty List', () => {
    expect(clusterStateFromSnapshot(kubeList([]))).toEqual({ nodes: [], pods: [], topologies: [] });
  });
});

describe('bad snapshots: every error names its JSON path', () => {
  it('a GPU count that is not a quantity', () => {
    const list = clone(kubectlSmall);
    (list.items[1]!.status!.allocatable as Record<string, string>)['nvidia.com/gpu'] = 'x';
    expect(problems(list)).toEqual(['items[1].status.allocatable["nvidia.com/gpu"]: "x" is not a quantity']);
  });

  it('collects one problem per broken item, and the thrown error says how many', () => {
    const list = clone(kubectlSmall) as { items: Record<string, any>[] };
    list.items[0]!.status.capacity.cpu = '2 cores';
    list.items[3]!.spec.containers[1].resources.requests.memory = '256MB';
    list.items[8]!.spec.levels = [];
    expect(problems(list)).toEqual([
      'items[0].status.capacity.cpu: "2 cores" is not a quantity (unknown suffix " cores")',
      'items[3].spec.containers[1].resources.requests.memory: "256MB" is not a quantity (unknown suffix "MB")',
      'items[8].spec.levels: must list at least one level',
    ]);
    expect(() => clusterStateFromSnapshot(list)).toThrow(SnapshotError);
    expect(() => clusterStateFromSnapshot(list)).toThrow(
      'invalid cluster snapshot: items[0].status.capacity.cpu: "2 cores" is not a quantity (unknown suffix " cores") (and 2 more)',
    );
  });

  it.each([
    ['not an object', [], ['a cluster snapshot must be a Kubernetes List object, got a list']],
    ['no items', { apiVersion: 'v1', kind: 'List' }, ['items: is required (a cluster snapshot is a Kubernetes List)']],
    ['items not a list', { kind: 'List', items: {} }, ['items: must be a list, got an object']],
    ['node without name', kubeList([{ apiVersion: 'v1', kind: 'Node', metadata: {} }]), ['items[0].metadata.name: is required']],
    ['node without metadata', kubeList([{ apiVersion: 'v1', kind: 'Node' }]), ['items[0].metadata: is required']],
    [
      'label value not a string',
      kubeList([{ kind: 'Node', metadata: { name: 'n', labels: { 'topology.kubernetes.io/rack': 7 } } }]),
      ['items[0].metadata.labels["topology.kubernetes.io/rack"]: must be a string, got number 7'],
    ],
    [
      'unschedulable not a boolean',
      kubeList([{ kind: 'Node', metadata: { name: 'n' }, spec: { unschedulable: 'yes' } }]),
      ['items[0].spec.unschedulable: must be true or false, got "yes"'],
    ],
    [
      'taint without effect',
      kubeList([{ kind: 'Node', metadata: { name: 'n' }, spec: { taints: [{ key: 'a' }] } }]),
      ['items[0].spec.taints[0].effect: is required'],
    ],
    [
      'negative memory',
      kubeList([{ kind: 'Node', metadata: { name: 'n' }, status: { allocatable: { memory: '-1Gi' } } }]),
      ['items[0].status.allocatable.memory: "-1Gi" must not be negative'],
    ],
    [
      'fractional pods',
      kubeList([{ kind: 'Node', metadata: { name: 'n' }, status: { capacity: { pods: '1.5' } } }]),
      ['items[0].status.capacity.pods: "1.5" must be a whole number'],
    ],
    [
      'condition without status',
      kubeList([{ kind: 'Node', metadata: { name: 'n' }, status: { conditions: [{ type: 'Ready' }] } }]),
      ['items[0].status.conditions[0].status: is required'],
    ],
    ['pod without spec', kubeList([{ kind: 'Pod', metadata: { name: 'p', namespace: 'x' } }]), ['items[0].spec: is required']],
    [
      'pod containers not a list',
      kubeList([{ kind: 'Pod', metadata: { name: 'p' }, spec: { containers: 'main' } }]),
      ['items[0].spec.containers: must be a list of containers, got "main"'],
    ],
    [
      'pod GPU limit fractional',
      kubeList([{ kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', resources: { limits: { 'nvidia.com/gpu': '0.5' } } }] } }]),
      ['items[0].spec.containers[0].resources.limits["nvidia.com/gpu"]: "0.5" must be a whole number'],
    ],
    [
      'pod nodeName not a string',
      kubeList([{ kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [], nodeName: 3 } }]),
      ['items[0].spec.nodeName: must be a string, got number 3'],
    ],
    [
      'binding level without key',
      kubeList([{ apiVersion: 'grove.io/v1alpha1', kind: 'ClusterTopologyBinding', metadata: { name: 't' }, spec: { levels: [{ domain: 'rack' }] } }]),
      ['items[0].spec.levels[0].key: is required'],
    ],
    [
      'duplicate node',
      kubeList([
        { kind: 'Node', metadata: { name: 'n' } },
        { kind: 'Node', metadata: { name: 'n' } },
      ]),
      ['items[1].metadata: node "n" appears twice'],
    ],
    [
      'duplicate pod',
      kubeList([
        { kind: 'Pod', metadata: { name: 'p', namespace: 'a' }, spec: { containers: [] } },
        { kind: 'Pod', metadata: { name: 'p', namespace: 'b' }, spec: { containers: [] } },
        { kind: 'Pod', metadata: { name: 'p', namespace: 'a' }, spec: { containers: [] } },
      ]),
      ['items[2].metadata: pod "a/p" appears twice'],
    ],
  ] as [string, unknown, string[]][])('%s', (_name, snapshot, expected) => {
    expect(problems(snapshot)).toEqual(expected);
  });

  it('stops after 50 problems', () => {
    const broken = Array.from({ length: 80 }, () => ({ kind: 'Node', metadata: {} }));
    expect(problems(kubeList(broken))).toHaveLength(50);
  });
});

describe('nodeInfoFromNode / podInfoFromPod (for the live watch)', () => {
  it('read single objects, with paths relative to the object', () => {
    expect(nodeInfoFromNode(kubectlSmall.items[2]).ready).toBe(false);
    expect(podInfoFromPod(kubectlSmall.items[5]).terminal).toBe(true);
    expect(() => podInfoFromPod({ metadata: { name: 'p' }, spec: { containers: [{ resources: { requests: { cpu: 'x' } } }] } })).toThrow(
      'spec.containers[0].resources.requests.cpu: "x" is not a quantity',
    );
  });

  it('count a node as Ready unless its Ready condition says otherwise', () => {
    expect(nodeInfoFromNode({ metadata: { name: 'n' } }).ready).toBe(true);
    expect(nodeInfoFromNode({ metadata: { name: 'n' }, status: { conditions: [{ type: 'MemoryPressure', status: 'True' }] } }).ready).toBe(true);
    expect(nodeInfoFromNode({ metadata: { name: 'n' }, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } }).ready).toBe(false);
  });

  it('fall back to capacity per resource missing from allocatable', () => {
    const node = { metadata: { name: 'n' }, status: { allocatable: { cpu: '7' }, capacity: { cpu: '8', 'nvidia.com/gpu': '4', memory: '1Gi' } } };
    expect(nodeInfoFromNode(node).allocatable).toEqual({ gpu: 4, cpuMilli: 7000, memory: GI, pods: 0 });
  });

  it('put a pod without namespace in "default" and treat Failed as terminal', () => {
    const pod = podInfoFromPod({ metadata: { name: 'p' }, spec: { containers: [], nodeName: '' }, status: { phase: 'Failed' } });
    expect(pod).toEqual({ namespace: 'default', name: 'p', labels: {}, requests: { gpu: 0, cpuMilli: 0, memory: 0, pods: 1 }, phase: 'Failed', terminal: true });
  });
});

describe('snapshotFromTopologySpec', () => {
  it('is a kubectl-style List of the spec nodes and binding, then the extra items', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { nodeName: 'gpu-z0-b0-r0-n0', containers: [] } };
    const list = snapshotFromTopologySpec(DEFAULT_TEST_TOPOLOGY, [pod]);
    expect(list.apiVersion).toBe('v1');
    expect(list.kind).toBe('List');
    expect(list.metadata).toEqual({ resourceVersion: '' });
    expect(list.items).toHaveLength(32 + 1 + 1);
    expect(JSON.parse(JSON.stringify(list))).toEqual(list);
  });

  it('reads back into the ClusterState of the spec: 32 ready 8-GPU nodes and the binding', () => {
    const state = clusterStateFromSnapshot(snapshotFromTopologySpec(DEFAULT_TEST_TOPOLOGY));
    const names = nodesFromTopologySpec(DEFAULT_TEST_TOPOLOGY).map((node) => node.metadata.name);
    expect(state.nodes.map((node) => node.name)).toEqual(names);
    for (const node of state.nodes) {
      expect(node).toMatchObject({ allocatable: { gpu: 8, cpuMilli: 128_000, memory: 1024 ** 4, pods: 110 }, ready: true, unschedulable: false, taints: [] });
    }
    expect(state.pods).toEqual([]);
    expect(state.topologies).toEqual([
      {
        name: 'canopy-test',
        levels: [
          { domain: 'zone', key: 'topology.kubernetes.io/zone' },
          { domain: 'block', key: 'topology.kubernetes.io/block' },
          { domain: 'rack', key: 'topology.kubernetes.io/rack' },
          { domain: 'host', key: 'kubernetes.io/hostname' },
        ],
      },
    ]);
  });
});

describe('snapshotObjects: what the simulated cluster loads from a snapshot', () => {
  const pcs = { apiVersion: 'grove.io/v1alpha1', kind: 'PodCliqueSet', metadata: { name: 'infer', namespace: 'team' }, spec: { replicas: 1 } };
  const base = () => snapshotFromTopologySpec(DEFAULT_TEST_TOPOLOGY).items;

  it("keeps every watched kind (Grove's too) with its JSON path, and counts the rest per kind, most first", () => {
    const items = [
      ...base(),
      pcs,
      { apiVersion: 'scheduler.grove.io/v1alpha1', kind: 'PodGang', metadata: { name: 'infer-0', namespace: 'team' } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } },
      ...Array.from({ length: 3 }, (_, i) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `d${i}` } })),
      { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'e' } },
    ];
    const { objects, ignored } = snapshotObjects(kubeList(items));
    const kinds = objects.map((o) => o.kind);
    expect(kinds.filter((k) => k === 'Node')).toHaveLength(32);
    expect(kinds.filter((k) => k !== 'Node')).toEqual(['ClusterTopologyBinding', 'PodCliqueSet', 'PodGang']);
    expect(objects.find((o) => o.kind === 'PodCliqueSet')).toEqual({ kind: 'PodCliqueSet', object: pcs, path: 'items[33]' });
    expect(ignored).toEqual([['Deployment', 3], ['Event (events.k8s.io/v1)', 1], ['Service', 1]]);
    expect(ignoredKindsNote(ignored)).toBe('ignored 5 items of kinds Canopy does not simulate: Deployment (3), Event (events.k8s.io/v1) (1), Service (1)');
    expect(ignoredKindsNote([])).toBeUndefined();
  });

  it('sets the kind of a typed list’s items, and asks for a name', () => {
    const { kind: _kind, apiVersion: _apiVersion, ...bare } = pcs;
    expect(snapshotObjects({ apiVersion: 'grove.io/v1alpha1', kind: 'PodCliqueSetList', items: [bare] }).objects).toEqual([{ kind: 'PodCliqueSet', object: { ...bare, kind: 'PodCliqueSet', apiVersion: 'grove.io/v1alpha1' }, path: 'items[0]' }]);
    expect(() => snapshotObjects(kubeList([...base(), { ...pcs, metadata: { namespace: 'team' } }]))).toThrow('invalid cluster snapshot: items[33].metadata.name: is required');
  });

  it('leaves what canopy place reads as it was: the same ClusterState with Grove objects in the file', () => {
    const plain = clusterStateFromSnapshot(kubeList(base()));
    expect(clusterStateFromSnapshot(kubeList([...base(), pcs, { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } }]))).toEqual(plain);
  });
});
