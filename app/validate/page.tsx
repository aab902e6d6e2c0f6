import type { Metadata } from 'next';
import { ValidateWorkbench } from '@/components/validate/ValidateWorkbench';

export const metadata: Metadata = { title: 'Validate' };

/**
 * The page fills the window below the header and whatever banner shows, however tall they are (app/globals.css
 * turns the body into a column for it): the editor and the findings scroll, the page does not.
 */
export default function ValidatePage() {
  return (
    <div className="canopy-fills-window flex min-h-[36rem] flex-1 flex-col">
      <div className="border-b border-zinc-200 px-4 py-3 dark:border-zinc-800">
        <h1 className="text-base font-semibold tracking-tight">Validate a manifest</h1>
        <p className="mt-0.5 text-xs text-zinc-600 dark:text-zinc-400">
          Checks Grove objects against the v1alpha1 CRD schema and the operator’s admission rules. It runs in
          your browser: the text never leaves this page.
        </p>
      </div>
      <ValidateWorkbench />
    </div>
  );
}
