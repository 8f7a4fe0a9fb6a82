import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** The files of Swagger UI the page loads, served from the installed package: the page works offline. */
const PACKAGE_FILES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

/** Starts Swagger UI on the page; a file of its own rather than inline, so the page's CSP allows no inline script. */
const START_SCRIPT = `window.ui = SwaggerUIBundle({
  url: 'openapi.json',
  dom_id: '#reference',
  deepLinking: true,
  defaultModelsExpandDepth: 0,
});
`;

export const REFERENCE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Flink job scheduler: API reference</title>
<link rel="stylesheet" href="docs/swagger-ui.css">
<link rel="icon" type="image/png" href="docs/favicon-32x32.png">
</head>
<body>
<div id="reference"></div>
<script src="docs/swagger-ui-bundle.js"></script>
<script src="docs/start.js"></script>
</body>
</html>
`;

/** What the page may load: its own files only, no other origin. Swagger UI sets inline styles. */
export const REFERENCE_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; font-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export interface ReferenceFile {
  body: Uint8Array | string;
  contentType: string;
}

/** A file the reference page loads, by name; undefined for any other name. */
export async function referenceFile(name: string): Promise<ReferenceFile | undefined> {
  if (name === 'start.js') return { body: START_SCRIPT, contentType: 'text/javascript; charset=utf-8' };
  const contentType = Object.hasOwn(PACKAGE_FILES, name) ? PACKAGE_FILES[name] : undefined;
  if (!contentType) return undefined;
  return { body: await readFile(join(packageFolder(), name)), contentType };
}

let folder: string | undefined;

function packageFolder(): string {
  folder ??= join(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'), '..');
  return folder;
}
