import { appendFile, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiKeyFile, hashApiKey, type ReloadOutcome } from '../../adapters/output/keys/api-key-file.js';
import { waitFor } from '../support/wait.js';

/** How long a change may take to be seen: the watcher's settling delay, with room for a busy machine. */
const SEEN_WITHIN_MS = 3_000;

const line = (name: string, role: string, key: string) => `${name} ${role} ${hashApiKey(key)}\n`;

describe('ApiKeyFile.watch on a real folder', () => {
  let folder: string;
  let path: string;
  let file: ApiKeyFile;
  let outcomes: ReloadOutcome[];
  let stopWatching: () => void;

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'fjs-keys-watch-'));
    path = join(folder, 'api-keys');
    await writeFile(path, line('alice', 'admin', 'fjs_alice'));
    file = await ApiKeyFile.open(path);
    outcomes = [];
    stopWatching = file.watch((outcome) => outcomes.push(outcome));
  });
  afterEach(async () => {
    stopWatching();
    await rm(folder, { recursive: true, force: true });
  });

  const knows = (key: string, what: string) =>
    waitFor(async () => file.identify(key), (actor) => actor !== undefined, SEEN_WITHIN_MS, what);

  it('picks up a key appended in place, without being asked', async () => {
    await appendFile(path, line('bob', 'viewer', 'fjs_bob'));
    expect(await knows('fjs_bob', 'the appended key')).toEqual({ name: 'bob', role: 'viewer' });
    expect(file.identify('fjs_alice')).toEqual({ name: 'alice', role: 'admin' });
  });

  it('picks up a file rewritten in place', async () => {
    await writeFile(path, `# rotated\n${line('carol', 'operator', 'fjs_carol')}`);
    expect(await knows('fjs_carol', 'the rewritten file')).toEqual({ name: 'carol', role: 'operator' });
    expect(file.identify('fjs_alice'), 'the key no longer in the file').toBeUndefined();
  });

  it('picks up a new file renamed over the old one, as editors save', async () => {
    const temporary = join(folder, '.api-keys.swp');
    await writeFile(temporary, line('alice', 'admin', 'fjs_alice') + line('dave', 'viewer', 'fjs_dave'));
    await rename(temporary, path);
    expect(await knows('fjs_dave', 'the renamed-in file')).toEqual({ name: 'dave', role: 'viewer' });

    // The folder is watched, not the replaced file: a second save the same way is seen too.
    await writeFile(temporary, line('erin', 'admin', 'fjs_erin'));
    await rename(temporary, path);
    expect(await knows('fjs_erin', 'the second renamed-in file')).toEqual({ name: 'erin', role: 'admin' });
    expect(file.identify('fjs_dave')).toBeUndefined();
  });

  it('reports a malformed edit with its line, keeps the last good set, and takes the fixed file', async () => {
    await writeFile(path, line('alice', 'admin', 'fjs_alice') + 'frank superuser 00\n');
    const refused = await waitFor(async () => outcomes.at(-1), (last) => last?.ok === false, SEEN_WITHIN_MS, 'the refused reload');
    expect(refused).toMatchObject({ ok: false, error: { path, line: 2, message: expect.stringContaining("role 'superuser'") } });
    expect(file.identify('fjs_alice')).toEqual({ name: 'alice', role: 'admin' });

    await writeFile(path, line('alice', 'admin', 'fjs_alice') + line('frank', 'operator', 'fjs_frank'));
    expect(await knows('fjs_frank', 'the fixed file')).toEqual({ name: 'frank', role: 'operator' });
    expect(outcomes.at(-1)).toEqual({ ok: true, keys: 2 });
  });

  it('ignores the other files of the folder, and stops watching when told', async () => {
    await writeFile(join(folder, 'notes.txt'), 'not keys');
    await new Promise((settled) => setTimeout(settled, 500));
    expect(outcomes, 'no reload for another file').toEqual([]);

    stopWatching();
    await appendFile(path, line('gina', 'viewer', 'fjs_gina'));
    await new Promise((settled) => setTimeout(settled, 500));
    expect(outcomes).toEqual([]);
    expect(file.identify('fjs_gina')).toBeUndefined();
  });
});
