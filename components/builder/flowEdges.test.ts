import { describe, expect, test } from 'vitest';
import { graphFromObject } from '../../lib/builder/graph';
import { toFlowEdges } from './flowEdges';

const stack = (startupType: string, cliques: [string, string[]][]) =>
  graphFromObject({
    metadata: { name: 's' },
    spec: { template: { cliqueStartupType: startupType, cliques: cliques.map(([name, startsAfter]) => ({ name, spec: { roleName: name, replicas: 1, startsAfter } })) } },
  });

describe('startup edges on the canvas', () => {
  test('InOrder: the implied order is dashed and can be neither selected nor deleted; a startsAfter it ignores is faded and says why', () => {
    const edges = toFlowEdges(stack('CliqueStartupTypeInOrder', [['a', []], ['b', []], ['c', ['a']]]));
    const byId = Object.fromEntries(edges.map((e) => [e.id, e]));
    for (const id of ['a->b', 'b->c']) {
      expect(byId[id]).toMatchObject({ data: { kind: 'implied' }, selectable: false, deletable: false, style: { strokeDasharray: expect.any(String) } });
      expect(byId[id]!.ariaLabel).toMatch(/InOrder/);
    }
    const ignored = byId['a->c']!;
    expect(ignored.data!.kind).toBe('ignored');
    expect(ignored.selectable).not.toBe(false);
    expect(ignored.style!.opacity).toBeLessThan(1);
    expect(ignored.data!.why).toMatch(/ignores under InOrder.*Explicit/);
  });

  test('Explicit: startsAfter entries are plain arrows that can be deleted', () => {
    const edges = toFlowEdges(stack('CliqueStartupTypeExplicit', [['a', []], ['b', ['a']]]));
    expect(edges).toHaveLength(1);
    expect(edges[0]).toMatchObject({ id: 'a->b', data: { kind: 'explicit', why: 'b starts after a' } });
    expect(edges[0]!.selectable).toBeUndefined();
    expect(edges[0]!.style!.strokeDasharray).toBeUndefined();
  });

  test('AnyOrder: every startsAfter is drawn as ignored', () => {
    const edges = toFlowEdges(stack('CliqueStartupTypeAnyOrder', [['a', []], ['b', ['a']]]));
    expect(edges.map((e) => [e.id, e.data!.kind])).toEqual([['a->b', 'ignored']]);
    expect(edges[0]!.data!.why).toMatch(/AnyOrder/);
  });
});
