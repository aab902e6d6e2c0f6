/**
 * Edits from the canvas and inspector change only the lines of what they edit: the rest of the file
 * keeps its exact text, however it is laid out (lists at their key's indent as `kubectl get -o yaml`
 * writes them, 4-space indents, `["a","b"]` without spaces, `#comment` without a space, blank lines
 * holding blanks, CRLF line ends).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { parseYamlDocuments } from '../grove/manifest';
import { readBuilderText } from './document';
import { addClique, setField, type EditResult } from './edits';

type Path = (string | number)[];

function ok(r: EditResult): string {
  if (!r.ok) throw new Error(r.message);
  return r.text;
}

// Lists at their key's indent, `#comment`, `["sleep","infinity"]`, a blank line holding blanks.
const FLUSH_LISTS = `# kubectl get -o yaml style
apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata:
  name: flush
  namespace: default
spec:
  replicas: 1
  template:
    cliques:
    #single node components
    - name: frontend
      spec:
        roleName: frontend
        replicas: 2
        podSpec:
          tolerations:
          - key: fake-node
            operator: Equal
            value: "true"
            effect: NoSchedule
          containers:
          - name: frontend
            image: nginx:latest
            command: ["sleep","infinity"]
            args: ["-c", "echo 'hi' && sleep infinity"]
            resources:
              requests:
                cpu: "10m"
                memory: "32Mi"
   ${''}
    #   multi-node components
    - name: pleader
      spec:
        roleName: pleader
        replicas: 1
        podSpec:
          containers:
          - name: main
            image: nginx:latest
            command: ["sleep","infinity"]
    - name: pworker
      spec:
        roleName: pworker
        replicas: 3
        podSpec:
          containers:
          - name: main
            image: nginx:latest
            env:
            - name: LEADER
              value: "$(GROVE_PCSG_NAME)-$(GROVE_PCSG_INDEX)-pleader-0"
    podCliqueScalingGroups:
    - name: prefill
      cliqueNames: [pleader,pworker]
      replicas: 2
      minAvailable: 1
`;

// Indented by 4, `[ a, b ]` padding in one place and none in another, trailing comments.
const FOUR_SPACES = `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata:
    name: four # four-space indents
    labels: {app: four,tier: serving}
spec:
    replicas: 2
    template:
        cliqueStartupType: CliqueStartupTypeExplicit
        cliques:
            -   name: a
                spec:
                    roleName: a
                    replicas: 1
                    podSpec:
                        containers:
                            -   name: app
                                image: busybox
                                command: [ "sleep", "infinity" ]
                                resources:
                                    limits: {nvidia.com/gpu: 4}   # 4 GPUs per pod
            -   name: b
                spec:
                    roleName: b
                    replicas: 1
                    startsAfter: [a]
                    podSpec:
                        containers:
                            -   {name: app, image: busybox, command: ["sleep","infinity"]}
`;

// A List as kubectl prints several objects, with CRLF line ends and a ClusterTopologyBinding first.
const CRLF_LIST = `apiVersion: v1
kind: List
items:
- apiVersion: grove.io/v1alpha1
  kind: ClusterTopologyBinding
  metadata:
    name: gb200
  spec:
    levels:
    - domain: rack
      key: example.com/rack
---
apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata:
  name: crlf
spec:
  replicas: 1
  template:
    topologyConstraint:
      topologyName: gb200
      pack:
        required: rack
    cliques:
    - name: solo   #  the only clique
      spec:
        roleName: solo
        replicas: 4
        minAvailable: 2
        podSpec:
          containers:
          - name: app
            image: "busybox:1.36"
            command: ['sleep','infinity']
`.replace(/\n/g, '\r\n');

const FIXTURES = { FLUSH_LISTS, FOUR_SPACES, CRLF_LIST };

/** Every one-line scalar value of the PodCliqueSet (not keys), with its path and 0-based line. */
function scalarsOf(text: string): { path: Path; line: number; value: unknown }[] {
  const read = readBuilderText(text);
  if (!read.ok) throw new Error(read.message);
  const { documents, lineCounter } = parseYamlDocuments(text);
  const out: { path: Path; line: number; value: unknown }[] = [];
  const walk = (node: Node | null | undefined, path: Path) => {
    if (isMap(node)) for (const p of node.items) walk(p.value as Node, [...path, String((p.key as { value: unknown }).value)]);
    else if (isSeq(node)) node.items.forEach((item, i) => walk(item as Node, [...path, i]));
    else if (isScalar(node) && node.range && (typeof node.value === 'number' || typeof node.value === 'string')) {
      const start = lineCounter.linePos(node.range[0]).line;
      const end = lineCounter.linePos(node.range[1]).line;
      if (start === end) out.push({ path, line: start - 1, value: node.value });
    }
  };
  walk(documents[read.doc.pcsIndex]!.contents as Node, []);
  return out;
}

/** 0-based numbers of the lines that differ (the two texts must have as many lines). */
function changedLines(before: string, after: string): number[] {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b.length).toBe(a.length);
  return a.flatMap((line, i) => (line === b[i] ? [] : [i]));
}

describe('an edit changes only the lines of what it edits', () => {
  for (const [label, text] of Object.entries(FIXTURES)) {
    test(`${label}: setting any one scalar changes exactly its own line`, () => {
      const scalars = scalarsOf(text);
      expect(scalars.length).toBeGreaterThan(10);
      fc.assert(
        fc.property(fc.constantFrom(...scalars), ({ path, line, value }) => {
          const next = typeof value === 'number' ? value + 1 : `${value}x`;
          const after = ok(setField(text, path, next));
          expect(changedLines(text, after)).toEqual([line]);
          const edited = after.split('\n')[line]!;
          expect(edited).toContain(String(next));
        }),
        { numRuns: 40 },
      );
    });
  }

  test('stack replicas on a list-at-key-indent sample: one line, and the blank-holding line, `#comment` and ["a","b"] stay', () => {
    const after = ok(setField(FLUSH_LISTS, ['spec', 'replicas'], 7));
    expect(changedLines(FLUSH_LISTS, after)).toEqual([7]);
    expect(after).toContain('\n   \n    #   multi-node components\n    - name: pleader');
    expect(after).toContain('command: ["sleep","infinity"]');
    expect(after).toContain('cliqueNames: [pleader,pworker]');
  });

  test('an added clique only adds lines, written at the indent of its siblings', () => {
    for (const text of Object.values(FIXTURES)) {
      const after = ok(addClique(text, { kind: 'frontend' }));
      const a = text.split('\n');
      const b = after.split('\n');
      // Every original line is still there, in order (only insertions).
      let j = 0;
      for (const line of b) if (line === a[j]) j++;
      expect(j).toBe(a.length);
      const sibling = a.find((l) => /^\s*-\s+name: (frontend|a|solo)\b/.test(l))!;
      const added = b.find((l) => /^\s*-\s+name: frontend(-2)?\s*\r?$/.test(l) && !a.includes(l)) ?? b.find((l, i) => /name: frontend/.test(l) && l !== a[i]);
      expect(added, after).toBeDefined();
      expect(added!.search(/-/)).toBe(sibling.search(/-/));
    }
  });

  test('CRLF stays CRLF on the lines an edit writes', () => {
    const after = ok(setField(CRLF_LIST, ['spec', 'template', 'cliques', 0, 'spec', 'podSpec', 'containers', 0, 'env'], [{ name: 'A', value: 'b' }]));
    expect(after.split('\n').slice(0, -1).every((l) => l.endsWith('\r'))).toBe(true);
  });
});
