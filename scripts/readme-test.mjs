#!/usr/bin/env node
/**
 * README runs as written: takes every `sh` block of README's "Quick start" and "API" sections, in order, and runs
 * them in one bash session from the repository's root, as a reader pasting them into a terminal would; fails at the
 * first command that fails, naming the block's line.
 *
 *   npm run test:readme          # needs Java 17 and Maven (the local Flink cluster), jq, and port 8080 free
 *
 * What differs from pasting, and why:
 * - every `curl` fails on an HTTP error status (`--fail-with-body`), so an example answering 4xx or 5xx fails the
 *   test instead of printing a problem document;
 * - the line `npm start` starts the service in the background, with its data in a scratch folder, and waits for
 *   `/readyz` (a reader runs it in a terminal of its own);
 * - a block preceded by `<!-- readme-test: skip <reason> -->` is not run (the reason is printed); a block that needs
 *   a service restarted with other settings, or that streams until interrupted, says so there;
 * - at the end, or on a failure, the service, the JAR server and the local Flink cluster are stopped.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const timeoutMs = Number(process.env.README_TEST_TIMEOUT_SECONDS ?? 900) * 1000;

/** The `sh` blocks of the sections from `## Quick start` up to the first level-2 heading after `## API`. */
export function runnableBlocks(markdown) {
  const lines = markdown.split('\n');
  const blocks = [];
  let section = null;
  let open = null;
  let skip = null;
  for (const [index, line] of lines.entries()) {
    if (open) {
      if (line.startsWith('```')) {
        blocks.push(open);
        open = null;
      } else open.lines.push(line);
      continue;
    }
    const heading = /^## (.+)$/.exec(line);
    if (heading) section = heading[1].trim();
    if (section !== 'Quick start' && section !== 'API') {
      skip = null;
      continue;
    }
    const marker = /^<!-- readme-test: skip (.+?) -->$/.exec(line.trim());
    if (marker) {
      skip = marker[1];
      continue;
    }
    const fence = /^```(\S*)/.exec(line);
    if (fence) {
      open = { line: index + 1, language: fence[1], skip: skip ?? undefined, lines: [] };
      skip = null;
    } else if (line.trim() !== '') skip = null;
  }
  return blocks.filter((block) => block.language === 'sh');
}

const preamble = String.raw`
set -euo pipefail
# Standard error through a pipe of its own: \`curl -D /dev/stderr\` cannot open a socket (what a parent process may
# have given) and would truncate a log file.
exec 2> >(cat >&2)
readme_block=start
readme_service=
trap 'exit 143' TERM INT
trap 'status=$?; if ((status != 0)); then echo "README.md:$readme_block failed (exit $status)" >&2; tail -n 40 "$README_TEST_DIR/service.log" >&2 2>/dev/null || true; fi; readme_cleanup; exit $status' EXIT
readme_cleanup() {
  if [[ -n $readme_service ]]; then kill -- "-$readme_service" 2>/dev/null || true; wait "$readme_service" 2>/dev/null || true; fi
  bash scripts/serve-jars.sh down >/dev/null 2>&1 || true
  bash scripts/flink-local/flink-local.sh down >/dev/null 2>&1 || true
}
curl() { command curl --fail-with-body --no-progress-meter "$@"; }
readme_start() {
  if command curl -s -o /dev/null "http://127.0.0.1:8080/livez"; then echo "port 8080 is in use: stop what holds it" >&2; return 1; fi
  DATA_DIR="$README_TEST_DIR/data" setsid npm start >"$README_TEST_DIR/service.log" 2>&1 &
  readme_service=$!
  for _ in $(seq 1 360); do
    command curl -fsS -o /dev/null http://127.0.0.1:8080/readyz 2>/dev/null && return 0
    kill -0 "$readme_service" 2>/dev/null || { cat "$README_TEST_DIR/service.log" >&2; echo "the service exited" >&2; return 1; }
    sleep 0.5
  done
  echo "the service was not ready within 180 s" >&2
  return 1
}
`;

/** The bash script that runs the blocks in order. */
export function scriptOf(blocks) {
  const parts = [preamble];
  for (const block of blocks) {
    if (block.skip) {
      parts.push(`echo ${JSON.stringify(`--- README.md:${block.line}: not run: ${block.skip}`)}`);
      continue;
    }
    parts.push(`readme_block=${block.line}`, `echo ${JSON.stringify(`--- README.md:${block.line}`)}`);
    for (const line of block.lines) {
      parts.push(/^npm start(\s+#.*)?$/.test(line.trim()) ? 'readme_start' : line);
    }
  }
  parts.push('echo "--- every block ran"');
  return `${parts.join('\n')}\n`;
}

async function main() {
  const blocks = runnableBlocks(readFileSync(join(root, 'README.md'), 'utf8'));
  if (blocks.filter((block) => !block.skip).length === 0) throw new Error('README has no runnable sh block');
  const dir = mkdtempSync(join(tmpdir(), 'readme-test-'));
  const script = join(dir, 'readme.sh');
  writeFileSync(script, scriptOf(blocks));
  const child = spawn('bash', [script], { cwd: root, stdio: 'inherit', env: { ...process.env, README_TEST_DIR: dir }, detached: true });
  const timer = setTimeout(() => {
    console.error(`README blocks still running after ${timeoutMs / 1000} s; stopping them`);
    process.kill(-child.pid, 'SIGTERM');
  }, timeoutMs);
  const code = await new Promise((resolve) => child.on('exit', (status, signal) => resolve(status ?? (signal ? 1 : 0))));
  clearTimeout(timer);
  rmSync(dir, { recursive: true, force: true });
  process.exitCode = code;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
