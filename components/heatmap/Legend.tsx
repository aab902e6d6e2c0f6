'use client';
/**
 * The legend of the current colour mode; in workload mode each entry selects its workload. When there
 * are more workloads or roles than colours, colours repeat: those entries say so, and a note explains.
 */
import type { LegendEntry } from '../../lib/heatmap/colors';
import { clusterTaintsText } from '../../lib/heatmap/taints';

const HATCH = 'repeating-linear-gradient(135deg, transparent 0 3px, rgba(255,255,255,.85) 3px 4.5px)';

export function Swatch({ color, hatched }: { color: string; hatched?: boolean }) {
  return (
    <span
      aria-hidden
      className="inline-block h-3 w-3 shrink-0 rounded-sm border border-zinc-400 dark:border-zinc-600"
      style={{ backgroundColor: color, backgroundImage: hatched ? HATCH : undefined }}
    />
  );
}

export function Legend({
  entries,
  selected,
  onSelect,
  ghostCount,
  clusterTaints = [],
}: {
  entries: readonly LegendEntry[];
  selected: string | null;
  onSelect: (workload: string) => void;
  ghostCount: number;
  /** Taints every GPU node carries (model.clusterTaints): said once here, not marked on the nodes. */
  clusterTaints?: readonly string[];
}) {
  const clusterTaintNote = clusterTaintsText(clusterTaints);
  return (
    <ul aria-label="Legend" data-testid="heatmap-legend" className="flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-zinc-700 dark:text-zinc-300">
      {entries.map((entry) => (
        <li key={`${entry.label}-${entry.color}`} className="inline-flex items-center gap-1.5">
          <Swatch color={entry.color} hatched={entry.hatched} />
          {entry.workload ? (
            <button type="button" aria-pressed={selected === entry.workload} onClick={() => onSelect(entry.workload!)} className="underline decoration-dotted underline-offset-2 aria-pressed:font-semibold">
              {entry.label}
            </button>
          ) : (
            entry.label
          )}
          {entry.sharedColor && <span className="text-zinc-500 dark:text-zinc-400">(shared colour)</span>}
        </li>
      ))}
      {entries.some((e) => e.sharedColor) && (
        <li data-testid="legend-shared-note" className="text-zinc-600 dark:text-zinc-400">
          More than the palette holds: colours repeat{entries.some((e) => e.sharedColor && e.workload) ? '; select a workload to pick out its cells' : ''}.
        </li>
      )}
      <li className="inline-flex items-center gap-1.5">
        <span aria-hidden className="inline-block h-3 w-3 rounded-sm border border-dashed border-red-700 dark:border-red-400" />
        Cordoned / NotReady node
      </li>
      <li className="inline-flex items-center gap-1.5" data-testid="legend-tainted-node">
        <span aria-hidden className="inline-block h-3 w-3 rounded-sm border-2 border-dotted border-[#8a2f6b] dark:border-[#d7b5ff]" />
        Tainted node (NoSchedule / NoExecute, not on every GPU node)
      </li>
      {clusterTaintNote && (
        <li data-testid="legend-cluster-taints" className="text-zinc-600 dark:text-zinc-400">
          {clusterTaintNote}.
        </li>
      )}
      {ghostCount > 0 && (
        <li className="inline-flex items-center gap-1.5">
          <span aria-hidden className="inline-block h-3 w-3 rounded-sm border border-dashed border-zinc-900 bg-zinc-900/40 dark:border-zinc-50 dark:bg-zinc-50/40" />
          Planned (preview)
        </li>
      )}
    </ul>
  );
}
