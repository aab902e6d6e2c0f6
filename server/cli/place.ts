/**
 * `canopy place --cluster SNAPSHOT.json [-o json] PCS.yaml...`
 * Where would these PodCliqueSets land on this cluster, and if not, why?
 * Exit 0: every gang placed; 3: some gang not placed; 1: invalid input (manifest errors, a snapshot
 * that is not a usable cluster, no PodCliqueSet); 2: a file could not be read or parsed.
 */
import { parseArgs } from 'node:util';
import type { ClusterState } from '../../lib/cluster/state';
import { checkManifestText, type ValidationContext } from '../../lib/grove/check';
import { parseManifests } from '../../lib/grove/manifest';
import type { PodCliqueSet } from '../../lib/grove/podcliqueset';
import { applyGangs, previewApply, type ApplyGang } from '../../lib/placement/preview';
import type { GangPlacement } from '../../lib/placement/plan';
import { parseClusterSnapshot } from '../../lib/topology/snapshot';
import { runningGangFacts, runningGangLine } from '../../lib/workloads/planNotes';
import { plural } from '../../lib/workloads/plural';
import { clip, inputLabel, InputError, outputFormat, parseCommandArgs, parseJsonInput, readInput } from './io';
import type { CliIO } from './main';

const HELP = `Usage: canopy place --cluster SNAPSHOT.json [-o json] PCS.yaml...

Places every PodGang of the PodCliqueSets in PCS.yaml (multi-document YAML; - reads standard input)
on the cluster in SNAPSHOT.json as the stack's scheduler would: gangs in order, pods already bound in
the snapshot counting as used. A stack that already runs there (same namespace and name) is answered
as an apply of it would go: its running gangs stay where they are and are listed as running, not
re-placed; only its gangs and pods not running yet are placed. A stack whose pods name schedulerName kai-scheduler is placed as
gangs, each all or nothing, with its topology constraints; one on default-scheduler (kube-scheduler,
also when its pods name no scheduler) pod by pod, with the constraints ignored, and a warning says so:
the nodes shown are one placement kube-scheduler might pick (it scores nodes on its own), no domain is
chosen. Validation warnings are printed on standard error, as canopy validate prints them.
SNAPSHOT.json is a Kubernetes List as printed by:
  kubectl get nodes,pods,clustertopologybindings -A -o json
Its items may come in any order: they are read in the order the cluster lists them (by name), as the
dashboard's preview and the simulated scheduler read them, so a file in another order gets the same plan.

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
    /** `running`: the pod is already bound there (its real name and node), kept by the apply. */
    pods: { name: string; clique: string; node: string; gpus: number; running?: true }[];
    /** The gang already runs on the cluster: its running pods are kept, not re-placed. */
    running?: true;
    /** Optional additions (absent when empty): why at each level, for a gang not placed. */
    /** `exceedsCapacity`: the need is more than that level's largest domain holds even when empty (waiting will not help). */
    explanation?: { level: string; needs: string; best: string; message: string; exceedsCapacity?: true }[];
    /** Pods above minAvailable that did not fit, and why the first did not. */
    unplacedOptionalPods?: string[];
    unplacedOptionalReason?: string;
    /** The scheduler places each pod on its own (default-scheduler). */
    independent?: true;
    /**
     * Pods that would stay Pending: with `independent`, the ones that did not fit; for a `running` gang
     * not placed, its pods not running yet (none placed, the gang scheduler places them all or none).
     */
    unplacedPods?: string[];
    /** Pods of a gang that exist on the cluster but are not bound yet (real names): planned with the rest. */
    pendingPods?: string[];
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
  // The snapshot is the cluster: it holds every ClusterTopologyBinding, so a name it lacks is refused.
  return { topologies: Object.fromEntries(state.topologies.map((t) => [t.name, t.levels])), topologiesComplete: true };
}

/** The PodCliqueSets of one manifest file, or the findings that make it unusable. */
function readManifests(file: string, text: string, context: ValidationContext): { pcs: PodCliqueSet[]; problems: string[]; warnings: string[]; unparsable: boolean } {
  const label = inputLabel(file);
  const report = checkManifestText(text, context);
  const problems: string[] = [];
  const warnings: string[] = [];
  // Short from the parser (one per document, with its count of the rest): a clip here could cut that count.
  for (const e of report.parseErrors) problems.push(`${label}:${e.line}:${e.column}: error: ${e.message}`);
  if (report.parseErrors.length > 0) return { pcs: [], problems, warnings, unparsable: true };
  for (const d of report.documents) {
    const what = `${d.kind ?? '(no kind)'}${d.name ? `/${d.name}` : ''}`;
    for (const f of d.findings) {
      const error = f.severity === 'error';
      const where = f.line === undefined ? label : `${label}:${f.line}:${f.column}`;
      // The same line canopy validate prints for the finding.
      (error ? problems : warnings).push(`${where}: ${error ? 'error' : f.severity}: ${what}: ${f.path || '/'}: ${f.message} [${f.rule}]`);
    }
  }
  const pcs = parseManifests(text)
    .documents.filter((d) => d.kind === 'PodCliqueSet' && d.apiVersion === 'grove.io/v1alpha1' && d.errors.length === 0)
    .map((d) => d.object as PodCliqueSet);
  return { pcs, problems, warnings, unparsable: false };
}

export function toPlaceJson(feasible: boolean, gangs: readonly ApplyGang[]): PlaceJson {
  return {
    feasible,
    gangs: gangs.map((g) => ({
      name: g.name,
      placed: g.placed,
      ...(g.reason !== undefined ? { reason: g.reason } : {}),
      domains: g.domains,
      pods: g.pods.map((p) => ({ name: p.name, clique: p.clique, node: p.node, gpus: p.gpus, ...(p.running ? { running: true as const } : {}) })),
      ...(g.running ? { running: true as const } : {}),
      ...(!g.placed && g.explanation?.length ? { explanation: g.explanation.map(({ level, needs, best, message, exceedsCapacity }) => ({ level, needs, best, message, ...(exceedsCapacity ? { exceedsCapacity: true as const } : {}) })) } : {}),
      ...(g.unplacedOptionalPods?.length ? { unplacedOptionalPods: g.unplacedOptionalPods } : {}),
      ...(g.unplacedOptionalReason ? { unplacedOptionalReason: g.unplacedOptionalReason } : {}),
      ...(g.independent ? { independent: true as const } : {}),
      ...(g.unplacedPods?.length ? { unplacedPods: g.unplacedPods } : {}),
      ...(g.pendingPods?.length ? { pendingPods: g.pendingPods } : {}),
      ...(g.warnings?.length ? { warnings: g.warnings } : {}),
    })),
  };
}

const sizeText = (pods: readonly { gpus: number }[]) => `${plural(pods.length, 'pod')}, ${plural(pods.reduce((s, p) => s + p.gpus, 0), 'GPU')}`;

function podLines(pods: readonly GangPlacement['pods'][number][]): string[] {
  return pods.map((p) => `  ${p.name} -> ${p.node}${p.gpus > 0 ? ` (${plural(p.gpus, 'GPU')})` : ''}${p.running ? ', running' : ''}`);
}

/** Why a placement's nodes are not a promise: no domain was chosen, the scheduler (or the engine) picked nodes that fit. */
function onePlacementNote(g: GangPlacement): string | undefined {
  if (!g.placed && !(g.independent && g.pods.length > 0)) return undefined;
  if (g.independent) return 'these nodes are one possible placement: the default scheduler picks nodes by its own scoring, no domain is chosen';
  if (Object.keys(g.domains).length === 0 && g.pods.length > 1) return 'no topology constraint: these nodes are one possible placement, no domain is chosen';
  return undefined;
}

/** A running gang with nothing to add: every pod the manifest asks of it runs. */
const runsWhole = (g: ApplyGang): boolean => !!g.running && g.placed && g.pods.every((p) => p.running) && !g.unplacedPods?.length;

function formatText(all: readonly ApplyGang[]): string {
  const lines: string[] = [];
  for (const whole of all) {
    // A running gang: its running pods are kept; what is left to place (if anything) is its pods not running yet.
    const kept = whole.pods.filter((p) => p.running);
    if (whole.running) {
      // The topology and scale previews' sentence, from the same facts.
      lines.push(runningGangLine(runningGangFacts({ name: whole.name, pods: kept, complete: runsWhole(whole) })));
      lines.push(...podLines(kept));
      if (runsWhole(whole)) {
        for (const w of whole.warnings ?? []) lines.push(`  warning: ${w}`);
        continue;
      }
    }
    const g = whole.running ? { ...whole, name: `${whole.name} (pods not running yet)`, pods: whole.pods.filter((p) => !p.running) } : whole;
    const size = sizeText(g.pods);
    if (g.placed) {
      const where = Object.entries(g.domains)
        .filter(([d]) => d !== 'host')
        .map(([d, v]) => `${d} ${v}`)
        .join(', ');
      lines.push(`${g.name}: placed${g.independent ? ' pod by pod' : ''}, ${size}${where ? ` in ${where}` : ''}`);
      lines.push(...podLines(g.pods));
      if (g.unplacedOptionalPods?.length) {
        lines.push(`  not placed (above minAvailable, best effort): ${g.unplacedOptionalPods.join(', ')}`);
        if (g.unplacedOptionalReason) lines.push(`    why: ${g.unplacedOptionalReason}`);
      }
    } else if (g.independent && g.pods.length > 0) {
      // Pod by pod: the pods that fit run, the rest stay Pending.
      lines.push(`${g.name}: partly placed, ${size}; pending: ${(g.unplacedPods ?? []).join(', ')}`);
      lines.push(...podLines(g.pods));
      lines.push(`  why pending: ${g.reason ?? 'no reason given'}`);
    } else {
      lines.push(`${g.name}: NOT placed: ${g.reason ?? 'no reason given'}`);
      for (const e of (g.explanation ?? []).slice(1)) lines.push(`  also (${e.level}): ${e.message}`);
      if (g.running && g.unplacedPods?.length) lines.push(`  not placed: ${g.unplacedPods.join(', ')}`);
    }
    if (g.pendingPods?.length) lines.push(`  already created, Pending (not bound to a node): ${g.pendingPods.join(', ')}`);
    const note = onePlacementNote(g);
    if (note) lines.push(`  note: ${note}`);
    for (const w of g.warnings ?? []) lines.push(`  warning: ${w}`);
  }
  const gangs = all.filter((g) => !runsWhole(g));
  const running = all.length - gangs.length;
  const placed = gangs.filter((g) => g.placed).length;
  lines.push(`${placed} of ${plural(gangs.length, 'gang')} placed${running > 0 ? ` (${running} more running, not re-placed)` : ''}`);
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
  const warnings: string[] = [];
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
    warnings.push(...r.warnings);
    if (r.unparsable) code = 2;
    else if (r.problems.length > 0 && code === 0) code = 1;
    all.push(...r.pcs);
  }
  if (code === 0 && all.length === 0) {
    problems.push(`canopy place: no PodCliqueSet in ${files.join(', ')}`);
    code = 1;
  }
  if (code !== 0) {
    io.stderr.write([...problems, ...warnings].join('\n') + '\n');
    return code;
  }
  if (warnings.length > 0) io.stderr.write(warnings.join('\n') + '\n');

  // The dashboard's own answer (topology and builder previews): an apply of these stacks, each gang as
  // its resolved scheduler places it, a stack's running gangs kept where they are.
  let preview;
  try {
    preview = previewApply(state, all);
  } catch (e) {
    io.stderr.write(`canopy place: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  const gangs = applyGangs(preview);
  if (format === 'json') io.stdout.write(JSON.stringify(toPlaceJson(preview.plan.feasible, gangs), null, 2) + '\n');
  else io.stdout.write(formatText(gangs));
  return preview.plan.feasible ? 0 : 3;
}
