/**
 * How inspector fields read and write their text: each codec formats a value for its input and
 * parses the input back (undefined deletes the field, an Error keeps the draft and says why).
 * Relative imports so node-side unit tests can load it.
 */
import { parseQuantity } from '../../lib/cluster/quantity';
import { isRecord } from '../../lib/grove/meta';

export interface Codec {
  format(value: unknown): string;
  /** undefined deletes the field; an Error keeps the draft and shows why. */
  parse(text: string): unknown;
}

export const textCodec: Codec = {
  format: (v) => (v === undefined || v === null ? '' : String(v)),
  parse: (t) => (t.trim() === '' ? undefined : t.trim()),
};

export const intCodec: Codec = {
  format: (v) => (typeof v === 'number' ? String(v) : v === undefined ? '' : String(v)),
  parse: (t) => {
    if (t.trim() === '') return undefined;
    if (!/^-?\d+$/.test(t.trim())) return new Error('a whole number');
    return Number(t.trim());
  },
};

/** A Kubernetes quantity: numbers stay numbers ("4" GPUs), "500m" / "16Gi" stay strings. */
export const quantityCodec: Codec = {
  format: (v) => (v === undefined || v === null ? '' : String(v)),
  parse: (t) => {
    const s = t.trim();
    if (s === '') return undefined;
    if (/^\d+$/.test(s)) return Number(s);
    try {
      parseQuantity(s);
    } catch {
      return new Error('a quantity such as 4, 500m or 16Gi');
    }
    return s;
  },
};

/** One list item per line (command, args). */
export const linesCodec: Codec = {
  format: (v) => (Array.isArray(v) ? v.map(String).join('\n') : ''),
  parse: (t) => {
    const lines = t.split('\n').filter((l) => l.trim() !== '');
    return lines.length ? lines : undefined;
  },
};

/** `key=value` per line → map (labels, node selector). */
export const mapCodec: Codec = {
  format: (v) => (isRecord(v) ? Object.entries(v).map(([k, x]) => `${k}=${String(x)}`).join('\n') : ''),
  parse: (t) => {
    const out: Record<string, string> = {};
    for (const line of t.split('\n')) {
      if (line.trim() === '') continue;
      const eq = line.indexOf('=');
      if (eq <= 0) return new Error(`"${line}": write key=value`);
      out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
    }
    return Object.keys(out).length ? out : undefined;
  },
};

/** `NAME=value` per line → env list. Entries with valueFrom cannot be written this way. */
export const envCodec: Codec = {
  format: (v) => (Array.isArray(v) ? v.map((e) => (isRecord(e) ? `${String(e.name)}=${e.value === undefined ? '' : String(e.value)}` : '')).join('\n') : ''),
  parse: (t) => {
    const out: { name: string; value: string }[] = [];
    for (const line of t.split('\n')) {
      if (line.trim() === '') continue;
      const eq = line.indexOf('=');
      if (eq <= 0) return new Error(`"${line}": write NAME=value`);
      out.push({ name: line.slice(0, eq).trim(), value: line.slice(eq + 1) });
    }
    return out.length ? out : undefined;
  },
};

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const TOLERATION_FIELDS = ['key', 'operator', 'value', 'effect'];

/**
 * Why a tolerations value cannot be edited as `key[=value][:Effect]` lines without changing it, or
 * null when tolerationsCodec round-trips it exactly (an empty list reads back as no field, which
 * means the same). The inspector shows an unrepresentable list read-only instead of rewriting it.
 */
export function tolerationsUnrepresentable(v: unknown): string | null {
  if (v === undefined) return null;
  if (!Array.isArray(v)) return 'Tolerations are not a list';
  for (const [i, t] of v.entries()) {
    const why = tolerationUnrepresentable(t);
    if (why) return `Toleration ${i + 1} ${why}`;
  }
  return null;
}

/** The line is `key` `=value` `:Effect`, trimmed, split on newlines: what each part may hold follows from that. */
function tolerationUnrepresentable(t: unknown): string | null {
  if (!isRecord(t)) return 'is not a mapping';
  const extra = Object.keys(t).find((k) => !TOLERATION_FIELDS.includes(k));
  if (extra) return `has ${extra}`;
  const { key, value, effect, operator } = t;
  if (key === undefined && value === undefined && effect === undefined) return 'has no key (it tolerates every taint)';
  if (effect !== undefined && !(typeof effect === 'string' && TAINT_EFFECTS.includes(effect))) return `has effect ${JSON.stringify(effect)}`;
  if (value !== undefined ? operator !== 'Equal' : operator !== 'Exists') {
    return operator === undefined ? 'leaves its operator to the default' : `has operator ${JSON.stringify(operator)} ${value !== undefined ? 'with' : 'without'} a value`;
  }
  const lastPart = effect !== undefined ? 'effect' : value !== undefined ? 'value' : 'key';
  if (key !== undefined && (typeof key !== 'string' || key === '' || /[=:\n]|^\s/.test(key) || (lastPart === 'key' && /\s$/.test(key)))) return 'has a key the line form cannot hold';
  if (value !== undefined && (typeof value !== 'string' || /[:\n]/.test(value) || (lastPart === 'value' && /\s$/.test(value)))) return 'has a value the line form cannot hold';
  return null;
}

/** `key[=value][:Effect]` per line → tolerations (operator Exists when there is no value). Only for lists tolerationsUnrepresentable accepts. */
export const tolerationsCodec: Codec = {
  format: (v) => (Array.isArray(v) ? v.map((x) => (isRecord(x) ? `${x.key ?? ''}${x.value !== undefined ? `=${String(x.value)}` : ''}${x.effect ? `:${String(x.effect)}` : ''}` : '')).join('\n') : ''),
  parse: (t) => {
    const out: Record<string, string>[] = [];
    for (const line of t.split('\n')) {
      if (line.trim() === '') continue;
      const m = /^([^=:]*)(?:=([^:]*))?(?::(NoSchedule|PreferNoSchedule|NoExecute))?$/.exec(line.trim());
      if (!m) return new Error(`"${line}": write key=value:Effect (Effect: NoSchedule, PreferNoSchedule or NoExecute)`);
      const tol: Record<string, string> = {};
      if (m[1]) tol.key = m[1];
      if (m[2] !== undefined) {
        tol.operator = 'Equal';
        tol.value = m[2];
      } else tol.operator = 'Exists';
      if (m[3]) tol.effect = m[3];
      out.push(tol);
    }
    return out.length ? out : undefined;
  },
};
