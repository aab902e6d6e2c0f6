/**
 * `canopy place --cluster SNAPSHOT.json [-o json] PCS.yaml...`
 * Where would these PodCliqueSets land on this cluster, and if not, why?
 * Exit 0: every gang placed; 3: some gang not placed; 1: invalid input (manifest errors, a snapshot
 * that is not a usable cluster, no PodCliqueSet); 2: a file could not be read or parsed.
 */
import { parseArgs } from 'node:util';
import type { ClusterState } from '../../lib/cluster/state';
import { checkManifestText, type ValidationContext } from '../../lib/grove/check';
import { expandPodGangs } from '../../lib/grove/expand';
import type { ExpandedGang } from '../../lib/grove/gang';
import { parseManifests } from '../../lib/grove/manifest';
import type { PodCliqueSet } from '../../lib/grove/podcliqueset';
import { placeGangs } from '../../lib/placement';
import type { GangPlacement } from '../../lib/placement/plan';
import { parseClusterSnapshot } from '../../lib/topology/snapshot';
import { clip, inputLabel, InputError, outputFormat, parseCommandArgs, parseJsonInput, readInput } from './io';
import type { CliIO } from './main';

const HELP = `Usage: canopy place --cluster SNAPSHOT.json [-o json] PCS.yaml...

Places every PodGang of the PodCliqueSets in PCS.yaml (multi-document YAML; - reads standard input)
on the cluster in SNAPSHOT.json as the stack's scheduler would: gangs in order, pods already bound in
the snapshot counting as used. A stack whose pods name schedulerName kai-scheduler is placed as
gangs, each all or nothing, with its topology constraints; one on default-scheduler (kube-scheduler,
also when its pods name no scheduler) pod by pod, with the constraints ignored, and a warning says so.
SNAPSHOT.json is a Kubernetes List as printed by:
  kubectl get nodes,pods,clustertopologybindings -A -o json

Options:
  -c, --cluster FILE    the cluster snapshot (required)
  -o, --output FORMAT   text (default) or json
  -h, --help            show this help

Exit status: 0 every gang placed, 3 some gang not placed, 1 invalid input (manifest errors, unusable
snapshot, no PodCliqueSet), 2 a file could not be read or parsed.
`;

export interface PlaceJson {
  feasible: boolean;
  gangs: {
    name: string;
    placed: boolean;
    reason?: string;
    domains: Record<string, string>;
    pods: { name: string; clique: string; node: string; gpus: number }[];
    /** Optional additions (absent when empty): why at each level, for a gang not placed. */
    /** `exceedsCapacity`: the need is more than that level's largest domain holds even when empty (waiting will not help). */
    explanation?: { level: string; needs: string; best: string; message: string; exceedsCapacity?: true }[];
    /** Pods above minAvailable that did not fit, and why the first did not. */
    unplacedOptionalPods?: string[];
    unplacedOptionalReason?: string;
    /** The scheduler places each pod on its own (default-scheduler): the pods that stay Pending. */
    independent?: true;
    unplacedPods?: string[];
    /** Constraints ignored, the scheduler modelled, a preferred pack not met. */
    warnings?: string[];
  }[];
}

async function readCluster(file: string, io: CliIO): Promise<ClusterState> {
  const json = parseJsonInput(file, await readInput(file, io));
  const result = parseClusterSnapshot(json);
  if (!result.ok) {
    const lines = result.errors.map((e) => `${file}: ${clip(e.message)}`);
    throw new InputError(lines.join('\n'), 1);
  }
  if (result.state.nodes.length === 0) throw new InputError(`${file}: the snapshot has no nodes (take it with kubectl get nodes,pods,clustertopologybindings -A -o json)`, 1);
  return result.state;
}

/**
 * The webhook's view of the snapshot's cluster: its ClusterTopologyBindings, so a constraint naming a
 * binding or a domain the cluster lacks is refused as Grove would refuse it.
 */
function validationContext(state: ClusterState): ValidationContext {
  return { topologies: Object.fromEntries(state.topologies.map((t) => [t.name, t.levels])) };
}

/**
 * Rules that warn when the validator cannot know the cluster, but are the webhook's errors when the
 * snapshot is the cluster (it holds every ClusterTopologyBinding).
 */
const ERRORS_AGAINST_A_SNAPSHOT = new Set(['topology.unknownTopology']);

/** The PodCliqueSets of one manifest file, or the findings that make it unusable. */
function readManifests(file: string, text: string, context: ValidationContext): { pcs: PodCliqueSet[]; problems: string[]; unparsable: boolean } {
  const label = inputLabel(file);
  const report = checkManifestText(text, context);
  const problems: string[] = [];
  for (const e of report.parseErrors) problems.push(`${label}:${e.line}:${e.column}: error: ${clip(e.message)}`);
  if (report.parseErrors.length > 0) return { pcs: [], problems, unparsable: true };
  for (const d of report.documents) {
    const what = `${d.kind ?? '(no kind)'}${d.name ? `/${d.name}` : ''}`;
    for (const f of d.findings) {
      if (f.severity !== 'error' && !ERRORS_AGAINST_A_SNAPSHOT.has(f.rule)) continue;
      const where = f.line === undefined ? label : `${label}:${f.line}:${f.column}`;
      problems.push(`${where}: error: ${what}: ${f.path || '/'}: ${f.message} [${f.rule}]`);
    }
  }
  const pcs = parseManifests(text)
    .documents.filter((d) => d.kind === 'PodCliqueSet' && d.apiVersion === 'grove.io/v1alpha1' && d.errors.length === 0)
    .map((d) => d.object as PodCliqueSet);
  return { pcs, problems, unparsable: false };
}

export function toPlaceJson(feasible: boolean, gangs: readonly GangPlacement[]): PlaceJson {
  return {
    feasible,
    gangs: gangs.map((g) => ({
      name: g.name,
      placed: g.placed,
      ...(g.reason !== undefined ? { reason: g.reason } : {}),
      domains: g.domains,
      pods: g.pods.map((p) => ({ name: p.name, clique: p.clique, node: p.node, gpus: p.gpus })),
      ...(!g.placed && g.explanation?.length ? { explanation: g.explanation.map(({ level, needs, best, message, exceedsCapacity }) => ({ level, needs, best, message, ...(exceedsCapacity ? { exceedsCapacity: true as const } : {}) })) } : {}),
      ...(g.unplacedOptionalPods?.length ? { unplacedOptionalPods: g.unplacedOptionalPods } : {}),
      ...(g.unplacedOptionalReason ? { unplacedOptionalReason: g.unplacedOptionalReason } : {}),
      ...(g.independent ? { independent: true as const } : {}),
      ...(g.unplacedPods?.length ? { unplacedPods: g.unplacedPods } : {}),
      ...(g.warnings?.length ? { warnings: g.warnings } : {}),
    })),
  };
}

function podLines(g: GangPlacement): string[] {
  return g.pods.map((p) => `  ${p.name} -> ${p.node}${p.gpus > 0 ? ` (${p.gpus} GPU${p.gpus === 1 ? '' : 's'})` : ''}`);
}

function formatText(gangs: readonly GangPlacement[]): string {
  const lines: string[] = [];
  for (const g of gangs) {
    const gpus = g.pods.reduce((s, p) => s + p.gpus, 0);
    const size = `${g.pods.length} pod${g.pods.length === 1 ? '' : 's'}, ${gpus} GPU${gpus === 1 ? '' : 's'}`;
    if (g.placed) {
      const where = Object.entries(g.domains)
        .filter(([d]) => d !== 'host')
        .map(([d, v]) => `${d} ${v}`)
        .join(', ');
      lines.push(`${g.name}: placed${g.independent ? ' pod by pod' : ''}, ${size}${where ? ` in ${where}` : ''}`);
      lines.push(...podLines(g));
      if (g.unplacedOptionalPods?.length) {
        lines.push(`  not placed (above minAvailable, best effort): ${g.unplacedOptionalPods.join(', ')}`);
        if (g.unplacedOptionalReason) lines.push(`    why: ${g.unplacedOptionalReason}`);
      }
    } else if (g.independent && g.pods.length > 0) {
      // Pod by pod: the pods that fit run, the rest stay Pending.
      lines.push(`${g.name}: partly placed, ${size}; pending: ${(g.unplacedPods ?? []).join(', ')}`);
      lines.push(...podLines(g));
      lines.push(`  why pending: ${g.reason ?? 'no reason given'}`);
    } else {
      lines.push(`${g.name}: NOT placed: ${g.reason ?? 'no reason given'}`);
      for (const e of (g.explanation ?? []).slice(1)) lines.push(`  also (${e.level}): ${e.message}`);
    }
    for (const w of g.warnings ?? []) lines.push(`  warning: ${w}`);
  }
  const placed = gangs.filter((g) => g.placed).length;
  lines.push(`${placed} of ${gangs.length} gang${gangs.length === 1 ? '' : 's'} placed`);
  return lines.join('\n') + '\n';
}

export async function runPlace(argv: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandArgs('place', HELP, io, () =>
    parseArgs({
      args: argv,
      options: {
        cluster: { type: 'string', short: 'c' },
        output: { type: 'string', short: 'o', default: 'text' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
    }),
  );
  if (typeof parsed === 'number') return parsed;
  const format = outputFormat('place', parsed.values.output, io);
  if (format === null) return 2;
  const clusterFile = parsed.values.cluster;
  if (!clusterFile) {
    io.stderr.write(`canopy place: --cluster SNAPSHOT.json is required\n\n${HELP}`);
    return 2;
  }
  const files = parsed.positionals;
  if (files.length === 0) {
    io.stderr.write(`canopy place: no PCS.yaml given (use - for standard input)\n\n${HELP}`);
    return 2;
  }
  if (clusterFile === '-' && files.includes('-')) {
    io.stderr.write('canopy place: standard input can be the snapshot or a manifest, not both\n');
    return 2;
  }

  let state: ClusterState;
  try {
    state = await readCluster(clusterFile, io);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    io.stderr.write(`canopy place: ${e.message}\n`);
    return e.code;
  }

  const all: PodCliqueSet[] = [];
  const problems: string[] = [];
  let code: 0 | 1 | 2 = 0;
  for (const file of files) {
    let text: string;
    try {
      text = await readInput(file, io);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      problems.push(`canopy place: ${e.message}`);
      code = 2;
      continue;
    }
    const r = readManifests(file, text, validationContext(state));
    problems.push(...r.problems);
    if (r.unparsable) code = 2;
    else if (r.problems.length > 0 && code === 0) code = 1;
    all.push(...r.pcs);
  }
  if (code === 0 && all.length === 0) {
    problems.push(`canopy place: no PodCliqueSet in ${files.join(', ')}`);
    code = 1;
  }
  if (code !== 0) {
    io.stderr.write(problems.join('\n') + '\n');
    return code;
  }

  const gangs: ExpandedGang[] = all.flatMap((pcs) => expandPodGangs(pcs));
  // As the dashboard's preview and the simulator do: each gang as its resolved scheduler places it.
  const plan = placeGangs(state, gangs, { bySchedulerName: true });
  if (format === 'json') io.stdout.write(JSON.stringify(toPlaceJson(plan.feasible, plan.gangs), null, 2) + '\n');
  else io.stdout.write(formatText(plan.gangs));
  return plan.feasible ? 0 : 3;
}
