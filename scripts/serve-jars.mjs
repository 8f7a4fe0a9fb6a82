// A minimal stand-in for the data processor: serves the .jar files of one folder over HTTP on 127.0.0.1.
//   node scripts/serve-jars.mjs FOLDER PORT
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { basename, join } from 'node:path';

const [folder, port = '8090'] = process.argv.slice(2);
if (!folder) throw new Error('usage: serve-jars.mjs FOLDER [PORT]');

createServer((request, response) => {
  const file = join(folder, basename(decodeURIComponent(new URL(request.url, 'http://x').pathname)));
  let size;
  try {
    size = file.endsWith('.jar') ? statSync(file).size : undefined;
  } catch {
    size = undefined;
  }
  if (size === undefined) return response.writeHead(404).end();
  response.writeHead(200, { 'Content-Type': 'application/java-archive', 'Content-Length': size });
  createReadStream(file).pipe(response);
}).listen(Number(port), '127.0.0.1', () => console.log(`serving ${folder} on http://127.0.0.1:${port}`));
