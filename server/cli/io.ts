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

/**
 * Runs a command's `parseArgs` call and answers the two cases every command answers alike:
 * `--help` prints HELP (exit 0), a flag error prints the error and HELP (exit 2). Otherwise returns
 * the parsed flags, typed as `parse` returns them.
 */
export function parseCommandArgs<R extends { values: { help?: boolean } }>(command: string, help: string, io: CliIO, parse: () => R): R | number {
  let parsed: R;
  try {
    parsed = parse();
  } catch (e) {
    io.stderr.write(`canopy ${command}: ${(e as Error).message}\n\n${help}`);
    return 2;
  }
  if (parsed.values.help) {
    io.stdout.write(help);
    return 0;
  }
  return parsed;
}

/** `-o text|json`; anything else is a usage error (null, after saying so). */
export function outputFormat(command: string, value: string | undefined, io: CliIO): 'text' | 'json' | null {
  if (value === undefined || value === 'text' || value === 'json') return value ?? 'text';
  io.stderr.write(`canopy ${command}: unknown output format "${value}" (use text or json)\n`);
  return null;
}
