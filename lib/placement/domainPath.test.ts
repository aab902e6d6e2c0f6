/**
 * A domain is its label path from the broadest level down (KAI Scheduler's calcDomainId): two racks
 * both labelled rack-1 in zones z0 and z1 are two racks. A required rack pack must never be split
 * across them, and a plan that does is a violation for the verifier.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClusterState, NodeInfo } from '../cluster/state';
import type { ExpandedGang } from '../grove/gang';
import { mulberry32 as rng } from '../random';
import { placeGangs } from './index';
import { makeGang, makeNode } from './testkit';
import { verifyPlan } from './verify';

const ZONE = 'example.com/zone';
const RACK = 'example.com/rack';
const topology = { name: 'topo', levels: [{ domain: 'zone', key: ZONE }, { domain: 'rack', key: RACK }, { domain: 'host', key: 'kubernetes.io/hostname' }] };

/** `zones` zones of `racks` racks of `perRack` nodes; rack values restart in every zone (rack-0, rack-1, …). */
function sharedRackValues(zones: number, racks: number, perRack: number, gpu = 8): ClusterState {
  const nodes: NodeInfo[] = [];
  for (let z = 0; z < zones; z++) {
    for (let r = 0; r < racks; r++) {
      for (let k = 0; k < perRack; k++) nodes.push(makeNode(`z${z}-r${r}-n${k}`, { gpu, labels: { [ZONE]: `z${z}`, [RACK]: `rack-${r}` } }));
    }
  }
  return { nodes, pods: [], topologies: [topology] };
}

/** The (zone, rack) path of each placed pod of the gang's pod groups `groups`. */
function rackPaths(state: ClusterState, pods: readonly { node: string; podGroup: string }[], groups: readonly string[]): Set<string> {
  const labels = new Map(state.nodes.map((n) => [n.name, n.labels]));
  return new Set(pods.filter((p) => groups.includes(p.podGroup)).map((p) => `${labels.get(p.node)?.[ZONE]}/${labels.get(p.node)?.[RACK]}`));
}

describe('a required rack pack and racks that share a label value in different zones', () => {
  it('does not count rack-1 of z0 and rack-1 of z1 as one rack', () => {
    // Each rack has 2 nodes of 8 GPUs: 3 pods of 8 fit in no single rack, though "rack-1" has 4 nodes.
    const state = sharedRackValues(2, 2, 2);
    const gang = makeGang({ name: 'x-0', topologyName: 'topo', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 3, gpu: 8 }] });
    const plan = placeGangs(state, [gang]);
    expect(plan.gangs[0]!.placed).toBe(false);
    expect(verifyPlan(state, [gang], plan)).toEqual([]);
    // Two pods fit one rack; the plan names the rack by its value and its zone.
    const two = makeGang({ name: 'y-0', topologyName: 'topo', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 2, gpu: 8 }] });
    const g = placeGangs(state, [two]).gangs[0]!;
    expect(g.placed).toBe(true);
    expect(g.domains).toEqual({ zone: 'z0', rack: 'rack-0' });
    expect(rackPaths(state, g.pods, ['y-0-w']).size).toBe(1);
  });

  it('the verifier rejects a plan that splits a required rack across two zones’ rack-1', () => {
    const state = sharedRackValues(2, 2, 2);
    const gang = makeGang({ name: 'x-0', topologyName: 'topo', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 2, gpu: 8 }] });
    const plan = {
      feasible: true,
      gangs: [{ name: 'x-0', placed: true, domains: { rack: 'rack-1' }, pods: ['z0-r1-n0', 'z1-r1-n0'].map((node, i) => ({ name: `x-0-w-${i}`, podGroup: 'x-0-w', clique: 'w', node, gpus: 8 })) }],
    };
    expect(verifyPlan(state, [gang], plan).map((v) => v.rule)).toEqual(['pack-required']);
  });

  it('property: a placed gang’s required rack packs each sit on one (zone, rack) path', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const r = rng(seed);
        const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
        const state = sharedRackValues(int(2, 3), int(1, 3), int(1, 3), 8);
        // Some capacity already used, so the free room differs between racks of the same value.
        for (const n of state.nodes) if (r() < 0.3) n.allocatable = { ...n.allocatable, gpu: int(0, 8) };
        const gangs: ExpandedGang[] = [];
        for (let i = 0; i < int(1, 3); i++) {
          const whole = r() < 0.5;
          gangs.push(
            makeGang({
              name: `g${i}-0`,
              topologyName: 'topo',
              ...(whole ? { constraint: { required: 'rack' } } : {}),
              groups: [
                { clique: 'a', replicas: int(1, 5), gpu: [1, 2, 4, 8][int(0, 3)]!, ...(whole ? {} : { constraint: { required: 'rack' } }) },
                { clique: 'b', replicas: int(0, 2), gpu: 4 },
              ].filter((g) => g.replicas > 0),
            }),
          );
        }
        const plan = placeGangs(state, gangs);
        expect(verifyPlan(state, gangs, plan)).toEqual([]);
        plan.gangs.forEach((gp, i) => {
          if (!gp.placed) return;
          const gang = gangs[i]!;
          const packed = gang.topologyConstraint ? gang.podGroups.map((g) => g.name) : [gang.podGroups[0]!.name];
          expect(rackPaths(state, gp.pods, packed).size).toBeLessThanOrEqual(1);
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('explanations name a domain whose value is not unique with its parent', () => {
  it('"rack-1 in zone z1", and the value alone where it is unique', () => {
    const state = sharedRackValues(2, 2, 2);
    // Leave the most room in z1's rack-1 (2 nodes × 8 free), less everywhere else.
    for (const n of state.nodes) if (!n.name.startsWith('z1-r1')) n.allocatable = { ...n.allocatable, gpu: 4 };
    const gang = makeGang({ name: 'x-0', topologyName: 'topo', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 3, gpu: 8 }] });
    const g = placeGangs(state, [gang]).gangs[0]!;
    expect(g.placed).toBe(false);
    const says = (largest: string) =>
      `the gang needs 24 GPUs in one rack, but no rack in the cluster has 24 GPUs even when empty (the largest, ${largest}, has 16); use fewer or smaller pods: the nodes its pods may use do not hold it even when empty`;
    expect(g.reason).toBe(says('rack-1 in zone z1'));
    // Unique rack values: no parent in the name.
    for (const n of state.nodes) n.labels[RACK] = `${n.labels[ZONE]}-${n.labels[RACK]}`;
    expect(placeGangs(state, [gang]).gangs[0]!.reason).toBe(says('z1-rack-1'));
  });

  it('a rack value repeated under blocks of one zone names the block, and the zone where the block repeats too', () => {
    const levels = [{ domain: 'zone', key: ZONE }, { domain: 'block', key: 'example.com/block' }, { domain: 'rack', key: RACK }];
    const nodes: NodeInfo[] = [];
    for (const z of ['z0', 'z1']) for (const b of ['b0', 'b1']) for (const k of [0, 1]) nodes.push(makeNode(`${z}-${b}-${k}`, { gpu: z === 'z1' && b === 'b1' ? 8 : 4, labels: { [ZONE]: z, 'example.com/block': b, [RACK]: 'rack-0' } }));
    const state: ClusterState = { nodes, pods: [], topologies: [{ name: 'topo', levels }] };
    const gang = makeGang({ name: 'x-0', topologyName: 'topo', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 3, gpu: 8 }] });
    expect(placeGangs(state, [gang]).gangs[0]!.reason).toContain('(the largest, rack-0 in block b1 in zone z1, has 16)');
    // Optional pods pinned to the chosen rack say which one, with its parents.
    const grow = makeGang({ name: 'y-0', topologyName: 'topo', constraint: { required: 'rack' }, groups: [{ clique: 'w', replicas: 3, min: 2, gpu: 8 }] });
    const g = placeGangs(state, [grow]).gangs[0]!;
    expect(g.placed).toBe(true);
    expect(g.domains).toEqual({ zone: 'z1', block: 'b1', rack: 'rack-0' });
    expect(g.unplacedOptionalReason).toContain('rack-0 in block b1 in zone z1');
  });
});

describe('a node without the label of every level is in no domain, even of a level whose label it has', () => {
  it('property: zone-packed or zone-preferred gangs never use a zone’s rackless nodes; gangs without a constraint may', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const r = rng(seed);
        const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
        const state = sharedRackValues(int(1, 2), int(1, 2), int(1, 3), 8);
        const rackless = new Set<string>();
        for (const n of state.nodes) {
          if (r() < 0.35) {
            delete n.labels[RACK];
            rackless.add(n.name);
          }
        }
        const gangs: ExpandedGang[] = [];
        for (let i = 0; i < int(1, 4); i++) {
          const kind = int(0, 2);
          const constraint = kind === 0 ? { required: 'zone' } : kind === 1 ? { preferred: 'zone' } : undefined;
          gangs.push(makeGang({ name: `g${i}-0`, topologyName: 'topo', ...(constraint ? { constraint } : {}), groups: [{ clique: 'w', replicas: int(1, 4), gpu: [4, 8][int(0, 1)]! }] }));
        }
        const plan = placeGangs(state, gangs);
        expect(verifyPlan(state, gangs, plan)).toEqual([]);
        plan.gangs.forEach((gp, i) => {
          if (gangs[i]!.topologyConstraint) for (const p of gp.pods) expect(rackless.has(p.node), `${p.name} on ${p.node}`).toBe(false);
        });
        // With every labelled node full, a gang without a constraint still finds the rackless nodes.
        const full: ClusterState = { ...state, pods: state.nodes.filter((n) => !rackless.has(n.name)).map((n, k) => ({ namespace: 'default', name: `busy-${k}`, nodeName: n.name, labels: {}, requests: { gpu: 8, cpuMilli: 0, memory: 0, pods: 1 }, phase: 'Running', terminal: false })) };
        const one = (constraint?: { required: string }) => makeGang({ name: 'h-0', topologyName: 'topo', ...(constraint ? { constraint } : {}), groups: [{ clique: 'w', replicas: 1, gpu: 8 }] });
        expect(placeGangs(full, [one()]).gangs[0]!.placed).toBe(rackless.size > 0);
        expect(placeGangs(full, [one({ required: 'zone' })]).gangs[0]!.placed).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
