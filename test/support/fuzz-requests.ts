import fc from 'fast-check';
import { anyJson, dateText, headerText, hostileText, jsonText, percentEncoded, plausibleDate, urlText } from './hostile-input.js';
import { integerIn, type Schema, type SchemaValues } from './schema-values.js';

/**
 * Requests for the routes of an OpenAPI document. Each part (path, query, headers, body) is mostly plain, a form the
 * route takes, and otherwise hostile: a request with one or two hostile parts gets further than one with four.
 */

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema: Schema;
}

interface RequestBody {
  required?: boolean;
  content: Record<string, { schema: Schema }>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: RequestBody }>>;
  components: { schemas: Record<string, Schema> };
}

/** One operation of the OpenAPI document: a route the fuzz test sends requests to. */
export interface Route {
  method: string;
  /** The templated path, `/api/v1/jobs/{id}`. */
  path: string;
  parameters: Parameter[];
  body: { schema: Schema; required: boolean } | undefined;
}

export function routesOf(document: OpenApiDocument): Route[] {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => {
      const schema = operation.requestBody?.content['application/json']?.schema;
      return {
        method: method.toUpperCase(),
        path,
        parameters: operation.parameters ?? [],
        body: schema && { schema, required: operation.requestBody?.required ?? false },
      };
    }),
  );
}

/** What the fuzz test knows: ids to put in paths, page tokens the service issued. */
export interface KnownValues {
  /** Ids that exist, by the name of the path parameter they go in (`id`, `executionId`). */
  ids: Record<string, string[]>;
  /** Ids for the routes under a path prefix, by parameter name, before `ids`: `{id}` of /webhooks is a webhook's. */
  idsUnder?: Record<string, Record<string, string[]>>;
  /** Ids of things that existed and were deleted. */
  goneIds: string[];
  /** A next-page token of a query without filters, by the path of the list that issued it. */
  pageTokens: Record<string, string>;
}

/** A generated request, printed short when fast-check reports it. */
export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

const shortened = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}… (${text.length} characters)` : text);

function describeRequest({ method, url, headers, body }: FuzzRequest): string {
  const shownBody = typeof body === 'string' ? JSON.stringify(shortened(body)) : body && `<${body.length} bytes>`;
  return `${method} ${shortened(url)} ${JSON.stringify(headers)}${shownBody ? ` body ${shownBody}` : ''}`;
}

const plainOrHostile = <T>(plain: fc.Arbitrary<T>, hostile: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary: plain }, { weight: 2, arbitrary: hostile });

// Bodies.

const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'application/problem+json', 'APPLICATION/JSON'];
const OTHER_TYPES = [
  'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'multipart/form-data; boundary=x',
  'application/json; charset=utf-16', 'application/json;', 'application/jsonx', 'application/xml', '*/*', '',
];
const NOT_JSON = ['{', '{"a":', '[1,]', "{'a':1}", '\ufeff{}', 'NaN', 'undefined', 'a=1&b=2', '<x/>', '\u0000', '{}{}', '1 2'];
const TOO_LARGE = 'x'.repeat(1024 * 1024 + 1);

type Body = { body?: string | Uint8Array; contentType?: string };

const NO_BODY: Body = {};
const BLANK_BODY: Body = { body: '', contentType: 'application/json' };

const asJson = (value: fc.Arbitrary<unknown>, contentTypes = JSON_TYPES): fc.Arbitrary<Body> =>
  fc.tuple(value, fc.constantFrom(...contentTypes)).map(([document, contentType]) => ({ body: jsonText(document), contentType }));

/** A body the route takes: valid for its schema, or none where the body is optional. */
function plainBodies(schemaValues: SchemaValues, route: Route): fc.Arbitrary<Body> {
  if (!route.body) return fc.constant(NO_BODY);
  const valid = asJson(schemaValues.valid(route.body.schema), ['application/json']);
  if (route.body.required) return valid;
  return fc.oneof(fc.constantFrom(NO_BODY, BLANK_BODY, { body: '{}', contentType: 'application/json' }), valid);
}

/** Bodies shaped by the route's schema with one member bad, of any type, any JSON, no JSON at all, too large. */
function hostileBodies(schemaValues: SchemaValues, route: Route): fc.Arbitrary<Body> {
  const notJson = fc
    .tuple(
      fc.oneof(fc.constantFrom(...NOT_JSON, TOO_LARGE), fc.string(), fc.uint8Array({ maxLength: 200 })),
      fc.option(fc.constantFrom(...JSON_TYPES, ...OTHER_TYPES), { nil: undefined }),
    )
    .map(([body, contentType]): Body => (contentType === undefined ? { body } : { body, contentType }));
  const schema = route.body?.schema;
  const shaped = schema ? [asJson(schemaValues.nearlyValid(schema)), asJson(schemaValues.hostile(schema))] : [];
  return fc.oneof(
    ...shaped.map((arbitrary) => ({ weight: 3, arbitrary })),
    asJson(anyJson),
    notJson,
    fc.constantFrom(NO_BODY, BLANK_BODY),
  );
}

// Query strings.

const ODD_INTEGERS = ['0x10', '%205', '5%20', '1e1', '+5', '5.0', '', '-0', '%EF%BC%95', '99999999999999999999999', '%00', '1%00'];

/** Page tokens: ones the service issued (used with other filters or on other lists), edited, made up, garbage. */
function continuationTokens(issued: string[]): fc.Arbitrary<string> {
  const real = fc.constantFrom(...issued);
  const edited = fc
    .tuple(real, fc.nat(), fc.constantFrom('A', '_', '.', '%00'))
    .map(([token, at, character]) => token.slice(0, at % token.length) + character + token.slice((at % token.length) + 1));
  const forged = fc
    .tuple(fc.oneof(anyJson, fc.record({ p: anyJson, f: anyJson })), fc.string({ maxLength: 43 }))
    .map(([payload, signature]) => `${Buffer.from(jsonText(payload)).toString('base64url')}.${percentEncoded(signature)}`);
  return fc.oneof(real, edited, forged, urlText, fc.constantFrom('.', '..', 'a.b.c', '%2E'));
}

/** A value for a declared query parameter, percent-encoded: one it takes, or (unless `plausible`) a bad one. */
function queryValue({ name, schema }: Parameter, known: KnownValues, plausible: boolean): fc.Arbitrary<string> {
  if (schema.type === 'integer') {
    const [min, max] = [schema.minimum ?? 0, schema.maximum ?? 1_000_000];
    const good = integerIn(min, max).map(String);
    if (plausible) return good;
    return fc.oneof(good, fc.constantFrom(String(min - 1), String(max + 1), ...ODD_INTEGERS));
  }
  if (name === 'continuationToken') return continuationTokens(Object.values(known.pageTokens));
  const word = fc.string({ minLength: 1, maxLength: 20 });
  const good = schema.enum
    ? fc.constantFrom(...schema.enum.map(String))
    : schema.format === 'date-time'
      ? plausibleDate
      : fc.oneof(word, fc.tuple(word, word).map(([key, value]) => `${key}:${value}`));
  if (plausible) return good.map(percentEncoded);
  const bad = schema.format === 'date-time' ? dateText : hostileText;
  return fc.oneof(good.map(percentEncoded), bad.map(percentEncoded), urlText);
}

/**
 * Plain: the declared parameters with values they take, or the next page of the list without filters. Hostile:
 * those with bad values, repeated, names nobody declared, names without values.
 */
function queries(route: Route, known: KnownValues): fc.Arbitrary<string> {
  const declared = route.parameters.filter((parameter) => parameter.in === 'query');
  const pairOf = (parameters: Parameter[], plausible: boolean) =>
    fc
      .constantFrom(...parameters)
      .chain((parameter) => queryValue(parameter, known, plausible).map((value) => `${parameter.name}=${value}`));
  const query = (pairs: fc.Arbitrary<string[]>) => pairs.map((chosen) => (chosen.length > 0 ? `?${chosen.join('&')}` : ''));

  const plain: fc.Arbitrary<string>[] = [fc.constant('')];
  const filters = declared.filter((parameter) => parameter.name !== 'continuationToken');
  if (filters.length > 0) {
    const distinct = { minLength: 1, maxLength: 3, selector: (pair: string) => pair.split('=')[0] };
    plain.push(query(fc.uniqueArray(pairOf(filters, true), distinct)));
  }
  const pageToken = known.pageTokens[route.path];
  if (pageToken) plain.push(fc.constant(`?continuationToken=${pageToken}`));

  const anyPair = fc.oneof(
    ...(declared.length > 0 ? [pairOf(declared, false)] : []),
    fc.tuple(urlText, urlText).map(([name, value]) => `${name}=${value}`),
    fc.oneof(urlText, fc.constantFrom(...declared.map((parameter) => parameter.name), '=', '&')),
  );
  return plainOrHostile(fc.oneof(...plain), query(fc.array(anyPair, { minLength: 1, maxLength: 6 })));
}

// Paths and headers.

/** Plain: an id that exists. Hostile: an id of something else or of something gone, a random UUID, any text. */
function pathValues(known: KnownValues, name: string, routePath: string): fc.Arbitrary<string> {
  const scoped = Object.entries(known.idsUnder ?? {}).find(([prefix]) => routePath.startsWith(prefix))?.[1] ?? {};
  const everyScoped = Object.values(known.idsUnder ?? {}).flatMap((ids) => Object.values(ids).flat());
  const everyId = [...Object.values(known.ids).flat(), ...everyScoped, ...known.goneIds];
  const real = fc.constantFrom(...(scoped[name] ?? known.ids[name] ?? everyId));
  const hostile = fc.oneof(
    fc.constantFrom(...everyId),
    real.map((id) => id.toUpperCase()),
    fc.tuple(real, urlText).map(([id, junk]) => id + junk),
    fc.uuid(),
    urlText,
    fc.constantFrom('00000000-0000-0000-0000-000000000000', '.', '..', ' ', 'null'),
  );
  return plainOrHostile(real, hostile);
}

/** Plain: none. Hostile: any of the headers the service reads, with any value a Headers object takes. */
function headers(): fc.Arbitrary<Record<string, string>> {
  const sometimes = fc.option(headerText, { freq: 2, nil: undefined });
  const chosen = fc
    .record({ 'If-Match': sometimes, 'X-Operator-Reason': sometimes, 'X-Request-Id': sometimes })
    .map((values) => Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Record<string, string>);
  return plainOrHostile(fc.constant({}), chosen);
}

/** Every part of a request to this route generated: path, query, headers, body. */
export function requestsFor(route: Route, known: KnownValues, schemaValues: SchemaValues): fc.Arbitrary<FuzzRequest> {
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
  const path = fc
    .tuple(...names.map((name) => pathValues(known, name, route.path)))
    .map((values) => names.reduce((text, name, index) => text.replace(`{${name}}`, values[index]!), route.path));
  const body =
    route.method === 'GET' || route.method === 'HEAD'
      ? fc.constant(NO_BODY)
      : plainOrHostile(plainBodies(schemaValues, route), hostileBodies(schemaValues, route));
  return fc.tuple(path, queries(route, known), headers(), body).map(([pathText, query, chosenHeaders, chosenBody]) => {
    const request: FuzzRequest = {
      method: route.method,
      url: `http://localhost${pathText}${query}`,
      headers: { ...chosenHeaders, ...(chosenBody.contentType !== undefined ? { 'Content-Type': chosenBody.contentType } : {}) },
      ...(chosenBody.body !== undefined ? { body: chosenBody.body } : {}),
    };
    return Object.assign(request, { [fc.toStringMethod]: () => describeRequest(request) });
  });
}
