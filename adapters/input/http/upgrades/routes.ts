import { createRoute } from '@hono/zod-openapi';
import { JOB_NOT_FOUND_PROBLEM } from '../jobs/job-examples.js';
import { JobIdParams } from '../path-params.js';
import { INVALID_CONTINUATION_TOKEN_PROBLEM } from '../problem-examples.js';
import { jsonResponse, problemDoc } from '../responses.js';
import { UPGRADE_NOT_FOUND_PROBLEM } from './upgrade-examples.js';
import { ListUpgradesQuerySchema, UpgradeIdParams, UpgradeListSchema, UpgradeSchema } from './upgrade-resource.js';

/** Upgrades of running jobs to a new version (started by a replace or rollback with `?upgrade=`). Mounted at /api/v1. */

export const listUpgrades = createRoute({
  method: 'get',
  path: '/jobs/{id}/upgrades',
  summary: "A job's upgrades, newest first",
  request: { params: JobIdParams, query: ListUpgradesQuerySchema },
  responses: {
    200: jsonResponse(UpgradeListSchema, 'One page of upgrades'),
    400: problemDoc('Bad limit or continuation token', INVALID_CONTINUATION_TOKEN_PROBLEM),
    404: problemDoc('JOB_NOT_FOUND: the id is malformed or no job ever had it', JOB_NOT_FOUND_PROBLEM),
  },
});

export const getUpgrade = createRoute({
  method: 'get',
  path: '/upgrades/{upgradeId}',
  summary: 'An upgrade: its state, its runs, the state it restored from, and why it failed',
  request: { params: UpgradeIdParams },
  responses: { 200: jsonResponse(UpgradeSchema, 'The upgrade'), 404: problemDoc('UPGRADE_NOT_FOUND', UPGRADE_NOT_FOUND_PROBLEM) },
});
