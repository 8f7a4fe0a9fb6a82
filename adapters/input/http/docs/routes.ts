import { createRoute, z } from '@hono/zod-openapi';
import { problemDoc } from '../responses.js';

/** The interactive API reference, mounted at the root; pages, not API operations, so left out of the document. */

export const home = createRoute({
  method: 'get',
  path: '/',
  hide: true,
  responses: { 302: { description: 'To the web console' } },
});

export const reference = createRoute({
  method: 'get',
  path: '/docs',
  hide: true,
  responses: { 200: { description: 'The API reference page', content: { 'text/html': { schema: z.string() } } } },
});

export const referenceFile = createRoute({
  method: 'get',
  path: '/docs/{file}',
  hide: true,
  request: { params: z.object({ file: z.string() }) },
  responses: {
    200: { description: 'A file the page loads' },
    404: problemDoc('No such file'),
  },
});
