import type { Metadata } from 'next';
import { ComingLater } from '@/components/ui/ComingLater';

export const metadata: Metadata = { title: 'Topology' };

export default function TopologyPage() {
  return (
    <ComingLater
      title="Topology"
      summary="The cluster seen through its ClusterTopologyBinding: domains per level, GPU capacity and use."
      planned={[
        'A heatmap of nodes grouped by topology domain (zone, block, rack, host).',
        'Placement previews of a PodCliqueSet drawn over the heatmap.',
        'A live view fed by the cluster watch, and a simulated cluster for demos.',
      ]}
    />
  );
}
