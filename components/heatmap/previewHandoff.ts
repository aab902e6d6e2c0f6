/**
 * Handing a preview to the topology page from another page (builder, workloads): store the
 * PodCliqueSet YAML (or a ready Plan) in sessionStorage under `canopy.preview.<id>` and open
 * `/topology?preview=<id>`. Same tab (or a tab opened from it), nothing sent anywhere.
 */
import type { Plan } from '../../lib/placement/plan';

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

/** The stored payload, or a sentence saying why there is none. */
export function readPreviewHandoff(id: string, storage: Storage = session()): { ok: true; payload: PreviewHandoff } | { ok: false; problem: string } {
  let raw: string | null = null;
  try {
    raw = storage.getItem(`${PREVIEW_HANDOFF_PREFIX}${id}`);
  } catch {
    return { ok: false, problem: 'this browser blocks sessionStorage, so the preview from the other page cannot be read' };
  }
  if (raw === null) return { ok: false, problem: `no preview "${id}" in this tab (previews handed over from another page live only in the tab that made them)` };
  try {
    const value = JSON.parse(raw) as PreviewHandoff;
    if (value?.kind === 'podcliqueset' && typeof value.yaml === 'string') return { ok: true, payload: value };
    if (value?.kind === 'plan' && value.plan && Array.isArray(value.plan.gangs)) return { ok: true, payload: value };
  } catch {
    // fall through
  }
  return { ok: false, problem: `preview "${id}" is not a PodCliqueSet YAML or a Plan` };
}
