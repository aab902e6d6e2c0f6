/**
 * The builder's undo steps: the work (YAML text and layout), which loaded stack it is, and the version
 * of the running stack it was opened from (`?edit=`), kept in the step itself, so undo, redo and a
 * reload (the session keeps the steps: persistence.ts) bring back the text with the version it was
 * written against, and its apply is refused when the stack changed since, never applied over it.
 */
import type { Layout } from '@/lib/builder/layout';
import type { History } from '@/lib/builder/history';
import type { LoadedStack } from '@/lib/builder/liveStack';

export interface Work {
  text: string;
  layout: Layout;
  /**
   * Which opened stack this is: a new number for each stack loaded (a template, a file, the clipboard, a
   * running stack, a shared link, the other tab's version loaded with "Load theirs", another PodCliqueSet
   * pasted over the whole YAML pane); an edit keeps its step's, and so does the other tab's draft taken
   * without asking (this tab had nothing of its own since). The canvas selects nothing of a stack it did not show before
   * (undo and redo across a load too). Absent on the work a tab opens with from its draft.
   */
  stack?: number;
  /** The version of the running stack this text was written against (ApplyPanel sends its apply as of it); absent for any other stack. */
  opened?: LoadedStack;
}

const sameVersion = (a: LoadedStack | undefined, b: LoadedStack | undefined) => a?.key === b?.key && a?.resourceVersion === b?.resourceVersion;

/**
 * The step `next` makes after `present`, or null when it changes nothing. An edit (no stack number of
 * its own, or the present's) stays on the version the present step was opened at unless it names
 * another (a re-base); a load is a stack of its own, standing on the version it names or none.
 */
export function nextStep(present: Work, next: Work): Work | null {
  const edit = next.stack === undefined || next.stack === present.stack;
  const stack = next.stack ?? present.stack;
  const opened = next.opened ?? (edit ? present.opened : undefined);
  if (present.text === next.text && present.layout === next.layout && present.stack === stack && sameVersion(present.opened, opened)) return null;
  const step: Work = { text: next.text, layout: next.layout };
  if (stack !== undefined) step.stack = stack;
  if (opened) step.opened = opened;
  return step;
}

/**
 * The work stands on `to` now instead of `from` (its own apply made `to`, or `to` differs from `from`
 * only in status): every step written against `from` is, as nothing of another's is lost by it. Steps
 * against an older version (before a re-base) keep theirs, so their apply is still refused.
 */
export function advanceOpened(h: History<Work>, from: LoadedStack, to: LoadedStack): History<Work> {
  const move = (w: Work): Work => (w.opened && sameVersion(w.opened, from) ? { ...w, opened: to } : w);
  if (![h.present, ...h.past, ...h.future].some((w) => w.opened && sameVersion(w.opened, from))) return h;
  return { ...h, past: h.past.map(move), present: move(h.present), future: h.future.map(move) };
}
