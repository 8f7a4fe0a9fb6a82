import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: [
    './adapters/output/repository/schema.ts',
    './adapters/output/repository/webhook-tables.ts',
    './adapters/output/repository/schedule-table.ts',
    './adapters/output/repository/backfill-tables.ts',
    './adapters/output/repository/savepoint-tables.ts',
    './adapters/output/repository/job-version-table.ts',
    './adapters/output/repository/upgrade-table.ts',
  ],
  out: './sql/migrations',
});
