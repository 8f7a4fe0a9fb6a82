/**
 * `npm run keys:create -- <name> <role>`: makes a new API key, appends its line (name, role and the SHA-256 of
 * the key, never the key) to the file API_KEYS_FILE names, and prints the key once. A running service picks the
 * new key up by itself.
 */
import { randomBytes } from 'node:crypto';
import { appendFile, readFile } from 'node:fs/promises';
import { hashApiKey, parseApiKeys } from '../adapters/output/keys/api-key-file.js';
import { ConfigError, loadConfig } from '../infrastructure/config.js';

const USAGE = 'usage: npm run keys:create -- <name> <role>   (role: viewer, operator or admin)';

async function main(): Promise<void> {
  const [name, role, ...extra] = process.argv.slice(2);
  if (!name || !role || extra.length > 0) throw new ConfigError(USAGE);
  const path = loadConfig().apiKeysFile;
  if (!path) throw new ConfigError('Set API_KEYS_FILE to the keys file to add the key to (it is created if missing)');
  const existing = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw new ConfigError(`Cannot read ${path} (${error.code ?? 'error'})`);
  });
  // 32 random bytes: 256 bits of entropy, in a form that survives shells and headers.
  const key = `fjs_${randomBytes(32).toString('base64url')}`;
  const line = `${name} ${role} ${hashApiKey(key)}\n`;
  const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
  // The file as it would be: checks the new line, and that its name is not taken, the way the service reads it.
  parseApiKeys(existing + separator + line, path);
  await appendFile(path, separator + line, { mode: 0o600 });
  process.stderr.write(`Added '${name}' (${role}) to ${path}. The key, shown this once:\n`);
  process.stdout.write(`${key}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
