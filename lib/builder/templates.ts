/**
 * Starting points: per role kind, the clique the palette drops; per stack shape and serving
 * framework ("flavour"), a whole PodCliqueSet. Written fully explicit (replicas, minAvailable,
 * startup type, termination delay), as Grove's defaults would otherwise fill them in silently.
 */
import { stringifyObject } from '../grove/manifest';
import type { Container, EnvVar, ResourceRequirements } from '../grove/core';
import { ENV } from '../grove/labels';
import type { PodCliqueTemplateSpec } from '../grove/podcliqueset';
import type { RoleKind } from './graph';

export const FLAVOURS = ['vllm', 'sglang', 'dynamo'] as const;
export type Flavour = (typeof FLAVOURS)[number];
export const FLAVOUR_LABELS: Record<Flavour, string> = { vllm: 'vLLM', sglang: 'SGLang', dynamo: 'Dynamo' };

const MODEL = 'Qwen/Qwen3-8B';

/** How a container runs: command, args, and env of its own. */
interface Run {
  command: string[];
  args: string[];
  env?: EnvVar[];
}

interface FlavourSpec {
  image: string;
  routerImage: string;
  router: Run;
  /** Command, args and env of a serving process by role; `leader`: the name of the leader clique of a leader or worker's scaling group. */
  serve(role: 'aggregated' | 'prefill' | 'decode', part: 'leader' | 'worker' | 'single', leader: string): Run;
  /** Workers per leader, and replicas of prefill vs decode, which differ by framework. */
  ratios: { multiNodeWorkers: number; prefillWorkers: number; decodeWorkers: number; prefillGroups: number; decodeGroups: number };
}

const FLAVOUR_SPECS: Record<Flavour, FlavourSpec> = {
  vllm: {
    image: 'vllm/vllm-openai:v0.10.1.1',
    routerImage: 'lmcache/lmstack-router:v0.1.7',
    router: { command: ['vllm-router'], args: ['--port', '8000', '--service-discovery', 'k8s'] },
    serve: (role, part) => ({
      command: ['vllm', 'serve'],
      args: [
        MODEL,
        '--tensor-parallel-size',
        '4',
        ...(part === 'single' ? [] : ['--pipeline-parallel-size', '2', '--distributed-executor-backend', 'ray']),
        ...(role === 'aggregated' ? [] : ['--kv-transfer-config', `{"kv_connector":"NixlConnector","kv_role":"kv_${role === 'prefill' ? 'producer' : 'consumer'}"}`]),
        ...(part === 'worker' ? ['--headless'] : []),
      ],
    }),
    ratios: { multiNodeWorkers: 1, prefillWorkers: 1, decodeWorkers: 1, prefillGroups: 1, decodeGroups: 1 },
  },
  sglang: {
    image: 'lmsysorg/sglang:v0.5.1.post3-cu126',
    routerImage: 'lmsysorg/sglang:v0.5.1.post3-cu126',
    router: { command: ['python3', '-m', 'sglang_router.launch_router'], args: ['--pd-disaggregation', '--port', '8000'] },
    serve: (role, part, leader) => {
      const mode = role === 'aggregated' ? [] : ['--disaggregation-mode', role];
      if (part === 'single') return { command: ['python3', '-m', 'sglang.launch_server'], args: ['--model-path', MODEL, '--tp', String(GPUS_PER_POD), ...mode] };
      return {
        // One server over the group's pods (its leader and workers, as many as Grove counts in the
        // group's template): tensor parallel over all their GPUs, the leader rank 0 and worker pod i rank
        // i + 1. Kubernetes expands $(VAR) in args but does no arithmetic: the shell works out what needs it.
        command: ['sh', '-c', `exec python3 -m sglang.launch_server --tp "$((${GPUS_PER_POD} * ${ENV.pcsgTemplateNumPods}))" ${part === 'leader' ? '--node-rank 0' : `--node-rank "$((${ENV.pclqPodIndex} + 1))"`} "$@"`, 'sglang'],
        args: ['--model-path', MODEL, '--nnodes', `$(${ENV.pcsgTemplateNumPods})`, '--dist-init-addr', `${leaderAddress(leader)}:5000`, ...mode],
      };
    },
    ratios: { multiNodeWorkers: 1, prefillWorkers: 1, decodeWorkers: 3, prefillGroups: 1, decodeGroups: 1 },
  },
  dynamo: {
    image: 'nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.4.1',
    routerImage: 'nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.4.1',
    router: { command: ['python3', '-m', 'dynamo.frontend'], args: ['--http-port', '8000', '--router-mode', 'kv'] },
    serve: (role, part) => ({
      command: ['python3', '-m', 'dynamo.vllm'],
      args: ['--model', MODEL, '--tensor-parallel-size', '4', ...(role === 'prefill' ? ['--is-prefill-worker'] : []), ...(part === 'worker' ? ['--headless'] : [])],
    }),
    ratios: { multiNodeWorkers: 3, prefillWorkers: 1, decodeWorkers: 1, prefillGroups: 2, decodeGroups: 1 },
  },
};

const GPUS_PER_POD = 4;

/**
 * The leader pod's DNS name, as Grove's env makes it in every pod of a scaling group: the group
 * replica's leader PodClique, pod 0, under the stack's headless service. Written with the clique's
 * name, which the builder rewrites when the leader clique is renamed (lib/builder/edits.ts renameAddresses).
 * In args, not in an env var of the container's own: Kubernetes expands $(VAR) in args from the whole
 * env, but in an env value only from the variables listed before it, and Grove (v0.1.0-alpha.11)
 * appends its variables after the container's own, so an env var built from them would hold the text
 * as written.
 */
function leaderAddress(leader: string): string {
  return `$(${ENV.pcsgName})-$(${ENV.pcsgIndex})-${leader}-0.$(${ENV.headlessService})`;
}

function container(name: string, image: string, run: Run, gpus: number): Container {
  const resources: ResourceRequirements =
    gpus > 0
      ? { requests: { cpu: '16', memory: '128Gi', 'nvidia.com/gpu': gpus }, limits: { 'nvidia.com/gpu': gpus } }
      : { requests: { cpu: '2', memory: '4Gi' } };
  return {
    name,
    image,
    command: run.command,
    ...(run.args.length > 0 ? { args: run.args } : {}),
    ...(run.env ? { env: run.env } : {}),
    resources,
  };
}

function clique(name: string, roleName: string, replicas: number, c: Container): PodCliqueTemplateSpec {
  return { name, spec: { roleName, replicas, minAvailable: replicas, podSpec: { containers: [c] } } };
}

const KIND_DEFAULTS: Record<RoleKind, { name: string; role: 'aggregated' | 'prefill' | 'decode' | 'router'; part: 'leader' | 'worker' | 'single' }> = {
  frontend: { name: 'frontend', role: 'router', part: 'single' },
  'prefill-leader': { name: 'prefill-leader', role: 'prefill', part: 'leader' },
  'prefill-worker': { name: 'prefill-worker', role: 'prefill', part: 'worker' },
  'decode-leader': { name: 'decode-leader', role: 'decode', part: 'leader' },
  'decode-worker': { name: 'decode-worker', role: 'decode', part: 'worker' },
  generic: { name: 'clique', role: 'aggregated', part: 'single' },
};

/** The clique the palette drops for a role kind. */
/**
 * The clique the palette drops for a role kind. `schedulerName`: the stack's own (every clique of a
 * PodCliqueSet must resolve to the same scheduler), written first in the pod spec; none for the default.
 */
export function cliqueForKind(kind: RoleKind, flavour: Flavour, schedulerName?: string): PodCliqueTemplateSpec {
  const made = paletteClique(kind, flavour);
  if (schedulerName) made.spec.podSpec = { schedulerName, ...made.spec.podSpec };
  return made;
}

function paletteClique(kind: RoleKind, flavour: Flavour): PodCliqueTemplateSpec {
  const f = FLAVOUR_SPECS[flavour];
  const d = KIND_DEFAULTS[kind];
  if (d.role === 'router') return clique(d.name, d.name, 1, container('router', f.routerImage, f.router, 0));
  if (kind === 'generic') return clique(d.name, d.name, 1, container('main', 'busybox:1.36', { command: ['sleep', 'infinity'], args: [] }, 0));
  // A leader or worker is meant for a scaling group with the palette's leader of its role.
  const leader = KIND_DEFAULTS[d.role === 'prefill' ? 'prefill-leader' : 'decode-leader'].name;
  return clique(d.name, d.name, 1, container(d.role, f.image, f.serve(d.role, d.part, leader), GPUS_PER_POD));
}

export const STACK_TEMPLATES = [
  'blank',
  'single-node-aggregated',
  'single-node-disaggregated',
  'multi-node-aggregated',
  'multi-node-disaggregated-frontend',
] as const;
export type StackTemplate = (typeof STACK_TEMPLATES)[number];
export const STACK_TEMPLATE_LABELS: Record<StackTemplate, string> = {
  blank: 'Blank',
  'single-node-aggregated': 'Single-node aggregated',
  'single-node-disaggregated': 'Single-node disaggregated',
  'multi-node-aggregated': 'Multi-node aggregated',
  'multi-node-disaggregated-frontend': 'Multi-node disaggregated with frontend',
};

/** The namespace a new stack is written in when the page has none chosen. */
export const DEFAULT_STACK_NAMESPACE = 'default';

function pcs(name: string, namespace: string, template: Record<string, unknown>) {
  return {
    apiVersion: 'grove.io/v1alpha1',
    kind: 'PodCliqueSet',
    metadata: { name, namespace },
    spec: { replicas: 1, template: { cliqueStartupType: 'CliqueStartupTypeAnyOrder', terminationDelay: '4h', ...template } },
  };
}

function withStartsAfter(c: PodCliqueTemplateSpec, startsAfter: string[]): PodCliqueTemplateSpec {
  return { ...c, spec: { ...c.spec, startsAfter } };
}

/** A whole stack as a PodCliqueSet object, in `namespace`. */
export function stackObject(kind: StackTemplate, flavour: Flavour, namespace: string = DEFAULT_STACK_NAMESPACE): Record<string, unknown> {
  const f = FLAVOUR_SPECS[flavour];
  const r = f.ratios;
  const serving = (name: string, role: 'aggregated' | 'prefill' | 'decode', part: 'leader' | 'worker' | 'single', replicas: number, leader = '') =>
    clique(name, name, replicas, container(role, f.image, f.serve(role, part, leader), GPUS_PER_POD));
  switch (kind) {
    case 'blank':
      return pcs('my-stack', namespace, { cliques: [] });
    case 'single-node-aggregated':
      return pcs(`${flavour}-agg`, namespace, { cliques: [serving('worker', 'aggregated', 'single', 2)] });
    case 'single-node-disaggregated':
      return pcs(`${flavour}-disagg`, namespace, {
        cliques: [serving('prefill', 'prefill', 'single', r.prefillGroups), serving('decode', 'decode', 'single', r.decodeWorkers)],
      });
    case 'multi-node-aggregated':
      return pcs(`${flavour}-mn-agg`, namespace, {
        cliques: [serving('leader', 'aggregated', 'leader', 1, 'leader'), serving('worker', 'aggregated', 'worker', r.multiNodeWorkers, 'leader')],
        podCliqueScalingGroups: [{ name: 'model', cliqueNames: ['leader', 'worker'], replicas: 1, minAvailable: 1 }],
      });
    case 'multi-node-disaggregated-frontend':
      return pcs(`${flavour}-mn-disagg`, namespace, {
        cliqueStartupType: 'CliqueStartupTypeExplicit',
        cliques: [
          withStartsAfter(clique('frontend', 'frontend', 2, container('router', f.routerImage, f.router, 0)), ['pleader', 'dleader']),
          serving('pleader', 'prefill', 'leader', 1, 'pleader'),
          serving('pworker', 'prefill', 'worker', r.prefillWorkers, 'pleader'),
          serving('dleader', 'decode', 'leader', 1, 'dleader'),
          serving('dworker', 'decode', 'worker', r.decodeWorkers, 'dleader'),
        ],
        podCliqueScalingGroups: [
          { name: 'prefill', cliqueNames: ['pleader', 'pworker'], replicas: r.prefillGroups, minAvailable: 1 },
          { name: 'decode', cliqueNames: ['dleader', 'dworker'], replicas: r.decodeGroups, minAvailable: 1 },
        ],
      });
  }
}

export function stackText(kind: StackTemplate, flavour: Flavour, namespace: string = DEFAULT_STACK_NAMESPACE): string {
  const header = kind === 'blank' ? '' : `# ${STACK_TEMPLATE_LABELS[kind]} (${FLAVOUR_LABELS[flavour]}), from the Canopy builder.\n`;
  return header + stringifyObject(stackObject(kind, flavour, namespace));
}

/**
 * The namespace of `text` when it is the blank stack exactly as stackText writes it (untouched: no
 * clique, no edit), else null. Such a text is a starting point, not someone's work, so it may follow
 * the namespace the page has chosen.
 */
export function untouchedBlankNamespace(text: string): string | null {
  const namespace = /^ {2}namespace: (\S+)$/m.exec(text)?.[1];
  return namespace !== undefined && text === stackText('blank', 'vllm', namespace) ? namespace : null;
}
