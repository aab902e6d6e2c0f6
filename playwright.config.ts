import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';
import { LIVE_PORT } from './e2e/live/paths';

/**
 * Browser tests run in Debian's Chromium, never a Playwright-downloaded browser: the test machines
 * cannot download one, and `playwright install` would try.
 */
const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  throw new Error(
    `Chromium is not installed at ${CHROMIUM}. Install it with:\n\n  apt-get update && apt-get install -y chromium\n\n` +
      '(Do not run `npx playwright install`: these tests use the system Chromium.)',
  );
}

const PORT = Number(process.env.CANOPY_E2E_PORT ?? 3210);
const BASE_URL = `http://127.0.0.1:${PORT}`;

/**
 * The `live` project runs pages against a real control plane (e2e/live/serve.ts starts it, ~10 s when
 * the binaries are cached). `npm run test:e2e` turns it on; a bare `npx playwright test` runs only the
 * simulated project, which is what a quick edit-and-check loop wants.
 */
const LIVE = process.env.CANOPY_E2E_LIVE === '1';
const LIVE_URL = `http://127.0.0.1:${LIVE_PORT}`;

export default defineConfig({
  testDir: 'e2e',
  // e2e/ also holds vitest suites (*.test.ts, e.g. e2e/cluster/); Playwright owns only *.spec.ts.
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  workers: process.env.CI ? 1 : 2,
  retries: 0,
  // The JSON report feeds the totals line of .ci/run.
  reporter: [['list'], ['json', { outputFile: 'test-reports/e2e.json' }]],
  timeout: 30_000,
  expect: { timeout: 5_000 },
  use: {
    baseURL: BASE_URL,
    browserName: 'chromium',
    headless: true,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    },
  },
  projects: [
    { name: 'simulated', testIgnore: 'live/**' },
    ...(LIVE ? [{ name: 'live', testDir: 'e2e/live', use: { baseURL: LIVE_URL }, timeout: 90_000, expect: { timeout: 30_000 } }] : []),
  ],
  webServer: [
    {
      // A production build: what users run, and no dev-server compile pauses inside tests. The simulated
      // demo cluster is asked for explicitly, so a kubeconfig on the machine never turns these tests live.
      command: `npx next build && npx next start -H 127.0.0.1 -p ${PORT}`,
      url: BASE_URL,
      reuseExistingServer: !process.env.CI,
      timeout: 240_000,
      stdout: 'pipe',
      stderr: 'pipe',
      env: { NEXT_TELEMETRY_DISABLED: '1', CANOPY_SIMULATE: 'demo', CANOPY_ALLOWED_HOSTS: 'canopy.test' },
    },
    ...(LIVE
      ? [
          {
            // Waits for the build above, then serves the same build against a real control plane.
            // Node itself with tsx's loader, not `npx tsx`: the tsx CLI is a parent process that relays
            // SIGTERM to the script and SIGKILLs it when the script does not confirm within ~30 ms twice
            // (a busy or CPU-starved event loop at teardown). SIGKILLed, serve.ts cannot stop Next and the
            // control plane, which run detached (their own process groups), so both stayed up on the port.
            command: `"${process.execPath}" --import tsx e2e/live/serve.ts`,
            url: LIVE_URL,
            reuseExistingServer: !process.env.CI,
            timeout: 900_000,
            stdout: 'pipe' as const,
            stderr: 'pipe' as const,
            env: { CANOPY_BUILD_SERVER_URL: BASE_URL },
            // SIGTERM lets serve.ts stop every control-plane process it started.
            gracefulShutdown: { signal: 'SIGTERM' as const, timeout: 60_000 },
          },
        ]
      : []),
  ],
});
