/**
 * The simulated Grove operator with topology-aware scheduling off (Grove's Helm chart default,
 * config.topologyAwareScheduling.enabled: false), as Grove v0.1.0-alpha.11 behaves: its webhook refuses
 * a new PodCliqueSet with a topologyConstraint at any level, a PodCliqueSet already there keeps running
 * with PodGangs that carry no topology constraints, and its status reads TopologyLevelsUnavailable
 * Unknown/TopologyAwareSchedulingDisabled (podcliqueset/reconcilestatus.go).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { snapshotFromTopologySpec } from '../../lib/topology/snapshot';
import { DEFAULT_TEST_TOPOLOGY } from '../../lib/topology/spec';
import { createSimulatedSource } from './simulated';
import { simulatedSourceFromSetting } from './simulated-env';
import type { ActionError } from './types';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;
const fixture = (): Obj => parse(readFileSync('e2e/cluster/fixtures/disaggregated-podcliqueset.yaml', 'utf8'));
const withoutConstraints = (): Obj => {
  const pcs = fixture();
  delete pcs.spec.template.topologyConstraint;
  for (const g of pcs.spec.template.podCliqueScalingGroups ?? []) delete g.topologyConstraint;
  for (const c of pcs.spec.template.cliques) delete c.topologyConstraint;
  return pcs;
};
const condition = (o: Obj, type: string) => o.status?.conditions?.find((c: Obj) => c.type === type);

describe('topology-aware scheduling off', () => {
  it('refuses a new PodCliqueSet with topology constraints, naming each one, in Grove’s words', async () => {
    const s = createSimulatedSource({ snapshot: snapshotFromTopologySpec(DEFAULT_TEST_TOPOLOGY), tickMs: 0, seed: 3, topologyAwareScheduling: false });
    const error = (await s.apply(fixture(), { dryRun: true }).then(() => undefined, (e) => e)) as ActionError | undefined;
    expect(error).toMatchObject({ status: 422, reason: 'Invalid' });
    expect(error!.causes?.map((c) => c.field).sort()).toEqual(['spec.template.podCliqueScalingGroups[0].topologyConstraint', 'spec.template.topologyConstraint']);
    expect(error!.message).toContain('topology constraints are not allowed when Topology Aware Scheduling is disabled');
    // Without constraints it runs, and its status has no TopologyLevelsUnavailable (Grove removes it).
    await s.apply(withoutConstraints(), { dryRun: false });
    s.settle();
    const pcs = s.store.get('PodCliqueSet', 'default/disagg') as Obj;
    expect(pcs.status.availableReplicas).toBe(1);
    expect(condition(pcs, 'TopologyLevelsUnavailable')).toBeUndefined();
    await s.close();
  });

  it('runs a PodCliqueSet it finds with constraints without packing it: PodGangs without topology constraints, TopologyLevelsUnavailable Unknown/TopologyAwareSchedulingDisabled', async () => {
    const snapshot = snapshotFromTopologySpec(DEFAULT_TEST_TOPOLOGY) as { items: unknown[] };
    snapshot.items.push(fixture());
    const s = createSimulatedSource({ snapshot, tickMs: 0, seed: 3, topologyAwareScheduling: false });
    s.settle();
    const pcs = s.store.get('PodCliqueSet', 'default/disagg') as Obj;
    expect(pcs.status.availableReplicas).toBe(1);
    expect(condition(pcs, 'TopologyLevelsUnavailable')).toMatchObject({ status: 'Unknown', reason: 'TopologyAwareSchedulingDisabled', message: 'Topology constraints are defined but Topology Aware Scheduling is disabled' });
    for (const g of s.store.all('PodGang') as Obj[]) {
      expect(g.spec.topologyConstraint, g.metadata.name).toBeUndefined();
      expect(g.spec.topologyConstraintGroupConfigs, g.metadata.name).toBeUndefined();
      for (const pg of g.spec.podgroups) expect(pg.topologyConstraint, pg.name).toBeUndefined();
    }
    await s.close();

    // On (the simulator's default) the same PodCliqueSet's base gang carries the rack pack.
    const on = createSimulatedSource({ snapshot, tickMs: 0, seed: 3 });
    on.settle();
    const gangs = on.store.all('PodGang') as Obj[];
    expect(gangs.some((g) => g.spec.topologyConstraint || g.spec.topologyConstraintGroupConfigs?.length)).toBe(true);
    expect(condition(on.store.get('PodCliqueSet', 'default/disagg'), 'TopologyLevelsUnavailable')).toMatchObject({ status: 'False' });
    await on.close();
  });

  it('is what CANOPY_SIMULATE_TOPOLOGY_AWARE_SCHEDULING=false asks for; anything but true/false is refused', async () => {
    const s = simulatedSourceFromSetting('empty', { tickMs: 0 }, { CANOPY_SIMULATE_TOPOLOGY_AWARE_SCHEDULING: 'false' });
    const error = (await s.apply({ ...fixture(), spec: { ...fixture().spec } }, { dryRun: true }).then(() => undefined, (e) => e)) as ActionError | undefined;
    expect(error?.message).toContain('Topology Aware Scheduling is disabled');
    await s.close();
    expect(() => simulatedSourceFromSetting('empty', { tickMs: 0 }, { CANOPY_SIMULATE_TOPOLOGY_AWARE_SCHEDULING: 'off' })).toThrow(/expected true or false/);
  });
});
