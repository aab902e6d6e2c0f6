import { describe, expect, test } from 'vitest';
import { readBuilderText } from './document';
import { moveIntoGroup } from './edits';
import { graphFromObject } from './graph';
import { heldMoveHint, settleKeyboardMove } from './keyboardMove';
import { CLIQUE_SIZE, cliqueKey, completeLayout, dropAt, EMPTY_LAYOUT, groupAt, groupFrame, type Layout, type Point } from './layout';
import { stackText } from './templates';

const graphs = new Map<string, ReturnType<typeof graphFromObject>>();
function graphOf(text: string) {
  const known = graphs.get(text);
  if (known) return known;
  const r = readBuilderText(text);
  if (!r.ok) throw new Error(r.message);
  const g = graphFromObject(r.object);
  graphs.set(text, g);
  return g;
}

const centre = (p: Point) => ({ x: p.x + CLIQUE_SIZE.width / 2, y: p.y + CLIQUE_SIZE.height / 2 });

/** The stack with frontend in no group, decode and prefill framed, laid out as the canvas draws it. */
function stack() {
  const text = stackText('multi-node-disaggregated-frontend', 'vllm');
  const g = graphOf(text);
  // completeLayout places frontend right of the frames (freeSpot), clear of them.
  return { text, g, l: completeLayout(EMPTY_LAYOUT, g) };
}

interface Pressed {
  text: string;
  layout: Layout;
  /** What each written step said ('frontend joined decode'), in order. */
  said: string[];
  /** How many presses ended held (drawn, not written). */
  held: number;
  presses: number;
}

/**
 * Arrow presses on the clique `ref` (CliqueNode.ref), each followed by its release, as the canvas handles them: React Flow
 * moves the node by `step` from where it is drawn; on release the move is written when
 * settleKeyboardMove says so (a drop: membership by groupAt on the layout before, as the workbench's
 * onMoved does, then the layout made room in), else held. Stops once `until` holds or after `limit` presses.
 * `writeEveryPress` is the canvas before: every press written at once.
 */
function press(start: { text: string; layout: Layout }, ref: string, step: Point | ((drawn: Point) => Point), until: (p: Pressed) => boolean, { limit = 80, writeEveryPress = false } = {}): Pressed {
  let text = start.text;
  let layout = start.layout;
  let drawn = layout.positions[cliqueKey(ref)]!;
  const out: Pressed = { text, layout, said: [], held: 0, presses: 0 };
  for (let i = 0; i < limit && !until(out); i++) {
    const g = graphOf(text);
    const d = typeof step === 'function' ? step(drawn) : step;
    drawn = { x: drawn.x + d.x, y: drawn.y + d.y };
    out.presses++;
    if (!writeEveryPress && !settleKeyboardMove(layout, g, [{ ref, at: drawn }]).write) {
      out.held++;
      continue;
    }
    const target = groupAt(layout, g, drawn);
    const own = g.cliques.find((c) => c.ref === ref)!.group;
    if (target !== own) {
      const r = moveIntoGroup(text, ref, target);
      if (!r.ok) throw new Error(r.message);
      text = r.text;
      out.said.push(r.note!);
    }
    layout = completeLayout({ ...layout, positions: { ...layout.positions, [cliqueKey(ref)]: drawn } }, graphOf(text));
    drawn = layout.positions[cliqueKey(ref)]!;
    Object.assign(out, { text, layout });
  }
  return out;
}

/** One axis step of `size` px from `from` towards `to` (up/down first, then sideways). */
function towards(from: Point, to: Point, size: number): Point {
  const dy = to.y - from.y;
  if (Math.abs(dy) >= size) return { x: 0, y: Math.sign(dy) * size };
  return { x: Math.sign(to.x - from.x) * size, y: 0 };
}

describe('keyboard moves of a clique join and leave scaling groups as a drop does', () => {
  test('frontend pressed towards decode, 5 px or 20 px a press, joins it once its centre is inside: held over the edge meanwhile, the YAML as the Inspector writes it', () => {
    for (const size of [5, 20]) {
      const { text, g, l } = stack();
      const frame = groupFrame(l, g, 'decode');
      const aim = { x: frame.x + frame.width / 2, y: frame.y + frame.height / 2 };
      // Re-aimed press by press at the frame's centre, as a user would (up or down first, then across).
      const done = press({ text, layout: l }, 'frontend', (drawn) => towards(centre(drawn), aim, size), (p) => p.said.length > 0, { limit: 200 });
      expect(done.said, `${size} px a press`).toEqual(['frontend joined decode']);
      expect(done.held, 'held over the edge before its centre got in').toBeGreaterThan(0);
      expect(graphOf(done.text).groups.find((x) => x.name === 'decode')!.cliqueNames).toContain('frontend');
      expect(done.text).toBe((moveIntoGroup(text, 'frontend', 'decode') as { text: string }).text);
    }
  });

  test('written at every press (the canvas before), frontend pressed down into the frame below it never gets in: makeRoom moves it back out each time', () => {
    const { text, g, l } = stack();
    // Frontend put straight above the topmost frame, clear of it, then pressed down.
    const top = g.groups.map((x) => ({ name: x.name, frame: groupFrame(l, g, x.name) })).sort((a, b) => a.frame.y - b.frame.y)[0]!;
    const above = { x: top.frame.x + 40, y: top.frame.y - CLIQUE_SIZE.height - 60 };
    const start = completeLayout({ ...l, positions: { ...l.positions, [cliqueKey('frontend')]: above } }, g);
    expect(start.positions[cliqueKey('frontend')]).toEqual(above);
    const down = { x: 0, y: 5 };
    const old = press({ text, layout: start }, 'frontend', down, (p) => p.said.length > 0, { writeEveryPress: true, limit: 60 });
    expect(old.said).toEqual([]);
    expect(old.layout.positions[cliqueKey('frontend')]!.y).toBeLessThan(top.frame.y);
    const now = press({ text, layout: start }, 'frontend', down, (p) => p.said.length > 0, { limit: 60 });
    expect(now.said).toEqual([`frontend joined ${top.name}`]);
    expect(now.held).toBeGreaterThan(0);
  });

  test('a member pressed away from the others leaves its group once its centre is out of its frame (the frame holds still meanwhile); each press before is held', () => {
    const { text, l } = stack();
    const out = press({ text, layout: l }, 'dworker', { x: 0, y: 20 }, (p) => p.said.length > 0);
    expect(out.said).toEqual(['dworker left decode']);
    expect(out.held).toBe(out.presses - 1);
    expect(graphOf(out.text).groups.find((x) => x.name === 'decode')!.cliqueNames).toEqual(['dleader']);
    // Out of the frame it left, and that frame (fitted to dleader now) covers it not.
    const g = graphOf(out.text);
    expect(dropAt(out.layout, g, 'dworker', out.layout.positions[cliqueKey('dworker')]!)).toEqual({ group: null, changesGroup: false, unkeptBy: null });
  });

  test('a move the layout keeps is written at every press: a clique in no group in open space, a member moving towards the others (its frame does not grow)', () => {
    const { text, g, l } = stack();
    const free = press({ text, layout: l }, 'frontend', { x: 20, y: 0 }, (p) => p.presses === 5);
    expect(free.held).toBe(0);
    expect(free.layout.positions[cliqueKey('frontend')]).toEqual({ x: l.positions[cliqueKey('frontend')]!.x + 100, y: l.positions[cliqueKey('frontend')]!.y });
    // dworker sits below dleader: up by 5 px, its frame shrinks, never grows.
    const dl = l.positions[cliqueKey('dleader')]!;
    const dw = l.positions[cliqueKey('dworker')]!;
    expect(dw.y).toBeGreaterThan(dl.y);
    expect(settleKeyboardMove(l, g, [{ ref: 'dworker', at: { x: dw.x, y: dw.y - 5 } }])).toEqual({ write: true });
    // Down by 5 px it would make its frame grow: held, at the edge of decode.
    expect(settleKeyboardMove(l, g, [{ ref: 'dworker', at: { x: dw.x, y: dw.y + 5 } }])).toEqual({ write: false, ref: 'dworker', frame: 'decode', member: true });
  });

  test('a batch is written only when every clique in it is kept or changes group', () => {
    const { g, l } = stack();
    const fe = l.positions[cliqueKey('frontend')]!;
    const dw = l.positions[cliqueKey('dworker')]!;
    expect(settleKeyboardMove(l, g, [{ ref: 'frontend', at: { x: fe.x + 5, y: fe.y } }])).toEqual({ write: true });
    expect(settleKeyboardMove(l, g, [{ ref: 'frontend', at: { x: fe.x + 5, y: fe.y } }, { ref: 'dworker', at: { x: dw.x, y: dw.y + 5 } }]).write).toBe(false);
  });

  test('what a held move is told', () => {
    expect(heldMoveHint({ write: false, ref: 'frontend', frame: 'decode', member: false })).toBe(
      'frontend is over the edge of scaling group decode: move it on until its centre is inside the frame to join the group, or back out.',
    );
    expect(heldMoveHint({ write: false, ref: 'dworker', frame: 'decode', member: true })).toBe(
      'dworker is at the edge of scaling group decode: move it on until its centre is out of the frame to leave the group, or back in.',
    );
  });
});
