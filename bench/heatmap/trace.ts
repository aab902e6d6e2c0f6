/**
 * The frame-independent measure of a first paint: the rendering work from data to the frame that
 * shows the drawing, read from a Chrome trace, without the idle wait for the display's next frame
 * (the wall figure always includes up to one 60 Hz frame of idling, whatever the renderer does).
 *
 * work = main  + raster, where
 *   main   = busy time of the renderer's main thread (the union of its trace slices, i.e. its tasks:
 *            script, GC, style, layout, paint, the 2D canvas flush, commit) from MARK_START to the end
 *            of the task holding the first commit after MARK_DRAWN — the frame that contains the drawing;
 *   raster = the renderer's raster tasks (RasterTask, on its worker threads) that start between
 *            MARK_START and the end of the first compositor draw after MARK_PAINTED (the harness's
 *            own end), i.e. rasterising that frame's tiles off the main thread (the SVG's rects; a 2D
 *            canvas is drawn on the main thread and has no tiles).
 * Idle gaps (waiting for vsync) are in no slice and so count nowhere. Both the canvas and the SVG
 * reference are measured the same way, in the same run.
 *
 * Left out, for both alike: work on the renderer's compositor thread (tile preparation, activating the
 * pending tree, the draw itself; its ProxyImpl draw slice only bounds the raster window) and compositing
 * in the viz (GPU) process. So "work" and the SVG/canvas work ratio cover main thread + raster only, not
 * every CPU cycle a frame costs.
 *
 * Several traced runs per kind are summarised by medianRun: the run with the median work, reported
 * with its own main/raster split (a median of each part separately would not add up).
 */
import { MARK_DRAWN, MARK_PAINTED, MARK_START } from './marks';

export interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  /** Microseconds. */
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

export interface PaintWork {
  mainMs: number;
  rasterMs: number;
  workMs: number;
}

/** The run with the median work (the upper middle for an even count), so its main + raster = its work. */
export function medianRun(works: readonly PaintWork[]): PaintWork {
  if (!works.length) throw new Error('medianRun: no runs');
  const sorted = [...works].sort((a, b) => a.workMs - b.workMs);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Total length of the union of [start, end) intervals, each clipped to [from, to). */
export function unionLength(intervals: readonly [number, number][], from: number, to: number): number {
  const clipped = intervals
    .map(([a, b]): [number, number] => [Math.max(a, from), Math.min(b, to)])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let curStart = -Infinity;
  let curEnd = -Infinity;
  for (const [a, b] of clipped) {
    if (a > curEnd) {
      if (curEnd > curStart) total += curEnd - curStart;
      curStart = a;
      curEnd = b;
    } else if (b > curEnd) curEnd = b;
  }
  if (curEnd > curStart) total += curEnd - curStart;
  return total;
}

/** The work of the one measured paint in `events`; throws when the trace lacks what it needs. */
export function paintWork(events: readonly TraceEvent[]): PaintWork {
  const mark = (name: string) => {
    const found = events.filter((e) => e.name === name && e.cat.includes('blink.user_timing'));
    if (found.length !== 1) throw new Error(`trace: expected one mark ${name}, found ${found.length}`);
    return found[0]!;
  };
  const start = mark(MARK_START);
  const drawn = mark(MARK_DRAWN);
  const painted = mark(MARK_PAINTED);
  const { pid, tid } = start; // the marks are made on the renderer's main thread
  const slices = events.filter((e) => e.ph === 'X' && e.pid === pid && e.dur !== undefined);
  const main = slices.filter((e) => e.tid === tid);
  const commit = main.filter((e) => COMMIT_SLICES.includes(e.name) && e.ts >= drawn.ts).sort((a, b) => a.ts - b.ts)[0];
  if (!commit) throw new Error('trace: no commit on the main thread after the drawing');
  // The frame ends with the top-level task holding that commit (its tail: commit bookkeeping).
  const holder = main.filter((e) => e.ts <= commit.ts && e.ts + e.dur! >= commit.ts + commit.dur!).sort((a, b) => b.dur! - a.dur!)[0]!;
  const end = holder.ts + holder.dur!;
  const mainUs = unionLength(main.map((e) => [e.ts, e.ts + e.dur!]), start.ts, end);

  // Raster may finish after the harness's end; the compositor draws the frame only once it has.
  const draws = slices.filter((e) => e.tid !== tid && e.name === 'ProxyImpl::ScheduledActionDraw' && e.ts >= painted.ts).sort((a, b) => a.ts - b.ts);
  const rasterEnd = draws[0] ? draws[0].ts + draws[0].dur! : Infinity; // no draw traced: all raster after the start is this paint's
  const raster = slices.filter((e) => e.name === 'RasterTask' && e.tid !== tid && e.ts >= start.ts && e.ts < rasterEnd);
  // Workers may run in parallel: busy time per worker thread, summed.
  let rasterUs = 0;
  for (const worker of new Set(raster.map((e) => e.tid))) {
    rasterUs += unionLength(raster.filter((e) => e.tid === worker).map((e) => [e.ts, e.ts + e.dur!]), -Infinity, Infinity);
  }
  return { mainMs: mainUs / 1000, rasterMs: rasterUs / 1000, workMs: (mainUs + rasterUs) / 1000 };
}

/**
 * Categories the measure needs: top-level tasks (every main-thread slice is inside one), the compositor's
 * frame, raster and draw slices (cc), the user-timing marks. Deliberately not devtools.timeline: its
 * per-call instrumentation slowed the canvas's traced paints by several ms (the SVG's barely), which
 * would skew the ratio.
 */
export const TRACE_CATEGORIES = ['toplevel', 'cc', 'benchmark', 'blink.user_timing'].join(',');

/** The main thread's commit of a frame: cc's name, or DevTools' when devtools.timeline is traced too. */
const COMMIT_SLICES = ['ProxyMain::BeginMainFrame::commit', 'Commit'];
