import type { z } from '@hono/zod-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_DEFINITION_EXAMPLE } from '../../adapters/input/http/jobs/job-examples.js';
import { SCHEDULE_REQUEST_EXAMPLE } from '../../adapters/input/http/schedules/schedule-examples.js';
import { WEBHOOK_DEFINITION_EXAMPLE } from '../../adapters/input/http/webhooks/webhook-examples.js';
import { startTestApp, type TestApp } from '../support/http-app.js';

interface MediaType {
  schema?: { example?: unknown; $ref?: string };
  example?: unknown;
  examples?: Record<string, unknown>;
}

interface Operation {
  requestBody?: { content?: Record<string, MediaType> };
  responses?: Record<string, { content?: Record<string, MediaType> }>;
}

interface Document {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, { example?: unknown }> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Where a body of the document has no schema or no example: `POST /api/v1/jobs request`, `GET /x 200`, ... */
function bodiesWithoutExample(document: Document): string[] {
  const missing: string[] = [];
  const hasExample = (media: MediaType) => {
    if (media.example !== undefined || (media.examples && Object.keys(media.examples).length > 0)) return true;
    if (media.schema?.example !== undefined) return true;
    const ref = media.schema?.$ref?.replace('#/components/schemas/', '');
    return ref !== undefined && document.components?.schemas?.[ref]?.example !== undefined;
  };
  const check = (where: string, content: Record<string, MediaType> | undefined) => {
    for (const [type, media] of Object.entries(content ?? {})) {
      // Event streams and the metrics text are not JSON documents: they are described in words.
      if (type === 'text/event-stream' || type.startsWith('text/plain')) continue;
      if (!media.schema) missing.push(`${where} (${type}): no schema`);
      else if (!hasExample(media)) missing.push(`${where} (${type}): no example`);
    }
  };
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (!METHODS.includes(method)) continue;
      const name = `${method.toUpperCase()} ${path}`;
      check(`${name} request`, operation.requestBody?.content);
      for (const [status, response] of Object.entries(operation.responses ?? {})) check(`${name} ${status}`, response.content);
    }
  }
  return missing;
}

interface DeclaredRoute {
  method: string;
  path: string;
  request?: { body?: { content: Record<string, { schema: z.ZodType }> } };
  responses: Record<string, { content?: Record<string, { schema: z.ZodType }> }>;
}

/** Every example the document gives a body, each with the zod schema the route declared for that body. */
function examplesWithSchemas(document: Document, routes: DeclaredRoute[]) {
  const found: { where: string; example: unknown; schema: z.ZodType }[] = [];
  const undocumented: string[] = [];
  const collect = (where: string, media: MediaType | undefined, schema: z.ZodType) => {
    const ref = media?.schema?.$ref?.replace('#/components/schemas/', '');
    // What Swagger UI shows: the body's own examples, else its schema's.
    const named = Object.values(media?.examples ?? {}).map((example) => (example as { value?: unknown }).value);
    const own = media?.example !== undefined ? [media.example, ...named] : named;
    const examples = own.length > 0 ? own : [media?.schema?.example ?? (ref && document.components?.schemas?.[ref]?.example)];
    for (const example of examples) if (example !== undefined) found.push({ where, example, schema });
  };
  for (const route of routes) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    const operation = document.paths[path]?.[route.method];
    const name = `${route.method.toUpperCase()} ${path}`;
    if (!operation) undocumented.push(name);
    for (const [type, { schema }] of Object.entries(route.request?.body?.content ?? {})) {
      collect(`${name} request (${type})`, operation?.requestBody?.content?.[type], schema);
    }
    for (const [status, response] of Object.entries(route.responses)) {
      for (const [type, { schema }] of Object.entries(response.content ?? {})) {
        collect(`${name} ${status} (${type})`, operation?.responses?.[status]?.content?.[type], schema);
      }
    }
  }
  return { found, undocumented };
}

describe('the OpenAPI document', () => {
  let api: TestApp;
  beforeAll(async () => {
    api = await startTestApp();
  });
  afterAll(async () => api.close());

  it('gives every request body and every response a schema and an example', async () => {
    const document = (await (await api.request('/openapi.json')).json()) as Document;
    expect(Object.keys(document.paths).length).toBeGreaterThan(20);
    expect(bodiesWithoutExample(document)).toEqual([]);
  });

  it('gives examples that the schemas they illustrate accept, problems with the status they are served with', async () => {
    const document = (await (await api.request('/openapi.json')).json()) as Document;
    const routes = api.app.openAPIRegistry.definitions.flatMap((definition) =>
      definition.type === 'route' ? [definition.route as unknown as DeclaredRoute] : [],
    );
    const { found: examples, undocumented } = examplesWithSchemas(document, routes);
    expect(undocumented, 'every declared route is found in the document').toEqual([]);
    expect(examples.length).toBeGreaterThan(100);
    const rejected = examples.flatMap(({ where, example, schema }) => {
      const result = schema.safeParse(example);
      return result.success ? [] : [`${where}: ${result.error.message}`];
    });
    expect(rejected).toEqual([]);
    const misfiled = examples.filter(({ where, example }) => {
      const status = /^\S+ \S+ (\d{3}) \(application\/problem\+json\)$/.exec(where)?.[1];
      return status !== undefined && (example as { status?: number }).status !== Number(status);
    });
    expect(misfiled.map(({ where }) => where)).toEqual([]);
  });

  it('takes the request examples as they are', async () => {
    const created = await api.request('/api/v1/jobs', { method: 'POST', json: JOB_DEFINITION_EXAMPLE });
    expect(created.status).toBe(201);
    const { id } = await created.json();
    const scheduled = await api.request(`/api/v1/jobs/${id}/schedule`, { method: 'POST', json: SCHEDULE_REQUEST_EXAMPLE });
    expect(scheduled.status).toBe(200);
    const replaced = await api.request(`/api/v1/jobs/${id}`, { method: 'PUT', json: JOB_DEFINITION_EXAMPLE });
    expect(replaced.status).toBe(200);
    const webhook = await api.request('/api/v1/webhooks', { method: 'POST', json: WEBHOOK_DEFINITION_EXAMPLE });
    expect(webhook.status).toBe(201);
  });

  it('finds a body without an example', () => {
    const document: Document = {
      paths: { '/x': { post: { requestBody: { content: { 'application/json': { schema: {} } } }, responses: { '200': {} } } } },
    };
    expect(bodiesWithoutExample(document)).toEqual(['POST /x request (application/json): no example']);
  });
});
