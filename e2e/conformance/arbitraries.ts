/**
 * fast-check arbitraries for Grove objects, shared by the conformance tests.
 *
 * Two layers:
 * - `valid*` arbitraries build objects that satisfy the CRD schemas (not necessarily Grove's webhooks:
 *   replicas may be negative, minAvailable may exceed replicas, startsAfter may name nothing …; those are
 *   webhook rules, not schema rules).
 * - `mutated*` arbitraries take such an object and apply a few random mutations that break exactly what
 *   a structural schema checks: wrong JSON types, missing fields, enum values, patterns and lengths of
 *   topology domains and label keys, int32/int64 ranges, resource quantities, map value types, plus
 *   mutations that keep the object valid (other strings, unknown fields, empty lists).
 *
 * Like with like: the generators only produce the parts of core/v1 PodSpec (and of other embedded
 * Kubernetes types) that lib/grove/crd-schemas.ts models field by field. Parts it keeps opaque (probes,
 * affinity, securityContext, envFrom, valueFrom, HPA metrics, ResourceClaim device details, metadata) get
 * fixed, valid contents, and mutations never reach inside them — only the opaque value as a whole may be
 * replaced (crd-schemas.ts still knows it must be an object / a list of objects). Mutating inside them
 * would compare the real CRD's full core/v1 schema with our deliberately partial model.
 *
 * Names of list-map entries (cliques, containers, env vars, ports, volumes, …) are unique in the valid
 * objects: uniqueness of `x-kubernetes-list-map-keys` is enforced by the API server, not by JSON Schema.
 */
import fc from 'fast-check';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
export type Path = (string | number)[];

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

// ---------------------------------------------------------------------------------------------------
// Scalars

/** A DNS-1123 label: what users actually name cliques, containers, groups, … */
export const dnsLabel = (): fc.Arbitrary<string> => fc.stringMatching(/^[a-z]([a-z0-9-]{0,14}[a-z0-9])?$/);

/** A valid TopologyDomain: 1–63 characters, `^[a-z][a-z0-9-]*$`. */
export const topologyDomain = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('region', 'zone', 'datacenter', 'block', 'rack', 'host', 'numa') },
    { weight: 2, arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/) },
    { weight: 1, arbitrary: fc.constant('a'.repeat(63)) },
  );

/** Strings that break a TopologyDomain (pattern or length), and some that only look wrong but are valid. */
export const TOPOLOGY_DOMAIN_EDGES: readonly string[] = [
  '', 'Rack', 'RACK', '1rack', '-rack', 'rack_1', 'rack.1', 'rack 1', 'räck', 'rack\n', ' rack', 'a'.repeat(64), 'b'.repeat(100),
  // valid edge cases
  'a', 'a-', 'a0', 'r-1-2', 'a'.repeat(63),
];

/** A valid Kubernetes resource quantity: an integer or a string matching the CRD's pattern. */
export const quantity = (): fc.Arbitrary<string | number> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('1', '2', '500m', '64Gi', '8Gi', '100Mi', '0.5', '1e3', '1E-3', '+1', '-1', '.5', '1.', '2k', '3P', '7Ei') },
    { weight: 1, arbitrary: fc.integer({ min: -1000, max: 1_000_000 }) },
  );

/** Quantity strings: valid ones and near misses. */
export const QUANTITY_EDGES: readonly (string | number)[] = [
  // invalid
  '', 'Gi', '1 Gi', '1gb', '1GB', '1.5.5', '1Ki2', ' 1', '1 ', 'one', '1e', '1e+', '--1', '1Kib', '1m1', '0x10', 'NaN', '∞', 1.5, -0.25, 1e-7,
  // valid
  '0', '1Ki', '1.5Gi', '1e-3', '+.5', '-0', 12, 0, -3, '9223372036854775807', '123456789012345678901234567890',
];

/** Values of an int32 field around its bounds (and a few not integers at all). */
export const INT32_EDGES: readonly number[] = [
  0, 1, -1, INT32_MAX, INT32_MIN, INT32_MAX + 1, INT32_MIN - 1, 2 ** 32, 2 ** 53, -(2 ** 53), 1e20, 1.5, -0.5, 1e-9,
];

/** Values of an int64 field around its bounds. */
export const INT64_EDGES: readonly number[] = [
  0, -1, INT32_MAX + 1, 2 ** 53, 2 ** 53 + 2, 2 ** 62, 2 ** 63, -(2 ** 63), -(2 ** 63) * 2, 2 ** 64, 1e19, 1e30, 0.5,
];

/** Label keys for the ClusterTopologyBinding `key` pattern, valid and invalid. */
export const LABEL_KEY_EDGES: readonly string[] = [
  'kubernetes.io/hostname', 'topology.kubernetes.io/zone', 'rack', 'a', 'a.b/c', 'A_b.C-d', 'x/'.concat('y'.repeat(61)),
  '', '/rack', 'rack/', 'a/b/c', '-rack', 'rack-', 'ra ck', 'räck', 'k'.repeat(64), '.a', 'a.', 'a_/b',
];

/** Strings that YAML or a careless serialiser could turn into something else. */
export const TRICKY_STRINGS: readonly string[] = [
  'yes', 'no', 'on', 'off', 'y', 'n', 'true', 'False', 'TRUE', 'null', 'Null', '~', '', ' ', '0755', '0o17', '0x1F', '0b101', '1e3', '1_000',
  '12:30', '1:20:30', '2001-12-14', '.inf', '-.Inf', '.nan', '+12', '-0', '007', 'a: b', 'a:b', 'key: value # not a comment', '# comment',
  'a #b', ' leading space', 'trailing space ', '\ttab', '- item', '? q', '*alias', '&anchor', '!tag', '%directive', '@at', '`tick',
  '"double"', "'single'", '{a: 1}', '[1, 2]', '|', '>', '---', '...', 'multi\nline', 'multi\nline\n', '\n', 'crlf\r\nline', 'ünïcödé',
  '日本語', '🦄 emoji', 'zero\u200bwidth', 'nbsp\u00a0', 'line\u2028sep', 'nel\u0085x', 'bell\u0007', '\\backslash', '<<', '=',
];

/** A string for a field whose schema is plain `type: string`. */
export const anyString = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: dnsLabel() },
    { weight: 2, arbitrary: fc.constantFrom(...TRICKY_STRINGS) },
    { weight: 1, arbitrary: fc.string({ maxLength: 12, unit: 'grapheme' }) },
  );

const smallInt32 = (): fc.Arbitrary<number> =>
  fc.oneof({ weight: 5, arbitrary: fc.integer({ min: -2, max: 10 }) }, { weight: 1, arbitrary: fc.constantFrom(INT32_MIN, INT32_MAX, 0) });
const smallInt64 = (): fc.Arbitrary<number> =>
  fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 0, max: 3600 }) }, { weight: 1, arbitrary: fc.constantFrom(2 ** 53 - 1, -(2 ** 53) + 1, 2 ** 60, -(2 ** 62)) });

const stringMap = (): fc.Arbitrary<Record<string, string>> =>
  fc.dictionary(fc.oneof(dnsLabel(), fc.constantFrom('app.kubernetes.io/name', 'grove.io/x', 'yes', 'null', '0755', 'a b')), anyString(), {
    maxKeys: 3,
    noNullPrototype: true,
  });

/** `fc.record` with every key optional. */
function optional<T extends Record<string, unknown>>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }, required: (keyof T)[] = []): fc.Arbitrary<Partial<T>> {
  return fc.record(model, { requiredKeys: required as never[] }) as unknown as fc.Arbitrary<Partial<T>>;
}

/** Adds the fields of `extra` to a quarter of the values (keeps objects small: generation and YAML cost time). */
const sometimes = <T extends object, E extends object>(base: fc.Arbitrary<T>, extra: fc.Arbitrary<E>): fc.Arbitrary<T & Partial<E>> =>
  fc.tuple(base, fc.oneof({ weight: 3, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: extra })).map(([b, e]) => ({ ...b, ...e }) as T & Partial<E>);

const uniqueByName = <T extends { name: string }>(item: fc.Arbitrary<T>, minLength: number, maxLength: number): fc.Arbitrary<T[]> =>
  fc.uniqueArray(item, { selector: (x) => x.name, minLength, maxLength });

// ---------------------------------------------------------------------------------------------------
// Opaque parts: fixed, valid contents (see the header comment).

const PROBE = { httpGet: { path: '/healthz', port: 8080 }, initialDelaySeconds: 5 };
const AFFINITY = {
  nodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [{ matchExpressions: [{ key: 'nvidia.com/gpu.present', operator: 'In', values: ['true'] }] }],
    },
  },
};
const SECURITY_CONTEXT = { runAsNonRoot: true, runAsUser: 1000 };
const VALUE_FROM = { fieldRef: { fieldPath: 'metadata.name' } };
const ENV_FROM = { configMapRef: { name: 'settings' } };
const METRIC = { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } };
const SPREAD = { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule' };
const DEVICE_EXACTLY = { deviceClassName: 'gpu.nvidia.com', count: 1 };

/**
 * Keys whose values crd-schemas.ts keeps opaque: mutations may replace such a value as a whole but
 * never touch anything below it.
 */
export const OPAQUE_KEYS: ReadonlySet<string> = new Set([
  'metadata',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'lifecycle',
  'securityContext',
  'affinity',
  'valueFrom',
  'envFrom',
  'topologySpreadConstraints',
  'metrics',
  'exactly',
  'status',
]);

// ---------------------------------------------------------------------------------------------------
// core/v1 parts that crd-schemas.ts models

const envVar = () =>
  fc.oneof(
    optional({ name: dnsLabel(), value: anyString() }, ['name']),
    fc.record({ name: dnsLabel(), valueFrom: fc.constant(VALUE_FROM) }),
  ) as fc.Arbitrary<{ name: string } & JsonObject>;

const containerPort = () =>
  optional(
    {
      containerPort: fc.integer({ min: 1, max: 65535 }),
      name: dnsLabel(),
      protocol: fc.constantFrom('TCP', 'UDP', 'SCTP'),
      hostPort: fc.integer({ min: 1, max: 65535 }),
      hostIP: fc.constantFrom('0.0.0.0', '127.0.0.1'),
    },
    ['containerPort', 'protocol'],
  );

const resources = () =>
  optional({
    limits: fc.dictionary(fc.constantFrom('cpu', 'memory', 'nvidia.com/gpu', 'ephemeral-storage'), quantity(), { maxKeys: 3, noNullPrototype: true }),
    requests: fc.dictionary(fc.constantFrom('cpu', 'memory', 'nvidia.com/gpu'), quantity(), { maxKeys: 3, noNullPrototype: true }),
    claims: uniqueByName(optional({ name: dnsLabel(), request: dnsLabel() }, ['name']) as fc.Arbitrary<{ name: string }>, 0, 2),
  });

const volumeMount = () =>
  optional({ name: dnsLabel(), mountPath: fc.stringMatching(/^\/[a-z]{1,8}(\/[a-z]{1,8})?$/), readOnly: fc.boolean(), subPath: dnsLabel() }, [
    'name',
    'mountPath',
  ]) as fc.Arbitrary<{ name: string; mountPath: string }>;

const container = () =>
  sometimes(
    optional(
      {
        name: dnsLabel(),
        image: fc.constantFrom('busybox', 'nvcr.io/nvidia/pytorch:24.05-py3', 'registry.local:5000/app@sha256:abc'),
        imagePullPolicy: fc.constantFrom('Always', 'IfNotPresent', 'Never'),
        command: fc.array(anyString(), { maxLength: 3 }),
        args: fc.array(anyString(), { maxLength: 3 }),
        workingDir: fc.constant('/workspace'),
        env: uniqueByName(envVar(), 0, 3),
        envFrom: fc.constant([ENV_FROM]),
        ports: fc.uniqueArray(containerPort(), { selector: (p) => `${p.containerPort}/${p.protocol}`, maxLength: 2 }),
        resources: resources(),
        volumeMounts: fc.uniqueArray(volumeMount(), { selector: (m) => m.mountPath, maxLength: 2 }),
        restartPolicy: fc.constant('Always'),
        stdin: fc.boolean(),
        tty: fc.boolean(),
      },
      ['name'],
    ),
    optional({
      livenessProbe: fc.constant(PROBE),
      readinessProbe: fc.constant(PROBE),
      startupProbe: fc.constant(PROBE),
      lifecycle: fc.constant({ preStop: { exec: { command: ['sleep', '5'] } } }),
      securityContext: fc.constant(SECURITY_CONTEXT),
    }),
  ) as fc.Arbitrary<{ name: string } & JsonObject>;

export const podSpec = (): fc.Arbitrary<JsonObject> =>
  sometimes(
    optional(
      {
        containers: uniqueByName(container(), 1, 2),
        schedulerName: fc.constantFrom('default-scheduler', 'kai-scheduler'),
        nodeSelector: stringMap(),
        tolerations: fc.array(
          optional({
            key: fc.constantFrom('nvidia.com/gpu', 'node.kubernetes.io/not-ready'),
            operator: fc.constantFrom('Exists', 'Equal'),
            value: anyString(),
            effect: fc.constantFrom('NoSchedule', 'NoExecute'),
            tolerationSeconds: smallInt64(),
          }),
          { maxLength: 2 },
        ),
        restartPolicy: fc.constantFrom('Always', 'OnFailure', 'Never'),
        terminationGracePeriodSeconds: smallInt64(),
        priority: smallInt32(),
      },
      ['containers'],
    ),
    optional({
      initContainers: uniqueByName(container(), 0, 1),
      nodeName: dnsLabel(),
      affinity: fc.constant(AFFINITY),
      topologySpreadConstraints: fc.constant([SPREAD]),
      activeDeadlineSeconds: smallInt64(),
      priorityClassName: dnsLabel(),
      serviceAccountName: dnsLabel(),
      hostNetwork: fc.boolean(),
      hostIPC: fc.boolean(),
      hostPID: fc.boolean(),
      // Volume sources (emptyDir, configMap, …) are not modelled: only `name`.
      volumes: uniqueByName(fc.record({ name: dnsLabel() }), 0, 2),
      imagePullSecrets: uniqueByName(fc.record({ name: dnsLabel() }), 0, 1),
      schedulingGates: uniqueByName(fc.record({ name: dnsLabel() }), 0, 1),
      securityContext: fc.constant({ fsGroup: 2000 }),
      dnsPolicy: fc.constantFrom('ClusterFirst', 'Default'),
      runtimeClassName: fc.constant('nvidia'),
    }),
  ) as fc.Arbitrary<JsonObject>;

// ---------------------------------------------------------------------------------------------------
// Grove parts

export const topologyConstraint = (): fc.Arbitrary<JsonObject> =>
  optional({
    topologyName: anyString(),
    // An empty `pack` or a constraint with neither pack nor packDomain breaks CEL rules only, not the schema.
    pack: optional({ required: topologyDomain(), preferred: topologyDomain() }),
    packDomain: topologyDomain(),
  }) as fc.Arbitrary<JsonObject>;

const autoScalingConfig = () =>
  optional({ minReplicas: smallInt32(), maxReplicas: smallInt32(), metrics: fc.constantFrom([], [METRIC]) }, ['maxReplicas']);

const scope = () => fc.constantFrom('AllReplicas', 'PerReplica');

export const podCliqueSpec = (): fc.Arbitrary<JsonObject> =>
  optional(
    {
      roleName: anyString(),
      replicas: smallInt32(),
      minAvailable: smallInt32(),
      startsAfter: fc.array(dnsLabel(), { maxLength: 2 }),
      autoScalingConfig: autoScalingConfig(),
      podSpec: podSpec(),
    },
    ['roleName', 'replicas', 'podSpec'],
  ) as fc.Arbitrary<JsonObject>;

const cliqueTemplate = () =>
  optional(
    {
      name: dnsLabel(),
      labels: stringMap(),
      annotations: stringMap(),
      topologyConstraint: topologyConstraint(),
      resourceSharing: fc.array(optional({ name: dnsLabel(), namespace: dnsLabel(), scope: scope() }, ['name', 'scope']), { maxLength: 2 }),
      spec: podCliqueSpec(),
    },
    ['name', 'spec'],
  ) as fc.Arbitrary<{ name: string } & JsonObject>;

const scalingGroup = () =>
  optional(
    {
      name: dnsLabel(),
      cliqueNames: fc.array(dnsLabel(), { maxLength: 3 }),
      annotations: stringMap(),
      replicas: smallInt32(),
      minAvailable: smallInt32(),
      scaleConfig: autoScalingConfig(),
      resourceSharing: fc.array(
        optional(
          { name: dnsLabel(), namespace: dnsLabel(), scope: scope(), filter: optional({ childCliqueNames: fc.array(dnsLabel(), { maxLength: 2 }) }) },
          ['name', 'scope'],
        ),
        { maxLength: 2 },
      ),
      topologyConstraint: topologyConstraint(),
    },
    ['name', 'cliqueNames'],
  ) as fc.Arbitrary<{ name: string } & JsonObject>;

const resourceClaimTemplate = () =>
  fc.record({
    name: dnsLabel(),
    templateSpec: optional(
      {
        metadata: fc.constant({ labels: { app: 'gpu' } }),
        spec: fc.record({
          devices: optional({ requests: fc.array(optional({ name: dnsLabel(), exactly: fc.constant(DEVICE_EXACTLY) }, ['name']), { minLength: 1, maxLength: 2 }) }),
        }),
      },
      ['spec'],
    ),
  });

const metadata = (namespaced: boolean) =>
  optional(
    {
      name: dnsLabel(),
      ...(namespaced ? { namespace: fc.constantFrom('default', 'team-a') } : {}),
      labels: stringMap(),
      annotations: stringMap(),
    },
    ['name'],
  );

/**
 * fast-check may build records and dictionaries with a null prototype; objects read from YAML or JSON
 * never have one. Deep copies as plain JSON keep the comparisons about values.
 */
const plain = (arb: fc.Arbitrary<JsonObject>): fc.Arbitrary<JsonObject> => arb.map((o) => JSON.parse(JSON.stringify(o)) as JsonObject);

/** A PodCliqueSet that satisfies the CRD schema. */
export const validPodCliqueSet = (): fc.Arbitrary<JsonObject> =>
  plain(fc.record({
    apiVersion: fc.constant('grove.io/v1alpha1'),
    kind: fc.constant('PodCliqueSet'),
    metadata: metadata(true),
    spec: optional(
      {
        replicas: smallInt32(),
        updateStrategy: optional({ type: fc.constantFrom('RollingRecreate', 'OnDelete') }),
        template: optional(
          {
            cliques: uniqueByName(cliqueTemplate(), 1, 3),
            cliqueStartupType: fc.constantFrom('CliqueStartupTypeAnyOrder', 'CliqueStartupTypeInOrder', 'CliqueStartupTypeExplicit'),
            priorityClassName: dnsLabel(),
            headlessServiceConfig: fc.record({ publishNotReadyAddresses: fc.boolean() }),
            topologyConstraint: topologyConstraint(),
            terminationDelay: fc.constantFrom('4h', '30s', '1m30s', '4h0m0s'),
            resourceClaimTemplates: uniqueByName(resourceClaimTemplate(), 0, 2),
            resourceSharing: fc.array(
              optional(
                {
                  name: dnsLabel(),
                  namespace: dnsLabel(),
                  scope: scope(),
                  filter: optional({ childCliqueNames: fc.array(dnsLabel(), { maxLength: 2 }), childScalingGroupNames: fc.array(dnsLabel(), { maxLength: 2 }) }),
                },
                ['name', 'scope'],
              ),
              { maxLength: 2 },
            ),
            podCliqueScalingGroups: uniqueByName(scalingGroup(), 0, 2),
          },
          ['cliques'],
        ),
      },
      ['template'],
    ),
  }) as fc.Arbitrary<JsonObject>);

export const validPodClique = (): fc.Arbitrary<JsonObject> =>
  plain(fc.record({ apiVersion: fc.constant('grove.io/v1alpha1'), kind: fc.constant('PodClique'), metadata: metadata(true), spec: podCliqueSpec() }) as fc.Arbitrary<JsonObject>);

export const validPodCliqueScalingGroup = (): fc.Arbitrary<JsonObject> =>
  plain(fc.record({
    apiVersion: fc.constant('grove.io/v1alpha1'),
    kind: fc.constant('PodCliqueScalingGroup'),
    metadata: metadata(true),
    spec: optional({ replicas: smallInt32(), minAvailable: smallInt32(), cliqueNames: fc.array(dnsLabel(), { maxLength: 3 }) }, ['replicas', 'cliqueNames']),
  }) as fc.Arbitrary<JsonObject>);

export const validClusterTopologyBinding = (): fc.Arbitrary<JsonObject> =>
  plain(fc.record({
    apiVersion: fc.constant('grove.io/v1alpha1'),
    kind: fc.constant('ClusterTopologyBinding'),
    metadata: metadata(false),
    spec: optional(
      {
        levels: fc.array(fc.record({ domain: topologyDomain(), key: fc.constantFrom(...LABEL_KEY_EDGES.slice(0, 7)) }), { minLength: 1, maxLength: 4 }),
        schedulerTopologyBindings: fc.array(fc.record({ schedulerName: fc.constant('kai-scheduler'), topologyReference: dnsLabel() }), { maxLength: 2 }),
      },
      ['levels'],
    ),
  }) as fc.Arbitrary<JsonObject>);

const packConstraint = () => optional({ packConstraint: optional({ required: anyString(), preferred: anyString() }) });

export const validPodGang = (): fc.Arbitrary<JsonObject> =>
  plain(fc.record({
    apiVersion: fc.constant('scheduler.grove.io/v1alpha1'),
    kind: fc.constant('PodGang'),
    metadata: metadata(true),
    spec: optional(
      {
        podgroups: fc.array(
          optional(
            {
              name: dnsLabel(),
              podReferences: fc.array(fc.record({ name: dnsLabel(), namespace: dnsLabel() }), { maxLength: 3 }),
              minReplicas: smallInt32(),
              topologyConstraint: packConstraint(),
            },
            ['name', 'podReferences', 'minReplicas'],
          ),
          { maxLength: 3 },
        ),
        topologyConstraint: packConstraint(),
        topologyConstraintGroupConfigs: fc.array(
          optional({ name: dnsLabel(), podGroupNames: fc.array(dnsLabel(), { maxLength: 2 }), topologyConstraint: packConstraint() }, ['name', 'podGroupNames']),
          { maxLength: 2 },
        ),
        priorityClassName: dnsLabel(),
        reuseReservationRef: fc.record({ name: dnsLabel(), namespace: dnsLabel() }),
      },
      ['podgroups'],
    ),
  }) as fc.Arbitrary<JsonObject>);

// ---------------------------------------------------------------------------------------------------
// Mutations

/** Any JSON value, biased to the types a schema distinguishes. */
export const anyJson = (): fc.Arbitrary<Json> =>
  fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.constantFrom(...INT32_EDGES),
    fc.integer({ min: -5, max: 5 }),
    fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
    anyString(),
    fc.constantFrom<Json>([], ['a'], [1], [{}], {}, { a: 'b' }, { a: 1 }, { name: 'x' }),
  );

export type MutationKind = 'replace' | 'delete' | 'string' | 'number' | 'addField' | 'emptyList';

export interface Mutation {
  kind: MutationKind;
  /** Picks the target among the candidates (modulo their count). */
  pick: number;
  value: Json;
}

export const mutation = (): fc.Arbitrary<Mutation> =>
  fc.oneof(
    fc.record({ kind: fc.constant<MutationKind>('replace'), pick: fc.nat(), value: anyJson() }),
    fc.record({ kind: fc.constant<MutationKind>('delete'), pick: fc.nat(), value: fc.constant(null) }),
    fc.record({
      kind: fc.constant<MutationKind>('string'),
      pick: fc.nat(),
      value: fc.oneof(
        fc.constantFrom<Json>(...TOPOLOGY_DOMAIN_EDGES),
        fc.constantFrom<Json>(...QUANTITY_EDGES),
        fc.constantFrom<Json>(...LABEL_KEY_EDGES),
        // near misses of the enums
        fc.constantFrom<Json>('rollingrecreate', 'Ondelete', 'OnDelete ', 'CliqueStartupTypeAnyorder', 'AnyOrder', 'allReplicas', 'PerReplica', 'RollingRecreate', 'CliqueStartupTypeExplicit'),
        anyString(),
      ),
    }),
    fc.record({ kind: fc.constant<MutationKind>('number'), pick: fc.nat(), value: fc.constantFrom<Json>(...INT32_EDGES, ...INT64_EDGES) }),
    fc.record({ kind: fc.constant<MutationKind>('addField'), pick: fc.nat(), value: anyJson() }),
    fc.record({ kind: fc.constant<MutationKind>('emptyList'), pick: fc.nat(), value: fc.constant<Json>([]) }),
  );

interface Slot {
  path: Path;
  value: Json;
}

/** Every place in `root` a mutation may touch: not below an opaque key (the opaque value itself is fine). */
export function mutableSlots(root: Json): Slot[] {
  const out: Slot[] = [];
  const visit = (value: Json, path: Path): void => {
    out.push({ path, value });
    const last = path[path.length - 1];
    if (typeof last === 'string' && OPAQUE_KEYS.has(last)) return;
    if (Array.isArray(value)) value.forEach((v, i) => visit(v, [...path, i]));
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) visit(v, [...path, k]);
  };
  visit(root, []);
  return out;
}

function parentOf(root: Json, path: Path): Json {
  let node = root;
  for (const seg of path.slice(0, -1)) node = (node as Record<string | number, Json>)[seg as never]!;
  return node;
}

/** Applies one mutation in place; returns a description of what it did (or null if nothing fitted). */
export function applyMutation(root: JsonObject, m: Mutation): string | null {
  const slots = mutableSlots(root).filter((s) => s.path.length > 0);
  const fit = (pred: (s: Slot) => boolean): Slot | undefined => {
    const c = slots.filter(pred);
    return c.length ? c[m.pick % c.length] : undefined;
  };
  const set = (slot: Slot, value: Json) => {
    const parent = parentOf(root, slot.path) as Record<string | number, Json>;
    parent[slot.path[slot.path.length - 1]! as never] = value;
  };
  const at = (slot: Slot) => '/' + slot.path.join('/');
  switch (m.kind) {
    case 'replace': {
      const slot = fit(() => true);
      if (!slot) return null;
      // An opaque value may only be replaced by a scalar: a list or object would have contents our
      // model does not check (see the header comment).
      const last = slot.path[slot.path.length - 1];
      const value = typeof last === 'string' && OPAQUE_KEYS.has(last) && m.value !== null && typeof m.value === 'object' ? 'opaque' : m.value;
      set(slot, structuredClone(value));
      return `replace ${at(slot)} with ${JSON.stringify(value)}`;
    }
    case 'delete': {
      const slot = fit(() => true);
      if (!slot) return null;
      const parent = parentOf(root, slot.path);
      const key = slot.path[slot.path.length - 1]!;
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete (parent as JsonObject)[key as string];
      return `delete ${at(slot)}`;
    }
    case 'string': {
      const slot = fit((s) => typeof s.value === 'string');
      if (!slot) return null;
      set(slot, m.value);
      return `set string ${at(slot)} to ${JSON.stringify(m.value)}`;
    }
    case 'number': {
      const slot = fit((s) => typeof s.value === 'number');
      if (!slot) return null;
      set(slot, m.value);
      return `set number ${at(slot)} to ${JSON.stringify(m.value)}`;
    }
    case 'addField': {
      const slot = fit((s) => s.value !== null && typeof s.value === 'object' && !Array.isArray(s.value));
      if (!slot) return null;
      (slot.value as JsonObject)[`extra${m.pick % 3}`] = structuredClone(m.value);
      return `add ${at(slot)}/extra${m.pick % 3} = ${JSON.stringify(m.value)}`;
    }
    case 'emptyList': {
      const slot = fit((s) => Array.isArray(s.value));
      if (!slot) return null;
      set(slot, []);
      return `empty ${at(slot)}`;
    }
  }
}

export interface Mutated {
  object: JsonObject;
  /** What was done to the valid object, for failure reports. */
  mutations: string[];
}

/**
 * A valid object with, about half of the time, 1–3 random mutations. (The mutations may happen to
 * keep it valid; the tests count what the oracle says, not what was intended.)
 */
export const mutated = (valid: fc.Arbitrary<JsonObject>): fc.Arbitrary<Mutated> =>
  fc
    .tuple(
      valid,
      fc.oneof({ weight: 2, arbitrary: fc.constant<Mutation[]>([]) }, { weight: 3, arbitrary: fc.array(mutation(), { minLength: 1, maxLength: 3 }) }),
    )
    .map(([object, mutations]) => {
      const copy = structuredClone(object);
      const done = mutations.map((m) => applyMutation(copy, m)).filter((d): d is string => d !== null);
      return { object: copy, mutations: done };
    });

export const mutatedPodCliqueSet = (): fc.Arbitrary<Mutated> => mutated(validPodCliqueSet());
