import type { Metadata } from 'next';
import { ComingLater } from '@/components/ui/ComingLater';

export const metadata: Metadata = { title: 'Workloads' };

export default function WorkloadsPage() {
  return (
    <ComingLater
      title="Workloads"
      summary="The Grove objects running in the cluster."
      planned={[
        'PodCliqueSets with their PodCliques, scaling groups and PodGangs.',
        'Health, readiness and placement per gang.',
        'Scale, apply (with dry-run and diff) and delete, where you are allowed to.',
      ]}
    />
  );
}
