/**
 * Oracle test: our CRD schemas (lib/grove/crd-schemas.ts, interpreted by lib/grove/schema.ts) must
 * accept and reject exactly what a JSON-schema validator (ajv) says about the real CRD's
 * openAPIV3Schema of the pinned Grove release, for generated objects of all five kinds.
 *
 * What is compared: "has at least one `schema.*` finding of severity error" against "ajv says invalid".
 * Not compared:
 * - `schema.listMapKey` (duplicate keys of an `x-kubernetes-list-type: map` list) — that is an API
 *   server rule, JSON Schema cannot express it and ajv does not know the extension;
 * - `schema.unknownField` (a field the schema does not declare): the openAPIV3Schema allows it (the API
 *   server prunes it); it is an error only under strict field validation, which Canopy's apply asks for;
 * - CEL rules (`x-kubernetes-validations`), which our validator reports under other rule ids;
 * - `metadata`, which the CRD declares as a bare `type: object` (the API server validates ObjectMeta
 *   with its own code), so the generators only produce valid metadata;
 * - the parts of core/v1 that crd-schemas.ts keeps opaque (see arbitraries.ts).
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  clusterTopologyBindingSchema,
  podCliqueSchema,
  podCliqueScalingGroupSchema,
  podCliqueSetSchema,
  podGangSchema,
} from '../../lib/grove/crd-schemas';
import type { Finding } from '../../lib/grove/findings';
import { validateSchema, type Schema } from '../../lib/grove/schema';
import { validate } from '../../lib/grove/validate';
import { crdFile } from '../fixtures/grove-release';
import {
  INT32_MAX,
  INT32_MIN,
  mutated,
  mutatedPodCliqueSet,
  validClusterTopologyBinding,
  validPodClique,
  validPodCliqueScalingGroup,
  validPodGang,
  type JsonObject,
  type Mutated,
} from './arbitraries';

// ---------------------------------------------------------------------------------------------------
// The oracle

/** A copy of a schema without the Kubernetes extensions (`x-kubernetes-*`) and descriptions. */
function stripExtensions(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripExtensions);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('x-kubernetes-') || key === 'description') continue;
    // `properties` and `additionalProperties` hold field names, not keywords: keep every key there.
    out[key] = key === 'properties' ? Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, stripExtensions(v)])) : stripExtensions(value);
  }
  return out;
}

const INT64_LIMIT = 2 ** 63;
// RFC 3339 date-time, as Kubernetes' metav1.Time writes it.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function makeAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -INT64_LIMIT && n < INT64_LIMIT });
  ajv.addFormat('date-time', { type: 'string', validate: (s: string) => DATE_TIME.test(s) && !Number.isNaN(Date.parse(s)) });
  return ajv;
}

const ajv = makeAjv();

interface Oracle {
  kind: string;
  validateFn: ValidateFunction;
}

function oracleFor(plural: string): Oracle {
  const crd = parse(readFileSync(crdFile(plural), 'utf8')) as {
    spec: { names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: object } }[] };
  };
  const version = crd.spec.versions[0]!;
  return { kind: crd.spec.names.kind, validateFn: ajv.compile(stripExtensions(version.schema.openAPIV3Schema) as object) };
}

// ---------------------------------------------------------------------------------------------------
// The comparison

/** Rules that are not JSON-schema rules (see the header comment). */
const NOT_COMPARED = new Set(['schema.listMapKey', 'schema.unknownField']);

function ourErrors(object: unknown, schema: Schema): Finding[] {
  return validateSchema(object, schema).filter((f) => f.severity === 'error' && !NOT_COMPARED.has(f.rule));
}

function describeAjvErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `  ${e.instancePath || '/'} ${e.keyword}: ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('\n');
}

interface Tally {
  runs: number;
  accepted: number;
  rejected: number;
}

/**
 * Runs the comparison for `numRuns` generated objects; returns how many were accepted/rejected.
 * On a disagreement fast-check shrinks the case and the thrown message shows the object, what was
 * mutated, ajv's errors and our findings.
 */
function compare(oracle: Oracle, schema: Schema, arb: fc.Arbitrary<Mutated>, numRuns: number, seed?: number): Tally {
  const tally: Tally = { runs: 0, accepted: 0, rejected: 0 };
  fc.assert(
    fc.property(arb, ({ object, mutations }) => {
      const ajvValid = oracle.validateFn(object);
      const ours = ourErrors(object, schema);
      if (ajvValid !== (ours.length === 0)) {
        throw new Error(
          [
            `${oracle.kind}: ajv says ${ajvValid ? 'valid' : 'invalid'}, Canopy says ${ours.length === 0 ? 'valid' : 'invalid'}`,
            `mutations: ${mutations.join('; ') || '(none)'}`,
            `object: ${JSON.stringify(object)}`,
            `ajv errors:\n${describeAjvErrors(oracle.validateFn.errors)}`,
            `our findings:\n${ours.map((f) => `  ${f.path} ${f.rule}: ${f.message}`).join('\n')}`,
          ].join('\n'),
        );
      }
      tally.runs++;
      if (ajvValid) tally.accepted++;
      else tally.rejected++;
    }),
    { numRuns, seed },
  );
  return tally;
}

function expectBalanced(tally: Tally, numRuns: number, minShare: number): void {
  expect(tally.runs).toBe(numRuns);
  expect(tally.accepted + tally.rejected).toBe(numRuns);
  expect(tally.accepted / numRuns).toBeGreaterThanOrEqual(minShare);
  expect(tally.rejected / numRuns).toBeGreaterThanOrEqual(minShare);
}

// ---------------------------------------------------------------------------------------------------

describe('CRD schema oracle (ajv on the real openAPIV3Schema)', () => {
  const pcs = oracleFor('podcliquesets');

  it('is the PodCliqueSet CRD of the pinned release, and ajv is not vacuous on it', () => {
    expect(pcs.kind).toBe('PodCliqueSet');
    expect(pcs.validateFn({ spec: { template: { cliques: [] } } })).toBe(true);
    expect(pcs.validateFn({ spec: { template: {} } })).toBe(false);
    expect(pcs.validateFn({ spec: { replicas: INT32_MAX + 1, template: { cliques: [] } } })).toBe(false);
    expect(pcs.validateFn({ spec: { template: { cliques: [], topologyConstraint: { pack: { required: 'Rack' } } } } })).toBe(false);
  });

  it('PodCliqueSet: our schema findings agree with ajv on 10,000 generated objects', () => {
    const numRuns = 10_000;
    const tally = compare(pcs, podCliqueSetSchema, mutatedPodCliqueSet(), numRuns);
    console.log(`PodCliqueSet oracle: ${tally.runs} cases, ${tally.accepted} accepted (${((100 * tally.accepted) / numRuns).toFixed(1)} %), ${tally.rejected} rejected`);
    expectBalanced(tally, numRuns, 0.2);
  });

  it('validate() reports the same schema.* errors as validateSchema() for PodCliqueSets', () => {
    // validate() is what users get; it must not lose or add schema findings on the way.
    fc.assert(
      fc.property(mutatedPodCliqueSet(), ({ object }) => {
        // With apiVersion or kind mutated the object is no PodCliqueSet, and validate() rightly says other things.
        fc.pre(object.apiVersion === 'grove.io/v1alpha1' && object.kind === 'PodCliqueSet');
        const key = (f: Finding) => `${f.rule} ${f.path}`;
        const viaValidate = validate(object as JsonObject)
          .filter((f) => f.rule.startsWith('schema.') && f.severity === 'error' && !NOT_COMPARED.has(f.rule))
          .map(key);
        expect(new Set(viaValidate)).toEqual(new Set(ourErrors(object, podCliqueSetSchema).map(key)));
      }),
      { numRuns: 1000 },
    );
  });

  const others: [string, string, Schema, () => fc.Arbitrary<JsonObject>][] = [
    ['podcliques', 'PodClique', podCliqueSchema, validPodClique],
    ['podcliquescalinggroups', 'PodCliqueScalingGroup', podCliqueScalingGroupSchema, validPodCliqueScalingGroup],
    ['clustertopologybindings', 'ClusterTopologyBinding', clusterTopologyBindingSchema, validClusterTopologyBinding],
    ['podgangs', 'PodGang', podGangSchema, validPodGang],
  ];
  for (const [plural, kind, schema, valid] of others) {
    it(`${kind}: our schema findings agree with ajv on 2,000 generated objects`, () => {
      const oracle = oracleFor(plural);
      expect(oracle.kind).toBe(kind);
      const numRuns = 2_000;
      const tally = compare(oracle, schema, mutated(valid()), numRuns);
      console.log(`${kind} oracle: ${tally.runs} cases, ${tally.accepted} accepted, ${tally.rejected} rejected`);
      expectBalanced(tally, numRuns, 0.15);
    });
  }
});
