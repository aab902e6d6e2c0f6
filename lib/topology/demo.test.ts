/**
 * The demo stacks are what a real Grove cluster would run as shown: their topology packing needs a
 * topology-aware gang scheduler (API-NOTES §12, §13), so their pods name kai-scheduler, and they pass
 * Grove's admission checks for it with the demo's binding (§5.3, §5.7), and carry the KAI queue label (§5.5).
 */
import { describe, expect, it } from 'vitest';
import { expandPodGangs } from '../grove/expand';
import { LABEL_SCHEDULER_NAME } from '../grove/labels';
import type { KubeObject } from '../grove/meta';
import { validate } from '../grove/validate';
import { placesPodsIndependently, schedulerNameOf } from '../placement/backend';
import { DEMO_SCHEDULER_NAME, DEMO_TOPOLOGY_NAME, demoSnapshot, demoStacks } from './demo';
import { topologyInfoFromBinding } from './snapshot';

const binding = () => demoSnapshot().items.find((o) => (o as KubeObject).kind === 'ClusterTopologyBinding') as KubeObject;
const context = () => {
  const t = topologyInfoFromBinding(binding());
  return { topologies: { [t.name]: t.levels }, topologiesComplete: true, topologyAwareScheduling: true };
};

describe('demo stacks', () => {
  it('pass the validator with the demo binding: no errors', () => {
    for (const pcs of demoStacks()) {
      const errors = validate(pcs, context()).filter((f) => f.severity === 'error');
      expect(errors, pcs.metadata.name).toEqual([]);
    }
  });

  it('name kai-scheduler on every pod and carry the KAI queue label, without which the validator warns', () => {
    expect(DEMO_SCHEDULER_NAME).toBe('kai-scheduler');
    for (const pcs of demoStacks()) {
      expect(pcs.spec.template.cliques.map((c) => c.spec.podSpec.schedulerName)).toEqual(pcs.spec.template.cliques.map(() => 'kai-scheduler'));
      expect(pcs.spec.template.topologyConstraint?.topologyName).toBe(DEMO_TOPOLOGY_NAME);
      const withoutQueue = structuredClone(pcs);
      delete withoutQueue.metadata.labels!['kai.scheduler/queue'];
      const findings = validate(withoutQueue, context());
      expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
      expect(findings.filter((f) => f.rule === 'scheduler.kaiQueue').map((f) => [f.severity, f.message])).toEqual([['warning', expect.stringContaining('no KAI queue is configured')]]);
    }
  });

  it("are gangs of a topology-aware scheduler: Grove's resolved scheduler is kai-scheduler", () => {
    for (const pcs of demoStacks()) {
      for (const gang of expandPodGangs(pcs)) {
        expect(gang.labels[LABEL_SCHEDULER_NAME]).toBe('kai-scheduler');
        expect(placesPodsIndependently(schedulerNameOf(gang))).toBe(false);
      }
    }
  });
});

describe('demo binding', () => {
  it('passes the ClusterTopologyBinding checks and needs no schedulerTopologyBindings entry (Grove makes KAI’s Topology)', () => {
    const b = binding();
    expect(validate(b, context()).filter((f) => f.severity === 'error')).toEqual([]);
    expect((b as { spec: { schedulerTopologyBindings?: unknown } }).spec.schedulerTopologyBindings).toBeUndefined();
  });
});
