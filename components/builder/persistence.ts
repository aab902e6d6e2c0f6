'use client';
/**
 * Work in progress: kept in this browser's localStorage across reloads, and shareable as a link
 * whose hash carries the YAML and the layout, gzip-compressed (CompressionStream) and base64url'd.
 * The hash never reaches the server.
 */
import type { Layout } from '@/lib/builder/layout';
import type { Flavour } from '@/lib/builder/templates';

export interface SavedWork {
  text: string;
  layout: Layout;
  flavour?: Flavour;
}

const STORAGE_KEY = 'canopy.builder.work';
export const SHARE_PREFIX = '#pcs=';

function isSavedWork(v: unknown): v is SavedWork {
  const w = v as SavedWork | null;
  return !!w && typeof w === 'object' && typeof w.text === 'string' && !!w.layout && typeof w.layout.positions === 'object' && typeof w.layout.kinds === 'object';
}

export function loadLocal(): SavedWork | null {
  try {
    const raw = window.localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const parsed: unknown = JSON.parse(raw);
    return isSavedWork(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

export function saveLocal(work: SavedWork): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify(work));
  } catch {
    // Storage full or disabled (private mode): the work still lives in the page and the share link.
  }
}

function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const s = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Blob([bytes as BlobPart]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

export async function encodeShare(work: SavedWork): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(work));
  return SHARE_PREFIX + toBase64Url(await pipe(json, new CompressionStream('gzip')));
}

/** Reads a share hash; throws with a sentence when it is damaged. */
export async function decodeShare(hash: string): Promise<SavedWork> {
  if (!hash.startsWith(SHARE_PREFIX)) throw new Error('not a builder link');
  let parsed: unknown;
  try {
    const bytes = await pipe(fromBase64Url(hash.slice(SHARE_PREFIX.length)), new DecompressionStream('gzip'));
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new Error('the shared link is damaged (it may have been cut short when copied)');
  }
  if (!isSavedWork(parsed)) throw new Error('the shared link does not hold a builder stack');
  return parsed;
}
