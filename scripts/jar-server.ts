/**
 * A stand-in for the data processor, shared by the tests, the benchmarks and local runs: serves JARs over HTTP on
 * 127.0.0.1. Given a file, every `*.jar` path gets that file; given a folder, `/<any path>/<name>.jar` gets the
 * folder's `<name>.jar`. By default it serves the test job built from test/flink-job.
 *
 *   node --import tsx scripts/jar-server.ts [FILE_OR_FOLDER] [PORT]     # default: the test job JAR, port 8090
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

export const TEST_JOB_JAR = join(projectRoot, 'test', 'flink-job', 'target', 'flink-test-job.jar');
export const TEST_JOB_CLASS = 'com.example.flinkjob.TestJob';

export interface JarServer {
  url: string;
  close(): Promise<void>;
}

/** Serves `source` (a JAR file or a folder of JARs) on 127.0.0.1; port 0 picks a free one. */
export async function startJarServer(source = TEST_JOB_JAR, port = 0): Promise<JarServer> {
  const fileFor = statSync(source, { throwIfNoEntry: false })?.isDirectory()
    ? (path: string) => join(source, basename(decodeURIComponent(path)))
    : () => source;
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://jars').pathname;
    const file = path.endsWith('.jar') ? fileFor(path) : undefined;
    const size = file === undefined ? undefined : statSync(file, { throwIfNoEntry: false })?.size;
    if (file === undefined || size === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'Content-Type': 'application/java-archive', 'Content-Length': size });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((listening) => server.listen(port, '127.0.0.1', listening));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((closed) => server.close(() => closed())),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [source = TEST_JOB_JAR, port = '8090'] = process.argv.slice(2);
  const { url } = await startJarServer(source, Number(port));
  console.log(`serving ${source} on ${url}`);
}
