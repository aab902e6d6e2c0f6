/**
 * The house plan's import rules (shared ARCHITECTURE.md, "Who may import whom"), checked over every
 * git-tracked .ts/.tsx file with the TypeScript compiler's scanner and parser (so comments and strings
 * cannot trip it). A failure names file:line and the rule.
 *   - lib/ imports nothing outside lib/: no relative or `@/` path leaving it, no Node built-in, no
 *     server-only module (server-only, next, react, the Kubernetes client). Its tests run in Node and
 *     may use Node built-ins.
 *   - components/ never import server/; server/ (outside its tests) never imports components/ or app/.
 *   - In components/ and lib/ only components/hooks/ calls fetch: components get data through hooks.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';

export interface SourceFile {
  /** Repository-relative, with '/' separators. */
  path: string;
  text: string;
}

const NODE_BUILTINS = new Set(builtinModules);
/** Packages that only work on the server or only inside React/Next: lib/ stays plain TypeScript. */
const NOT_IN_LIB = ['server-only', 'next', 'react', 'react-dom', '@kubernetes/client-node'];

const isTest = (file: string): boolean => /\.test\.tsx?$/.test(file);
const isUnder = (file: string, dir: string): boolean => file === dir || file.startsWith(`${dir}/`);
const packageOf = (specifier: string): string => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

/** The repository path an import points at, or undefined for a package. */
function resolved(from: string, specifier: string): string | undefined {
  if (specifier.startsWith('@/')) return path.posix.normalize(specifier.slice(2));
  if (specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../')) {
    return path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  }
  return undefined;
}

/**
 * Every module specifier of a file (static, re-export, dynamic import, require, `import('x')` types)
 * with its line, from the compiler's import scanner; and the lines of its fetch calls, from a full
 * parse of the few files that mention fetch at all.
 */
function scan(file: SourceFile): { imports: { specifier: string; line: number }[]; fetches: number[] } {
  const lineAt = (pos: number): number => {
    let line = 1;
    for (let i = file.text.indexOf('\n'); i >= 0 && i < pos; i = file.text.indexOf('\n', i + 1)) line++;
    return line;
  };
  const imports = ts.preProcessFile(file.text, true, true).importedFiles.map((f) => ({ specifier: f.fileName, line: lineAt(f.pos) }));
  const fetches: number[] = [];
  if (!/\bfetch\b/.test(file.text)) return { imports, fetches };
  const source = ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, true, file.path.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isFetch = ts.isIdentifier(callee)
        ? callee.text === 'fetch'
        : ts.isPropertyAccessExpression(callee) && callee.name.text === 'fetch' && ts.isIdentifier(callee.expression) && ['window', 'globalThis', 'self'].includes(callee.expression.text);
      if (isFetch) fetches.push(source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { imports, fetches };
}

/** Every broken rule, as `file:line: what`. */
export function architectureViolations(files: readonly SourceFile[]): string[] {
  const out: string[] = [];
  for (const file of files) {
    const { imports, fetches } = scan(file);
    for (const { specifier, line } of imports) {
      const at = `${file.path}:${line}: `;
      const target = resolved(file.path, specifier);
      if (isUnder(file.path, 'lib')) {
        if (target !== undefined && !isUnder(target, 'lib')) out.push(`${at}lib/ imports '${specifier}' from outside lib/`);
        else if (target === undefined && !isTest(file.path) && (specifier.startsWith('node:') || NODE_BUILTINS.has(specifier) || NODE_BUILTINS.has(packageOf(specifier)))) {
          out.push(`${at}lib/ imports the Node built-in '${specifier}'`);
        } else if (target === undefined && NOT_IN_LIB.includes(packageOf(specifier))) out.push(`${at}lib/ imports the server or framework module '${specifier}'`);
      }
      if (isUnder(file.path, 'components') && target !== undefined && isUnder(target, 'server')) out.push(`${at}components/ imports '${specifier}' from server/`);
      if (isUnder(file.path, 'server') && !isTest(file.path) && target !== undefined && (isUnder(target, 'components') || isUnder(target, 'app'))) {
        out.push(`${at}server/ imports '${specifier}' from ${target.split('/')[0]}/`);
      }
    }
    if ((isUnder(file.path, 'components') || isUnder(file.path, 'lib')) && !isUnder(file.path, 'components/hooks')) {
      for (const line of fetches) out.push(`${file.path}:${line}: calls fetch outside components/hooks/ (components get data through the hooks)`);
    }
  }
  return out;
}

const ROOT = path.resolve(import.meta.dirname, '..');

function trackedSources(): SourceFile[] {
  const listed = execFileSync('git', ['ls-files', '-z', '--', '*.ts', '*.tsx'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return listed
    .split('\0')
    .filter((file) => ['lib', 'components', 'server'].some((dir) => isUnder(file, dir)) && !file.endsWith('.d.ts'))
    .filter((file) => existsSync(path.join(ROOT, file))) // a tracked file deleted in the work tree is skipped
    .map((file) => ({ path: file, text: readFileSync(path.join(ROOT, file), 'utf8') }));
}

describe('architecture', () => {
  test('every git-tracked .ts/.tsx file keeps the import rules', () => {
    const files = trackedSources();
    expect(files.filter((f) => isUnder(f.path, 'lib')).length).toBeGreaterThan(50);
    expect(files.filter((f) => isUnder(f.path, 'components')).length).toBeGreaterThan(20);
    expect(architectureViolations(files)).toEqual([]);
  });

  test('the check catches each kind of violation, and leaves alone what is allowed', () => {
    const planted: SourceFile[] = [
      {
        path: 'lib/grove/bad.ts',
        text: [
          "import { kubeRequest } from '../../server/kube/request';",
          "import { readFileSync } from 'node:fs';",
          "import path from 'path';",
          "import 'server-only';",
          "export type Props = import('../../components/ui/Button').Props;",
          "export { x } from '@/app/page';",
          "// fetch('/api/state') in a comment is fine",
          "const later = () => import('../../server/sources');",
          "export const load = () => globalThis.fetch('/api/state');",
          "import { parseQuantity } from '../cluster/quantity';",
          "import { parse } from 'yaml';",
        ].join('\n'),
      },
      { path: 'lib/grove/bad.test.ts', text: "import { readFileSync } from 'node:fs';\nimport { POST } from '../../app/api/scale/route';" },
      { path: 'components/heatmap/Bad.tsx', text: "import type { ClusterSource } from '../../server/sources/types';\nexport function Bad() {\n  void fetch('/api/state');\n  return null;\n}" },
      { path: 'components/hooks/useGood.ts', text: "import { parse } from '../../lib/grove/manifest';\nexport const get = () => fetch('/api/state');" },
      { path: 'server/actions/bad.ts', text: "import { Button } from '../../components/ui/Button';\nimport { GET } from '@/app/api/state/route';" },
      { path: 'server/actions/good.test.ts', text: "import { POST } from '../../app/api/scale/route';" },
      { path: 'app/page.tsx', text: "import { scaleObject } from '../server/actions/scale';\nexport default async function Page() { await fetch('/x'); }" },
    ];
    expect(architectureViolations(planted)).toEqual([
      "lib/grove/bad.ts:1: lib/ imports '../../server/kube/request' from outside lib/",
      "lib/grove/bad.ts:2: lib/ imports the Node built-in 'node:fs'",
      "lib/grove/bad.ts:3: lib/ imports the Node built-in 'path'",
      "lib/grove/bad.ts:4: lib/ imports the server or framework module 'server-only'",
      "lib/grove/bad.ts:5: lib/ imports '../../components/ui/Button' from outside lib/",
      "lib/grove/bad.ts:6: lib/ imports '@/app/page' from outside lib/",
      "lib/grove/bad.ts:8: lib/ imports '../../server/sources' from outside lib/",
      'lib/grove/bad.ts:9: calls fetch outside components/hooks/ (components get data through the hooks)',
      "lib/grove/bad.test.ts:2: lib/ imports '../../app/api/scale/route' from outside lib/",
      "components/heatmap/Bad.tsx:1: components/ imports '../../server/sources/types' from server/",
      'components/heatmap/Bad.tsx:3: calls fetch outside components/hooks/ (components get data through the hooks)',
      "server/actions/bad.ts:1: server/ imports '../../components/ui/Button' from components/",
      "server/actions/bad.ts:2: server/ imports '@/app/api/state/route' from app/",
    ]);
  });
});
