/**
 * What a browser asks of GET /api/stream: `?namespace=<ns>&cluster=<mode>:<name>`, the namespace chosen
 * in its header for that cluster. The cluster is named because the browser may ask before it knows which
 * cluster this server serves (it guesses the last one it saw): a choice made for another cluster, where
 * the namespace may not exist, is ignored, and the browser asks again once it knows.
 */
import { dns1123LabelError } from '../../lib/grove/meta';
import { ActionFailure } from '../actions/errors';
import type { SourceInfo } from '../sources/types';

/** How a browser names the cluster a namespace was chosen for (as the header's storage key does). */
export function clusterKey(info: Pick<SourceInfo, 'mode' | 'name'>): string {
  return `${info.mode}:${info.name}`;
}

/**
 * The namespace the stream should follow, or undefined (none asked, or asked for another cluster).
 * Throws a 400 ActionFailure for a name that is no namespace name.
 */
export function streamNamespace(params: URLSearchParams, info: Pick<SourceInfo, 'mode' | 'name'>): string | undefined {
  const namespace = params.get('namespace');
  if (namespace === null || namespace === '') return undefined;
  const why = dns1123LabelError(namespace);
  if (why) throw new ActionFailure({ status: 400, reason: 'BadRequest', message: `namespace "${namespace}" ${why}` });
  const cluster = params.get('cluster');
  return cluster === null || cluster === clusterKey(info) ? namespace : undefined;
}
