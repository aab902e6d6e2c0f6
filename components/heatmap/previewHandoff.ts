/**
 * Handing a preview to the topology page from another page (builder, workloads): store the
 * PodCliqueSet YAML (or a ready Plan) in sessionStorage under `canopy.preview.<id>` and open
 * `/topology?preview=<id>`. Same tab (or a tab opened from it), nothing sent anywhere.
 */
import type { Plan } from '../../lib/placement/plan';
import { isRecord } from '../../lib/grove/meta';
import { plural } from '../../lib/workloads/plural';

export type PreviewHandoff =
  | { kind: 'podcliqueset'; yaml: string; title?: string }
  | { kind: 'plan'; plan: Plan; title?: string };

export const PREVIEW_HANDOFF_PREFIX = 'canopy.preview.';

type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem'>;

const session = (): Storage => globalThis.sessionStorage;

/** Stores the payload and returns its id (for `/topology?preview=<id>`). */
export function storePreviewHandoff(payload: PreviewHandoff, storage: Storage = session()): string {
  const id = globalThis.crypto?.randomUUID?.().replace(/-/g, '').slice(0, 16) ?? Math.random().toString(36).slice(2, 14);
  storage.setItem(`${PREVIEW_HANDOFF_PREFIX}${id}`, JSON.stringify(payload));
  return id;
}

export function previewHref(id: string): string {
  return `/topology?preview=${encodeURIComponent(id)}`;
}

/** A scale-up as its preview on the workloads page counted it (ScaleControl's planned pods). */
export interface ScaleHandoffFacts {
  kind: string;
  namespace: string;
  name: string;
  from: number;
  to: number;
  /** Planned pods the scale adds. */
  added: number;
  /** Planned pods the current counts already ask for (Pending, or not created yet): their GPUs are ghosts too. */
  waiting: number;
}

/**
 * The handoff of a scale-up preview to the topology page: its plan as made on the workloads page (the
 * map draws it as ghosts beside the running pods, as the preview's mini map does), titled with what
 * it is. The title names the waiting pods too, since their GPUs are among the ghosts.
 */
export function scalePlanHandoff(scale: ScaleHandoffFacts, plan: Plan): PreviewHandoff {
  const planned = scale.waiting > 0 ? `${plural(scale.added, 'new pod')} and ${plural(scale.waiting, 'pod')} already waiting` : plural(scale.added, 'new pod');
  return { kind: 'plan', plan, title: `Scale-up of ${scale.kind} ${scale.namespace}/${scale.name} ${scale.from} → ${scale.to} (planned: ${planned})` };
}

const isString = (v: unknown): v is string => typeof v === 'string';
/** GPUs of one planned pod: a whole number, bounded so a hand-made entry cannot stall the page drawing ghosts. */
const MAX_POD_GPUS = 10_000;

/**
 * The first thing wrong with a stored Plan, as `<JSON path>: <what>`; null when it has the shape the
 * ghost overlay reads (every gang and pod). Stored data can be anything (another version of the app,
 * a hand edit), and a Plan that reaches the overlay half-formed would crash the page on every reload.
 */
export function planProblem(plan: unknown, path = '/plan'): string | null {
  if (!isRecord(plan)) return `${path}: expected an object`;
  if (typeof plan.feasible !== 'boolean') return `${path}/feasible: expected true or false`;
  if (!Array.isArray(plan.gangs)) return `${path}/gangs: expected a list`;
  for (const [g, gang] of plan.gangs.entries()) {
    const at = `${path}/gangs/${g}`;
    if (!isRecord(gang)) return `${at}: expected an object`;
    if (!isString(gang.name)) return `${at}/name: expected a string`;
    if (typeof gang.placed !== 'boolean') return `${at}/placed: expected true or false`;
    if (!isRecord(gang.domains)) return `${at}/domains: expected an object`;
    for (const [level, value] of Object.entries(gang.domains)) if (!isString(value)) return `${at}/domains/${level}: expected a string`;
    if (gang.reason !== undefined && !isString(gang.reason)) return `${at}/reason: expected a string`;
    if (gang.unplacedOptionalReason !== undefined && !isString(gang.unplacedOptionalReason)) return `${at}/unplacedOptionalReason: expected a string`;
    // A gang placed pod by pod (independent) lists the pods that stay Pending in unplacedPods.
    if (gang.independent !== undefined && gang.independent !== true) return `${at}/independent: expected true when present`;
    if (gang.unplacedPods !== undefined && gang.independent !== true) return `${at}/unplacedPods: only a gang placed pod by pod (independent: true) lists them`;
    for (const key of ['unplacedOptionalPods', 'warnings', 'unplacedPods'] as const) {
      const list = gang[key];
      if (list === undefined) continue;
      if (!Array.isArray(list)) return `${at}/${key}: expected a list`;
      const bad = list.findIndex((v) => !isString(v));
      if (bad >= 0) return `${at}/${key}/${bad}: expected a string`;
    }
    if (gang.explanation !== undefined) {
      if (!Array.isArray(gang.explanation)) return `${at}/explanation: expected a list`;
      for (const [e, entry] of gang.explanation.entries()) {
        if (!isRecord(entry)) return `${at}/explanation/${e}: expected an object`;
        for (const key of ['level', 'needs', 'best', 'message'] as const) if (!isString(entry[key])) return `${at}/explanation/${e}/${key}: expected a string`;
      }
    }
    if (!Array.isArray(gang.pods)) return `${at}/pods: expected a list`;
    for (const [p, pod] of gang.pods.entries()) {
      if (!isRecord(pod)) return `${at}/pods/${p}: expected an object`;
      for (const key of ['name', 'podGroup', 'clique', 'node'] as const) if (!isString(pod[key])) return `${at}/pods/${p}/${key}: expected a string`;
      if (!Number.isInteger(pod.gpus) || (pod.gpus as number) < 0 || (pod.gpus as number) > MAX_POD_GPUS) return `${at}/pods/${p}/gpus: expected a whole number from 0 to ${MAX_POD_GPUS}`;
    }
  }
  return null;
}

/** The first thing wrong with a stored payload (see planProblem), null when it can be shown. */
function payloadProblem(value: unknown): string | null {
  if (!isRecord(value)) return 'expected an object';
  if (value.title !== undefined && !isString(value.title)) return '/title: expected a string';
  if (value.kind === 'podcliqueset') return isString(value.yaml) ? null : '/yaml: expected a string';
  if (value.kind === 'plan') return planProblem(value.plan);
  return '/kind: expected "podcliqueset" or "plan"';
}

/**
 * The stored payload, or a sentence saying why there is none. A payload of the wrong shape is refused
 * whole, with the JSON path of its first problem: the page then says the preview could not be read.
 */
export function readPreviewHandoff(id: string, storage: Storage = session()): { ok: true; payload: PreviewHandoff } | { ok: false; problem: string } {
  let raw: string | null = null;
  try {
    raw = storage.getItem(`${PREVIEW_HANDOFF_PREFIX}${id}`);
  } catch {
    return { ok: false, problem: 'this browser blocks sessionStorage, so the preview from the other page cannot be read' };
  }
  if (raw === null) return { ok: false, problem: `no preview "${id}" in this tab (previews handed over from another page live only in the tab that made them)` };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { ok: false, problem: `preview "${id}" could not be read: it is not JSON (expected a PodCliqueSet YAML or a Plan)` };
  }
  const problem = payloadProblem(value);
  if (problem) return { ok: false, problem: `preview "${id}" could not be read: it is not a PodCliqueSet YAML or a Plan (${problem})` };
  return { ok: true, payload: value as PreviewHandoff };
}
