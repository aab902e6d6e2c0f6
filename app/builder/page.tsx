import type { Metadata } from 'next';
import { BuilderWorkbench } from '@/components/builder/BuilderWorkbench';

export const metadata: Metadata = { title: 'Builder' };

export default function BuilderPage() {
  return (
    <div className="flex h-[calc(100dvh-3rem)] min-h-[40rem] flex-col">
      <h1 className="sr-only">PodCliqueSet builder</h1>
      <BuilderWorkbench />
    </div>
  );
}
