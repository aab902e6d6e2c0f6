import { describe, expect, it } from 'vitest';
import { GROVE_SCHEMAS } from '../grove/crd-schemas';
import type { Schema } from '../grove/schema';
import { diffObjects } from './diff';
import { LIST_IDENTITY } from './listIdentity';

describe('diffObjects', () => {
  const base = {
    apiVersion: 'grove.io/v1alpha1',
    kind: 'PodCliqueSet',
    metadata: { name: 'a', namespace: 'ns', uid: '1', resourceVersion: '5', generation: 1, labels: { x: 'y' } },
    spec: { replicas: 1, template: { cliques: [{ name: 'c', spec: { replicas: 2 } }] } },
    status: { replicas: 1 },
  };

  it('is empty for equal objects and ignores server-owned fields', () => {
    const other = structuredClone(base);
    other.metadata.uid = '2';
    other.metadata.resourceVersion = '9';
    other.metadata.generation = 3;
    other.status.replicas = 7;
    expect(diffObjects(base, other)).toEqual([]);
  });

  it('names changed, added and removed leaves with jq-style paths, list items by their key', () => {
    const other = structuredClone(base) as Record<string, any>;
    other.spec.template.cliques[0].spec.replicas = 4;
    other.spec.priority = 'high';
    delete other.metadata.labels.x;
    other.metadata.labels['grove.io/a'] = 'b';
    expect(diffObjects(base, other)).toEqual([
      { path: 'metadata.labels["grove.io/a"]', new: 'b' },
      { path: 'metadata.labels.x', old: 'y' },
      { path: 'spec.priority', new: 'high' },
      { path: 'spec.template.cliques[name="c"].spec.replicas', old: 2, new: 4 },
    ]);
  });

  it('a new object is field by field of its top', () => {
    expect(diffObjects(null, { kind: 'X', metadata: { name: 'n', uid: 'u' } })).toEqual([
      { path: 'kind', new: 'X' },
      { path: 'metadata', new: { name: 'n', uid: 'u' } },
    ]);
  });
});

/** llama-disagg's shape: a router clique and a decode clique, each with one container. */
// Loosely typed: each test reaches into it to change one thing.
function stack(): Record<string, any> {
  const container = (name: string, image: string) => ({
    name,
    image,
    args: ['--port', '8000'],
    env: [
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'MODEL', value: 'meta-llama/Llama-3.1-70B' },
    ],
    ports: [{ containerPort: 8000, protocol: 'TCP' }],
    resources: { requests: { cpu: '2' } },
  });
  return {
    apiVersion: 'grove.io/v1alpha1',
    kind: 'PodCliqueSet',
    metadata: { name: 'llama-disagg', namespace: 'default' },
    spec: {
      replicas: 1,
      template: {
        cliqueStartupType: 'CliqueStartupTypeExplicit',
        cliques: [
          { name: 'router', spec: { roleName: 'router', replicas: 1, podSpec: { containers: [container('router', 'nvcr.io/nvidia/ai-dynamo/frontend:0.4.0')], tolerations: [{ key: 'a', operator: 'Exists' }] } } },
          { name: 'decode', spec: { roleName: 'decode', replicas: 4, startsAfter: ['router'], podSpec: { containers: [container('decode', 'nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.4.0')] } } },
        ],
        podCliqueScalingGroups: [{ name: 'prefill', cliqueNames: ['pleader', 'pworker'], replicas: 2 }],
      },
    },
  };
}
type Stack = Record<string, any>;
const ROUTER = 'spec.template.cliques[name="router"].spec.podSpec';

describe('diffObjects: lists with a merge key are compared item by item', () => {
  it('a container added to a clique is one row naming it, with the whole container as its value; nothing about the router', () => {
    const after = stack() as Stack;
    const sidecar = { name: 'sidecar', image: 'nvcr.io/nvidia/dcgm-exporter:3.3.5', args: ['--collectors', '/etc/dcgm-exporter/dcp-metrics-included.csv'] };
    after.spec.template.cliques[0].spec.podSpec.containers.push(sidecar);
    expect(diffObjects(stack(), after)).toEqual([{ path: `${ROUTER}.containers[name="sidecar"]`, new: sidecar }]);
  });

  it('a container added first still leaves the others matched by name (not a change of containers[0])', () => {
    const after = stack() as Stack;
    after.spec.template.cliques[1].spec.podSpec.containers.unshift({ name: 'init-metrics', image: 'busybox' });
    expect(diffObjects(stack(), after)).toEqual([{ path: 'spec.template.cliques[name="decode"].spec.podSpec.containers[name="init-metrics"]', new: { name: 'init-metrics', image: 'busybox' } }]);
  });

  it('a removed container is one row with its old value', () => {
    const before = stack() as Stack;
    before.spec.template.cliques[0].spec.podSpec.containers.push({ name: 'sidecar', image: 'busybox' });
    expect(diffObjects(before, stack())).toEqual([{ path: `${ROUTER}.containers[name="sidecar"]`, old: { name: 'sidecar', image: 'busybox' } }]);
  });

  it('an image changed inside a named container of a named clique is named by both', () => {
    const after = stack() as Stack;
    after.spec.template.cliques[1].spec.podSpec.containers[0].image = 'nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.4.1';
    expect(diffObjects(stack(), after)).toEqual([
      { path: 'spec.template.cliques[name="decode"].spec.podSpec.containers[name="decode"].image', old: 'nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.4.0', new: 'nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.4.1' },
    ]);
  });

  it('cliques in another order but otherwise unchanged: no field changes, one row saying the order changed (the stored object keeps it)', () => {
    const after = stack() as Stack;
    after.spec.template.cliques.reverse();
    expect(diffObjects(stack(), after)).toEqual([{ path: 'spec.template.cliques', old: ['router', 'decode'], new: ['decode', 'router'], reordered: true }]);
  });

  it('cliques reordered with one changed: the change by name, then the order', () => {
    const after = stack() as Stack;
    after.spec.template.cliques.reverse();
    after.spec.template.cliques[0].spec.replicas = 6;
    expect(diffObjects(stack(), after)).toEqual([
      { path: 'spec.template.cliques[name="decode"].spec.replicas', old: 4, new: 6 },
      { path: 'spec.template.cliques', old: ['router', 'decode'], new: ['decode', 'router'], reordered: true },
    ]);
  });

  it('an env var added, one changed and one removed, each by name', () => {
    const after = stack() as Stack;
    const env = after.spec.template.cliques[0].spec.podSpec.containers[0].env;
    env[1].value = 'meta-llama/Llama-3.3-70B';
    env.shift();
    env.push({ name: 'DYN_LOG', value: 'debug' });
    expect(diffObjects(stack(), after)).toEqual([
      { path: `${ROUTER}.containers[name="router"].env[name="MODEL"].value`, old: 'meta-llama/Llama-3.1-70B', new: 'meta-llama/Llama-3.3-70B' },
      { path: `${ROUTER}.containers[name="router"].env[name="DYN_LOG"]`, new: { name: 'DYN_LOG', value: 'debug' } },
      { path: `${ROUTER}.containers[name="router"].env[name="LOG_LEVEL"]`, old: { name: 'LOG_LEVEL', value: 'info' } },
    ]);
  });

  it('ports are told apart by containerPort and protocol, as server-side apply keys them', () => {
    const after = stack() as Stack;
    after.spec.template.cliques[0].spec.podSpec.containers[0].ports.unshift({ containerPort: 8000, protocol: 'UDP' });
    after.spec.template.cliques[0].spec.podSpec.containers[0].ports[1].name = 'http';
    expect(diffObjects(stack(), after)).toEqual([
      { path: `${ROUTER}.containers[name="router"].ports[containerPort=8000,protocol="UDP"]`, new: { containerPort: 8000, protocol: 'UDP' } },
      { path: `${ROUTER}.containers[name="router"].ports[containerPort=8000,protocol="TCP"].name`, new: 'http' },
    ]);
  });

  it('startsAfter is a set: a name added is one row naming it; the same names in another order are an order row only', () => {
    const added = stack() as Stack;
    added.spec.template.cliques[1].spec.startsAfter.push('prefill');
    expect(diffObjects(stack(), added)).toEqual([{ path: 'spec.template.cliques[name="decode"].spec.startsAfter[="prefill"]', new: 'prefill' }]);
    const reordered = structuredClone(added);
    reordered.spec.template.cliques[1].spec.startsAfter.reverse();
    expect(diffObjects(added, reordered)).toEqual([{ path: 'spec.template.cliques[name="decode"].spec.startsAfter', old: ['router', 'prefill'], new: ['prefill', 'router'], reordered: true }]);
  });

  it('scaling groups are matched by name: a group added before the other leaves it alone', () => {
    const after = stack() as Stack;
    after.spec.template.podCliqueScalingGroups.unshift({ name: 'decode-group', cliqueNames: ['decode'], replicas: 1 });
    after.spec.template.podCliqueScalingGroups[1].replicas = 3;
    expect(diffObjects(stack(), after)).toEqual([
      { path: 'spec.template.podCliqueScalingGroups[name="decode-group"]', new: { name: 'decode-group', cliqueNames: ['decode'], replicas: 1 } },
      { path: 'spec.template.podCliqueScalingGroups[name="prefill"].replicas', old: 2, new: 3 },
    ]);
  });

  it('a list whose items repeat a key, or lack it, is compared by position', () => {
    const dup = stack() as Stack;
    dup.spec.template.cliques[0].spec.podSpec.containers[0].env.push({ name: 'LOG_LEVEL', value: 'debug' });
    expect(diffObjects(stack(), dup)).toEqual([{ path: `${ROUTER}.containers[name="router"].env[2]`, new: { name: 'LOG_LEVEL', value: 'debug' } }]);
    // A Service's ports have no containerPort.
    const service = (ports: unknown[]) => ({ apiVersion: 'v1', kind: 'Service', spec: { ports } });
    expect(diffObjects(service([{ port: 80 }]), service([{ port: 8080 }]))).toEqual([{ path: 'spec.ports[0].port', old: 80, new: 8080 }]);
  });
});

describe('diffObjects: lists without a key are compared by position', () => {
  const withTolerations = (tolerations: unknown[]) => {
    const s = stack() as Stack;
    s.spec.template.cliques[0].spec.podSpec.tolerations = tolerations;
    return s;
  };
  const a = { key: 'a', operator: 'Exists' };
  const b = { key: 'b', operator: 'Exists', effect: 'NoSchedule' };

  it('of the same length: field by field at each index', () => {
    expect(diffObjects(withTolerations([a]), withTolerations([{ ...a, effect: 'NoExecute' }]))).toEqual([{ path: `${ROUTER}.tolerations[0].effect`, new: 'NoExecute' }]);
  });

  it('items added or removed at the end, the rest equal: each by its index', () => {
    expect(diffObjects(withTolerations([a]), withTolerations([a, b]))).toEqual([{ path: `${ROUTER}.tolerations[1]`, new: b }]);
    expect(diffObjects(withTolerations([a, b]), withTolerations([a]))).toEqual([{ path: `${ROUTER}.tolerations[1]`, old: b }]);
    const args = (list: string[]) => {
      const s = stack() as Stack;
      s.spec.template.cliques[0].spec.podSpec.containers[0].args = list;
      return s;
    };
    expect(diffObjects(args(['--port', '8000']), args(['--port', '8000', '--verbose']))).toEqual([{ path: `${ROUTER}.containers[name="router"].args[2]`, new: '--verbose' }]);
  });

  it('otherwise the whole list, old and new', () => {
    expect(diffObjects(withTolerations([a]), withTolerations([b, a]))).toEqual([{ path: `${ROUTER}.tolerations`, old: [a], new: [b, a] }]);
  });
});

describe('LIST_IDENTITY', () => {
  /** Every list-map of the CRD schemas, by its field name, with its keys. */
  function listMaps(schema: Schema | undefined, field: string, out: Map<string, readonly string[]>, seen = new Set<Schema>()): Map<string, readonly string[]> {
    if (!schema || seen.has(schema)) return out;
    seen.add(schema);
    if (schema.type === 'array') {
      if (schema.listMapKeys) out.set(field, schema.listMapKeys);
      listMaps(schema.items, field, out, seen);
    } else if (schema.type === 'object') {
      for (const [k, v] of Object.entries(schema.properties ?? {})) listMaps(v, k, out, seen);
      listMaps(schema.values, field, out, seen);
    }
    return out;
  }

  it('keys every list-map of the Grove CRDs by the same keys as the CRD', () => {
    const found = new Map<string, readonly string[]>();
    for (const schema of Object.values(GROVE_SCHEMAS)) listMaps(schema, '', found);
    expect(found.size).toBeGreaterThan(5);
    for (const [field, keys] of found) expect(LIST_IDENTITY[field], field).toEqual({ keys });
  });
});
