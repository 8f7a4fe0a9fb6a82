import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const script = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'build-if-stale.mjs');
const root = await mkdtemp(join(tmpdir(), 'fjs-build-check-'));
afterAll(() => rm(root, { recursive: true, force: true }));

const past = new Date(Date.now() - 60_000);
const built = new Date(Date.now() - 30_000);

/** A project built 30 s ago from sources a minute old, with a stand-in npm that records that a build was asked for. */
async function builtProject(buildInfo: object = { version: '5.9.3' }) {
  const project = await mkdtemp(join(root, 'project-'));
  const files: [string, string][] = [
    ['tsconfig.json', JSON.stringify({ include: ['src'] })],
    ['src/a.ts', 'export const a = 1;'],
    ['src/deep/b.ts', 'export const b = 2;'],
    ['src/types.d.ts', 'export {};'],
    ['dist/src/a.js', 'export const a = 1;'],
    ['dist/src/deep/b.js', 'export const b = 2;'],
    ['fake-npm.cjs', `require('node:fs').writeFileSync('build-ran', process.argv.slice(2).join(' '));`],
  ];
  for (const [path, text] of files) {
    await mkdir(dirname(join(project, path)), { recursive: true });
    await writeFile(join(project, path), text);
  }
  for (const path of ['tsconfig.json', 'src/a.ts', 'src/deep/b.ts', 'src/types.d.ts', 'src/deep', 'src']) {
    await utimes(join(project, path), past, past);
  }
  await writeFile(join(project, 'dist/tsconfig.tsbuildinfo'), JSON.stringify(buildInfo));
  await utimes(join(project, 'dist/tsconfig.tsbuildinfo'), built, built);
  return project;
}

/** Runs the check in `project`; true when it asked npm for a build. */
function buildAsked(project: string): boolean {
  const run = spawnSync(process.execPath, [script], { cwd: project, env: { PATH: process.env.PATH ?? '', npm_execpath: join(project, 'fake-npm.cjs') } });
  expect(run.status, run.stderr.toString()).toBe(0);
  return existsSync(join(project, 'build-ran'));
}

describe('the build check before npm start', () => {
  it('skips the build when every source is older than the build info and has its output', async () => {
    expect(buildAsked(await builtProject())).toBe(false);
  });

  it('builds when a source was edited after the build', async () => {
    const project = await builtProject();
    await writeFile(join(project, 'src/deep/b.ts'), 'export const b = 3;');
    expect(buildAsked(project)).toBe(true);
  });

  it('builds when a source was deleted or added (its folder changed)', async () => {
    const project = await builtProject();
    await rm(join(project, 'src/a.ts'));
    expect(buildAsked(project)).toBe(true);
  });

  it('builds when a source has no output, even with old timestamps', async () => {
    const project = await builtProject();
    await rm(join(project, 'dist/src/deep/b.js'));
    expect(buildAsked(project)).toBe(true);
  });

  it('builds when tsconfig.json changed, the build info is missing, or the last build had errors', async () => {
    const edited = await builtProject();
    await writeFile(join(edited, 'tsconfig.json'), JSON.stringify({ include: ['src'], compilerOptions: {} }));
    expect(buildAsked(edited)).toBe(true);

    const unbuilt = await builtProject();
    await rm(join(unbuilt, 'dist/tsconfig.tsbuildinfo'));
    expect(buildAsked(unbuilt)).toBe(true);

    expect(buildAsked(await builtProject({ version: '5.9.3', errors: true }))).toBe(true);
    expect(buildAsked(await builtProject({ version: '5.9.3', semanticDiagnosticsPerFile: [[1, []]] }))).toBe(true);
  });

  it('passes "run build" to the npm that runs it', async () => {
    const project = await builtProject();
    await rm(join(project, 'dist/tsconfig.tsbuildinfo'));
    buildAsked(project);
    expect(await readFile(join(project, 'build-ran'), 'utf8')).toBe('run build');
  });
});
