/**
 * How a diff tells apart the items of a list, by the list's field name. One table for:
 * - Kubernetes' merge keys of the core types (strategic merge patch's patchMergeKey, or server-side
 *   apply's list-map keys where those say more: ports by containerPort and protocol);
 * - Grove's list-map keys (x-kubernetes-list-map-keys in its CRDs: cliques by name);
 * - lists Grove's CRD leaves atomic but whose items its webhook requires unique (scaling groups by
 *   name; startsAfter and cliqueNames as sets of names).
 * A list not named here, or whose items lack the key or repeat it, is ordered: items are told apart by
 * position (tolerations, args, levels). Field names mean the same type wherever Kubernetes uses them;
 * a list of another type under the same name (a Service's ports have no containerPort) falls back to
 * position, since its items lack the key.
 */

/** Items are objects told apart by these fields (a missing one stands for itself), or scalars told apart by value. */
export type ListIdentity = { readonly keys: readonly [string, ...string[]] } | 'set';

const byName: ListIdentity = { keys: ['name'] };

export const LIST_IDENTITY: Readonly<Record<string, ListIdentity>> = {
  // core/v1 PodSpec, Container, ResourceRequirements
  containers: byName,
  initContainers: byName,
  ephemeralContainers: byName,
  env: byName,
  ports: { keys: ['containerPort', 'protocol'] },
  volumes: byName,
  volumeMounts: { keys: ['mountPath'] },
  volumeDevices: { keys: ['devicePath'] },
  imagePullSecrets: byName,
  hostAliases: { keys: ['ip'] },
  resourceClaims: byName,
  schedulingGates: byName,
  claims: byName,
  topologySpreadConstraints: { keys: ['topologyKey', 'whenUnsatisfiable'] },
  // ObjectMeta
  ownerReferences: { keys: ['uid'] },
  finalizers: 'set',
  // Grove: PodCliqueSet template, PodClique, PodCliqueScalingGroup
  cliques: byName,
  podCliqueScalingGroups: byName,
  resourceClaimTemplates: byName,
  startsAfter: 'set',
  cliqueNames: 'set',
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One item of a list with an identity: what matches it across versions, and how a path names it. */
export interface ListItem {
  /** Equal for the same item in both versions of the list. */
  id: string;
  /** The path segment, as server-side apply writes it: `[name="router"]`, `[containerPort=8000,protocol="TCP"]`, `[="router"]`. */
  segment: string;
  /** What names the item in words: its key's value (`"router"`), its key fields, or the set member itself. */
  label: unknown;
  value: unknown;
}

/**
 * The items of `list` under `identity`, in order; null when they cannot be told apart that way (an
 * item without the first key or not a scalar, or two items alike), so the list is compared by position.
 */
export function listItems(list: readonly unknown[], identity: ListIdentity): ListItem[] | null {
  const items: ListItem[] = [];
  const seen = new Set<string>();
  for (const value of list) {
    const item = identity === 'set' ? setItem(value) : keyedItem(value, identity.keys);
    if (!item || seen.has(item.id)) return null;
    seen.add(item.id);
    items.push(item);
  }
  return items;
}

function setItem(value: unknown): ListItem | null {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return null;
  const id = JSON.stringify(value);
  return { id, segment: `[=${id}]`, label: value, value };
}

function keyedItem(value: unknown, keys: readonly [string, ...string[]]): ListItem | null {
  if (!isPlainObject(value) || value[keys[0]] === undefined) return null;
  const present = keys.filter((k) => value[k] !== undefined);
  const id = JSON.stringify(keys.map((k) => value[k] ?? null));
  const label = keys.length === 1 ? value[keys[0]] : Object.fromEntries(present.map((k) => [k, value[k]]));
  return { id, segment: keyedSegment(value, keys), label, value };
}

/**
 * The path segment of an item of a list-map by its key fields, as server-side apply writes it:
 * `[name="router"]`, `[containerPort=8000,protocol="TCP"]`; a key the item lacks is left out.
 */
export function keyedSegment(item: Readonly<Record<string, unknown>>, keys: readonly string[]): string {
  return `[${keys.filter((k) => item[k] !== undefined).map((k) => `${k}=${JSON.stringify(item[k])}`).join(',')}]`;
}
