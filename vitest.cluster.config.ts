import { defineConfig } from 'vitest/config';

// Integration tests against the real test control plane (e2e/cluster/). One cluster for the whole run,
// started by the global setup (which builds the binaries first if they are missing: tens of minutes
// on a cold machine); test files run one after another in a single worker because they share it.
export default defineConfig({
  test: {
    include: ['e2e/cluster/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['e2e/cluster/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-reports/cluster.json' },
  },
});
