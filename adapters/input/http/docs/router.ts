import { OpenAPIHono } from '@hono/zod-openapi';
import type { AccessControl } from '../../../../domain/ports/input/access-control.js';
import { ACCESS } from '../access/access-table.js';
import { guardRoutes } from '../access/guard.js';
import { HttpProblem } from '../problem.js';
import { REFERENCE_PAGE, REFERENCE_POLICY, referenceFile } from './reference-files.js';
import * as plainRoutes from './routes.js';

/** `GET /docs`: the API reference, built in the browser from `/openapi.json`; `GET /` leads to the web console. Mounted at the root. */
export function createDocsRouter(access: AccessControl) {
  const routes = guardRoutes(plainRoutes, ACCESS.docs, access);
  return new OpenAPIHono()
    .openapi(routes.home, (c) => c.redirect('/ui', 302))
    .openapi(routes.reference, (c) => {
      c.header('Content-Security-Policy', REFERENCE_POLICY);
      c.header('X-Content-Type-Options', 'nosniff');
      return c.html(REFERENCE_PAGE, 200);
    })
    .openapi(routes.referenceFile, async (c) => {
      const { file } = c.req.valid('param');
      const found = await referenceFile(file);
      if (!found) {
        throw new HttpProblem({ status: 404, code: 'ROUTE_NOT_FOUND', title: 'Not found', detail: `No file '${file}' under /docs` });
      }
      c.header('Content-Type', found.contentType);
      c.header('Cache-Control', 'public, max-age=3600');
      c.header('X-Content-Type-Options', 'nosniff');
      return c.body(found.body as string, 200);
    });
}
