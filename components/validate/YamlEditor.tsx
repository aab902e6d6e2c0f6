'use client';

import { useEffect, useImperativeHandle, useRef, type Ref } from 'react';
import { basicSetup } from 'codemirror';
import { Compartment, EditorState, Prec, Transaction } from '@codemirror/state';
import { EditorView, placeholder } from '@codemirror/view';
import { indentUnit } from '@codemirror/language';
import { yaml } from '@codemirror/lang-yaml';
import { lintGutter, setDiagnostics } from '@codemirror/lint';
import { toDiagnostics } from './diagnostics';
import { editorTheme } from './editorTheme';
import type { FindingEntry } from './reportView';

export interface YamlEditorHandle {
  /**
   * Replaces the whole text and puts the cursor at the top (a file loaded). Undoable in the editor,
   * unless the page keeps the history (`onUndo`).
   */
  setText(text: string): void;
  /**
   * Brings the editor to `text` made elsewhere (a canvas edit, an undo) by the smallest change: the
   * cursor, scroll position and folds stay where they were. Never in the editor's own undo history.
   */
  syncText(text: string): void;
  /** Moves the cursor to a 1-based line/column, scrolls it into view and focuses the editor. */
  focusAt(line: number, column: number): void;
}

/** What the page needs to know of a change typed in the editor, to group typing into undo steps. */
export interface TypedChange {
  /** The cursor moved (click, arrows, search) since the previous change, or the change is away from it. */
  jumped: boolean;
  /** The change replaced the whole of a text that was not empty (select all, then paste): another document. */
  replacedAll: boolean;
}

interface YamlEditorProps {
  ref?: Ref<YamlEditorHandle>;
  /** Called with the full text after every change. */
  onChange: (text: string, change: TypedChange) => void;
  /**
   * When given, the page keeps the one undo history (text edited here and elsewhere, in one order):
   * Mod-Z / Mod-Shift-Z / Mod-Y in the editor call these, and text set from outside never enters
   * CodeMirror's own history (which would otherwise undo past what was loaded, down to the empty editor).
   */
  onUndo?: () => void;
  onRedo?: () => void;
  /** Entries to pin as diagnostics, and the exact text they were computed from. */
  entries: readonly FindingEntry[];
  entriesText: string;
  ariaLabel: string;
  ariaDescribedBy?: string;
}

function isDarkPage(): boolean {
  return document.documentElement.classList.contains('dark');
}

/**
 * The one change that turns `from` into `to`: what lies between their common start and common end.
 * Null when they are equal.
 */
export function minimalChange(from: string, to: string): { from: number; to: number; insert: string } | null {
  if (from === to) return null;
  const max = Math.min(from.length, to.length);
  let start = 0;
  while (start < max && from.charCodeAt(start) === to.charCodeAt(start)) start++;
  let end = 0;
  while (end < max - start && from.charCodeAt(from.length - 1 - end) === to.charCodeAt(to.length - 1 - end)) end++;
  return { from: start, to: from.length - end, insert: to.slice(start, to.length - end) };
}

export function YamlEditor({ ref, onChange, onUndo, onRedo, entries, entriesText, ariaLabel, ariaDescribedBy }: YamlEditorProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const viewRef = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const historyRef = useRef({ onUndo, onRedo });
  historyRef.current = { onUndo, onRedo };
  const pageHistory = !!onUndo;

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const darkness = new Compartment();
    /** Where the last typed change ended, and whether the cursor moved on its own since. */
    let typedEnd = -1;
    let moved = false;
    const toPage = (which: 'onUndo' | 'onRedo') => () => {
      const run = historyRef.current[which];
      if (!run) return false;
      run();
      return true;
    };
    const view = new EditorView({
      parent: host,
      state: EditorState.create({
        doc: '',
        extensions: [
          // Ahead of basicSetup's history keys: with the page's history, undo and redo go to the page (read
          // as the page's own shortcuts are, so Ctrl+Shift+Z is redo whichever case the key reports).
          Prec.highest(
            EditorView.domEventHandlers({
              keydown(e) {
                if (!(e.ctrlKey || e.metaKey) || e.altKey) return false;
                const key = e.key.toLowerCase();
                const which = key === 'z' ? (e.shiftKey ? 'onRedo' : 'onUndo') : key === 'y' && !e.shiftKey ? 'onRedo' : null;
                if (!which || !historyRef.current[which]) return false;
                e.preventDefault();
                return toPage(which)();
              },
              // The browser's Edit menu / undo gestures arrive as beforeinput, not as keys.
              beforeinput(e) {
                const which = e.inputType === 'historyUndo' ? 'onUndo' : e.inputType === 'historyRedo' ? 'onRedo' : null;
                if (!which || !historyRef.current[which]) return false;
                e.preventDefault();
                return toPage(which)();
              },
            }),
          ),
          basicSetup,
          yaml(),
          indentUnit.of('  '),
          EditorState.tabSize.of(2),
          lintGutter(),
          editorTheme,
          darkness.of(EditorView.darkTheme.of(isDarkPage())),
          placeholder('Paste a manifest here, or drop a .yaml file on the editor'),
          EditorView.contentAttributes.of({
            // Editable content is in the tab order anyway; saying so lets checkers (axe) see that the
            // scrolling editor has focusable content, and adds no tab stop.
            tabindex: '0',
            'aria-label': ariaLabel,
            ...(ariaDescribedBy ? { 'aria-describedby': ariaDescribedBy } : {}),
          }),
          EditorView.updateListener.of((update) => {
            if (!update.docChanged) {
              if (update.selectionSet) moved = true;
              return;
            }
            const typed = update.transactions.some((tr) => tr.isUserEvent('input') || tr.isUserEvent('delete') || tr.isUserEvent('move'));
            let first = -1;
            let end = -1;
            const before = update.startState.doc.length;
            let replacedAll = false;
            update.changes.iterChangedRanges((fromA, toA, _fromB, toB) => {
              if (first < 0) first = fromA;
              end = toB;
              if (fromA === 0 && toA === before && before > 0) replacedAll = true;
            });
            // Typing on from where the last change ended is one run; anything else starts a new one.
            const jumped = moved || typedEnd < 0 || Math.abs(first - typedEnd) > 1;
            typedEnd = typed ? end : -1;
            moved = false;
            onChangeRef.current(update.state.doc.toString(), { jumped, replacedAll });
          }),
        ],
      }),
    });
    viewRef.current = view;

    // Keep CodeMirror's own light/dark base styles in step with the page theme.
    const observer = new MutationObserver(() => {
      view.dispatch({ effects: darkness.reconfigure(EditorView.darkTheme.of(isDarkPage())) });
    });
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['class'] });

    return () => {
      observer.disconnect();
      view.destroy();
      viewRef.current = null;
    };
    // Created once: the labels are fixed for the page's lifetime and onChange is read through a ref.
  }, []);

  // Pin the findings only onto the text they describe; while a newer edit waits for its check,
  // CodeMirror keeps the previous markers mapped through the edit.
  useEffect(() => {
    const view = viewRef.current;
    if (!view || view.state.doc.toString() !== entriesText) return;
    view.dispatch(setDiagnostics(view.state, toDiagnostics(view.state.doc, entries)));
  }, [entries, entriesText]);

  useImperativeHandle(
    ref,
    () => ({
      setText(text: string) {
        const view = viewRef.current;
        if (!view) return;
        view.dispatch({
          changes: { from: 0, to: view.state.doc.length, insert: text },
          selection: { anchor: 0 },
          scrollIntoView: true,
          ...(pageHistory ? { annotations: Transaction.addToHistory.of(false) } : {}),
        });
      },
      syncText(text: string) {
        const view = viewRef.current;
        if (!view) return;
        const change = minimalChange(view.state.doc.toString(), text);
        if (!change) return;
        view.dispatch({ changes: change, annotations: Transaction.addToHistory.of(false) });
      },
      focusAt(line: number, column: number) {
        const view = viewRef.current;
        if (!view) return;
        const l = view.state.doc.line(Math.min(Math.max(1, line), view.state.doc.lines));
        const pos = l.from + Math.min(Math.max(0, column - 1), l.length);
        view.dispatch({
          selection: { anchor: pos },
          effects: EditorView.scrollIntoView(pos, { y: 'center' }),
        });
        view.focus();
      },
    }),
    [pageHistory],
  );

  return (
    <div
      ref={hostRef}
      data-testid="yaml-editor"
      className="relative h-full min-h-0 after:pointer-events-none after:absolute after:inset-0 after:z-[210] after:content-[''] has-[.cm-focused]:after:shadow-[inset_0_0_0_2px_var(--focus-ring)]"
    />
  );
}
