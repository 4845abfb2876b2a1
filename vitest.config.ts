import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts', 'projections/**/*.spec.ts', 'test/**/*.spec.ts', 'infra/**/*.spec.ts'],
    // Integration tests start real servers (PostgreSQL schemas, S3, HTTP) and
    // child processes; two cores are shared among them.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
