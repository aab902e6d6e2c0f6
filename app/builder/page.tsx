import type { Metadata } from 'next';
import { ComingLater } from '@/components/ui/ComingLater';

export const metadata: Metadata = { title: 'Builder' };

export default function BuilderPage() {
  return (
    <ComingLater
      title="Builder"
      summary="A visual designer for PodCliqueSets."
      planned={[
        'Cliques and scaling groups as nodes; startup order as edges.',
        'A YAML pane kept in sync with the canvas, comments preserved.',
        'Findings from the validator shown on the nodes they concern.',
      ]}
    />
  );
}
