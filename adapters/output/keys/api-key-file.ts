import { createHash, timingSafeEqual } from 'node:crypto';
import { unwatchFile, watchFile, type Stats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isRole, ROLES, type Actor } from '../../../domain/entities/access.js';
import type { ApiKeys } from '../../../domain/ports/output/api-keys.js';

/** A line of the keys file that cannot be used; `line` counts from 1. */
export class ApiKeyFileError extends Error {
  constructor(
    readonly path: string,
    readonly line: number | null,
    reason: string,
  ) {
    super(line === null ? `API keys file ${path}: ${reason}` : `API keys file ${path}, line ${line}: ${reason}`);
    this.name = 'ApiKeyFileError';
  }
}

interface KeyEntry extends Actor {
  sha256: Buffer;
}

/** How often a watched keys file is looked at. */
const WATCH_INTERVAL_MS = 1000;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
/** Names the audit trail and executions use for callers and triggers that are not keys. */
const RESERVED_NAMES = new Set(['anonymous', 'unknown', 'schedule', 'retry']);

/** The SHA-256 of a key, in lower-case hex: what the keys file stores instead of the key. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * Reads the text of a keys file: one key per line, `<name> <role> <sha256-hex-of-the-key>`; `#` starts a
 * comment; blank lines are ignored. Throws ApiKeyFileError naming the first line that cannot be used.
 */
export function parseApiKeys(text: string, path: string): KeyEntry[] {
  const entries: KeyEntry[] = [];
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const fields = raw.replace(/#.*$/, '').trim().split(/\s+/).filter(Boolean);
    if (fields.length === 0) continue;
    const fail = (reason: string) => new ApiKeyFileError(path, index + 1, reason);
    if (fields.length !== 3) throw fail(`expected '<name> <role> <sha256-hex>', found ${fields.length} field${fields.length === 1 ? '' : 's'}`);
    const [name, role, hash] = fields as [string, string, string];
    if (!NAME.test(name)) throw fail(`name '${name}' must be 1-64 letters, digits or . _ @ -, starting with a letter or digit`);
    if (RESERVED_NAMES.has(name)) throw fail(`name '${name}' is reserved`);
    if (!isRole(role)) throw fail(`role '${role}' must be one of ${ROLES.join(', ')}`);
    if (!/^[0-9a-fA-F]{64}$/.test(hash)) throw fail('the third field must be the 64 hex digits of the SHA-256 of the key');
    if (entries.some((entry) => entry.name === name)) throw fail(`name '${name}' is already used by an earlier line`);
    const sha256 = Buffer.from(hash, 'hex');
    if (entries.some((entry) => entry.sha256.equals(sha256))) throw fail(`the key of '${name}' is already listed`);
    entries.push({ name, role, sha256 });
  }
  return entries;
}

async function readApiKeys(path: string): Promise<KeyEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ApiKeyFileError(path, null, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parseApiKeys(text, path);
}

export type ReloadOutcome = { ok: true; keys: number } | { ok: false; error: ApiKeyFileError };

/**
 * The API keys of a file, kept as hashes and compared in constant time. `reload` (on SIGHUP, or when `watch` sees
 * the file change) reads it again; a file that cannot be used leaves the last good set in place.
 */
export class ApiKeyFile implements ApiKeys {
  private constructor(
    readonly path: string,
    private entries: KeyEntry[],
  ) {}

  /** Throws ApiKeyFileError when the file cannot be read or a line cannot be used. */
  static async open(path: string): Promise<ApiKeyFile> {
    return new ApiKeyFile(path, await readApiKeys(path));
  }

  identify(key: string): Actor | undefined {
    const digest = createHash('sha256').update(key, 'utf8').digest();
    let found: KeyEntry | undefined;
    // Every entry is compared, so the time taken says nothing about which one matched, or how much of it.
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.sha256, digest) && !found) found = entry;
    }
    return found && { name: found.name, role: found.role };
  }

  async reload(): Promise<ReloadOutcome> {
    try {
      this.entries = await readApiKeys(this.path);
      return { ok: true, keys: this.entries.length };
    } catch (error) {
      if (error instanceof ApiKeyFileError) return { ok: false, error };
      throw error;
    }
  }

  /**
   * Reloads when the file changes. The file's state is polled (once a second) rather than watched with inotify:
   * polling sees a file edited in place, replaced by an editor's rename, reached through a symlink swapped by a
   * Kubernetes secret update, or changed on the host behind a single-file bind mount, where a folder watch is blind.
   */
  watch(onReload: (outcome: ReloadOutcome) => void): () => void {
    const changed = (now: Stats, before: Stats) => {
      if (now.mtimeMs === before.mtimeMs && now.size === before.size && now.ino === before.ino) return;
      void this.reload().then(onReload);
    };
    watchFile(this.path, { interval: WATCH_INTERVAL_MS, persistent: false }, changed);
    return () => unwatchFile(this.path, changed);
  }
}
