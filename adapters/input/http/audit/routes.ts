import { createRoute } from '@hono/zod-openapi';
import { INVALID_CONTINUATION_TOKEN_PROBLEM } from '../problem-examples.js';
import { jsonResponse, problemDoc } from '../responses.js';
import { ListAuditQuerySchema } from './audit-query.js';
import { AuditListSchema } from './audit-resource.js';

/** The audit trail, mounted at /api/v1. */

export const listAuditEvents = createRoute({
  method: 'get',
  path: '/audit',
  summary: 'The audit trail: every mutating request, allowed or refused, newest first',
  request: { query: ListAuditQuerySchema },
  responses: {
    200: jsonResponse(AuditListSchema, 'One page of audit events'),
    400: problemDoc('Bad filter, limit or continuation token', INVALID_CONTINUATION_TOKEN_PROBLEM),
  },
});
