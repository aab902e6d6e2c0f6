import type { Metadata } from 'next';
import { TopologyView } from '@/components/heatmap/TopologyView';

export const metadata: Metadata = { title: 'Topology' };

export default function TopologyPage() {
  return <TopologyView />;
}
