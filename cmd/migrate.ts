import { ConfigError, loadConfig } from '../infrastructure/config.js';
import { migratePostgresDatabase, openDatabase } from '../infrastructure/database.js';
import { redactCredentials } from '../infrastructure/redaction.js';

/** Applies pending migrations to the configured database and exits: `npm run db:migrate`. */
async function main(): Promise<void> {
  const config = loadConfig();
  if (config.database.kind === 'postgres') {
    await migratePostgresDatabase(config.database.url);
  } else {
    const database = await openDatabase(config.database);
    await database.close();
  }
  process.stdout.write(`migrations applied (${config.database.kind})\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${redactCredentials(error instanceof ConfigError ? error.message : String(error))}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
