/**
 * Round trips through lib/grove/manifest.ts:
 * - property: for generated PodCliqueSets, parse(serialize(x)) deep-equals x (values, types and key order),
 *   with strings that need quoting, numbers, booleans, nested maps, unicode and multi-line text;
 * - a commented multi-document file is written back byte for byte.
 */
import { parse } from 'yaml';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseManifests, serializeManifests, stringifyObject } from '../../lib/grove/manifest';
import { TRICKY_STRINGS, validPodCliqueSet, type Json, type JsonObject } from './arbitraries';

/** Any string, weighted towards the ones YAML treats specially. */
const yamlString = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...TRICKY_STRINGS) },
    { weight: 1, arbitrary: fc.string({ maxLength: 20, unit: 'grapheme' }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 20, unit: 'binary' }) },
    { weight: 1, arbitrary: fc.array(fc.constantFrom('a', ' ', ':', '#', '\n', '\t', '-', '"', "'", '\\', 'é', '\r\n'), { maxLength: 12 }).map((a) => a.join('')) },
  );

const number = (): fc.Arbitrary<number> =>
  fc.oneof(
    fc.integer(),
    fc.constantFrom(0, 1, -1, 2 ** 53 - 1, -(2 ** 53) + 1, 2 ** 60, 1e21, 0.1, 1.5, -2.25, 5e-324, 1.7976931348623157e308, 1e-7, 123456789.125),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
  );

/** Arbitrary JSON for the parts of a Grove object that are opaque to our schemas (`status`): nulls survive there. */
const payload = (): fc.Arbitrary<Json> =>
  fc.letrec<{ value: Json }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constant(null),
      fc.boolean(),
      number(),
      yamlString(),
      fc.array(tie('value'), { maxLength: 3 }),
      fc.dictionary(yamlString(), tie('value'), { maxKeys: 3, noNullPrototype: true }),
    ),
  })).value;

/** A generated PodCliqueSet with YAML-hostile strings in its labels and annotations, and an opaque `status`. */
const roundTripPodCliqueSet = (): fc.Arbitrary<JsonObject> =>
  fc
    .tuple(
      validPodCliqueSet(),
      fc.dictionary(yamlString(), yamlString(), { maxKeys: 4, noNullPrototype: true }),
      fc.dictionary(yamlString(), payload(), { maxKeys: 4, noNullPrototype: true }),
    )
    .map(([pcs, annotations, status]) => {
      const metadata = { ...(pcs.metadata as JsonObject), annotations };
      // Plain prototypes, as YAML gives back (fast-check's dictionaries may have none).
      return JSON.parse(JSON.stringify({ ...pcs, metadata, status })) as JsonObject;
    });

describe('manifest round trip', () => {
  it('parse(serialize(x)) deep-equals x for 1,000 generated PodCliqueSets', () => {
    let runs = 0;
    fc.assert(
      fc.property(roundTripPodCliqueSet(), (x) => {
        const text = stringifyObject(x);
        const parsed = parseManifests(text);
        expect(parsed.errors).toEqual([]);
        expect(parsed.documents).toHaveLength(1);
        const back = parsed.documents[0]!.object;
        expect(back).toStrictEqual(x);
        // toStrictEqual ignores key order; the manifest must keep it.
        expect(JSON.stringify(back)).toBe(JSON.stringify(x));
        expect(parsed.documents[0]!.warnings).toEqual([]);
        runs++;
      }),
      { numRuns: 1_000 },
    );
    expect(runs).toBe(1_000);
  });

  it('writes a commented multi-document file back byte for byte', () => {
    const text = `# Canopy demo: a PodCliqueSet and its topology
apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata:
  name: demo # the 45-character budget starts here
  namespace: default
  labels:
    enabled: "yes"
    mode: "0755"
spec:
  # Always emit replicas: the CRD default is 0
  replicas: 1
  template:
    cliqueStartupType: CliqueStartupTypeExplicit
    cliques:
      # The worker starts after the leader.
      - name: leader
        spec:
          roleName: leader
          replicas: 1
          podSpec:
            containers:
              - name: app
                image: busybox
                command: [ sleep, infinity ]
                resources:
                  limits:
                    nvidia.com/gpu: 8
                    memory: 64Gi
      - name: worker
        spec:
          roleName: worker
          replicas: 3
          startsAfter:
            - leader
          podSpec:
            containers:
              - name: app
                image: busybox
                env:
                  - name: NOTE
                    value: |
                      multi
                      line
---
# The topology this workload packs into
apiVersion: grove.io/v1alpha1
kind: ClusterTopologyBinding
metadata:
  name: gpu-cluster
spec:
  levels:
    - domain: zone # broadest first
      key: topology.kubernetes.io/zone
    - domain: host
      key: kubernetes.io/hostname
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  empty: ""
  quoted: 'single # not a comment'

# trailing comment of the last document
`;
    const parsed = parseManifests(text);
    expect(parsed.errors).toEqual([]);
    expect(parsed.documents.map((d) => d.kind)).toEqual(['PodCliqueSet', 'ClusterTopologyBinding', 'ConfigMap']);
    expect(serializeManifests(parsed.documents)).toBe(text);
  });

  // Known bugs in lib/grove/manifest.ts (not this test's to fix). Each `it.fails` passes while the bug is
  // there and fails once it is fixed: then drop the `.fails`.
  it.fails('[bug] formatting other than eemeli/yaml\'s own is normalised, not kept', () => {
    // Two spaces before a comment, a flow map without inner spaces, a trailing comment without a blank line.
    const text = 'a: 1  # two spaces\nb: {c: 1}\n# end\n';
    expect(serializeManifests(parseManifests(text).documents)).toBe(text);
  });

  it('stringifyObject keeps the blanks of multi-line strings whose lines start with blanks (" \\n", "\\n \\n", "a\\n  b")', () => {
    for (const k of [' \n', '\n \n', ' \t\n', 'a\n  b', '  x\ny\n']) {
      const x = { apiVersion: 'v1', kind: 'ConfigMap', data: { k } };
      expect(parseManifests(stringifyObject(x)).documents[0]!.object).toStrictEqual(x);
    }
  });

  it('a number written 0755 stays 0755 (octal 493 to YAML 1.1 readers such as kubectl, and to us)', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\ndata:\n  mode: 0755\n';
    expect(serializeManifests(parseManifests(text).documents)).toBe(text);
  });

  it('stringifyObject quotes strings like yes/on/y/1_000 and keys like <<, which YAML 1.1 readers (kubectl) would take for booleans, numbers and merge keys', () => {
    fc.assert(
      fc.property(roundTripPodCliqueSet(), (x) => {
        expect(parse(stringifyObject(x), { version: '1.1', merge: false })).toStrictEqual(x);
      }),
      { numRuns: 200 },
    );
  });
});
