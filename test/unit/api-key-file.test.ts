import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiKeyFile, ApiKeyFileError, hashApiKey, parseApiKeys } from '../../adapters/output/keys/api-key-file.js';

const PATH = '/etc/fjs/keys';
const hashOf = (key: string) => hashApiKey(key);
const H1 = hashOf('fjs_first-key');
const H2 = hashOf('fjs_second-key');
const H3 = hashOf('fjs_third-key');
const names = (text: string) => parseApiKeys(text, PATH).map(({ name, role }) => `${name}:${role}`);

describe('hashApiKey', () => {
  it('is the lower-case hex SHA-256 of the key', () => {
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('parseApiKeys: good files', () => {
  it.each([
    ['an empty file', '', []],
    ['only comments and blank lines', '# keys\n\n   \n\t# more\n', []],
    ['one line without a final newline', `alice admin ${H1}`, ['alice:admin']],
    [
      'comments, blank lines and trailing comments',
      `# who may call\n\nalice admin ${H1}   # the on-call admin\n\n  bob\tviewer  ${H2}\n# carol operator ${H3}\n`,
      ['alice:admin', 'bob:viewer'],
    ],
    ['CRLF line ends', `alice admin ${H1}\r\nbob operator ${H2}\r\n\r\n`, ['alice:admin', 'bob:operator']],
    ['an upper-case hash', `alice viewer ${H1.toUpperCase()}`, ['alice:viewer']],
    [
      'names with . _ @ - and digits',
      `ci.deploy-bot_2@team viewer ${H1}\n9lives admin ${H2}`,
      ['ci.deploy-bot_2@team:viewer', '9lives:admin'],
    ],
    ['a 64-character name', `${'n'.repeat(64)} viewer ${H1}`, [`${'n'.repeat(64)}:viewer`]],
    ['a UTF-8 byte order mark', `\uFEFFalice admin ${H1}\n`, ['alice:admin']],
  ])('reads %s', (_case, text, expected) => {
    expect(names(text)).toEqual(expected);
  });
});

describe('parseApiKeys: bad lines', () => {
  const good = `# keys\nalice admin ${H1}\n\n`;
  const badName = (name: string) => `name '${name}' must be 1-64 letters, digits or . _ @ -, starting with a letter or digit`;
  const notAHash = 'the third field must be the 64 hex digits of the SHA-256 of the key';
  it.each([
    ['too few fields', `bob viewer`, "expected '<name> <role> <sha256-hex>', found 2 fields"],
    ['one field', `bob`, "expected '<name> <role> <sha256-hex>', found 1 field"],
    ['too many fields', `bob viewer ${H2} extra`, "expected '<name> <role> <sha256-hex>', found 4 fields"],
    ['a hash cut off by a comment', `bob viewer #${H2}`, "expected '<name> <role> <sha256-hex>', found 2 fields"],
    ['a name starting with a dash', `-bob viewer ${H2}`, badName('-bob')],
    ['a name with a slash', `bob/x viewer ${H2}`, badName('bob/x')],
    ['a name of 65 characters', `${'n'.repeat(65)} viewer ${H2}`, badName('n'.repeat(65))],
    ['the reserved name anonymous', `anonymous viewer ${H2}`, "name 'anonymous' is reserved"],
    ['the reserved name unknown', `unknown viewer ${H2}`, "name 'unknown' is reserved"],
    ['the reserved name schedule', `schedule operator ${H2}`, "name 'schedule' is reserved"],
    ['the reserved name retry', `retry operator ${H2}`, "name 'retry' is reserved"],
    ['an unknown role', `bob root ${H2}`, "role 'root' must be one of viewer, operator, admin"],
    ['a role in capitals', `bob Admin ${H2}`, "role 'Admin' must be one of viewer, operator, admin"],
    ['a hash with a non-hex digit', `bob viewer ${H2.slice(0, 63)}g`, notAHash],
    ['a short hash', `bob viewer ${H2.slice(0, 63)}`, notAHash],
    ['a long hash', `bob viewer ${H2}0`, notAHash],
    ['the key itself instead of its hash', 'bob viewer fjs_second-key', notAHash],
    ['a name used by an earlier line', `alice viewer ${H2}`, "name 'alice' is already used by an earlier line"],
    ['a key listed by an earlier line', `bob viewer ${H1}`, "the key of 'bob' is already listed"],
    ['a key listed earlier in other case', `bob viewer ${H1.toUpperCase()}`, "the key of 'bob' is already listed"],
  ])('refuses %s, naming line 4 and the reason', (_case, line, reason) => {
    const text = `${good}${line}\nzed viewer ${H3}\n`;
    const parse = () => parseApiKeys(text, PATH);
    expect(parse).toThrow(ApiKeyFileError);
    expect(parse).toThrow(`API keys file ${PATH}, line 4: ${reason}`);
    try {
      parse();
    } catch (error) {
      expect(error).toMatchObject({ path: PATH, line: 4 });
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('counts lines of a CRLF file the same way', () => {
    expect(() => parseApiKeys(`alice admin ${H1}\r\n\r\nbob root ${H2}\r\n`, PATH)).toThrow(`${PATH}, line 3: role 'root'`);
  });

  it('never repeats the key in its reason, when the key was pasted where the hash goes', () => {
    const refusal = expect.objectContaining({ message: expect.not.stringContaining('fjs_') });
    expect(() => parseApiKeys('bob viewer fjs_second-key', PATH)).toThrow(refusal);
  });
});

describe('ApiKeyFile.identify', () => {
  const keys = [
    ['fjs_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'alice', 'admin'],
    ['fjs_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 'bob', 'operator'],
    ['fjs_ccccccccccccccccccccccccccccccccccccccccccc', 'carol', 'viewer'],
  ] as const;
  const folder = mkdtemp(join(tmpdir(), 'fjs-keys-'));
  afterAll(async () => rm(await folder, { recursive: true, force: true }));
  const open = async () => {
    const path = join(await folder, 'identify');
    await writeFile(path, keys.map(([key, name, role]) => `${name} ${role} ${hashOf(key)}\n`).join(''));
    return ApiKeyFile.open(path);
  };

  it.each(keys)('knows %s as %s, %s', async (key, name, role) => {
    expect((await open()).identify(key)).toEqual({ name, role });
  });

  const alice = keys[0][0];
  it.each([
    ['a key not in the file', 'fjs_dddddddddddddddddddddddddddddddddddddddddd'],
    ['the empty key', ''],
    ['a key differing in its last character', `${alice.slice(0, -1)}b`],
    ['a key differing in its first character', `F${alice.slice(1)}`],
    ['a key one character short', alice.slice(0, -1)],
    ['a key one character long', `${alice}a`],
    ['the hash of a key, sent as the key', hashOf(alice)],
    ['a key with a trailing space', `${alice} `],
  ])('knows nobody for %s', async (_case, key) => {
    expect((await open()).identify(key)).toBeUndefined();
  });
});

describe('ApiKeyFile on a real file', () => {
  const folder = mkdtemp(join(tmpdir(), 'fjs-keys-'));
  afterAll(async () => rm(await folder, { recursive: true, force: true }));

  it('refuses to open a file that cannot be read, or has a bad line, naming it', async () => {
    const missing = join(await folder, 'missing');
    await expect(ApiKeyFile.open(missing)).rejects.toThrow(`API keys file ${missing}: cannot be read (ENOENT)`);
    const bad = join(await folder, 'bad');
    await writeFile(bad, `alice admin ${H1}\nbob boss ${H2}\n`);
    await expect(ApiKeyFile.open(bad)).rejects.toThrow(`API keys file ${bad}, line 2: role 'boss' must be one of`);
  });

  it('reload picks up a key added to the file, and keeps the last good set when an edit breaks a line', async () => {
    const path = join(await folder, 'reloaded');
    await writeFile(path, `alice admin ${H1}\n`);
    const file = await ApiKeyFile.open(path);
    expect(file.identify('fjs_second-key')).toBeUndefined();

    await writeFile(path, `alice admin ${H1}\nbob viewer ${H2}\n`);
    expect(await file.reload()).toEqual({ ok: true, keys: 2 });
    expect(file.identify('fjs_second-key')).toEqual({ name: 'bob', role: 'viewer' });

    await writeFile(path, `alice admin ${H1}\n# carol next\ncarol operator ${H3.slice(1)}\n`);
    const refused = await file.reload();
    expect(refused).toMatchObject({ ok: false, error: { line: 3 } });
    expect(refused.ok || refused.error.message).toBe(
      `API keys file ${path}, line 3: the third field must be the 64 hex digits of the SHA-256 of the key`,
    );
    expect(file.identify('fjs_second-key'), 'the last good set stays').toEqual({ name: 'bob', role: 'viewer' });
    expect(file.identify('fjs_third-key')).toBeUndefined();

    await rm(path);
    expect(await file.reload()).toMatchObject({ ok: false, error: { line: null, message: expect.stringContaining('(ENOENT)') } });
    expect(file.identify('fjs_first-key'), 'a removed file keeps the last good set too').toEqual({ name: 'alice', role: 'admin' });

    await writeFile(path, `carol operator ${H3}\n`);
    expect(await file.reload()).toEqual({ ok: true, keys: 1 });
    expect(file.identify('fjs_third-key')).toEqual({ name: 'carol', role: 'operator' });
    expect(file.identify('fjs_first-key'), 'a key taken out of the file stops working').toBeUndefined();
  });
});
