'use client';
/** The page's current theme (the `dark` class on <html>, which ThemeToggle flips), kept in sync. */
import { useSyncExternalStore } from 'react';
import type { Theme } from '../../lib/heatmap/colors';

function subscribe(listener: () => void): () => void {
  const observer = new MutationObserver(listener);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['class'] });
  return () => observer.disconnect();
}

export function useTheme(): Theme {
  return useSyncExternalStore(
    subscribe,
    () => (document.documentElement.classList.contains('dark') ? 'dark' : 'light'),
    () => 'light',
  );
}
