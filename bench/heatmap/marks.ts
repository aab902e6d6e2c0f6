/** User-timing marks the trace-based work measure (run.ts) reads: data in hand, drawing calls returned. */
export const MARK_START = 'heatmap:start';
export const MARK_DRAWN = 'heatmap:drawn';
/** The harness's end: the frame after the drawing has been produced. */
export const MARK_PAINTED = 'heatmap:painted';
