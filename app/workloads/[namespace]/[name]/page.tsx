import type { Metadata } from 'next';
import { WorkloadDetail } from '@/components/workloads/WorkloadDetail';

interface Params {
  namespace: string;
  name: string;
}

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  const { namespace, name } = await params;
  return { title: `${decodeURIComponent(name)} (${decodeURIComponent(namespace)}) · Workloads` };
}

export default async function WorkloadPage({ params }: { params: Promise<Params> }) {
  const { namespace, name } = await params;
  return <WorkloadDetail namespace={decodeURIComponent(namespace)} name={decodeURIComponent(name)} />;
}
