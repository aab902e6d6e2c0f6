/**
 * Which workloads a search query names. An exact `namespace/name` names one; a bare name used in
 * several namespaces (or a fragment of several keys) names them all, so the page can ask instead of
 * silently picking the first.
 */
export type WorkloadMatch<W> = { kind: 'none' } | { kind: 'one'; workload: W } | { kind: 'several'; workloads: W[] };

export function matchWorkloads<W extends { key: string; name: string }>(workloads: readonly W[], query: string): WorkloadMatch<W> {
  const q = query.trim().toLowerCase();
  if (!q) return { kind: 'none' };
  const exact = workloads.find((w) => w.key.toLowerCase() === q);
  if (exact) return { kind: 'one', workload: exact };
  // Tried in order: the first rule that matches anything decides.
  const rules = [(w: W) => w.name.toLowerCase() === q, (w: W) => w.key.toLowerCase().includes(q)];
  for (const rule of rules) {
    const found = workloads.filter(rule);
    if (found.length === 1) return { kind: 'one', workload: found[0]! };
    if (found.length > 1) return { kind: 'several', workloads: found };
  }
  return { kind: 'none' };
}
