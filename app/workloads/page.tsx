import type { Metadata } from 'next';
import { WorkloadList } from '@/components/workloads/WorkloadList';

export const metadata: Metadata = { title: 'Workloads' };

export default function WorkloadsPage() {
  return (
    <div className="space-y-3 p-4">
      <div>
        <h1 className="text-base font-semibold tracking-tight">Workloads</h1>
        <p className="mt-0.5 text-xs text-zinc-600 dark:text-zinc-400">
          Every PodCliqueSet, live: replicas available, pods from gated to ready, GPUs held, and what is wrong.
        </p>
      </div>
      <WorkloadList />
    </div>
  );
}
