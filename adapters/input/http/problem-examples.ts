import { problemDocument, validationProblem } from './problem.js';

/**
 * Problems as a client meets them, for the OpenAPI document: the ones the HTTP layer raises on any route. A
 * resource's own problems (JOB_NOT_FOUND, ...) sit in the examples module of that resource, built the same way.
 */
export type ProblemExample = ReturnType<typeof problemDocument>;

export const INVALID_JOB_PROBLEM: ProblemExample = problemDocument(
  validationProblem([
    { path: 'entry_class', message: "unknown field; did you mean 'entryClass'?" },
    { path: 'entryClass', message: 'required' },
  ]),
  '/api/v1/jobs',
);

export const MALFORMED_JSON_PROBLEM: ProblemExample = problemDocument(
  {
    status: 400,
    code: 'MALFORMED_JSON',
    title: 'Malformed JSON',
    detail: 'The request body is not valid JSON: Expected property name or \'}\' in JSON at position 2',
  },
  '/api/v1/jobs',
);

export const PAYLOAD_TOO_LARGE_PROBLEM: ProblemExample = problemDocument(
  {
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    title: 'Request body too large',
    detail: 'The request body exceeds 1048576 bytes',
  },
  '/api/v1/jobs',
);

export const UNSUPPORTED_MEDIA_TYPE_PROBLEM: ProblemExample = problemDocument(
  {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    title: 'Unsupported media type',
    detail: "Expected Content-Type application/json, got 'text/plain'",
  },
  '/api/v1/jobs',
);

export const STORAGE_UNAVAILABLE_PROBLEM: ProblemExample = problemDocument(
  { status: 503, code: 'STORAGE_UNAVAILABLE', title: 'Database unavailable', detail: 'The database is unavailable' },
  '/metrics',
);

export const INVALID_CONTINUATION_TOKEN_PROBLEM: ProblemExample = problemDocument(
  {
    status: 400,
    code: 'INVALID_CONTINUATION_TOKEN',
    title: 'Invalid continuation token',
    detail: 'The continuationToken cannot be used: it belongs to a query with other filters',
    errors: [{ path: 'continuationToken', message: 'it belongs to a query with other filters' }],
  },
  '/api/v1/jobs',
);
