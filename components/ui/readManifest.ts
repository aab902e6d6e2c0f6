/**
 * Reading a manifest the user dropped or picked (validate, builder, topology preview): one size limit
 * and one wording for every page.
 */

/** Manifests are a few kilobytes; a file this big is almost certainly the wrong one, and is refused unread. */
export const MAX_MANIFEST_BYTES = 2 * 1024 * 1024;

export type ManifestRead = { ok: true; text: string; from: 'file' | 'text'; name: string | null } | { ok: false; problem: string };

/** What a drop event carries that these readers use (a DataTransfer; a plain object in tests). */
export interface DroppedData {
  readonly types: readonly string[];
  readonly files: ArrayLike<File>;
  getData(format: string): string;
}

export const carriesFiles = (data: Pick<DroppedData, 'types'>): boolean => Array.from(data.types).includes('Files');
export const carriesText = (data: Pick<DroppedData, 'types'>): boolean => Array.from(data.types).includes('text/plain');

/** Why `file` is refused unread, or null when it may be read. */
export function tooLargeProblem(file: Blob & { name?: string }): string | null {
  if (file.size <= MAX_MANIFEST_BYTES) return null;
  return `${file.name || 'The file'} is ${(file.size / 1024 / 1024).toFixed(1)} MB; a manifest may be at most ${MAX_MANIFEST_BYTES / 1024 / 1024} MB.`;
}

/** The text of a picked or dropped file, or why it cannot be had. */
export async function readManifestFile(file: Blob & { name?: string }): Promise<ManifestRead> {
  const problem = tooLargeProblem(file);
  if (problem) return { ok: false, problem };
  const name = file.name || null;
  try {
    return { ok: true, text: await file.text(), from: 'file', name };
  } catch {
    return { ok: false, problem: `Could not read ${name ?? 'the file'}.` };
  }
}

/**
 * What a drop holds: its first file, else (with `text`) its plain text; null when it holds neither.
 * Everything is taken from the DataTransfer before this returns: the browser empties it once the
 * event handler is done, so call this in the handler, not after an await.
 */
export function readDroppedManifest(data: DroppedData | File, { text = false }: { text?: boolean } = {}): Promise<ManifestRead> | null {
  if (isFile(data)) return readManifestFile(data);
  const file = data.files[0];
  if (file) return readManifestFile(file);
  if (!text) return null;
  const dropped = data.getData('text/plain');
  return dropped ? Promise.resolve({ ok: true, text: dropped, from: 'text', name: null }) : null;
}

const isFile = (data: DroppedData | File): data is File => typeof (data as File).text === 'function' && typeof (data as File).size === 'number';
