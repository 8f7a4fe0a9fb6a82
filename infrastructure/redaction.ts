import { pino } from 'pino';

/**
 * The password in a URL's user information (`scheme://user:password@host`). The password runs to the last `@`
 * before the host, as URL parsers read it, so one holding an unencoded `@` is still hidden whole.
 */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@"'\\]*):[^\s/?#"'\\]*@/gi;
/** `password=...` in a libpq keyword/value connection string (`host=db password=secret`). */
const KEYWORD_PASSWORD = /\b(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s'"\\]+)/gi;

/** Hides the passwords of URLs and connection strings anywhere in `text`; user names and hosts stay readable. */
export function redactCredentials(text: string): string {
  if (!text.includes('@') && !/password/i.test(text)) return text;
  return text.replace(URL_PASSWORD, '$1:***@').replace(KEYWORD_PASSWORD, '$1***');
}

/**
 * Error properties that carry values rather than a description: the parameters of a failed statement (drizzle's
 * `params`, postgres.js' `parameters`/`args`, PGlite's `params`/`queryOptions`), PostgreSQL's `detail` ("Key
 * (name)=(...)", "Failing row contains (...)") and `where` ("unnamed portal parameter $1 = '...'"), node's `input`
 * of an invalid URL (a whole connection string) and an HTTP parser error's `rawPacket` (request headers, keys
 * included). The statement itself (`query`) is kept: it says what failed.
 */
const VALUE_FIELDS = new Set(['params', 'parameters', 'args', 'types', 'queryOptions', 'detail', 'where', 'internalQuery', 'input', 'rawPacket']);

/** drizzle's query errors end their message with `\nparams: <every value>`. */
const PARAMS_IN_MESSAGE = '\nparams: ';

/** A copy of `error` and its causes without the values a failed statement was given; same prototype and name. */
function withoutValues(error: Error, depth = 0): Error {
  const copy = Object.create(Object.getPrototypeOf(error)) as Error & Record<string, unknown>;
  for (const [key, value] of Object.entries(error)) {
    if (!VALUE_FIELDS.has(key) && key !== 'cause' && key !== 'errors') copy[key] = value;
  }
  const message = error.message.split(PARAMS_IN_MESSAGE)[0]!;
  Object.defineProperty(copy, 'message', { value: message, writable: true, configurable: true });
  Object.defineProperty(copy, 'stack', { value: error.stack?.replace(error.message, message), writable: true, configurable: true });
  if (depth < 5) {
    if (error.cause instanceof Error) copy.cause = withoutValues(error.cause, depth + 1);
    else if (error.cause !== undefined) copy.cause = error.cause;
    const inner = (error as { errors?: unknown }).errors;
    if (Array.isArray(inner)) copy.errors = inner.map((each) => (each instanceof Error ? withoutValues(each, depth + 1) : each));
  }
  return copy;
}

/** pino's error serializer, fed errors without the values of failed statements. */
export function serializeError(error: unknown): unknown {
  return pino.stdSerializers.err(error instanceof Error ? withoutValues(error) : (error as Error));
}
