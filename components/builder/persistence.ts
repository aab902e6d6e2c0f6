'use client';
/**
 * Work in progress: kept in this browser's localStorage across reloads, and shareable as a link
 * whose hash carries the YAML and the layout, gzip-compressed (CompressionStream) and base64url'd.
 * The hash never reaches the server.
 */
import type { Layout } from '@/lib/builder/layout';
import type { LoadedStack } from '@/lib/builder/liveStack';
import type { Flavour } from '@/lib/builder/templates';

export interface SavedWork {
  text: string;
  layout: Layout;
  flavour?: Flavour;
  /**
   * The draft's revision in this browser: each save writes one more than the draft it replaces, so a
   * tab can tell that another tab saved since it last read or wrote (drafts saved before this existed read as 0).
   */
  rev?: number;
  /**
   * The version of the running stack the text was written against (the builder's `?edit=`), so that a
   * tab opening this draft (a new tab, the browser restarted, another tab taking it) still sends its
   * apply as of that version: a change made on the cluster since is refused, not undone.
   */
  opened?: LoadedStack;
}

export const STORAGE_KEY = 'canopy.builder.work';
export const SHARE_PREFIX = '#pcs=';

/** The part of Storage a draft needs (localStorage; a fake in tests). */
export type DraftStorage = Pick<Storage, 'getItem' | 'setItem'>;

function isSavedWork(v: unknown): v is SavedWork {
  const w = v as SavedWork | null;
  return !!w && typeof w === 'object' && typeof w.text === 'string' && !!w.layout && typeof w.layout.positions === 'object' && typeof w.layout.kinds === 'object';
}

function browserStorage(): DraftStorage | null {
  try {
    return window.localStorage;
  } catch {
    return null; // storage disabled
  }
}

/** A stored draft as read from its raw JSON (a `storage` event's newValue, or the stored item). */
export function readDraft(raw: string | null | undefined): SavedWork | null {
  if (!raw) return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    // A damaged version is dropped: it could not be sent as one.
    return isSavedWork(parsed) ? checkedOpened(parsed) : null;
  } catch {
    return null;
  }
}

export const revOf = (w: SavedWork | null): number => (w && typeof w.rev === 'number' ? w.rev : 0);

export function loadLocal(storage: DraftStorage | null = browserStorage()): SavedWork | null {
  try {
    return readDraft(storage?.getItem(STORAGE_KEY));
  } catch {
    return null;
  }
}

export type SaveOutcome =
  /** Saved as revision `rev`, or nothing to save (the same work is stored). */
  | { saved: true; rev: number }
  /** Another tab saved a newer draft since `baseRev`: nothing written, theirs is left in place. */
  | { saved: false; theirs: SavedWork };

/**
 * Whether two drafts are the same work: text, layout, flavour and the version opened at. The flavour
 * counts: it is saved with the draft and restored with it, so a change of flavour alone is a change to
 * save and to hear of; so does the version (an own apply moves it on, the text unchanged).
 */
export const sameWork = (a: SavedWork, b: SavedWork) =>
  a.text === b.text && a.flavour === b.flavour && JSON.stringify(a.layout) === JSON.stringify(b.layout) && a.opened?.key === b.opened?.key && a.opened?.resourceVersion === b.opened?.resourceVersion;

/**
 * Saves this tab's work over the draft it last read or wrote (revision `baseRev`). When another tab
 * has saved a newer one since, it is not overwritten: the caller says so and lets the user choose.
 * With `force` (the user chose to keep theirs), writes over it all the same, as the newest revision.
 */
export function saveDraft(work: SavedWork, baseRev: number, { force = false, storage = browserStorage() }: { force?: boolean; storage?: DraftStorage | null } = {}): SaveOutcome {
  const stored = loadLocal(storage);
  const storedRev = revOf(stored);
  if (stored && sameWork(stored, work)) return { saved: true, rev: storedRev };
  if (stored && storedRev > baseRev && !force) return { saved: false, theirs: stored };
  const rev = Math.max(storedRev, baseRev) + 1;
  try {
    storage?.setItem(STORAGE_KEY, JSON.stringify({ ...work, rev }));
  } catch {
    // Storage full or disabled (private mode): the work still lives in the page and the share link.
  }
  return { saved: true, rev };
}

function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const s = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Blob([bytes as BlobPart]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

export async function encodeShare(work: SavedWork): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(work));
  return SHARE_PREFIX + toBase64Url(await pipe(json, new CompressionStream('gzip')));
}

/** Reads a share hash; throws with a sentence when it is damaged. */
export async function decodeShare(hash: string): Promise<SavedWork> {
  if (!hash.startsWith(SHARE_PREFIX)) throw new Error('not a builder link');
  let parsed: unknown;
  try {
    const bytes = await pipe(fromBase64Url(hash.slice(SHARE_PREFIX.length)), new DecompressionStream('gzip'));
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new Error('the shared link is damaged (it may have been cut short when copied)');
  }
  if (!isSavedWork(parsed)) throw new Error('the shared link does not hold a builder stack');
  return parsed;
}

const HISTORY_KEY = 'canopy.builder.history';
/** Steps kept for the session: enough to undo across a visit to another page, small enough for sessionStorage. */
export const SESSION_HISTORY_STEPS = 50;

function sessionStore(): DraftStorage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/**
 * An undo step: the work without its flavour (the flavour is not undone). `opened`: the version of the
 * running stack the step's text was written against (the builder's `?edit=`), kept so that a reload
 * still sends its apply as of that version (a change made on the cluster since is refused, not undone).
 */
export type DraftStep = Pick<SavedWork, 'text' | 'layout' | 'opened'>;

/** Where this tab's work stood when it left: the draft revision it last read or wrote, and its flavour. */
export interface SessionBase {
  baseRev: number;
  flavour?: Flavour;
}

/**
 * Keeps the undo history for this tab's session, so that going to another page and back (the builder
 * unmounts) does not lose it. Only the last SESSION_HISTORY_STEPS steps each way. With it, the draft
 * revision the tab's work was based on: a tab that leaves while its work is unsaved (another tab saved
 * a newer draft, the choice was open) finds it again on return.
 */
export function saveSessionHistory(h: { past: DraftStep[]; present: DraftStep; future: DraftStep[] }, base: SessionBase, storage: DraftStorage | null = sessionStore()): void {
  try {
    storage?.setItem(HISTORY_KEY, JSON.stringify({ past: h.past.slice(-SESSION_HISTORY_STEPS), present: h.present, future: h.future.slice(0, SESSION_HISTORY_STEPS), ...base }));
  } catch {
    // Too big for the session's storage: the history lives as long as the page, as before.
  }
}

export interface SessionHistory {
  history: { past: DraftStep[]; present: DraftStep; future: DraftStep[]; lastKey: null };
  baseRev: number;
  flavour?: Flavour;
  /**
   * The stored draft, when it is not the session's work and was saved (by another tab) after the
   * session's base: neither is dropped, the session's work opens and the user chooses. Null otherwise.
   */
  conflict: SavedWork | null;
}

/**
 * The session's history against the stored draft. Its present is the same work: the history, at the
 * stored revision. Not the same and the draft is newer than the session's base: the session's work
 * (this tab's, unsaved) and the draft in conflict. Not the same and the draft no newer than the base: the
 * draft was put there outside the builder (storage cleared, a draft from before revisions): it opens and
 * the session is not used. No draft at all: the session's work.
 */
export function loadSessionHistory(stored: SavedWork | null, storage: DraftStorage | null = sessionStore()): SessionHistory | null {
  try {
    const h = JSON.parse(storage?.getItem(HISTORY_KEY) ?? 'null') as { past?: unknown; present?: unknown; future?: unknown; baseRev?: unknown; flavour?: Flavour } | null;
    if (!h || !Array.isArray(h.past) || !Array.isArray(h.future) || !isDraftStep(h.present)) return null;
    const past = h.past.filter(isDraftStep).map(checkedOpened);
    const future = h.future.filter(isDraftStep).map(checkedOpened);
    const baseRev = typeof h.baseRev === 'number' ? h.baseRev : 0;
    // A session kept before sessions carried the flavour: the draft's.
    const flavour = 'flavour' in h ? h.flavour : stored?.flavour;
    const present = checkedOpened(h.present);
    const mine: SavedWork = { text: present.text, layout: present.layout, flavour, ...(present.opened ? { opened: present.opened } : {}) };
    // The step's other fields (the builder's stack number) stay: it is the same work. A draft saved
    // before drafts carried the version is the same work whatever the session's version.
    if (stored && sameWork(mine, 'opened' in stored ? stored : { ...stored, ...(present.opened ? { opened: present.opened } : {}) })) return { history: { past, present: { ...present, text: stored.text, layout: stored.layout }, future, lastKey: null }, baseRev: revOf(stored), flavour: stored.flavour, conflict: null };
    if (stored && revOf(stored) <= baseRev) return null;
    return { history: { past, present, future, lastKey: null }, baseRev, flavour, conflict: stored };
  } catch {
    return null;
  }
}

function isDraftStep(v: unknown): v is DraftStep {
  return isSavedWork(v);
}

function isLoadedStack(v: unknown): v is LoadedStack {
  const o = v as LoadedStack | null;
  return !!o && typeof o === 'object' && typeof o.key === 'string' && typeof o.resourceVersion === 'string' && o.resourceVersion !== '' && !!o.object && typeof o.object === 'object';
}

/** The step, without an `opened` that is not a version (a damaged session): it could not be sent as one. */
function checkedOpened<T extends DraftStep>(step: T): T {
  if (!('opened' in step) || isLoadedStack(step.opened)) return step;
  const { opened: _damaged, ...rest } = step;
  return rest as T;
}
