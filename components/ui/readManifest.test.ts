import { describe, expect, test } from 'vitest';
import { carriesFiles, carriesText, MAX_MANIFEST_BYTES, readDroppedManifest, readManifestFile, type DroppedData } from './readManifest';

const YAML = 'apiVersion: grove.io/v1alpha1\nkind: PodCliqueSet\nmetadata:\n  name: a\n';

/** A DataTransfer as a drop event hands it over (Node has File, not DataTransfer). */
function dropped({ files = [], text = '' }: { files?: File[]; text?: string }): DroppedData {
  return {
    types: [...(files.length ? ['Files'] : []), ...(text ? ['text/plain'] : [])],
    files,
    getData: (format) => (format === 'text/plain' ? text : ''),
  };
}

const bigFile = (bytes: number, name = 'huge.yaml') => new File([new Uint8Array(bytes)], name);

describe('readManifestFile', () => {
  test('reads a file up to the limit, with its name', async () => {
    expect(await readManifestFile(new File([YAML], 'stack.yaml'))).toEqual({ ok: true, text: YAML, from: 'file', name: 'stack.yaml' });
    const atLimit = await readManifestFile(bigFile(MAX_MANIFEST_BYTES));
    expect(atLimit.ok).toBe(true);
  });

  test('refuses a file over 2 MB unread, naming it and its size', async () => {
    const read = await readManifestFile(bigFile(MAX_MANIFEST_BYTES + 1));
    expect(read).toEqual({ ok: false, problem: 'huge.yaml is 2.0 MB; a manifest may be at most 2 MB.' });
    expect(await readManifestFile(bigFile(5 * 1024 * 1024, 'five.json'))).toEqual({ ok: false, problem: 'five.json is 5.0 MB; a manifest may be at most 2 MB.' });
  });

  test('a file that cannot be read says so (nothing thrown)', async () => {
    const broken = Object.assign(new Blob(['x']), { name: 'gone.yaml', text: () => Promise.reject(new Error('NotReadableError')) });
    expect(await readManifestFile(broken)).toEqual({ ok: false, problem: 'Could not read gone.yaml.' });
  });

  test('a Blob without a name is named generically', async () => {
    expect(await readManifestFile(new Blob([YAML]))).toEqual({ ok: true, text: YAML, from: 'file', name: null });
    expect(await readManifestFile(new Blob([new Uint8Array(MAX_MANIFEST_BYTES + 1)]))).toEqual({ ok: false, problem: 'The file is 2.0 MB; a manifest may be at most 2 MB.' });
  });
});

describe('readDroppedManifest', () => {
  test('a dropped file wins over text the drop also carries, and goes through the same limit', async () => {
    expect(await readDroppedManifest(dropped({ files: [new File([YAML], 'a.yaml')], text: 'a.yaml' }), { text: true })).toMatchObject({ ok: true, text: YAML, from: 'file' });
    expect(await readDroppedManifest(dropped({ files: [bigFile(3 * 1024 * 1024)] }))).toMatchObject({ ok: false, problem: expect.stringContaining('at most 2 MB') });
  });

  test('text is read only when asked for; a drop with neither gives null', async () => {
    expect(readDroppedManifest(dropped({ text: 'hello' }))).toBeNull();
    expect(await readDroppedManifest(dropped({ text: 'hello' }), { text: true })).toEqual({ ok: true, text: 'hello', from: 'text', name: null });
    expect(readDroppedManifest(dropped({}), { text: true })).toBeNull();
  });

  test('takes the data before returning: a DataTransfer emptied after the handler still gives the file', async () => {
    const files: File[] = [new File([YAML], 'a.yaml')];
    const read = readDroppedManifest(dropped({ files }));
    files.length = 0;
    expect(await read).toMatchObject({ ok: true, text: YAML });
  });

  test('a File is read directly (a picked file)', async () => {
    expect(await readDroppedManifest(new File([YAML], 'picked.yaml'))).toMatchObject({ ok: true, name: 'picked.yaml' });
  });

  test('carriesFiles / carriesText read the drag types', () => {
    expect(carriesFiles(dropped({ files: [new File([''], 'x')] }))).toBe(true);
    expect(carriesFiles(dropped({ text: 'x' }))).toBe(false);
    expect(carriesText(dropped({ text: 'x' }))).toBe(true);
  });
});
