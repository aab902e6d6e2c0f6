'use client';

import { useEffect, useImperativeHandle, useRef, type Ref } from 'react';
import { basicSetup } from 'codemirror';
import { Compartment, EditorState } from '@codemirror/state';
import { EditorView, placeholder } from '@codemirror/view';
import { indentUnit } from '@codemirror/language';
import { yaml } from '@codemirror/lang-yaml';
import { lintGutter, setDiagnostics } from '@codemirror/lint';
import { toDiagnostics } from './diagnostics';
import { editorTheme } from './editorTheme';
import type { FindingEntry } from './reportView';

export interface YamlEditorHandle {
  /** Replaces the whole text (undoable) and puts the cursor at the top. */
  setText(text: string): void;
  /** Moves the cursor to a 1-based line/column, scrolls it into view and focuses the editor. */
  focusAt(line: number, column: number): void;
}

interface YamlEditorProps {
  ref?: Ref<YamlEditorHandle>;
  /** Called with the full text after every change. */
  onChange: (text: string) => void;
  /** Entries to pin as diagnostics, and the exact text they were computed from. */
  entries: readonly FindingEntry[];
  entriesText: string;
  ariaLabel: string;
  ariaDescribedBy?: string;
}

function isDarkPage(): boolean {
  return document.documentElement.classList.contains('dark');
}

export function YamlEditor({ ref, onChange, entries, entriesText, ariaLabel, ariaDescribedBy }: YamlEditorProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const viewRef = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const darkness = new Compartment();
    const view = new EditorView({
      parent: host,
      state: EditorState.create({
        doc: '',
        extensions: [
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
            if (update.docChanged) onChangeRef.current(update.state.doc.toString());
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
        });
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
    [],
  );

  return (
    <div
      ref={hostRef}
      data-testid="yaml-editor"
      className="relative h-full min-h-0 after:pointer-events-none after:absolute after:inset-0 after:z-[210] after:content-[''] has-[.cm-focused]:after:shadow-[inset_0_0_0_2px_var(--focus-ring)]"
    />
  );
}
