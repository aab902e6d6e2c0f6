/**
 * The value at a field path as the apiserver and lib/cluster/diff write them:
 * `spec.template.cliques[name="router"].spec.replicas`, `spec.containers[0].image`,
 * `startsAfter[="router"]`, `ports[containerPort=8000,protocol="TCP"]` (a leading `.`, as a
 * server-side apply conflict writes it, is allowed). Undefined when the object has no such field.
 */
import { isRecord } from '../grove/meta';

const SEGMENT = /^(?:\.?([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|\[=([^\]]*)\]|\[([^\]=]+=[^\]]*)\])/;

export function valueAtFieldPath(object: unknown, path: string): unknown {
  let value = object;
  let rest = path;
  while (rest.length > 0) {
    const m = SEGMENT.exec(rest);
    if (!m) return undefined;
    const [, key, index, quoted, member, keys] = m;
    // A map key as server-side apply writes it, dots and slashes in it (`.metadata.labels.app.kubernetes.io/name`,
    // `.resources.limits.nvidia.com/gpu`, `.nodeSelector.kubernetes.io/hostname`): read as a dotted key below.
    if (key !== undefined) return isRecord(value) ? valueAtDottedKey(value, rest.startsWith('.') ? rest.slice(1) : rest, key.length) : undefined;
    rest = rest.slice(m[0].length);
    if (quoted !== undefined) {
      const name = JSON.parse(quoted) as string;
      value = isRecord(value) && Object.hasOwn(value, name) ? value[name] : undefined;
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

/**
 * The value at `path` (no leading `.`) inside a record whose next key may hold dots: the plain key
 * (`first` characters) first, then each longer prefix of the path up to a `.` or `[`, then the whole
 * path as one key. A prefix that is a key but leads nowhere lets the next one be tried.
 */
function valueAtDottedKey(record: Record<string, unknown>, path: string, first: number): unknown {
  for (let cut = first; cut <= path.length; cut++) {
    if (cut < path.length && path[cut] !== '.' && path[cut] !== '[') continue;
    const name = path.slice(0, cut);
    if (!Object.hasOwn(record, name)) continue;
    const found = valueAtFieldPath(record[name], path.slice(cut));
    if (found !== undefined) return found;
  }
  return undefined;
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
