/**
 * The identity of a topology domain, one for the whole app: its label PATH, the label values of the
 * binding's levels from the broadest down to its own, as KAI Scheduler builds it (topology plugin,
 * calcDomainId: the values of levels 0..i joined). Two racks both labelled rack-1, one in zone z0 and
 * one in zone z1, are two racks; a domain lies in exactly one domain of each broader level, so the
 * domains of a binding form a tree whatever values the nodes carry.
 *
 * Written as `level=value` steps joined by "/" ("zone=z0/rack=rack-1"): unique, readable, and the same
 * string the heatmap uses for its frames. The value alone (rack-1) stays what people see on the node.
 */

/** Joins a domain's id: `parent/level=value`, or `level=value` at the broadest level (parent ''). */
export function childDomainId(parentId: string, level: string, value: string): string {
  return parentId ? `${parentId}/${level}=${value}` : `${level}=${value}`;
}

/** The id of the domain with `values[i]` at `levels[i]`, broadest first (one value per level, to its depth). */
export function domainId(levels: readonly { domain: string }[], values: readonly string[]): string {
  let id = '';
  for (let i = 0; i < values.length; i++) id = childDomainId(id, levels[i]!.domain, values[i]!);
  return id;
}

/**
 * A node's label values of `levels[0..depth]`, broadest first, or undefined when it lacks one of them
 * (KAI leaves such a node out of the topology: it is in no domain of that depth).
 */
export function labelPath(labels: Readonly<Record<string, string>>, levels: readonly { key: string }[], depth: number): string[] | undefined {
  const values: string[] = [];
  for (let i = 0; i <= depth; i++) {
    // typeof: labels are own string properties; "constructor" & co. inherited from Object are not labels.
    const value: unknown = labels[levels[i]!.key];
    if (typeof value !== 'string') return undefined;
    values.push(value);
  }
  return values;
}
