import { z, type RouteHandler } from '@hono/zod-openapi';
import type { Delivery } from '../../../../domain/entities/webhook.js';
import type { WebhookAdministration } from '../../../../domain/ports/input/webhooks.js';
import type { ContinuationTokens } from '../continuation-token.js';
import { storableInstant } from '../instant.js';
import { auditContext } from '../request-context.js';
import { toDeliveryResource } from './delivery-resource.js';
import { toWebhookResource, toWebhookWithSecret } from './webhook-resource.js';
import type * as routes from './routes.js';

const PagePosition = z.object({ createdAt: storableInstant.transform((value) => new Date(value)), id: z.uuid() });
type Position = z.infer<typeof PagePosition>;

/** Sets the filters apart from those of other lists, whose tokens carry the same kind of position. */
const WEBHOOK_LIST_FILTERS = { list: 'webhooks' };

/** One row more than asked tells whether another page follows; the token names the last row served. */
function pageOf<T extends Position>(rows: T[], limit: number, pageTokens: ContinuationTokens, filters: unknown) {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const nextContinuationToken =
    rows.length > limit && last ? pageTokens.encode({ createdAt: last.createdAt.toISOString(), id: last.id }, filters) : null;
  return { page, nextContinuationToken };
}

const deliveryLocation = (delivery: Delivery) => `/api/v1/webhooks/${delivery.webhookId}/deliveries/${delivery.id}`;

export function createWebhook(webhooks: WebhookAdministration): RouteHandler<typeof routes.createWebhook> {
  return async (c) => {
    const created = await webhooks.create(c.req.valid('json'), auditContext(c, 201));
    c.header('Location', `/api/v1/webhooks/${created.webhook.id}`);
    return c.json(toWebhookWithSecret(created), 201);
  };
}

export function listWebhooks(webhooks: WebhookAdministration, pageTokens: ContinuationTokens): RouteHandler<typeof routes.listWebhooks> {
  return async (c) => {
    const { limit, continuationToken } = c.req.valid('query');
    const after = continuationToken ? pageTokens.decode(continuationToken, WEBHOOK_LIST_FILTERS, PagePosition) : undefined;
    const rows = await webhooks.list({ limit: limit + 1, after });
    const { page, nextContinuationToken } = pageOf(rows, limit, pageTokens, WEBHOOK_LIST_FILTERS);
    return c.json({ webhooks: page.map(toWebhookResource), nextContinuationToken }, 200);
  };
}

export function getWebhook(webhooks: WebhookAdministration): RouteHandler<typeof routes.getWebhook> {
  return async (c) => c.json(toWebhookResource(await webhooks.get(c.req.valid('param').id)), 200);
}

export function replaceWebhook(webhooks: WebhookAdministration): RouteHandler<typeof routes.replaceWebhook> {
  return async (c) => {
    const webhook = await webhooks.replace(c.req.valid('param').id, c.req.valid('json'), auditContext(c, 200));
    return c.json(toWebhookResource(webhook), 200);
  };
}

export function deleteWebhook(webhooks: WebhookAdministration): RouteHandler<typeof routes.deleteWebhook> {
  return async (c) => {
    await webhooks.remove(c.req.valid('param').id, auditContext(c, 204));
    return c.body(null, 204);
  };
}

export function rotateWebhookSecret(webhooks: WebhookAdministration): RouteHandler<typeof routes.rotateWebhookSecret> {
  return async (c) => {
    const rotated = await webhooks.rotateSecret(c.req.valid('param').id, auditContext(c, 200));
    return c.json(toWebhookWithSecret(rotated), 200);
  };
}

export function listDeliveries(webhooks: WebhookAdministration, pageTokens: ContinuationTokens): RouteHandler<typeof routes.listDeliveries> {
  return async (c) => {
    const webhookId = c.req.valid('param').id;
    const { limit, continuationToken, status } = c.req.valid('query');
    const filters = { webhookId, status: status ?? null };
    const after = continuationToken ? pageTokens.decode(continuationToken, filters, PagePosition) : undefined;
    const rows = await webhooks.deliveries({ webhookId, status, limit: limit + 1, after });
    const { page, nextContinuationToken } = pageOf(rows, limit, pageTokens, filters);
    return c.json({ deliveries: page.map(toDeliveryResource), nextContinuationToken }, 200);
  };
}

export function getDelivery(webhooks: WebhookAdministration): RouteHandler<typeof routes.getDelivery> {
  return async (c) => {
    const { id, deliveryId } = c.req.valid('param');
    return c.json(toDeliveryResource(await webhooks.delivery(id, deliveryId)), 200);
  };
}

export function replayDelivery(webhooks: WebhookAdministration): RouteHandler<typeof routes.replayDelivery> {
  return async (c) => {
    const { id, deliveryId } = c.req.valid('param');
    const delivery = await webhooks.replay(id, deliveryId, auditContext(c, 202));
    c.header('Location', deliveryLocation(delivery));
    return c.json(toDeliveryResource(delivery), 202);
  };
}

export function replayEventsSince(webhooks: WebhookAdministration): RouteHandler<typeof routes.replayEventsSince> {
  return async (c) => {
    const since = new Date(c.req.valid('query').since);
    const queued = await webhooks.replaySince(c.req.valid('param').id, since, auditContext(c, 202));
    return c.json({ queued }, 202);
  };
}

export function sendTestEvent(webhooks: WebhookAdministration): RouteHandler<typeof routes.sendTestEvent> {
  return async (c) => {
    const delivery = await webhooks.sendTest(c.req.valid('param').id, auditContext(c, 202));
    c.header('Location', deliveryLocation(delivery));
    return c.json(toDeliveryResource(delivery), 202);
  };
}
