'use client';
/**
 * The PodCliqueSet builder: canvas, palette, inspector, YAML pane and findings over one source of
 * truth, the YAML text. Graph edits rewrite that text in place (lib/builder/edits.ts), YAML edits
 * are read back into the graph, and undo/redo steps over (text, layout) pairs.
 */
import { ReactFlowProvider } from '@xyflow/react';
import { startTransition, useCallback, useDeferredValue, useEffect, useMemo, useRef, useState, type DragEvent, type ReactNode } from 'react';
import { ManifestFileButton } from '../ui/ManifestFileButton';
import { carriesFiles, readManifestFile } from '../ui/readManifest';
import type { Path, ReadResult } from '@/lib/builder/document';
import { RevisionReads } from '@/lib/builder/revision';
import type { ContainerList } from '@/lib/builder/containers';
import {
  addClique,
  addContainer,
  addGroup,
  addStartsAfter,
  copySelection,
  deleteSelection,
  deletionConsequences,
  moveIntoGroup,
  pasteClipboard,
  removeContainer,
  removeStartsAfter,
  renameClique,
  renameGroup,
  setField,
  setFields,
  type BuilderClipboard,
  type EditResult,
  type Selection,
} from '@/lib/builder/edits';
import { countFindings, findingTarget } from '@/lib/builder/findings';
import { checkAgainstRunning, copyOfLiveText, liveStackText, loadedStackOf, parseEditParam, runningTargets, stackKey, type LoadedStack } from '@/lib/builder/liveStack';
import { cliqueOfRef, graphFromObject, namedByRef, type BuilderGraph, type RoleKind } from '@/lib/builder/graph';
import { createHistory, NO_TYPING, openingHistory, pushHistory, redo, typingStep, undo, type History } from '@/lib/builder/history';
import {
  autoLayout,
  cliqueKey,
  completeLayout,
  EMPTY_LAYOUT,
  frameIds,
  freeSpot,
  GROUP_DROP_SLOT,
  GROUP_PADDING,
  groupAt,
  groupFrame,
  groupKey,
  kindOf,
  layoutNewCliques,
  moveGroup,
  placePastedGroups,
  pruneLayout,
  renameCliqueInLayout,
  renameInLayout,
  type Layout,
  type Point,
} from '@/lib/builder/layout';
import { FLAVOUR_LABELS, FLAVOURS, STACK_TEMPLATE_LABELS, STACK_TEMPLATES, stackText, untouchedBlankNamespace, type Flavour, type StackTemplate } from '@/lib/builder/templates';
import type { PodCliqueSet } from '@/lib/grove/podcliqueset';
import type { ClusterTopologyBinding } from '@/lib/grove/clustertopologybinding';
import { useClusterContext, useSelectedNamespace } from '@/components/hooks/clusterContext';
import { useKindAvailability, useKindObjects } from '@/components/hooks/useClusterStream';
import { viewReport } from '@/components/validate/reportView';
import { YamlEditor, type TypedChange, type YamlEditorHandle } from '@/components/validate/YamlEditor';
import { ApplyPanel } from './ApplyPanel';
import { applyTarget } from './applyStep';
import { BuilderCanvas, type CanvasSelection, type FocusRequest } from './BuilderCanvas';
import { FindingsList, type BuilderFinding } from './FindingsList';

import { Inspector, type InspectorProps, type TopologyLevels } from './Inspector';
import { Palette } from './Palette';
import { advanceOpened, nextStep, type Work } from './workStep';
import { decodeShare, encodeShare, loadLocal, loadSessionHistory, readDraft, revOf, sameWork, saveDraft, saveSessionHistory, SHARE_PREFIX, STORAGE_KEY, type SavedWork } from './persistence';
import { placePasted } from './pastePlacement';
import { PreviewPanel } from './PreviewPanel';
import { qualifyTopologyFindings, topologyValidationContext } from './topologyCheck';
import type { StackLife } from './cliqueReplicas';
import { unavailableText } from '../hooks/kindAvailability';

let lastStackId = 0;
/** A stack number no earlier one has, in this tab nor (time-based) in its session history from before a reload. */
function newStackId(): number {
  lastStackId = Math.max(lastStackId + 1, Date.now());
  return lastStackId;
}

type Notice = { tone: 'error' | 'info'; text: string } | null;
type Panel = 'none' | 'preview' | 'apply';

const BLANK: Work = { text: stackText('blank', 'vllm'), layout: EMPTY_LAYOUT };
const EMPTY_SELECTION: CanvasSelection = { cliques: [], groups: [], edges: [] };
/** How long typing in the YAML pane pauses before the canvas and findings follow it. */
const READ_AFTER_TYPING_MS = 150;
/** The undo step of drafts taken from other tabs: a run of them is one step. */
const OTHER_TAB_STEP = 'other-tab';

/** The draft this tab saves: its work with the flavour, and the version its text was opened at. */
const draftOf = (w: Work, flavour: Flavour): SavedWork => ({ text: w.text, layout: w.layout, flavour, ...(w.opened ? { opened: w.opened } : {}) });

/** The canvas node or edge that has keyboard focus (React Flow puts its id in data-id), as a selection of it alone. */
function focusedCanvasItem(target: EventTarget | null, graph: BuilderGraph): CanvasSelection | null {
  const el = (target as Element | null)?.closest?.('.react-flow__node[data-id], .react-flow__edge[data-id]');
  const id = el?.getAttribute('data-id');
  if (!el || !id) return null;
  if (el.classList.contains('react-flow__edge')) return { ...EMPTY_SELECTION, edges: [id] };
  if (id.startsWith('clique:')) return { ...EMPTY_SELECTION, cliques: [id.slice('clique:'.length)] };
  // A frame is its group, by name: another of a name has an id of its own (frameIds).
  const group = graph.groups[frameIds(graph.groups.map((g) => g.name)).indexOf(id)];
  return group ? { ...EMPTY_SELECTION, groups: [group.name] } : null;
}

/** Whether a text read is another PodCliqueSet than the graph shown: another name or namespace. */
function pastesAnotherStack(read: ReadResult, shown: BuilderGraph): boolean {
  if (!read.ok) return false;
  const pasted = graphFromObject(read.object);
  return pasted.name !== shown.name || pasted.namespace !== shown.namespace;
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.closest) return false;
  return !!el.closest('input, textarea, select, [contenteditable="true"], .cm-editor, dialog, [role="dialog"]');
}

function useDarkMode(): boolean {
  const [dark, setDark] = useState(false);
  useEffect(() => {
    const read = () => setDark(document.documentElement.classList.contains('dark'));
    read();
    const observer = new MutationObserver(read);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['class'] });
    return () => observer.disconnect();
  }, []);
  return dark;
}

function BuilderWorkbenchInner() {
  const [history, setHistory] = useState<History<Work>>(() => createHistory(BLANK));
  const [loaded, setLoaded] = useState(false);
  const [flavour, setFlavour] = useState<Flavour>('vllm');
  const [template, setTemplate] = useState<StackTemplate>('multi-node-disaggregated-frontend');
  const [notice, setNotice] = useState<Notice>(null);
  const [selection, setSelection] = useState<CanvasSelection>(EMPTY_SELECTION);
  const [focusRequest, setFocusRequest] = useState<FocusRequest | null>(null);
  /** Selects a node on the canvas; `pan` also brings it into view, `focus` gives it keyboard focus. */
  const setFocus = useCallback((key: string, pan = true, focus = false) => setFocusRequest((f) => ({ key, pan, focus, seq: (f?.seq ?? 0) + 1 })), []);
  const [pendingDelete, setPendingDelete] = useState<{ sel: Selection; consequences: string[] } | null>(null);
  const [clipboard, setClipboard] = useState<BuilderClipboard>({ cliques: [], groups: [] });
  const [panel, setPanel] = useState<Panel>('none');
  const [shareLink, setShareLink] = useState<string | null>(null);
  const [laying, setLaying] = useState(false);
  const [fitSeq, setFitSeq] = useState(0);
  const [fileDrag, setFileDrag] = useState(false);
  const editorRef = useRef<YamlEditorHandle>(null);
  const editorText = useRef('');
  const dark = useDarkMode();
  const livePcs = useKindObjects('PodCliqueSet');
  const livePcsAvailability = useKindAvailability('PodCliqueSet');
  const { state: clusterContext } = useClusterContext();
  /** Where a manifest that names no namespace lands (the server's default), as applying it does. */
  const defaultNamespace = clusterContext.status === 'ready' ? clusterContext.data.source.namespace : null;
  const bindings = useKindObjects<ClusterTopologyBinding>('ClusterTopologyBinding');
  const bindingsAvailability = useKindAvailability('ClusterTopologyBinding');

  const work = history.present;
  const workRef = useRef(work);
  workRef.current = work;

  // ---- what is read of the text: a change typed in the YAML pane is read once typing pauses (reading a
  // big stack, checking it and redrawing the canvas on every key made typing lag); any other change at once.
  const typedText = useRef<string | null>(null);
  const [typedSettled, setTypedSettled] = useState<string | null>(null);
  const lastReadText = useRef(work.text);
  const typingPending = work.text === typedText.current && typedSettled !== work.text;
  const readText = typingPending ? lastReadText.current : work.text;
  lastReadText.current = readText;
  useEffect(() => {
    if (!typingPending) return;
    const text = work.text;
    const timer = window.setTimeout(() => startTransition(() => setTypedSettled(text)), READ_AFTER_TYPING_MS);
    return () => window.clearTimeout(timer);
  }, [typingPending, work.text]);
  // The findings (the whole validation) follow the canvas, behind any new input.
  const reportText = useDeferredValue(readText);
  // One parse per text, for the canvas and the findings both.
  const [reads] = useState(() => new RevisionReads());

  // ---- derived: graph (last readable one while the YAML is broken), layout, findings
  const read = useMemo(() => reads.read(readText), [reads, readText]);
  const fileTopologies = useMemo(() => reads.topologyBindings(readText), [reads, readText]);
  const lastGood = useRef<{ graph: BuilderGraph; object: Record<string, unknown>; pcsIndex: number }>({ graph: graphFromObject({}), object: {}, pcsIndex: 0 });
  if (read.ok && lastGood.current.object !== read.object) lastGood.current = { graph: graphFromObject(read.object), object: read.object, pcsIndex: read.doc.pcsIndex };
  const { graph, object, pcsIndex } = lastGood.current;
  const layout = useMemo(() => completeLayout(pruneLayout(work.layout, graph), graph), [work.layout, graph]);
  const layoutRef = useRef(layout);
  layoutRef.current = layout;
  const graphRef = useRef(graph);
  graphRef.current = graph;

  const topologies: TopologyLevels = useMemo(
    () => Object.fromEntries(bindings.map((b) => [b.metadata?.name ?? '', (b.spec?.levels ?? []).map((l) => l.domain)])),
    [bindings],
  );
  // Complete only when listed live: a topologyName with no binding is then Grove's "not found" error (Apply waits for it).
  const validationContext = useMemo(() => topologyValidationContext(bindings, bindingsAvailability), [bindings, bindingsAvailability]);
  // The running stacks the text would update, compared by value: a running stack's status changing
  // (which the stream sends often) does not check the text again, a change of its spec does. Compared
  // here, when the inputs change, not on every render (each keystroke renders).
  const targetsRef = useRef<{ json: string; targets: Record<string, Record<string, unknown>> } | null>(null);
  const runningTargetsStable = useMemo(() => {
    let targets: Record<string, Record<string, unknown>>;
    try {
      targets = runningTargets(reads.manifests(reportText).documents, livePcs, defaultNamespace);
    } catch {
      targets = {};
    }
    const json = JSON.stringify(targets);
    if (targetsRef.current?.json !== json) targetsRef.current = { json, targets };
    return targetsRef.current.targets;
  }, [reads, reportText, livePcs, defaultNamespace]);
  const checked = useMemo(() => {
    try {
      return checkAgainstRunning(reads, reportText, validationContext, runningTargetsStable, defaultNamespace);
    } catch {
      return null;
    }
  }, [reads, reportText, validationContext, runningTargetsStable, defaultNamespace]);
  const report = useMemo(() => (checked ? qualifyTopologyFindings(checked.report, bindingsAvailability) : null), [checked, bindingsAvailability]);
  /** The running stack the builder's PodCliqueSet updates (Apply updates it), or null when it is a new one. */
  const updatesRunning = checked?.updates[pcsIndex] ?? null;
  /** Whether the stack the inspector edits runs, from the graph it shows: what its edits may touch (Grove's update rules). */
  const stackLife: StackLife = useMemo(() => {
    const namespace = graph.namespace || defaultNamespace;
    if (!namespace) return { kind: 'unknown', why: 'the namespace it is applied to is not known yet' };
    const key = stackKey(namespace, graph.name);
    if (livePcs.some((p) => stackKey(String(p.metadata?.namespace), String(p.metadata?.name)) === key)) return { kind: 'running', key };
    const why = unavailableText('PodCliqueSet', livePcsAvailability, namespace);
    return why === null ? { kind: 'new' } : { kind: 'unknown', why };
  }, [graph.namespace, graph.name, defaultNamespace, livePcs, livePcsAvailability]);
  const view = useMemo(() => (report ? viewReport(report) : null), [report]);
  const pcsFindings = useMemo(() => report?.documents.find((d) => d.index === pcsIndex)?.findings ?? [], [report, pcsIndex]);
  // Cliques by ref: a finding of the second of two cliques of one name is that node's, and jumps to it.
  const graphByRef = useMemo(() => namedByRef(graph), [graph]);
  const counts = useMemo(() => countFindings(graphByRef, pcsFindings), [graphByRef, pcsFindings]);
  const findings: BuilderFinding[] = useMemo(
    () => (view?.all ?? []).map((entry) => ({ entry, target: entry.path !== null && entry.document === pcsIndex ? findingTarget(graphByRef, entry.path) : { kind: 'stack' as const } })),
    [view, graphByRef, pcsIndex],
  );
  // Counted as the findings list shows them (the parser gives a document's syntax errors as one), so the panels agree with it.
  const listedErrors = useMemo(() => findings.filter((f) => f.entry.severity === 'error'), [findings]);
  const errorCount = listedErrors.length;
  /** The errors of the stack the preview places (the apply sends every document; the preview one). */
  const previewErrorCount = useMemo(() => listedErrors.filter((f) => f.entry.document === pcsIndex).length, [listedErrors, pcsIndex]);

  // ---- load: this browser's saved work, and a shared link's stack on top of it (one undo away)
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const hash = window.location.hash;
      const stored = loadLocal();
      // With the version its text was opened at (`?edit=`): a new tab still applies it as of that version.
      const saved: Work | null = stored ? { text: stored.text, layout: stored.layout, ...(stored.opened ? { opened: stored.opened } : {}) } : null;
      let shared: Work | null = null;
      let sharedFlavour: Flavour | undefined;
      let message: Notice | null = null;
      if (hash.startsWith(SHARE_PREFIX)) {
        try {
          const decoded = await decodeShare(hash);
          shared = { text: decoded.text, layout: decoded.layout, stack: newStackId() };
          sharedFlavour = decoded.flavour;
          message = {
            tone: 'info',
            text:
              saved && saved.text !== shared.text
                ? 'Loaded the stack from the shared link. Your saved work is kept: Undo (Ctrl+Z) brings it back.'
                : 'Loaded the stack from the shared link.',
          };
        } catch (e) {
          message = { tone: 'error', text: `Could not open the shared link: ${(e as Error).message}` };
        }
        window.history.replaceState(null, '', window.location.pathname + window.location.search);
      }
      if (cancelled) return;
      // Back from another page in this tab (or reloaded): its undo history comes back. When its work is
      // not the stored draft, which another tab saved meanwhile, this tab's work opens and the user chooses.
      const session = shared ? null : loadSessionHistory(stored);
      const flavourNow = session ? session.flavour : shared ? sharedFlavour : stored?.flavour;
      if (flavourNow) setFlavour(flavourNow);
      if (message) setNotice(message);
      baseRev.current = session ? session.baseRev : revOf(stored);
      synced.current = session ? (session.conflict ? null : { ...session.history.present, flavour: session.flavour }) : stored;
      if (session?.conflict) setConflict(session.conflict);
      const opening = session?.history ?? openingHistory(saved, shared, (a, b) => a.text === b.text);
      if (opening) {
        setHistory(opening);
        setFitSeq((n) => n + 1);
      }
      setLoaded(true);
    })();
    return () => {
      cancelled = true;
    };
  }, []);

  // ---- a new stack is written in the header's namespace (for a namespace-scoped identity, the one it
  // may write to), not in "default". An untouched blank start (no edit to undo) follows it too; drafts
  // with anything of the user's in them are left as they are.
  const { namespace: selectedNamespace } = useSelectedNamespace();
  const newStackNamespace = selectedNamespace ?? undefined;
  useEffect(() => {
    if (!loaded || !selectedNamespace) return;
    setHistory((h) => {
      if (h.past.length > 0 || h.future.length > 0) return h;
      const namespace = untouchedBlankNamespace(h.present.text);
      if (namespace === null || namespace === selectedNamespace) return h;
      return { ...h, present: { ...h.present, text: stackText('blank', 'vllm', selectedNamespace) } };
    });
  }, [loaded, selectedNamespace]);

  /**
   * An error notice says why the last action failed (an edit refused, a load that went wrong); once the
   * work changes after it (an edit that took, undo, redo, the YAML typed into readable again) it is stale, and goes.
   */
  const clearErrorNotice = useCallback(() => setNotice((n) => (n?.tone === 'error' ? null : n)), []);

  // ---- saving, and other tabs: each save carries a revision; a tab never silently writes over a draft
  // another tab saved after it last read or wrote, and hears (a `storage` event) when one does: with
  // nothing of its own since, it takes that draft; with edits of its own, the user chooses.
  const baseRev = useRef(0);
  /** The draft at baseRev as this tab last read or wrote it (null while its work differs from it). */
  const synced = useRef<SavedWork | null>(null);
  const flavourRef = useRef(flavour);
  flavourRef.current = flavour;
  const [conflict, setConflict] = useState<SavedWork | null>(null);
  useEffect(() => {
    if (!loaded || conflict) return;
    const mine = draftOf(work, flavour);
    const r = saveDraft(mine, baseRev.current);
    if (r.saved) {
      baseRev.current = r.rev;
      synced.current = mine;
    } else setConflict(r.theirs);
  }, [loaded, work, flavour, conflict]);
  useEffect(() => {
    const onStorage = (e: StorageEvent) => {
      if (e.key !== STORAGE_KEY) return;
      const theirs = readDraft(e.newValue);
      if (!theirs || revOf(theirs) <= baseRev.current) return;
      const mine = { ...workRef.current, flavour: flavourRef.current };
      if (sameWork(theirs, mine)) {
        baseRev.current = revOf(theirs);
        synced.current = theirs;
      } else if (synced.current && sameWork(synced.current, mine)) {
        // Nothing of this tab's own since it last saved or read: nothing to choose between, theirs is
        // taken. As an undo step (one for a run of them), so that this tab's last version is one Undo away.
        baseRev.current = revOf(theirs);
        synced.current = theirs;
        // With the version their text was opened at, never this tab's: the other tab may have saved text
        // older than the version this tab stands on (kept after a re-base here), and its apply must be refused.
        setHistory((h) => pushHistory(h, { text: theirs.text, layout: theirs.layout, stack: h.present.stack, ...(theirs.opened ? { opened: theirs.opened } : {}) }, OTHER_TAB_STEP));
        clearErrorNotice();
        if (theirs.flavour) setFlavour(theirs.flavour);
      } else setConflict(theirs);
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);
  useEffect(() => {
    if (!conflict) return;
    // This tab's work is not saved while the choice is open: leaving would lose it.
    const onLeave = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', onLeave);
    return () => window.removeEventListener('beforeunload', onLeave);
  }, [conflict]);

  // The undo history outlives a visit to another page in this tab (the builder unmounts).
  const historyRef = useRef(history);
  historyRef.current = history;
  useEffect(() => {
    if (!loaded) return;
    const keep = () => saveSessionHistory(historyRef.current, { baseRev: baseRev.current, flavour: flavourRef.current });
    window.addEventListener('pagehide', keep);
    return () => {
      window.removeEventListener('pagehide', keep);
      keep();
    };
  }, [loaded]);

  // ---- the YAML pane follows the text when the change came from elsewhere (by the smallest change:
  // its cursor, scroll and folds stay)
  useEffect(() => {
    if (work.text === editorText.current) return;
    editorText.current = work.text;
    editorRef.current?.syncText(work.text);
  }, [work.text]);

  /** A new step of the work; without a `stack` of its own, an edit of the stack the present step is. */
  const commit = useCallback(
    (next: Work, coalesce: string | null = null) => {
      const now = workRef.current;
      const sameStack = next.stack === undefined || next.stack === now.stack;
      if (now.text !== next.text || now.layout !== next.layout || !sameStack) clearErrorNotice();
      setHistory((h) => {
        const step = nextStep(h.present, next);
        return step ? pushHistory(h, step, coalesce) : h;
      });
    },
    [clearErrorNotice],
  );

  const typing = useRef(NO_TYPING);
  const onYamlChange = useCallback(
    (next: string, change: TypedChange) => {
      editorText.current = next;
      if (next === workRef.current.text) return;
      typedText.current = next;
      // One undo step per run of typing: a pause or a jump of the cursor starts the next.
      const step = typingStep(typing.current, performance.now(), change.jumped, 'yaml');
      typing.current = step.runs;
      // The layout as stored: cliques the text adds stay without a position until they are laid out.
      // Another PodCliqueSet pasted over the whole text opens it, as the Paste button does: a step of its
      // own, with nothing selected. A version of the same one (or a text not readable yet) is an edit of it.
      if (change.replacedAll && pastesAnotherStack(reads.read(next), graphRef.current)) commit({ text: next, layout: workRef.current.layout, stack: newStackId() });
      else commit({ text: next, layout: workRef.current.layout }, step.key);
    },
    [commit, reads],
  );

  // ---- cliques the text gained without a position (pasted or typed in the YAML pane, an import) are
  // laid out by startup order; what was placed stays. A whole new stack is laid out and fitted to view.
  useEffect(() => {
    // Only once the canvas shows this very text (not while typing waits to be read).
    if (!loaded || !read.ok || readText !== workRef.current.text) return;
    const text = readText;
    const base = pruneLayout(work.layout, graph);
    const unplaced = graph.cliques.filter((c) => !base.positions[cliqueKey(c.ref)]);
    if (unplaced.length === 0) return;
    const whole = unplaced.length === graph.cliques.length;
    let cancelled = false;
    void layoutNewCliques(base, graph).then((l) => {
      if (cancelled || !l || workRef.current.text !== text) return;
      setHistory((h) => (h.present.text === text ? { ...h, present: { ...h.present, layout: l } } : h));
      if (whole) setFitSeq((n) => n + 1);
    });
    return () => {
      cancelled = true;
    };
  }, [loaded, read.ok, readText, graph, work.layout]);

  const loadTheirs = () => {
    if (!conflict) return;
    baseRev.current = revOf(conflict);
    synced.current = conflict;
    // A step like any other: Undo brings this tab's version back.
    commit({ text: conflict.text, layout: conflict.layout, stack: newStackId(), ...(conflict.opened ? { opened: conflict.opened } : {}) });
    if (conflict.flavour) setFlavour(conflict.flavour);
    setConflict(null);
    say("Loaded the other tab's version. Undo (Ctrl+Z) brings this tab's back.");
  };
  const keepMine = () => {
    const mine = draftOf(work, flavour);
    const r = saveDraft(mine, baseRev.current, { force: true });
    if (r.saved) {
      baseRev.current = r.rev;
      synced.current = mine;
    }
    setConflict(null);
    say("Kept this tab's version; it is saved now (another tab with edits of its own is asked, others follow).");
  };

  /** Commits an edit's text (and a layout derived for it), or shows why it was refused. */
  const applyEdit = useCallback(
    (result: EditResult, nextLayout?: (l: Layout, note?: string) => Layout, coalesce: string | null = null): result is Extract<EditResult, { ok: true }> => {
      if (!result.ok) {
        setNotice({ tone: 'error', text: result.message });
        return false;
      }
      const l = nextLayout ? nextLayout(layoutRef.current, result.note) : layoutRef.current;
      commit({ text: result.text, layout: l }, coalesce);
      return true;
    },
    [commit],
  );

  const say = (text: string) => setNotice({ tone: 'info', text });
  /** say, for the memoised canvas. */
  const announce = useCallback((text: string) => setNotice({ tone: 'info', text }), []);

  // ---- canvas actions
  /**
   * The cliques added by keyboard, in a row, into the group the keyboard adds to: adding one selects it
   * (and so no longer the frame), and while the selection is only such cliques, still in that group,
   * the next one goes there too, as the next drop into the frame would.
   */
  const addedIntoGroup = useRef<{ group: string; cliques: string[] } | null>(null);
  const addAt = useCallback(
    (item: RoleKind | 'group', at: Point | null) => {
      const g = graphRef.current;
      const l = layoutRef.current;
      if (item === 'group') {
        const r = addGroup(workRef.current.text);
        if (applyEdit(r, (lay, name) => ({ ...lay, positions: { ...lay.positions, [groupKey(name!)]: at ?? freeSpot(lay, g) } }))) {
          // Added by keyboard (no drop point): shown, and focused, so the keys go on from it.
          setFocus(groupKey(r.note!), !at, !at);
          say(`Added scaling group ${r.note}. Drag cliques into its frame, or add them from the palette while it is selected.`);
        }
        return;
      }
      // A drop lands in the frame under it; the keyboard adds into the selected group, if one is, or the
      // group the cliques it just added there (and nothing else) are selected in.
      const run = addedIntoGroup.current;
      const selectedGroup =
        selection.groups.length === 1 && selection.cliques.length === 0
          ? selection.groups[0]!
          : run && selection.groups.length === 0 && selection.cliques.length > 0 && selection.cliques.every((c) => run.cliques.includes(c) && cliqueOfRef(g, c)?.group === run.group)
            ? run.group
            : null;
      let group: string | null;
      let position: Point;
      if (at) {
        group = groupAt(l, g, at);
        position = at;
      } else if (selectedGroup) {
        const frame = groupFrame(l, g, selectedGroup);
        group = selectedGroup;
        position = { x: frame.x + GROUP_PADDING, y: frame.y + frame.height - GROUP_DROP_SLOT };
      } else {
        group = null;
        position = freeSpot(l, g);
      }
      const r = addClique(workRef.current.text, { kind: item, flavour, group });
      if (applyEdit(r, (lay, name) => ({ positions: { ...lay.positions, [cliqueKey(name!)]: position }, kinds: { ...lay.kinds, [name!]: item } }))) {
        setFocus(cliqueKey(r.note!), !at, !at);
        say(`Added clique ${r.note}${group ? ` to ${group}` : ''}${r.rewired ? `; ${r.rewired}` : ''}.`);
        if (!at) addedIntoGroup.current = group ? { group, cliques: [...(run?.group === group ? run.cliques : []), r.note!] } : null;
      }
    },
    [applyEdit, flavour, selection],
  );

  const onConnect = useCallback(
    (from: string, to: string) => {
      const r = addStartsAfter(workRef.current.text, from, to);
      if (applyEdit(r)) say(`${to} now starts after ${from}.${r.note ? ` The ${r.note}.` : ''}`);
    },
    [applyEdit],
  );

  const onMoved = useCallback(
    (moves: { key: string; position: Point }[]) => {
      const g = graphRef.current;
      const before = layoutRef.current;
      let l = before;
      for (const m of moves) if (m.key.startsWith('group:')) l = moveGroup(l, g, m.key.slice(6), m.position);
      const movedGroups = new Set(moves.filter((m) => m.key.startsWith('group:')).map((m) => m.key.slice(6)));
      // A clique whose frame moved too went with it (moveGroup placed it).
      const cliqueMoves = moves.filter((m) => m.key.startsWith('clique:') && !movedGroups.has(cliqueOfRef(g, m.key.slice(7))?.group ?? ''));
      l = { ...l, positions: { ...l.positions, ...Object.fromEntries(cliqueMoves.map((m) => [m.key, m.position])) } };
      let text = workRef.current.text;
      const changes: string[] = [];
      const refused: string[] = [];
      for (const m of cliqueMoves) {
        const c = cliqueOfRef(g, m.key.slice(7));
        if (!c) continue;
        const target = groupAt(before, g, m.position);
        if (target === c.group) continue;
        const r = moveIntoGroup(text, c.ref, target);
        if (!r.ok) {
          refused.push(r.message);
          continue;
        }
        text = r.text;
        changes.push(target ? `${c.name} joined ${target}${r.rewired ? `; ${r.rewired}` : ''}` : `${c.name} left ${c.group}`);
      }
      // The move itself took (commit clears an older error); what was refused of it is said after.
      commit({ text, layout: l });
      if (refused.length) setNotice({ tone: 'error', text: [...changes, ...refused].join('; ') });
      else if (changes.length) say(`${changes.join('; ')}.`);
    },
    [commit],
  );

  const runAutoLayout = useCallback(async () => {
    setLaying(true);
    try {
      const next = await autoLayout(layoutRef.current, graphRef.current);
      commit({ text: workRef.current.text, layout: next });
      setFitSeq((n) => n + 1);
      say('Laid out by startup order.');
    } catch (e) {
      setNotice({ tone: 'error', text: `Layout failed: ${(e as Error).message}` });
    } finally {
      setLaying(false);
    }
  }, [commit]);

  // ---- delete, copy, paste, undo, redo
  /**
   * Delete acts on what it is pressed on. React Flow's keyboard model: Tab moves focus between nodes and
   * edges, Enter or Space selects the focused one, Delete removes "it". So a focused node or edge outside
   * the selection is what goes (and is selected, so the inspector shows what the dialog names); one inside
   * it, or focus elsewhere (the toolbar's Delete…), takes the whole selection.
   */
  const requestDelete = useCallback(
    (focused: CanvasSelection | null = null) => {
      const inSelection =
        focused !== null &&
        (focused.cliques.some((c) => selection.cliques.includes(c)) || focused.groups.some((x) => selection.groups.includes(x)) || focused.edges.some((e) => selection.edges.includes(e)));
      const target = focused && !inSelection ? focused : selection;
      if (target !== selection && target.edges.length === 0) {
        setSelection(target);
        setFocus(target.cliques.length ? cliqueKey(target.cliques[0]!) : groupKey(target.groups[0]!), false);
      }
      const g = graphRef.current;
      if (target.edges.length > 0 && target.cliques.length === 0 && target.groups.length === 0) {
        let text = workRef.current.text;
        let removed = 0;
        let firstSource: string | null = null;
        const refused: string[] = [];
        for (const id of target.edges) {
          const [from, to] = id.split('->') as [string, string];
          const r = removeStartsAfter(text, from, to);
          if (r.ok) {
            text = r.text;
            removed++;
            firstSource ??= from;
          } else refused.push(r.message);
        }
        if (removed > 0) commit({ text, layout: layoutRef.current });
        // The focused edge is gone (and the toolbar's Delete… is disabled with nothing selected): focus goes
        // to the clique it started from, so the keys go on from there instead of from <body>.
        if (firstSource !== null) setFocus(cliqueKey(firstSource), false, true);
        if (refused.length > 0) setNotice({ tone: 'error', text: `${removed > 0 ? `Removed ${removed} startup edge(s); ` : ''}${refused.join('; ')}` });
        else say(`Removed ${removed} startup edge(s).`);
        return;
      }
      const sel: Selection = { cliques: target.cliques, groups: target.groups };
      if (sel.cliques.length + sel.groups.length === 0) return;
      setPendingDelete({ sel, consequences: deletionConsequences(g, sel) });
    },
    [selection, commit, setFocus],
  );

  const confirmDelete = useCallback(() => {
    if (!pendingDelete) return;
    if (applyEdit(deleteSelection(workRef.current.text, pendingDelete.sel))) say(`Deleted ${pendingDelete.consequences.length} item(s).`);
    setPendingDelete(null);
    setSelection(EMPTY_SELECTION);
  }, [pendingDelete, applyEdit]);

  /** Copies the selected cliques, and the selected groups whole (with their members); false when nothing is selected to copy. */
  const copy = useCallback((): boolean => {
    const copied = copySelection(workRef.current.text, { cliques: selection.cliques, groups: selection.groups });
    if (copied.cliques.length + copied.groups.length === 0) return false;
    setClipboard(copied);
    const groups = copied.groups.length ? `${copied.groups.length} scaling group(s) and ` : '';
    say(`Copied ${groups}${copied.cliques.length} clique(s).`);
    return true;
  }, [selection]);

  const paste = useCallback(() => {
    if (clipboard.cliques.length + clipboard.groups.length === 0) return;
    const r = pasteClipboard(workRef.current.text, clipboard);
    if (!r.ok) {
      applyEdit(r);
      return;
    }
    const after = reads.read(r.text);
    const g = after.ok ? graphFromObject(after.object) : graphRef.current;
    const members = new Set(r.groups.flatMap((p) => g.groups.find((x) => x.name === p.name)?.cliqueNames ?? []));
    const standalone = r.cliques.filter((c) => !members.has(c.name));
    // Groups first: a group not yet placed would be an empty frame at the default spot, which a standalone copy could land in.
    applyEdit(r, (lay) => placePasted(placePastedGroups(lay, g, r.groups, r.cliques), g, standalone));
    const said = [
      ...r.groups.map((p) => {
        const copies = g.groups.find((x) => x.name === p.name)?.cliqueNames ?? [];
        return `scaling group ${p.name}${copies.length ? ` (${copies.join(', ')})` : ''}`;
      }),
      ...standalone.map((c) => c.name),
    ];
    if (r.groups.length === 1) setFocus(groupKey(r.groups[0]!.name));
    if (said.length) say(`Pasted ${said.join(', ')}.${r.readdressed.length ? ` Pod addresses in the copies' env values now point at the copies: ${r.readdressed.join(', ')}.` : ''}`);
  }, [clipboard, applyEdit, setFocus, reads]);

  const doUndo = useCallback(() => {
    if (historyRef.current.past.length > 0) clearErrorNotice();
    setHistory((h) => undo(h));
  }, [clearErrorNotice]);
  const doRedo = useCallback(() => {
    if (historyRef.current.future.length > 0) clearErrorNotice();
    setHistory((h) => redo(h));
  }, [clearErrorNotice]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target)) return;
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (mod && key === 'z' && !e.shiftKey) doUndo();
      else if (mod && ((key === 'z' && e.shiftKey) || key === 'y')) doRedo();
      else if (mod && key === 'c') {
        // Copying page text (a failure message, the diff) stays the browser's. Focus on the canvas means
        // nodes: clicking a node (user-select: none) leaves an earlier text selection in place.
        const onCanvas = !!(e.target as Element | null)?.closest?.('.react-flow');
        const text = window.getSelection();
        if ((!onCanvas && text && !text.isCollapsed) || !copy()) return;
      } else if (mod && key === 'v') paste();
      else if (!mod && (e.key === 'Delete' || e.key === 'Backspace')) requestDelete(focusedCanvasItem(e.target, graphRef.current));
      else if (!mod && e.shiftKey && key === 'l') void runAutoLayout();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [doUndo, doRedo, copy, paste, requestDelete, runAutoLayout]);

  // ---- inspector callbacks
  const inspectorSelection: InspectorProps['selection'] = useMemo(() => {
    if (selection.cliques.length === 1 && selection.groups.length === 0 && cliqueOfRef(graph, selection.cliques[0]!)) return { kind: 'clique', name: selection.cliques[0]! };
    if (selection.groups.length === 1 && selection.cliques.length === 0 && graph.groups.some((g) => g.name === selection.groups[0])) return { kind: 'group', name: selection.groups[0]! };
    return { kind: 'stack' };
  }, [selection, graph]);

  const onSet = useCallback((path: Path, value: unknown) => applyEdit(setField(workRef.current.text, path, value), undefined, `field:${path.join('/')}`), [applyEdit]);
  const onSetMany = useCallback((entries: { path: Path; value: unknown }[]) => applyEdit(setFields(workRef.current.text, entries), undefined, `fields:${entries.map((e) => e.path.join('/')).join(',')}`), [applyEdit]);
  const onRenameClique = useCallback(
    (from: string, to: string) => {
      const renamed = cliqueOfRef(graphRef.current, from);
      const r = renameClique(workRef.current.text, from, to);
      // Every clique's place under its ref after the rename (of two of one name, the other takes the plain name, and keeps its place).
      const ok = applyEdit(r, (l) => (renamed ? renameCliqueInLayout(l, graphRef.current, renamed.index, to) : l));
      // The note names env values that addressed the renamed clique's pods and were rewritten with it.
      if (ok && r.ok && r.note) say(`${r.note}.`);
      if (ok) {
        setSelection((s) => ({ ...s, cliques: s.cliques.map((c) => (c === from ? to : c)) }));
        setFocus(cliqueKey(to), false);
      }
      return ok;
    },
    [applyEdit],
  );
  const onRenameGroup = useCallback(
    (from: string, to: string) => {
      const r = renameGroup(workRef.current.text, from, to);
      const ok = applyEdit(r, (l) => renameInLayout(l, 'group', from, to));
      // As for a clique: the note names written-out pod addresses rewritten with the group's name.
      if (ok && r.ok && r.note) say(`${r.note}.`);
      if (ok) {
        setSelection((s) => ({ ...s, groups: s.groups.map((c) => (c === from ? to : c)) }));
        setFocus(groupKey(to), false);
      }
      return ok;
    },
    [applyEdit],
  );
  const onRenameStack = useCallback((name: string) => applyEdit(setField(workRef.current.text, ['metadata', 'name'], name)), [applyEdit]);
  const onMoveToGroup = useCallback(
    (clique: string, group: string | null) => {
      const l = layoutRef.current;
      const g = graphRef.current;
      const r = moveIntoGroup(workRef.current.text, clique, group);
      const moved = applyEdit(r, () => {
        // Put it where the frame has room, or beside everything when it leaves.
        const frame = group ? groupFrame(l, g, group) : null;
        const at = frame ? { x: frame.x + GROUP_PADDING, y: frame.y + frame.height - GROUP_DROP_SLOT } : freeSpot(l, g);
        return { ...l, positions: { ...l.positions, [cliqueKey(clique)]: at } };
      });
      if (moved && r.rewired) say(`${r.note}; ${r.rewired}.`);
    },
    [applyEdit],
  );
  const onToggleStartsAfter = useCallback(
    (from: string, to: string, on: boolean) => {
      if (on) onConnect(from, to);
      else applyEdit(removeStartsAfter(workRef.current.text, from, to));
    },
    [onConnect, applyEdit],
  );
  const onAddContainer = useCallback(
    (clique: string, list: ContainerList) => {
      const r = addContainer(workRef.current.text, clique, { list });
      if (!applyEdit(r)) return null;
      say(`Added ${list === 'containers' ? 'container' : 'init container'} ${r.note} to ${clique}: give it an image.`);
      return r.note!;
    },
    [applyEdit],
  );
  const onRemoveContainer = useCallback(
    (clique: string, list: ContainerList, index: number) => {
      if (applyEdit(removeContainer(workRef.current.text, clique, list, index))) say(`Removed the container from ${clique}. Undo (Ctrl+Z) brings it back.`);
    },
    [applyEdit],
  );
  const onSetKind = useCallback((clique: string, kind: RoleKind) => commit({ text: workRef.current.text, layout: { ...layoutRef.current, kinds: { ...layoutRef.current.kinds, [clique]: kind } } }), [commit]);

  // ---- findings: select what it is about, focus its field, show its line
  const onJump = useCallback((f: BuilderFinding) => {
    if (f.target.kind === 'clique') {
      setSelection({ cliques: [f.target.name], groups: [], edges: [] });
      setFocus(cliqueKey(f.target.name));
    } else if (f.target.kind === 'group') {
      setSelection({ cliques: [], groups: [f.target.name], edges: [] });
      setFocus(groupKey(f.target.name));
    } else {
      setSelection(EMPTY_SELECTION);
    }
    editorRef.current?.focusAt(f.entry.line, f.entry.column);
    const path = f.entry.path;
    if (path) {
      // After the inspector shows the target: the deepest field at or above the finding's path.
      window.setTimeout(() => {
        const fields = Array.from(document.querySelectorAll<HTMLElement>('[data-testid="inspector"] [data-path]'));
        const best = fields.filter((el) => path === el.dataset.path || path.startsWith(`${el.dataset.path}/`)).sort((a, b) => b.dataset.path!.length - a.dataset.path!.length)[0];
        best?.focus();
      }, 50);
    }
  }, []);

  // ---- import, export, templates, share
  /** Loads a stack as a new one (one undo away); returns its stack number. */
  const load = useCallback(
    (text: string, from: string, opened?: LoadedStack | null): number => {
      const r = reads.read(text);
      const next: Work = { text, layout: EMPTY_LAYOUT, stack: newStackId(), ...(opened ? { opened } : {}) };
      commit(next);
      // The canvas drops its selection too (a new stack); the inspector shows the stack meanwhile.
      setSelection(EMPTY_SELECTION);
      if (!r.ok) {
        setNotice({ tone: 'error', text: `Loaded ${from}, but the canvas cannot show it: ${r.message}${r.line ? ` (line ${r.line}:${r.column})` : ''}. Fix it in the YAML pane.` });
        return next.stack!;
      }
      // Laid out (and fitted to view) by the effect that places cliques with no position.
      say(`Loaded ${from}. Undo brings back what was here before.`);
      return next.stack!;
    },
    [commit, reads],
  );

  // The version of the running stack the present step was written against (`?edit=`; its apply is sent
  // as of it: ApplyPanel). Kept in each undo step (workStep.ts), so undo, redo and a reload keep it with its text.
  const openedNow = work.opened ?? null;
  const onOpenedChange = useCallback((from: LoadedStack, to: LoadedStack) => setHistory((h) => advanceOpened(h, from, to)), []);
  const onReplaceText = useCallback(
    (text: string, loaded: LoadedStack | null, note: string) => {
      // A re-base is one undo step with the version it now stands on; undo brings back the old text with the old version.
      commit({ text, layout: workRef.current.layout, ...(loaded ? { opened: loaded } : {}) });
      setNotice({ tone: 'info', text: note });
    },
    [commit],
  );

  // ---- `/builder?edit=<namespace>/<name>`: the running stack, as itself, once the stream has it (on top of
  // this tab's work, one undo away). The parameter is then dropped, so a reload keeps the edits made since.
  const [editRequest, setEditRequest] = useState<string | null>(null);
  useEffect(() => {
    const param = new URLSearchParams(window.location.search).get('edit');
    if (param === null) return;
    const wanted = parseEditParam(param);
    if (wanted) setEditRequest(stackKey(wanted.namespace, wanted.name));
    else setNotice({ tone: 'error', text: `Cannot open "${param}" for editing: the link names no running stack as <namespace>/<name>.` });
    const url = new URL(window.location.href);
    url.searchParams.delete('edit');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  }, []);
  useEffect(() => {
    if (!loaded || editRequest === null) return;
    const running = livePcs.find((p) => stackKey(String(p.metadata?.namespace), String(p.metadata?.name)) === editRequest);
    if (running) {
      load(liveStackText(running), `the running stack ${editRequest}: Apply updates it, after a dry run shows the diff`, loadedStackOf(running));
      setEditRequest(null);
    } else if (livePcsAvailability.status === 'live') {
      setNotice({ tone: 'error', text: `Cannot open ${editRequest} for editing: the cluster has no PodCliqueSet of that name.` });
      setEditRequest(null);
    } else if (livePcsAvailability.status !== 'loading') {
      setNotice({ tone: 'error', text: `Cannot open ${editRequest} for editing: ${livePcsAvailability.status === 'forbidden' ? 'you may not list PodCliqueSets' : `PodCliqueSets could not be listed (${livePcsAvailability.error})`}.` });
      setEditRequest(null);
    }
  }, [loaded, editRequest, livePcs, livePcsAvailability, load]);

  const loadFile = useCallback(
    async (file: File) => {
      const read = await readManifestFile(file);
      if (read.ok) load(read.text, file.name);
      else setNotice({ tone: 'error', text: read.problem });
    },
    [load],
  );

  const pasteImport = async () => {
    try {
      const text = await navigator.clipboard.readText();
      if (text.trim() === '') setNotice({ tone: 'error', text: 'The clipboard holds no text.' });
      else load(text, 'the clipboard');
    } catch {
      setNotice({ tone: 'error', text: 'The browser refused to read the clipboard: select all in the YAML pane and paste there (Ctrl+A, Ctrl+V).' });
    }
  };

  const download = () => {
    const blob = new Blob([work.text], { type: 'application/yaml' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${graph.name || 'podcliqueset'}.yaml`;
    a.click();
    URL.revokeObjectURL(a.href);
  };

  const copyYaml = async () => {
    try {
      await navigator.clipboard.writeText(work.text);
      say('YAML copied to the clipboard.');
    } catch {
      setNotice({ tone: 'error', text: 'The browser refused the clipboard; select the YAML pane and copy from there.' });
    }
  };

  const share = async () => {
    const hash = await encodeShare({ text: work.text, layout, flavour });
    const link = `${window.location.origin}${window.location.pathname}${hash}`;
    setShareLink(link);
    try {
      await navigator.clipboard.writeText(link);
      say('Share link copied to the clipboard.');
    } catch {
      say('Share link ready below; copy it from there.');
    }
  };

  const onFileDragOver = (e: DragEvent) => {
    if (!carriesFiles(e.dataTransfer)) return;
    e.preventDefault();
    setFileDrag(true);
  };
  const onFileDrop = (e: DragEvent) => {
    if (!carriesFiles(e.dataTransfer)) return;
    e.preventDefault();
    e.stopPropagation();
    setFileDrag(false);
    const file = e.dataTransfer.files[0];
    if (file) void loadFile(file);
  };

  const pcsForPreview = useMemo(() => object as unknown as PodCliqueSet, [object]);
  const target = useMemo(() => applyTarget(graph.namespace, clusterContext), [graph.namespace, clusterContext]);

  return (
    <div
      className="relative flex min-h-0 flex-1 flex-col"
      data-testid="builder"
      data-ready={loaded}
      onDragOverCapture={onFileDragOver}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setFileDrag(false);
      }}
      onDropCapture={onFileDrop}
    >
      <div role="toolbar" aria-label="Builder" className="flex flex-wrap items-center gap-1.5 border-b border-zinc-200 px-3 py-1.5 dark:border-zinc-800">
        <label className="sr-only" htmlFor="builder-template">
          Template
        </label>
        <select id="builder-template" value={template} onChange={(e) => setTemplate(e.currentTarget.value as StackTemplate)} className={selectClass}>
          {STACK_TEMPLATES.map((t) => (
            <option key={t} value={t}>
              {STACK_TEMPLATE_LABELS[t]}
            </option>
          ))}
        </select>
        <label className="sr-only" htmlFor="builder-flavour">
          Framework
        </label>
        <select id="builder-flavour" value={flavour} onChange={(e) => setFlavour(e.currentTarget.value as Flavour)} className={selectClass} title="Framework: image, command and ratios of new cliques and templates">
          {FLAVOURS.map((f) => (
            <option key={f} value={f}>
              {FLAVOUR_LABELS[f]}
            </option>
          ))}
        </select>
        <button type="button" className={buttonClass} onClick={() => load(stackText(template, flavour, newStackNamespace), `the ${STACK_TEMPLATE_LABELS[template]} (${FLAVOUR_LABELS[flavour]}) template`)}>
          New from template
        </button>
        <span className="mx-1 h-5 w-px bg-zinc-200 dark:bg-zinc-800" aria-hidden="true" />
        <ManifestFileButton label="Import file…" className={buttonClass} inputTestId="builder-file-input" onFile={(file) => void loadFile(file)} />
        <button type="button" className={buttonClass} onClick={() => void pasteImport()} title="Import a manifest from the clipboard (or paste into the YAML pane)">
          Paste
        </button>
        <label className="sr-only" htmlFor="builder-live">
          Edit a copy of a running PodCliqueSet
        </label>
        <select
          id="builder-live"
          value=""
          className={selectClass}
          onChange={(e) => {
            const o = livePcs.find((p) => stackKey(String(p.metadata?.namespace), String(p.metadata?.name)) === e.currentTarget.value);
            if (o) load(copyOfLiveText(o), `a copy of ${e.currentTarget.value}`);
          }}
        >
          <option value="">Edit a copy of… ({livePcs.length} running)</option>
          {livePcs.map((p) => {
            const key = stackKey(String(p.metadata?.namespace), String(p.metadata?.name));
            return (
              <option key={key} value={key}>
                {key}
              </option>
            );
          })}
        </select>
        <button type="button" className={buttonClass} onClick={download}>
          Download
        </button>
        <button type="button" className={buttonClass} onClick={() => void copyYaml()}>
          Copy YAML
        </button>
        <button type="button" className={buttonClass} onClick={() => void share()}>
          Share link
        </button>
        <span className="mx-1 h-5 w-px bg-zinc-200 dark:bg-zinc-800" aria-hidden="true" />
        <button type="button" className={buttonClass} onClick={doUndo} disabled={history.past.length === 0} aria-keyshortcuts="Control+Z" title="Undo (Ctrl+Z)">
          Undo
        </button>
        <button type="button" className={buttonClass} onClick={doRedo} disabled={history.future.length === 0} aria-keyshortcuts="Control+Shift+Z" title="Redo (Ctrl+Shift+Z)">
          Redo
        </button>
        <button type="button" className={buttonClass} onClick={() => void runAutoLayout()} disabled={laying} aria-keyshortcuts="Shift+L" title="Auto layout (Shift+L)">
          {laying ? 'Laying out…' : 'Auto layout'}
        </button>
        <button type="button" className={buttonClass} onClick={() => requestDelete()} disabled={selection.cliques.length + selection.groups.length + selection.edges.length === 0} aria-keyshortcuts="Delete">
          Delete…
        </button>
        <span className="mx-1 h-5 w-px bg-zinc-200 dark:bg-zinc-800" aria-hidden="true" />
        <NeedsReadableYaml readable={read.ok} pressed={panel === 'preview'} onPress={() => setPanel(panel === 'preview' ? 'none' : 'preview')}>
          Preview placement
        </NeedsReadableYaml>
        <NeedsReadableYaml readable={read.ok} pressed={panel === 'apply'} onPress={() => setPanel(panel === 'apply' ? 'none' : 'apply')}>
          Apply…
        </NeedsReadableYaml>
        {!read.ok && (
          <span id="builder-yaml-blocked" data-testid="builder-yaml-blocked" className="text-[11px] text-red-700 dark:text-red-400">
            {YAML_BLOCKED_HINT}
          </span>
        )}
      </div>

      <div className="flex min-h-6 items-center gap-3 border-b border-zinc-200 px-3 py-1 text-xs max-lg:flex-wrap dark:border-zinc-800">
        <p role={notice?.tone === 'error' ? 'alert' : 'status'} data-testid="builder-notice" data-tone={notice?.tone ?? ''} className={notice?.tone === 'error' ? 'text-red-700 dark:text-red-400' : 'text-zinc-600 dark:text-zinc-400'}>
          {notice?.text ?? ''}
        </p>
        {conflict && (
          <div role="alert" data-testid="builder-conflict" className="flex items-center gap-2 text-amber-800 dark:text-amber-300">
            <span>{"Another tab saved a newer version of this draft; this tab's changes are not saved until you choose."}</span>
            <button type="button" className={buttonClass} onClick={loadTheirs}>
              {"Load the other tab's version"}
            </button>
            <button type="button" className={buttonClass} onClick={keepMine}>
              Keep mine
            </button>
          </div>
        )}
        {!read.ok && (
          <p role="alert" id="builder-yaml-error" data-testid="builder-yaml-error" className="text-red-700 dark:text-red-400">
            The canvas shows the last readable version: {read.message}
            {read.line ? ` (line ${read.line}:${read.column})` : ''}
          </p>
        )}
        {updatesRunning && (
          <p role="status" data-testid="builder-updates-running" className="text-zinc-700 dark:text-zinc-300">
            Editing the running stack <span className="font-medium">{updatesRunning}</span>: Apply updates it (a dry run shows the diff first); its findings include Grove&apos;s update rules against it.
          </p>
        )}
        {read.ok && read.editRefusal && (
          <p role="status" data-testid="builder-edit-refusal" className="text-amber-800 dark:text-amber-300">
            Canvas and inspector edits are off: {read.editRefusal}
          </p>
        )}
        {shareLink && (
          <input readOnly value={shareLink} aria-label="Share link" data-testid="share-link" className="ml-auto w-72 rounded border border-zinc-300 bg-transparent px-1 font-mono text-[11px] dark:border-zinc-700" onFocus={(e) => e.currentTarget.select()} />
        )}
        <p id="builder-keys" className="ml-auto hidden text-[11px] text-zinc-500 xl:block dark:text-zinc-400">
          Ctrl+Z / Ctrl+Shift+Z undo/redo · Shift+click adds to the selection · arrows move it (a clique's centre into a frame joins its group) · Ctrl+C / Ctrl+V copy/paste · Delete · Shift+L layout
        </p>
      </div>

      {/* Every pane is relative: what it positions absolutely (visually hidden labels) stays inside its
          overflow, instead of reaching below the window and scrolling the page. Four columns need about 47rem
          and leave the canvas too little below lg: there (a tablet, a phone) the panes stack in one column as
          wide as the window, in Tab order, and scroll together inside the page below the toolbar: the palette
          in columns, then the canvas over its findings, the inspector and the YAML, each a fixed height. */}
      <div className="grid min-h-0 flex-1 grid-cols-[9.5rem_minmax(0,1fr)_19rem_minmax(18rem,28rem)] max-lg:grid-cols-[minmax(0,1fr)] max-lg:grid-rows-[max-content_28rem_24rem_24rem] max-lg:overflow-y-auto">
        <div className="relative min-h-0 overflow-y-auto border-r border-zinc-200 max-lg:border-b max-lg:border-r-0 max-lg:[&_ul]:grid max-lg:[&_ul]:grid-cols-[repeat(auto-fill,minmax(9rem,1fr))] dark:border-zinc-800">
          <Palette onAdd={(item) => addAt(item, null)} blocked={read.ok ? null : PALETTE_BLOCKED} />
        </div>
        <div className="relative flex min-h-0 flex-col overflow-hidden">
          <div className="relative min-h-0 flex-1">
            <BuilderCanvas graph={graph} layout={layout} stack={work.stack ?? null} counts={counts} dark={dark} focusKey={focusRequest} fitSeq={fitSeq} onDropItem={addAt} onConnect={onConnect} onMoved={onMoved} onSelectionChange={setSelection} onAnnounce={announce} />
            {graph.cliques.length === 0 && graph.groups.length === 0 && (
              <p className="pointer-events-none absolute inset-x-0 top-1/3 text-center text-sm text-zinc-500 dark:text-zinc-400">Drag a clique from the palette, or start from a template.</p>
            )}
          </div>
          {panel !== 'none' && (
            <div className="h-[45%] min-h-0 border-t border-zinc-200 dark:border-zinc-800">
              {panel === 'preview' && <PreviewPanel pcs={pcsForPreview} text={work.text} errors={previewErrorCount} readable={read.ok} onClose={() => setPanel('none')} />}
              {panel === 'apply' && (
                <ApplyPanel text={work.text} target={target} errors={errorCount} onClose={() => setPanel('none')} opened={openedNow} onOpenedChange={onOpenedChange} onReplaceText={onReplaceText} />
              )}
            </div>
          )}
          <div className="h-36 min-h-0 border-t border-zinc-200 dark:border-zinc-800">
            <FindingsList findings={findings} pending={false} onJump={onJump} />
          </div>
        </div>
        {/* A column, so the inspector's own scroll box gets the pane's height and scrolls (a clique's fields are taller than the pane). */}
        <div className="relative flex min-h-0 flex-col overflow-hidden border-l border-zinc-200 max-lg:border-l-0 max-lg:border-t dark:border-zinc-800">
          <Inspector
            graph={graph}
            object={object}
            findings={pcsFindings}
            topologies={topologies}
            topologyAvailability={bindingsAvailability}
            fileTopologies={fileTopologies}
            defaultNamespace={clusterContext.status === 'ready' ? clusterContext.data.source.namespace : null}
            selection={inspectorSelection}
            stackLife={stackLife}
            kindOf={(c) => kindOf(layout, c)}
            onSet={onSet}
            onSetMany={onSetMany}
            onSetKind={onSetKind}
            onRenameStack={onRenameStack}
            onRenameClique={onRenameClique}
            onRenameGroup={onRenameGroup}
            onMoveToGroup={onMoveToGroup}
            onToggleStartsAfter={onToggleStartsAfter}
            onAddContainer={onAddContainer}
            onRemoveContainer={onRemoveContainer}
          />
        </div>
        <div className="relative flex min-h-0 flex-col overflow-hidden border-l border-zinc-200 max-lg:border-l-0 max-lg:border-t dark:border-zinc-800">
          <h2 className="border-b border-zinc-200 px-3 py-2 text-[11px] font-semibold uppercase tracking-wide text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">YAML</h2>
          <div className="min-h-0 flex-1">
            <YamlEditor ref={editorRef} onChange={onYamlChange} onUndo={doUndo} onRedo={doRedo} entries={view?.all ?? []} entriesText={reportText} ariaLabel="PodCliqueSet YAML" ariaDescribedBy="builder-keys" />
          </div>
        </div>
      </div>

      {fileDrag && (
        <div className="pointer-events-none absolute inset-2 z-50 flex items-center justify-center rounded-lg border-2 border-dashed border-blue-500 bg-blue-50/80 text-sm font-medium text-blue-800 dark:bg-blue-950/70 dark:text-blue-200">
          Drop a manifest to import it
        </div>
      )}

      {pendingDelete && <DeleteDialog consequences={pendingDelete.consequences} onCancel={() => setPendingDelete(null)} onConfirm={confirmDelete} />}
    </div>
  );
}

/**
 * A toolbar toggle that needs a readable text (Preview, Apply). While the YAML is unreadable it is
 * aria-disabled, not disabled: a disabled button cannot be reached by keyboard, and keyboard users must
 * learn why it does nothing (the hint beside it, and the banner's line:column).
 */
function NeedsReadableYaml({ readable, pressed, onPress, children }: { readable: boolean; pressed: boolean; onPress: () => void; children: ReactNode }) {
  return (
    <button
      type="button"
      className={buttonClass}
      onClick={() => {
        if (readable) onPress();
      }}
      aria-pressed={pressed}
      aria-disabled={!readable}
      aria-describedby={readable ? undefined : YAML_BLOCKED_IDS}
      title={readable ? undefined : YAML_BLOCKED_HINT}
    >
      {children}
    </button>
  );
}

/**
 * The delete confirmation, a native modal <dialog>: the browser keeps Tab inside it and closes it on
 * Escape from anywhere. Focus goes back to what opened it, or, when that was deleted (or disabled), to a node left on
 * the canvas (else the palette), never to <body>.
 */
function DeleteDialog({ consequences, onCancel, onConfirm }: { consequences: string[]; onCancel: () => void; onConfirm: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (ref.current && !ref.current.open) ref.current.showModal();
    confirmRef.current?.focus();
    return () => {
      // Over the next frames: the edit re-renders the canvas, and React Flow drops the deleted nodes a few
      // renders later (a focused node that goes leaves focus on <body>). Stops once focus is somewhere else.
      let frames = 0;
      let placed: HTMLElement | null = null;
      const settle = () => {
        const active = document.activeElement;
        if (placed && active !== placed && active && active !== document.body) return;
        // The toolbar's Delete… is disabled once its selection is gone: it cannot take focus either.
        const target =
          opener?.isConnected && !opener.matches(':disabled')
            ? opener
            : (document.querySelector<HTMLElement>('[data-testid="builder-canvas"] .react-flow__node') ?? document.querySelector<HTMLElement>('[data-testid^="palette-"]'));
        if (target && target !== active) target.focus();
        placed = target;
        if (++frames < 20) requestAnimationFrame(settle);
      };
      requestAnimationFrame(settle);
    };
  }, []);
  return (
    <dialog
      ref={ref}
      aria-labelledby="delete-title"
      data-testid="builder-delete-dialog"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
      className="m-auto w-96 rounded-lg border border-zinc-200 bg-white p-4 text-zinc-900 shadow-xl backdrop:bg-black/40 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
    >
      <h2 id="delete-title" className="text-sm font-semibold">
        Delete {consequences.length} item(s)?
      </h2>
      <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">This goes with it:</p>
      <ul className="mt-1 list-disc pl-5 text-xs" data-testid="delete-consequences">
        {consequences.map((c, i) => (
          // By place: two cliques of one name (Grove refuses it) read alike.
          <li key={i}>{c}</li>
        ))}
      </ul>
      <div className="mt-4 flex justify-end gap-2">
        <button type="button" className={buttonClass} onClick={onCancel}>
          Cancel
        </button>
        <button ref={confirmRef} type="button" className={`${buttonClass} !border-red-600 !text-red-700 dark:!text-red-400`} onClick={onConfirm}>
          Delete
        </button>
      </div>
    </dialog>
  );
}

export function BuilderWorkbench() {
  return (
    <ReactFlowProvider>
      <BuilderWorkbenchInner />
    </ReactFlowProvider>
  );
}




/** Why Preview and Apply do nothing while the YAML is unreadable; the banner (builder-yaml-error) says where. */
const YAML_BLOCKED_HINT = 'Preview and Apply wait for readable YAML: fix the error first.';
const YAML_BLOCKED_IDS = 'builder-yaml-blocked builder-yaml-error';
/** The palette's own reason (it adds to the text, which cannot be edited), and the same banner. */
const PALETTE_BLOCKED = { reason: 'Adding waits for readable YAML: fix the error first.', detailIds: 'builder-yaml-error' };

const buttonClass =
  'inline-flex h-7 items-center rounded-md border border-zinc-300 bg-white px-2 text-xs font-medium text-zinc-800 hover:bg-zinc-100 disabled:cursor-not-allowed disabled:opacity-50 aria-disabled:cursor-not-allowed aria-disabled:opacity-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800';
const selectClass = 'h-7 rounded-md border border-zinc-300 bg-white px-1.5 text-xs dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100';
