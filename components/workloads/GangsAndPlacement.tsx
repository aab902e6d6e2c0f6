'use client';
/**
 * The stack's PodGangs (members, state, the domains each spans) and where its pods are: a readable
 * per-domain list built from the topology tree (lib/workloads/placement.ts).
 */
import type { WorkloadPlacement } from '../../lib/workloads/placement';
import { plural } from '../../lib/workloads/plural';
import { gangStateText, type WorkloadTree } from '../../lib/workloads/tree';
import { StageBar, StaleListNote, UNAVAILABLE_CLASS } from './parts';

function spanText(spans: Record<string, string[]>): string {
  const levels = Object.entries(spans).filter(([, values]) => values.length > 0);
  if (levels.length === 0) return 'not placed';
  // The broadest level where the gang spans more than one domain, and the narrowest where it is in one.
  const packed = [...levels].reverse().find(([, v]) => v.length === 1);
  const spread = levels.find(([, v]) => v.length > 1);
  const parts: string[] = [];
  if (packed) parts.push(`in one ${packed[0]} (${packed[1][0]})`);
  if (spread) parts.push(`across ${spread[1].length} ${spread[0]}s${spread[1].length <= 4 ? ` (${spread[1].join(', ')})` : ''}`);
  return parts.join(', ');
}

/**
 * `unavailable`: why the PodGang list is not the cluster's (kindAvailability.ts unavailableText), said
 * instead of "No PodGangs" (a list this identity may not read is not empty), and above a stale table.
 */
export function GangsTable({ tree, placement, unavailable }: { tree: WorkloadTree; placement?: WorkloadPlacement; unavailable?: string | null }) {
  if (tree.gangs.length === 0)
    return (
      <p className={`text-sm ${unavailable ? UNAVAILABLE_CLASS : 'text-zinc-600 dark:text-zinc-400'}`} data-testid="gangs-empty">
        {unavailable ?? 'No PodGangs.'}
      </p>
    );
  return (
    <div className="overflow-x-auto">
      <StaleListNote unavailable={unavailable} rows="PodGangs" />
      <table className="w-full text-left text-xs" aria-label="PodGangs">
        <thead className="text-zinc-600 dark:text-zinc-400">
          <tr>
            <th scope="col" className="py-1 pr-3 font-medium">PodGang</th>
            <th scope="col" className="py-1 pr-3 font-medium">Kind</th>
            <th scope="col" className="py-1 pr-3 font-medium" title="From the members: Scheduled when every pod group has its minimum bound, Running when it has its minimum ready">
              State
            </th>
            <th scope="col" className="py-1 pr-3 font-medium">Pods</th>
            <th scope="col" className="py-1 pr-3 font-medium">Members (ready / pods, gang minimum)</th>
            <th scope="col" className="py-1 pr-3 font-medium">Where</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
          {tree.gangs.map((g) => {
            const spans = placement?.gangs.find((x) => x.name === g.name)?.spans;
            const pods = g.members.reduce((n, m) => n + m.pods.length, 0);
            return (
              <tr key={g.name} data-testid="gang" data-name={g.name}>
                <td className="py-1.5 pr-3 font-mono">{g.name}</td>
                <td className="py-1.5 pr-3">{g.base ? 'base' : `scaled (after ${g.baseGang})`}</td>
                <td className="py-1.5 pr-3" data-testid="gang-state" data-state={g.state}>
                  {gangStateText(g)}
                </td>
                <td className="py-1.5 pr-3">
                  <div className="flex items-center gap-2">
                    <StageBar counts={g.counts} label={`Pods of gang ${g.name}`} />
                    <span className="tabular-nums" data-testid="gang-pods">
                      {g.counts.ready}/{pods}
                    </span>
                  </div>
                </td>
                <td className="py-1.5 pr-3">
                  <ul>
                    {g.members.map((m) => (
                      <li key={m.podClique}>
                        <span className="font-mono">{m.podClique}</span>: {m.pods.filter((p) => p.stage === 'ready').length}/{m.pods.length} (min {m.minReplicas})
                      </li>
                    ))}
                  </ul>
                </td>
                <td className="py-1.5 pr-3" data-testid="gang-span">
                  {spans ? spanText(spans) : '—'}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function DomainList({ placement }: { placement: WorkloadPlacement }) {
  if (placement.levels.length === 0) return <p className="text-sm text-zinc-600 dark:text-zinc-400">The cluster has no ClusterTopologyBinding: no domains to show.</p>;
  const any = placement.levels.some((l) => l.domains.length > 0);
  return (
    <div className="space-y-2 text-xs" data-testid="domain-list">
      <p className="text-zinc-600 dark:text-zinc-400">
        Topology {placement.topology}: the domains that hold this stack’s running pods{placement.unknownNodePods > 0 ? ` (${placement.unknownNodePods} on nodes Canopy does not know)` : ''}.
      </p>
      {!any && <p className="text-zinc-600 dark:text-zinc-400">No pod of this stack is bound to a node yet.</p>}
      {any &&
        placement.levels.map((l) => (
          <div key={l.level}>
            <h3 className="font-medium capitalize">{l.level}</h3>
            <ul className="ml-3">
              {l.domains.map((d) => (
                <li key={d.id} data-testid="domain" data-level={l.level} data-value={d.value}>
                  <span className="font-mono">{d.name}</span>: {plural(d.pods, 'pod')}, {plural(d.gpus, 'GPU')} of this stack; {d.freeGpus} of {d.capacityGpus} GPUs free
                  {d.gangs.length > 0 ? `; gangs ${d.gangs.join(', ')}` : ''}
                </li>
              ))}
            </ul>
          </div>
        ))}
    </div>
  );
}
