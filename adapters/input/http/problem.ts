import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DomainError, FlinkError, InvalidFieldError } from '../../../domain/errors.js';
import { InvalidTemplateError } from '../../../domain/template-errors.js';

export interface FieldError {
  path: string;
  message: string;
}

/** An RFC 9457 problem document with the stable `code` clients switch on. */
export interface Problem {
  status: ContentfulStatusCode;
  code: string;
  title: string;
  detail: string;
  errors?: FieldError[];
  /** Headers the answer carries besides Content-Type (WWW-Authenticate on a 401). */
  headers?: Record<string, string>;
}

/** Every domain error code and the HTTP status it is served with: the one place that decides it. */
const STATUS_BY_CODE: Record<string, { status: ContentfulStatusCode; title: string }> = {
  JOB_NOT_FOUND: { status: 404, title: 'Job not found' },
  JOB_VERSION_NOT_FOUND: { status: 404, title: 'Job version not found' },
  JOB_NAME_TAKEN: { status: 409, title: 'Job name already taken' },
  JOB_VERSION_MISMATCH: { status: 412, title: 'Job version does not match' },
  STORAGE_UNAVAILABLE: { status: 503, title: 'Database unavailable' },
  JAR_URL_NOT_ALLOWED: { status: 400, title: 'JAR location not allowed' },
  VALIDATION_FAILED: { status: 400, title: 'Invalid request' },
  SCHEDULE_NOT_FOUND: { status: 404, title: 'Schedule not found' },
  SCHEDULE_ALREADY_TRIGGERED: { status: 409, title: 'Schedule already triggered at this instant' },
  EXECUTION_NOT_FOUND: { status: 404, title: 'Execution not found' },
  JOB_ALREADY_RUNNING: { status: 409, title: 'Job already running' },
  JOB_CHANGED: { status: 409, title: 'Job changed during the request' },
  JOB_NOT_RUNNING: { status: 409, title: 'Job not running' },
  NO_SAVEPOINT: { status: 409, title: 'No savepoint to restore from' },
  SAVEPOINT_DIR_NOT_CONFIGURED: { status: 409, title: 'No savepoint folder configured' },
  EXECUTION_NOT_FAILED: { status: 409, title: 'Execution did not fail' },
  EXECUTION_ALREADY_RETRIED: { status: 409, title: 'Execution already retried' },
  WEBHOOK_NOT_FOUND: { status: 404, title: 'Webhook not found' },
  DELIVERY_NOT_FOUND: { status: 404, title: 'Delivery not found' },
  DELIVERY_IN_FLIGHT: { status: 409, title: 'Delivery still in flight' },
  WEBHOOK_URL_NOT_ALLOWED: { status: 400, title: 'Webhook URL not allowed' },
  INVALID_TEMPLATE: { status: 400, title: 'Placeholder cannot be resolved' },
  BACKFILL_NEEDS_SCHEDULE: { status: 409, title: 'Job has no schedule' },
  BACKFILL_TOO_LARGE: { status: 400, title: 'Backfill too large' },
  BACKFILL_NOT_FOUND: { status: 404, title: 'Backfill not found' },
  BACKFILL_ENDED: { status: 409, title: 'Backfill already ended' },
  SAVEPOINT_NOT_FOUND: { status: 404, title: 'Savepoint not found' },
  SAVEPOINT_PENDING: { status: 409, title: 'Savepoint still being taken' },
  UPGRADE_NOT_POSSIBLE: { status: 409, title: 'Run cannot be upgraded now' },
  UPGRADE_IN_PROGRESS: { status: 409, title: 'Upgrade already in progress' },
  UPGRADE_NOT_FOUND: { status: 404, title: 'Upgrade not found' },
  // A plan check that Flink or the JAR refused: the definition is at fault, as the cause says.
  JOB_GRAPH_FAILED: { status: 422, title: 'Job graph cannot be built' },
  JAR_DOWNLOAD_FAILED: { status: 422, title: 'JAR cannot be downloaded' },
  JAR_TOO_LARGE: { status: 422, title: 'JAR too large' },
  JAR_CHECKSUM_MISMATCH: { status: 422, title: 'JAR checksum does not match' },
  // A read the service passes on to Flink (a run's exception history) and Flink could not answer.
  FLINK_UNREACHABLE: { status: 503, title: 'Flink unreachable' },
  FLINK_REQUEST_FAILED: { status: 502, title: 'Flink request failed' },
};

/** The body served for a problem met at `instance` (the request's path). */
export function problemDocument(problem: Problem, instance: string) {
  return {
    type: `urn:problem-type:flink-job-scheduler:${problem.code.toLowerCase().replaceAll('_', '-')}`,
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    code: problem.code,
    instance,
    ...(problem.errors ? { errors: problem.errors } : {}),
  };
}

export function problemResponse(c: Context, problem: Problem): Response {
  const body = problemDocument(problem, c.req.path);
  return c.body(JSON.stringify(body), problem.status, { ...problem.headers, 'Content-Type': 'application/problem+json' });
}

/** A domain error's problem as the mapping table serves it, for documentation: status and title from the table. */
export function domainProblem(code: string, detail: string): Problem {
  const mapping = STATUS_BY_CODE[code];
  if (!mapping) throw new Error(`${code} is not a domain error code of the mapping table`);
  return { status: mapping.status, code, title: mapping.title, detail };
}

/** A field's path as problems name it: `config.key`, `args[1]`, `retryPolicy.maxAttempts`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, part) => {
    if (typeof part === 'number') return `${text}[${part}]`;
    return text ? `${text}.${String(part)}` : String(part);
  }, '');
}

export function validationProblem(errors: FieldError[]): Problem {
  const detail =
    errors.length === 1
      ? `${errors[0]!.path || 'The request'}: ${errors[0]!.message}`
      : `${errors.length} fields are invalid; see errors`;
  return { status: 400, code: 'VALIDATION_FAILED', title: 'Invalid request', detail, errors };
}

/** Problems the HTTP layer raises itself (bad media type, oversized body...). */
export class HttpProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
}

/**
 * Turns any error into the problem served for it. Unknown errors become a bare 500 that reveals nothing
 * internal; `isExpected` tells the caller whether the error deserves a stack trace in the log.
 */
export function problemFor(error: unknown): { problem: Problem; isExpected: boolean } {
  if (error instanceof HttpProblem) return { problem: error.problem, isExpected: true };
  if (error instanceof InvalidFieldError) {
    return { problem: validationProblem([{ path: error.field, message: error.reason }]), isExpected: true };
  }
  if (error instanceof InvalidTemplateError) {
    const errors = error.problems.map(({ field, placeholder, reason }) => ({ path: field, message: `${placeholder}: ${reason}` }));
    return { problem: { ...problemOfDomainError(error), errors }, isExpected: true };
  }
  if (error instanceof FlinkError && STATUS_BY_CODE[error.code]) {
    return { problem: problemOfDomainError(error), isExpected: true };
  }
  if (error instanceof DomainError) {
    const problem = problemOfDomainError(error);
    return { problem, isExpected: problem.status < 500 };
  }
  if (isBrokenOffRequest(error)) {
    return {
      problem: { status: 400, code: 'BAD_REQUEST', title: 'Bad request', detail: 'The request body broke off before its end' },
      isExpected: true,
    };
  }
  if (error instanceof HTTPException && error.status < 500) {
    return {
      problem: { status: error.status, code: 'BAD_REQUEST', title: 'Bad request', detail: error.message },
      isExpected: true,
    };
  }
  return {
    problem: {
      status: 500,
      code: 'INTERNAL_ERROR',
      title: 'Internal error',
      detail: 'The service failed to handle the request; the log has the details under this request id',
    },
    isExpected: false,
  };
}

/** The problem of a domain error, with the status and title its code is served with. */
function problemOfDomainError(error: DomainError | FlinkError): Problem {
  const mapping = STATUS_BY_CODE[error.code] ?? { status: 422 as const, title: 'Request cannot be carried out' };
  return { status: mapping.status, code: error.code, title: mapping.title, detail: error.message };
}

/**
 * node's error for a request whose body broke off: its parser refused the rest (bad chunked encoding; the client got
 * its 400 from the parser) or the client went away. Either way the client's doing, not the service's failure.
 */
function isBrokenOffRequest(error: unknown): boolean {
  return error instanceof Error && error.message === 'aborted' && (error as { code?: unknown }).code === 'ECONNRESET';
}
