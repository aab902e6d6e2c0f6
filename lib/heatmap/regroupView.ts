/**
 * The view across a regrouping (a level collapsed or expanded, or another binding's levels): the nodes
 * keep their cells but move, so a zoom kept as it was would show some other place. A person zoomed in
 * on a rack keeps looking at it: the node nearest the canvas's centre is centred again at the same
 * scale (cells are the same size in every grouping), at the same offset from the node's centre as before.
 * The fitted view (nobody zoomed) is fitted to the new layout instead.
 */
import type { HeatmapLayout } from './layout';
import type { CanvasSize, ZoomState } from './urlState';

/**
 * Whether `t` is the fitted view `fitted` (nobody zoomed or panned since): the same scale, and the same
 * place to half a CSS pixel. The one test of it, for a regrouping and a resize alike.
 */
export function isFittedView(t: ZoomState, fitted: ZoomState): boolean {
  return Math.abs(t.k - fitted.k) <= 1e-6 * fitted.k && Math.abs(t.x - fitted.x) < 0.5 && Math.abs(t.y - fitted.y) < 0.5;
}

/**
 * The transform showing in `after` what `t` showed in `before`, or null when `t` was the fitted view
 * (`fitted`, of `before` on this canvas) or `before` has no node that `after` still has (then the caller refits).
 */
export function regroupedTransform(before: HeatmapLayout, after: HeatmapLayout, t: ZoomState, canvas: CanvasSize, fitted: ZoomState): ZoomState | null {
  if (isFittedView(t, fitted)) return null;
  const cx = (canvas.width / 2 - t.x) / t.k;
  const cy = (canvas.height / 2 - t.y) / t.k;
  const afterByName = new Map(after.nodes.map((box) => [box.name, box]));
  let best: { dx: number; dy: number; name: string } | null = null;
  let bestDistance = Infinity;
  for (const box of before.nodes) {
    if (!afterByName.has(box.name)) continue;
    // Distance from the centre to the box (0 inside it), then to its middle to break ties.
    const outside = Math.hypot(Math.max(box.x - cx, 0, cx - (box.x + box.w)), Math.max(box.y - cy, 0, cy - (box.y + box.h)));
    const dx = cx - (box.x + box.w / 2);
    const dy = cy - (box.y + box.h / 2);
    const distance = outside * 1e6 + Math.hypot(dx, dy);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = { dx, dy, name: box.name };
    }
  }
  if (!best) return null;
  const box = afterByName.get(best.name)!;
  const x = box.x + box.w / 2 + best.dx;
  const y = box.y + box.h / 2 + best.dy;
  return { k: t.k, x: canvas.width / 2 - x * t.k, y: canvas.height / 2 - y * t.k };
}
