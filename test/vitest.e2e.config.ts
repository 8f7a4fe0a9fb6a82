import { defineConfig } from 'vitest/config';

/** End-to-end suites against real services (a Flink cluster at TEST_FLINK_URL); one file at a time. */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    pool: 'forks',
    reporters: ['default'],
  },
});
