'use client';
/**
 * Placement preview on the map: paste or drop a PodCliqueSet; its planned pods appear as ghost cells,
 * each gang outlined, and a gang that does not fit says why, level by level.
 */
import { useState } from 'react';
import type { GhostOverlay } from '../../lib/heatmap/overlay';

export type PreviewState =
  | { status: 'none' }
  | { status: 'problems'; problems: string[] }
  | { status: 'ready'; title: string; demand: number | null; ghosts: GhostOverlay };

export function PreviewPanel({ text, onText, onPreview, onClear, state }: { text: string; onText: (text: string) => void; onPreview: (text: string) => void; onClear: () => void; state: PreviewState }) {
  const [dragging, setDragging] = useState(false);
  const unplaced = state.status === 'ready' ? state.ghosts.gangs.filter((g) => !g.placed) : [];
  return (
    <section
      aria-labelledby="preview-heading"
      className={`rounded-md border p-3 text-sm ${dragging ? 'border-blue-500 bg-blue-50 dark:bg-blue-950/40' : 'border-zinc-300 dark:border-zinc-700'}`}
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={async (e) => {
        e.preventDefault();
        setDragging(false);
        const file = e.dataTransfer.files[0];
        const dropped = file ? await file.text() : e.dataTransfer.getData('text/plain');
        if (dropped) {
          onText(dropped);
          onPreview(dropped);
        }
      }}
    >
      <h2 id="preview-heading" className="font-semibold">
        Where would it land?
      </h2>
      <label htmlFor="preview-yaml" className="mt-1 block text-zinc-600 dark:text-zinc-400">
        Paste or drop a PodCliqueSet (YAML) to see its planned pods as ghosts on the map.
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
