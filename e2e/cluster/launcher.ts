/**
 * startCluster: a real Kubernetes control plane on 127.0.0.1 for tests and local development: etcd on
 * tmpfs, kube-apiserver (TLS, token auth), kube-controller-manager, kube-scheduler, and KWOK faking the
 * kubelets of the GPU nodes described by a topology spec; the Grove CRDs installed and Established.
 *
 * Every port is picked free at start, so two clusters (two test runs, or a test run next to
 * `npm run cluster:up`) can coexist. Nothing listens on or talks to anything but 127.0.0.1.
 */
import * as k8s from '@kubernetes/client-node';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  DEFAULT_TEST_TOPOLOGY,
  KWOK_NODE_SELECTOR_LABEL,
  nodeCount,
  nodesFromTopologySpec,
  topologyBindingFromSpec,
  type TopologySpec,
} from '../../lib/topology/spec';
import { ensureBinaries, kwokModuleDir, type Log, type TestenvBinaries } from './binaries';
import { groveRelease } from '../fixtures/grove-release';
import { FAILED_LOGS_DIR } from './paths';
import { createPki, type ClusterPki } from './pki';
import { ProcessGroup, type ManagedProcess } from './processes';

export interface StartClusterOptions {
  /** Prebuilt binaries; by default ensureBinaries() finds or builds them. */
  readonly binaries?: TestenvBinaries;
  /** Progress lines (phase and elapsed seconds); defaults to stderr. */
  readonly log?: Log;
  /** Upper bound for each wait (a component becoming healthy, CRDs Established, nodes Ready). */
  readonly waitTimeoutMs?: number;
}

export interface StopOptions {
  /** Copy the component logs to test-results/cluster/ before removing the run directory. */
  readonly keepLogs?: boolean;
}

export interface RunningCluster {
  readonly kubeconfigPath: string;
  /** Control-plane processes started by this cluster, in start order. */
  readonly processes: readonly ManagedProcess[];
  readonly runDir: string;
  readonly apiserverUrl: string;
  /** Seconds spent in each start-up phase, in order. */
  readonly timings: Readonly<Record<string, number>>;
  /** Stops every process by pid, waits for them, removes the run directory. Safe to call twice. */
  stop(options?: StopOptions): Promise<void>;
}

const GROVE_CRD_NAMES = [
  'clustertopologybindings.grove.io',
  'podcliques.grove.io',
  'podcliquescalinggroups.grove.io',
  'podcliquesets.grove.io',
  'podgangs.scheduler.grove.io',
];

// KWOK's "fast" stages (what kwokctl embeds by default) plus the lease heartbeat, which keeps the
// node-lifecycle controller from tainting nodes NotReady. Paths are inside the kwok module.
const KWOK_STAGE_FILES = [
  'kustomize/stage/node/fast/node-initialize.yaml',
  'kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml',
  'kustomize/stage/pod/fast/pod-ready.yaml',
  'kustomize/stage/pod/fast/pod-complete.yaml',
  'kustomize/stage/pod/fast/pod-delete.yaml',
];

// The controllers the tests and Grove rely on (GC for ownerReference cascades, workload controllers,
// namespaces, service accounts, HPA, node lifecycle); the full default set costs CPU on 2 cores.
const CONTROLLERS = [
  'garbage-collector-controller',
  'namespace-controller',
  'serviceaccount-controller',
  'serviceaccount-token-controller',
  'deployment-controller',
  'replicaset-controller',
  'statefulset-controller',
  'job-controller',
  'endpointslice-controller',
  'horizontal-pod-autoscaler-controller',
  'disruption-controller',
  'pod-garbage-collector-controller',
  'node-lifecycle-controller',
  'taint-eviction-controller',
];

/** Reserves `count` distinct free TCP ports on 127.0.0.1 (all held open together, so none repeats). */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<net.Server>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

interface HttpGetOptions {
  readonly ca?: Buffer;
  readonly token?: string;
  /** The component's own self-signed serving certificate on loopback: nothing to verify it against. */
  readonly insecure?: boolean;
}

function httpGetStatus(url: string, options: HttpGetOptions = {}): Promise<number> {
  const client = url.startsWith('https:') ? https : http;
  return new Promise((resolve) => {
    const request = client.get(
      url,
      {
        ca: options.ca,
        rejectUnauthorized: !options.insecure,
        headers: options.token ? { Authorization: `Bearer ${options.token}` } : {},
        timeout: 5_000,
      },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(0));
  });
}

function kubeconfigYaml(server: string, pki: ClusterPki): string {
  const caData = readFileSync(pki.caCert).toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: canopy-testenv',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${caData}`,
    'users:',
    '- name: canopy-admin',
    '  user:',
    `    token: ${pki.adminToken}`,
    'contexts:',
    '- name: canopy-testenv',
    '  context: {cluster: canopy-testenv, user: canopy-admin}',
    'current-context: canopy-testenv',
    '',
  ].join('\n');
}

/** tmpfs when the machine has it: etcd's writes never touch a disk. */
function runDirParent(): string {
  return existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
}

/** The CRDs of the pinned Grove release (from the Go module cache, or the shared reference copies: see grove-release.ts). */
function loadGroveCrds(): k8s.V1CustomResourceDefinition[] {
  const files = groveRelease().crdFiles;
  if (files.length !== 5) throw new Error(`expected the 5 Grove CRDs, found ${files.length}: ${files.join(', ')}`);
  return files.flatMap((file) => k8s.loadAllYaml(readFileSync(file, 'utf8')) as k8s.V1CustomResourceDefinition[]);
}

function isEstablished(crd: k8s.V1CustomResourceDefinition): boolean {
  return crd.status?.conditions?.some((condition) => condition.type === 'Established' && condition.status === 'True') ?? false;
}

function isReady(node: k8s.V1Node): boolean {
  return node.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') ?? false;
}

/** Runs `work` over `items` with at most `limit` in flight (the apiserver shares 2 cores with the rest). */
async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export async function startCluster(
  topology: TopologySpec = DEFAULT_TEST_TOPOLOGY,
  options: StartClusterOptions = {},
): Promise<RunningCluster> {
  const log = options.log ?? ((line: string) => console.error(`[cluster] ${line}`));
  const waitTimeoutMs = options.waitTimeoutMs ?? 120_000;
  const nodes = nodesFromTopologySpec(topology); // validates the spec before anything starts
  const binaries = options.binaries ?? (await ensureBinaries(log));

  const started = Date.now();
  const timings: Record<string, number> = {};
  let phaseStarted = started;
  const phaseDone = (phase: string): void => {
    const now = Date.now();
    timings[phase] = (now - phaseStarted) / 1000;
    phaseStarted = now;
    log(`${phase}: ${timings[phase]!.toFixed(1)}s (total ${((now - started) / 1000).toFixed(1)}s)`);
  };

  const runDir = mkdtempSync(path.join(runDirParent(), 'canopy-testenv-'));
  const logDir = path.join(runDir, 'logs');
  mkdirSync(logDir);
  // If Node goes away without stop(), the group kills the processes and this removes their tmpfs dir.
  const group = new ProcessGroup(logDir, () => rmSync(runDir, { recursive: true, force: true }));
  let stopped = false;

  const stop = async (stopOptions: StopOptions = {}): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await group.stopAll();
    if (stopOptions.keepLogs) {
      const target = path.join(FAILED_LOGS_DIR, path.basename(runDir));
      mkdirSync(target, { recursive: true });
      cpSync(logDir, target, { recursive: true });
      log(`logs kept in ${target}`);
    }
    rmSync(runDir, { recursive: true, force: true });
  };

  /** Polls `check` until true; fails early, with the log tail, when a component dies meanwhile. */
  const waitFor = async (what: string, check: () => Promise<boolean>): Promise<void> => {
    const deadline = Date.now() + waitTimeoutMs;
    for (;;) {
      const died = group.unexpectedExit();
      if (died) throw new Error(`while waiting for ${what}: ${died}`);
      if (await check().catch(() => false)) return;
      if (Date.now() > deadline) throw new Error(`timed out after ${waitTimeoutMs / 1000}s waiting for ${what} (logs: ${logDir})`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  try {
    const [etcdClientPort, etcdPeerPort, apiserverPort, controllerManagerPort, schedulerPort] = (await freePorts(5)) as [
      number, number, number, number, number,
    ];
    // Look up the kwok module (a `go` call) while the control plane boots; awaited when kwok starts.
    const kwokDirLookup = kwokModuleDir();
    kwokDirLookup.catch(() => undefined); // reported where it is awaited, not as an unhandled rejection
    const pki = await createPki(path.join(runDir, 'pki'));
    const apiserverUrl = `https://127.0.0.1:${apiserverPort}`;
    const kubeconfigPath = path.join(runDir, 'kubeconfig');
    writeFileSync(kubeconfigPath, kubeconfigYaml(apiserverUrl, pki), { mode: 0o600 });
    phaseDone('pki');

    const etcdUrl = `http://127.0.0.1:${etcdClientPort}`;
    const etcdPeerUrl = `http://127.0.0.1:${etcdPeerPort}`;
    group.start('etcd', binaries.etcd, [
      '--name=canopy',
      `--data-dir=${path.join(runDir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${etcdPeerUrl}`,
      `--initial-advertise-peer-urls=${etcdPeerUrl}`,
      `--initial-cluster=canopy=${etcdPeerUrl}`,
      // Test data is disposable and lives in tmpfs: fsync buys nothing and costs latency.
      '--unsafe-no-fsync',
      '--auto-compaction-retention=1',
      '--quota-backend-bytes=2147483648',
      '--log-level=warn',
    ]);
    await waitFor('etcd /health', async () => (await httpGetStatus(`${etcdUrl}/health`)) === 200);
    phaseDone('etcd');

    const ca = readFileSync(pki.caCert);
    group.start('kube-apiserver', binaries.kubeApiserver, [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiserverPort}`,
      `--tls-cert-file=${pki.apiserverCert}`,
      `--tls-private-key-file=${pki.apiserverKey}`,
      `--client-ca-file=${pki.caCert}`,
      `--token-auth-file=${pki.tokenAuthFile}`,
      '--authorization-mode=RBAC',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${pki.serviceAccountPub}`,
      `--service-account-signing-key-file=${pki.serviceAccountKey}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      // No kubelet ever creates the default ServiceAccount's token volume: the admission would reject pods.
      '--disable-admission-plugins=ServiceAccount',
      '--allow-privileged=true',
      // The "kubernetes" Service's Endpoints may not point at a loopback address; nothing in-cluster dials it.
      '--endpoint-reconciler-type=none',
      // Tests create many objects quickly from one identity; fairness queuing only slows them down here.
      '--enable-priority-and-fairness=false',
      `--cert-dir=${path.join(runDir, 'apiserver-certs')}`,
      '--profiling=false',
    ]);
    await waitFor('kube-apiserver /readyz', async () => (await httpGetStatus(`${apiserverUrl}/readyz`, { ca, token: pki.adminToken })) === 200);
    phaseDone('kube-apiserver');

    const kubeConfig = new k8s.KubeConfig();
    kubeConfig.loadFromFile(kubeconfigPath);
    const extensions = kubeConfig.makeApiClient(k8s.ApiextensionsV1Api);
    const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
    const customObjects = kubeConfig.makeApiClient(k8s.CustomObjectsApi);

    for (const crd of loadGroveCrds()) await extensions.createCustomResourceDefinition({ body: crd });
    await waitFor('Grove CRDs Established', async () => {
      const crds = await Promise.all(GROVE_CRD_NAMES.map((name) => extensions.readCustomResourceDefinition({ name })));
      return crds.every(isEstablished);
    });
    phaseDone('grove CRDs established');

    // Controllers start once the Grove CRDs are Established: the garbage collector discovers resource
    // types when it starts and then only every 30 s, so a Grove kind that appears later would make
    // cascading deletes from Grove owners wait up to that long. They warm up while nodes are created.
    group.start('kube-controller-manager', binaries.kubeControllerManager, [
      `--kubeconfig=${kubeconfigPath}`,
      '--leader-elect=false',
      '--bind-address=127.0.0.1',
      `--secure-port=${controllerManagerPort}`,
      '--authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics',
      `--service-account-private-key-file=${pki.serviceAccountKey}`,
      `--root-ca-file=${pki.caCert}`,
      '--use-service-account-credentials=false',
      `--controllers=${CONTROLLERS.join(',')}`,
    ]);
    group.start('kube-scheduler', binaries.kubeScheduler, [
      `--kubeconfig=${kubeconfigPath}`,
      '--leader-elect=false',
      '--bind-address=127.0.0.1',
      `--secure-port=${schedulerPort}`,
      '--authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics',
    ]);
    const stagesFile = path.join(runDir, 'kwok-stages.yaml');
    const kwokDir = await kwokDirLookup;
    writeFileSync(stagesFile, KWOK_STAGE_FILES.map((file) => readFileSync(path.join(kwokDir, file), 'utf8').trim()).join('\n---\n') + '\n');
    group.start('kwok', binaries.kwok, [
      `--kubeconfig=${kubeconfigPath}`,
      `--config=${stagesFile}`,
      '--manage-all-nodes=false',
      `--manage-nodes-with-label-selector=${KWOK_NODE_SELECTOR_LABEL.key}=${KWOK_NODE_SELECTOR_LABEL.value}`,
      // Pod and node IPs are data only; 127.0.0.1 keeps any stray apiserver→"kubelet" dial on loopback.
      '--node-ip=127.0.0.1',
      '--cidr=10.244.0.1/16',
      '--node-lease-duration-seconds=40',
    ]);
    phaseDone('controllers started');

    await customObjects.createClusterCustomObject({
      group: 'grove.io',
      version: 'v1alpha1',
      plural: 'clustertopologybindings',
      body: topologyBindingFromSpec(topology),
    });
    await forEachLimited(nodes, 8, (node) => core.createNode({ body: node }));
    const selector = `${KWOK_NODE_SELECTOR_LABEL.key}=${KWOK_NODE_SELECTOR_LABEL.value}`;
    const expected = nodeCount(topology);
    await waitFor(`${expected} KWOK nodes Ready`, async () => {
      const list = await core.listNode({ labelSelector: selector });
      return list.items.filter(isReady).length === expected;
    });
    phaseDone('nodes ready');

    await waitFor('kube-scheduler /healthz', async () => (await httpGetStatus(`https://127.0.0.1:${schedulerPort}/healthz`, { insecure: true })) === 200);
    await waitFor('kube-controller-manager /healthz', async () => (await httpGetStatus(`https://127.0.0.1:${controllerManagerPort}/healthz`, { insecure: true })) === 200);
    phaseDone('controllers healthy');

    log(`cluster up in ${((Date.now() - started) / 1000).toFixed(1)}s: ${apiserverUrl}, ${expected} nodes, kubeconfig ${kubeconfigPath}`);
    return { kubeconfigPath, processes: group.processes, runDir, apiserverUrl, timings, stop };
  } catch (error) {
    await stop({ keepLogs: true });
    throw error;
  }
}
