/**
 * "May I": SelfSubjectAccessReview for one question, and the capabilities the UI needs to enable or
 * disable its buttons (apply, delete, scale per Grove kind in a namespace). Asking never widens
 * rights: the apiserver answers for the kubeconfig's own identity.
 */
import { KIND_INFO, isScalableKind, type WatchedKind } from '../../lib/cluster/kinds';
import type { Connection } from '../kube/connection';
import { kubeRequest } from '../kube/request';
import type { AccessQuestion, ClusterSource } from '../sources/types';
import type { Capabilities, KindCapabilities, Permission } from '../../lib/cluster/capabilities';

interface SelfSubjectAccessReview {
  status?: { allowed?: boolean; denied?: boolean; reason?: string; evaluationError?: string };
}

export async function canI(connection: Connection, question: AccessQuestion): Promise<{ allowed: boolean; reason?: string }> {
  const review = await kubeRequest<SelfSubjectAccessReview>(connection.kubeConfig, {
    method: 'POST',
    path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
    body: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { ...question } },
    },
  });
  const allowed = review.status?.allowed === true;
  const reason = review.status?.reason || review.status?.evaluationError;
  return reason ? { allowed, reason } : { allowed };
}

export type { Capabilities, KindCapabilities, Permission } from '../../lib/cluster/capabilities';

const ACTION_KINDS: WatchedKind[] = ['PodCliqueSet', 'PodCliqueScalingGroup', 'PodClique', 'ClusterTopologyBinding'];

/** What the current identity may do with each Grove kind in `namespace` (apply = create and patch, as SSA needs both). */
export async function capabilities(source: ClusterSource, namespace: string): Promise<Capabilities> {
  // Each answer carries the question it answers, so a refusal can name the right that is missing.
  const ask = async (verb: AccessQuestion['verb'], kind: WatchedKind, subresource?: string): Promise<Permission> => {
    const info = KIND_INFO[kind];
    const check = { verb, resource: info.plural, ...(subresource ? { subresource } : {}), ...(info.namespaced ? { namespace } : {}) };
    return { ...(await source.can({ ...check, group: info.group })), check };
  };
  const both = async (a: Promise<Permission>, b: Promise<Permission>): Promise<Permission> => {
    const [x, y] = await Promise.all([a, b]);
    return !x.allowed ? x : y;
  };
  const entries = await Promise.all(
    ACTION_KINDS.map(async (kind): Promise<[WatchedKind, KindCapabilities]> => {
      const scalable = isScalableKind(kind);
      const [apply, del, scale] = await Promise.all([
        both(ask('create', kind), ask('patch', kind)),
        ask('delete', kind),
        scalable ? ask('patch', kind, 'scale') : Promise.resolve(undefined),
      ]);
      return [kind, { apply, delete: del, ...(scale ? { scale } : {}) }];
    }),
  );
  return { namespace, readOnly: source.info().readOnly, kinds: Object.fromEntries(entries) };
}
