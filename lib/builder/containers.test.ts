/** Multi-container cliques: every container listed, each edit a YAML edit of exactly that container. */
import { describe, expect, test } from 'vitest';
import { expandPodGangs } from '../grove/expand';
import type { PodCliqueSet } from '../grove/podcliqueset';
import { readBuilderText } from './document';
import { checkManifestText } from '../grove/check';
import { containerPath, containersOf, jsonPath } from './containers';
import { addContainer, removeContainer, setField, setFields, type EditResult } from './edits';
import { graphFromObject } from './graph';

const TWO_CONTAINERS = `# a worker with a metrics sidecar
apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata:
  name: serve
spec:
  replicas: 1
  template:
    cliques:
      - name: frontend
        spec:
          roleName: frontend
          replicas: 1
          podSpec:
            containers: [{name: app, image: busybox}]
      - name: worker
        spec:
          roleName: worker
          replicas: 2
          podSpec:
            initContainers:
              - name: fetch-weights # runs to completion first
                image: fetcher:1
            containers:
              - name: worker # the model server
                image: vllm/vllm-openai:v0.10.1.1
                resources:
                  limits:
                    nvidia.com/gpu: 4 # one NVLink quad
              - name: metrics # sidecar, no GPU
                image: prom/exporter:v1
`;

function ok(r: EditResult): string {
  if (!r.ok) throw new Error(r.message);
  return r.text;
}
function objectOf(text: string): Record<string, unknown> {
  const r = readBuilderText(text);
  if (!r.ok) throw new Error(r.message);
  return r.object;
}
const gpusOf = (text: string, clique: string) => graphFromObject(objectOf(text)).cliques.find((c) => c.name === clique)!;

/** Lines of `after` that differ from `before` (same line count expected). */
function changedLines(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b).toHaveLength(a.length);
  return b.filter((line, i) => line !== a[i]);
}

describe('containersOf', () => {
  test('lists every app container, then every init container, each with its list and index', () => {
    const object = objectOf(TWO_CONTAINERS);
    expect(containersOf(object, 1)).toEqual([
      { list: 'containers', index: 0, name: 'worker', sidecar: false },
      { list: 'containers', index: 1, name: 'metrics', sidecar: false },
      { list: 'initContainers', index: 0, name: 'fetch-weights', sidecar: false },
    ]);
    expect(containersOf(object, 0).map((c) => c.name)).toEqual(['app']);
    expect(containersOf(object, 7)).toEqual([]);
  });

  test('paths address one container; the JSON path reads as in FieldError messages', () => {
    expect(containerPath(1, 'containers', 2, 'resources', 'limits')).toEqual(['spec', 'template', 'cliques', 1, 'spec', 'podSpec', 'containers', 2, 'resources', 'limits']);
    expect(jsonPath(containerPath(1, 'containers', 2, 'resources', 'limits'))).toBe('spec.template.cliques[1].spec.podSpec.containers[2].resources.limits');
    expect(jsonPath(containerPath(0, 'initContainers', 0, 'resources', 'limits', 'nvidia.com/gpu'))).toBe('spec.template.cliques[0].spec.podSpec.initContainers[0].resources.limits["nvidia.com/gpu"]');
  });
});

describe('field edits of one container', () => {
  test('the sidecar’s image changes on its own line; the first container and every comment stay', () => {
    const after = ok(setField(TWO_CONTAINERS, containerPath(1, 'containers', 1, 'image'), 'prom/exporter:v2'));
    expect(changedLines(TWO_CONTAINERS, after)).toEqual(['                image: prom/exporter:v2']);
    expect(after).toContain('# one NVLink quad');
    expect(after).toContain('- name: metrics # sidecar, no GPU');
  });

  test('command and args of the second container are written into it, not into the first', () => {
    const after = ok(
      setFields(TWO_CONTAINERS, [
        { path: containerPath(1, 'containers', 1, 'command'), value: ['exporter'] },
        { path: containerPath(1, 'containers', 1, 'args'), value: ['--port', '9400'] },
      ]),
    );
    const ctrs = (objectOf(after) as any).spec.template.cliques[1].spec.podSpec.containers;
    expect(ctrs[0]).toEqual({ name: 'worker', image: 'vllm/vllm-openai:v0.10.1.1', resources: { limits: { 'nvidia.com/gpu': 4 } } });
    expect(ctrs[1]).toEqual({ name: 'metrics', image: 'prom/exporter:v1', command: ['exporter'], args: ['--port', '9400'] });
    expect(after).toContain('# the model server');
  });

  test('GPUs per pod sum the app containers and take the larger init container, as the placement expansion does', () => {
    expect(gpusOf(TWO_CONTAINERS, 'worker').gpus).toBe(4);
    // A GPU sidecar adds to the worker's four.
    let text = ok(
      setFields(TWO_CONTAINERS, [
        { path: containerPath(1, 'containers', 1, 'resources', 'requests', 'nvidia.com/gpu'), value: 1 },
        { path: containerPath(1, 'containers', 1, 'resources', 'limits', 'nvidia.com/gpu'), value: 1 },
      ]),
    );
    expect(gpusOf(text, 'worker').gpus).toBe(5);
    // An init container runs before them: the pod needs the larger of the two phases, not their sum.
    text = ok(setField(text, containerPath(1, 'initContainers', 0, 'resources', 'limits', 'nvidia.com/gpu'), 8));
    expect(gpusOf(text, 'worker').gpus).toBe(8);
    // The placement preview's expansion counts the same per pod.
    const gangs = expandPodGangs(objectOf(text) as unknown as PodCliqueSet);
    const workerPods = gangs.flatMap((g) => g.podGroups).filter((p) => p.clique === 'worker').flatMap((p) => p.pods);
    expect(workerPods.length).toBe(2);
    expect(workerPods.every((p) => p.requests.gpu === 8)).toBe(true);
  });

  test('a broken quantity in the second container is reported with its JSON path, and counts 0 meanwhile', () => {
    const text = ok(setField(TWO_CONTAINERS, containerPath(1, 'containers', 1, 'resources', 'limits', 'nvidia.com/gpu'), 'lots'));
    const worker = gpusOf(text, 'worker');
    expect(worker.gpus).toBe(0);
    expect(worker.gpuError).toMatch(/^spec\.template\.cliques\[1\]\.spec\.podSpec\.containers\[1\]\.resources\.limits\["nvidia\.com\/gpu"\]: /);
    expect(gpusOf(TWO_CONTAINERS, 'worker').gpuError).toBeNull();
  });
});

/** The validator's container rules (lib/grove/validate/podcliqueset.ts) as the builder's report carries them. */
function containerRules(text: string) {
  return checkManifestText(text)
    .documents.flatMap((d) => d.findings)
    .filter((f) => f.rule === 'podSpec.gpuLimit' || f.rule === 'podSpec.containerImage');
}

describe('container rules in the report', () => {
  test('a GPU request needs an equal limit; a container needs an image; each at its field and line', () => {
    expect(containerRules(TWO_CONTAINERS)).toEqual([]);
    const text = ok(
      setFields(TWO_CONTAINERS, [
        { path: containerPath(1, 'containers', 0, 'resources', 'requests', 'nvidia.com/gpu'), value: 2 },
        { path: containerPath(1, 'containers', 1, 'resources', 'requests', 'nvidia.com/gpu'), value: '1' },
        { path: containerPath(1, 'initContainers', 0, 'image'), value: undefined },
      ]),
    );
    const findings = containerRules(text);
    expect(findings.map((f) => [f.path, f.rule]).sort()).toEqual([
      ['/spec/template/cliques/1/spec/podSpec/containers/0/resources/requests/nvidia.com~1gpu', 'podSpec.gpuLimit'],
      ['/spec/template/cliques/1/spec/podSpec/containers/1/resources/limits/nvidia.com~1gpu', 'podSpec.gpuLimit'],
      ['/spec/template/cliques/1/spec/podSpec/initContainers/0/image', 'podSpec.containerImage'],
    ]);
    expect(findings.find((f) => f.path.endsWith('requests/nvidia.com~1gpu'))!.message).toContain('must equal its limit 4');
    // The missing image is pinned to its container item (the image key is gone).
    const image = findings.find((f) => f.rule === 'podSpec.containerImage')!;
    expect(text.split('\n')[image.line! - 1]).toContain('- name: fetch-weights');
    // "4" written as a string and 4 as a number are the same quantity.
    const same = ok(setField(TWO_CONTAINERS, containerPath(1, 'containers', 0, 'resources', 'requests', 'nvidia.com/gpu'), '4'));
    expect(containerRules(same)).toEqual([]);
  });
});

describe('edits through keys written with nothing under them', () => {
  test('an empty `resources:` takes a GPU request and limit in one edit; an edit that cannot be made is refused, not lost', () => {
    const empty = TWO_CONTAINERS.replace('              - name: metrics # sidecar, no GPU\n                image: prom/exporter:v1\n', '              - name: metrics # sidecar, no GPU\n                image: prom/exporter:v1\n                resources:\n');
    expect(empty).not.toBe(TWO_CONTAINERS);
    const text = ok(
      setFields(empty, [
        { path: containerPath(1, 'containers', 1, 'resources', 'requests', 'nvidia.com/gpu'), value: 1 },
        { path: containerPath(1, 'containers', 1, 'resources', 'limits', 'nvidia.com/gpu'), value: 1 },
      ]),
    );
    expect(gpusOf(text, 'worker').gpus).toBe(5);
    // A scalar where the edit needs a map: a refusal with the reason, and the text stays as it was.
    const scalar = empty.replace('image: prom/exporter:v1\n                resources:\n', 'image: prom/exporter:v1\n                resources: none\n');
    expect(scalar).not.toBe(empty);
    const refused = setField(scalar, containerPath(1, 'containers', 1, 'resources', 'limits', 'nvidia.com/gpu'), 2);
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.message).toMatch(/cannot be made/);
  });
});

describe('add and remove containers', () => {
  test('an added container goes after the others, block style, with a unique name and an image still to fill in', () => {
    const after = ok(addContainer(TWO_CONTAINERS, 'worker', { list: 'containers' }));
    const again = addContainer(after, 'worker', { list: 'containers' });
    expect(again.ok && again.note).toBe('sidecar-2');
    const object = objectOf(after);
    expect(containersOf(object, 1).map((c) => c.name)).toEqual(['worker', 'metrics', 'sidecar', 'fetch-weights']);
    expect(after).toContain('              - name: sidecar\n                image: ""\n');
    expect(containerRules(after).map((f) => f.path)).toEqual(['/spec/template/cliques/1/spec/podSpec/containers/2/image']);
    expect(after).toContain('# one NVLink quad');
    // The frontend's flow-style list is untouched.
    expect(after).toContain('containers: [{name: app, image: busybox}]');
  });

  test('an init container can be added where there were none; a taken or invalid name is refused with the JSON path', () => {
    const after = ok(addContainer(TWO_CONTAINERS, 'frontend', { list: 'initContainers', name: 'warmup', image: 'busybox' }));
    expect((objectOf(after) as any).spec.template.cliques[0].spec.podSpec.initContainers).toEqual([{ name: 'warmup', image: 'busybox' }]);
    const taken = addContainer(TWO_CONTAINERS, 'worker', { list: 'initContainers', name: 'metrics' });
    expect(taken).toEqual({ ok: false, message: 'spec.template.cliques[1].spec.podSpec.initContainers: container name "metrics" is already taken in this pod' });
    const bad = addContainer(TWO_CONTAINERS, 'worker', { list: 'containers', name: 'Metrics_2' });
    expect(!bad.ok && bad.message).toMatch(/^spec\.template\.cliques\[1\]\.spec\.podSpec\.containers: container name "Metrics_2" is not valid/);
  });

  test('removing the sidecar leaves the worker and the comments; the last app container stays', () => {
    const after = ok(removeContainer(TWO_CONTAINERS, 'worker', 'containers', 1));
    expect(containersOf(objectOf(after), 1).map((c) => c.name)).toEqual(['worker', 'fetch-weights']);
    expect(after).not.toContain('name: metrics');
    expect(after).toContain('# one NVLink quad');
    expect(after).toContain('# runs to completion first');
    expect(removeContainer(after, 'worker', 'containers', 0)).toEqual({ ok: false, message: 'spec.template.cliques[1].spec.podSpec.containers: a pod needs at least one container, so the last one stays' });
    expect(removeContainer(after, 'worker', 'containers', 3)).toEqual({ ok: false, message: 'spec.template.cliques[1].spec.podSpec.containers[3]: there is no such container' });
  });

  test('removing the last init container removes the key', () => {
    const after = ok(removeContainer(TWO_CONTAINERS, 'worker', 'initContainers', 0));
    expect(after).not.toContain('initContainers');
    expect(containersOf(objectOf(after), 1).map((c) => c.name)).toEqual(['worker', 'metrics']);
  });
});
