/**
 * The openAPIV3Schema of Grove's five CRDs at the pinned release, written as code (not loaded from
 * the CRD files, which are ~1 MB and would have to ship to the browser). core/v1 PodSpec is
 * modelled for the fields users commonly write; the rest of it is kept as it is.
 * A property test checks these against the real CRD files with a JSON-schema validator.
 */
import { any, arr, bool, int32, int64, map, obj, quantity, str, type ObjectSchema, type Schema } from './schema';
import { CLIQUE_STARTUP_TYPES, RESOURCE_SHARING_SCOPES, UPDATE_STRATEGY_TYPES } from './podcliqueset';
import { TOPOLOGY_DOMAIN_PATTERN } from './topology-constraint';

const topologyDomain = () => str({ pattern: TOPOLOGY_DOMAIN_PATTERN, minLength: 1, maxLength: 63 });
const stringMap = () => map(str());
/** An object whose fields we do not model (the CRD does, deeply): only "is an object" is checked. */
const opaque = () => obj({}, [], { open: true });

const objectMeta: ObjectSchema = obj(
  {
    name: str(),
    generateName: str(),
    namespace: str(),
    labels: stringMap(),
    annotations: stringMap(),
  },
  [],
  { open: true },
);

const envVar = obj({ name: str(), value: str(), valueFrom: opaque() }, ['name'], { open: true });
const containerPort = obj(
  { containerPort: int32(), name: str(), protocol: str(), hostPort: int32(), hostIP: str() },
  ['containerPort'],
  { open: true },
);
const resources = obj(
  { limits: map(quantity()), requests: map(quantity()), claims: arr(obj({ name: str(), request: str() }, ['name']), { listMapKeys: ['name'] }) },
  [],
  { open: true },
);
const container = obj(
  {
    name: str(),
    image: str(),
    imagePullPolicy: str(),
    command: arr(str()),
    args: arr(str()),
    workingDir: str(),
    env: arr(envVar, { listMapKeys: ['name'] }),
    envFrom: arr(opaque()),
    ports: arr(containerPort, { listMapKeys: ['containerPort', 'protocol'] }),
    resources,
    volumeMounts: arr(obj({ name: str(), mountPath: str(), readOnly: bool(), subPath: str() }, ['mountPath', 'name'], { open: true }), {
      listMapKeys: ['mountPath'],
    }),
    livenessProbe: opaque(),
    readinessProbe: opaque(),
    startupProbe: opaque(),
    lifecycle: opaque(),
    securityContext: opaque(),
    restartPolicy: str(),
    stdin: bool(),
    tty: bool(),
  },
  ['name'],
  { open: true },
);
const toleration = obj({ key: str(), operator: str(), value: str(), effect: str(), tolerationSeconds: int64() }, [], { open: true });

export const podSpecSchema: ObjectSchema = obj(
  {
    containers: arr(container, { listMapKeys: ['name'] }),
    initContainers: arr(container, { listMapKeys: ['name'] }),
    schedulerName: str(),
    nodeName: str(),
    nodeSelector: stringMap(),
    affinity: opaque(),
    tolerations: arr(toleration),
    topologySpreadConstraints: arr(opaque()),
    restartPolicy: str(),
    terminationGracePeriodSeconds: int64(),
    activeDeadlineSeconds: int64(),
    priorityClassName: str(),
    priority: int32(),
    serviceAccountName: str(),
    hostNetwork: bool(),
    hostIPC: bool(),
    hostPID: bool(),
    volumes: arr(obj({ name: str() }, ['name'], { open: true }), { listMapKeys: ['name'] }),
    imagePullSecrets: arr(obj({ name: str() }, [], { open: true })),
    schedulingGates: arr(obj({ name: str() }, ['name']), { listMapKeys: ['name'] }),
    securityContext: opaque(),
    dnsPolicy: str(),
    runtimeClassName: str(),
  },
  ['containers'],
  { open: true },
);

/** resource.k8s.io/v1 ResourceClaimTemplateSpec: the device requests are modelled, their details are not. */
const resourceClaimTemplateSpec = obj(
  {
    metadata: opaque(),
    spec: obj(
      {
        devices: obj(
          {
            requests: arr(obj({ name: str(), exactly: opaque(), firstAvailable: arr(opaque()) }, ['name'], { open: true })),
            constraints: arr(opaque()),
            config: arr(opaque()),
          },
          [],
          { open: true },
        ),
      },
      [],
      { open: true },
    ),
  },
  ['spec'],
);

export const topologyConstraintSchema: ObjectSchema = obj({
  topologyName: str(),
  pack: obj({ required: topologyDomain(), preferred: topologyDomain() }),
  packDomain: topologyDomain(),
});

const autoScalingConfig = obj({ minReplicas: int32(), maxReplicas: int32(), metrics: arr(opaque()) }, ['maxReplicas']);
const sharingScope = () => str({ enum: RESOURCE_SHARING_SCOPES });

export const podCliqueSpecSchema: ObjectSchema = obj(
  {
    roleName: str(),
    replicas: int32(),
    minAvailable: int32(),
    startsAfter: arr(str()),
    autoScalingConfig,
    podSpec: podSpecSchema,
  },
  ['podSpec', 'replicas', 'roleName'],
);

const cliqueTemplate = obj(
  {
    name: str(),
    labels: stringMap(),
    annotations: stringMap(),
    topologyConstraint: topologyConstraintSchema,
    resourceSharing: arr(obj({ name: str(), namespace: str(), scope: sharingScope() }, ['name', 'scope'])),
    spec: podCliqueSpecSchema,
  },
  ['name', 'spec'],
);

const scalingGroupConfig = obj(
  {
    name: str(),
    cliqueNames: arr(str()),
    annotations: stringMap(),
    replicas: int32(),
    minAvailable: int32(),
    scaleConfig: autoScalingConfig,
    resourceSharing: arr(
      obj({ name: str(), namespace: str(), scope: sharingScope(), filter: obj({ childCliqueNames: arr(str()) }) }, ['name', 'scope']),
    ),
    topologyConstraint: topologyConstraintSchema,
  },
  ['cliqueNames', 'name'],
);


export const podCliqueSetSchema: ObjectSchema = obj(
  {
    apiVersion: str(),
    kind: str(),
    metadata: objectMeta,
    spec: obj(
      {
        replicas: int32(),
        updateStrategy: obj({ type: str({ enum: UPDATE_STRATEGY_TYPES }) }),
        template: obj(
          {
            cliques: arr(cliqueTemplate, { listMapKeys: ['name'] }),
            cliqueStartupType: str({ enum: CLIQUE_STARTUP_TYPES }),
            priorityClassName: str(),
            headlessServiceConfig: obj({ publishNotReadyAddresses: bool() }, ['publishNotReadyAddresses']),
            topologyConstraint: topologyConstraintSchema,
            terminationDelay: str(),
            resourceClaimTemplates: arr(obj({ name: str(), templateSpec: resourceClaimTemplateSpec }, ['name', 'templateSpec'])),
            resourceSharing: arr(
              obj(
                {
                  name: str(),
                  namespace: str(),
                  scope: sharingScope(),
                  filter: obj({ childCliqueNames: arr(str()), childScalingGroupNames: arr(str()) }),
                },
                ['name', 'scope'],
              ),
            ),
            podCliqueScalingGroups: arr(scalingGroupConfig),
          },
          ['cliques'],
        ),
      },
      ['template'],
    ),
    status: any(),
  },
  ['spec'],
);

export const podCliqueSchema: ObjectSchema = obj(
  { apiVersion: str(), kind: str(), metadata: objectMeta, spec: podCliqueSpecSchema, status: any() },
  ['spec'],
);

export const podCliqueScalingGroupSchema: ObjectSchema = obj(
  {
    apiVersion: str(),
    kind: str(),
    metadata: objectMeta,
    spec: obj({ replicas: int32(), minAvailable: int32(), cliqueNames: arr(str()) }, ['cliqueNames', 'replicas']),
    status: any(),
  },
  ['spec'],
);

const LABEL_KEY_PATTERN = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\/)?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

export const clusterTopologyBindingSchema: ObjectSchema = obj(
  {
    apiVersion: str(),
    kind: str(),
    metadata: objectMeta,
    spec: obj(
      {
        levels: arr(obj({ domain: topologyDomain(), key: str({ pattern: LABEL_KEY_PATTERN, minLength: 1, maxLength: 63 }) }, ['domain', 'key']), {
          minItems: 1,
        }),
        schedulerTopologyBindings: arr(obj({ schedulerName: str(), topologyReference: str() }, ['schedulerName', 'topologyReference'])),
      },
      ['levels'],
    ),
    status: any(),
  },
  ['spec'],
);

const packConstraint = obj({ packConstraint: obj({ required: str(), preferred: str() }) });

export const podGangSchema: ObjectSchema = obj(
  {
    apiVersion: str(),
    kind: str(),
    metadata: objectMeta,
    spec: obj(
      {
        podgroups: arr(
          obj(
            {
              name: str(),
              podReferences: arr(obj({ name: str(), namespace: str() }, ['name', 'namespace'])),
              minReplicas: int32(),
              topologyConstraint: packConstraint,
            },
            ['minReplicas', 'name', 'podReferences'],
          ),
        ),
        topologyConstraint: packConstraint,
        topologyConstraintGroupConfigs: arr(
          obj({ name: str(), podGroupNames: arr(str()), topologyConstraint: packConstraint }, ['name', 'podGroupNames']),
        ),
        priorityClassName: str(),
        reuseReservationRef: obj({ name: str(), namespace: str() }, ['name', 'namespace']),
      },
      ['podgroups'],
    ),
    status: any(),
  },
  ['spec'],
);


/** Schema per Grove kind, keyed by `apiVersion/kind`. */
export const GROVE_SCHEMAS: Record<string, Schema> = {
  'grove.io/v1alpha1/PodCliqueSet': podCliqueSetSchema,
  'grove.io/v1alpha1/PodClique': podCliqueSchema,
  'grove.io/v1alpha1/PodCliqueScalingGroup': podCliqueScalingGroupSchema,
  'grove.io/v1alpha1/ClusterTopologyBinding': clusterTopologyBindingSchema,
  'scheduler.grove.io/v1alpha1/PodGang': podGangSchema,
};
