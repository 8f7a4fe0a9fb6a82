import type postgres from 'postgres';

/**
 * How many statement texts a client prepares at most; later new texts are sent unnamed, as drizzle sends them.
 * The service's statements have a fixed set of shapes (lists of values go in one array or JSON parameter), a few
 * hundred at most; the cap bounds what each connection keeps on the server should some text vary without end.
 */
export const MAX_PREPARED_TEXTS = 1_000;

type Client = postgres.Sql<Record<string, never>>;

/**
 * Makes `client` prepare every statement drizzle sends, the ones it builds per call included, and returns it.
 * drizzle names only the statements it is told to prepare and sends the rest unnamed, and postgres.js sends an
 * unnamed statement that has parameters in two round trips (parse and describe, wait for the parameter types, then
 * bind and execute), with a parse and a plan on the server each time. Prepared, a statement is one round trip from
 * its second use on each connection, and its plan may be cached. Transactions and savepoints hand drizzle clients
 * of their own: they are changed the same way.
 */
export function preparingClient(client: Client, texts = new Set<string>()): Client {
  const prepares = (query: string): boolean => {
    if (texts.has(query)) return true;
    if (texts.size >= MAX_PREPARED_TEXTS) return false;
    texts.add(query);
    return true;
  };
  const unsafe = client.unsafe.bind(client);
  client.unsafe = (query, parameters, options) => unsafe(query, parameters, { ...options, prepare: prepares(query) });
  // `begin` and `savepoint` take the function to run with the transaction's client last.
  for (const name of ['begin', 'savepoint'] as const) {
    const method = (client as unknown as Record<string, ((...args: unknown[]) => unknown) | undefined>)[name];
    if (!method) continue;
    Object.assign(client, {
      [name]: (...args: unknown[]) => {
        const run = args.pop() as (tx: Client) => unknown;
        return method.call(client, ...args, (tx: Client) => run(preparingClient(tx, texts)));
      },
    });
  }
  return client;
}
