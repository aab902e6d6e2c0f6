import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './paths';

/**
 * Directory holding the Grove CRD YAMLs to install.
 *
 * The plan was to read them from the Grove operator module in $GOMODCACHE, but the Go module proxy
 * refuses every Grove module: `go mod download -json github.com/ai-dynamo/grove/operator@v0.1.0-alpha.11`
 * answers `403 Forbidden  server response: This module version is not available.` (likewise operator/api,
 * scheduler/api, alpha.10, alpha.12-rc1 and @latest). So we use the reference copies kept next to the
 * repository in ../shared/grove/crds (provenance: ../shared/grove/SOURCE.md), as issue 3 allows.
 */
export function groveCrdDir(): string {
  const dir = path.resolve(REPO_ROOT, '..', 'shared', 'grove', 'crds');
  const yamlFiles = existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.yaml')) : [];
  if (yamlFiles.length === 0) {
    throw new Error(
      `Grove CRDs not found: expected *.yaml in ${dir} (../shared/grove/crds relative to the repository ` +
        `root). The Go module proxy refuses the Grove modules (403), so these reference copies are the only source; ` +
        `restore that directory from the shared workspace.`,
    );
  }
  return dir;
}
