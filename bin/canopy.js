#!/usr/bin/env node
// Launcher for the `canopy` CLI: runs the TypeScript sources through tsx, so a clean checkout
// needs only `npm ci` (no build step to remember). The logic lives in server/cli/.
import { register } from 'tsx/esm/api';

// A reader that stops early (`canopy validate big.yaml | head -1`) closes the pipe: the rest of the
// output has nowhere to go, which is no error of ours. The command still runs to its end, so the exit
// status is the result's, not a stack trace's.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
    throw error;
  });
}

register();
const { main } = await import('../server/cli/main.ts');
process.exitCode = await main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
