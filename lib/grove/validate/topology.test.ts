/** Topology-constraint rules: CRD CEL (§2.6) and the webhook's topology checks (§5.3). */
import { describe, expect, test } from 'vitest';
import { validate, validateUpdate, type ValidationContext } from '.';
import { clique, expectAt, expectClean, expectNone, expectOne, GB200_LEVELS, group, LEADER, pcsWith, PREFILL, ROUTER, withRule, WORKER, type Json, type PcsView } from './fixtures';

const PCS_TC = '/spec/template/topologyConstraint';
const GROUP_TC = group(PREFILL, 'topologyConstraint');
const snapshot: ValidationContext = { topologies: { gb200: GB200_LEVELS } };

/** validPcs() with topology constraints: PCS `zone`, group `rack`, worker `host`, all inheriting the name. */
/** Every clique on kai-scheduler (the backend that honours constraints; default-scheduler ignores them), with its queue. */
function onKai(p: PcsView): void {
  p.metadata.labels = { ...(p.metadata.labels as Json | undefined), 'kai.scheduler/queue': 'team-a' };
  (p.template.cliques as unknown[]).forEach((_, i) => (p.podSpec(i).schedulerName = 'kai-scheduler'));
}

/** Back on the operator's default profile: no schedulerName, no queue. */
function onDefaultProfile(p: PcsView): void {
  delete (p.metadata.labels as Json)['kai.scheduler/queue'];
  (p.template.cliques as unknown[]).forEach((_, i) => delete p.podSpec(i).schedulerName);
}

function constrained(edit?: (p: PcsView) => void): Json {
  return pcsWith((p) => {
    onKai(p);
    p.template.topologyConstraint = { topologyName: 'gb200', pack: { required: 'zone' } };
    p.group(PREFILL).topologyConstraint = { pack: { required: 'rack' } };
    p.clique(WORKER).topologyConstraint = { pack: { required: 'host' } };
    edit?.(p);
  });
}

describe('the constrained fixture', () => {
  test('is clean with and without a cluster snapshot', () => {
    expectClean(validate(constrained()));
    expectClean(validate(constrained(), snapshot));
    expectClean(validate(constrained(), { ...snapshot, topologyAwareScheduling: true }));
  });
});

describe('CEL rules on TopologyConstraint (§2.6)', () => {
  test('topology.packMissing: neither pack nor packDomain rejected', () => {
    expectOne(validate(constrained((p) => (p.template.topologyConstraint = { topologyName: 'gb200' }))), 'topology.packMissing', `${PCS_TC}/pack`);
    expectNone(validate(constrained()), 'topology.packMissing');
  });

  test('topology.packEmpty: pack with neither required nor preferred rejected; preferred alone accepted', () => {
    expectOne(validate(constrained((p) => (p.group(PREFILL).topologyConstraint = { pack: {} }))), 'topology.packEmpty', `${GROUP_TC}/pack`);
    expectNone(validate(constrained((p) => (p.group(PREFILL).topologyConstraint = { pack: { preferred: 'rack' } }))), 'topology.packEmpty');
  });

  test('topology.packDomainConflict: pack.required together with packDomain rejected', () => {
    const both = constrained((p) => (p.clique(WORKER).topologyConstraint = { pack: { required: 'host' }, packDomain: 'host' }));
    expectOne(validate(both), 'topology.packDomainConflict', clique(WORKER, 'topologyConstraint/pack/required'));
    // pack.preferred with packDomain is legal (on an existing object).
    const preferred = constrained((p) => (p.clique(WORKER).topologyConstraint = { pack: { preferred: 'host' }, packDomain: 'host' }));
    expectNone(validateUpdate(preferred, preferred), 'topology.packDomainConflict');
  });

  test('topology.packDomainDeprecated: an error on CREATE, a warning on UPDATE', () => {
    const legacy = constrained((p) => (p.clique(WORKER).topologyConstraint = { packDomain: 'host' }));
    const create = expectOne(validate(legacy), 'topology.packDomainDeprecated', clique(WORKER, 'topologyConstraint/packDomain'), 'error');
    expect(create.message).toContain('use pack.required');
    expectOne(validateUpdate(legacy, legacy), 'topology.packDomainDeprecated', clique(WORKER, 'topologyConstraint/packDomain'), 'warning');
    expectNone(validate(constrained()), 'topology.packDomainDeprecated');
  });
});

describe('operator configuration and backend (§5.3)', () => {
  test('topology.disabled: every constraint rejected when TAS is off; nothing said when TAS is on or unknown', () => {
    const off = validate(constrained(), { topologyAwareScheduling: false });
    expect(withRule(off, 'topology.disabled').map((f) => f.path)).toEqual([PCS_TC, GROUP_TC, clique(WORKER, 'topologyConstraint')]);
    expectNone(validate(constrained(), { topologyAwareScheduling: true }), 'topology.disabled');
    expectNone(validate(constrained()), 'topology.disabled');
    expectNone(validate(pcsWith(() => {}), { topologyAwareScheduling: false }), 'topology.disabled');
  });

  test('topology.backendUnsupported: volcano and lpx-scheduler reject constraints; default-scheduler and KAI accept them', () => {
    for (const backend of ['volcano', 'lpx-scheduler']) {
      const findings = validate(constrained(onDefaultProfile), { schedulerProfiles: ['default-scheduler', backend], defaultSchedulerProfile: backend });
      expect(withRule(findings, 'topology.backendUnsupported').map((f) => f.path)).toEqual([PCS_TC, GROUP_TC, clique(WORKER, 'topologyConstraint')]);
    }
    expectNone(validate(constrained()), 'topology.backendUnsupported');
    const kai = constrained((p) => {
      onDefaultProfile(p);
      (p.metadata.labels as Json)['kai.scheduler/queue'] = 'team-a';
    });
    expectClean(validate(kai, { defaultSchedulerProfile: 'kai-scheduler' }));
  });

  test('topology.ignoredByScheduler: on default-scheduler, one warning at the first constraint; none on kai-scheduler or without constraints', () => {
    const onDefault = validate(constrained(onDefaultProfile));
    expect(withRule(onDefault, 'topology.ignoredByScheduler').map((f) => [f.path, f.severity])).toEqual([[PCS_TC, 'warning']]);
    expect(withRule(onDefault, 'topology.ignoredByScheduler')[0]!.message).toContain('kai-scheduler');
    // Only a clique constrained: the warning sits there.
    const cliqueOnly = constrained((p) => {
      onDefaultProfile(p);
      delete p.template.topologyConstraint;
      delete p.group(PREFILL).topologyConstraint;
      p.clique(WORKER).topologyConstraint = { topologyName: 'gb200', pack: { required: 'host' } };
    });
    expect(withRule(validate(cliqueOnly), 'topology.ignoredByScheduler').map((f) => f.path)).toEqual([clique(WORKER, 'topologyConstraint')]);
    expectNone(validate(constrained()), 'topology.ignoredByScheduler');
    expectNone(validate(pcsWith(() => {})), 'topology.ignoredByScheduler');
  });

  test('on UPDATE the create-time topology checks are not repeated (constraints are immutable)', () => {
    const pcs = constrained((p) => (p.group(PREFILL).topologyConstraint = { pack: { required: 'zone' } }));
    const update = validateUpdate(pcs, pcs, { topologyAwareScheduling: false, topologies: {} });
    expectClean(update);
  });
});

describe('topologyName (§5.3)', () => {
  test('topology.nameRequired: a PCS constraint must name its topology', () => {
    const pcs = constrained((p) => (p.template.topologyConstraint = { pack: { required: 'zone' } }));
    const findings = validate(pcs);
    // The group and clique would inherit from the PCS, which has nothing to give.
    expect(withRule(findings, 'topology.nameRequired').map((f) => f.path)).toEqual([`${PCS_TC}/topologyName`, `${GROUP_TC}/topologyName`, clique(WORKER, 'topologyConstraint/topologyName')]);
  });

  test('a clique inherits from its group, the group from the PCS', () => {
    // Group names the topology; no PCS constraint: the member clique inherits from the group.
    const fromGroup = constrained((p) => {
      delete p.template.topologyConstraint;
      p.group(PREFILL).topologyConstraint = { topologyName: 'gb200', pack: { required: 'rack' } };
    });
    expectClean(validate(fromGroup, snapshot));
    // A clique in a group without a constraint inherits from the PCS.
    const skip = constrained((p) => delete p.group(PREFILL).topologyConstraint);
    expectClean(validate(skip, snapshot));
  });

  test('a standalone clique cannot inherit from a group it is not in', () => {
    const pcs = constrained((p) => {
      delete p.template.topologyConstraint;
      p.group(PREFILL).topologyConstraint = { topologyName: 'gb200', pack: { required: 'rack' } };
      p.clique(ROUTER).topologyConstraint = { pack: { required: 'rack' } };
    });
    expectOne(validate(pcs), 'topology.nameRequired', clique(ROUTER, 'topologyConstraint/topologyName'));
  });

  test('topology.nameMismatch: a different effective name rejected; repeating the same name accepted', () => {
    const pcs = constrained((p) => ((p.group(PREFILL).topologyConstraint as Json).topologyName = 'h100'));
    expectOne(validate(pcs), 'topology.nameMismatch', `${GROUP_TC}/topologyName`);
    expectNone(validate(constrained((p) => ((p.group(PREFILL).topologyConstraint as Json).topologyName = 'gb200'))), 'topology.nameMismatch');
  });

  test('one mismatched topologyName is flagged where it is written; the other constraints are still checked against their binding', () => {
    // The worker names another binding; the PCS packs at rack, the group at block (broader) preferring numa (not in gb200).
    const pcs = constrained((p) => {
      p.template.topologyConstraint = { topologyName: 'gb200', pack: { required: 'rack' } };
      p.group(PREFILL).topologyConstraint = { pack: { required: 'block', preferred: 'numa' } };
      p.clique(WORKER).topologyConstraint = { topologyName: 'h100', pack: { required: 'host' } };
    });
    const findings = validate(pcs, snapshot);
    expectOne(findings, 'topology.nameMismatch', clique(WORKER, 'topologyConstraint/topologyName'));
    const missing = expectOne(findings, 'topology.unknownTopology', clique(WORKER, 'topologyConstraint/topologyName'), 'warning');
    expect(missing.message).toContain('"h100"');
    expectOne(findings, 'topology.unknownDomain', `${GROUP_TC}/pack/preferred`);
    const narrower = expectOne(findings, 'topology.narrowerThanParent', PCS_TC, 'error');
    expect(narrower.message).not.toContain('no binding');
    // The worker's own binding, when the snapshot has it, checks the worker's domains (h100 has no numa, gb200 has no nvlink).
    const h100: ValidationContext = { topologies: { gb200: GB200_LEVELS, h100: [{ domain: 'zone', key: 'z' }, { domain: 'host', key: 'h' }] } };
    const both = constrained((p) => {
      p.template.topologyConstraint = { topologyName: 'gb200', pack: { required: 'rack' } };
      p.clique(WORKER).topologyConstraint = { topologyName: 'h100', pack: { required: 'host', preferred: 'rack' } };
    });
    const checked = validate(both, h100);
    expectNone(checked, 'topology.unknownTopology');
    expect(expectOne(checked, 'topology.unknownDomain', clique(WORKER, 'topologyConstraint/pack/preferred')).message).toContain('"h100"');
    // Constraints naming different bindings are not compared with each other (rack vs h100's host is no hierarchy).
    expectNone(checked, 'topology.narrowerThanParent');
  });

  test('without the named binding in the snapshot the hierarchy warning names the missing binding', () => {
    const pcs = constrained((p) => {
      p.template.topologyConstraint = { topologyName: 'gb200', pack: { required: 'rack' } };
      p.group(PREFILL).topologyConstraint = { pack: { required: 'block' } };
    });
    const f = expectOne(validate(pcs, { topologies: { h100: GB200_LEVELS } }), 'topology.narrowerThanParent', PCS_TC, 'warning');
    expect(f.message).toContain('no binding "gb200"');
  });

  test('topology.unknownTopology: a binding the snapshot lacks is a warning; without a snapshot nothing is said', () => {
    const f = expectOne(validate(constrained(), { topologies: { h100: GB200_LEVELS } }), 'topology.unknownTopology', `${PCS_TC}/topologyName`, 'warning');
    expect(f.message).toContain('"h100"');
    expectOne(validate(constrained(), { topologies: {} }), 'topology.unknownTopology', `${PCS_TC}/topologyName`, 'warning');
    expectNone(validate(constrained(), snapshot), 'topology.unknownTopology');
    expectNone(validate(constrained()), 'topology.unknownTopology');
    expectNone(validate(constrained(), { ...snapshot, topologiesComplete: false }), 'topology.unknownTopology');
  });

  test('topology.unknownTopology: an error in Grove\'s words when the bindings are the cluster\'s whole set (topologiesComplete)', () => {
    const f = expectOne(validate(constrained(), { topologies: { h100: GB200_LEVELS, a100: GB200_LEVELS }, topologiesComplete: true }), 'topology.unknownTopology', `${PCS_TC}/topologyName`);
    expect(f.message).toContain('ClusterTopologyBinding "gb200" not found');
    expect(f.message).toContain('known: "h100", "a100"');
    const none = expectOne(validate(constrained(), { topologies: {}, topologiesComplete: true }), 'topology.unknownTopology', `${PCS_TC}/topologyName`);
    expect(none.message).toContain('ClusterTopologyBinding "gb200" not found');
    // Present: no finding; an explicit false is the snapshot's warning.
    expectNone(validate(constrained(), { ...snapshot, topologiesComplete: true }), 'topology.unknownTopology');
    expectOne(validate(constrained(), { topologies: { h100: GB200_LEVELS }, topologiesComplete: false }), 'topology.unknownTopology', `${PCS_TC}/topologyName`, 'warning');
    // On UPDATE the topology is immutable and not checked again.
    expectNone(validateUpdate(constrained(), constrained(), { topologies: {}, topologiesComplete: true }), 'topology.unknownTopology');
  });
});

describe('domains and hierarchy (§5.3)', () => {
  test('topology.unknownDomain: a domain the binding lacks rejected (with a snapshot only)', () => {
    const numa = constrained((p) => (p.clique(WORKER).topologyConstraint = { pack: { required: 'host', preferred: 'numa' } }));
    expectOne(validate(numa, snapshot), 'topology.unknownDomain', clique(WORKER, 'topologyConstraint/pack/preferred'));
    expectNone(validate(numa), 'topology.unknownDomain');
    expectNone(validate(constrained(), snapshot), 'topology.unknownDomain');
  });

  test('topology.narrowerThanParent: with a snapshot an error, judged by the binding order', () => {
    // PCS packs at rack, the group at block (broader than rack).
    const pcs = constrained((p) => {
      p.template.topologyConstraint = { topologyName: 'gb200', pack: { required: 'rack' } };
      p.group(PREFILL).topologyConstraint = { pack: { required: 'block' } };
    });
    const f = expectOne(validate(pcs, snapshot), 'topology.narrowerThanParent', PCS_TC, 'error');
    expect(f.message).toContain("'rack' is narrower than");
  });

  test('topology.narrowerThanParent: without a snapshot a warning by the well-known order', () => {
    const pcs = constrained((p) => {
      p.template.topologyConstraint = { topologyName: 'gb200', pack: { required: 'rack' } };
      p.group(PREFILL).topologyConstraint = { pack: { required: 'block' } };
    });
    const f = expectOne(validate(pcs), 'topology.narrowerThanParent', PCS_TC, 'warning');
    expect(f.message).toContain('usual order');
  });

  test('a custom binding order wins over the well-known one', () => {
    // A binding where "rack" is broader than "block" (levels are trusted as given).
    const custom: ValidationContext = { topologies: { gb200: [{ domain: 'zone', key: 'z' }, { domain: 'rack', key: 'r' }, { domain: 'block', key: 'b' }, { domain: 'host', key: 'h' }] } };
    const pcs = constrained((p) => {
      p.template.topologyConstraint = { topologyName: 'gb200', pack: { required: 'rack' } };
      p.group(PREFILL).topologyConstraint = { pack: { required: 'block' } };
    });
    expectNone(validate(pcs, custom), 'topology.narrowerThanParent');
  });

  test('child vs grandparent, preferred vs preferred, equal domains accepted', () => {
    // Worker (in the group) packs at zone while the PCS requires rack: narrower than the grandparent.
    const pcs = constrained((p) => {
      p.template.topologyConstraint = { topologyName: 'gb200', pack: { required: 'rack' } };
      p.group(PREFILL).topologyConstraint = { pack: { preferred: 'rack' } };
      p.clique(WORKER).topologyConstraint = { pack: { required: 'zone', preferred: 'zone' } };
    });
    const findings = validate(pcs, snapshot);
    // Reported on the parents, as Grove's webhook does: the stack's constraint, the group's pack.preferred.
    expectAt(findings, 'topology.narrowerThanParent', PCS_TC);
    expectAt(findings, 'topology.narrowerThanParent', `${GROUP_TC}/pack/preferred`);
    expect(withRule(findings, 'topology.narrowerThanParent')).toHaveLength(2);
    // Equal at every level is allowed.
    const equal = constrained((p) => {
      p.group(PREFILL).topologyConstraint = { pack: { required: 'zone' } };
      p.clique(LEADER).topologyConstraint = { pack: { required: 'zone' } };
    });
    expectNone(validate(equal, snapshot), 'topology.narrowerThanParent');
  });

  test('a legacy packDomain is compared like pack.required, the finding on the parent constraint', () => {
    const pcs = constrained((p) => {
      p.template.topologyConstraint = { topologyName: 'gb200', pack: { required: 'host' } };
      p.group(PREFILL).topologyConstraint = { packDomain: 'rack' };
    });
    expectOne(validate(pcs, snapshot), 'topology.narrowerThanParent', PCS_TC);
    const legacyParent = constrained((p) => {
      p.group(PREFILL).topologyConstraint = { packDomain: 'host' };
      p.clique(WORKER).topologyConstraint = { pack: { required: 'rack' } };
    });
    expectOne(validate(legacyParent, snapshot), 'topology.narrowerThanParent', GROUP_TC);
  });

  test("a child broader than its parent: reported on the parent's field, in the words of Grove's webhook", () => {
    // The stack packs at host, narrower than the group (rack) and the standalone router (block); the group prefers host, narrower than the worker (rack).
    const pcs = constrained((p) => {
      p.template.topologyConstraint = { topologyName: 'gb200', pack: { required: 'host' } };
      p.group(PREFILL).topologyConstraint = { pack: { required: 'rack', preferred: 'host' } };
      p.clique(ROUTER).topologyConstraint = { pack: { required: 'block' } };
      p.clique(WORKER).topologyConstraint = { pack: { required: 'host', preferred: 'rack' } };
    });
    const found = withRule(validate(pcs, snapshot), 'topology.narrowerThanParent').map((f) => [f.path, f.message.replace(/ \(.*$/, '')]);
    expect(found.sort()).toEqual(
      [
        [PCS_TC, "PodCliqueSet topology constraint domain 'host' is narrower than PodCliqueScalingGroup 'prefill' topology constraint domain 'rack'"],
        [PCS_TC, "PodCliqueSet topology constraint domain 'host' is narrower than PodClique 'router' topology constraint domain 'block'"],
        [`${GROUP_TC}/pack/preferred`, "PodCliqueScalingGroup 'prefill' topology constraint domain 'host' is narrower than PodClique 'worker' topology constraint domain 'rack'"],
      ].sort(),
    );
  });

  test('topology.preferredCoarser: preferred broader than required on the same constraint is a warning', () => {
    const pcs = constrained((p) => (p.clique(WORKER).topologyConstraint = { pack: { required: 'host', preferred: 'zone' } }));
    expectOne(validate(pcs, snapshot), 'topology.preferredCoarser', clique(WORKER, 'topologyConstraint/pack/preferred'), 'warning');
    expectNone(validate(constrained((p) => (p.clique(WORKER).topologyConstraint = { pack: { required: 'rack', preferred: 'host' } })), snapshot), 'topology.preferredCoarser');
  });
});
