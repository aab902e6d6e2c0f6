/**
 * Property: any sequence of graph edits keeps the YAML and the graph in step (the graph read back
 * from the text equals a plain model the same edits were applied to), never produces a startup
 * cycle, and keeps every comment and unknown field of the starting text.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { checkManifestText } from '../grove/check';
import { readBuilderText } from './document';
import { addClique, addGroup, addStartsAfter, deleteSelection, moveIntoGroup, removeStartsAfter, renameClique, renameGroup, type EditResult } from './edits';
import { cycleThrough, graphFromObject } from './graph';

const START = `# header comment
apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata:
  name: prop # name comment
spec:
  replicas: 1
  template:
    futureField: 42 # unknown field
    cliques:
      - name: a # clique comment
        spec:
          roleName: a
          replicas: 1
          podSpec:
            containers: [{name: app, image: busybox}]
`;

interface Model {
  cliques: { name: string; startsAfter: string[] }[];
  groups: { name: string; members: string[] }[];
}

type Op =
  | { op: 'addClique'; name: string }
  | { op: 'addGroup'; name: string }
  | { op: 'move'; c: number; g: number | null }
  | { op: 'edge'; a: number; b: number }
  | { op: 'unedge'; a: number; b: number }
  | { op: 'renameClique'; c: number; to: string }
  | { op: 'renameGroup'; g: number; to: string }
  | { op: 'delete'; c: number[]; g: number[] };

const name = fc.constantFrom('p', 'q', 'r', 's', 't', 'u', 'a');
const idx = fc.nat(6);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('addClique' as const), name }),
  fc.record({ op: fc.constant('addGroup' as const), name: name.map((n) => `g${n}`) }),
  fc.record({ op: fc.constant('move' as const), c: idx, g: fc.option(idx, { nil: null }) }),
  fc.record({ op: fc.constant('edge' as const), a: idx, b: idx }),
  fc.record({ op: fc.constant('unedge' as const), a: idx, b: idx }),
  fc.record({ op: fc.constant('renameClique' as const), c: idx, to: name }),
  fc.record({ op: fc.constant('renameGroup' as const), g: idx, to: name.map((n) => `g${n}2`) }),
  fc.record({ op: fc.constant('delete' as const), c: fc.array(idx, { maxLength: 2 }), g: fc.array(idx, { maxLength: 1 }) }),
);

const taken = (m: Model) => [...m.cliques.map((c) => c.name), ...m.groups.map((g) => g.name)];

/** The same edit on the plain model; false when the edit must be refused. */
function applyToModel(m: Model, o: Op): Model | false {
  const n = structuredClone(m);
  const clique = (i: number) => n.cliques[i];
  const group = (i: number) => n.groups[i];
  switch (o.op) {
    case 'addClique':
      if (taken(n).includes(o.name)) return false;
      n.cliques.push({ name: o.name, startsAfter: [] });
      return n;
    case 'addGroup':
      if (taken(n).includes(o.name)) return false;
      n.groups.push({ name: o.name, members: [] });
      return n;
    case 'move': {
      const c = clique(o.c);
      const g = o.g === null ? null : group(o.g);
      if (!c || g === undefined) return false;
      const current = n.groups.find((x) => x.members.includes(c.name)) ?? null;
      if (current === null && g === null) return n;
      if (current && g && current.name === g.name) return n;
      if (current) current.members = current.members.filter((x) => x !== c.name);
      if (g) g.members.push(c.name);
      return n;
    }
    case 'edge': {
      const a = clique(o.a);
      const b = clique(o.b);
      if (!a || !b || b.startsAfter.includes(a.name)) return false;
      const edges = n.cliques.flatMap((c) => c.startsAfter.map((f) => ({ from: f, to: c.name })));
      if (cycleThrough(edges, a.name, b.name)) return false;
      b.startsAfter.push(a.name);
      return n;
    }
    case 'unedge': {
      const a = clique(o.a);
      const b = clique(o.b);
      // Removing a startsAfter entry that is not there is refused.
      if (!a || !b || !b.startsAfter.includes(a.name)) return false;
      b.startsAfter = b.startsAfter.filter((x) => x !== a.name);
      return n;
    }
    case 'renameClique': {
      const c = clique(o.c);
      if (!c) return false;
      if (c.name === o.to) return n;
      if (taken(n).includes(o.to)) return false;
      const from = c.name;
      for (const x of n.cliques) x.startsAfter = x.startsAfter.map((s) => (s === from ? o.to : s));
      for (const g of n.groups) g.members = g.members.map((s) => (s === from ? o.to : s));
      c.name = o.to;
      return n;
    }
    case 'renameGroup': {
      const g = group(o.g);
      if (!g) return false;
      if (g.name === o.to) return n;
      if (taken(n).includes(o.to)) return false;
      g.name = o.to;
      return n;
    }
    case 'delete': {
      const groups = new Set(o.g.map((i) => group(i)?.name).filter((x): x is string => !!x));
      const cliques = new Set(o.c.map((i) => clique(i)?.name).filter((x): x is string => !!x));
      for (const g of n.groups) if (groups.has(g.name)) for (const c of g.members) cliques.add(c);
      n.cliques = n.cliques.filter((c) => !cliques.has(c.name));
      for (const c of n.cliques) c.startsAfter = c.startsAfter.filter((s) => !cliques.has(s));
      n.groups = n.groups.filter((g) => !groups.has(g.name));
      for (const g of n.groups) g.members = g.members.filter((c) => !cliques.has(c));
      return n;
    }
  }
}

function applyToText(text: string, m: Model, o: Op): EditResult {
  const c = (i: number) => m.cliques[i]?.name ?? 'missing';
  const g = (i: number) => m.groups[i]?.name ?? 'missing';
  switch (o.op) {
    case 'addClique':
      return addClique(text, { kind: 'generic', name: o.name });
    case 'addGroup':
      return addGroup(text, o.name);
    case 'move':
      return moveIntoGroup(text, c(o.c), o.g === null ? null : g(o.g));
    case 'edge':
      return addStartsAfter(text, c(o.a), c(o.b));
    case 'unedge':
      return removeStartsAfter(text, c(o.a), c(o.b));
    case 'renameClique':
      return renameClique(text, c(o.c), o.to);
    case 'renameGroup':
      return renameGroup(text, g(o.g), o.to);
    case 'delete':
      return deleteSelection(text, { cliques: o.c.map(c), groups: o.g.map(g).filter((x) => x !== 'missing') });
  }
}

function modelOfText(text: string): Model {
  const r = readBuilderText(text);
  if (!r.ok) throw new Error(r.message);
  const graph = graphFromObject(r.object);
  return { cliques: graph.cliques.map((c) => ({ name: c.name, startsAfter: c.startsAfter })), groups: graph.groups.map((x) => ({ name: x.name, members: x.cliqueNames })) };
}

describe('graph edits (property)', () => {
  test('YAML and graph stay in step, no cycles, comments kept', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 25 }), (ops) => {
        let text = START;
        let model = modelOfText(START);
        let originalCliqueKept = true;
        for (const o of ops) {
          const expected = applyToModel(model, o);
          const result = applyToText(text, model, o);
          if (expected === false) {
            // The model refuses only what the edit must refuse (unknown targets, taken names, cycles, duplicates).
            if (o.op !== 'move' && o.op !== 'delete') expect(result.ok, JSON.stringify(o)).toBe(false);
            continue;
          }
          expect(result.ok, `${JSON.stringify(o)}: ${result.ok ? '' : result.message}`).toBe(true);
          if (!result.ok) return;
          text = result.text;
          model = expected;
          if (!model.cliques.some((c) => c.name === 'a')) originalCliqueKept = false;
          expect(modelOfText(text)).toEqual(model);
        }
        for (const kept of ['# header comment', '# name comment', '# unknown field', 'futureField: 42']) expect(text).toContain(kept);
        if (originalCliqueKept) expect(text).toContain('# clique comment');
        const rules = checkManifestText(text).documents[0]!.findings.map((f) => f.rule);
        expect(rules).not.toContain('clique.startsAfterCycle');
        expect(rules).not.toContain('clique.startsAfterUnknown');
        expect(rules).not.toContain('pcsg.unknownClique');
      }),
      { numRuns: 150 },
    );
  });
});
