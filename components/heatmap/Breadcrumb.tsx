'use client';
/** Where the view is: the frames holding the centre of the viewport, each a button that zooms to it. */
import type { HeatmapFrame } from '../../lib/heatmap/layout';

export function Breadcrumb({ path, onFit, onFrame }: { path: readonly HeatmapFrame[]; onFit: () => void; onFrame: (frame: number) => void }) {
  return (
    <nav aria-label="Where you are" className="text-sm">
      <ol className="flex flex-wrap items-center gap-1 text-zinc-700 dark:text-zinc-300">
        <li>
          <button type="button" onClick={onFit} className="underline decoration-dotted underline-offset-2">
            Cluster
          </button>
        </li>
        {path.map((frame, i) => (
          <li key={frame.id} className="inline-flex items-center gap-1">
            <span aria-hidden>›</span>
            <button type="button" onClick={() => onFrame(frame.index)} aria-current={i === path.length - 1 ? 'location' : undefined} className="underline decoration-dotted underline-offset-2">
              {frame.label}
            </button>
          </li>
        ))}
      </ol>
    </nav>
  );
}
