import { OpenAPIHono } from '@hono/zod-openapi';
import type { AccessControl } from '../../../../domain/ports/input/access-control.js';
import type { WebhookAdministration } from '../../../../domain/ports/input/webhooks.js';
import { ACCESS } from '../access/access-table.js';
import { guardRoutes } from '../access/guard.js';
import type { ContinuationTokens } from '../continuation-token.js';
import { rejectInvalid } from '../validation-hook.js';
import * as handlers from './handlers.js';
import * as plainRoutes from './routes.js';

/** Webhooks and their deliveries. Mounted at /api/v1. */
export function createWebhooksRouter(webhooks: WebhookAdministration, pageTokens: ContinuationTokens, access: AccessControl) {
  const routes = guardRoutes(plainRoutes, ACCESS.webhooks, access);
  return new OpenAPIHono()
    .openapi(routes.createWebhook, handlers.createWebhook(webhooks), rejectInvalid(routes.createWebhook))
    .openapi(routes.listWebhooks, handlers.listWebhooks(webhooks, pageTokens), rejectInvalid(routes.listWebhooks))
    .openapi(routes.getWebhook, handlers.getWebhook(webhooks), rejectInvalid(routes.getWebhook))
    .openapi(routes.replaceWebhook, handlers.replaceWebhook(webhooks), rejectInvalid(routes.replaceWebhook))
    .openapi(routes.deleteWebhook, handlers.deleteWebhook(webhooks), rejectInvalid(routes.deleteWebhook))
    .openapi(routes.rotateWebhookSecret, handlers.rotateWebhookSecret(webhooks), rejectInvalid(routes.rotateWebhookSecret))
    .openapi(routes.listDeliveries, handlers.listDeliveries(webhooks, pageTokens), rejectInvalid(routes.listDeliveries))
    .openapi(routes.getDelivery, handlers.getDelivery(webhooks), rejectInvalid(routes.getDelivery))
    .openapi(routes.replayDelivery, handlers.replayDelivery(webhooks), rejectInvalid(routes.replayDelivery))
    .openapi(routes.replayEventsSince, handlers.replayEventsSince(webhooks), rejectInvalid(routes.replayEventsSince))
    .openapi(routes.sendTestEvent, handlers.sendTestEvent(webhooks), rejectInvalid(routes.sendTestEvent));
}
