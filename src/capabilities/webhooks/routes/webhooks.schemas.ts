import { z } from 'zod';
import { WEBHOOK_EVENTS } from '../domain/webhook-events.js';
import { webhookUrlSchema } from '../domain/webhook.service.js';
import { timestamp } from '../../../http/api/common.schemas.js';

/** Outgoing webhook subscription operations' schemas. */

export const webhookIdParam = z.uuid().meta({ description: 'The webhook endpoint id.' });

export const webhookBody = z
  .strictObject({
    url: webhookUrlSchema.meta({ description: 'Where Kring POSTs the events (https in production).', example: 'https://crm.example.org/hooks/kring' }),
    events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length * 2),
  })
  .meta({ id: 'WebhookInput' });

export const webhookSchema = z
  .object({
    id: z.uuid(),
    url: z.string(),
    events: z.array(z.enum(WEBHOOK_EVENTS)),
    createdAt: timestamp,
  })
  .meta({ id: 'Webhook' });

export const webhookCreatedSchema = webhookSchema
  .extend({ secret: z.string().meta({ description: 'Signs every delivery (`Kring-Signature`). Shown only in this response.', example: 'whsec_…' }) })
  .meta({ id: 'WebhookCreated' });

export const webhookListSchema = z.object({ data: z.array(webhookSchema) }).meta({ id: 'WebhookList' });
