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

/** Messages quote input (a JSON parser's error, a YAML line): this long and no longer. */
const MAX_MESSAGE = 200;

/** A message cut to MAX_MESSAGE characters, on one line: binary or minified input must not flood the terminal. */
export function clip(message: string): string {
  const line = message.replace(/[\r\n]+/g, ' ');
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE - 1)}…` : line;
}

/**
 * Bytes → text, as an editor would open them: a UTF-8 byte-order mark is dropped (so columns on line 1
 * do not shift), UTF-16 with its mark (PowerShell 5's `>`) is decoded, and bytes with a NUL are no
 * text file (binary, or UTF-16 without a mark): an InputError (exit 2).
 */
export function decodeInput(bytes: Uint8Array, file: string): string {
  let text: string;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) text = new TextDecoder('utf-16le').decode(bytes.subarray(2));
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) text = new TextDecoder('utf-16be').decode(bytes.subarray(2));
  else text = new TextDecoder('utf-8', { ignoreBOM: false }).decode(bytes);
  if (text.includes('\0')) throw new InputError(`${inputLabel(file)}: not a text file`, 2);
  return text;
}

/** How a file is named in messages: `-` is standard input. */
export function inputLabel(file: string): string {
  return file === '-' ? '<stdin>' : file;
}

/** The text of FILE, or of standard input for `-` (see decodeInput); an unreadable file is an InputError (exit 2). */
export async function readInput(file: string, io: CliIO): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    return decodeInput(Buffer.concat(chunks), file);
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.code === 'EACCES' ? 'permission denied' : err.message;
    throw new InputError(clip(`cannot read ${file}: ${why}`), 2);
  }
  return decodeInput(bytes, file);
}

/** A JSON file's data; text that is not JSON is an InputError (exit 2) with the parser's message, clipped. */
export function parseJsonInput(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${inputLabel(file)}: not JSON: ${clip((e as Error).message)}`, 2);
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
