'use client';

import { useLayoutEffect, useRef } from 'react';

/** The CSS variable (on <html>) that holds the sticky header's height; app/globals.css gives it 3rem until measured. */
export const HEADER_HEIGHT_VARIABLE = '--app-header-height';

/**
 * Publishes the height of the header it sits in as HEADER_HEIGHT_VARIABLE, and keeps it current. The header
 * is one row on a wide window and wraps to two on a phone, or when a long cluster name or larger text needs
 * it, so no breakpoint tells its height: what scrolls into view below it (its scroll-margin) reads this.
 */
export function HeaderHeight() {
  const probe = useRef<HTMLSpanElement>(null);
  useLayoutEffect(() => {
    const header = probe.current?.closest('header');
    if (!header) return;
    const root = document.documentElement;
    const publish = () => root.style.setProperty(HEADER_HEIGHT_VARIABLE, `${header.getBoundingClientRect().height}px`);
    publish();
    const observer = new ResizeObserver(publish);
    observer.observe(header);
    return () => {
      observer.disconnect();
      root.style.removeProperty(HEADER_HEIGHT_VARIABLE);
    };
  }, []);
  // display: none, so it takes no place in the header's row.
  return <span ref={probe} hidden />;
}
