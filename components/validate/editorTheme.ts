import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { EditorView } from '@codemirror/view';
import { tags as t } from '@lezer/highlight';
import type { Extension } from '@codemirror/state';

/**
 * The editor's look, in CSS variables set per mode in app/globals.css, so switching the page theme
 * restyles the editor without rebuilding it. (CodeMirror's default highlight colours are built for
 * light backgrounds and become unreadable on dark ones.)
 */
const chrome = EditorView.theme({
  '&': {
    height: '100%',
    color: 'var(--cm-fg)',
    backgroundColor: 'var(--cm-bg)',
    fontSize: '13px',
  },
  // The focus ring is drawn by the host element (YamlEditor) so the sticky gutters cannot cover it.
  '&.cm-focused': { outline: 'none' },
  '.cm-scroller': {
    fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
    lineHeight: '1.55',
  },
  '.cm-content': { caretColor: 'var(--cm-cursor)', paddingBlock: '6px' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--cm-cursor)', borderLeftWidth: '2px' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection':
    { backgroundColor: 'var(--cm-selection)' },
  '.cm-gutters': {
    backgroundColor: 'var(--cm-gutter-bg)',
    color: 'var(--cm-gutter-fg)',
    borderRight: '1px solid var(--cm-border)',
  },
  '.cm-activeLine': { backgroundColor: 'var(--cm-active-line)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--cm-active-line)', color: 'var(--cm-fg)' },
  '.cm-placeholder': { color: 'var(--cm-gutter-fg)' },
  '.cm-tooltip': {
    backgroundColor: 'var(--cm-gutter-bg)',
    color: 'var(--cm-fg)',
    border: '1px solid var(--cm-border)',
    borderRadius: '6px',
  },
  '.cm-diagnostic': { padding: '4px 8px', fontFamily: 'ui-sans-serif, system-ui, sans-serif', fontSize: '12px' },
  '.cm-diagnostic-error': { borderLeftColor: 'var(--cm-error)' },
  '.cm-diagnostic-warning': { borderLeftColor: 'var(--cm-warning)' },
  '.cm-diagnosticSource': { color: 'var(--cm-gutter-fg)', opacity: '1' },
  // The lint panel's selected row (Ctrl-Shift-M): CodeMirror paints it #ddd / #444, or the system
  // Highlight while the list has focus, under text coloured for the panel. The selection colours
  // instead, on which every --cm-* text colour is ≥ 4.5:1 (app/globals.css).
  '.cm-panel.cm-panel-lint ul [aria-selected], .cm-panel.cm-panel-lint ul:focus [aria-selected]': {
    backgroundColor: 'var(--cm-selection)',
    color: 'var(--cm-fg)',
  },
  '.cm-panels': { backgroundColor: 'var(--cm-gutter-bg)', color: 'var(--cm-fg)' },
  '.cm-panels.cm-panels-bottom': { borderTop: '1px solid var(--cm-border)' },
  '.cm-panels.cm-panels-top': { borderBottom: '1px solid var(--cm-border)' },
  '.cm-button': {
    backgroundImage: 'none',
    backgroundColor: 'var(--cm-active-line)',
    border: '1px solid var(--cm-border)',
    color: 'inherit',
  },
  '.cm-textfield': { border: '1px solid var(--cm-border)', backgroundColor: 'var(--cm-bg)', color: 'inherit' },
  '.cm-foldPlaceholder': {
    backgroundColor: 'var(--cm-active-line)',
    border: '1px solid var(--cm-border)',
    color: 'var(--cm-gutter-fg)',
  },
});

const highlight = HighlightStyle.define([
  { tag: [t.definition(t.propertyName), t.propertyName], color: 'var(--cm-key)' },
  { tag: [t.string, t.special(t.string)], color: 'var(--cm-string)' },
  { tag: t.content, color: 'var(--cm-fg)' },
  { tag: [t.comment, t.lineComment], color: 'var(--cm-comment)', fontStyle: 'italic' },
  { tag: [t.meta, t.typeName, t.labelName, t.keyword, t.attributeValue], color: 'var(--cm-atom)' },
  { tag: [t.separator, t.punctuation, t.squareBracket, t.brace], color: 'var(--cm-punct)' },
  { tag: t.invalid, color: 'var(--cm-error)' },
]);

export const editorTheme: Extension = [chrome, syntaxHighlighting(highlight)];
