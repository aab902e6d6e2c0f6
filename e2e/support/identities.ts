/**
 * Restricted test identities, as a platform team hands them out: a ServiceAccount, rights granted as a
 * Role + RoleBinding in one namespace, and a kubeconfig with a token from the TokenRequest API. Shared
 * by the live Playwright specs and the vitest cluster tests, so it imports neither runner.
 */
import * as k8s from '@kubernetes/client-node';
import { writeFileSync } from 'node:fs';

/** Binds `rules` to the ServiceAccount `account` in `namespace` (a Role and a RoleBinding, both named `name`). */
export async function grant(rbac: k8s.RbacAuthorizationV1Api, namespace: string, account: string, name: string, rules: k8s.V1PolicyRule[]): Promise<void> {
  await rbac.createNamespacedRole({ namespace, body: { metadata: { name }, rules } });
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name: account, namespace }],
    },
  });
}

/** Creates the ServiceAccount `account` in `namespace` and returns a token for it (TokenRequest API). */
export async function serviceAccountToken(core: k8s.CoreV1Api, namespace: string, account: string, expirationSeconds = 3600): Promise<string> {
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: account } } });
  const request = await core.createNamespacedServiceAccountToken({ name: account, namespace, body: { spec: { audiences: [], expirationSeconds } } });
  return request.status!.token;
}

export interface KubeconfigOptions {
  /** The context's name; the account's name unless given. */
  readonly context?: string;
  readonly expirationSeconds?: number;
}

/**
 * Creates the ServiceAccount `account` in `namespace` and writes a kubeconfig for it to `file`: the
 * admin's cluster, a token for the account, and a context (named after the account unless
 * `options.context`) whose namespace is `namespace`.
 */
export async function serviceAccountKubeconfig(admin: k8s.KubeConfig, namespace: string, account: string, file: string, options: KubeconfigOptions = {}): Promise<k8s.KubeConfig> {
  const token = await serviceAccountToken(admin.makeApiClient(k8s.CoreV1Api), namespace, account, options.expirationSeconds);
  const cluster = admin.getCurrentCluster()!;
  const context = options.context ?? account;
  const config = new k8s.KubeConfig();
  config.loadFromOptions({
    clusters: [cluster],
    users: [{ name: account, token }],
    contexts: [{ name: context, cluster: cluster.name, user: account, namespace }],
    currentContext: context,
  });
  writeFileSync(file, config.exportConfig(), { mode: 0o600 });
  return config;
}
