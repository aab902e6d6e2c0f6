import Link from 'next/link';

const SECTIONS = [
  {
    href: '/validate',
    title: 'Validate',
    status: 'Available',
    text: 'Paste or drop a Grove manifest and see what the Grove webhook and CRD schema would say, pinned to the line.',
  },
  {
    href: '/topology',
    title: 'Topology',
    status: 'Later issue',
    text: 'A heatmap of the cluster by topology domain, with GPU capacity and use per domain.',
  },
  {
    href: '/builder',
    title: 'Builder',
    status: 'Later issue',
    text: 'Design a PodCliqueSet visually: cliques, scaling groups, startup order and topology packing.',
  },
  {
    href: '/workloads',
    title: 'Workloads',
    status: 'Later issue',
    text: 'Live PodCliqueSets, PodCliques, scaling groups and PodGangs, with health and placement.',
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
              <span className="flex items-center justify-between gap-2">
                <span className="text-sm font-semibold">{s.title}</span>
                <span
                  className={
                    s.status === 'Available'
                      ? 'rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300'
                      : 'rounded-full bg-zinc-100 px-2 py-0.5 text-xs font-medium text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300'
                  }
                >
                  {s.status}
                </span>
              </span>
              <span className="mt-1.5 block text-sm text-zinc-600 dark:text-zinc-400">{s.text}</span>
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
