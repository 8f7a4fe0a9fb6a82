import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './adapters/output/repository/schema.ts',
  out: './sql/migrations',
});
