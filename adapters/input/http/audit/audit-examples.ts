import { EXAMPLE_IDS } from '../example-ids.js';

/** Examples of the OpenAPI document for the audit trail: the deploy key replacing `nightly-aggregation`. */

export const AUDIT_EVENT_EXAMPLE = {
  id: EXAMPLE_IDS.audit,
  at: '2026-11-24T09:45:00.000Z',
  actor: 'ci-deployer',
  role: 'admin',
  action: 'job.replace',
  resourceType: 'job',
  resourceId: EXAMPLE_IDS.job,
  outcome: 200,
  requestId: '7a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  sourceAddress: '10.0.4.17',
  versionBefore: 2,
  versionAfter: 3,
  reason: 'raise parallelism for the holiday peak',
};

export const AUDIT_LIST_EXAMPLE = { events: [AUDIT_EVENT_EXAMPLE], nextContinuationToken: null };
