'use client';
/**
 * The topology page: every GPU of the cluster grouped by topology domain (ClusterTopologyBinding
 * levels + NVLink cliques), coloured by allocation / workload / role / domain fill, live from the
 * cluster stream, with placement previews drawn as ghosts and a table view of the same model.
 * A preview is of a PodCliqueSet (pasted, dropped, linked or handed over by the builder) or of a
 * scale-up request (`?scale=`, from a stack's scale preview): both are placed again on every change of
 * the cluster, so the ghosts show where it would land now.
 *
 * For tests, the plain model is exposed read-only as `window.__canopyHeatmap` (see HeatmapTestHook):
 * the model, the view, the highlighted and ghost GPU counts, the viewport point of a cell, and the
 * cell under the keyboard cursor.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { COLOR_MODE_LABELS, colorCells, type ColorMode, type WorkloadSlots } from '../../lib/heatmap/colors';
import { boxHeight } from '../../lib/heatmap/boxFit';
import { boundsOfCells, SCREEN_ASPECT, type HeatmapFrame, type HeatmapLayout, type HeatmapNodeBox } from '../../lib/heatmap/layout';
import { LABEL_PODGANG } from '../../lib/grove/labels';
import { framePathInView } from '../../lib/heatmap/hitTest';
import { occupyLayout, stableLayout, type HeatmapModel, type HeatmapPod } from '../../lib/heatmap/model';
import { ghostOverlay, sameGhosts, type GhostOverlay } from '../../lib/heatmap/overlay';
import { previewInput, previewTitle, readPreviewText } from '../../lib/heatmap/preview';
import { parseScaleParam, planScaleRequest, SCALE_PARAM, scaleRequestText, type ScaleRequest } from '../../lib/heatmap/scalePreview';
import { roleResolver } from '../../lib/heatmap/roles';
import { workloadSpan } from '../../lib/heatmap/span';
import { freeText, taintedPartText } from '../../lib/heatmap/taints';
import { decodeSharedPreview, decodeViewState, DEFAULT_VIEW, encodeSharedPreview, encodeViewState, previewDataOfHash, previewHash, type HeatmapViewState, type ViewZoom, type ZoomState } from '../../lib/heatmap/urlState';
import { runningGangFacts } from '../../lib/workloads/planNotes';
import { plural } from '../../lib/workloads/plural';
import { useSelectedNamespace } from '../hooks/clusterContext';
import { useClusterState } from '../hooks/useClusterState';
import { reconnectWords, type ClientConnectionState } from '../hooks/clusterStore';
import { clockTime } from '../shell/ClusterStatus';
import { SECOND_TICK_MS, useShownNow } from '../hooks/useNow';
import { kindPlural, unavailableText, type KindAvailability } from '../hooks/kindAvailability';
import { useConnectionState, useKindAvailabilities, useKindAvailability, useKindObjects } from '../hooks/useClusterStream';
import { Breadcrumb } from './Breadcrumb';
import { LevelPicker, ModePicker, SearchBox, type SearchChoices } from './Controls';
import { DomainTable } from './DomainTable';
import { bindingText, nodesLoadingText, searchSuggestions } from './headerSummary';
import { HeatmapCanvas, prefersReducedMotion, type HeatmapCanvasHandle, type ZoomOrigin } from './HeatmapCanvas';
import { Legend } from './Legend';
import { clusterWaitReason, DropTarget, PreviewPanel, usePreviewDrop, type PreviewShare, type PreviewState } from './PreviewPanel';
import { readPreviewHandoff, storePreviewHandoff } from './previewHandoff';
import { SCALE_LIST_KINDS, scaleListsWait } from './scaleLists';
import { SelectionPanel } from './SelectionPanel';
import { HoverTooltip, podScalingGroups, type HoverTooltipHandle } from './Tooltip';
import { useTheme } from './useTheme';
import { framePath, matchSearch, SEARCH_KIND_LABEL, searchTargets, type SearchTarget } from './workloadSearch';

/** What `window.__canopyHeatmap` holds (read-only; for Playwright tests and debugging). */
export interface HeatmapTestHook {
  model: HeatmapModel;
  view: HeatmapViewState;
  highlightedGpus: number;
  /** Whether a selection dims the GPUs outside it now. */
  dimming: boolean;
  ghostGpus: number;
  /** The ghost cells drawn now. */
  ghostCells: readonly number[];
  /** Cell index of GPU `gpu` of `node`, or -1. */
  cellOf(node: string, gpu: number): number;
  /** Viewport (client) coordinates of a cell's centre at the current zoom. */
  cellClientPoint(cell: number): { x: number; y: number } | null;
  /** The canvas's zoom transform now (view.zoom holds only zooms a person made). */
  currentZoom(): ZoomState | null;
  /** The cell under the keyboard cursor, -1 for none. */
  focusedCell(): number;
}

declare global {
  interface Window {
    __canopyHeatmap?: Readonly<HeatmapTestHook>;
  }
}

type PreviewSource = { kind: 'yaml'; text: string } | { kind: 'scale'; request: ScaleRequest };

/** The map's box: at most this tall (CSS px)… */
const CANVAS_HEIGHT = 560;
/** …and as tall as the fitted layout needs at the box's width, but not less than this (a phone's narrow box). */
const MIN_CANVAS_HEIGHT = 240;

/**
 * The map's own data state: the browser ↔ Canopy stream and the two kinds the map is drawn from,
 * Nodes and Pods. Live only when all three are; otherwise the word says which is not and why (the
 * header's status covers every kind; this says what the map shown rests on).
 */
export function heatmapDataState(
  connection: Pick<ClientConnectionState, 'stream' | 'synced' | 'retryInMs' | 'retryAt' | 'staleSince'>,
  nodes: KindAvailability,
  pods: KindAvailability,
  now: number = Date.now(),
): { state: string; word: string; tickMs?: number } {
  if (connection.stream === 'reconnecting') {
    // The header's words (reconnectWords): counting down to the next attempt, then "Reconnecting…".
    // With the moment the map was last known current, as the header says it (the map may be out of date).
    const { label, ticking } = reconnectWords(connection, now);
    const word = connection.staleSince !== undefined ? `${label} · data as of ${clockTime(connection.staleSince)}` : label;
    return { state: 'reconnecting', word, ...(ticking ? { tickMs: SECOND_TICK_MS } : {}) };
  }
  if (connection.stream !== 'open' || !connection.synced) return { state: connection.stream, word: connection.synced ? 'Paused' : 'Connecting…' };
  const kinds = [['Node', nodes] as const, ['Pod', pods] as const];
  const forbidden = kinds.filter(([, a]) => a.status === 'forbidden').map(([k]) => kindPlural(k));
  const failed = kinds.filter(([, a]) => a.status === 'failed');
  const loading = kinds.filter(([, a]) => a.status === 'loading').map(([k]) => kindPlural(k));
  if (forbidden.length > 0) return { state: 'forbidden', word: `Not readable: you may not list ${forbidden.join(' or ')}` };
  if (failed.length > 0) {
    const why = failed.map(([k, a]) => `${kindPlural(k)}: ${a.status === 'failed' ? a.error : ''}`).join('; ');
    return { state: 'failed', word: `Retrying: could not list ${why}` };
  }
  if (loading.length > 0) return { state: 'loading', word: `Loading ${loading.join(' and ')}…` };
  return { state: 'live', word: 'Live' };
}

/**
 * What stays selected when a search finds a pod, a node or a domain: what was found must not be dimmed
 * by a selection of something else. A pod selects its own workload (a pod no workload owns clears the
 * selection); a node or domain keeps the selection only when the selected workload holds every GPU of it.
 */
export function selectionAfterFinding(model: HeatmapModel, selected: string | null, found: { pod: HeatmapPod } | { node: HeatmapNodeBox } | { frame: HeatmapFrame }): string | null {
  if ('pod' in found) return found.pod.workload || null;
  if (!selected) return null;
  // A frame's nodes, like a node's GPUs, are consecutive cells.
  const [first, end] =
    'node' in found
      ? [found.node.firstCell, found.node.firstCell + found.node.gpus]
      : found.frame.nodeEnd > found.frame.nodeStart
        ? [model.layout.nodes[found.frame.nodeStart]!.firstCell, model.layout.nodes[found.frame.nodeEnd - 1]!.firstCell + model.layout.nodes[found.frame.nodeEnd - 1]!.gpus]
        : [0, 0];
  for (let c = first; c < end; c++) {
    const pod = model.cellPod[c]!;
    if (pod < 0 || model.pods[pod]!.workload !== selected) return null;
  }
  return selected;
}

/** How many of several search matches are offered to choose from (type more to narrow the rest). */
export const SEARCH_CHOICES_LIMIT = 20;

/** A search match as a choice says it: what it is, its name, and where its GPUs are. */
export function searchChoiceLabel(model: HeatmapModel, target: SearchTarget): string {
  const what = `${SEARCH_KIND_LABEL[target.kind]} ${target.key}`;
  switch (target.kind) {
    case 'PodCliqueSet': {
      const w = model.workloads.find((x) => x.key === target.key);
      return !w ? `${what} · no pods` : `${what} · ${plural(w.gpus, 'GPU')}${w.pendingPods ? `, ${plural(w.pendingPods, 'pod')} pending` : ''}`;
    }
    case 'PodGang': {
      const slash = target.key.indexOf('/');
      const gpus = model.pods.reduce((n, p) => (p.namespace === target.key.slice(0, slash) && p.podGang === target.key.slice(slash + 1) ? n + p.cellCount : n), 0);
      return `${what} · ${gpus ? plural(gpus, 'GPU') : 'no GPUs yet'}`;
    }
    case 'Pod':
      return target.pod >= 0 ? `${what} · on ${model.pods[target.pod]!.node}` : target.node ? `${what} · on ${target.node} (no GPUs)` : `${what} · pending, no GPU yet`;
    case 'Node':
      return `${what} · ${plural(model.layout.nodes[target.node]!.gpus, 'GPU')}`;
    case 'domain':
      return `${what} · ${plural(model.frameStats[target.frame]!.gpus, 'GPU')}`;
  }
}

/**
 * What the page says when the selection (the URL's `sel`) names a workload the map does not have: one
 * deleted, or a link from another cluster or namespace. Such a workload is not on the map at all, so
 * this never says it "holds no GPUs" (a workload that exists and waits has its own panel). `podsNamespace`:
 * the one namespace the server lists pods in, when it lists them in one only; `listed`: the cluster's
 * PodCliqueSets include it (it exists, the map has nothing of it).
 */
export function missingSelectionText(selected: string, pods: KindAvailability, podsNamespace: string | undefined, listed = false): string {
  // A stack the cluster lists but the map does not hold: just applied (no pods yet), scaled to 0, or on CPU nodes only.
  if (listed) return `Workload ${selected} has no pods on this map yet: its pods may not be created (or it is scaled to 0), or they run on nodes without GPUs. Nothing on the map is dimmed for it.`;
  if (pods.status === 'loading') return `Looking for workload ${selected}: the pods are still loading.`;
  if (pods.status !== 'live') return `Workload ${selected} cannot be looked for: ${unavailableText('Pod', pods, podsNamespace)}`;
  const namespace = selected.slice(0, selected.indexOf('/'));
  if (podsNamespace !== undefined && podsNamespace !== namespace)
    return `Workload ${selected} is not in namespace ${podsNamespace}, the one this page lists pods of: choose ${namespace} in the header to look for it there.`;
  return `Workload ${selected} is not in this cluster${podsNamespace !== undefined ? ` (namespace ${podsNamespace})` : ''}: it may have been deleted, or the link came from another cluster. Nothing on the map is dimmed for it.`;
}

/**
 * Where Escape means something nearer than "clear the selection": text fields (they clear or cancel),
 * dialogs, menus, lists and combo boxes, regions marked data-own-escape (the preview's controls).
 */
const OWN_ESCAPE = [
  'input:not([type="checkbox"]):not([type="radio"]):not([type="button"]):not([type="submit"]):not([type="reset"])',
  'textarea',
  'select',
  '[contenteditable]:not([contenteditable="false"])',
  'dialog',
  '[role="dialog"]',
  '[role="alertdialog"]',
  '[role="menu"]',
  '[role="menubar"]',
  '[role="listbox"]',
  '[role="combobox"]',
  '[data-own-escape]',
].join(', ');

/**
 * Whether Escape pressed at `target` belongs to something other than the page's selection: the
 * target is in one of OWN_ESCAPE, or something on the page is open (expanded, or a dialog), which
 * Escape closes first (the header's cluster panel listens on the document too).
 */
function escapeHasNearerMeaning(target: EventTarget | null): boolean {
  if (target instanceof Element && target.closest(OWN_ESCAPE)) return true;
  return document.querySelector('[aria-expanded="true"], dialog[open]') !== null;
}

/** Scrolls `el` to the top of the window (below the sticky header: its scroll-margin) unless it is wholly in view. */
function revealInWindow(el: HTMLElement | null): void {
  if (!el) return;
  const box = el.getBoundingClientRect();
  const margin = parseFloat(getComputedStyle(el).scrollMarginTop) || 0;
  if (box.top >= margin && box.bottom <= window.innerHeight) return;
  el.scrollIntoView({ block: 'start', behavior: prefersReducedMotion() ? 'instant' : 'smooth' });
}

function ConnectionBadge() {
  const connection = useConnectionState();
  const nodes = useKindAvailability('Node');
  const pods = useKindAvailability('Pod');
  // The clock ticks every second only while the word counts seconds.
  const clock = useShownNow();
  const { state, word, tickMs } = heatmapDataState(connection, nodes, pods, clock.now);
  clock.show([tickMs]);
  const live = state === 'live';
  return (
    <span role="status" data-testid="heatmap-connection" data-state={state} className="inline-flex max-w-prose items-center gap-1.5 text-sm [overflow-wrap:anywhere]">
      <span aria-hidden className={`inline-block h-2.5 w-2.5 shrink-0 rounded-full ${live ? 'bg-emerald-600 dark:bg-emerald-400' : state === 'forbidden' || state === 'failed' ? 'bg-red-600 dark:bg-red-400' : 'bg-amber-500'}`} />
      <span className="sr-only">Heatmap data: </span>
      {/* A status re-read every second would talk over everything: the countdown is for the eye, and
          a screen reader hears "Reconnecting" once per drop, as from the header's status. */}
      {state === 'reconnecting' ? (
        <>
          <span aria-hidden>{word}</span>
          <span className="sr-only">Reconnecting</span>
        </>
      ) : (
        word
      )}
    </span>
  );
}

export function TopologyView() {
  // base (Nodes and bindings) keeps its object across pod events; state is base + the pods, each read once.
  const { base, state, error: clusterError, unreadablePods } = useClusterState();
  const podCliqueSets = useKindObjects('PodCliqueSet');
  const podCliques = useKindObjects('PodClique');
  const podCliqueScalingGroups = useKindObjects('PodCliqueScalingGroup');
  const podGangs = useKindObjects('PodGang');
  const scaleListsAvailable = useKindAvailabilities(SCALE_LIST_KINDS);
  const nodeObjects = useKindObjects('Node');
  const connection = useConnectionState();
  const nodesAvailable = useKindAvailability('Node');
  const podsAvailable = useKindAvailability('Pod');
  const bindingsAvailable = useKindAvailability('ClusterTopologyBinding');
  const theme = useTheme();
  const canvas = useRef<HeatmapCanvasHandle>(null);
  const tooltip = useRef<HoverTooltipHandle>(null);

  // View state: read from the URL once, written back on every change (replaceState: no history spam).
  const [view, setView] = useState<HeatmapViewState>(DEFAULT_VIEW);
  const [urlRead, setUrlRead] = useState(false);
  const [previewText, setPreviewText] = useState('');
  const [previewSource, setPreviewSource] = useState<PreviewSource | null>(null);
  // Why the preview's input could not be used (a lost handoff, an unreadable dropped file or link).
  const [inputProblem, setInputProblem] = useState<string | null>(null);
  // Why a drop did not replace the preview's text (a text that is no manifest); the text and preview stay.
  const [dropNotice, setDropNotice] = useState<string | null>(null);
  // The previewed manifest as the URL fragment carries it (#preview=<data>), so a link reproduces the
  // preview in any browser. A link that could not be read stays in the address until replaced or cleared.
  const [sharedData, setSharedData] = useState<string | null>(null);
  const [share, setShare] = useState<PreviewShare>({ kind: 'none' });
  // The scale-up request as the URL carries it (`?scale=`), kept in the address while it is previewed,
  // and (like a link's fragment) while it cannot be read, until replaced or cleared.
  const [scaleParam, setScaleParam] = useState<string | null>(null);
  const [readingLink, setReadingLink] = useState(false);
  // Encoding and decoding are asynchronous: each start takes a number, and only the latest one lands.
  const shareSeq = useRef(0);
  const sharedDataNow = useRef<string | null>(null);
  useEffect(() => {
    sharedDataNow.current = sharedData;
  }, [sharedData]);
  const update = useCallback((patch: Partial<HeatmapViewState>) => setView((v) => ({ ...v, ...patch })), []);

  /** Puts a previewed text into the URL; one too large for a link is kept in this tab (sessionStorage, `?preview=<id>`). */
  const sharePreview = useCallback(
    (text: string, handoffId: string | null) => {
      const seq = ++shareSeq.current;
      setReadingLink(false);
      void encodeSharedPreview(text)
        .catch(() => ({ ok: false as const, problem: 'This browser cannot compress the preview for a link (no CompressionStream)' }))
        .then((encoded) => {
          if (seq !== shareSeq.current) return;
          if (encoded.ok) {
            setSharedData(encoded.data);
            setShare({ kind: 'link' });
            update({ preview: null });
            return;
          }
          setSharedData(null);
          let id = handoffId;
          try {
            id ??= storePreviewHandoff({ kind: 'podcliqueset', yaml: text });
          } catch {
            // sessionStorage blocked or full: the preview lives on this page only.
          }
          update({ preview: id });
          setShare({ kind: 'tab', message: `${encoded.problem}: ${id ? 'it stays in this tab only (a reload keeps it).' : 'it stays on this page only (this browser does not let the page keep it across a reload).'}` });
        });
    },
    [update],
  );
  /** Shows the preview a link's fragment carries, or says why it cannot be read. */
  const openLink = useCallback(
    (data: string) => {
      const seq = ++shareSeq.current;
      setSharedData(data);
      setScaleParam(null);
      setShare({ kind: 'none' });
      setDropNotice(null);
      setReadingLink(true);
      void decodeSharedPreview(data).then((read) => {
        if (seq !== shareSeq.current) return;
        setReadingLink(false);
        if (read.ok) {
          setInputProblem(null);
          setPreviewText(read.text);
          setPreviewSource({ kind: 'yaml', text: read.text });
          setShare({ kind: 'link' });
          update({ preview: null });
        } else {
          setPreviewSource(null);
          setInputProblem(read.problem);
        }
      });
    },
    [update],
  );
  const clearPreview = useCallback(() => {
    shareSeq.current++;
    setPreviewSource(null);
    setInputProblem(null);
    setDropNotice(null);
    setReadingLink(false);
    setSharedData(null);
    setScaleParam(null);
    setShare({ kind: 'none' });
    update({ preview: null });
  }, [update]);
  /** Shows the scale-up a `scale` parameter asks for (planned below on the live cluster), or says why it cannot be read. */
  const openScale = useCallback((value: string) => {
    setScaleParam(value);
    const read = parseScaleParam(value);
    if (read.ok) {
      setInputProblem(null);
      setPreviewSource({ kind: 'scale', request: read.request });
      setShare({ kind: 'link', carries: 'scale' });
    } else {
      setPreviewSource(null);
      setInputProblem(read.problem);
    }
  }, []);

  useEffect(() => {
    const params = new URLSearchParams(window.location.search);
    const linked = previewDataOfHash(window.location.hash);
    const scale = params.get(SCALE_PARAM);
    // A link's own preview wins over a scale-up next to it, and both over a tab-local handoff id (dropped then).
    const initial = { ...decodeViewState(params), ...(linked === null && scale !== null ? { preview: null } : {}) };
    setView(initial);
    setUrlRead(true);
    if (linked !== null) openLink(linked);
    else if (scale !== null) openScale(scale);
    else if (initial.preview) {
      const handoff = readPreviewHandoff(initial.preview);
      if (!handoff.ok) setInputProblem(handoff.problem);
      else if (handoff.payload.kind === 'podcliqueset') {
        setPreviewText(handoff.payload.yaml);
        setPreviewSource({ kind: 'yaml', text: handoff.payload.yaml });
        sharePreview(handoff.payload.yaml, initial.preview);
      }
    }
    // Another link pasted into this tab's address bar changes only the fragment: no reload, so follow it here.
    const onHashChange = () => {
      const next = previewDataOfHash(window.location.hash);
      if (next === sharedDataNow.current) return;
      if (next !== null) openLink(next);
      else clearPreview();
    };
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, [openLink, openScale, sharePreview, clearPreview]);
  useEffect(() => {
    if (!urlRead) return;
    const params = encodeViewState(view);
    if (scaleParam !== null) params.set(SCALE_PARAM, scaleParam);
    const query = params.toString();
    const url = `${window.location.pathname}${query ? `?${query}` : ''}${previewHash(sharedData)}`;
    if (url !== `${window.location.pathname}${window.location.search}${window.location.hash}`) window.history.replaceState(window.history.state, '', url);
  }, [view, urlRead, sharedData, scaleParam]);

  const roleOf = useMemo(() => roleResolver(podCliques, podCliqueSets), [podCliques, podCliqueSets]);
  // Nodes and bindings change rarely; pods often. The layout (boxes and frames) is rebuilt only from
  // the former and kept (same object) while its signature holds, so a pod event only re-occupies cells.
  const lastLayout = useRef<HeatmapLayout | undefined>(undefined);
  const layout = useMemo(() => {
    if (!base) return null;
    const kept = stableLayout(base, { topology: view.topology, hiddenLevels: view.hidden, previousLayout: lastLayout.current });
    lastLayout.current = kept;
    return kept;
  }, [base, view.topology, view.hidden]);
  const model = useMemo(() => (layout && state ? occupyLayout(layout, state, roleOf) : null), [layout, state, roleOf]);
  // The workloads' colour slots so far: handed back, so a stack that appears never takes an existing one's colour.
  const workloadSlots = useRef<WorkloadSlots | undefined>(undefined);
  const colors = useMemo(() => (model ? colorCells(model, view.mode, theme, { workloadSlots: workloadSlots.current }) : null), [model, view.mode, theme]);
  useEffect(() => {
    if (colors?.workloadSlots) workloadSlots.current = colors.workloadSlots;
  }, [colors]);
  const span = useMemo(() => (model && view.selected ? workloadSpan(model, view.selected) : null), [model, view.selected]);
  // A selection the map does not have (a deleted stack, a link from another cluster) dims nothing:
  // nothing of it is on the map, and dimming everything would hide the cluster behind a wrong claim.
  const highlight = useMemo(() => {
    if (!model || !view.selected || !span) return null;
    const flags = new Uint8Array(model.layout.cellCount);
    if (span) for (const c of span.cells) flags[c] = 1;
    return flags;
  }, [model, span, view.selected]);

  // Preview: the text is parsed and validated once; only the placement is redone on the live state,
  // so ghosts follow the cluster. Ghosts that come out the same keep their object, so the canvas can
  // patch the changed cells instead of repainting everything.
  // No plan is made before the cluster has loaded: one made on the empty cluster of a tab that just
  // opened says "the cluster has no nodes" for a stack that fits (a handoff or a link is read at once).
  const { namespace: previewNamespace } = useSelectedNamespace();
  const previewRead = useMemo(() => (previewSource?.kind === 'yaml' ? readPreviewText(previewSource.text) : null), [previewSource]);
  const lastGhosts = useRef<GhostOverlay | null>(null);
  // As plain strings, so the preview is not redone on every render (a new object each time).
  const { status: clusterWaitStatus, message: clusterWaitMessage } = clusterWaitReason(connection, nodeObjects.length) ?? {};
  // A scale-up is planned from the stack's Grove objects: whether their lists can be believed for its namespace.
  const scaleRequest = previewSource?.kind === 'scale' ? previewSource.request : null;
  const scaleWait = useMemo(
    () => (scaleRequest ? scaleListsWait(scaleRequest, SCALE_LIST_KINDS.map((kind) => ({ kind, availability: scaleListsAvailable[kind], watchedNamespace: connection.kinds[kind]?.namespace }))) : null),
    [scaleRequest, scaleListsAvailable, connection.kinds],
  );
  const groveObjects = useMemo(() => ({ podCliqueSets, podCliqueScalingGroups, podCliques, podGangs }), [podCliqueSets, podCliqueScalingGroups, podCliques, podGangs]);
  // What Grove's webhook judges a previewed stack by besides the nodes: a running stack of its name (an
  // update), and whether the bindings listed are all the cluster has.
  const topologiesComplete = bindingsAvailable.status === 'live';
  const previewAdmission = useMemo(() => ({ podCliqueSets, topologiesComplete }), [podCliqueSets, topologiesComplete]);
  const preview = useMemo((): PreviewState => {
    if (readingLink) return { status: 'waiting', message: 'Reading the preview from the link…' };
    if (inputProblem && !previewSource) return { status: 'problems', problems: [inputProblem] };
    if (!previewSource) return { status: 'none' };
    if (clusterWaitStatus === 'unavailable') return { status: 'problems', problems: [clusterWaitMessage!] };
    if (clusterWaitStatus === 'waiting') return { status: 'waiting', message: clusterWaitMessage! };
    // Nodes or bindings that do not read as a cluster will not by waiting: say why, once.
    if (clusterError !== null) return { status: 'problems', problems: [`No placement preview: the cluster data could not be read (${clusterError}).`] };
    if (!state || !model) return { status: 'waiting', message: 'Waiting for readable cluster data: the preview is placed once the nodes can be read.' };
    const stable = (next: GhostOverlay): GhostOverlay => {
      const kept = sameGhosts(lastGhosts.current, next) ? lastGhosts.current! : next;
      lastGhosts.current = kept;
      return kept;
    };
    if (previewSource.kind === 'scale') {
      if (scaleWait) return scaleWait;
      // Planned again whenever the cluster's state or the stack's objects change: the ghosts are where the scale-up would land now.
      const onMap = planScaleRequest(state, groveObjects, previewSource.request);
      if (onMap.status === 'planned') return { status: 'ready', title: onMap.title, demand: null, fit: onMap.fit, ghosts: stable(ghostOverlay(model, onMap.preview.plan)) };
      return onMap.status === 'no-change' ? { status: 'note', message: onMap.message } : { status: 'problems', problems: [onMap.message] };
    }
    // A manifest that names no namespace is applied in the header's namespace (kubectl's -n), so it previews there.
    const result = previewInput(state, previewRead!, previewNamespace ?? undefined, previewAdmission);
    if (!result.ok) return { status: 'problems', problems: result.problems };
    // Ghosts for what the apply adds only: the stack's running gangs stay as the map draws them, and are named.
    const running = result.preview.running.map(runningGangFacts);
    return { status: 'ready', title: previewTitle(result), demand: result.gpus, running, ghosts: stable(ghostOverlay(model, result.preview.plan, { replaces: result.preview.replaces, running: result.preview.running })) };
  }, [previewSource, previewRead, previewNamespace, inputProblem, readingLink, clusterWaitStatus, clusterWaitMessage, clusterError, state, model, scaleWait, groveObjects, previewAdmission]);
  const ghosts = preview.status === 'ready' ? preview.ghosts : null;

  // Hover and the keyboard cursor live in the tooltip and the canvas: a mouse move or an arrow key
  // must not re-render this page (controls, legend, domain table).
  const [searchMessage, setSearchMessage] = useState<string | null>(null);
  // Frame indices belong to one layout: they are kept with it, and recomputed whenever the layout
  // changes (a node added or removed keeps the grouping, so no refit and no zoom event follows).
  const [breadcrumb, setBreadcrumb] = useState<{ layout: HeatmapLayout | null; path: number[] }>({ layout: null, path: [] });
  const currentLayout = model?.layout ?? null;
  const refreshBreadcrumb = useCallback(() => {
    const vp = canvas.current?.viewport();
    if (!vp || !currentLayout) return;
    const path = framePathInView(currentLayout, vp);
    setBreadcrumb((prev) => (prev.layout === currentLayout && prev.path.length === path.length && prev.path.every((f, i) => f === path[i]) ? prev : { layout: currentLayout, path }));
  }, [currentLayout]);
  // Runs after the canvas's own effects, so a refit for a new grouping has already moved the view.
  useEffect(refreshBreadcrumb, [refreshBreadcrumb]);

  // What the map was last zoomed to from the table or the breadcrumb, said under the breadcrumb (a
  // polite live region) until the person zooms elsewhere. `frameZoomSettling`: that zoom has not settled yet.
  const [frameNotice, setFrameNotice] = useState('');
  const frameZoomSettling = useRef(false);

  // Only a zoom a person made (or carried over a regrouping) goes into the URL; a fit (the default view)
  // or a refit after regrouping drops the old one, so a shared link without a zoom fits the receiver's screen.
  const onZoomEnd = useCallback(
    (zoom: ViewZoom, origin: ZoomOrigin) => {
      if (origin === 'user' || origin === 'regrouped') update({ zoom });
      else if (origin === 'refit' || origin === 'fit') update({ zoom: null });
      if (frameZoomSettling.current) frameZoomSettling.current = false;
      else setFrameNotice('');
      refreshBreadcrumb();
    },
    [update, refreshBreadcrumb],
  );

  const select = useCallback((workload: string | null) => update({ selected: workload }), [update]);
  // Clearing the selection from inside its panel removes the panel: focus goes to the map rather than
  // falling to the page's start.
  const selectionPanel = useRef<HTMLDivElement>(null);
  const refocusMap = useRef(false);
  const clearFromPanel = useCallback(() => {
    refocusMap.current = true;
    select(null);
  }, [select]);
  useEffect(() => {
    if (view.selected || !refocusMap.current) return;
    refocusMap.current = false;
    canvas.current?.focus();
  }, [view.selected]);

  // Escape clears the selection from anywhere on the page ("Clear selection (Esc)"), unless something
  // nearer uses it; the map handles its own Escape (it clears the keyboard cursor too) and marks it handled.
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented || event.isComposing || event.altKey || event.ctrlKey || event.metaKey) return;
      if (escapeHasNearerMeaning(event.target)) return;
      if (event.target instanceof Node && selectionPanel.current?.contains(event.target)) refocusMap.current = true;
      setView((v) => (v.selected ? { ...v, selected: null } : v));
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);

  const onCellClick = useCallback(
    (cell: number) => {
      if (!model) return;
      const pod = cell >= 0 ? model.pods[model.cellPod[cell]!] : undefined;
      select(pod?.workload && pod.workload !== view.selected ? pod.workload : null);
    },
    [model, select, view.selected],
  );

  // From the table (below the map) or the breadcrumb: zoom, bring the map into view, and say where it
  // went. Keyboard focus stays on the row or crumb pressed, so a keyboard or screen reader user goes on
  // through the table; the live region says what the map now shows.
  const mapArea = useRef<HTMLDivElement>(null);
  // The map box's width, measured: a narrow box (a phone) is made only as tall as the fitted map
  // needs (lib/heatmap/boxFit.ts), not left mostly empty under it.
  const [mapBox, setMapBox] = useState<HTMLDivElement | null>(null);
  const [mapWidth, setMapWidth] = useState(0);
  useEffect(() => {
    if (!mapBox) return;
    const observer = new ResizeObserver(() => setMapWidth(mapBox.clientWidth));
    observer.observe(mapBox);
    return () => observer.disconnect();
  }, [mapBox]);
  const zoomToFrame = useCallback(
    (f: number) => {
      const frame = model?.layout.frames[f];
      if (!model || !frame || !canvas.current) return;
      frameZoomSettling.current = true;
      canvas.current.zoomToRect(frame);
      revealInWindow(mapArea.current);
      const stats = model.frameStats[f]!;
      setFrameNotice(`Map zoomed to ${framePath(model, f)}: ${plural(stats.gpus, 'GPU')}, ${stats.used} used, ${freeText(stats)}.`);
    },
    [model],
  );

  const [searchChoices, setSearchChoices] = useState<SearchChoices | null>(null);
  const showWorkload = useCallback(
    (key: string) => {
      if (!model) return;
      setSearchChoices(null);
      const workload = model.workloads.find((w) => w.key === key);
      // A PodCliqueSet whose pods are not there (yet): nothing of it to select on the map.
      if (!workload) return setSearchMessage(`Workload ${key} has no pods on this map: nothing of it to show.`);
      select(workload.key);
      const s = workloadSpan(model, workload.key);
      const rect = s && boundsOfCells(model.layout, s.cells, 40);
      if (rect) canvas.current?.zoomToRect(rect);
      setSearchMessage(`Workload ${workload.key}: ${workload.pods.length ? plural(workload.gpus, 'GPU') : 'no GPUs yet'}${workload.pendingPods ? `, ${plural(workload.pendingPods, 'pod')} pending (${plural(workload.pendingGpus, 'GPU')} waiting)` : ''}`);
    },
    [model, select],
  );

  /** Goes to what a search found: selects, zooms and says what it is. */
  const showTarget = useCallback(
    (target: SearchTarget) => {
      if (!model) return;
      setSearchChoices(null);
      if (target.kind === 'PodCliqueSet') return showWorkload(target.key);
      // What is found is never left dimmed by another selection; a cleared one is said.
      const reselect = (next: string | null): string => {
        select(next);
        return view.selected && view.selected !== next ? `; selection ${view.selected} cleared` : '';
      };
      const zoomToBox = (box: HeatmapNodeBox) => canvas.current?.zoomToRect({ x: box.x - 60, y: box.y - 60, w: box.w + 120, h: box.h + 120 });
      switch (target.kind) {
        case 'PodGang': {
          const [namespace, name] = [target.key.slice(0, target.key.indexOf('/')), target.key.slice(target.key.indexOf('/') + 1)];
          const members = model.pods.filter((p) => p.namespace === namespace && p.podGang === name);
          const waiting = (state?.pods ?? []).filter((p) => !p.nodeName && !p.terminal && !p.terminating && p.namespace === namespace && p.labels[LABEL_PODGANG] === name).length;
          const cells = members.flatMap((p) => Array.from({ length: p.cellCount }, (_, k) => p.firstCell + k));
          const cleared = reselect(target.workload || (cells.length ? null : view.selected));
          const rect = cells.length ? boundsOfCells(model.layout, Int32Array.from(cells), 40) : null;
          if (rect) canvas.current?.zoomToRect(rect);
          canvas.current?.setFocusCell(cells[0] ?? -1);
          const where = cells.length ? `${plural(cells.length, 'GPU')} on ${plural(new Set(members.filter((p) => p.cellCount).map((p) => p.node)).size, 'node')}` : 'no GPUs yet';
          setSearchMessage(`PodGang ${target.key}${target.workload ? ` of ${target.workload}` : ''}: ${where}${waiting ? `, ${plural(waiting, 'pod')} pending` : ''}${cleared}`);
          return;
        }
        case 'Pod': {
          const pod = model.pods[target.pod];
          if (!pod) {
            // Not on the map: pending (no node yet), or on a node without GPUs. Its workload is selected
            // (its panel says what waits); a pod of none leaves the selection, which dims nothing of it.
            const cleared = target.workload ? reselect(target.workload) : '';
            canvas.current?.setFocusCell(-1);
            setSearchMessage(
              target.node
                ? `Pod ${target.key} runs on node ${target.node}, which has no GPUs: it is not on this map${cleared}`
                : `Pod ${target.key} is pending: it has no GPU yet (it asks for ${plural(target.gpus, 'GPU')})${cleared}`,
            );
            return;
          }
          const cleared = reselect(selectionAfterFinding(model, view.selected, { pod }));
          const box = model.layout.nodes.find((b) => b.name === pod.node)!;
          canvas.current?.setFocusCell(pod.cellCount ? pod.firstCell : -1);
          zoomToBox(box);
          setSearchMessage(`Pod ${pod.key} on ${pod.node}${pod.cellCount === 1 ? `, GPU ${pod.firstCell - box.firstCell}` : pod.cellCount ? `, GPUs ${pod.firstCell - box.firstCell}–${pod.firstCell - box.firstCell + pod.cellCount - 1}` : ' (no GPUs)'}${cleared}`);
          return;
        }
        case 'Node': {
          const box = model.layout.nodes[target.node]!;
          const cleared = reselect(selectionAfterFinding(model, view.selected, { node: box }));
          canvas.current?.setFocusCell(box.firstCell);
          zoomToBox(box);
          setSearchMessage(`Node ${box.name}: ${plural(box.gpus, 'GPU')}${cleared}`);
          return;
        }
        case 'domain': {
          const frame = model.layout.frames[target.frame]!;
          const cleared = reselect(selectionAfterFinding(model, view.selected, { frame }));
          zoomToFrame(target.frame);
          const stats = model.frameStats[target.frame]!;
          setSearchMessage(`Domain ${target.key}: ${plural(stats.gpus, 'GPU')}, ${stats.used} used, ${freeText(stats)}${cleared}`);
          return;
        }
      }
    },
    [model, state, select, showWorkload, view.selected, zoomToFrame],
  );

  // What a search choice is looked up in when picked: this render's map and lists.
  const latestSearchTargets = useRef<() => SearchTarget[]>(() => []);
  latestSearchTargets.current = () => (model ? searchTargets(model, state?.pods ?? [], podGangs, podCliqueSets) : []);
  const latestShowTarget = useRef(showTarget);
  latestShowTarget.current = showTarget;

  const onSearch = useCallback(
    (query: string) => {
      if (!model || !query) return;
      setSearchChoices(null);
      const found = matchSearch(searchTargets(model, state?.pods ?? [], podGangs, podCliqueSets), query);
      if (found.kind === 'one') return showTarget(found.target);
      if (found.kind === 'several') {
        // A name in several namespaces, or a fragment of several names: ask, never pick the first.
        const { targets } = found;
        const onlyWorkloads = targets.every((t) => t.kind === 'PodCliqueSet');
        setSearchMessage(onlyWorkloads ? `${targets.length} workloads match “${query}”: pick one, or search namespace/name.` : `${targets.length} matches for “${query}”: pick one, or type more of its name.`);
        const shown = targets.slice(0, SEARCH_CHOICES_LIMIT);
        setSearchChoices({
          query,
          onDismiss: () => setSearchChoices(null),
          options: shown.map((t) => ({ key: `${t.kind}:${t.key}`, label: searchChoiceLabel(model, t) })),
          more: targets.length - shown.length,
          // Looked up again when picked: the stream may have moved the map on since the list was made
          // (a pod rescheduled, a new layout), and a target holds indices into the map it was found on.
          onChoose: (key) => {
            const target = latestSearchTargets.current().find((t) => `${t.kind}:${t.key}` === key);
            if (target) latestShowTarget.current(target);
            else {
              setSearchChoices(null);
              setSearchMessage(`${key.slice(key.indexOf(':') + 1)} is no longer on the map: search again.`);
            }
          },
        });
        return;
      }
      // Nothing found changes nothing: the selection and the view stay.
      setSearchMessage(`Nothing matches “${query}” (workloads, PodGangs, pods, nodes and domains are searched)`);
    },
    [model, state, podGangs, podCliqueSets, showTarget],
  );

  // Suggestions narrow as the query grows; a cut list says so (a large cluster has far more names than a list can hold).
  const [searchQuery, setSearchQuery] = useState('');
  // The model keeps no scaling group: the tooltip and the cursor's sentence read it from the pods' labels.
  const scalingGroups = useMemo(() => podScalingGroups(state?.pods ?? []), [state]);
  // Pods pending (no node yet) are offered too: the search finds them.
  const pendingPodNames = useMemo(() => (state ? state.pods.filter((p) => !p.nodeName && !p.terminal && !p.terminating).map((p) => p.name) : []), [state]);
  const suggestionNames = useMemo(
    () => (model ? { workloads: model.workloads.map((w) => w.key), nodes: model.layout.nodes.map((b) => b.name), pods: [...model.pods.map((p) => p.name), ...pendingPodNames] } : null),
    [model, pendingPodNames],
  );
  const suggestions = useMemo(
    () => (suggestionNames ? searchSuggestions(suggestionNames.workloads, suggestionNames.nodes, suggestionNames.pods, searchQuery) : { options: [], note: null }),
    [suggestionNames, searchQuery],
  );

  const highlightedGpus = span?.gpus ?? 0;
  useEffect(() => {
    if (!model) return;
    const cellIndex = new Map<string, number>();
    model.layout.nodes.forEach((b) => cellIndex.set(b.name, b.firstCell));
    const hook: HeatmapTestHook = {
      model,
      view,
      highlightedGpus,
      dimming: highlight !== null,
      ghostGpus: ghosts?.cells.length ?? 0,
      ghostCells: ghosts ? Array.from(ghosts.cells) : [],
      cellOf: (node, gpu) => {
        const first = cellIndex.get(node);
        const box = first === undefined ? undefined : model.layout.nodes[model.layout.cellNode[first]!];
        return box && gpu >= 0 && gpu < box.gpus ? first! + gpu : -1;
      },
      cellClientPoint: (cell) => canvas.current?.cellClientPoint(cell) ?? null,
      currentZoom: () => canvas.current?.transform() ?? null,
      focusedCell: () => canvas.current?.focusedCell() ?? -1,
    };
    window.__canopyHeatmap = Object.freeze(hook);
  }, [model, view, highlightedGpus, highlight, ghosts]);

  const showPreviewOf = useCallback(
    (text: string) => {
      setInputProblem(null);
      setDropNotice(null);
      setScaleParam(null);
      setPreviewSource({ kind: 'yaml', text });
      sharePreview(text, null);
    },
    [sharePreview],
  );
  const drop = usePreviewDrop((dropped) => {
    if (dropped.kind === 'manifest') {
      setPreviewText(dropped.text);
      showPreviewOf(dropped.text);
    } else if (dropped.kind === 'kept') setDropNotice(dropped.notice);
    else {
      clearPreview();
      setInputProblem(dropped.problem);
    }
  });

  // Nodes sent empty while their first list runs would read as "no nodes with GPUs"; and so would
  // Nodes this identity may not list, or whose list fails: say which, never "0 GPUs".
  const nodesMissing = nodeObjects.length === 0 ? unavailableText('Node', nodesAvailable) : null;
  const waiting = !connection.synced || (nodesAvailable.status === 'loading' && nodeObjects.length === 0);
  // Before the box is measured, the full height; the words shown instead of the map take the height
  // the default layout shape (SCREEN_ASPECT) would, so the box does not jump when the map comes.
  const fitsBox = (layout: { width: number; height: number }) => (mapWidth > 0 ? boxHeight(layout, { width: mapWidth, minHeight: MIN_CANVAS_HEIGHT, maxHeight: CANVAS_HEIGHT }) : CANVAS_HEIGHT);
  const canvasHeight = fitsBox(model?.layout ?? { width: SCREEN_ASPECT, height: 1 });
  const placeholderHeight = fitsBox({ width: SCREEN_ASPECT, height: 1 });
  const nodesUnreadable = nodesMissing !== null && !waiting;
  // Totals only of live Nodes: a list still arriving adds up to part of the cluster, an empty one to zeros.
  const nodesLoading = nodesLoadingText(connection.synced, nodesAvailable, nodeObjects.length);
  const t = nodesUnreadable || nodesLoading ? undefined : model?.totals;
  // Workloads come from the pods: none listed is not "Workloads (0)".
  const podsMissing = unavailableText('Pod', podsAvailable);
  return (
    <div className="mx-auto max-w-[1600px] px-4 py-4" {...drop.handlers}>
      {drop.dragging && <DropTarget />}
      <div className="flex flex-wrap items-baseline justify-between gap-3">
        <h1 className="text-xl font-semibold">Topology</h1>
        <p className="text-sm text-zinc-700 dark:text-zinc-300" data-testid="topology-summary">
          {nodesLoading ? (
            <span data-testid="nodes-loading">{nodesLoading}</span>
          ) : t ? (
            <>
              <strong data-testid="gpu-total">{t.gpus}</strong> GPUs · {t.used} used · {t.free} free{t.tainted ? <span data-testid="gpu-free-tainted">, {taintedPartText(t.tainted)}</span> : null} · {t.unavailable} unavailable · {t.nodes} nodes
              {model && model.layout.nodesWithoutGpus > 0 ? ` (+${model.layout.nodesWithoutGpus} without GPUs, not shown)` : ''}
              {` · ${bindingText(model?.layout.topology, bindingsAvailable)}`}
            </>
          ) : null}
        </p>
        <ConnectionBadge />
      </div>
      {unreadablePods > 0 && (
        <p role="status" className="mt-2 text-sm text-amber-800 dark:text-amber-300">
          {unreadablePods} pod(s) could not be read and are not drawn.
        </p>
      )}
      {clusterError !== null && (
        <p role="alert" className="mt-2 text-red-700 dark:text-red-400">
          The cluster data could not be read: {clusterError}
        </p>
      )}
      {model && colors && !nodesUnreadable && (
        <>
          <div className="mt-3 flex flex-wrap items-center gap-x-6 gap-y-2">
            <ModePicker mode={view.mode} onChange={(mode: ColorMode) => update({ mode })} />
            {base && base.topologies.length > 1 && (
              <label className="inline-flex items-center gap-2 text-sm">
                <span className="font-medium text-zinc-700 dark:text-zinc-300">Binding</span>
                <select
                  value={model.layout.topology ?? ''}
                  onChange={(e) => update({ topology: e.target.value, hidden: [] })}
                  className="rounded-md border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900"
                >
                  {base.topologies.map((t) => (
                    <option key={t.name} value={t.name}>
                      {t.name}
                    </option>
                  ))}
                </select>
              </label>
            )}
            <LevelPicker levels={model.layout.levels} hidden={view.hidden} onChange={(hidden) => update({ hidden })} />
            <SearchBox suggestions={suggestions.options} suggestionsNote={suggestions.note} onQueryChange={setSearchQuery} onSearch={onSearch} message={searchMessage} choices={searchChoices} />
          </div>
          <div className="mt-2">
            <Legend entries={colors.legend} selected={view.selected} onSelect={(w) => select(w === view.selected ? null : w)} ghostCount={ghosts?.cells.length ?? 0} clusterTaints={model.clusterTaints} />
          </div>
        </>
      )}
      <div className="mt-3 grid gap-4 lg:grid-cols-[1fr_22rem]">
        <div className="min-w-0">
          {/* The map and its breadcrumb: what a domain row of the table scrolls into view, 0.5rem below the sticky
              header, whose height the shell measures (one row on a wide window, two on a phone). */}
          <div ref={mapArea} className="scroll-mt-[calc(var(--app-header-height)+0.5rem)]">
            {model && colors && !nodesUnreadable && (
              <div className="flex flex-wrap items-baseline justify-between gap-x-4">
                <Breadcrumb path={breadcrumb.layout === model.layout ? breadcrumb.path.map((f) => model.layout.frames[f]!) : []} onFit={() => canvas.current?.fit()} onFrame={zoomToFrame} />
                <p role="status" data-testid="map-zoom-status" className="text-xs text-zinc-700 dark:text-zinc-300">
                  {frameNotice}
                </p>
              </div>
            )}
            <div ref={setMapBox} className="mt-1 rounded-md border border-zinc-300 dark:border-zinc-700">
              {nodesUnreadable ? (
                <p className="flex items-center justify-center px-4 text-center text-sm text-amber-800 [overflow-wrap:anywhere] dark:text-amber-300" style={{ height: placeholderHeight }} role="status" data-testid="heatmap-unavailable">
                  {nodesAvailable.status === 'forbidden'
                    ? `You may not list Nodes, so the map cannot show the cluster’s GPUs${nodesAvailable.error ? ` (${nodesAvailable.error.replace(/\.$/, '')})` : ''}.`
                    : `${nodesMissing} The map shows the GPUs once the nodes can be read.`}
                </p>
              ) : waiting || !model || !colors ? (
                <p className="flex items-center justify-center text-sm text-zinc-600 dark:text-zinc-400" style={{ height: placeholderHeight }} role="status">
                  {!connection.synced ? 'Loading the cluster…' : waiting ? 'Loading the cluster’s nodes…' : 'No cluster data.'}
                </p>
              ) : model.layout.cellCount === 0 ? (
                <p className="flex items-center justify-center text-sm" style={{ height: placeholderHeight }}>
                  This cluster has no nodes with GPUs (nvidia.com/gpu allocatable).
                </p>
              ) : (
                <HeatmapCanvas
                  ref={canvas}
                  model={model}
                  colors={colors}
                  theme={theme}
                  highlight={highlight}
                  ghosts={ghosts}
                  scalingGroups={scalingGroups}
                  initialZoom={view.zoom}
                  onZoomEnd={onZoomEnd}
                  onHover={(hover) => tooltip.current?.show(hover)}
                  onCellClick={onCellClick}
                  onEscape={() => select(null)}
                  label={
                    nodesLoading
                      ? `GPU heatmap of the nodes loaded so far (${nodesLoading}); colours: ${COLOR_MODE_LABELS[view.mode]}.`
                      : `GPU heatmap: ${model.totals.gpus} GPUs, ${model.totals.used} used, ${freeText(model.totals)}${model.totals.unavailable ? `, ${model.totals.unavailable} unavailable` : ''}, in ${model.layout.frames.length} domains; colours: ${COLOR_MODE_LABELS[view.mode]}. The table below has the same numbers.`
                  }
                  height={canvasHeight}
                />
              )}
            </div>
          </div>
          <p className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">Drag to pan, wheel to zoom; click a GPU to highlight its workload. Focused, the map steps through GPUs with the arrow keys (Shift+arrows pan, Enter or Space acts as a click). GPU indices are assigned by Canopy (pods sorted by name).</p>
          {view.selected && span && <div ref={selectionPanel} className="mt-3"><SelectionPanel span={span} levels={model!.layout.levels} podGangs={podGangs} cluster={state ?? undefined} onClear={clearFromPanel} /></div>}
          {view.selected && !span && model && (
            <p ref={selectionPanel} className="mt-3 text-sm" role="status" data-testid="selection-missing">
              {missingSelectionText(view.selected, podsAvailable, connection.kinds.Pod?.namespace, podCliqueSets.some((p) => `${p.metadata?.namespace}/${p.metadata?.name}` === view.selected))}{' '}
              <button type="button" className="underline" onClick={clearFromPanel}>
                Clear selection
              </button>
            </p>
          )}
        </div>
        <aside className="flex flex-col gap-4">
          {/* Escape inside the preview is the preview's own (escapeHasNearerMeaning). */}
          <div data-own-escape>
            <PreviewPanel
              text={previewText}
              onText={(text) => {
                setPreviewText(text);
                setDropNotice(null);
              }}
              onPreview={showPreviewOf}
              dragging={drop.dragging}
              notice={dropNotice}
              onClear={clearPreview}
              state={preview}
              share={share}
              scale={scaleRequest ? { text: scaleRequestText(scaleRequest) } : undefined}
            />
          </div>
          {model && !nodesUnreadable && (
            <section aria-labelledby="workloads-heading" className="text-sm">
              <h2 id="workloads-heading" className="font-semibold">
                Workloads{podsMissing ? '' : ` (${model.workloads.length})`}
              </h2>
              {podsMissing && (
                <p className="mt-1 text-xs text-amber-800 dark:text-amber-300" data-testid="workloads-unavailable">
                  {podsMissing} Workloads are found from their pods{model.workloads.length > 0 ? ': this list may be out of date.' : '.'}
                </p>
              )}
              <ul className="mt-1 flex flex-col gap-1">
                {model.workloads.map((w) => (
                  <li key={w.key}>
                    <button
                      type="button"
                      aria-pressed={view.selected === w.key}
                      onClick={() => select(view.selected === w.key ? null : w.key)}
                      className="w-full rounded-md border border-zinc-300 px-2 py-1 text-left hover:bg-zinc-100 aria-pressed:border-blue-600 aria-pressed:bg-blue-50 dark:border-zinc-700 dark:hover:bg-zinc-800 dark:aria-pressed:bg-blue-950/50"
                    >
                      {w.key} <span className="text-zinc-600 dark:text-zinc-400">· {w.gpus} GPUs{w.pendingPods ? `, ${w.pendingPods} pods pending` : ''}</span>
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          )}
        </aside>
      </div>
      {model && !nodesUnreadable && (
        <section aria-labelledby="table-heading" className="mt-6">
          <h2 id="table-heading" className="mb-1 font-semibold">
            Table view
          </h2>
          {nodesLoading ? (
            <p role="status" className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="domain-table-loading">
              {nodesLoading} The table shows every domain’s GPUs once the nodes have loaded.
            </p>
          ) : (
            <DomainTable model={model} highlight={highlight} selected={span ? view.selected : null} onFocusFrame={zoomToFrame} planned={ghosts} />
          )}
        </section>
      )}
      {model && <HoverTooltip ref={tooltip} model={model} ghosts={ghosts} scalingGroups={scalingGroups} />}
    </div>
  );
}
