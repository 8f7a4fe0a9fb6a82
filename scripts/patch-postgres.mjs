// Guards postgres.js 3.4.9 against a write after its connection closed (porsager/postgres#1208; fixes proposed in
// #1168, #1176 and #1209, none released yet). A small write is flushed on a setImmediate; when the socket closes
// first, `closed()` sets it to null and the flush throws an uncaught TypeError that ends the process. And the
// teardown cancels that flush without forgetting it, so the connection never flushes again. The guard settles the
// queries of such a write with CONNECTION_CLOSED (a 503, and a retry on a new connection) and forgets the cancelled
// flush. A connection also reads the array types as it opens, in a promise nobody handles: a connection lost
// meanwhile rejects it unhandled, which ends the process too; the guard leaves that failure to the connection's own
// error handling, which fails its queries. Runs after `npm ci` (postinstall) and in the Dockerfile; it changes nothing when already applied, and fails
// loudly when the code is not what it expects (another postgres.js version: drop this script once fixed upstream).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', 'postgres');
const MARK = '/* guarded: write after close */';
const edits = [
  [
    'function nextWrite(fn) {\n    const x = socket.write(chunk, fn)',
    `function nextWrite(fn) {\n    if (socket === null) { ${MARK}\n      chunk = nextWriteTimer = null\n      error(Errors.connection('CONNECTION_CLOSED', options))\n      return false\n    }\n    const x = socket.write(chunk, fn)`,
  ],
  ['    clearImmediate(nextWriteTimer)\n', '    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n'],
  ['        return fetchArrayTypes()\n', '        return fetchArrayTypes().catch(() => {}) /* guarded: types read on a lost connection */\n'],
];

for (const file of ['src/connection.js', 'cjs/src/connection.js'].map((path) => join(root, path))) {
  if (!existsSync(file)) continue;
  let code = readFileSync(file, 'utf8');
  for (const [from, to] of edits) {
    if (code.includes(to.trimEnd()) || (from.includes('nextWrite') && code.includes(MARK))) continue;
    if (!code.includes(from)) throw new Error(`${file}: the code to guard was not found; is postgres.js still 3.4.9?`);
    code = code.replaceAll(from, to);
  }
  writeFileSync(file, code);
}
