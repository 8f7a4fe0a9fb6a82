import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { AppDatabase } from './database.js';
import { serviceSecrets } from './schema.js';

const SECRET_BYTES = 32;

/**
 * The named secret every replica shares, made (32 random bytes) by whichever replica asks first. Replicas starting
 * together each offer a value; the insert keeps the first and ignores the others, and the read that follows (a
 * statement of its own, so it sees the winner's commit) gives every one of them the same bytes.
 */
export async function loadOrCreateSecret(db: AppDatabase, name: string, now: Date): Promise<Buffer> {
  await db
    .insert(serviceSecrets)
    .values({ name, value: randomBytes(SECRET_BYTES).toString('base64'), createdAt: now })
    .onConflictDoNothing({ target: serviceSecrets.name });
  const [row] = await db.select({ value: serviceSecrets.value }).from(serviceSecrets).where(eq(serviceSecrets.name, name));
  if (!row) throw new Error(`service secret '${name}' is missing right after it was stored`);
  return Buffer.from(row.value, 'base64');
}
