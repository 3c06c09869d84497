import { z } from 'zod';
import type { WebhookEndpoint } from '../domain/webhook-events.js';
import type { WebhookService } from '../domain/webhook.service.js';
import { defineRoute, inBody, type ApiRoute } from '../../../http/api/route.js';
import { webhookBody, webhookCreatedSchema, webhookIdParam, webhookListSchema } from './webhooks.schemas.js';

export interface WebhookRoutesDeps {
  webhooks: Pick<WebhookService, 'add' | 'list' | 'remove'>;
}

const view = (e: WebhookEndpoint) => ({ id: e.id, url: e.url, events: e.events, createdAt: e.createdAt.toISOString() });

/** Outgoing webhook subscriptions: list, add, remove (scope `webhooks:write` for all three: they reveal targets). */
export function webhookRoutes(deps: WebhookRoutesDeps): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/orgs/{org}/webhooks',
      operationId: 'listWebhooks',
      summary: 'List webhook endpoints',
      tag: 'Webhooks',
      scope: 'webhooks:write',
      responses: { 200: { description: 'The active endpoints (secrets are never shown again).', schema: webhookListSchema } },
      async handle({ organization }) {
        return { status: 200, json: { data: (await deps.webhooks.list(organization.id)).map(view) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/orgs/{org}/webhooks',
      operationId: 'addWebhook',
      summary: 'Add a webhook endpoint',
      description: 'Kring POSTs the chosen events to `url`, signed with the returned `secret` (see the Kring-Signature header in docs/API.md).',
      tag: 'Webhooks',
      scope: 'webhooks:write',
      body: webhookBody,
      responses: { 201: { description: 'Added; the secret is shown only now.', schema: webhookCreatedSchema } },
      async handle({ organization, body }) {
        const { endpoint, secret } = await inBody(() => deps.webhooks.add({ organizationId: organization.id, url: body.url, events: body.events }));
        return { status: 201, json: { ...view(endpoint), secret } };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/orgs/{org}/webhooks/{webhookId}',
      operationId: 'removeWebhook',
      summary: 'Remove a webhook endpoint',
      description: 'Deliveries still queued for it are dropped.',
      tag: 'Webhooks',
      scope: 'webhooks:write',
      params: z.object({ webhookId: webhookIdParam }),
      responses: { 204: { description: 'Removed.' } },
      async handle({ organization, params }) {
        await deps.webhooks.remove(params.webhookId, organization.id);
        return { status: 204 };
      },
    }),
  ];
}
