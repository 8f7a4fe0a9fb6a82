import { createRoute, z } from '@hono/zod-openapi';
import { csrf } from 'hono/csrf';
import { pageQuery } from '../pagination.js';
import { problemDoc } from '../responses.js';

/** The web console, mounted at /ui: pages for people, not API operations, so left out of the document. */

const page = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } });

export const jobsPage = createRoute({
  method: 'get',
  path: '/',
  hide: true,
  request: { query: z.object(pageQuery) },
  responses: { 200: page('The jobs, with their schedules, next run times and last runs') },
});

export const jobPage = createRoute({
  method: 'get',
  path: '/jobs/{id}',
  hide: true,
  request: { params: z.object({ id: z.string() }), query: z.object(pageQuery) },
  responses: { 200: page('A job: its definition, schedule, runs on a time line and run history'), 404: page('No such job') },
});

export const executionPage = createRoute({
  method: 'get',
  path: '/executions/{executionId}',
  hide: true,
  request: { params: z.object({ executionId: z.string() }) },
  responses: { 200: page('A run: its status history, error, Flink job and program arguments'), 404: page('No such run') },
});

export const stylesheet = createRoute({
  method: 'get',
  path: '/console.css',
  hide: true,
  responses: { 200: { description: 'The pages’ stylesheet', content: { 'text/css': { schema: z.string() } } } },
});

export const icon = createRoute({
  method: 'get',
  path: '/icon.svg',
  hide: true,
  responses: { 200: { description: 'The pages’ icon', content: { 'image/svg+xml': { schema: z.string() } } } },
});

export const loginPage = createRoute({
  method: 'get',
  path: '/login',
  hide: true,
  responses: { 200: page('The form that takes an API key for the console') },
});

export const login = createRoute({
  method: 'post',
  path: '/login',
  hide: true,
  // A form another site's page posts here is refused: nobody can be signed in with someone else's key.
  middleware: [csrf()],
  request: {
    body: {
      required: true,
      content: { 'application/x-www-form-urlencoded': { schema: z.object({ key: z.string().max(1024) }) } },
    },
  },
  responses: {
    200: page('Signed in: the key is kept in an HttpOnly cookie of the console'),
    401: page('The key is not one this service knows'),
    403: problemDoc('The form came from another site'),
  },
});

export const logout = createRoute({
  method: 'post',
  path: '/logout',
  hide: true,
  responses: { 200: page('Signed out: the cookie is removed') },
});
