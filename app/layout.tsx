import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { AppHeader } from '@/components/shell/AppHeader';
import { ClusterBanner } from '@/components/shell/ClusterStatus';
import { THEME_BOOT_SCRIPT } from '@/components/shell/theme';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Canopy', template: '%s · Canopy' },
  description: 'A dashboard and visual topology designer for NVIDIA Grove',
};

export const viewport: Viewport = {
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#ffffff' },
    { media: '(prefers-color-scheme: dark)', color: '#09090b' },
  ],
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    // The boot script sets the `dark` class and color-scheme before React hydrates; the DOM wins.
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_BOOT_SCRIPT }} />
      </head>
      <body className="min-h-screen">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:fixed focus:left-3 focus:top-2 focus:z-50 focus:rounded-md focus:bg-white focus:px-3 focus:py-2 focus:text-sm focus:font-medium focus:text-zinc-900 focus:shadow-lg dark:focus:bg-zinc-900 dark:focus:text-zinc-50"
        >
          Skip to content
        </a>
        <AppHeader />
        <ClusterBanner />
        <main id="main" tabIndex={-1} className="outline-none">
          {children}
        </main>
      </body>
    </html>
  );
}
