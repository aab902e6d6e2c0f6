/**
 * The simulated apiserver's server-side apply field ownership: the 409 the real apiserver answers
 * when an apply would change a field another manager set last, and taking it over with force.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/grove/meta';
import { snapshotFromTopologySpec } from '../../lib/topology/snapshot';
import { DEFAULT_TEST_TOPOLOGY } from '../../lib/topology/spec';
import { applyNow } from './simulated-apiserver';
import { createSimulatedSource } from './simulated';
import type { ActionError } from './types';
import { toActionError } from '../http/errors';

function stack(replicas: number, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'grove.io/v1alpha1',
    kind: 'PodCliqueSet',
    metadata: { name: 'infer', namespace: 'team-a' },
    spec: {
      replicas,
      template: { cliques: [{ name: 'engine', spec: { roleName: 'engine', replicas: 1, minAvailable: 1, podSpec: { containers: [{ name: 'engine', image: 'registry.invalid/engine:1' }] } } }], ...extra },
    },
  } as KubeObject;
}

async function refusal(call: () => Promise<unknown> | unknown): Promise<ActionError> {
  try {
    await call();
  } catch (error) {
    return error as ActionError;
  }
  throw new Error('expected a refusal');
}

const source = () => createSimulatedSource({ snapshot: snapshotFromTopologySpec(DEFAULT_TEST_TOPOLOGY), tickMs: 0, seed: 5 });

describe('server-side apply field ownership', () => {
  it('re-applying after a /scale conflicts on spec.replicas (409, as the real apiserver), and force takes it back', async () => {
    const s = source();
    await s.apply(stack(1), { dryRun: false });
    await s.scale('PodCliqueSet', 'team-a', 'infer', 2, { dryRun: false });

    for (const dryRun of [true, false]) {
      const e = await refusal(() => s.apply(stack(1), { dryRun }));
      expect(e).toMatchObject({
        status: 409,
        reason: 'Conflict',
        message: 'Apply failed with 1 conflict: conflict with "canopy" with subresource "scale" using grove.io/v1alpha1: .spec.replicas',
        causes: [{ field: '.spec.replicas', message: 'conflict with "canopy" with subresource "scale" using grove.io/v1alpha1' }],
      });
    }
    // Refused: nothing was scaled down.
    expect(await currentReplicas(s)).toBe(2);

    // The same value as the scale set: no conflict (shared ownership), and nothing changes.
    expect((await s.apply(stack(2), { dryRun: true })).unchanged).toBe(true);
    // Other fields are Canopy's apply's own: changing them is no conflict.
    expect((await s.apply(stack(2, { terminationDelay: '1h' }), { dryRun: true })).changes?.length).toBeGreaterThan(0);

    const forced = await s.apply(stack(1), { dryRun: false, force: true });
    expect(forced.changes).toContainEqual(expect.objectContaining({ path: 'spec.replicas', old: 2, new: 1 }));
    expect(await currentReplicas(s)).toBe(1);
    // Owned by the apply now: a plain apply of a new value goes through.
    expect((await s.apply(stack(3), { dryRun: true })).changes).toContainEqual(expect.objectContaining({ path: 'spec.replicas', old: 1, new: 3 }));
  });

  it('fields another manager applied conflict, each named with its manager; a fresh object has no owners', async () => {
    const s = source();
    const sim = (s as unknown as { sim: Parameters<typeof applyNow>[0] }).sim;
    applyNow(sim, stack(1, { terminationDelay: '2h' }), false, { fieldManager: 'kubectl' });
    const e = await refusal(() => applyNow(sim, stack(2, { terminationDelay: '3h' }), true));
    expect(e.status).toBe(409);
    expect(e.causes).toEqual([
      { field: '.spec.replicas', message: 'conflict with "kubectl"' },
      { field: '.spec.template.terminationDelay', message: 'conflict with "kubectl"' },
    ]);
    expect(e.message).toBe('Apply failed with 2 conflicts: conflicts with "kubectl":\n- .spec.replicas\n- .spec.template.terminationDelay');
    // Keyed by clique name, as Grove's list-map: a changed clique field names its clique.
    const renamed = stack(1, { terminationDelay: '2h' }) as KubeObject & { spec: { template: { cliques: { spec: { replicas: number } }[] } } };
    renamed.spec.template.cliques[0]!.spec.replicas = 2;
    expect((await refusal(() => applyNow(sim, renamed, true))).causes).toEqual([{ field: '.spec.template.cliques[name="engine"].spec.replicas', message: 'conflict with "kubectl"' }]);

    await s.delete('PodCliqueSet', 'team-a', 'infer', { dryRun: false });
    expect(applyNow(sim, stack(2), false).before).toBeNull();
  });
});

describe('a resourceVersion in the applied object (the precondition of a stale edit)', () => {
  const at = (o: KubeObject, resourceVersion: string | number): KubeObject => ({ ...o, metadata: { ...o.metadata, resourceVersion } }) as KubeObject;

  it('is a 409 with the apiserver\'s words once the object has changed since, dry run or not; the current one applies', async () => {
    const s = source();
    const sim = (s as unknown as { sim: Parameters<typeof applyNow>[0] }).sim;
    const opened = applyNow(sim, stack(1), false).after.metadata!.resourceVersion!;
    // Someone else's change in between: another Canopy user's image hotfix (the same field manager, so no field conflict).
    const hotfix = stack(1) as KubeObject & { spec: { template: { cliques: { spec: { podSpec: { containers: { image: string }[] } } }[] } } };
    hotfix.spec.template.cliques[0]!.spec.podSpec.containers[0]!.image = 'registry.invalid/engine:hotfix';
    const now = applyNow(sim, hotfix, false).after.metadata!.resourceVersion!;
    expect(now).not.toBe(opened);

    const stale = at(stack(1, { terminationDelay: '1h' }), opened);
    for (const dryRun of [true, false]) {
      expect(await refusal(() => applyNow(sim, stale, dryRun))).toEqual({
        status: 409,
        reason: 'Conflict',
        message: 'Operation cannot be fulfilled on podcliquesets.grove.io "infer": the object has been modified; please apply your changes to the latest version and try again',
      });
    }
    // Refused: the hotfix stays.
    const stored = (await s.list('PodCliqueSet', { limit: 500 })).items.find((o) => o.metadata?.name === 'infer') as typeof hotfix;
    expect(stored.spec.template.cliques[0]!.spec.podSpec.containers[0]!.image).toBe('registry.invalid/engine:hotfix');
    expect(stored.metadata?.resourceVersion).toBe(now);

    // Through the source: in Canopy's words, who wrote last and when (the simulated managedFields).
    const worded = await refusal(() => s.apply(stale, { dryRun: true }));
    expect(worded).toMatchObject({ status: 409, reason: 'Conflict', message: expect.stringMatching(/^PodCliqueSet team-a\/infer changed on the cluster since you opened it \(last changed by Canopy's apply at \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\)$/) });
    expect((worded as { causes?: unknown }).causes).toEqual([{ field: 'metadata.resourceVersion', message: expect.stringContaining(`${opened} is the version you opened; the cluster's is ${now}`) }]);
    // The version sent, as data, through the route's answer (server/http/errors.ts) too.
    expect((worded as { sentResourceVersion?: unknown }).sentResourceVersion).toBe(opened);
    expect(toActionError(worded)).toMatchObject({ sentResourceVersion: opened });

    // At the current version (a number, as an unquoted YAML value reads, too): applied, and not stored as sent.
    const current = at(hotfix, Number(now));
    const applied = applyNow(sim, { ...current, spec: { ...(current as typeof hotfix).spec, template: { ...(current as typeof hotfix).spec.template, terminationDelay: '1h' } } } as KubeObject, false);
    expect(applied.after.metadata!.resourceVersion).not.toBe(now);
    // Without one: last write wins, as before.
    expect(applyNow(sim, stack(1, { terminationDelay: '2h' }), true).unchanged).toBe(false);
  });

  it("comes after server-side apply's field conflicts, as the real apiserver checks them (e2e/cluster/apply-partial.test.ts)", async () => {
    const s = source();
    const sim = (s as unknown as { sim: Parameters<typeof applyNow>[0] }).sim;
    const opened = applyNow(sim, stack(1), false).after.metadata!.resourceVersion!;
    await s.scale('PodCliqueSet', 'team-a', 'infer', 2, { dryRun: false });
    expect((await refusal(() => applyNow(sim, at(stack(1), opened), true))).message).toBe('Apply failed with 1 conflict: conflict with "canopy" with subresource "scale" using grove.io/v1alpha1: .spec.replicas');
    // The scaled count in the manifest: no field conflict, so the stale version is what is refused.
    expect((await refusal(() => applyNow(sim, at(stack(2), opened), true))).message).toMatch(/the object has been modified/);
  });

  it('is ignored on create, as the apiserver ignores it', () => {
    const s = source();
    const sim = (s as unknown as { sim: Parameters<typeof applyNow>[0] }).sim;
    const created = applyNow(sim, at(stack(1), '12345'), false);
    expect(created.before).toBeNull();
    expect(created.after.metadata!.resourceVersion).not.toBe('12345');
  });
});

describe('a field another manager owns, left out of the apply', () => {
  it('keeps its value (spec.replicas after a /scale), as server-side apply merges: no conflict, nothing scaled down', async () => {
    const s = source();
    await s.apply(stack(1), { dryRun: false });
    await s.scale('PodCliqueSet', 'team-a', 'infer', 3, { dryRun: false });
    const withoutReplicas = stack(1, { terminationDelay: '1h' }) as KubeObject & { spec: Record<string, unknown> };
    delete withoutReplicas.spec.replicas;
    const result = await s.apply(withoutReplicas, { dryRun: false });
    expect(result.changes?.map((c) => c.path)).toEqual(['spec.template.terminationDelay']);
    expect(await currentReplicas(s)).toBe(3);
    // A field only Canopy's apply owned and now leaves out goes (Grove's default), as before.
    const s2 = source();
    await s2.apply(stack(2), { dryRun: false });
    const dropped = stack(2) as KubeObject & { spec: Record<string, unknown> };
    delete dropped.spec.replicas;
    expect((await s2.apply(dropped, { dryRun: true })).changes).toContainEqual(expect.objectContaining({ path: 'spec.replicas', old: 2 }));
  });
});

async function currentReplicas(s: ReturnType<typeof source>): Promise<number | undefined> {
  const page = await s.list('PodCliqueSet', { limit: 500 });
  const pcs = page.items.find((o) => o.metadata?.name === 'infer') as (KubeObject & { spec: { replicas?: number } }) | undefined;
  return pcs?.spec.replicas;
}

describe('strict field validation', () => {
  it('refuses a field the schema does not declare as the real apiserver does (500, the path in the message), and stores nothing', async () => {
    const s = source();
    const typo = stack(1, { bogusField: 1 });
    const e = await refusal(() => s.apply(typo, { dryRun: true }));
    expect(e).toEqual({
      status: 500,
      reason: 'InternalError',
      message: 'failed to create typed patch object (team-a/infer; grove.io/v1alpha1, Kind=PodCliqueSet): .spec.template.bogusField: field not declared in schema',
    });
    await refusal(() => s.apply(typo, { dryRun: false }));
    expect(await currentReplicas(s)).toBeUndefined();

    const inClique = stack(1) as KubeObject & { spec: { template: { cliques: { spec: Record<string, unknown> }[] } } };
    inClique.spec.template.cliques[0]!.spec.gpus = 8;
    (inClique.spec as Record<string, unknown>).replicaz = 2;
    expect((await refusal(() => s.apply(inClique, { dryRun: true }))).message).toBe(
      'failed to create typed patch object (team-a/infer; grove.io/v1alpha1, Kind=PodCliqueSet): errors:\n  .spec.template.cliques[name="engine"].spec.gpus: field not declared in schema\n  .spec.replicaz: field not declared in schema',
    );
  });
});

describe("the validator's findings on apply", () => {
  /** The stack with more cliques (each a copy of `engine` under another name and roleName) and annotations on the first. */
  function withCliques(roleNames: string[], annotations?: Record<string, string>): KubeObject {
    const base = stack(1) as KubeObject & { spec: { template: { cliques: Record<string, unknown>[] } } };
    const engine = base.spec.template.cliques[0]!;
    base.spec.template.cliques = roleNames.map((roleName, i) => ({
      ...structuredClone(engine),
      name: i === 0 ? 'engine' : `engine${i}`,
      spec: { ...(structuredClone(engine.spec) as Record<string, unknown>), roleName },
      ...(i === 0 && annotations ? { annotations } : {}),
    }));
    return base;
  }

  it('accepts an MNNVL group on a clique without GPUs, as Grove does, and passes the warning on; the group stays on the stored object', async () => {
    const s = source();
    const result = await s.apply(withCliques(['engine'], { 'grove.io/mnnvl-group': 'fabric' }), { dryRun: false });
    expect(result.warnings).toEqual([expect.stringMatching(/^spec\.template\.cliques\[0\]\.annotations\["grove\.io\/mnnvl-group"\]: .*MNNVL group "fabric" has no effect/)]);
    const page = await s.list('PodCliqueSet', { limit: 500 });
    const stored = page.items.find((o) => o.metadata?.name === 'infer') as (KubeObject & { spec: { template: { cliques: { annotations?: Record<string, string> }[] } } }) | undefined;
    expect(stored?.spec.template.cliques[0]!.annotations).toEqual({ 'grove.io/mnnvl-group': 'fabric' });
  });

  it('refuses two cliques with an empty roleName (422 on the later one), as Grove does, and stores nothing', async () => {
    const s = source();
    const e = await refusal(() => s.apply(withCliques(['', '']), { dryRun: false }));
    expect(e).toMatchObject({ status: 422, reason: 'Invalid', causes: [{ field: 'spec.template.cliques[1].spec.roleName', message: 'roleName "" is already used by clique 0; roleNames must be unique' }] });
    expect(await currentReplicas(s)).toBeUndefined();
  });
});
