import { EXAMPLE_IDS } from '../example-ids.js';
import { domainProblem, problemDocument } from '../problem.js';

/** Examples of the OpenAPI document for webhooks: the data team's alerting hook, told of every failed run. */

export const WEBHOOK_DEFINITION_EXAMPLE = {
  url: 'https://hooks.example.com/flink',
  description: 'Alerts of the data team',
  eventTypes: ['run.failed', 'schedule.*'],
  jobLabels: { team: 'data' },
  enabled: true,
};

export const WEBHOOK_EXAMPLE = {
  id: EXAMPLE_IDS.webhook,
  ...WEBHOOK_DEFINITION_EXAMPLE,
  disabledReason: null,
  previousSecretExpiresAt: null,
  createdAt: '2026-11-24T08:00:00.000Z',
  updatedAt: '2026-11-24T08:00:00.000Z',
};

export const WEBHOOK_WITH_SECRET_EXAMPLE = { ...WEBHOOK_EXAMPLE, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' };

export const WEBHOOK_LIST_EXAMPLE = { webhooks: [WEBHOOK_EXAMPLE], nextContinuationToken: null };

export const DELIVERY_ATTEMPT_EXAMPLE = {
  at: '2026-11-24T03:00:04.250Z',
  statusCode: 503,
  durationMs: 87,
  responseExcerpt: 'upstream unavailable',
  error: 'the receiver answered 503',
};

export const DELIVERY_EXAMPLE = {
  id: EXAMPLE_IDS.delivery,
  webhookId: EXAMPLE_IDS.webhook,
  eventId: EXAMPLE_IDS.event,
  eventType: 'run.failed',
  jobId: EXAMPLE_IDS.job,
  status: 'failed',
  attempts: [DELIVERY_ATTEMPT_EXAMPLE],
  nextAttemptAt: '2026-11-24T03:00:34.250Z',
  createdAt: '2026-11-24T03:00:04.120Z',
  updatedAt: '2026-11-24T03:00:04.337Z',
};

export const DELIVERY_LIST_EXAMPLE = { deliveries: [DELIVERY_EXAMPLE], nextContinuationToken: null };

export const REPLAYED_EVENTS_EXAMPLE = { queued: 17 };

const WEBHOOK_PATH = `/api/v1/webhooks/${EXAMPLE_IDS.webhook}`;
const DELIVERY_REPLAY = `${WEBHOOK_PATH}/deliveries/${EXAMPLE_IDS.delivery}/replay`;

export const WEBHOOK_NOT_FOUND_PROBLEM = problemDocument(
  domainProblem('WEBHOOK_NOT_FOUND', `Webhook '${EXAMPLE_IDS.webhook}' does not exist`),
  WEBHOOK_PATH,
);

export const DELIVERY_NOT_FOUND_PROBLEM = problemDocument(
  domainProblem(
    'DELIVERY_NOT_FOUND',
    `Delivery '${EXAMPLE_IDS.delivery}' does not exist for this webhook, or its event is past retention`,
  ),
  `${WEBHOOK_PATH}/deliveries/${EXAMPLE_IDS.delivery}`,
);

export const DELIVERY_IN_FLIGHT_PROBLEM = problemDocument(
  domainProblem(
    'DELIVERY_IN_FLIGHT',
    `The event of delivery '${EXAMPLE_IDS.delivery}' is still being delivered to this webhook; replay it once that ends`,
  ),
  DELIVERY_REPLAY,
);

export const WEBHOOK_URL_NOT_ALLOWED_PROBLEM = problemDocument(
  domainProblem(
    'WEBHOOK_URL_NOT_ALLOWED',
    "url cannot be used: host 'hooks.internal.example' is not in WEBHOOK_ALLOWED_HOSTS (hooks.example.com)",
  ),
  '/api/v1/webhooks',
);
