/**
 * `canopy validate [-o json] FILE...`
 * Exit 0: no finding is an error; 1: some finding is an error; 2: a file could not be read or parsed.
 */
import { parseArgs } from 'node:util';
import { checkManifestText } from '../../lib/grove/check';
import type { Finding, ManifestReport } from '../../lib/grove/findings';
import { InputError, outputFormat, parseCommandArgs, readInput } from './io';
import type { CliIO } from './main';

const HELP = `Usage: canopy validate [-o json] FILE...

Checks each document of each FILE (multi-document YAML; - reads standard input) against Grove's
CRD schemas, its admission webhooks and Canopy's own warnings.

Options:
  -o, --output FORMAT   text (default) or json
  -h, --help            show this help

Exit status: 0 no errors, 1 at least one error finding, 2 a file could not be read or parsed.
`;

interface JsonFinding {
  path: string;
  rule: string;
  severity: Finding['severity'];
  message: string;
  line: number | null;
  column: number | null;
}

interface JsonFileResult {
  file: string;
  documents: { kind: string | null; name: string | null; findings: JsonFinding[] }[];
  errors?: { message: string; line: number | null; column: number | null }[];
}

function toJson(file: string, report: ManifestReport): JsonFileResult {
  const result: JsonFileResult = {
    file,
    documents: report.documents.map((d) => ({
      kind: d.kind,
      name: d.name,
      findings: d.findings.map((f) => ({ path: f.path, rule: f.rule, severity: f.severity, message: f.message, line: f.line ?? null, column: f.column ?? null })),
    })),
  };
  if (report.parseErrors.length > 0) result.errors = report.parseErrors.map((e) => ({ message: e.message, line: e.line, column: e.column }));
  return result;
}

function formatText(result: JsonFileResult): string {
  const lines: string[] = [];
  const label = result.file === '-' ? '<stdin>' : result.file;
  for (const e of result.errors ?? []) {
    lines.push(e.line === null ? `${label}: error: ${e.message}` : `${label}:${e.line}:${e.column}: error: ${e.message}`);
  }
  for (const d of result.documents) {
    const what = `${d.kind ?? '(no kind)'}${d.name ? `/${d.name}` : ''}`;
    if (d.findings.length === 0) {
      lines.push(`${label}: ${what}: ok`);
      continue;
    }
    for (const f of d.findings) {
      const where = f.line === null ? label : `${label}:${f.line}:${f.column}`;
      lines.push(`${where}: ${f.severity}: ${what}: ${f.path || '/'}: ${f.message} [${f.rule}]`);
    }
  }
  return lines.join('\n') + '\n';
}

export async function runValidate(argv: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandArgs('validate', HELP, io, () =>
    parseArgs({
      args: argv,
      options: { output: { type: 'string', short: 'o', default: 'text' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
    }),
  );
  if (typeof parsed === 'number') return parsed;
  const format = outputFormat('validate', parsed.values.output, io);
  if (format === null) return 2;
  const files = parsed.positionals;
  if (files.length === 0) {
    io.stderr.write(`canopy validate: no FILE given (use - for standard input)\n\n${HELP}`);
    return 2;
  }

  const results: JsonFileResult[] = [];
  let unreadable = false;
  let hasError = false;
  for (const file of files) {
    let text: string;
    try {
      text = await readInput(file, io);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      results.push({ file, documents: [], errors: [{ message: e.message, line: null, column: null }] });
      unreadable = true;
      continue;
    }
    const result = toJson(file, checkManifestText(text));
    if (result.errors) unreadable = true;
    if (result.documents.some((d) => d.findings.some((f) => f.severity === 'error'))) hasError = true;
    results.push(result);
  }

  if (format === 'json') io.stdout.write(JSON.stringify(results, null, 2) + '\n');
  else for (const r of results) (r.errors ? io.stderr : io.stdout).write(formatText(r));
  return unreadable ? 2 : hasError ? 1 : 0;
}
