/**
 * Field managers in words: who set a field (a server-side apply 409 names the manager) or who changed
 * an object last (its managedFields). Canopy writes with one field manager, `canopy`, for every user:
 * the server acts with its kubeconfig's identity, so Canopy's users are one writer to the apiserver.
 */
import { isRecord } from '../grove/meta';

/** The field manager of Canopy's apply and scale (server/actions/apply.ts, scale.ts). */
export const CANOPY_FIELD_MANAGER = 'canopy';

/** One writer of an object, as a managedFields entry names it (or a 409's conflict text). */
export interface FieldManagerRef {
  manager: string;
  /** `Apply` (server-side apply) or `Update` (any other write: a merge patch, a PUT, /scale). */
  operation?: string;
  /** `scale`, `status`: the subresource written through. */
  subresource?: string;
  apiVersion?: string;
  /** When it last wrote (RFC 3339, as managedFields has it). */
  time?: string;
}

/**
 * A manager as a server-side apply conflict prints it: `"canopy" with subresource "scale" using
 * grove.io/v1alpha1` (an update through /scale), `"kubectl-edit" using apps/v1` (an update), `"ci"`
 * (an apply). Null when the text is none of these.
 */
export function parseConflictManager(text: string): FieldManagerRef | null {
  const m = /^("(?:[^"\\]|\\.)*")(?: with subresource ("(?:[^"\\]|\\.)*"))?(?: using (\S+))?$/.exec(text.trim());
  if (!m) return null;
  const manager = JSON.parse(m[1]!) as string;
  const subresource = m[2] ? (JSON.parse(m[2]) as string) : undefined;
  // The apiserver prints "using <apiVersion>" for updates only; an applier is named alone.
  return { manager, operation: m[3] ? 'Update' : 'Apply', ...(subresource ? { subresource } : {}), ...(m[3] ? { apiVersion: m[3] } : {}) };
}

/** `Canopy's Scale`, `Canopy's apply`, `"kubectl-edit"`, `"hpa-controller" (through /scale)`. */
export function managerWords(m: FieldManagerRef): string {
  if (m.manager === CANOPY_FIELD_MANAGER) {
    if (m.subresource === 'scale') return "Canopy's Scale";
    if (!m.subresource && m.operation === 'Apply') return "Canopy's apply";
  }
  return `${JSON.stringify(m.manager)}${m.subresource ? ` (through /${m.subresource})` : ''}`;
}

/** `2026-12-01T05:26:17Z` → `2026-12-01 05:26:17 UTC`; other text as it is. */
export function timeWords(time: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/.exec(time);
  return m ? `${m[1]} ${m[2]} UTC` : time;
}

/**
 * The writer of an object's spec or metadata that wrote last, from its managedFields (entries on the
 * status subresource left out: the operator's status updates are no one's edit). Null when the
 * entries name no time.
 */
export function lastWriter(managedFields: unknown): FieldManagerRef | null {
  if (!Array.isArray(managedFields)) return null;
  let last: FieldManagerRef | null = null;
  for (const entry of managedFields) {
    if (!isRecord(entry) || typeof entry.manager !== 'string' || typeof entry.time !== 'string' || entry.subresource === 'status') continue;
    // RFC 3339 in UTC, as the apiserver writes it: comparable as text.
    if (last && last.time! >= entry.time) continue;
    last = {
      manager: entry.manager,
      time: entry.time,
      ...(typeof entry.operation === 'string' ? { operation: entry.operation } : {}),
      ...(typeof entry.subresource === 'string' && entry.subresource ? { subresource: entry.subresource } : {}),
      ...(typeof entry.apiVersion === 'string' ? { apiVersion: entry.apiVersion } : {}),
    };
  }
  return last;
}
