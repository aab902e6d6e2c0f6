import Link from 'next/link';
import { ClusterStatus } from './ClusterStatus';
import { HeaderHeight } from './HeaderHeight';
import { NavLinks, type NavItem } from './NavLinks';
import { ThemeToggle } from './ThemeToggle';

export const NAV_ITEMS: readonly NavItem[] = [
  { href: '/topology', label: 'Topology' },
  { href: '/builder', label: 'Builder' },
  { href: '/workloads', label: 'Workloads' },
  { href: '/validate', label: 'Validate' },
];

export function AppHeader() {
  return (
    <header className="sticky top-0 z-20 border-b border-zinc-200 bg-white/90 backdrop-blur dark:border-zinc-800 dark:bg-zinc-950/90">
      <HeaderHeight />
      {/* One row on a wide window, 3rem with the border (validate and the builder take the rest of the window). A
          narrow one (a phone) wraps it instead of spilling past the right edge: the cluster status and theme go
          to a second row, right-aligned, after the links as in the Tab order. There the cluster panel hangs
          from this row's right edge (ClusterStatus), not from its button. */}
      <div className="flex min-h-[calc(3rem-1px)] flex-wrap items-center gap-x-3 gap-y-1 px-4 py-1.5 sm:gap-x-6">
        <Link
          href="/"
          className="flex items-center gap-2 rounded-md text-sm font-semibold tracking-tight text-zinc-900 dark:text-zinc-50"
        >
          <CanopyMark />
          {/* At a phone's width the links take the first row beside the mark; the name stays the link's name. */}
          <span className="max-sm:sr-only">Canopy</span>
        </Link>
        <nav aria-label="Main">
          <NavLinks items={NAV_ITEMS} />
        </nav>
        <div className="relative ml-auto flex min-w-0 max-w-full items-center gap-2">
          <ClusterStatus />
          <ThemeToggle />
        </div>
      </div>
    </header>
  );
}

function CanopyMark() {
  return (
    <svg aria-hidden="true" viewBox="0 0 20 20" className="size-5 text-emerald-600 dark:text-emerald-400">
      <path
        fill="currentColor"
        d="M10 1.5a4.5 4.5 0 0 1 4.3 3.2A4 4 0 0 1 15 12.5h-4.1V18H9.1v-5.5H5a4 4 0 0 1 .7-7.8A4.5 4.5 0 0 1 10 1.5Z"
      />
    </svg>
  );
}
