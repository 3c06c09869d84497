import { z } from 'zod';
import { defineCapability, type CapabilityContext, type CapabilityParts } from '../../capability.js';
import type { ApiWebhook } from '../../http/api/route.js';
import { registerWebhooksCli } from './cli.js';
import { eventWebhooks } from './domain/event-webhooks.js';
import { WEBHOOK_EVENTS, webhookEnvelopeSchema } from './domain/webhook-events.js';
import { SIGNATURE_HEADER } from './domain/webhook-signature.js';
import { WebhookService } from './domain/webhook.service.js';
import { JobQueueWebhookOutbox } from './jobs/webhook.queue.js';
import { startWebhookWorker } from './jobs/webhook.worker.js';
import { PrismaWebhookEndpointRepository } from './repository/prisma-webhook-endpoint.repository.js';
import { webhookRoutes } from './routes/webhooks.routes.js';

/** Tuning a test or a deployment may change. */
export interface WebhooksOptions {
  /** Delays before attempts 2, 3, … (default: half a minute up to twelve hours). */
  retryDelaysMs?: readonly number[];
  /** Per-attempt timeout (default 10 s). */
  timeoutMs?: number;
}

/** What the webhooks capability built. */
export interface WebhooksParts extends CapabilityParts {
  webhooks: WebhookService;
}

/**
 * Outgoing webhooks: an association's own systems (the member administration, a CRM) subscribe to
 * Kring's events and get signed HTTP callbacks with retries. It knows no other capability: it listens on
 * the bus (`member.linked`, `member.unlinked`, `member.updated`, `member.lapsed`, `member.reactivated`,
 * `poll.closed`, `announcement.published`).
 */
export const webhooks = defineCapability({
  name: 'webhooks',
  apiScopes: ['webhooks:write'],
  build(ctx: CapabilityContext, options: WebhooksOptions = {}): WebhooksParts {
    const endpoints = ctx.repository(PrismaWebhookEndpointRepository, { secrets: ctx.secrets });
    const webhooks = new WebhookService({
      webhooks: endpoints,
      organizations: ctx.directory.organizations,
      outbox: new JobQueueWebhookOutbox(ctx.queue),
      clock: ctx.clock,
      requireHttps: ctx.settings.production,
    });
    return {
      webhooks,
      on: eventWebhooks(webhooks, { chapters: ctx.directory.chapters }),
      api: {
        routes: webhookRoutes({ webhooks }),
        tags: [{ name: 'Webhooks', description: 'Outgoing webhook subscriptions and the events Kring sends.' }],
        webhooks: WEBHOOK_EVENTS.map(webhookDocument),
      },
      async start() {
        startWebhookWorker({
          queue: ctx.queue,
          endpoints,
          clock: ctx.clock,
          logger: ctx.logger,
          ...(options.retryDelaysMs ? { retryDelaysMs: options.retryDelaysMs } : {}),
          ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
        });
      },
    };
  },
  cli: (program, host) => registerWebhooksCli(program, host),
});

/** How one event's delivery looks in the OpenAPI document's `webhooks` section. */
function webhookDocument(event: (typeof WEBHOOK_EVENTS)[number]): ApiWebhook {
  return {
    event,
    tag: 'Webhooks',
    description:
      `Kring POSTs this to every endpoint subscribed to \`${event}\`. Verify the \`${SIGNATURE_HEADER}\` header ` +
      '(`t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`) before trusting it; answer 2xx within 10 s, ' +
      'otherwise Kring retries with backoff for about a day.',
    headers: z.object({
      [SIGNATURE_HEADER]: z.string().meta({ example: 't=1735689600,v1=5f2b…' }),
      'Kring-Event': z.literal(event),
      'Kring-Delivery': z.uuid().meta({ description: 'Unique per delivery (an event goes to each endpoint once).' }),
    }),
    body: webhookEnvelopeSchema(event),
  };
}
