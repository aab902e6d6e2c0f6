'use client';

import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { ManifestFileButton } from '../ui/ManifestFileButton';
import { carriesFiles, readManifestFile } from '../ui/readManifest';
import { checkManifestText } from '@/lib/grove/check';
import { EXAMPLE_MANIFEST } from './exampleManifest';
import { FindingsPanel, type PanelState } from './FindingsPanel';
import { viewReport, type FindingEntry, type ReportView } from './reportView';
import { YamlEditor, type YamlEditorHandle } from './YamlEditor';

/** Long enough to skip most keystrokes, short enough to feel live. */
const CHECK_DELAY_MS = 200;

type CheckResult = { kind: 'report'; view: ReportView } | { kind: 'crashed'; message: string };

const NO_ENTRIES: readonly FindingEntry[] = [];

/** The validator is pure and runs here in the browser: nothing the user pastes leaves the page. */
function runCheck(text: string): CheckResult {
  try {
    return { kind: 'report', view: viewReport(checkManifestText(text)) };
  } catch (err) {
    return { kind: 'crashed', message: err instanceof Error ? err.message : String(err) };
  }
}

const hasFiles = (e: DragEvent): boolean => carriesFiles(e.dataTransfer);

export function ValidateWorkbench() {
  const editorRef = useRef<YamlEditorHandle>(null);
  const [text, setText] = useState('');
  const [checkedText, setCheckedText] = useState('');
  const [source, setSource] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    if (text === checkedText) return;
    const timer = window.setTimeout(() => setCheckedText(text), CHECK_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [text, checkedText]);

  const result = useMemo(() => runCheck(checkedText), [checkedText]);

  const panelState: PanelState = useMemo(() => {
    if (text.trim() === '' && checkedText.trim() === '') return { kind: 'empty' };
    if (result.kind === 'crashed') return result;
    return { kind: 'report', view: result.view, pending: text !== checkedText };
  }, [result, text, checkedText]);

  const load = useCallback((raw: string, from: string) => {
    // CodeMirror keeps `\n` only; a CRLF file held as is would never equal the editor's text, and the
    // editor pins findings only to the text they were checked on: no markers until a keystroke.
    const content = raw.replace(/\r\n?/g, '\n');
    editorRef.current?.setText(content);
    // Loaded text is complete: check it now rather than after the typing delay.
    setText(content);
    setCheckedText(content);
    setSource(from);
    setNotice(null);
  }, []);

  const loadFile = useCallback(
    async (file: File) => {
      const read = await readManifestFile(file);
      if (read.ok) load(read.text, file.name);
      else setNotice(read.problem);
    },
    [load],
  );

  const onChange = useCallback((next: string) => {
    setText(next);
    if (next === '') setSource(null);
  }, []);

  const onSelect = useCallback((entry: FindingEntry) => {
    editorRef.current?.focusAt(entry.line, entry.column);
  }, []);

  const loadExample = useCallback(() => load(EXAMPLE_MANIFEST, 'example'), [load]);

  // Capture phase: a dropped file replaces the text instead of CodeMirror inserting it at the drop point.
  const onDragOver = (e: DragEvent) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    setDragging(true);
  };
  const onDragLeave = (e: DragEvent) => {
    if (e.currentTarget.contains(e.relatedTarget as Node | null)) return;
    setDragging(false);
  };
  const onDrop = (e: DragEvent) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    e.stopPropagation();
    setDragging(false);
    const file = e.dataTransfer.files[0];
    if (file) void loadFile(file);
  };

  const entries = result.kind === 'report' ? result.view.all : NO_ENTRIES;

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <div className="flex flex-wrap items-center gap-2 border-b border-zinc-200 px-4 py-2 dark:border-zinc-800">
        <button type="button" onClick={loadExample} className={buttonClass}>
          Load example
        </button>
        <ManifestFileButton label="Open file…" className={buttonClass} inputTestId="manifest-file-input" onFile={(file) => void loadFile(file)} />
        <button
          type="button"
          onClick={() => load('', '')}
          disabled={text === ''}
          className={`${buttonClass} disabled:cursor-not-allowed disabled:opacity-50`}
        >
          Clear
        </button>
        <p className="ml-2 truncate text-xs text-zinc-500 dark:text-zinc-400" role="status">
          {notice ? (
            <span className="text-red-700 dark:text-red-400">{notice}</span>
          ) : source ? (
            <>
              Showing <span className="font-medium text-zinc-700 dark:text-zinc-300">{source}</span>
            </>
          ) : null}
        </p>
        <p id="editor-help" className="ml-auto hidden text-xs text-zinc-500 lg:block dark:text-zinc-400">
          Tab leaves the editor · F8 jumps to the next finding · Ctrl-Shift-M lists them
        </p>
      </div>

      {/* One column below lg, no wider than the window: an implicit (auto) column grew to the editor's longest line. */}
      <div className="grid min-h-0 flex-1 grid-cols-[minmax(0,1fr)] grid-rows-[minmax(18rem,1fr)_minmax(12rem,auto)] lg:grid-cols-[minmax(0,1fr)_26rem] lg:grid-rows-1">
        <div
          className="relative min-h-0 border-b border-zinc-200 lg:border-b-0 lg:border-r dark:border-zinc-800"
          onDragOverCapture={onDragOver}
          onDragEnterCapture={onDragOver}
          onDragLeaveCapture={onDragLeave}
          onDropCapture={onDrop}
        >
          <YamlEditor
            ref={editorRef}
            onChange={onChange}
            entries={entries}
            entriesText={checkedText}
            ariaLabel="YAML manifest"
            ariaDescribedBy="editor-help"
          />
          {dragging && (
            <div className="pointer-events-none absolute inset-2 flex items-center justify-center rounded-lg border-2 border-dashed border-blue-500 bg-blue-50/80 text-sm font-medium text-blue-800 dark:bg-blue-950/70 dark:text-blue-200">
              Drop to replace the editor’s text
            </div>
          )}
        </div>
        <FindingsPanel state={panelState} onSelect={onSelect} onLoadExample={loadExample} />
      </div>
    </div>
  );
}

const buttonClass =
  'inline-flex h-7 items-center rounded-md border border-zinc-300 bg-white px-2.5 text-xs font-medium text-zinc-800 hover:bg-zinc-100 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800';
