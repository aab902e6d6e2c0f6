/** Input helpers shared by the canopy commands. */
import { readFile } from 'node:fs/promises';
import type { CliIO } from './main';

/** Bad input, with the exit code it earns: 1 invalid, 2 unreadable or unparsable. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly code: 1 | 2,
  ) {
    super(message);
  }
}

/** The text of FILE, or of standard input for `-`; an unreadable file is an InputError (exit 2). */
export async function readInput(file: string, io: CliIO): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.code === 'EACCES' ? 'permission denied' : err.message;
    throw new InputError(`cannot read ${file}: ${why}`, 2);
  }
}
