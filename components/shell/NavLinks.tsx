'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

export interface NavItem {
  href: string;
  label: string;
}

export function NavLinks({ items }: { items: readonly NavItem[] }) {
  const pathname = usePathname();
  return (
    <ul className="flex flex-wrap items-center gap-0.5">
      {items.map((item) => {
        const current = pathname === item.href || pathname.startsWith(`${item.href}/`);
        return (
          <li key={item.href}>
            <Link
              href={item.href}
              aria-current={current ? 'page' : undefined}
              className={
                current
                  ? 'rounded-md bg-zinc-200/70 px-2 py-1.5 sm:px-2.5 text-sm font-medium text-zinc-900 dark:bg-zinc-800 dark:text-zinc-50'
                  : 'rounded-md px-2 py-1.5 text-sm text-zinc-600 sm:px-2.5 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800/60 dark:hover:text-zinc-100'
              }
            >
              {item.label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
