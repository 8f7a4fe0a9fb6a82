// Runs before the incremental compile of `npm run build` and keeps dist/ in step with the sources. tsc never
// deletes the output of a source file that was deleted or renamed, and that output would still run if something
// names it (`npm start` names dist/cmd/server.js); so every compiled file whose source is gone is removed here.
// And `tsc -b` trusts its build info, not the outputs: if a source has no compiled file (part of dist/ deleted by
// hand), the build info goes too, and tsc compiles everything again.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';

const outDir = 'dist';
const buildInfo = join(outDir, 'tsconfig.tsbuildinfo');
const { include } = JSON.parse(readFileSync('tsconfig.json', 'utf8'));

const filesUnder = (dir) =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => join(entry.parentPath, entry.name))
    : [];

for (const folder of include) {
  for (const output of filesUnder(join(outDir, folder))) {
    const source = relative(outDir, output).replace(/\.js(\.map)?$/, '.ts');
    if (!existsSync(source)) rmSync(output);
  }
  for (const source of filesUnder(folder).filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))) {
    if (!existsSync(join(outDir, source.replace(/\.ts$/, '.js')))) rmSync(buildInfo, { force: true });
  }
}
