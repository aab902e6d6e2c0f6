import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

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
  webServer: {
    // A production build: what users run, and no dev-server compile pauses inside tests.
    command: `npx next build && npx next start -H 127.0.0.1 -p ${PORT}`,
    url: BASE_URL,
    reuseExistingServer: !process.env.CI,
    timeout: 240_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: { NEXT_TELEMETRY_DISABLED: '1' },
  },
});
