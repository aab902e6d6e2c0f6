/**
 * `canopy snapshot [--context NAME] [-o FILE]`
 * Writes the live cluster as the snapshot List that `canopy place --cluster` and
 * `canopy serve --simulate` read: every Node, Pod and ClusterTopologyBinding, and Grove's
 * PodCliqueSets, PodCliques, PodCliqueScalingGroups and PodGangs (what a what-if of the running
 * stacks needs; place reads only the first three), managedFields stripped.
 * Exit 0: written; 1: no cluster, or the apiserver refused; 2: bad flags or an unwritable file.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ActionFailure } from '../actions/errors';
import { ConnectionError, openConnection } from '../kube/connection';
import { KIND_INFO, type WatchedKind } from '../../lib/cluster/kinds';
import type { KubeList } from '../../lib/topology/snapshot';
import type { KubeObject } from '../../lib/grove/meta';
import { kubeList } from '../../lib/topology/snapshot';
import { listAll, SNAPSHOT_KINDS } from '../kube/snapshot';
import { LiveSource } from '../sources/live';
import type { ClusterSource } from '../sources/types';
import { parseCommandArgs } from './io';
import type { CliIO } from './main';

const HELP = `Usage: canopy snapshot [--context NAME] [-o FILE] > cluster.json

Writes the cluster of the kubeconfig (KUBECONFIG or ~/.kube/config, or the in-cluster service account)
as a Kubernetes List of its Nodes, Pods, ClusterTopologyBindings and Grove objects, as
  kubectl get nodes,pods,clustertopologybindings,podcliquesets,podcliques,podcliquescalinggroups,podgangs -A -o json
prints it (without managedFields; without Grove's kinds when Grove is not installed). Read it with
'canopy place --cluster' or 'canopy serve --simulate' (which runs its Grove stacks).

Options:
      --context NAME   use this kubeconfig context instead of the current one
  -o, --output FILE    write to FILE instead of standard output (always JSON; -o json is refused,
                       as it would name the file "json")
  -h, --help           show this help
`;

/** A list that failed, with the kind it was of: "cannot list pods: Forbidden" says which RBAC rule is missing. */
class KindListFailure extends Error {
  constructor(
    readonly kind: WatchedKind,
    override readonly cause: unknown,
  ) {
    super(`cannot list ${kind}`);
  }
}

/** Grove's kinds, after what `canopy place` reads: `canopy serve --simulate` adopts the stacks they make up. */
const GROVE_SNAPSHOT_KINDS: WatchedKind[] = ['PodCliqueSet', 'PodClique', 'PodCliqueScalingGroup', 'PodGang'];

/** A kind the cluster does not serve: its list is a 404 (Grove's CRDs not installed). */
const notServed = (error: unknown) => error instanceof ActionFailure && error.status === 404;

async function listKind(source: ClusterSource, kind: WatchedKind): Promise<readonly KubeObject[] | 'not served'> {
  try {
    return await listAll(source, kind);
  } catch (error) {
    if (GROVE_SNAPSHOT_KINDS.includes(kind) && notServed(error)) return 'not served';
    throw new KindListFailure(kind, error);
  }
}

/** The snapshot of a cluster: its Nodes, Pods, bindings and Grove objects, and the Grove kinds it does not serve. */
export async function snapshotList(source: ClusterSource): Promise<{ list: KubeList; notServed: WatchedKind[] }> {
  const kinds = [...SNAPSHOT_KINDS, ...GROVE_SNAPSHOT_KINDS];
  const lists = await Promise.all(kinds.map((kind) => listKind(source, kind)));
  return { list: kubeList(lists.flatMap((l) => (l === 'not served' ? [] : l))), notServed: kinds.filter((_, i) => lists[i] === 'not served') };
}

/** Output formats of the other commands: as a snapshot FILE name they are a mistake. */
const OUTPUT_FORMATS = new Set(['json', 'yaml', 'text', 'wide', 'name']);

export async function runSnapshot(argv: string[], io: CliIO, env: Record<string, string | undefined> = process.env): Promise<number> {
  const parsed = parseCommandArgs('snapshot', HELP, io, () =>
    parseArgs({
      args: argv,
      options: { context: { type: 'string' }, output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }),
  );
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  // Elsewhere -o is a format: `canopy snapshot -o json > cluster.json` would write a file named json.
  if (values.output !== undefined && OUTPUT_FORMATS.has(values.output)) {
    io.stderr.write(`canopy snapshot: -o takes a FILE, not a format: snapshot always writes JSON (use > FILE or -o FILE.json)\n`);
    return 2;
  }
  let source: LiveSource;
  try {
    const connection = openConnection({ context: values.context, env });
    if (!connection) {
      io.stderr.write('canopy snapshot: no cluster: no kubeconfig (KUBECONFIG or ~/.kube/config) and not running in a cluster\n');
      return 1;
    }
    source = new LiveSource(connection);
  } catch (error) {
    io.stderr.write(`canopy snapshot: ${error instanceof ConnectionError ? error.message : String(error)}\n`);
    return 1;
  }
  let text: string;
  try {
    const { list, notServed } = await snapshotList(source);
    text = `${JSON.stringify(list, null, 2)}\n`;
    if (notServed.length > 0) io.stderr.write(`canopy snapshot: the cluster does not serve ${notServed.map((k) => KIND_INFO[k].plural).join(', ')} (Grove is not installed?): the snapshot has no Grove objects\n`);
    const counts = new Map<string, number>();
    for (const item of list.items as { kind?: string }[]) counts.set(item.kind ?? '?', (counts.get(item.kind ?? '?') ?? 0) + 1);
    io.stderr.write(`canopy snapshot: ${source.info().name}: ${[...counts].map(([kind, n]) => `${n} ${kind}`).join(', ') || 'nothing'}\n`);
  } catch (error) {
    const failure = error instanceof KindListFailure ? error.cause : error;
    const why = failure instanceof ActionFailure ? `${failure.reason}: ${failure.message}` : String(failure);
    io.stderr.write(`canopy snapshot: ${error instanceof KindListFailure ? `cannot list ${KIND_INFO[error.kind].plural}: ` : ''}${why}\n`);
    return 1;
  } finally {
    await source.close();
  }
  if (values.output) {
    try {
      await writeFile(values.output, text);
    } catch (error) {
      io.stderr.write(`canopy snapshot: cannot write ${values.output}: ${(error as Error).message}\n`);
      return 2;
    }
  } else {
    io.stdout.write(text);
  }
  return 0;
}
