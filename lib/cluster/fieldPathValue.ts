/**
 * The value at a field path as the apiserver and lib/cluster/diff write them:
 * `spec.template.cliques[name="router"].spec.replicas`, `spec.containers[0].image`,
 * `startsAfter[="router"]`, `ports[containerPort=8000,protocol="TCP"]` (a leading `.`, as a
 * server-side apply conflict writes it, is allowed). Undefined when the object has no such field.
 */
import { isRecord } from '../grove/meta';

const SEGMENT = /^(?:\.?([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|\[=([^\]]*)\]|\[([^\]=]+=[^\]]*)\])/;

/** Maps whose keys are free text (dots and slashes in them), as server-side apply names their fields. */
const MAP_OF_KEYS = new Set(['labels', 'annotations']);

export function valueAtFieldPath(object: unknown, path: string): unknown {
  let value = object;
  let rest = path;
  while (rest.length > 0) {
    const m = SEGMENT.exec(rest);
    if (!m) return undefined;
    rest = rest.slice(m[0].length);
    const [, key, index, quoted, member, keys] = m;
    if (key !== undefined || quoted !== undefined) {
      const name = key ?? (JSON.parse(quoted!) as string);
      value = isRecord(value) && Object.hasOwn(value, name) ? value[name] : undefined;
      // Server-side apply writes a label or annotation key as it is (`.metadata.labels.app.kubernetes.io/name`):
      // inside those maps the rest of the path is the one key.
      if (MAP_OF_KEYS.has(name) && isRecord(value) && rest.startsWith('.') && !rest.startsWith('.[')) {
        const whole = rest.slice(1);
        return Object.hasOwn(value, whole) ? value[whole] : undefined;
      }
    } else if (index !== undefined) {
      value = Array.isArray(value) ? value[Number(index)] : undefined;
    } else if (member !== undefined) {
      const wanted = parseScalar(member);
      value = Array.isArray(value) ? value.find((item) => item === wanted) : undefined;
    } else {
      const pairs = splitKeys(keys!).map(([k, v]) => [k, parseScalar(v)] as const);
      value = Array.isArray(value) ? value.find((item) => isRecord(item) && pairs.every(([k, v]) => item[k] === v)) : undefined;
    }
    if (value === undefined) return undefined;
  }
  return value;
}

/** `name="a,b",port=8000` → [["name", "\"a,b\""], ["port", "8000"]] (commas inside quotes kept). */
function splitKeys(text: string): [string, string][] {
  return [...text.matchAll(/([^,=]+)=("(?:[^"\\]|\\.)*"|[^,]*)/g)].map((m) => [m[1]!, m[2]!]);
}

function parseScalar(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
