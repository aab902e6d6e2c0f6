/**
 * `canopy validate [-o json] FILE...`
 * Exit 0: no finding is an error; 1: some finding is an error; 2: a file could not be read or parsed.
 */
import { parseArgs } from 'node:util';
import { checkManifestText } from '../../lib/grove/check';
import type { Finding, ManifestReport } from '../../lib/grove/findings';
import { inputLabel, InputError, outputFormat, parseCommandArgs, readInput } from './io';
import type { CliIO } from './main';

const HELP = `Usage: canopy validate [-o json] FILE...

Checks each document of each FILE (multi-document YAML; - reads standard input) against Grove's
CRD schemas, its admission webhooks and Canopy's own warnings.

Options:
  -o, --output FORMAT   text (default) or json
  -h, --help            show this help

A document's YAML syntax errors are listed as one: the first, with how many more the parser reported
after it. Kinds of other API groups are listed as not checked; an apiVersion of a grove.io group that
is not a Grove kind the validator knows is an error. The items of a v1 List are checked one by one.

Exit status: 0 no errors, 1 at least one error finding or a FILE without any object, 2 a file could
not be read or parsed.
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
  /** checked: false for kinds of other API groups, which pass through unchecked. */
  documents: { kind: string | null; name: string | null; checked: boolean; findings: JsonFinding[] }[];
  /** Read errors (line null), or the YAML syntax errors: one per document, moreErrors counting the rest the parser reported in it. */
  errors?: { message: string; line: number | null; column: number | null; moreErrors?: number }[];
}

function toJson(file: string, report: ManifestReport): JsonFileResult {
  const result: JsonFileResult = {
    file,
    documents: report.documents.map((d) => ({
      kind: d.kind,
      name: d.name,
      checked: d.checked,
      findings: d.findings.map((f) => ({ path: f.path, rule: f.rule, severity: f.severity, message: f.message, line: f.line ?? null, column: f.column ?? null })),
    })),
  };
  if (report.parseErrors.length > 0) result.errors = report.parseErrors.map((e) => ({ message: e.message, line: e.line, column: e.column, ...(e.moreErrors ? { moreErrors: e.moreErrors } : {}) }));
  return result;
}

/** Read and parse errors of a file (for standard error), and its documents' findings (for standard output). */
function formatText(result: JsonFileResult): { errors: string; findings: string } {
  const errors: string[] = [];
  const lines: string[] = [];
  const label = inputLabel(result.file);
  for (const e of result.errors ?? []) {
    // A read error names its file itself ("cannot read F: …", "F: not a text file"); a syntax error comes short from the parser, with its count of the rest.
    errors.push(e.line === null ? e.message : `${label}:${e.line}:${e.column}: error: ${e.message}`);
  }
  for (const d of result.documents) {
    const what = `${d.kind ?? '(no kind)'}${d.name ? `/${d.name}` : ''}`;
    if (d.findings.length === 0) {
      lines.push(`${label}: ${what}: ${d.checked ? 'ok' : 'not checked (not a Grove kind)'}`);
      continue;
    }
    for (const f of d.findings) {
      const where = f.line === null ? label : `${label}:${f.line}:${f.column}`;
      lines.push(`${where}: ${f.severity}: ${what}: ${f.path || '/'}: ${f.message} [${f.rule}]`);
    }
  }
  const text = (l: string[]) => (l.length > 0 ? l.join('\n') + '\n' : '');
  return { errors: text(errors), findings: text(lines) };
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
  if (files.filter((f) => f === '-').length > 1) {
    io.stderr.write('canopy validate: - (standard input) can be given once\n');
    return 2;
  }

  const results: JsonFileResult[] = [];
  const empty: string[] = [];
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
    // Nothing to check is a failure: an empty `helm template | canopy validate -` must not pass.
    else if (result.documents.length === 0) {
      empty.push(file);
      hasError = true;
    }
    if (result.documents.some((d) => d.findings.some((f) => f.severity === 'error'))) hasError = true;
    results.push(result);
  }

  if (format === 'json') io.stdout.write(JSON.stringify(results, null, 2) + '\n');
  else {
    for (const r of results) {
      const { errors, findings } = formatText(r);
      io.stderr.write(errors);
      io.stdout.write(findings);
    }
  }
  for (const file of empty) io.stderr.write(`${inputLabel(file)}: no Kubernetes objects\n`);
  return unreadable ? 2 : hasError ? 1 : 0;
}
