'use client';
/**
 * The legend of the current colour mode; in workload mode each entry selects its workload. When there
 * are more workloads or roles than colours, colours repeat: those entries say so, and a note explains.
 * Each swatch is one cell in its node box as the canvas draws it at 100 %: its colour, and the marks
 * (hatch, node outline, planned ghost) from the same description the renderer draws (colors.ts
 * markShapes), so what the legend shows is what the map shows.
 */
import { markDash, markLineWidth, markShapes, NODE_BOX, SWATCH, traceMarkShape, type CellMarkKind, type LegendEntry, type MarkKind, type NodeMarkKind, type PathSink, type Theme } from '../../lib/heatmap/colors';
import { clusterTaintsText } from '../../lib/heatmap/taints';
import { useTheme } from './useTheme';

/** Path data of an SVG <path>, written as a canvas path takes the same calls (a rect is one closed subpath, clockwise from its corner). */
export class SvgPathData implements PathSink {
  d = '';
  rect(x: number, y: number, w: number, h: number): void {
    this.d += `M${x} ${y}h${w}v${h}h${-w}Z`;
  }
  moveTo(x: number, y: number): void {
    this.d += `M${x} ${y}`;
  }
  lineTo(x: number, y: number): void {
    this.d += `L${x} ${y}`;
  }
}

/** The shapes of mark `kind` on the box (x, y, w, h), at zoom 1, as SVG paths. */
function markPaths(kind: MarkKind, theme: Theme, x: number, y: number, w: number, h: number) {
  return markShapes(kind, theme).map((shape, i) => {
    const path = new SvgPathData();
    if (!traceMarkShape(path, shape, x, y, w, h, 1)) return null;
    const dash = markDash(shape, 1);
    const paint =
      shape.shape === 'fill'
        ? { fill: shape.color }
        : { fill: 'none', stroke: shape.color, strokeWidth: markLineWidth(shape, 1), strokeDasharray: dash.length > 0 ? dash.join(' ') : undefined };
    return <path key={`${kind}-${i}`} data-mark={kind} d={path.d} {...paint} />;
  });
}

export function Swatch({ theme, color, cellMarks = [], nodeMark }: { theme: Theme; color?: string; cellMarks?: readonly CellMarkKind[]; nodeMark?: NodeMarkKind }) {
  const { size, cell } = SWATCH;
  return (
    <svg aria-hidden width={size} height={size} viewBox={`0 0 ${size} ${size}`} className="shrink-0" data-testid="legend-swatch">
      <rect width={size} height={size} fill={NODE_BOX[theme]} />
      {color && <rect data-mark="cell" x={cell.x} y={cell.y} width={cell.w} height={cell.h} fill={color} />}
      {cellMarks.flatMap((kind) => markPaths(kind, theme, cell.x, cell.y, cell.w, cell.h))}
      {nodeMark && markPaths(nodeMark, theme, 0, 0, size, size)}
    </svg>
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
  const theme = useTheme();
  const clusterTaintNote = clusterTaintsText(clusterTaints);
  return (
    <ul aria-label="Legend" data-testid="heatmap-legend" className="flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-zinc-700 dark:text-zinc-300">
      {entries.map((entry) => (
        <li
          key={`${entry.label}-${entry.color ?? entry.nodeMark}`}
          className="inline-flex items-center gap-1.5"
          data-testid={entry.nodeMark === 'taintedNode' && !entry.color ? 'legend-tainted-node' : entry.nodeMark === 'unavailableNode' ? 'legend-unavailable-node' : undefined}
        >
          <Swatch theme={theme} color={entry.color} cellMarks={entry.hatched ? ['hatch'] : []} nodeMark={entry.nodeMark} />
          {entry.workload ? (
            <button type="button" aria-pressed={selected === entry.workload} onClick={() => onSelect(entry.workload!)} className="underline decoration-dotted underline-offset-2 aria-pressed:font-semibold">
              {entry.label}
            </button>
          ) : (
            entry.label
          )}
          {entry.sharedColor && <span className="text-zinc-500 dark:text-zinc-400">(shared colour)</span>}
          {entry.none && <span className="text-zinc-600 dark:text-zinc-400">(none)</span>}
        </li>
      ))}
      {entries.some((e) => e.sharedColor) && (
        <li data-testid="legend-shared-note" className="text-zinc-600 dark:text-zinc-400">
          More than the palette holds: colours repeat{entries.some((e) => e.sharedColor && e.workload) ? '; select a workload to pick out its cells' : ''}.
        </li>
      )}
      {clusterTaintNote && (
        <li data-testid="legend-cluster-taints" className="text-zinc-600 dark:text-zinc-400">
          {clusterTaintNote}.
        </li>
      )}
      {ghostCount > 0 && (
        <li className="inline-flex items-center gap-1.5" data-testid="legend-planned">
          <Swatch theme={theme} cellMarks={['ghost']} />
          Planned (preview)
        </li>
      )}
    </ul>
  );
}
