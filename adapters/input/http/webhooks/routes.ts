import { createRoute } from '@hono/zod-openapi';
import { DeliveryIdParams, WebhookIdParams } from '../path-params.js';
import { INVALID_CONTINUATION_TOKEN_PROBLEM } from '../problem-examples.js';
import { jsonBody, jsonBodyChecks, noOptionsBody, optionalJsonBodyChecks } from '../request-body.js';
import { bodyProblems, jsonResponse, problemDoc } from '../responses.js';
import { DeliveryListSchema, DeliverySchema, ReplayedEventsSchema } from './delivery-resource.js';
import {
  DELIVERY_IN_FLIGHT_PROBLEM,
  DELIVERY_NOT_FOUND_PROBLEM,
  WEBHOOK_NOT_FOUND_PROBLEM,
  WEBHOOK_URL_NOT_ALLOWED_PROBLEM,
} from './webhook-examples.js';
import {
  ListDeliveriesQuerySchema,
  ListWebhooksQuerySchema,
  ReplaySinceQuerySchema,
  WebhookDefinitionSchema,
} from './webhook-requests.js';
import { WebhookListSchema, WebhookSchema, WebhookWithSecretSchema } from './webhook-resource.js';

/** Webhooks and their deliveries, mounted at /api/v1. */

export const createWebhook = createRoute({
  method: 'post',
  path: '/webhooks',
  summary: 'Create a webhook',
  description: 'The answer carries the signing secret; it is never shown again.',
  middleware: jsonBodyChecks,
  request: { body: jsonBody(WebhookDefinitionSchema) },
  responses: {
    201: jsonResponse(WebhookWithSecretSchema, 'The stored webhook with its secret; Location names it'),
    400: problemDoc('Invalid, missing or unknown fields, or WEBHOOK_URL_NOT_ALLOWED', WEBHOOK_URL_NOT_ALLOWED_PROBLEM),
    ...bodyProblems,
  },
});

export const listWebhooks = createRoute({
  method: 'get',
  path: '/webhooks',
  summary: 'List webhooks, oldest first',
  request: { query: ListWebhooksQuerySchema },
  responses: {
    200: jsonResponse(WebhookListSchema, 'One page of webhooks'),
    400: problemDoc('Bad limit or continuation token', INVALID_CONTINUATION_TOKEN_PROBLEM),
  },
});

export const getWebhook = createRoute({
  method: 'get',
  path: '/webhooks/{id}',
  summary: 'Read one webhook',
  request: { params: WebhookIdParams },
  responses: {
    200: jsonResponse(WebhookSchema, 'The webhook'),
    404: problemDoc('WEBHOOK_NOT_FOUND', WEBHOOK_NOT_FOUND_PROBLEM),
  },
});

export const replaceWebhook = createRoute({
  method: 'put',
  path: '/webhooks/{id}',
  summary: 'Replace a webhook definition',
  description: 'Its secret and deliveries stay. Turning it on again clears `disabledReason`.',
  middleware: jsonBodyChecks,
  request: { params: WebhookIdParams, body: jsonBody(WebhookDefinitionSchema) },
  responses: {
    200: jsonResponse(WebhookSchema, 'The replaced webhook'),
    400: problemDoc('Invalid, missing or unknown fields, or WEBHOOK_URL_NOT_ALLOWED', WEBHOOK_URL_NOT_ALLOWED_PROBLEM),
    404: problemDoc('WEBHOOK_NOT_FOUND', WEBHOOK_NOT_FOUND_PROBLEM),
    ...bodyProblems,
  },
});

export const deleteWebhook = createRoute({
  method: 'delete',
  path: '/webhooks/{id}',
  summary: 'Delete a webhook with its deliveries',
  request: { params: WebhookIdParams },
  responses: { 204: { description: 'Deleted' }, 404: problemDoc('WEBHOOK_NOT_FOUND', WEBHOOK_NOT_FOUND_PROBLEM) },
});

export const rotateWebhookSecret = createRoute({
  method: 'post',
  path: '/webhooks/{id}/rotate-secret',
  summary: 'Give a webhook a new signing secret',
  description:
    'The answer carries the new secret, shown this once. The one before keeps signing deliveries beside it ' +
    'until `previousSecretExpiresAt` (24 hours), so receivers can switch over. The body may be left out.',
  middleware: optionalJsonBodyChecks,
  request: { params: WebhookIdParams, body: noOptionsBody },
  responses: {
    200: jsonResponse(WebhookWithSecretSchema, 'The webhook with its new secret'),
    400: problemDoc('Bad body'),
    404: problemDoc('WEBHOOK_NOT_FOUND', WEBHOOK_NOT_FOUND_PROBLEM),
    ...bodyProblems,
  },
});

export const listDeliveries = createRoute({
  method: 'get',
  path: '/webhooks/{id}/deliveries',
  summary: "A webhook's deliveries with their attempts, newest first",
  request: { params: WebhookIdParams, query: ListDeliveriesQuerySchema },
  responses: {
    200: jsonResponse(DeliveryListSchema, 'One page of deliveries'),
    400: problemDoc('Bad limit, status or continuation token', INVALID_CONTINUATION_TOKEN_PROBLEM),
    404: problemDoc('WEBHOOK_NOT_FOUND', WEBHOOK_NOT_FOUND_PROBLEM),
  },
});

export const getDelivery = createRoute({
  method: 'get',
  path: '/webhooks/{id}/deliveries/{deliveryId}',
  summary: 'One delivery with its attempts',
  request: { params: DeliveryIdParams },
  responses: {
    200: jsonResponse(DeliverySchema, 'The delivery'),
    404: problemDoc('WEBHOOK_NOT_FOUND or DELIVERY_NOT_FOUND', WEBHOOK_NOT_FOUND_PROBLEM, DELIVERY_NOT_FOUND_PROBLEM),
  },
});

export const replayDelivery = createRoute({
  method: 'post',
  path: '/webhooks/{id}/deliveries/{deliveryId}/replay',
  summary: 'Deliver the event of a delivery again',
  description: 'A new delivery of the same event (the same `webhook-id`), sent with the current secret. The body may be left out.',
  middleware: optionalJsonBodyChecks,
  request: { params: DeliveryIdParams, body: noOptionsBody },
  responses: {
    202: jsonResponse(DeliverySchema, 'The new delivery, pending'),
    400: problemDoc('Bad body'),
    404: problemDoc(
      'WEBHOOK_NOT_FOUND, or DELIVERY_NOT_FOUND (also when its event is past retention)',
      WEBHOOK_NOT_FOUND_PROBLEM,
      DELIVERY_NOT_FOUND_PROBLEM,
    ),
    409: problemDoc(
      'DELIVERY_IN_FLIGHT: the event is still being delivered to this webhook',
      DELIVERY_IN_FLIGHT_PROBLEM,
    ),
    ...bodyProblems,
  },
});

export const replayEventsSince = createRoute({
  method: 'post',
  path: '/webhooks/{id}/replay',
  summary: 'Deliver again the stored events since an instant that the webhook selects',
  description:
    'Oldest first, at most 10000 a call, skipping events still in flight to this webhook. The body may be left out.',
  middleware: optionalJsonBodyChecks,
  request: { params: WebhookIdParams, query: ReplaySinceQuerySchema, body: noOptionsBody },
  responses: {
    202: jsonResponse(ReplayedEventsSchema, 'How many deliveries were queued'),
    400: problemDoc('Bad or missing since, or bad body'),
    404: problemDoc('WEBHOOK_NOT_FOUND', WEBHOOK_NOT_FOUND_PROBLEM),
    ...bodyProblems,
  },
});

export const sendTestEvent = createRoute({
  method: 'post',
  path: '/webhooks/{id}/test',
  summary: 'Send a `webhook.test` event to this webhook alone',
  description: 'Delivered like any event: follow it in the deliveries. The body may be left out.',
  middleware: optionalJsonBodyChecks,
  request: { params: WebhookIdParams, body: noOptionsBody },
  responses: {
    202: jsonResponse(DeliverySchema, 'The delivery of the test event, pending'),
    400: problemDoc('Bad body'),
    404: problemDoc('WEBHOOK_NOT_FOUND', WEBHOOK_NOT_FOUND_PROBLEM),
    ...bodyProblems,
  },
});
