/** The trace-based work measure on synthetic traces (part of `npm run test:unit`). */
import assert from 'node:assert/strict';
import { test } from 'vitest';
import { MARK_DRAWN, MARK_PAINTED, MARK_START } from './marks';
import { medianRun, paintWork, unionLength, type TraceEvent } from './trace';

const MAIN = { pid: 1, tid: 10 };
const WORKER = { pid: 1, tid: 11 };
const COMPOSITOR = { pid: 1, tid: 12 };
const OTHER_PROCESS = { pid: 2, tid: 10 };
const ms = 1000;

const mark = (name: string, at: number): TraceEvent => ({ name, cat: 'blink.user_timing', ph: 'I', ts: at * ms, ...MAIN });
const slice = (name: string, at: number, dur: number, thread = MAIN): TraceEvent => ({ name, cat: 'devtools.timeline', ph: 'X', ts: at * ms, dur: dur * ms, ...thread });

/** A paint: script 0–30 (nested function call), idle 30–40, frame 40–52 with commit 46–50, raster after. */
function trace(): TraceEvent[] {
  return [
    slice('RunTask', -5, 3), // before the start: not counted
    mark(MARK_START, 0),
    slice('RunTask', -1, 31),
    slice('FunctionCall', 0, 29),
    mark(MARK_DRAWN, 29),
    slice('RunTask', 40, 12),
    slice('Paint', 41, 3),
    slice('Commit', 46, 4),
    slice('RunTask', 53, 1), // the harness's own timer after the frame: not counted
    mark(MARK_PAINTED, 54),
    slice('RasterTask', 50, 2, WORKER),
    slice('RasterTask', 56, 3, WORKER),
    slice('RasterTask', 57, 1, WORKER), // overlaps the previous one on the same thread: counted once
    slice('ProxyImpl::ScheduledActionDraw', 60, 1, COMPOSITOR),
    slice('RasterTask', 70, 5, WORKER), // after the frame was drawn: another frame's
    slice('RunTask', 10, 50, OTHER_PROCESS), // another process
  ];
}

test('unionLength: overlaps count once, clipped to the window', () => {
  assert.equal(unionLength([[0, 10], [5, 15], [20, 30]], -Infinity, Infinity), 25);
  assert.equal(unionLength([[0, 10], [5, 15], [20, 30]], 8, 25), 12);
  assert.equal(unionLength([], 0, 10), 0);
  assert.equal(unionLength([[0, 10], [2, 3]], 0, 10), 10);
});

test('work = main-thread busy time from the start to the end of the frame holding the commit, plus raster until the draw', () => {
  const work = paintWork(trace());
  // Main: 0–30 (script) + 40–52 (the frame's task) = 42 ms; the idle 30–40 is not work.
  assert.equal(work.mainMs, 42);
  // Raster: 50–52 and 56–59 on the worker = 5 ms; the task at 70 is after the draw.
  assert.equal(work.rasterMs, 5);
  assert.equal(work.workMs, 47);
});

test("cc's commit slice marks the frame as well as DevTools' one", () => {
  const cc = trace().map((e) => (e.name === 'Commit' ? { ...e, name: 'ProxyMain::BeginMainFrame::commit', cat: 'cc,benchmark' } : e));
  assert.deepEqual(paintWork(cc), paintWork(trace()));
});

test('without a traced draw, all raster after the start counts', () => {
  const work = paintWork(trace().filter((e) => e.name !== 'ProxyImpl::ScheduledActionDraw'));
  assert.equal(work.rasterMs, 10);
});

test('a trace without the marks or without a commit after the drawing is an error, not a number', () => {
  assert.throws(() => paintWork(trace().filter((e) => e.name !== MARK_PAINTED)), /mark heatmap:painted/);
  assert.throws(() => paintWork(trace().filter((e) => e.name !== 'Commit')), /no commit/);
  assert.throws(() => paintWork([...trace(), mark(MARK_START, 100)]), /expected one mark heatmap:start, found 2/);
});

test('medianRun: the run with the median work, with its own split (main + raster = work)', () => {
  const run = (mainMs: number, rasterMs: number) => ({ mainMs, rasterMs, workMs: mainMs + rasterMs });
  // Works 40, 25, 45: the median run is the first; medians of the parts would be main 20 + raster 15 = 35, no run's work.
  const runs = [run(10, 30), run(20, 5), run(30, 15)];
  assert.deepEqual(medianRun(runs), run(10, 30));
  assert.deepEqual(medianRun([run(1, 1)]), run(1, 1));
  assert.deepEqual(medianRun([run(5, 0), run(1, 0)]), run(5, 0)); // even count: the upper middle
  assert.throws(() => medianRun([]), /no runs/);
});
