// Runs before `npm start`: `npm run build` unless dist/ is current. `tsc -b` finds a current build current too, but
// loading the compiler to find it out takes half a second of CPU and another npm; this checks what `tsc -b` checks,
// by timestamps: the build info is newer than every source, every folder (a file deleted, added or renamed changes
// its folder's) and tsconfig.json; every source has its output; and the last build left no errors or pending work.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const outDir = 'dist';
const buildInfo = join(outDir, 'tsconfig.tsbuildinfo');
/** What `tsc -b` writes into its build info when the build had errors or left work undone. */
const UNFINISHED = ['errors', 'semanticDiagnosticsPerFile', 'emitDiagnosticsPerFile', 'affectedFilesPendingEmit', 'changeFileSet', 'pendingEmit'];

function isCurrent() {
  if (!existsSync(buildInfo)) return false;
  const info = JSON.parse(readFileSync(buildInfo, 'utf8'));
  if (UNFINISHED.some((key) => key in info)) return false;
  const builtAt = statSync(buildInfo).mtimeMs;
  const newer = (path) => statSync(path).mtimeMs > builtAt;
  const { include } = JSON.parse(readFileSync('tsconfig.json', 'utf8'));
  if (newer('tsconfig.json')) return false;
  for (const folder of include) {
    if (newer(folder)) return false;
    for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
      const path = join(entry.parentPath, entry.name);
      if (newer(path)) return false;
      if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.d.ts')) continue;
      if (!existsSync(join(outDir, path.replace(/\.ts$/, '.js')))) return false;
    }
  }
  return true;
}

if (!isCurrent()) {
  // npm_execpath: the npm that runs this script, whatever the platform calls it.
  const npm = process.env.npm_execpath;
  const build = npm
    ? spawnSync(process.execPath, [npm, 'run', 'build'], { stdio: 'inherit' })
    : spawnSync('npm', ['run', 'build'], { stdio: 'inherit', shell: true });
  process.exit(build.status ?? 1);
}
