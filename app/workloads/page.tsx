import type { Metadata } from 'next';
import Link from 'next/link';
import { WorkloadList } from '@/components/workloads/WorkloadList';

export const metadata: Metadata = { title: 'Workloads' };

export default function WorkloadsPage() {
  return (
    <div className="space-y-3 p-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="text-base font-semibold tracking-tight">Workloads</h1>
          <p className="mt-0.5 text-xs text-zinc-600 dark:text-zinc-400">
            Every PodCliqueSet, live: replicas available, pods from gated to ready, GPUs held, and what is wrong.
          </p>
        </div>
        <Link href="/builder" className="rounded-md border border-zinc-300 px-2.5 py-1 text-xs font-medium hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-800">
          New stack in the Builder
        </Link>
      </div>
      <WorkloadList />
    </div>
  );
}
