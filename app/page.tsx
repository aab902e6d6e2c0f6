import Link from 'next/link';

const SECTIONS = [
  {
    href: '/validate',
    title: 'Validate',
    text: 'Paste or drop a Grove manifest and see what the Grove webhook and CRD schema would say, pinned to the line.',
  },
  {
    href: '/topology',
    title: 'Topology',
    text: 'Every GPU of the cluster grouped by zone, block, rack and NVLink domain, live: who holds what, and where a new stack would land.',
  },
  {
    href: '/builder',
    title: 'Builder',
    text: 'Design a PodCliqueSet visually: cliques, scaling groups, startup order and topology packing.',
  },
  {
    href: '/workloads',
    title: 'Workloads',
    text: 'Live PodCliqueSets down to their pods and PodGangs: health, startup progress, why a pod is pending, and one-click scaling.',
  },
] as const;

export default function HomePage() {
  return (
    <div className="mx-auto max-w-4xl px-6 py-10">
      <h1 className="text-2xl font-semibold tracking-tight">Canopy</h1>
      <p className="mt-2 max-w-2xl text-sm text-zinc-600 dark:text-zinc-400">
        A dashboard and visual topology designer for NVIDIA Grove, the Kubernetes API for multi-component
        AI inference.
      </p>
      <ul className="mt-8 grid gap-3 sm:grid-cols-2">
        {SECTIONS.map((s) => (
          <li key={s.href}>
            <Link
              href={s.href}
              className="block h-full rounded-lg border border-zinc-200 p-4 hover:border-zinc-300 hover:bg-zinc-50 dark:border-zinc-800 dark:hover:border-zinc-700 dark:hover:bg-zinc-900"
            >
              <span className="text-sm font-semibold">{s.title}</span>
              <span className="mt-1.5 block text-sm text-zinc-600 dark:text-zinc-400">{s.text}</span>
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
