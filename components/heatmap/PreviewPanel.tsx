'use client';
/**
 * Placement preview on the map: paste or drop a PodCliqueSet; its planned pods appear as ghost cells,
 * each gang outlined, and a gang that does not fit says why, level by level.
 */
import { useState, type DragEvent } from 'react';
import type { GhostOverlay } from '../../lib/heatmap/overlay';

export type PreviewState =
  | { status: 'none' }
  | { status: 'problems'; problems: string[] }
  | { status: 'ready'; title: string; demand: number | null; ghosts: GhostOverlay };

/** A dropped manifest larger than this is refused unread (a YAML stack is a few kilobytes). */
const MAX_DROP_BYTES = 2 * 1024 * 1024;

export type DroppedManifest = { ok: true; text: string } | { ok: false; problem: string };

const carriesManifest = (e: DragEvent) => {
  const types = Array.from(e.dataTransfer.types);
  return types.includes('Files') || types.includes('text/plain');
};

/**
 * The one drop handler of the page: spread on its root, so a PodCliqueSet dropped anywhere (the map,
 * the table, the panel) is previewed and never opened by the browser in place of the page. Capture
 * phase: the textarea does not insert a dropped text at the drop point first.
 */
export function usePreviewDrop(onDropped: (dropped: DroppedManifest) => void) {
  const [dragging, setDragging] = useState(false);
  const over = (e: DragEvent) => {
    if (!carriesManifest(e)) return;
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
      if (!carriesManifest(e)) return;
      e.preventDefault();
      e.stopPropagation();
      setDragging(false);
      // Read what the event holds now: the DataTransfer is emptied once the handler returns.
      const file = e.dataTransfer.files[0];
      const text = e.dataTransfer.getData('text/plain');
      if (!file) {
        if (text) onDropped({ ok: true, text });
        return;
      }
      if (file.size > MAX_DROP_BYTES) {
        onDropped({ ok: false, problem: `${file.name} is ${(file.size / 1024 / 1024).toFixed(1)} MB; a dropped manifest may be at most 2 MB.` });
        return;
      }
      file.text().then(
        (read) => onDropped({ ok: true, text: read }),
        () => onDropped({ ok: false, problem: `Could not read ${file.name}.` }),
      );
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

export function PreviewPanel({ text, onText, onPreview, onClear, state, dragging }: { text: string; onText: (text: string) => void; onPreview: (text: string) => void; onClear: () => void; state: PreviewState; dragging: boolean }) {
  const unplaced = state.status === 'ready' ? state.ghosts.gangs.filter((g) => !g.placed) : [];
  return (
    <section
      aria-labelledby="preview-heading"
      data-testid="preview-panel"
      className={`rounded-md border p-3 text-sm ${dragging ? 'border-blue-500 bg-blue-50 dark:bg-blue-950/40' : 'border-zinc-300 dark:border-zinc-700'}`}
    >
      <h2 id="preview-heading" className="font-semibold">
        Where would it land?
      </h2>
      <label htmlFor="preview-yaml" className="mt-1 block text-zinc-600 dark:text-zinc-400">
        Paste or drop a PodCliqueSet (YAML) to see its planned pods as ghosts on the map (drop it anywhere on the page).
      </label>
      <textarea
        id="preview-yaml"
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
        {state.status !== 'none' && (
          <button type="button" onClick={onClear} className="rounded-md border border-zinc-300 px-3 py-1 dark:border-zinc-700">
            Clear preview
          </button>
        )}
      </div>
      <div role="status" aria-live="polite" className="mt-2" data-testid="preview-result">
        {state.status === 'problems' && (
          <ul className="list-disc pl-5 text-red-700 dark:text-red-400" data-testid="preview-problems">
            {state.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        )}
        {state.status === 'ready' && (
          <div>
            <p>
              <strong>{state.title}</strong>: <span data-testid="ghost-count">{state.ghosts.cells.length}</span> planned GPUs shown as ghosts
              {state.demand !== null ? ` (the stack asks for ${state.demand})` : ''} in {state.ghosts.gangs.filter((g) => g.placed).length} of {state.ghosts.gangs.length} gangs.
              {state.ghosts.undrawn > 0 ? ` ${state.ghosts.undrawn} planned GPUs have no cell on the map.` : ''}
            </p>
            {unplaced.length > 0 && (
              <div data-testid="preview-unplaced" className="mt-1 text-red-800 dark:text-red-300">
                {unplaced.map((gang) => (
                  <div key={gang.name} className="mt-1">
                    <p className="font-medium">
                      Gang {gang.name} does not fit: {gang.reason ?? 'no reason given'}
                    </p>
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
                          {gang.explanation.map((e) => (
                            <tr key={`${e.level}-${e.message}`}>
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
    </section>
  );
}
