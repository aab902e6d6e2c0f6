/**
 * Restricted identities for live specs: a ServiceAccount, rights granted as a Role + RoleBinding in one
 * namespace, and a kubeconfig with a token from the TokenRequest API (as a platform team hands out).
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

/**
 * Creates the ServiceAccount `account` in `namespace` and writes a kubeconfig for it to `file`: the
 * admin's cluster, a token for the account, and a context of the same name whose namespace is `namespace`.
 */
export async function serviceAccountKubeconfig(admin: k8s.KubeConfig, namespace: string, account: string, file: string): Promise<k8s.KubeConfig> {
  const core = admin.makeApiClient(k8s.CoreV1Api);
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: account } } });
  const token = await core.createNamespacedServiceAccountToken({ name: account, namespace, body: { spec: { audiences: [], expirationSeconds: 3600 } } });
  const cluster = admin.getCurrentCluster()!;
  const config = new k8s.KubeConfig();
  config.loadFromOptions({
    clusters: [cluster],
    users: [{ name: account, token: token.status!.token }],
    contexts: [{ name: account, cluster: cluster.name, user: account, namespace }],
    currentContext: account,
  });
  writeFileSync(file, config.exportConfig(), { mode: 0o600 });
  return config;
}
