import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.js';
import { redactCredentials, serializeError } from './redaction.js';

/** What every log line written while serving one request carries. */
export interface RequestContext {
  requestId: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

/**
 * JSON lines on stdout; inside a request each line gains its `requestId`, wherever in the code it is logged.
 * No line carries a secret: errors are logged without the values of failed statements, and the passwords of URLs
 * (a DATABASE_URL in a driver's error, say) are hidden in every line, whatever logged them.
 */
export function createLogger(level: LogLevel, destination?: NodeJS.WritableStream): Logger {
  const options = {
      level,
      base: { service: 'flink-job-scheduler' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: serializeError },
      hooks: { streamWrite: redactCredentials },
      mixin: () => {
        const context = requestContext.getStore();
        return context ? { requestId: context.requestId } : {};
      },
  } satisfies pino.LoggerOptions;
  return destination ? pino(options, destination) : pino(options);
}
