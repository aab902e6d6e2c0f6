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

/**
 * What the current identity may do with each Grove kind in `namespace`, asked as the actions send their
 * requests: apply = create and patch (SSA needs both) and get (it reads the object first, for the
 * update rules and the diff); scale = patch on /scale and get (it reads the object's count, and a
 * PodClique's labels, first).
 */
export async function capabilities(source: ClusterSource, namespace: string): Promise<Capabilities> {
  // Each answer carries the question it answers, so a refusal can name the right that is missing.
  const ask = async (verb: AccessQuestion['verb'], kind: WatchedKind, subresource?: string): Promise<Permission> => {
    const info = KIND_INFO[kind];
    const check = { verb, resource: info.plural, ...(subresource ? { subresource } : {}), ...(info.namespaced ? { namespace } : {}) };
    return { ...(await source.can({ ...check, group: info.group })), check };
  };
  /** Allowed when every answer is; else the first refusal, which names the right that is missing. */
  const all = async (...answers: Promise<Permission>[]): Promise<Permission> => {
    const given = await Promise.all(answers);
    return given.find((a) => !a.allowed) ?? given[given.length - 1]!;
  };
  const entries = await Promise.all(
    ACTION_KINDS.map(async (kind): Promise<[WatchedKind, KindCapabilities]> => {
      const scalable = isScalableKind(kind);
      // Asked once: apply and scale both read the object first.
      const get = ask('get', kind);
      const [apply, del, scale] = await Promise.all([
        all(ask('create', kind), ask('patch', kind), get),
        ask('delete', kind),
        scalable ? all(ask('patch', kind, 'scale'), get) : Promise.resolve(undefined),
      ]);
      return [kind, { apply, delete: del, ...(scale ? { scale } : {}) }];
    }),
  );
  return { namespace, readOnly: source.info().readOnly, kinds: Object.fromEntries(entries) };
}
