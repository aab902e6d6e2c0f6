'use client';

import { useCallback, useLayoutEffect, useSyncExternalStore } from 'react';
import {
  THEME_STORAGE_KEY,
  applyTheme,
  currentTheme,
  storedTheme,
  systemTheme,
  type Theme,
} from './theme';

/** Observers of the `dark` class on <html>: the class is the single source of truth at runtime. */
function subscribe(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['class'] });
  // Follow the OS while the user has not chosen explicitly.
  const media = window.matchMedia('(prefers-color-scheme: dark)');
  const onMedia = () => {
    if (storedTheme() === null) applyTheme(systemTheme());
  };
  media.addEventListener('change', onMedia);
  return () => {
    observer.disconnect();
    media.removeEventListener('change', onMedia);
  };
}

const getServerSnapshot = (): Theme | null => null;

export function ThemeToggle() {
  const theme = useSyncExternalStore<Theme | null>(subscribe, currentTheme, getServerSnapshot);

  // React's dev-mode remount resets <html> attributes the boot script set; put them back before paint.
  useLayoutEffect(() => {
    applyTheme(storedTheme() ?? systemTheme());
  }, []);

  const toggle = useCallback(() => {
    const next: Theme = currentTheme() === 'dark' ? 'light' : 'dark';
    applyTheme(next);
    try {
      window.localStorage.setItem(THEME_STORAGE_KEY, next);
    } catch {
      // Private mode or disabled storage: the switch still works for this page view.
    }
  }, []);

  const dark = theme === 'dark';
  return (
    <button
      type="button"
      onClick={toggle}
      aria-pressed={theme === null ? undefined : dark}
      title={dark ? 'Dark mode is on: switch to light' : 'Dark mode is off: switch to dark'}
      className="inline-flex h-8 items-center gap-1.5 rounded-md border border-zinc-300 px-2.5 text-xs font-medium text-zinc-700 hover:bg-zinc-100 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200 dark:hover:bg-zinc-800"
    >
      {/* Icons follow the `dark` class through CSS, so they are right before hydration too. */}
      <svg aria-hidden="true" viewBox="0 0 16 16" className="size-3.5 dark:hidden" fill="currentColor">
        <path d="M8 11.5a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7ZM7.25 0h1.5v2.5h-1.5zM7.25 13.5h1.5V16h-1.5zM0 7.25h2.5v1.5H0zM13.5 7.25H16v1.5h-2.5zM2.1 3.16l1.06-1.06 1.77 1.77-1.06 1.06zM11.07 12.13l1.06-1.06 1.77 1.77-1.06 1.06zM2.1 12.84l1.77-1.77 1.06 1.06-1.77 1.77zM11.07 3.87l1.77-1.77 1.06 1.06-1.77 1.77z" />
      </svg>
      <svg aria-hidden="true" viewBox="0 0 16 16" className="hidden size-3.5 dark:block" fill="currentColor">
        <path d="M6.2 1.3a6.8 6.8 0 1 0 8.5 8.5A5.6 5.6 0 0 1 6.2 1.3Z" />
      </svg>
      Dark mode
    </button>
  );
}
