/** PodCliqueSet webhook rules (API-NOTES §4, §5.1–5.6) and Canopy's clique-name warning: one rejected and one accepted case each. */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { defaultPodCliqueSet, type PodCliqueSet } from '../podcliqueset';
import { RESOURCE_GPU } from '../core';
import { validate, validateUpdate } from '.';
import {
  clique,
  DECODE,
  expectAt,
  expectClean,
  expectNone,
  expectOne,
  group,
  LEADER,
  pcsWith,
  PREFILL,
  ROUTER,
  validPcs,
  withRule,
  WORKER,
  type Json,
  type PcsView,
} from './fixtures';

const KAI = 'kai-scheduler';
const QUEUE = 'kai.scheduler/queue';
const MNNVL = 'grove.io/mnnvl-group';

describe('the fixture', () => {
  test('validPcs() has no findings at all', () => {
    expectClean(validate(validPcs()));
  });
  test('defaulting the fixture changes nothing but restartPolicy', () => {
    const defaulted = defaultPodCliqueSet(validPcs() as unknown as PodCliqueSet) as unknown as Json;
    const expected = pcsWith((p) => [0, 1, 2, 3].forEach((i) => (p.podSpec(i).restartPolicy = 'Always')));
    expect(defaulted).toEqual(expected);
  });
});

describe('spec and template', () => {
  test('pcs.replicas: negative rejected, 0 accepted', () => {
    expectOne(validate(pcsWith((p) => (p.spec.replicas = -1))), 'pcs.replicas', '/spec/replicas');
    expectNone(validate(pcsWith((p) => (p.spec.replicas = 0))), 'pcs.replicas');
    expectNone(validate(pcsWith((p) => delete p.spec.replicas)), 'pcs.replicas');
  });

  test('pcs.terminationDelay: zero, negative and non-durations rejected; "90s" and absent (defaulted to 4h) accepted', () => {
    for (const bad of ['0s', '-1m', 'soon', '4 hours']) {
      expectOne(validate(pcsWith((p) => (p.template.terminationDelay = bad))), 'pcs.terminationDelay', '/spec/template/terminationDelay');
    }
    expectNone(validate(pcsWith((p) => (p.template.terminationDelay = '90s'))), 'pcs.terminationDelay');
    expectNone(validate(pcsWith((p) => (p.template.terminationDelay = '1h30m'))), 'pcs.terminationDelay');
    expectNone(validate(pcsWith((p) => delete p.template.terminationDelay)), 'pcs.terminationDelay');
  });

  test('pcs.cliques: an empty list rejected, one clique accepted', () => {
    const none = validate(pcsWith((p) => ((p.template.cliques = []), delete p.template.podCliqueScalingGroups)));
    expectOne(none, 'pcs.cliques', '/spec/template/cliques');
    const one = pcsWith((p) => {
      p.template.cliques = [p.clique(ROUTER)];
      delete p.cliqueSpec(ROUTER).startsAfter;
      delete p.template.podCliqueScalingGroups;
    });
    expectClean(validate(one));
  });
});

describe('names (§5.1)', () => {
  test('pcs.cliqueName: not a DNS subdomain or empty rejected; dotted lower-case accepted', () => {
    expectOne(validate(pcsWith((p) => (p.clique(DECODE).name = 'Decode'))), 'pcs.cliqueName', clique(DECODE, 'name'));
    expectOne(validate(pcsWith((p) => (p.clique(DECODE).name = 'decode_1'))), 'pcs.cliqueName', clique(DECODE, 'name'));
    const empty = expectOne(validate(pcsWith((p) => (p.clique(DECODE).name = ''))), 'pcs.cliqueName', clique(DECODE, 'name'));
    expect(empty.message).toContain('must not be empty');
    expectNone(validate(pcsWith((p) => (p.clique(DECODE).name = 'decode.v2'))), 'pcs.cliqueName');
  });

  test('pcsg.name: not a DNS subdomain rejected, lower-case accepted', () => {
    const bad = pcsWith((p) => (p.group(PREFILL).name = 'Prefill'));
    expectOne(validate(bad), 'pcsg.name', group(PREFILL, 'name'));
    expectNone(validate(pcsWith((p) => (p.group(PREFILL).name = 'prefill-2'))), 'pcsg.name');
  });

  describe('pcs.nameBudget: len(pcs) + [len(group)] + len(clique) ≤ 45', () => {
    // `disagg` is 6 characters.
    test('standalone clique: 45 accepted, 46 rejected on the clique name', () => {
      const at = (n: number) => validate(pcsWith((p) => (p.clique(DECODE).name = 'd'.repeat(n - 6))));
      expectNone(at(45), 'pcs.nameBudget');
      const over = at(46);
      const f = expectAt(over, 'pcs.nameBudget', clique(DECODE, 'name'));
      expect(f.message).toContain('combined resource name length 46 exceeds 45-character limit');
      // Grove reports it on metadata.name too; a standalone clique has no group to blame.
      const onName = expectAt(over, 'pcs.nameBudget', '/metadata/name');
      expect(onName.message).toContain('combined resource name length 46 exceeds 45-character limit');
      expect(withRule(over, 'pcs.nameBudget').map((x) => x.path)).toEqual([clique(DECODE, 'name'), '/metadata/name']);
      // No name written: nothing to shorten there (the schema reports the missing name).
      const unnamed = validate(pcsWith((p) => ((p.clique(DECODE).name = 'd'.repeat(46)), delete p.metadata.name)));
      expect(withRule(unnamed, 'pcs.nameBudget').map((x) => x.path)).toEqual([clique(DECODE, 'name')]);
    });

    test('clique in a scaling group: the group name counts; 45 accepted, 46 rejected', () => {
      // disagg (6) + prefill (7) + worker (6) = 19; pad the group name.
      const at = (n: number) => validate(pcsWith((p) => (p.group(PREFILL).name = 'p'.repeat(n - 12))));
      expectNone(at(45), 'pcs.nameBudget');
      // Both members (leader and worker are 6 characters each) overflow.
      const over = at(46);
      // Each clique, and once each the group's name and metadata.name (Grove reports all three).
      expect(withRule(over, 'pcs.nameBudget').map((f) => f.path)).toEqual([clique(LEADER, 'name'), clique(WORKER, 'name'), group(PREFILL, 'name'), '/metadata/name']);
      expect(withRule(over, 'pcs.nameBudget')[0]!.message).toContain('scaling group');
      expect(expectAt(over, 'pcs.nameBudget', group(PREFILL, 'name')).message).toContain('combined resource name length 46 exceeds 45-character limit');
    });

    test('several cliques over: one finding per clique, and one each on the group and metadata.name naming the longest combination', () => {
      const leader = 'l'.repeat(38); // disagg + prefill + 38 = 51, the longest
      const over = validate(
        pcsWith((p) => {
          p.clique(ROUTER).name = 'r'.repeat(40); // 46
          p.clique(DECODE).name = 'd'.repeat(42); // 48
          p.clique(LEADER).name = leader;
          p.group(PREFILL).cliqueNames = [leader, 'worker'];
        }),
      );
      expect(withRule(over, 'pcs.nameBudget').map((f) => f.path)).toEqual([clique(ROUTER, 'name'), clique(LEADER, 'name'), clique(DECODE, 'name'), group(PREFILL, 'name'), '/metadata/name']);
      for (const path of [group(PREFILL, 'name'), '/metadata/name']) {
        const f = expectAt(over, 'pcs.nameBudget', path);
        expect(f.message).toContain('combined resource name length 51 exceeds 45-character limit');
        expect(f.message).toContain(`"disagg" + "prefill" + "${leader}"`);
      }
      // The group's finding is about its members only: a standalone clique over the budget does not reach it.
      const standaloneOnly = validate(pcsWith((p) => (p.clique(DECODE).name = 'd'.repeat(60))));
      expectNone(standaloneOnly.filter((f) => f.path === group(PREFILL, 'name')), 'pcs.nameBudget');
      expect(expectAt(standaloneOnly, 'pcs.nameBudget', '/metadata/name').message).toContain('combined resource name length 66');
    });

    test('a name that fits standalone may overflow inside a group', () => {
      // decode: disagg + 39 = 45 standalone; in group "prefill" it is 52.
      const name = 'd'.repeat(39);
      expectNone(validate(pcsWith((p) => (p.clique(DECODE).name = name))), 'pcs.nameBudget');
      const grouped = pcsWith((p) => {
        p.clique(DECODE).name = name;
        delete p.cliqueSpec(DECODE).autoScalingConfig;
        p.group(PREFILL).cliqueNames = ['leader', 'worker', name];
      });
      expectAt(validate(grouped), 'pcs.nameBudget', clique(DECODE, 'name'));
      expectAt(validate(grouped), 'pcs.nameBudget', group(PREFILL, 'name'));
    });

    test('with generateName only, the name the apiserver makes counts: the prefix (at most 58) and 5 characters', () => {
      // The longest: prefill (7) + leader (6). 27 + 5 + 13 = 45 accepted; 28 + 5 + 13 = 46 rejected, on the members, the group and generateName.
      const at = (n: number) => validate(pcsWith((p) => ((p.metadata.generateName = 'g'.repeat(n)), delete p.metadata.name)));
      expectNone(at(27), 'pcs.nameBudget');
      const over = at(28);
      expect(withRule(over, 'pcs.nameBudget').map((f) => f.path)).toEqual([clique(LEADER, 'name'), clique(WORKER, 'name'), group(PREFILL, 'name'), '/metadata/generateName']);
      // A prefix longer than 58 is cut to 58 before the 5 characters: 58 + 5 + 13 = 76, not 93.
      expect(expectAt(at(75), 'pcs.nameBudget', '/metadata/generateName').message).toContain('combined resource name length 76 exceeds');
      expect(expectAt(over, 'pcs.nameBudget', '/metadata/generateName').message).toContain('combined resource name length 46 exceeds 45-character limit');
      expect(expectAt(over, 'pcs.nameBudget', '/metadata/generateName').message).toContain('the 5 characters the apiserver appends to generateName');
    });
  });

  describe('pcs.podHostname: Grove names pod hostnames and headless Services after the PodCliqueSet, clique and group names', () => {
    test('a dot in any of them is refused at pod creation (DNS-1123 label), though Grove accepts it: an error on that name', () => {
      expectOne(validate(pcsWith((p) => (p.metadata.name = 'llama-3.1-8b'))), 'pcs.podHostname', '/metadata/name');
      expect(expectAt(validate(pcsWith((p) => (p.metadata.name = 'llama-3.1-8b'))), 'pcs.podHostname', '/metadata/name').message).toContain('headless Service llama-3.1-8b-0');
      const renamed = validate(
        pcsWith((p) => {
          p.clique(ROUTER).name = 'router.v1';
          p.cliqueSpec(DECODE).startsAfter = ['router.v1'];
          p.group(PREFILL).name = 'prefill.a';
        }),
      );
      expect(withRule(renamed, 'pcs.podHostname').map((f) => f.path)).toEqual([clique(ROUTER, 'name'), group(PREFILL, 'name')]);
      expect(expectAt(renamed, 'pcs.podHostname', clique(ROUTER, 'name')).message).toContain('(disagg-0-router.v1-0)');
      expectOne(validate(pcsWith((p) => ((p.metadata.generateName = 'llama.'), delete p.metadata.name))), 'pcs.podHostname', '/metadata/generateName');
      expectNone(validate(validPcs()), 'pcs.podHostname');
    });

    test('pcs.serviceName: a name that starts with a digit is a warning (the headless Service, a DNS-1035 label up to Kubernetes 1.35)', () => {
      expectOne(validate(pcsWith((p) => (p.metadata.name = '8b-llama'))), 'pcs.serviceName', '/metadata/name', 'warning');
      expectNone(validate(validPcs()), 'pcs.serviceName');
    });
  });

  test('pcs.roleNameUnique: a repeated roleName rejected on the later clique; distinct accepted', () => {
    expectOne(validate(pcsWith((p) => (p.cliqueSpec(DECODE).roleName = 'router'))), 'pcs.roleNameUnique', clique(DECODE, 'spec/roleName'));
    expectNone(validate(validPcs()), 'pcs.roleNameUnique');
  });

  test('pcs.roleNameUnique: two empty roleNames are duplicates too (Grove compares every clique\'s roleName, "" included); omitted ones are left to schema.required', () => {
    const empty = pcsWith((p) => ((p.cliqueSpec(ROUTER).roleName = ''), (p.cliqueSpec(DECODE).roleName = '')));
    const f = expectOne(validate(empty), 'pcs.roleNameUnique', clique(DECODE, 'spec/roleName'));
    expect(f.message).toBe(`roleName "" is already used by clique ${ROUTER}; roleNames must be unique`);
    // One empty roleName duplicates nothing.
    expectNone(validate(pcsWith((p) => (p.cliqueSpec(ROUTER).roleName = ''))), 'pcs.roleNameUnique');
    // The CRD requires roleName: an omitted one is refused by the schema before any webhook sees it.
    const omitted = validate(pcsWith((p) => (delete p.cliqueSpec(ROUTER).roleName, delete p.cliqueSpec(DECODE).roleName)));
    expectNone(omitted, 'pcs.roleNameUnique');
    expectAt(omitted, 'schema.required', clique(ROUTER, 'spec/roleName'));
    expectAt(omitted, 'schema.required', clique(DECODE, 'spec/roleName'));
  });

  test('canopy.cliqueNameSuffix: one clique name ending with another warned on the longer one; unrelated names accepted', () => {
    const f = expectOne(validate(pcsWith((p) => (p.clique(DECODE).name = 'prerouter'))), 'canopy.cliqueNameSuffix', clique(DECODE, 'name'), 'warning');
    expect(f.message).toContain('"router"');
    // A shared prefix is harmless: templates are resolved by suffix.
    expectNone(validate(pcsWith((p) => (p.clique(DECODE).name = 'router-b'))), 'canopy.cliqueNameSuffix');
  });

  test('canopy.cliqueNameSuffix: the same findings, in the same order, as comparing every pair of names', () => {
    const suffixFindings = (names: string[]) =>
      validate({ apiVersion: 'grove.io/v1alpha1', kind: 'PodCliqueSet', metadata: { name: 's' }, spec: { replicas: 1, template: { cliques: names.map((name) => ({ name })) } } })
        .filter((f) => f.rule === 'canopy.cliqueNameSuffix')
        .map((f) => `${f.path} ${f.message}`);
    const pairwise = (names: string[]) =>
      names.flatMap((a) =>
        names.flatMap((b, j) => (b.length > a.length && b.endsWith(a) ? [`/spec/template/cliques/${j}/name clique name "${b}" ends with another clique's name "${a}"`] : [])),
      );
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'ba', 'aba', 'cba', 'b', 'router', 'prerouter', 'x-router', 'r'), { maxLength: 8 }), (names) => {
        const got = suffixFindings(names);
        // validate() drops repeated findings (a name that appears twice is one finding, not two).
        expect(got.map((g) => g.slice(0, g.indexOf(':')))).toEqual([...new Set(pairwise(names))]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('clique replicas and minAvailable (§4, §5.2)', () => {
  test('clique.replicas: negative rejected, positive accepted', () => {
    expectOne(validate(pcsWith((p) => ((p.cliqueSpec(ROUTER).replicas = -2), delete p.cliqueSpec(ROUTER).minAvailable))), 'clique.replicas', clique(ROUTER, 'spec/replicas'));
    expectNone(validate(validPcs()), 'clique.replicas');
  });

  test('minAvailable defaults to replicas when absent', () => {
    const pcs = pcsWith((p) => delete p.cliqueSpec(ROUTER).minAvailable);
    expectNone(validate(pcs), 'clique.minAvailable');
    const defaulted = defaultPodCliqueSet(pcs as unknown as PodCliqueSet);
    expect(defaulted.spec.template.cliques[ROUTER]!.spec.minAvailable).toBe(2);
  });

  test('replicas: 0 is defaulted to 1 but minAvailable then defaults to 0, which is rejected', () => {
    const pcs = pcsWith((p) => ((p.cliqueSpec(ROUTER).replicas = 0), delete p.cliqueSpec(ROUTER).minAvailable));
    const f = expectOne(validate(pcs), 'clique.minAvailable', clique(ROUTER, 'spec/minAvailable'));
    expect(f.message).toContain('write replicas ≥ 1');
    expectNone(validate(pcs), 'clique.replicas');
    // With an explicit minAvailable: 1 the same replicas: 0 is defaulted to 1 and accepted.
    expectNone(validate(pcsWith((p) => ((p.cliqueSpec(ROUTER).replicas = 0), (p.cliqueSpec(ROUTER).minAvailable = 1)))), 'clique.minAvailable');
  });

  test('clique.minAvailable: 0 and above replicas rejected; 1 and = replicas accepted', () => {
    expectOne(validate(pcsWith((p) => (p.cliqueSpec(ROUTER).minAvailable = 0))), 'clique.minAvailable', clique(ROUTER, 'spec/minAvailable'));
    const over = expectOne(validate(pcsWith((p) => (p.cliqueSpec(ROUTER).minAvailable = 3))), 'clique.minAvailable', clique(ROUTER, 'spec/minAvailable'));
    expect(over.message).toContain('must not be greater than replicas (2)');
    expectNone(validate(pcsWith((p) => (p.cliqueSpec(ROUTER).minAvailable = 1))), 'clique.minAvailable');
    expectNone(validate(pcsWith((p) => (p.cliqueSpec(ROUTER).minAvailable = 2))), 'clique.minAvailable');
  });
});

describe('startsAfter (§5.2, §10)', () => {
  const anyOrder = (edit?: (p: PcsView) => void) =>
    pcsWith((p) => {
      p.template.cliqueStartupType = 'CliqueStartupTypeAnyOrder';
      edit?.(p);
    });

  test('clique.startsAfterIgnored: startsAfter without Explicit is a warning per clique, not an error', () => {
    const findings = validate(anyOrder());
    expect(withRule(findings, 'clique.startsAfterIgnored').map((f) => [f.path, f.severity])).toEqual([
      [clique(ROUTER, 'spec/startsAfter'), 'warning'],
      [clique(WORKER, 'spec/startsAfter'), 'warning'],
    ]);
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    // Even references to unknown cliques are not judged when Grove ignores the field.
    expectNone(validate(anyOrder((p) => (p.cliqueSpec(ROUTER).startsAfter = ['nope']))), 'clique.startsAfterUnknown');
    // Explicit: no warning.
    expectNone(validate(validPcs()), 'clique.startsAfterIgnored');
    // InOrder ignores startsAfter too.
    const inOrder = pcsWith((p) => (p.template.cliqueStartupType = 'CliqueStartupTypeInOrder'));
    expect(withRule(validate(inOrder), 'clique.startsAfterIgnored')).toHaveLength(2);
  });

  test('clique.startsAfterUnknown: names that are not cliques rejected, listed in the message', () => {
    const f = expectOne(validate(pcsWith((p) => (p.cliqueSpec(ROUTER).startsAfter = ['decode', 'prefill', 'ghost']))), 'clique.startsAfterUnknown', clique(ROUTER, 'spec/startsAfter'));
    expect(f.message).toContain('"prefill", "ghost"');
    expectNone(validate(validPcs()), 'clique.startsAfterUnknown');
  });

  test('clique.startsAfterSelf: a clique after itself rejected (and not also reported as a cycle)', () => {
    const findings = validate(pcsWith((p) => (p.cliqueSpec(DECODE).startsAfter = ['decode'])));
    expectOne(findings, 'clique.startsAfterSelf', clique(DECODE, 'spec/startsAfter/0'));
    // Grove's Tarjan check ignores single-node components; the self rule is the one that speaks.
    expectNone(findings, 'clique.startsAfterCycle');
    expectNone(validate(pcsWith((p) => (p.cliqueSpec(DECODE).startsAfter = ['leader']))), 'clique.startsAfterSelf');
  });

  test('clique.startsAfterDuplicate: a repeated entry rejected at its index', () => {
    expectOne(validate(pcsWith((p) => (p.cliqueSpec(ROUTER).startsAfter = ['decode', 'leader', 'decode']))), 'clique.startsAfterDuplicate', clique(ROUTER, 'spec/startsAfter/2'));
    expectNone(validate(validPcs()), 'clique.startsAfterDuplicate');
  });

  test('clique.startsAfterEmpty: an empty entry rejected at its index', () => {
    expectOne(validate(pcsWith((p) => (p.cliqueSpec(ROUTER).startsAfter = ['decode', '']))), 'clique.startsAfterEmpty', clique(ROUTER, 'spec/startsAfter/1'));
    expectNone(validate(validPcs()), 'clique.startsAfterEmpty');
  });

  test('clique.startsAfterCycle: a 3-clique cycle reports each clique on it, and only those', () => {
    // router → decode → leader → router; worker → leader depends on the cycle but is not on it.
    const pcs = pcsWith((p) => {
      p.cliqueSpec(ROUTER).startsAfter = ['decode'];
      p.cliqueSpec(DECODE).startsAfter = ['leader'];
      p.cliqueSpec(LEADER).startsAfter = ['router'];
    });
    const cycle = withRule(validate(pcs), 'clique.startsAfterCycle');
    expect(cycle.map((f) => [f.path, f.severity])).toEqual([
      [clique(ROUTER, 'spec/startsAfter'), 'error'],
      [clique(LEADER, 'spec/startsAfter'), 'error'],
      [clique(DECODE, 'spec/startsAfter'), 'error'],
    ]);
    // A diamond (router after decode and leader, worker after leader) is acyclic.
    expectNone(validate(validPcs()), 'clique.startsAfterCycle');
  });

  test('a 2-clique cycle is reported; without Explicit the same graph is only ignored', () => {
    const two = (type: string) =>
      pcsWith((p) => {
        p.template.cliqueStartupType = type;
        p.cliqueSpec(LEADER).startsAfter = ['worker'];
      });
    expect(withRule(validate(two('CliqueStartupTypeExplicit')), 'clique.startsAfterCycle').map((f) => f.path)).toEqual([clique(LEADER, 'spec/startsAfter'), clique(WORKER, 'spec/startsAfter')]);
    expectNone(validate(two('CliqueStartupTypeAnyOrder')), 'clique.startsAfterCycle');
  });
});

describe('autoscaling (§5.2)', () => {
  test('clique.autoScalingInGroup: autoScalingConfig on a group member rejected; on a standalone clique accepted', () => {
    const f = expectOne(validate(pcsWith((p) => (p.cliqueSpec(WORKER).autoScalingConfig = { maxReplicas: 6 }))), 'clique.autoScalingInGroup', clique(WORKER, 'spec/autoScalingConfig'));
    expect(f.message).toContain('scaleConfig');
    expectNone(validate(validPcs()), 'clique.autoScalingInGroup');
  });

  test('clique.autoScalingMinReplicas: minReplicas below minAvailable rejected; equal accepted; absent defaults to replicas', () => {
    const low = pcsWith((p) => ((p.cliqueSpec(DECODE).autoScalingConfig = { minReplicas: 1, maxReplicas: 4 }), (p.cliqueSpec(DECODE).minAvailable = 2)));
    expectOne(validate(low), 'clique.autoScalingMinReplicas', clique(DECODE, 'spec/autoScalingConfig/minReplicas'));
    expectNone(validate(pcsWith((p) => (p.cliqueSpec(DECODE).autoScalingConfig = { minReplicas: 1, maxReplicas: 4 }))), 'clique.autoScalingMinReplicas');
    expectNone(validate(pcsWith((p) => (p.cliqueSpec(DECODE).autoScalingConfig = { maxReplicas: 4 }))), 'clique.autoScalingMinReplicas');
  });

  test('clique.autoScalingMaxReplicas: below minReplicas or below replicas rejected; = replicas accepted', () => {
    const belowMin = validate(pcsWith((p) => (p.cliqueSpec(DECODE).autoScalingConfig = { minReplicas: 3, maxReplicas: 2 })));
    expectOne(belowMin, 'clique.autoScalingMaxReplicas', clique(DECODE, 'spec/autoScalingConfig/maxReplicas'));
    expect(withRule(belowMin, 'clique.autoScalingMaxReplicas')[0]!.message).toContain('minReplicas (3)');
    const belowReplicas = validate(pcsWith((p) => (p.cliqueSpec(DECODE).autoScalingConfig = { minReplicas: 1, maxReplicas: 1 })));
    expectOne(belowReplicas, 'clique.autoScalingMaxReplicas', clique(DECODE, 'spec/autoScalingConfig/maxReplicas'));
    expect(withRule(belowReplicas, 'clique.autoScalingMaxReplicas')[0]!.message).toContain('replicas (2)');
    expectNone(validate(pcsWith((p) => (p.cliqueSpec(DECODE).autoScalingConfig = { maxReplicas: 2 }))), 'clique.autoScalingMaxReplicas');
  });
});

describe('podSpec (§5.2)', () => {
  test('podSpec.topologySpreadConstraints: rejected on CREATE whenever present (an empty list too: Grove checks non-nil), accepted on UPDATE and when absent or null', () => {
    const tsc = [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule' }];
    const pcs = pcsWith((p) => (p.podSpec(ROUTER).topologySpreadConstraints = tsc));
    expectOne(validate(pcs), 'podSpec.topologySpreadConstraints', clique(ROUTER, 'spec/podSpec/topologySpreadConstraints'));
    expectNone(validateUpdate(pcs, pcs), 'podSpec.topologySpreadConstraints');
    expectOne(validate(pcsWith((p) => (p.podSpec(ROUTER).topologySpreadConstraints = []))), 'podSpec.topologySpreadConstraints', clique(ROUTER, 'spec/podSpec/topologySpreadConstraints'));
    expectNone(validate(pcsWith((p) => (p.podSpec(ROUTER).topologySpreadConstraints = null))), 'podSpec.topologySpreadConstraints');
    expectNone(validate(validPcs()), 'podSpec.topologySpreadConstraints');
  });

  test('podSpec.nodeName: rejected on CREATE, accepted on UPDATE and when empty', () => {
    const pcs = pcsWith((p) => (p.podSpec(ROUTER).nodeName = 'node-1'));
    expectOne(validate(pcs), 'podSpec.nodeName', clique(ROUTER, 'spec/podSpec/nodeName'));
    expectNone(validateUpdate(pcs, pcs), 'podSpec.nodeName');
    expectNone(validate(pcsWith((p) => (p.podSpec(ROUTER).nodeName = ''))), 'podSpec.nodeName');
  });

  test('podSpec.restartPolicy: a written policy other than Always is a warning; Always or absent is not', () => {
    const f = expectOne(validate(pcsWith((p) => (p.podSpec(ROUTER).restartPolicy = 'OnFailure'))), 'podSpec.restartPolicy', clique(ROUTER, 'spec/podSpec/restartPolicy'), 'warning');
    expect(f.message).toContain('will be set to Always');
    expectNone(validate(pcsWith((p) => (p.podSpec(ROUTER).restartPolicy = 'Always'))), 'podSpec.restartPolicy');
    expectNone(validate(validPcs()), 'podSpec.restartPolicy');
  });

  test('podSpec.envName: invalid env var names rejected in containers and initContainers; valid accepted', () => {
    const bad = pcsWith((p) => {
      (p.podSpec(WORKER).containers as Json[])[0]!.env = [{ name: 'OK_NAME' }, { name: '1BAD' }];
      p.podSpec(ROUTER).initContainers = [{ name: 'init', image: 'busybox', env: [{ name: 'has space' }] }];
    });
    const findings = validate(bad);
    expectAt(findings, 'podSpec.envName', clique(WORKER, 'spec/podSpec/containers/0/env/1/name'));
    expectAt(findings, 'podSpec.envName', clique(ROUTER, 'spec/podSpec/initContainers/0/env/0/name'));
    expect(withRule(findings, 'podSpec.envName')).toHaveLength(2);
    const good = pcsWith((p) => ((p.podSpec(WORKER).containers as Json[])[0]!.env = [{ name: 'my.var-1' }, { name: '_X' }]));
    expectNone(validate(good), 'podSpec.envName');
  });

  test("podSpec.groveEnvOrder: an env value built from Grove's variables is a warning (Grove appends them after the container's own env)", () => {
    const address = '$(GROVE_PCSG_NAME)-$(GROVE_PCSG_INDEX)-leader-0.$(GROVE_HEADLESS_SERVICE)';
    const findings = validate(
      pcsWith((p) => {
        (p.podSpec(WORKER).containers as Json[])[0]!.env = [{ name: 'MINE', value: '$(OTHER)' }, { name: 'LEADER_ADDR', value: address }];
        p.podSpec(ROUTER).initContainers = [{ name: 'init', image: 'busybox', env: [{ name: 'POD', value: 'pod-$(GROVE_PCLQ_POD_INDEX)' }] }];
      }),
    );
    const leader = expectAt(findings, 'podSpec.groveEnvOrder', clique(WORKER, 'spec/podSpec/containers/0/env/1/value'), 'warning');
    expect(leader.message).toContain('env var "LEADER_ADDR" refers to $(GROVE_PCSG_NAME), $(GROVE_PCSG_INDEX), $(GROVE_HEADLESS_SERVICE)');
    expect(leader.message).toContain('the pod gets the text as written');
    expectAt(findings, 'podSpec.groveEnvOrder', clique(ROUTER, 'spec/podSpec/initContainers/0/env/0/value'), 'warning');
    expect(withRule(findings, 'podSpec.groveEnvOrder')).toHaveLength(2);
    // In args (expanded from the whole env), escaped ($$), or another variable: nothing to say.
    const fine = pcsWith((p) => {
      const container = (p.podSpec(WORKER).containers as Json[])[0]!;
      container.args = ['--dist-init-addr', `${address}:5000`];
      container.env = [{ name: 'LITERAL', value: '$$(GROVE_PCS_NAME)' }, { name: 'MINE', value: '$(OTHER)' }];
    });
    expectNone(validate(fine), 'podSpec.groveEnvOrder');
  });

  test('podSpec.containerImage: a container or init container without an image rejected; the fixture has images', () => {
    const bad = pcsWith((p) => {
      delete (p.podSpec(WORKER).containers as Json[])[0]!.image;
      p.podSpec(ROUTER).initContainers = [{ name: 'init', image: '  ' }];
    });
    const findings = validate(bad);
    expectAt(findings, 'podSpec.containerImage', clique(WORKER, 'spec/podSpec/containers/0/image'));
    expectAt(findings, 'podSpec.containerImage', clique(ROUTER, 'spec/podSpec/initContainers/0/image'));
    expectNone(validate(validPcs()), 'podSpec.containerImage');
  });

  test('podSpec.gpuLimit: a GPU request needs a limit equal to it, however the quantity is written', () => {
    const resources = (r: Json) => pcsWith((p) => ((p.podSpec(WORKER).containers as Json[])[0]!.resources = r));
    const none = expectOne(validate(resources({ requests: { 'nvidia.com/gpu': 2 } })), 'podSpec.gpuLimit', clique(WORKER, 'spec/podSpec/containers/0/resources/limits/nvidia.com~1gpu'));
    expect(none.message).toContain('needs a limit');
    const unequal = expectOne(validate(resources({ requests: { 'nvidia.com/gpu': '2' }, limits: { 'nvidia.com/gpu': 4 } })), 'podSpec.gpuLimit', clique(WORKER, 'spec/podSpec/containers/0/resources/requests/nvidia.com~1gpu'));
    expect(unequal.message).toContain('must equal its limit 4');
    expectNone(validate(resources({ requests: { 'nvidia.com/gpu': '2' }, limits: { 'nvidia.com/gpu': 2 } })), 'podSpec.gpuLimit');
    expectNone(validate(resources({ requests: { 'nvidia.com/gpu': '1' }, limits: { 'nvidia.com/gpu': '1000m' } })), 'podSpec.gpuLimit');
    expectNone(validate(resources({ limits: { 'nvidia.com/gpu': 8 } })), 'podSpec.gpuLimit');
  });

  // What the apiserver refuses when the operator creates the pods (ValidateResourceRequirements).
  const withResources = (r: Json, field: 'containers' | 'initContainers' = 'containers') =>
    pcsWith((p) => (field === 'containers' ? ((p.podSpec(WORKER).containers as Json[])[0]!.resources = r) : (p.podSpec(WORKER).initContainers = [{ name: 'init', image: 'busybox', resources: r }])));
  const at = (field: string, list: 'requests' | 'limits', resource: string) => clique(WORKER, `spec/podSpec/${field}/0/resources/${list}/${resource.replace('/', '~1')}`);

  test('podSpec.wholeQuantity: an extended resource (nvidia.com/gpu) that is not a whole number rejected, in requests and limits; whole amounts however written and fractional CPU accepted', () => {
    const findings = validate(withResources({ requests: { 'nvidia.com/gpu': '1.5' }, limits: { 'nvidia.com/gpu': '1.5' } }));
    expect(withRule(findings, 'podSpec.wholeQuantity').map((f) => [f.path, f.severity])).toEqual([
      [at('containers', 'requests', 'nvidia.com/gpu'), 'error'],
      [at('containers', 'limits', 'nvidia.com/gpu'), 'error'],
    ]);
    expect(withRule(findings, 'podSpec.wholeQuantity')[0]!.message).toContain('whole number');
    expectOne(validate(withResources({ limits: { 'nvidia.com/gpu': '500m' } }, 'initContainers')), 'podSpec.wholeQuantity', at('initContainers', 'limits', 'nvidia.com/gpu'));
    expectOne(validate(withResources({ limits: { 'example.com/fpga': 0.5 } })), 'podSpec.wholeQuantity', at('containers', 'limits', 'example.com/fpga'));
    expectNone(validate(withResources({ requests: { 'nvidia.com/gpu': '1000m', cpu: '1.5', memory: '0.5Gi' }, limits: { 'nvidia.com/gpu': '1e0', cpu: '2' } })), 'podSpec.wholeQuantity');
    expectNone(validate(withResources({ limits: { 'kubernetes.io/something': '0.5' } })), 'podSpec.wholeQuantity');
  });

  test('podSpec.negativeQuantity: a negative request or limit rejected; zero accepted', () => {
    expectOne(validate(withResources({ requests: { cpu: '-1' } })), 'podSpec.negativeQuantity', at('containers', 'requests', 'cpu'));
    const limit = expectOne(validate(withResources({ limits: { memory: '-1Gi' } }, 'initContainers')), 'podSpec.negativeQuantity', at('initContainers', 'limits', 'memory'));
    expect(limit.message).toContain('must not be negative');
    expectNone(validate(withResources({ requests: { cpu: '0', memory: 0 } })), 'podSpec.negativeQuantity');
  });

  test('podSpec.requestAboveLimit: a request above its limit rejected, compared exactly; equal or below accepted; GPUs left to podSpec.gpuLimit', () => {
    const cpu = expectOne(validate(withResources({ requests: { cpu: 2 }, limits: { cpu: 1 } })), 'podSpec.requestAboveLimit', at('containers', 'requests', 'cpu'));
    expect(cpu.message).toContain('limit 1');
    expectOne(validate(withResources({ requests: { memory: '1025Mi' }, limits: { memory: '1Gi' } }, 'initContainers')), 'podSpec.requestAboveLimit', at('initContainers', 'requests', 'memory'));
    expectOne(validate(withResources({ requests: { cpu: '1001m' }, limits: { cpu: '1' } })), 'podSpec.requestAboveLimit', at('containers', 'requests', 'cpu'));
    expectNone(validate(withResources({ requests: { cpu: '500m', memory: '1024Mi' }, limits: { cpu: '1', memory: '1Gi' } })), 'podSpec.requestAboveLimit');
    expectNone(validate(withResources({ requests: { cpu: '4' } })), 'podSpec.requestAboveLimit');
    const gpu = validate(withResources({ requests: { 'nvidia.com/gpu': 2 }, limits: { 'nvidia.com/gpu': 1 } }));
    expectNone(gpu, 'podSpec.requestAboveLimit');
    expectOne(gpu, 'podSpec.gpuLimit', at('containers', 'requests', 'nvidia.com/gpu'));
  });
});

describe('scaling groups (§5.2)', () => {
  test('pcsg.unknownClique: members that are not cliques rejected', () => {
    const f = expectOne(validate(pcsWith((p) => (p.group(PREFILL).cliqueNames = ['leader', 'worker', 'ghost']))), 'pcsg.unknownClique', group(PREFILL, 'cliqueNames'));
    expect(f.message).toContain('"ghost"');
    expectNone(validate(validPcs()), 'pcsg.unknownClique');
  });

  test('pcsg.cliqueInOneGroup: a clique in two groups rejected at its second listing', () => {
    const pcs = pcsWith((p) => (p.template.podCliqueScalingGroups as Json[]).push({ name: 'extra', cliqueNames: ['decode-x', 'worker'] }));
    const findings = validate(pcs);
    expectOne(findings, 'pcsg.cliqueInOneGroup', group(1, 'cliqueNames/1'));
    const disjoint = pcsWith((p) => {
      delete p.cliqueSpec(DECODE).autoScalingConfig;
      (p.template.podCliqueScalingGroups as Json[]).push({ name: 'extra', cliqueNames: ['decode'] });
    });
    expectClean(validate(disjoint));
  });

  test('pcsg.nameUnique: a repeated group name rejected on the later group', () => {
    const pcs = pcsWith((p) => {
      delete p.cliqueSpec(DECODE).autoScalingConfig;
      (p.template.podCliqueScalingGroups as Json[]).push({ name: 'prefill', cliqueNames: ['decode'] });
    });
    expectOne(validate(pcs), 'pcsg.nameUnique', group(1, 'name'));
    expectNone(validate(validPcs()), 'pcsg.nameUnique');
  });

  test('pcsg.replicas: 0 rejected, 1 and absent (CRD default 1) accepted', () => {
    expectOne(validate(pcsWith((p) => ((p.group(PREFILL).replicas = 0), (p.group(PREFILL).minAvailable = 1)))), 'pcsg.replicas', group(PREFILL, 'replicas'));
    expectNone(validate(pcsWith((p) => (p.group(PREFILL).replicas = 1))), 'pcsg.replicas');
    expectNone(validate(pcsWith((p) => (delete p.group(PREFILL).replicas, delete p.group(PREFILL).minAvailable))), 'pcsg.replicas');
  });

  test('pcsg.minAvailable: 0 and above replicas rejected; = replicas accepted', () => {
    expectOne(validate(pcsWith((p) => (p.group(PREFILL).minAvailable = 0))), 'pcsg.minAvailable', group(PREFILL, 'minAvailable'));
    expectOne(validate(pcsWith((p) => (p.group(PREFILL).minAvailable = 3))), 'pcsg.minAvailable', group(PREFILL, 'minAvailable'));
    // minAvailable defaults to 1 while replicas is explicit: accepted.
    expectNone(validate(pcsWith((p) => delete p.group(PREFILL).minAvailable)), 'pcsg.minAvailable');
    expectNone(validate(pcsWith((p) => (p.group(PREFILL).minAvailable = 2))), 'pcsg.minAvailable');
  });

  test('pcsg.scaleConfigMinReplicas: scaleConfig.minReplicas below minAvailable rejected; defaulted to replicas accepted', () => {
    const low = pcsWith((p) => ((p.group(PREFILL).minAvailable = 2), (p.group(PREFILL).scaleConfig = { minReplicas: 1, maxReplicas: 4 })));
    expectOne(validate(low), 'pcsg.scaleConfigMinReplicas', group(PREFILL, 'scaleConfig/minReplicas'));
    expectNone(validate(pcsWith((p) => (p.group(PREFILL).scaleConfig = { maxReplicas: 4 }))), 'pcsg.scaleConfigMinReplicas');
  });
});

describe('resource sharing (§5.2)', () => {
  const rct = (name: string, requests: unknown[] = [{ name: 'gpu', exactly: { deviceClassName: 'gpu.nvidia.com' } }]): Json => ({
    name,
    templateSpec: { spec: { devices: { requests } } },
  });

  test('pcs.resourceClaimTemplateName: empty and repeated names rejected', () => {
    expectOne(validate(pcsWith((p) => (p.template.resourceClaimTemplates = [rct('')]))), 'pcs.resourceClaimTemplateName', '/spec/template/resourceClaimTemplates/0/name');
    expectOne(validate(pcsWith((p) => (p.template.resourceClaimTemplates = [rct('a'), rct('a')]))), 'pcs.resourceClaimTemplateName', '/spec/template/resourceClaimTemplates/1/name');
    expectClean(validate(pcsWith((p) => (p.template.resourceClaimTemplates = [rct('a'), rct('b')]))));
  });

  test('pcs.resourceClaimTemplateRequests: no device requests rejected', () => {
    expectOne(validate(pcsWith((p) => (p.template.resourceClaimTemplates = [rct('a', [])]))), 'pcs.resourceClaimTemplateRequests', '/spec/template/resourceClaimTemplates/0/templateSpec/spec/devices/requests');
    const noDevices = pcsWith((p) => (p.template.resourceClaimTemplates = [{ name: 'a', templateSpec: { spec: {} } }]));
    expectOne(validate(noDevices), 'pcs.resourceClaimTemplateRequests', '/spec/template/resourceClaimTemplates/0/templateSpec/spec/devices/requests');
    expectNone(validate(pcsWith((p) => (p.template.resourceClaimTemplates = [rct('a')]))), 'pcs.resourceClaimTemplateRequests');
  });

  test('pcs.resourceSharingName: empty and repeated names rejected at every level', () => {
    expectOne(validate(pcsWith((p) => (p.template.resourceSharing = [{ name: '', scope: 'AllReplicas' }]))), 'pcs.resourceSharingName', '/spec/template/resourceSharing/0/name');
    const dupClique = pcsWith((p) => (p.clique(DECODE).resourceSharing = [{ name: 'x', scope: 'PerReplica' }, { name: 'x', scope: 'AllReplicas' }]));
    expectOne(validate(dupClique), 'pcs.resourceSharingName', clique(DECODE, 'resourceSharing/1/name'));
    const dupGroup = pcsWith((p) => (p.group(PREFILL).resourceSharing = [{ name: 'y', scope: 'PerReplica' }, { name: 'y', scope: 'PerReplica' }]));
    expectOne(validate(dupGroup), 'pcs.resourceSharingName', group(PREFILL, 'resourceSharing/1/name'));
    expectClean(validate(pcsWith((p) => (p.clique(DECODE).resourceSharing = [{ name: 'x', scope: 'PerReplica' }, { name: 'z', scope: 'AllReplicas' }]))));
  });

  test('pcs.resourceSharingNamespace: a namespace on a reference to an own template rejected; on an external claim accepted', () => {
    const own = pcsWith((p) => {
      p.template.resourceClaimTemplates = [rct('gpus')];
      p.template.resourceSharing = [{ name: 'gpus', namespace: 'other', scope: 'AllReplicas' }];
    });
    expectOne(validate(own), 'pcs.resourceSharingNamespace', '/spec/template/resourceSharing/0/namespace');
    const external = pcsWith((p) => (p.template.resourceSharing = [{ name: 'shared-claim', namespace: 'other', scope: 'AllReplicas' }]));
    expectClean(validate(external));
  });

  test('pcs.resourceSharingFilter: empty filters and unknown children rejected; known children accepted', () => {
    const rs = (filter: Json) => pcsWith((p) => (p.template.resourceSharing = [{ name: 'c', scope: 'PerReplica', filter }]));
    expectOne(validate(rs({})), 'pcs.resourceSharingFilter', '/spec/template/resourceSharing/0/filter');
    expectOne(validate(rs({ childCliqueNames: ['router', 'ghost'] })), 'pcs.resourceSharingFilter', '/spec/template/resourceSharing/0/filter/childCliqueNames/1');
    expectOne(validate(rs({ childScalingGroupNames: ['ghost'] })), 'pcs.resourceSharingFilter', '/spec/template/resourceSharing/0/filter/childScalingGroupNames/0');
    expectClean(validate(rs({ childCliqueNames: ['router', 'decode'], childScalingGroupNames: ['prefill'] })));

    const grs = (filter: Json) => pcsWith((p) => (p.group(PREFILL).resourceSharing = [{ name: 'c', scope: 'PerReplica', filter }]));
    expectOne(validate(grs({})), 'pcs.resourceSharingFilter', group(PREFILL, 'resourceSharing/0/filter'));
    expectOne(validate(grs({ childCliqueNames: ['router'] })), 'pcs.resourceSharingFilter', group(PREFILL, 'resourceSharing/0/filter/childCliqueNames/0'));
    expectClean(validate(grs({ childCliqueNames: ['worker'] })));
  });
});

describe('scheduler backend (§5.2, §5.5)', () => {
  const allOn = (scheduler: string) => (p: PcsView) => [0, 1, 2, 3].forEach((i) => (p.podSpec(i).schedulerName = scheduler));

  test('pcs.schedulerMismatch: cliques resolving to different schedulers rejected; explicit default-scheduler = empty accepted', () => {
    expectOne(validate(pcsWith((p) => (p.podSpec(DECODE).schedulerName = KAI))), 'pcs.schedulerMismatch', clique(DECODE, 'spec/podSpec/schedulerName'));
    // The message names the cliques, and says when one resolves through the default profile.
    expect(withRule(validate(pcsWith((p) => (p.podSpec(DECODE).schedulerName = KAI))), 'pcs.schedulerMismatch')[0]!.message).toBe(
      'all cliques must use the same scheduler: clique decode resolves to "kai-scheduler", clique router (no schedulerName: the default profile) to "default-scheduler"',
    );
    expectNone(validate(pcsWith((p) => (p.podSpec(DECODE).schedulerName = 'default-scheduler'))), 'pcs.schedulerMismatch');
  });

  test('pcs.schedulerNotEnabled: a backend the operator has not enabled rejected; enabled accepted', () => {
    const volcano = pcsWith(allOn('volcano'));
    expect(withRule(validate(volcano), 'pcs.schedulerNotEnabled').map((f) => f.path)).toEqual([0, 1, 2, 3].map((i) => clique(i, 'spec/podSpec/schedulerName')));
    expectNone(validate(volcano, { schedulerProfiles: ['default-scheduler', 'volcano'] }), 'pcs.schedulerNotEnabled');
    // The default profile is what an empty schedulerName resolves to.
    expect(withRule(validate(validPcs(), { schedulerProfiles: ['default-scheduler'], defaultSchedulerProfile: 'lpx-scheduler' }), 'pcs.schedulerNotEnabled')).toHaveLength(4);
  });

  test('scheduler.kaiQueue: kai-scheduler without a queue warned (Grove v0.1.0-alpha.11 accepts it, newer Grove refuses it); a queue label on the PCS or on cliques accepted', () => {
    const kai = pcsWith(allOn(KAI));
    const f = expectOne(validate(kai), 'scheduler.kaiQueue', '/metadata/labels', 'warning');
    expect(f.message).toMatch(/add label "kai\.scheduler\/queue" to the PodCliqueSet/);
    expect(f.message).toMatch(/after v0\.1\.0-alpha\.11/);
    expect(f.message).toMatch(/"default-queue"/);
    expect(validate(kai).filter((x) => x.severity === 'error')).toEqual([]);
    expectNone(validate(pcsWith((p) => (allOn(KAI)(p), ((p.metadata.labels as Json)[QUEUE] = 'team-a')))), 'scheduler.kaiQueue');
    expectNone(validate(pcsWith((p) => (allOn(KAI)(p), (p.metadata.annotations = { [QUEUE]: 'team-a' })))), 'scheduler.kaiQueue');
    expectNone(validate(pcsWith((p) => (allOn(KAI)(p), (p.clique(DECODE).labels = { [QUEUE]: 'team-a' })))), 'scheduler.kaiQueue');
    // The default profile decides for cliques without schedulerName.
    expectOne(validate(validPcs(), { defaultSchedulerProfile: KAI }), 'scheduler.kaiQueue', '/metadata/labels', 'warning');
    // Other backends need no KAI queue.
    expectNone(validate(validPcs()), 'scheduler.kaiQueue');
  });

  test('scheduler.kaiQueueConflict: two different queues warned, not an error (Grove v0.1.0-alpha.11 accepts them, newer Grove refuses them), saying which queue KAI uses; labels win over annotations on the same object', () => {
    const conflict = pcsWith((p) => {
      allOn(KAI)(p);
      p.clique(ROUTER).labels = { [QUEUE]: 'team-a' };
      p.clique(DECODE).labels = { [QUEUE]: 'team-b' };
    });
    const f = expectOne(validate(conflict), 'scheduler.kaiQueueConflict', `/metadata/labels/kai.scheduler~1queue`, 'warning');
    expect(f.message).toContain('conflicting KAI queues: "team-a", "team-b"');
    // No queue label on the PodCliqueSet: KAI takes each PodGang's queue from one of its pods.
    expect(f.message).toContain('the pods may land in different queues');
    expect(f.message).toMatch(/after v0\.1\.0-alpha\.11 refuses/);
    // Nothing blocks Apply.
    expect(validate(conflict).filter((x) => x.severity === 'error')).toEqual([]);
    const pcsVsClique = pcsWith((p) => {
      allOn(KAI)(p);
      (p.metadata.labels as Json)[QUEUE] = 'team-a';
      p.clique(DECODE).annotations = { [QUEUE]: 'team-b' };
    });
    const g = expectOne(validate(pcsVsClique), 'scheduler.kaiQueueConflict', `/metadata/labels/kai.scheduler~1queue`, 'warning');
    // The PodCliqueSet's label reaches every PodGang (Grove copies it), and KAI reads the PodGang's first.
    expect(g.message).toContain(`KAI puts every pod in the PodCliqueSet's queue "team-a"`);
    expect(g.message).not.toContain('may land in different queues');
    // A queue only in the PodCliqueSet's annotation is not on the PodGang's labels: KAI does not read it.
    const annotatedPcs = pcsWith((p) => {
      allOn(KAI)(p);
      p.metadata.annotations = { [QUEUE]: 'team-a' };
      p.clique(DECODE).labels = { [QUEUE]: 'team-b' };
    });
    expect(expectOne(validate(annotatedPcs), 'scheduler.kaiQueueConflict', `/metadata/labels/kai.scheduler~1queue`, 'warning').message).toContain('may land in different queues');
    // Grove resolves each object's queue label first, annotation only as a fallback.
    const precedence = pcsWith((p) => {
      allOn(KAI)(p);
      (p.metadata.labels as Json)[QUEUE] = 'team-a';
      p.metadata.annotations = { [QUEUE]: 'team-b' };
      p.clique(DECODE).labels = { [QUEUE]: 'team-a' };
      p.clique(DECODE).annotations = { [QUEUE]: 'team-b' };
    });
    expectClean(validate(precedence));
    const same = pcsWith((p) => {
      allOn(KAI)(p);
      p.clique(ROUTER).labels = { [QUEUE]: 'team-a' };
      p.clique(DECODE).annotations = { [QUEUE]: 'team-a' };
    });
    expectClean(validate(same));
  });

  const volcanoCtx = { schedulerProfiles: ['default-scheduler', 'volcano'] };
  test('scheduler.volcanoQueue: an invalid queue name rejected where it is written', () => {
    const pcs = pcsWith((p) => (allOn('volcano')(p), (p.metadata.annotations = { 'scheduling.grove.io/volcano-queue': 'Team_A' })));
    expectOne(validate(pcs, volcanoCtx), 'scheduler.volcanoQueue', '/metadata/annotations/scheduling.grove.io~1volcano-queue');
    const onClique = pcsWith((p) => (allOn('volcano')(p), (p.clique(DECODE).annotations = { 'scheduling.grove.io/volcano-queue': 'Team_A' })));
    expectOne(validate(onClique, volcanoCtx), 'scheduler.volcanoQueue', clique(DECODE, 'annotations/scheduling.grove.io~1volcano-queue'));
    expectClean(validate(pcsWith((p) => (allOn('volcano')(p), (p.metadata.annotations = { 'scheduling.grove.io/volcano-queue': 'team-a' }))), volcanoCtx));
    // No queue at all is fine for Volcano (Grove uses "default").
    expectClean(validate(pcsWith(allOn('volcano')), volcanoCtx));
  });

  test('scheduler.volcanoQueueConflict: different queues on PCS and clique rejected; equal accepted', () => {
    const pcs = (cliqueQueue: string) =>
      pcsWith((p) => {
        allOn('volcano')(p);
        p.metadata.annotations = { 'scheduling.grove.io/volcano-queue': 'team-a' };
        p.clique(DECODE).annotations = { 'scheduling.grove.io/volcano-queue': cliqueQueue };
      });
    const f = expectOne(validate(pcs('team-b'), volcanoCtx), 'scheduler.volcanoQueueConflict', clique(DECODE, 'annotations/scheduling.grove.io~1volcano-queue'));
    expect(f.message).toBe('Volcano queue "team-b" on clique decode conflicts with "team-a" on the PodCliqueSet: remove one or make them equal');
    expectClean(validate(pcs('team-a'), volcanoCtx));
    // Grove trims the values before comparing them.
    expectClean(validate(pcs(' team-a '), volcanoCtx));
  });

  test('scheduler.volcanoQueueConflict: a clique without the annotation resolves to Volcano\'s "default" queue, and every clique must resolve to the same queue', () => {
    const VQ = 'scheduling.grove.io/volcano-queue';
    // One clique names q1, the others name nothing (= "default"): refused on each clique that differs from the first.
    const mixed = pcsWith((p) => (allOn('volcano')(p), (p.clique(ROUTER).annotations = { [VQ]: 'q1' })));
    const found = withRule(validate(mixed, volcanoCtx), 'scheduler.volcanoQueueConflict');
    expect(found.map((x) => [x.path, x.severity])).toEqual([1, 2, 3].map((i) => [clique(i, 'annotations/scheduling.grove.io~1volcano-queue'), 'error']));
    expect(found[0]!.message).toBe(
      'clique leader resolves to Volcano queue "default" (no scheduling.grove.io/volcano-queue annotation) but clique router to "q1": all cliques of a PodCliqueSet on volcano must resolve to the same queue; set the annotation on the PodCliqueSet instead, or the same value on every clique',
    );
    // The same when the unannotated clique comes first.
    const later = pcsWith((p) => (allOn('volcano')(p), (p.clique(DECODE).annotations = { [VQ]: 'q1' })));
    expectOne(validate(later, volcanoCtx), 'scheduler.volcanoQueueConflict', clique(DECODE, 'annotations/scheduling.grove.io~1volcano-queue'));
    // Two cliques naming different queues.
    const two = pcsWith((p) => (allOn('volcano')(p), [0, 1, 2].forEach((i) => (p.clique(i).annotations = { [VQ]: 'q1' })), (p.clique(DECODE).annotations = { [VQ]: 'q2' })));
    expectOne(validate(two, volcanoCtx), 'scheduler.volcanoQueueConflict', clique(DECODE, 'annotations/scheduling.grove.io~1volcano-queue'));
    // Writing "default" is the same as writing nothing.
    expectClean(validate(pcsWith((p) => (allOn('volcano')(p), (p.clique(ROUTER).annotations = { [VQ]: 'default' }))), volcanoCtx));
    // A queue on the PodCliqueSet is every unannotated clique's queue.
    expectClean(validate(pcsWith((p) => (allOn('volcano')(p), (p.metadata.annotations = { [VQ]: 'q1' }), (p.clique(ROUTER).annotations = { [VQ]: 'q1' }))), volcanoCtx));
    // Another backend does not read the annotation.
    expectNone(validate(pcsWith((p) => (p.clique(ROUTER).annotations = { [VQ]: 'q1' }))), 'scheduler.volcanoQueueConflict');
  });
});

describe('MNNVL annotation (§5.6)', () => {
  test('mnnvl.value: not "none" and not a DNS-1123 label rejected; a label and "none" accepted', () => {
    expectOne(validate(pcsWith((p) => (p.metadata.annotations = { [MNNVL]: 'NVL_72' }))), 'mnnvl.value', '/metadata/annotations/grove.io~1mnnvl-group');
    expectOne(validate(pcsWith((p) => (p.group(PREFILL).annotations = { [MNNVL]: 'a.b' }))), 'mnnvl.value', group(PREFILL, 'annotations/grove.io~1mnnvl-group'));
    expectClean(validate(pcsWith((p) => (p.metadata.annotations = { [MNNVL]: 'nvl72' }))));
    expectClean(validate(pcsWith((p) => (p.clique(ROUTER).annotations = { [MNNVL]: 'none' }))));
  });

  test('mnnvl.disabled: a group value rejected when the operator has autoMNNVLEnabled=false; "none" and unknown config accepted', () => {
    const pcs = pcsWith((p) => (p.metadata.annotations = { [MNNVL]: 'nvl72' }));
    expectOne(validate(pcs, { autoMNNVLEnabled: false }), 'mnnvl.disabled', '/metadata/annotations/grove.io~1mnnvl-group');
    expectNone(validate(pcs, { autoMNNVLEnabled: true }), 'mnnvl.disabled');
    expectNone(validate(pcs), 'mnnvl.disabled');
  });

  test('mnnvl.disabled: "none" (the opt-out) is accepted when autoMNNVLEnabled=false, wherever it is written; a group value rejected there', () => {
    const onPcs = pcsWith((p) => (p.metadata.annotations = { [MNNVL]: 'none' }));
    expectClean(validate(onPcs, { autoMNNVLEnabled: false }));
    const onClique = pcsWith((p) => (p.clique(ROUTER).annotations = { [MNNVL]: 'none' }));
    expectClean(validate(onClique, { autoMNNVLEnabled: false }));
    const onGroup = pcsWith((p) => (p.group(PREFILL).annotations = { [MNNVL]: 'none' }));
    expectClean(validate(onGroup, { autoMNNVLEnabled: false }));
    expectClean(validate(onPcs));
    expectClean(validate(onPcs, { autoMNNVLEnabled: true }));
    const grouped = pcsWith((p) => (p.clique(DECODE).annotations = { [MNNVL]: 'nvl72' }));
    const f = expectOne(validate(grouped, { autoMNNVLEnabled: false }), 'mnnvl.disabled', clique(DECODE, 'annotations/grove.io~1mnnvl-group'));
    expect(f.message).toMatch(/remove the grove\.io\/mnnvl-group annotation/);
    expect(f.message).toMatch(/"none"/);
    // An invalid value is both: Grove checks the value and the feature independently.
    const invalid = validate(pcsWith((p) => (p.metadata.annotations = { [MNNVL]: 'NVL_72' })), { autoMNNVLEnabled: false });
    expectOne(invalid, 'mnnvl.value', '/metadata/annotations/grove.io~1mnnvl-group');
    expectOne(invalid, 'mnnvl.disabled', '/metadata/annotations/grove.io~1mnnvl-group');
  });

  test('mnnvl.noGpu: an explicit group on a clique without GPUs is a warning (Grove accepts it and skips the clique); on a GPU clique, as "none", or inherited clean', () => {
    const annotated = pcsWith((p) => (p.clique(ROUTER).annotations = { [MNNVL]: 'nvl72' }));
    const noGpu = expectOne(validate(annotated), 'mnnvl.noGpu', clique(ROUTER, 'annotations/grove.io~1mnnvl-group'), 'warning');
    expect(validate(annotated).filter((f) => f.severity === 'error')).toEqual([]);
    // The message says what it means and what to do.
    expect(noGpu.message).toMatch(/MNNVL group "nvl72" has no effect/);
    expect(noGpu.message).toMatch(/remove the grove\.io\/mnnvl-group annotation/);
    expect(noGpu.message).toMatch(/nvidia\.com\/gpu/);
    // With the feature off the value is refused (mnnvl.disabled); no warning on top.
    expectNone(validate(annotated, { autoMNNVLEnabled: false }), 'mnnvl.noGpu');
    expectClean(validate(pcsWith((p) => (p.clique(DECODE).annotations = { [MNNVL]: 'nvl72' }))));
    // "none" opts a clique out: no group, nothing to reject.
    expectClean(validate(pcsWith((p) => (p.clique(ROUTER).annotations = { [MNNVL]: 'none' }))));
    // A GPU on an init container counts (Grove's helper reads containers and initContainers); a zero quantity however written does not.
    const gpuInit = (gpus: string) =>
      pcsWith((p) => {
        p.clique(ROUTER).annotations = { [MNNVL]: 'nvl72' };
        p.podSpec(ROUTER).initContainers = [{ name: 'setup', image: 'busybox', resources: { requests: { [RESOURCE_GPU]: gpus }, limits: { [RESOURCE_GPU]: gpus } } }];
      });
    expectNone(validate(gpuInit('1')), 'mnnvl.noGpu');
    expectOne(validate(gpuInit('0.0')), 'mnnvl.noGpu', clique(ROUTER, 'annotations/grove.io~1mnnvl-group'), 'warning');
    // Inherited from the PCS or from a scaling group's config, non-GPU cliques are silently skipped.
    expectClean(validate(pcsWith((p) => (p.metadata.annotations = { [MNNVL]: 'nvl72' }))));
    const groupWithCpuMember = pcsWith((p) => {
      p.group(PREFILL).annotations = { [MNNVL]: 'nvl72' };
      delete (p.podSpec(LEADER).containers as Json[])[0]!.resources;
    });
    expectClean(validate(groupWithCpuMember));
  });

  test('MNNVL value rules apply on CREATE only', () => {
    const pcs = pcsWith((p) => (p.clique(ROUTER).annotations = { [MNNVL]: 'nvl72' }));
    expectNone(validateUpdate(pcs, pcs), 'mnnvl.noGpu');
  });
});
