'use client';

import type { DragEvent } from 'react';
import { ROLE_KINDS, ROLE_KIND_LABELS, type RoleKind } from '@/lib/builder/graph';
import { PALETTE_MIME } from './BuilderCanvas';
import { KIND_ACCENT } from './nodes';

interface PaletteProps {
  /** Keyboard (or click) path: add at a free spot, or into the selected scaling group. */
  onAdd: (item: RoleKind | 'group') => void;
  /**
   * Why adding does nothing now (the YAML is unreadable), or null. The items stay in the Tab order and
   * say it (aria-disabled, not disabled), as Preview and Apply do; `detailIds` name elements that say more.
   */
  blocked: { reason: string; detailIds: string } | null;
}

const BLOCKED_ID = 'palette-blocked';

function start(item: string) {
  return (e: DragEvent) => {
    e.dataTransfer.setData(PALETTE_MIME, item);
    e.dataTransfer.effectAllowed = 'copy';
  };
}

/** Clique kinds and the scaling-group frame: drag onto the canvas, or press Enter to add. */
export function Palette({ onAdd, blocked }: PaletteProps) {
  const item = (kind: RoleKind | 'group') => ({
    type: 'button' as const,
    draggable: !blocked,
    'aria-disabled': !!blocked,
    'aria-describedby': blocked ? `${BLOCKED_ID} ${blocked.detailIds}` : undefined,
    title: blocked?.reason,
    onDragStart: start(kind),
    onClick: () => {
      if (!blocked) onAdd(kind);
    },
    'data-testid': `palette-${kind}`,
  });
  return (
    <section aria-labelledby="palette-heading" className="flex flex-col gap-1 p-2">
      <h2 id="palette-heading" className="px-1 text-[11px] font-semibold uppercase tracking-wide text-zinc-500 dark:text-zinc-400">
        Palette
      </h2>
      <p className="px-1 text-[11px] text-zinc-500 dark:text-zinc-400">Drag onto the canvas, or press Enter to add.</p>
      {blocked && (
        <p id={BLOCKED_ID} data-testid="builder-palette-blocked" className="px-1 text-[11px] text-red-700 dark:text-red-400">
          {blocked.reason}
        </p>
      )}
      <ul className="flex flex-col gap-1" aria-label="Clique kinds">
        {ROLE_KINDS.map((kind) => (
          <li key={kind}>
            <button
              {...item(kind)}
              className={`w-full cursor-grab rounded-md border border-l-4 border-zinc-300 bg-white px-2 py-1.5 text-left text-xs font-medium text-zinc-800 hover:bg-zinc-100 aria-disabled:cursor-not-allowed aria-disabled:opacity-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800 ${KIND_ACCENT[kind]}`}
            >
              {ROLE_KIND_LABELS[kind]}
            </button>
          </li>
        ))}
        <li>
          <button
            {...item('group')}
            className="w-full cursor-grab rounded-md border-2 border-dashed border-zinc-400 px-2 py-1.5 text-left text-xs font-medium text-zinc-800 hover:bg-zinc-100 aria-disabled:cursor-not-allowed aria-disabled:opacity-50 dark:border-zinc-600 dark:text-zinc-100 dark:hover:bg-zinc-800"
          >
            Scaling group
          </button>
        </li>
      </ul>
    </section>
  );
}
