import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding package.json: the same whether this runs from source or from the compiled `dist/`. */
function findProjectRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, 'package.json'))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error('package.json not found above the service code');
    folder = parent;
  }
  return folder;
}

const projectRoot = findProjectRoot();

export const migrationsFolder = join(projectRoot, 'sql', 'migrations');

export const serviceVersion: string = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')).version;

/** How many migrations this build ships, from drizzle-kit's journal. */
export function shippedMigrationCount(): number {
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8'));
  return journal.entries.length;
}
