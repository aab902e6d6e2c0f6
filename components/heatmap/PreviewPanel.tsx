'use client';
/**
 * Placement preview on the map: paste or drop a PodCliqueSet, or open a scale-up from a stack's page;
 * its planned pods appear as ghost cells, each gang outlined, and a gang that does not fit says why,
 * level by level. The plan's notes (the scheduler modelled, pods left Pending or above minAvailable)
 * are listed too.
 */
import { useState, type DragEvent } from 'react';
import type { GhostGang, GhostOverlay } from '../../lib/heatmap/overlay';
import { holdsPodCliqueSet } from '../../lib/heatmap/preview';
import type { ClientConnectionState } from '../hooks/clusterStore';
import { kindAvailability } from '../hooks/kindAvailability';
import { gangPlacementText, gangPlanNotes, runningGangLine, type PlanFit, type RunningGangFacts } from '../../lib/workloads/planNotes';
import { plural } from '../../lib/workloads/plural';
import { carriesFiles, carriesText, readDroppedManifest } from '../ui/readManifest';

export type PreviewState =
  | { status: 'none' }
  /** A preview is asked for, but cannot be placed yet (the cluster or the link is still loading). */
  | { status: 'waiting'; message: string }
  | { status: 'problems'; problems: string[] }
  /** Nothing to place, and nothing wrong either (a scale-up to the replicas the target has already). */
  | { status: 'note'; message: string }
  /** `fit`: how much of the plan fits, when the panel is to say it in words (a scale-up's verdict). */
  | { status: 'ready'; title: string; demand: number | null; ghosts: GhostOverlay; running?: readonly RunningGangLine[]; fit?: PlanFit };

/** A gang of the previewed stack that already runs: kept where it is, not re-placed, drawn as the cluster draws it (no ghosts). */
export type RunningGangLine = RunningGangFacts;

/** What the panel says of a running gang: the words of every preview (runningGangLine). */
export const runningGangText = runningGangLine;

/**
 * Whether the preview is in the page's URL: a link that reproduces it (`carries`: the YAML, or a
 * scale-up's request), or kept in this tab only (and why).
 */
export type PreviewShare = { kind: 'none' } | { kind: 'link'; carries?: 'yaml' | 'scale' } | { kind: 'tab'; message: string };

/** A scale-up shown on the map: what it is of ("PodCliqueSet default/x to 3 replicas"), planned anew as the cluster changes. */
export interface ScaleBanner {
  text: string;
}

/** Why a preview is not placed: the cluster is still loading (`waiting`), or its nodes cannot be read (`unavailable`: waiting will not help). */
export interface ClusterWait {
  status: 'waiting' | 'unavailable';
  message: string;
}

/**
 * Why a preview cannot be placed, or null when the cluster is loaded. Before the stream's first
 * snapshot the tab's cluster is empty, and a plan made on it says "the cluster has no nodes" for a
 * stack that fits. After it, an empty Node list still loading is waited for; one this identity may not
 * list (403) or whose list fails is said, with why (it may never load); an empty list that is live is
 * a cluster without nodes, and the preview says so.
 */
export function clusterWaitReason(connection: Pick<ClientConnectionState, 'synced' | 'kinds' | 'loading'>, nodeCount: number): ClusterWait | null {
  if (!connection.synced) return { status: 'waiting', message: 'Waiting for the cluster: the preview is placed once its nodes have loaded.' };
  if (nodeCount > 0) return null;
  const nodes = kindAvailability(connection, 'Node');
  switch (nodes.status) {
    case 'live':
      return null;
    case 'loading':
      return { status: 'waiting', message: 'Waiting for the cluster’s nodes (their list is loading): the preview is placed once they have loaded.' };
    case 'forbidden':
      return { status: 'unavailable', message: `No placement preview: you may not list Nodes, so the cluster’s nodes cannot be read${nodes.error ? ` (${nodes.error.replace(/\.$/, '')})` : ''}.` };
    case 'failed':
      return { status: 'unavailable', message: `No placement preview: the cluster’s Nodes could not be listed (${nodes.error.replace(/\.$/, '')}); Canopy keeps retrying, and places the preview once they can be read.` };
  }
}

/** The preview's text field: a drop on it replaces the text; a drop on any other text field is the browser's. */
export const PREVIEW_FIELD_ID = 'preview-yaml';

/** What a drop on the page comes to: a manifest to preview, a file that could not be read, or a text that is no manifest. */
export type PreviewDrop = { kind: 'manifest'; text: string } | { kind: 'unreadable'; problem: string } | { kind: 'kept'; notice: string };

export const NOT_A_MANIFEST = 'The dropped text is not a PodCliqueSet (kind: PodCliqueSet, or a List of them): kept your YAML.';

const TEXT_INPUT_TYPES = new Set(['text', 'search', 'url', 'email', 'tel', 'password', 'number']);

/** The part of a DOM element this module reads (tests pass plain objects). */
interface FieldLike {
  id: string;
  tagName: string;
  type?: string;
}

/**
 * Whether a text drop on `target` is left to the browser: it lands in a text field (the Find box, a
 * select-all'd input) other than the preview's, where the person meant to put it.
 */
export function dropsIntoOtherField(target: EventTarget | null): boolean {
  const closest = (target as { closest?: (selector: string) => FieldLike | null } | null)?.closest;
  const field = closest?.call(target, 'textarea, input, [contenteditable]:not([contenteditable="false"])');
  if (!field || field.id === PREVIEW_FIELD_ID) return false;
  return field.tagName !== 'INPUT' || TEXT_INPUT_TYPES.has(field.type ?? 'text');
}

/** A dropped text replaces the preview only when it is a manifest; anything else (a word, a link, table text) leaves the YAML as it is. */
export function previewTextDrop(text: string): PreviewDrop {
  return holdsPodCliqueSet(text) ? { kind: 'manifest', text } : { kind: 'kept', notice: NOT_A_MANIFEST };
}

const textOnly = (data: DataTransfer) => carriesText(data) && !carriesFiles(data);

/**
 * The one drop handler of the page: spread on its root, so a PodCliqueSet dropped anywhere (the map,
 * the table, the panel) is previewed and a file is never opened by the browser in place of the page.
 * Capture phase: the textarea does not insert a dropped text at the drop point first. A text dragged
 * onto another text field is left to the browser, so it lands there.
 */
export function usePreviewDrop(onDropped: (dropped: PreviewDrop) => void) {
  const [dragging, setDragging] = useState(false);
  const ours = (e: DragEvent) => (carriesFiles(e.dataTransfer) || carriesText(e.dataTransfer)) && !(textOnly(e.dataTransfer) && dropsIntoOtherField(e.target));
  const over = (e: DragEvent) => {
    if (!ours(e)) {
      setDragging(false);
      return;
    }
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    setDragging(true);
  };
  const handlers = {
    onDragEnterCapture: over,
    onDragOverCapture: over,
    onDragLeaveCapture: (e: DragEvent) => {
      if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
    },
    onDropCapture: (e: DragEvent) => {
      setDragging(false);
      if (!ours(e)) return;
      e.preventDefault();
      e.stopPropagation();
      // Taken from the event now: the DataTransfer is emptied once the handler returns.
      void readDroppedManifest(e.dataTransfer, { text: true })?.then((read) => {
        if (!read.ok) onDropped({ kind: 'unreadable', problem: read.problem });
        else if (read.from === 'file') onDropped({ kind: 'manifest', text: read.text });
        else onDropped(previewTextDrop(read.text));
      });
    },
  };
  return { dragging, handlers };
}

/** Shown over the page while a manifest is dragged over it. */
export function DropTarget() {
  return (
    <div
      data-testid="preview-drop-target"
      className="pointer-events-none fixed inset-4 z-50 flex items-center justify-center rounded-lg border-2 border-dashed border-blue-500 bg-blue-50/80 text-sm font-medium text-blue-800 dark:bg-blue-950/70 dark:text-blue-200"
    >
      Drop a PodCliqueSet (YAML) to preview where it would land
    </div>
  );
}

/** A line the panel says about a gang beyond "does not fit": pods left out, or a warning of the plan. */
export interface GangNote {
  gang: string;
  kind: 'left-out' | 'warning';
  text: string;
}

/**
 * What the panel says about each gang besides the reasons of gangs that do not fit, in the words of
 * every preview (gangPlanNotes): pods above minAvailable left out and why, pods a pod-by-pod scheduler
 * leaves Pending, then the plan's warnings (the scheduler modelled, constraints ignored, a preferred
 * pack not met). The list is flat, so a warning is led by its gang's name.
 */
export function gangNotes(gangs: readonly GhostGang[]): GangNote[] {
  return gangs.flatMap((g) => gangPlanNotes(g).map((n) => ({ gang: g.name, kind: n.kind, text: n.kind === 'warning' ? `${g.name}: ${n.text}` : n.text })));
}

/**
 * What the panel says of one gang of the plan, after its name: where it would land, in the words of
 * every preview (gangPlacementText: how many pods on how many nodes, and the domain chosen per level,
 * broadest first), or that it does not fit (its reason follows, below the list).
 */
export function ghostGangText(g: GhostGang): string {
  return g.placed || (g.independent && g.pods.length > 0) ? gangPlacementText(g) : 'does not fit (why: below)';
}

/**
 * What the reasons of gang `index` count beyond the cluster as the map shows it: the gangs of the same
 * preview before it are planned first, and their GPUs are taken when it is judged (the map shows them
 * as ghosts, the domain table as Planned). Null when no earlier gang takes any.
 */
export function earlierGangsNote(gangs: readonly GhostGang[], index: number): string | null {
  const earlier = gangs.slice(0, index).filter((g) => g.gpus > 0);
  if (earlier.length === 0) return null;
  const gpus = earlier.reduce((n, g) => n + g.gpus, 0);
  return `These figures count the ${plural(gpus, 'GPU')} the preview’s earlier ${earlier.length === 1 ? 'gang' : 'gangs'} (${earlier.map((g) => g.name).join(', ')}) would take first: see Planned in the domain table.`;
}

/** The plan's gangs one by one, so two gangs of one stack are told apart: which domains each would land in, with how many pods. */
function GangList({ gangs }: { gangs: readonly GhostGang[] }) {
  return (
    <ul data-testid="preview-gangs" aria-label="Gangs of the preview" className="mt-1 list-disc pl-5 text-zinc-700 dark:text-zinc-300">
      {gangs.map((g) => (
        <li key={g.name} data-gang={g.name} data-placed={g.placed}>
          <span className="font-mono">{g.name}</span>: {ghostGangText(g)}
        </li>
      ))}
    </ul>
  );
}

/** Copies the page's address (which carries the preview) and says whether that worked. */
function CopyLinkButton() {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async () => {
    try {
      // navigator.clipboard is missing on a page served over plain http from another host: the catch says so.
      await navigator.clipboard.writeText(window.location.href);
      setCopied('Link copied.');
    } catch {
      setCopied('Could not copy: copy the address from the address bar.');
    }
  };
  return (
    <>
      <button type="button" onClick={() => void copy()} className="rounded-md border border-zinc-300 px-2 py-0.5 text-xs hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800">
        Copy link
      </button>
      {/* Always in the page, so that a screen reader announces the result when it appears. */}
      <span role="status" data-testid="copy-link-result" className="ml-2 text-xs text-zinc-700 dark:text-zinc-300">
        {copied}
      </span>
    </>
  );
}

function ShareLine({ share }: { share: PreviewShare }) {
  if (share.kind === 'none') return null;
  return share.kind === 'link' ? (
    <p data-testid="preview-share" data-share="link" className="mt-2 text-xs text-zinc-600 dark:text-zinc-400">
      {share.carries === 'scale'
        ? 'This page’s address carries this scale-up request, not its plan: a link to it plans the scale-up on the cluster as it is when opened, in any browser.'
        : 'This page’s address carries this YAML: a link to it reproduces the preview in any browser.'}{' '}
      <CopyLinkButton />
    </p>
  ) : (
    <p data-testid="preview-share" data-share="tab" className="mt-2 text-xs text-amber-800 dark:text-amber-300">
      {share.message}
    </p>
  );
}

/** A scale-up's verdict (planFit): the whole plan fits, only its gangs do (some pods above their minimum left out), or a gang does not. */
const FIT_WORDS: Record<PlanFit, { text: string; className: string }> = {
  all: { text: 'Fits now: every planned pod has a place.', className: 'text-emerald-800 dark:text-emerald-300' },
  partial: { text: 'Fits now only in part: every gang has a place, but some of their pods would stay pending (below).', className: 'text-amber-800 dark:text-amber-300' },
  none: { text: 'Does not fit now: see why below.', className: 'text-red-800 dark:text-red-300' },
};

/** What a scale-up preview on the map is of, that it follows the cluster, and the way to clear it. */
function ScaleBannerBlock({ scale, onClear }: { scale: ScaleBanner; onClear: () => void }) {
  return (
    <div data-testid="scale-banner" className="mt-2 rounded-md border border-blue-300 bg-blue-50 p-2 dark:border-blue-800 dark:bg-blue-950/40">
      <p>
        <span className="font-medium">Scale-up preview:</span> <span data-testid="scale-banner-target">{scale.text}</span>
      </p>
      <p className="mt-0.5 text-xs text-zinc-700 dark:text-zinc-300">Planned on the cluster as it is now, and planned again whenever the cluster changes. Nothing is scaled.</p>
      <button
        type="button"
        onClick={() => {
          onClear();
          // The button goes with the banner: focus moves to the YAML field rather than falling to the page's start.
          requestAnimationFrame(() => document.getElementById(PREVIEW_FIELD_ID)?.focus());
        }}
        className="mt-1 rounded-md border border-zinc-300 bg-white px-2 py-0.5 text-xs hover:bg-zinc-100 dark:border-zinc-700 dark:bg-zinc-900 dark:hover:bg-zinc-800"
      >
        Clear scale-up preview
      </button>
    </div>
  );
}

export function PreviewPanel({
  text,
  onText,
  onPreview,
  onClear,
  state,
  notice,
  dragging,
  share = { kind: 'none' },
  scale,
}: {
  text: string;
  onText: (text: string) => void;
  onPreview: (text: string) => void;
  onClear: () => void;
  state: PreviewState;
  notice: string | null;
  dragging: boolean;
  share?: PreviewShare;
  /** Set while the preview is a scale-up opened from a stack's page (or a link to one). */
  scale?: ScaleBanner;
}) {
  const gangs = state.status === 'ready' ? state.ghosts.gangs : [];
  const unplaced = gangs.filter((g) => !g.placed);
  const earlierNotes = new Map(unplaced.map((g) => [g.name, earlierGangsNote(gangs, gangs.indexOf(g))]));
  const notes = state.status === 'ready' ? gangNotes(state.ghosts.gangs) : [];
  const running = state.status === 'ready' ? (state.running ?? []) : [];
  const runningGpus = running.reduce((n, g) => n + g.gpus, 0);
  return (
    <section
      aria-labelledby="preview-heading"
      data-testid="preview-panel"
      className={`rounded-md border p-3 text-sm ${dragging ? 'border-blue-500 bg-blue-50 dark:bg-blue-950/40' : 'border-zinc-300 dark:border-zinc-700'}`}
    >
      <h2 id="preview-heading" className="font-semibold">
        Where would it land?
      </h2>
      {scale && <ScaleBannerBlock scale={scale} onClear={onClear} />}
      <label htmlFor={PREVIEW_FIELD_ID} className="mt-1 block text-zinc-600 dark:text-zinc-400">
        Paste or drop a PodCliqueSet (YAML) to see its planned pods as ghosts on the map (drop it anywhere on the page).
      </label>
      <textarea
        id={PREVIEW_FIELD_ID}
        value={text}
        onChange={(e) => onText(e.target.value)}
        rows={6}
        spellCheck={false}
        className="mt-1 w-full rounded-md border border-zinc-300 bg-white p-2 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-900"
      />
      <div className="mt-1 flex gap-2">
        <button type="button" onClick={() => onPreview(text)} className="rounded-md bg-blue-700 px-3 py-1 font-medium text-white hover:bg-blue-800 dark:bg-blue-600">
          Preview placement
        </button>
        {state.status !== 'none' && !scale && (
          <button type="button" onClick={onClear} className="rounded-md border border-zinc-300 px-3 py-1 dark:border-zinc-700">
            Clear preview
          </button>
        )}
      </div>
      <div role="status" aria-live="polite" className="mt-2" data-testid="preview-result">
        {notice && (
          <p data-testid="preview-notice" className="mb-1 text-amber-800 dark:text-amber-300">
            {notice}
          </p>
        )}
        {state.status === 'waiting' && (
          <p data-testid="preview-waiting" className="text-zinc-700 dark:text-zinc-300">
            {state.message}
          </p>
        )}
        {state.status === 'note' && (
          <p data-testid="preview-note" className="text-zinc-700 dark:text-zinc-300">
            {state.message}
          </p>
        )}
        {state.status === 'problems' && (
          <ul className="list-disc pl-5 text-red-700 [overflow-wrap:anywhere] dark:text-red-400" data-testid="preview-problems">
            {state.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        )}
        {state.status === 'ready' && (
          <div>
            {state.fit && (
              <p data-testid="preview-fit" data-fits={state.fit} className={`mb-1 font-medium ${FIT_WORDS[state.fit].className}`}>
                {FIT_WORDS[state.fit].text}
              </p>
            )}
            <p>
              <strong>{state.title}</strong>: <span data-testid="ghost-count">{state.ghosts.cells.length}</span> planned GPUs shown as ghosts
              {state.demand !== null ? ` (the stack asks for ${state.demand}${runningGpus > 0 ? `; ${runningGpus} of them run already` : ''})` : ''} in {state.ghosts.gangs.filter((g) => g.placed).length} of {state.ghosts.gangs.length}{' '}
              {running.length > 0 ? 'gangs to place' : 'gangs'}.
              {state.ghosts.undrawn > 0 ? ` ${state.ghosts.undrawn} planned GPUs have no cell on the map.` : ''}
            </p>
            {state.ghosts.gangs.length > 0 && <GangList gangs={state.ghosts.gangs} />}
            {state.ghosts.gangs.some((g) => g.independent && g.gpus > 0) && (
              <p data-testid="preview-one-placement" className="mt-1 text-zinc-700 dark:text-zinc-300">
                Ghosts of {state.ghosts.gangs.filter((g) => g.independent && g.gpus > 0).map((g) => g.name).join(', ')} are one possible placement: the default scheduler places each pod on its own and picks nodes by its own scoring.
              </p>
            )}
            {running.length > 0 && (
              <ul data-testid="preview-running" className="mt-1 list-disc pl-5 text-zinc-700 dark:text-zinc-300">
                {running.map((g) => (
                  <li key={g.name} data-gang={g.name}>
                    {runningGangText(g)}
                  </li>
                ))}
              </ul>
            )}
            {notes.length > 0 && (
              <ul data-testid="preview-notes" className="mt-1 list-disc pl-5 text-amber-900 dark:text-amber-200">
                {notes.map((n) => (
                  <li key={`${n.kind}-${n.text}`} data-kind={n.kind}>
                    {n.text}
                  </li>
                ))}
              </ul>
            )}
            {unplaced.length > 0 && (
              <div data-testid="preview-unplaced" className="mt-1 text-red-800 dark:text-red-300">
                {unplaced.map((gang) => (
                  <div key={gang.name} className="mt-1">
                    <p className="font-medium">
                      {gang.independent ? `Not every pod of ${gang.name} fits` : `Gang ${gang.name} does not fit`}: {gang.reason ?? 'no reason given'}
                    </p>
                    {earlierNotes.get(gang.name) && (
                      <p data-testid="preview-earlier-gangs" className="text-xs">
                        {earlierNotes.get(gang.name)}
                      </p>
                    )}
                    {gang.explanation && gang.explanation.length > 0 && (
                      <table className="mt-1 text-xs">
                        <thead>
                          <tr>
                            <th scope="col" className="pr-2 text-left">Level</th>
                            <th scope="col" className="pr-2 text-left">Needs</th>
                            <th scope="col" className="pr-2 text-left">Best offer</th>
                            <th scope="col" className="text-left">Why</th>
                          </tr>
                        </thead>
                        <tbody>
                          {/* Keyed by position: two rows may say the same, and a duplicate key leaves stale rows behind. */}
                          {gang.explanation.map((e, i) => (
                            <tr key={i}>
                              <td className="pr-2">{e.level}</td>
                              <td className="pr-2">{e.needs}</td>
                              <td className="pr-2">{e.best}</td>
                              <td>{e.message}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    )}
                  </div>
                ))}
              </div>
            )}
          </div>
        )}
      </div>
      <ShareLine share={share} />
    </section>
  );
}
