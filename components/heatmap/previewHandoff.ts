/**
 * Handing a preview to the topology page from another page (the builder): store the PodCliqueSet
 * YAML in sessionStorage under `canopy.preview.<id>` and open `/topology?preview=<id>`. Same tab (or
 * a tab opened from it), nothing sent anywhere. A scale-up is not handed over this way: its request
 * goes in the topology page's URL (lib/heatmap/scalePreview.ts), so the page re-plans it live.
 */
import { isRecord } from '../../lib/grove/meta';

export type PreviewHandoff = { kind: 'podcliqueset'; yaml: string; title?: string };

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

const isString = (v: unknown): v is string => typeof v === 'string';

/** The first thing wrong with a stored payload, as `<JSON path>: <what>`; null when it can be shown. */
function payloadProblem(value: unknown): string | null {
  if (!isRecord(value)) return 'expected an object';
  if (value.title !== undefined && !isString(value.title)) return '/title: expected a string';
  if (value.kind === 'podcliqueset') return isString(value.yaml) ? null : '/yaml: expected a string';
  return '/kind: expected "podcliqueset"';
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
    return { ok: false, problem: `preview "${id}" could not be read: it is not JSON (expected a PodCliqueSet YAML)` };
  }
  const problem = payloadProblem(value);
  if (problem) return { ok: false, problem: `preview "${id}" could not be read: it is not a PodCliqueSet YAML (${problem})` };
  return { ok: true, payload: value as PreviewHandoff };
}
