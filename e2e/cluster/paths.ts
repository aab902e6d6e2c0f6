import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Directory of this file: e2e/cluster/ (import.meta.url works under tsx and vitest alike). */
export const CLUSTER_DIR = path.dirname(fileURLToPath(import.meta.url));

/** The repository root (two levels above e2e/cluster/). */
export const REPO_ROOT = path.resolve(CLUSTER_DIR, '..', '..');

/** Where logs of a failed control plane are kept for inspection (and for CI artefacts). */
export const FAILED_LOGS_DIR = path.join(REPO_ROOT, 'test-results', 'cluster');
