import { defineConfig } from 'vitest/config';

// Unit and conformance tests. The control-plane tests have their own config (vitest.cluster.config.ts).
export default defineConfig({
  test: {
    include: ['lib/**/*.test.ts', 'server/**/*.test.ts', 'components/**/*.test.ts', 'bench/**/*.test.ts', 'e2e/conformance/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-reports/unit.json' },
  },
});
