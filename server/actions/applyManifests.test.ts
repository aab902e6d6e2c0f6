import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/grove/meta';
import type { ApplyResult, ClusterSource } from '../sources/types';
import { applyManifests, DocumentFailure, readManifests } from './applyManifests';
import { actionErrorFromStatus } from './errors';

const pcs = (name: string, ns = 'apps') =>
  `apiVersion: grove.io/v1alpha1\nkind: PodCliqueSet\nmetadata: {name: ${name}, namespace: ${ns}}\nspec: {replicas: 1, template: {cliques: [{name: c, spec: {roleName: c, replicas: 1, minAvailable: 1, podSpec: {containers: [{name: c, image: i}]}}}]}}\n`;

describe('readManifests', () => {
  it('puts Namespaces first and keeps file order otherwise, skipping empty documents', () => {
    const docs = readManifests(`${pcs('a')}---\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: apps}\n---\n${pcs('b')}`);
    expect(docs.map((d) => [d.index, d.object.kind, d.object.metadata?.name])).toEqual([
      [2, 'Namespace', 'apps'],
      [0, 'PodCliqueSet', 'a'],
      [3, 'PodCliqueSet', 'b'],
    ]);
  });

  it('accepts JSON', () => {
    expect(readManifests(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }))[0]?.object.kind).toBe('Namespace');
  });

  it('refuses other kinds, syntax errors and empty files, naming the document', () => {
    let error: unknown;
    try {
      readManifests(`${pcs('a')}---\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\n`);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DocumentFailure);
    expect((error as DocumentFailure).document).toBe(1);
    expect((error as DocumentFailure).message).toContain('v1/Secret');
    expect(() => readManifests('a: [\n')).toThrow(/^line \d+, column \d+: /);
    expect(() => readManifests('---\n')).toThrow('no object');
  });
});

/** A source whose apiserver has no namespace "apps" yet and answers with `notFound` for objects in it. */
function sourceWithout(notFound: () => unknown) {
  const calls: { kind: string; dryRun: boolean }[] = [];
  const source = {
    async apply(object: KubeObject, options: { dryRun: boolean }): Promise<ApplyResult> {
      calls.push({ kind: String(object.kind), dryRun: options.dryRun });
      if (object.kind !== 'Namespace' && options.dryRun) throw notFound();
      return { kind: String(object.kind), namespace: object.metadata?.namespace ?? null, name: object.metadata?.name ?? '', before: null, after: object, dryRun: options.dryRun, unchanged: false, warnings: [] } as ApplyResult;
    },
  } as unknown as ClusterSource;
  return { source, calls };
}

describe('applyManifests', () => {
  const file = `apiVersion: v1\nkind: Namespace\nmetadata: {name: apps}\n---\n${pcs('a')}`;

  it('dry-runs a manifest that creates its own namespace: the 404 for that namespace is expected', async () => {
    const { source } = sourceWithout(() => actionErrorFromStatus(404, { reason: 'NotFound', message: 'namespaces "apps" not found', details: { name: 'apps', kind: 'namespaces' } }));
    const results = await applyManifests(source, file, { dryRun: true });
    expect(results.map((r) => r.kind)).toEqual(['Namespace', 'PodCliqueSet']);
    expect(results[1]!.warnings[0]).toContain('created by this same manifest');
  });

  it('any other 404 (no Grove CRDs) fails the file in the dry run, before anything is applied', async () => {
    const { source, calls } = sourceWithout(() => actionErrorFromStatus(404, { reason: 'NotFound', message: 'the server could not find the requested resource', details: {} }));
    await expect(applyManifests(source, file, { dryRun: false })).rejects.toThrow('could not find the requested resource');
    expect(calls.every((c) => c.dryRun)).toBe(true);
  });
});

describe('a real apply refused part-way', () => {
  const file = `apiVersion: v1\nkind: Namespace\nmetadata: {name: apps}\n---\n${pcs('a')}---\n${pcs('b')}`;
  /** A source that applies everything but refuses PodCliqueSet `a` for real (a webhook rule the dry run could not see). */
  const refusingA = {
    async apply(object: KubeObject, options: { dryRun: boolean }): Promise<ApplyResult> {
      if (!options.dryRun && object.metadata?.name === 'a') {
        throw actionErrorFromStatus(422, { reason: 'Invalid', message: 'PodCliqueSet.grove.io "a" is invalid: spec.replicas: at most 3', details: { causes: [{ field: 'spec.replicas', message: 'at most 3' }] } });
      }
      return { kind: String(object.kind), name: object.metadata?.name ?? '', before: null, after: object, dryRun: options.dryRun, unchanged: false, warnings: [] } as ApplyResult;
    },
  } as unknown as ClusterSource;

  it('says what it applied before the refusal and what it did not attempt', async () => {
    const error = await applyManifests(refusingA, file, { dryRun: false }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DocumentFailure);
    const json = (error as DocumentFailure).toJSON();
    expect(json).toMatchObject({ status: 422, document: 1, object: { document: 1, kind: 'PodCliqueSet', namespace: 'apps', name: 'a' } });
    expect(json.progress).toEqual({
      applied: [{ document: 0, kind: 'Namespace', name: 'apps', outcome: 'created' }],
      notAttempted: [{ document: 2, kind: 'PodCliqueSet', namespace: 'apps', name: 'b' }],
    });
  });

  it('a dry run refused tells no progress (nothing was applied)', async () => {
    const refusingDryRun = { async apply() { throw actionErrorFromStatus(403, { reason: 'Forbidden', message: 'namespaces is forbidden' }); } } as unknown as ClusterSource;
    const error = (await applyManifests(refusingDryRun, file, { dryRun: false }).catch((e: unknown) => e)) as DocumentFailure;
    expect(error.toJSON()).toMatchObject({ status: 403, document: 0, object: { kind: 'Namespace', name: 'apps' } });
    expect(error.progress).toBeUndefined();
  });
});

describe('an object in a namespace the same manifest creates', () => {
  const ns = `apiVersion: v1\nkind: Namespace\nmetadata: {name: apps}\n---\n`;
  const notFound = () => actionErrorFromStatus(404, { reason: 'NotFound', message: 'namespaces "apps" not found', details: { name: 'apps', kind: 'namespaces' } });

  it("still gets Canopy's validator warnings in the dry run", async () => {
    const { source } = sourceWithout(notFound);
    // startsAfter without the Explicit startup type: Grove ignores it, a warning.
    const ignored = `apiVersion: grove.io/v1alpha1\nkind: PodCliqueSet\nmetadata: {name: a, namespace: apps}\nspec: {replicas: 1, template: {cliques: [{name: c, spec: {roleName: c, replicas: 1, minAvailable: 1, startsAfter: [x], podSpec: {containers: [{name: c, image: i}]}}}]}}\n`;
    const results = await applyManifests(source, ns + ignored, { dryRun: true });
    expect(results[1]!.warnings).toContainEqual(expect.stringMatching(/^spec\.template\.cliques\[0\]\.spec\.startsAfter: startsAfter is only honoured/));
  });

  it('is refused for an unknown field, as the apiserver would refuse it (strict field validation), before anything is applied', async () => {
    const { source, calls } = sourceWithout(notFound);
    const typo = `apiVersion: grove.io/v1alpha1\nkind: PodCliqueSet\nmetadata: {name: a, namespace: apps}\nspec: {replicas: 1, template: {cliques: [{name: c, spec: {roleName: c, replicas: 1, minAvailable: 1, minAvailabe: 1, podSpec: {containers: [{name: c, image: i}]}}}]}}\n`;
    const error = (await applyManifests(source, ns + typo, { dryRun: false }).catch((e: unknown) => e)) as DocumentFailure;
    expect(error).toBeInstanceOf(DocumentFailure);
    expect(error.toJSON()).toMatchObject({ status: 422, document: 1, object: { kind: 'PodCliqueSet', name: 'a' } });
    expect(error.causes?.map((c) => c.field)).toEqual(['spec.template.cliques[0].spec.minAvailabe']);
    expect(calls.every((c) => c.dryRun)).toBe(true);
  });

  it("is refused by Canopy's validator errors before anything is applied", async () => {
    const { source, calls } = sourceWithout(notFound);
    const bad = `apiVersion: grove.io/v1alpha1\nkind: PodCliqueSet\nmetadata: {name: a, namespace: apps}\nspec: {replicas: 1, template: {cliques: [{name: c, spec: {replicas: 1, podSpec: {containers: [{name: c, image: i}]}}}]}}\n`;
    const error = (await applyManifests(source, ns + bad, { dryRun: false }).catch((e: unknown) => e)) as DocumentFailure;
    expect(error).toBeInstanceOf(DocumentFailure);
    expect(error.toJSON()).toMatchObject({ status: 422, document: 1, object: { kind: 'PodCliqueSet', name: 'a' } });
    expect(error.causes?.map((c) => c.field)).toContain('spec.template.cliques[0].spec.roleName');
    expect(calls.every((c) => c.dryRun)).toBe(true);
  });
});

describe('an unknown field', () => {
  it('is refused by the simulated apiserver as by the real one, a 422 with its path read into causes', async () => {
    const { createSimulatedSource } = await import('../sources/simulated');
    const typo = pcs('a').replace('spec: {replicas: 1, template: {', 'spec: {replicas: 1, template: {bogusField: 1, ');
    const error = (await applyManifests(createSimulatedSource({ tickMs: 0 }), typo, { dryRun: true }).catch((e: unknown) => e)) as DocumentFailure;
    expect(error).toBeInstanceOf(DocumentFailure);
    expect(error.toJSON()).toMatchObject({ status: 422, reason: 'Invalid', causes: [{ field: 'spec.template.bogusField', message: 'field not declared in schema' }] });
  });
});
