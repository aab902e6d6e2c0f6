import type { Metadata } from 'next';
import { ValidateWorkbench } from '@/components/validate/ValidateWorkbench';

export const metadata: Metadata = { title: 'Validate' };

export default function ValidatePage() {
  return (
    <div className="flex h-[calc(100dvh-3rem)] min-h-[36rem] flex-col">
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
