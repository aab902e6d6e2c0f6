/**
 * Where the live cluster is: the kubeconfig as kubectl finds it (every file of `KUBECONFIG`, merged,
 * else `~/.kube/config`), with a selectable context; else the pod's service account when running
 * in-cluster; else nothing, and the caller falls back to the simulated cluster.
 * In-cluster the server is read-only unless CANOPY_ALLOW_WRITES=true: a dashboard in a pod acts with
 * the pod's identity, not the viewer's, so it must not widen anyone's rights by default.
 */
import * as k8s from '@kubernetes/client-node';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { SourceInfo } from '../sources/types';

export interface ConnectionOptions {
  /** Context to use instead of the kubeconfig's current one. */
  context?: string;
  /** Environment to read (KUBECONFIG, KUBERNETES_SERVICE_HOST, CANOPY_ALLOW_WRITES, CANOPY_NAMESPACE); default process.env. */
  env?: Record<string, string | undefined>;
  /** Home directory for ~/.kube/config; default os.homedir(). */
  home?: string;
  /** Prefix of the service-account directory /var/run/secrets/kubernetes.io/serviceaccount (tests); default ''. */
  serviceAccountRoot?: string;
}

export interface Connection {
  kubeConfig: k8s.KubeConfig;
  info: SourceInfo;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** A connection problem a person has to fix (unknown context, unreadable kubeconfig). */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
}

/** The kubeconfig files kubectl would read, in order (only those that exist). */
export function kubeconfigFiles(env: Record<string, string | undefined> = process.env, home: string = homedir()): string[] {
  if (env.KUBECONFIG) return env.KUBECONFIG.split(path.delimiter).filter((file) => file && existsSync(file));
  const file = path.join(home, '.kube', 'config');
  return existsSync(file) ? [file] : [];
}

/**
 * Loads one kubeconfig file; a failure names that file and keeps only the first line of the parser's
 * message (js-yaml's reason with line:column): the lines after it quote the file, credentials included,
 * and this message reaches the browser.
 */
function loadKubeconfigFile(kubeConfig: k8s.KubeConfig, file: string): void {
  try {
    kubeConfig.loadFromFile(file);
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('\n', 1)[0]!.trim();
    throw new ConnectionError(`cannot read kubeconfig ${file}: ${reason || 'unreadable'}`);
  }
}

/** Every file, merged as kubectl merges them. */
function loadKubeconfig(files: string[]): k8s.KubeConfig {
  const kubeConfig = new k8s.KubeConfig();
  loadKubeconfigFile(kubeConfig, files[0]!);
  for (const file of files.slice(1)) {
    const more = new k8s.KubeConfig();
    loadKubeconfigFile(more, file);
    // kubectl: the first file to set current-context wins; clusters/users/contexts merge.
    kubeConfig.mergeConfig(more, true);
    if (!kubeConfig.currentContext && more.currentContext) kubeConfig.setCurrentContext(more.currentContext);
  }
  return kubeConfig;
}

/**
 * The kubeconfig's context names without opening any of them (empty without a kubeconfig): what to
 * offer when the current context cannot be used. Throws ConnectionError when a file does not parse.
 */
export function kubeconfigContextNames(options: Pick<ConnectionOptions, 'env' | 'home'> = {}): string[] {
  const files = kubeconfigFiles(options.env ?? process.env, options.home ?? homedir());
  return files.length > 0 ? loadKubeconfig(files).getContexts().map((c) => c.name) : [];
}

/**
 * CANOPY_NAMESPACE, when set, instead of the context's namespace (as `kubectl --namespace` would): the
 * default namespace of actions, and the one namespace a kind is listed in when it may not be listed
 * cluster-wide (server/sources/live.ts).
 */
function namespaceSetting(env: Record<string, string | undefined>): string | undefined {
  const value = env.CANOPY_NAMESPACE?.trim();
  if (!value) return undefined;
  if (value.length > 63 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value)) {
    throw new ConnectionError(`CANOPY_NAMESPACE ${JSON.stringify(value)} is not a namespace name (lower-case letters, digits and dashes, at most 63)`);
  }
  return value;
}

export function openConnection(options: ConnectionOptions = {}): Connection | null {
  const env = options.env ?? process.env;
  const namespaceOverride = namespaceSetting(env);
  const files = kubeconfigFiles(env, options.home ?? homedir());
  if (files.length > 0) {
    const kubeConfig = loadKubeconfig(files);
    const context = options.context ?? kubeConfig.getCurrentContext();
    if (!context) throw new ConnectionError(`kubeconfig ${files[0]} has no current context; choose one with --context`);
    const contextObject = kubeConfig.getContextObject(context);
    if (!contextObject) {
      const known = kubeConfig.getContexts().map((c) => c.name);
      throw new ConnectionError(`context "${context}" is not in the kubeconfig (known: ${known.join(', ') || 'none'})`);
    }
    kubeConfig.setCurrentContext(context);
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new ConnectionError(`context "${context}" names no cluster that the kubeconfig defines`);
    return {
      kubeConfig,
      info: { mode: 'live', name: context, server: cluster.server, namespace: namespaceOverride ?? contextObject.namespace ?? 'default', readOnly: false },
    };
  }
  const root = options.serviceAccountRoot ?? '';
  if (env.KUBERNETES_SERVICE_HOST && existsSync(`${root}${SERVICE_ACCOUNT_DIR}/token`)) {
    if (options.context) throw new ConnectionError(`--context ${options.context}: there is no kubeconfig, only the in-cluster service account`);
    const kubeConfig = new k8s.KubeConfig();
    // client-node reads KUBERNETES_SERVICE_HOST/PORT from process.env itself.
    kubeConfig.loadFromCluster(root);
    const cluster = kubeConfig.getCurrentCluster();
    const namespace = kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace?.trim();
    return {
      kubeConfig,
      info: {
        mode: 'live',
        name: 'in-cluster',
        server: cluster?.server,
        namespace: namespaceOverride ?? (namespace || 'default'),
        readOnly: env.CANOPY_ALLOW_WRITES !== 'true',
      },
    };
  }
  if (options.context) throw new ConnectionError(`--context ${options.context}: no kubeconfig found (KUBECONFIG or ~/.kube/config)`);
  return null;
}

/** Context names of the kubeconfig (no credentials), for a context picker. */
export function contextNames(connection: Connection): string[] {
  return connection.info.name === 'in-cluster' ? [] : connection.kubeConfig.getContexts().map((c) => c.name);
}
