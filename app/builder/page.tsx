import type { Metadata } from 'next';
import { BuilderWorkbench } from '@/components/builder/BuilderWorkbench';

export const metadata: Metadata = { title: 'Builder' };

/**
 * The builder fills the window below the header and whatever banner shows (app/globals.css turns the
 * body into a column for this page): its panes scroll, the page never does, however tall the banner.
 */
export default function BuilderPage() {
  return (
    <div className="canopy-fills-window flex min-h-0 flex-1 flex-col">
      <h1 className="sr-only">PodCliqueSet builder</h1>
      <BuilderWorkbench />
    </div>
  );
}
