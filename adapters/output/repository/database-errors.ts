import { DrizzleQueryError } from 'drizzle-orm';
import { StorageUnavailableError } from '../../../domain/errors.js';

/** SQLSTATE for a unique-constraint violation. */
const UNIQUE_VIOLATION = '23505';
/**
 * Connection-level failures of postgres.js and node's sockets, a statement cancelled by the server's statement
 * timeout (57014), and SQLSTATE classes 08 (connection) and 57P (shutdown).
 */
const UNAVAILABLE_CODES = new Set([
  '57014',
  'ECONNREFUSED',
  'ECONNRESET',
  // A statement written to a socket the server had already closed ("This socket has been ended by the other party").
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
]);

/** PGlite's only signal that the embedded database was shut down. */
const PGLITE_CLOSED = 'PGlite is closed';

interface CodedError {
  code?: unknown;
  message?: unknown;
  constraint_name?: unknown;
  constraint?: unknown;
}

/** drizzle wraps driver errors (DrizzleQueryError) and drivers wrap socket errors: look along the cause chain. */
function* causeChain(error: unknown): Generator<CodedError> {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    yield current as CodedError;
    current = (current as { cause?: unknown }).cause;
  }
}

/** The name of the unique constraint `error` violated, or undefined if it is another error. */
export function violatedUniqueConstraint(error: unknown): string | undefined {
  for (const link of causeChain(error)) {
    if (link.code === UNIQUE_VIOLATION) {
      return String(link.constraint_name ?? link.constraint ?? '');
    }
  }
  return undefined;
}

/**
 * A statement that failed, named without the values it was given: drizzle's own error lists every parameter in its
 * message and `params` (a job's `config` may hold passwords), and its message can end up in a response or an
 * execution's recorded error. The driver's error (SQLSTATE, constraint) stays as the cause.
 */
export class StatementFailedError extends Error {
  constructor(statement: string, options: { cause?: unknown }) {
    super(`Failed query: ${statement}`, options);
    this.name = 'StatementFailedError';
  }
}

/**
 * Connection failures become StorageUnavailableError (keeping the cause); any other error stays as it is, except
 * that a failed statement loses its parameter values.
 */
export function translateStorageError(error: unknown): unknown {
  const failure = error instanceof DrizzleQueryError ? new StatementFailedError(error.query, { cause: error.cause }) : error;
  for (const link of causeChain(failure)) {
    const code = typeof link.code === 'string' ? link.code : '';
    const closed = link.message === PGLITE_CLOSED;
    if (closed || UNAVAILABLE_CODES.has(code) || code.startsWith('08') || code.startsWith('57P')) {
      return new StorageUnavailableError({ cause: failure });
    }
  }
  return failure;
}

/** Runs a database operation, turning connection failures into StorageUnavailableError. */
export async function withStorageErrors<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw translateStorageError(error);
  }
}
