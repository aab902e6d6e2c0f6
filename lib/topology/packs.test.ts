import { describe, expect, test } from 'vitest';
import { checkPacks, type PackConstraint } from './packs';

const levels = [
  { domain: 'zone', key: 'z' },
  { domain: 'rack', key: 'r' },
];
// Rack labels reused per zone: r1 is in both zones.
const labels: Record<string, Record<string, string>> = {
  a: { z: 'za', r: 'r1' },
  b: { z: 'za', r: 'r2' },
  c: { z: 'zb', r: 'r1' },
  bare: { z: 'zb' },
};
const check = (constraints: PackConstraint[], lv = levels) => checkPacks(constraints, (n) => labels[n], lv);
const group = (pods: { node?: string }[], o: Partial<PackConstraint> = {}): PackConstraint => ({ owner: 'scaling group', ownerName: 'prefill', replica: 'replica x-0-prefill-0', required: 'rack', pods, ...o });

describe('checkPacks: a pack judged on the domains of its pods’ nodes', () => {
  test('racks sharing a label in two zones are two racks, named by their path', () => {
    expect(check([group([{ node: 'a' }, { node: 'c' }])])).toMatchObject([
      { strength: 'required', domain: 'rack', met: false, domains: ['za/r1', 'zb/r1'], text: 'Required rack pack of scaling group prefill (replica x-0-prefill-0) not met: pods on 2 racks (za/r1, zb/r1)' },
    ]);
  });

  test('one domain is met; a preferred pack is judged too; unbound pods and unknown nodes are not judged', () => {
    const checks = check([group([{ node: 'a' }, { node: 'a' }, {}, { node: 'gone' }], { owner: 'clique', ownerName: 'decode', replica: 'x-0-decode', preferred: 'zone' })]);
    expect(checks.map((c) => [c.strength, c.met, c.text])).toEqual([
      ['required', true, 'Required rack pack of clique decode (x-0-decode) met: pods on 1 rack (r1)'],
      ['preferred', true, 'Preferred zone pack of clique decode (x-0-decode) met: pods on 1 zone (za)'],
    ]);
  });

  test('a level the binding lacks is not judged (Grove drops it); a constraint with no bound pod gives nothing', () => {
    expect(check([group([{ node: 'a' }, { node: 'b' }], { required: 'block' }), group([{}])])).toEqual([]);
  });

  test('a node without the level’s label is a domain of its own; names and nouns from the caller', () => {
    const named = levels.map((l) => ({ ...l, noun: `${l.domain} domain`, valueName: (v: string) => v.toUpperCase() }));
    expect(check([group([{ node: 'c' }, { node: 'bare' }])], named)[0]).toMatchObject({ met: false, text: 'Required rack domain pack of scaling group prefill (replica x-0-prefill-0) not met: pods on 2 rack domains ((node bare without r), R1)' });
  });
});
