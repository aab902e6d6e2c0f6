#!/usr/bin/env node
// Launcher for the `canopy` CLI: runs the TypeScript sources through tsx, so a clean checkout
// needs only `npm ci` (no build step to remember). The logic lives in server/cli/.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../server/cli/main.ts');
process.exitCode = await main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
