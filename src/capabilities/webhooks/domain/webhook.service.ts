import { z } from 'zod';
import type { OrganizationRepository } from '../../../kernel/ports/directory.js';
import type { Clock } from '../../../kernel/clock.js';
import { NotFoundError } from '../../../kernel/errors.js';
import { newId } from '../../../kernel/ids.js';
import { validate } from '../../../kernel/validate.js';
import type { WebhookEndpointRepository } from '../ports.js';
import { randomBase62 } from '../../../kernel/ids.js';
import { WEBHOOK_EVENTS, type WebhookEndpoint, type WebhookEnvelope, type WebhookEventData, type WebhookEventType } from './webhook-events.js';

/** One delivery to one endpoint: the signed bytes are `body`, signed afresh at every attempt. */
export interface WebhookDelivery {
  /** Unique per (event, endpoint); the queue's job ids derive from it. */
  deliveryId: string;
  endpointId: string;
  eventId: string;
  event: WebhookEventType;
  /** The JSON envelope, serialised once so every attempt sends identical bytes. */
  body: string;
}

/** Where deliveries go to be sent with retries (jobs/webhook.queue.ts puts them on the JobQueue). */
export interface WebhookOutbox {
  enqueue(delivery: WebhookDelivery): Promise<void>;
}

export interface WebhookServiceDeps {
  webhooks: WebhookEndpointRepository;
  organizations: Pick<OrganizationRepository, 'findById'>;
  outbox: WebhookOutbox;
  clock: Clock;
  /**
   * Refuse plain `http://` URLs (production: a signed body is still readable on the wire). Tests and local
   * development allow them.
   */
  requireHttps: boolean;
}

export interface AddWebhookInput {
  organizationId: string;
  url: string;
  events: readonly string[];
  /** Accept an http:// URL even where https is required (the operator's CLI: an internal CRM may well speak plain http). */
  allowHttp?: boolean;
}

/** The secret prefix, so a leaked signing secret is recognisable. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** A webhook target: http(s), at most 2000 characters, no credentials in it. */
export const webhookUrlSchema = z
  .string()
  .trim()
  .max(2000)
  .pipe(z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' }))
  .refine((u) => {
    // zod runs this refinement even when the URL check above failed: parse defensively.
    const parsed = URL.canParse(u) ? new URL(u) : undefined;
    return parsed === undefined || (parsed.username === '' && parsed.password === '');
  }, 'must not contain a user name or password (put credentials nowhere: verify the signature instead)');

const eventsSchema = z
  .array(z.enum(WEBHOOK_EVENTS))
  .min(1, `give at least one event (${WEBHOOK_EVENTS.join(', ')})`)
  .max(WEBHOOK_EVENTS.length * 2);

/**
 * Outgoing webhooks of an organisation: subscriptions (add, list, remove) and publishing an event to
 * every subscribed endpoint. Publishing only enqueues; the queue worker signs and POSTs with retries, so
 * a slow or broken receiver never slows down or fails what triggered the event.
 */
export class WebhookService {
  /**
   * Subscribed endpoints per organisation and event, for {@link SUBSCRIPTIONS_TTL_MS}: an import that
   * changes 10,000 members publishes 10,000 events, which must not cost 10,000 queries. Adding or removing
   * an endpoint here clears it; one added by another process (the CLI) is seen within the TTL.
   */
  private readonly subscriptions = new Map<string, { until: number; endpoints: Promise<WebhookEndpoint[]> }>();

  constructor(private readonly deps: WebhookServiceDeps) {}

  /**
   * Subscribes `url` to `events`. The returned `secret` signs every delivery; it is shown only now.
   * @throws ValidationError naming every bad field; NotFoundError `API.ORGANIZATION_NOT_FOUND`.
   */
  async add(input: AddWebhookInput): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    const schema = z.object({
      organizationId: z.string().min(1),
      url: this.deps.requireHttps && input.allowHttp !== true ? webhookUrlSchema.refine((u) => u.startsWith('https://'), 'must be an https:// URL') : webhookUrlSchema,
      events: eventsSchema,
    });
    const { organizationId, url, events } = validate(schema, input);
    const organization = await this.deps.organizations.findById(organizationId);
    if (!organization) throw new NotFoundError('API.ORGANIZATION_NOT_FOUND', `Organisation ${organizationId} does not exist.`);
    const secret = `${WEBHOOK_SECRET_PREFIX}${randomBase62(40)}`;
    const endpoint = await this.deps.webhooks.create({
      organizationId,
      url,
      secret,
      events: WEBHOOK_EVENTS.filter((e) => events.includes(e)),
      createdAt: this.deps.clock.now(),
    });
    this.subscriptions.clear();
    return { endpoint, secret };
  }

  /** Enabled endpoints of one organisation (or all). */
  list(organizationId?: string): Promise<WebhookEndpoint[]> {
    return this.deps.webhooks.list(organizationId);
  }

  /**
   * Stops deliveries to an endpoint. With `organizationId`, an endpoint of another organisation counts as
   * absent (API callers never learn other organisations' ids). @throws NotFoundError `API.WEBHOOK_NOT_FOUND`.
   */
  async remove(id: string, organizationId?: string): Promise<WebhookEndpoint> {
    const existing = await this.deps.webhooks.findById(id);
    if (!existing || existing.disabledAt !== null || (organizationId !== undefined && existing.organizationId !== organizationId)) {
      throw new NotFoundError('API.WEBHOOK_NOT_FOUND', `No webhook endpoint with id ${id}.`);
    }
    const disabled = await this.deps.webhooks.disable(id, this.deps.clock.now());
    this.subscriptions.clear();
    if (!disabled) throw new NotFoundError('API.WEBHOOK_NOT_FOUND', `No webhook endpoint with id ${id}.`);
    return disabled;
  }

  /**
   * Enqueues one delivery of the event per subscribed endpoint; returns how many. Does nothing (0) for an
   * organisation without subscriptions, so capabilities may call it unconditionally. `data` may be a
   * function: it is called only when an endpoint is subscribed.
   */
  async publish<E extends WebhookEventType>(
    organizationId: string,
    event: E,
    data: WebhookEventData[E] | (() => Promise<WebhookEventData[E]>),
  ): Promise<number> {
    const endpoints = await this.subscribed(organizationId, event);
    if (endpoints.length === 0) return 0;
    const organization = await this.deps.organizations.findById(organizationId);
    if (!organization) return 0;
    const envelope: WebhookEnvelope<E> = {
      id: newId(),
      type: event,
      createdAt: this.deps.clock.now().toISOString(),
      organization: { id: organization.id, slug: organization.slug },
      // Built only when someone listens (it may cost lookups).
      data: typeof data === 'function' ? await data() : data,
    };
    const body = JSON.stringify(envelope);
    for (const endpoint of endpoints) {
      await this.deps.outbox.enqueue({ deliveryId: newId(), endpointId: endpoint.id, eventId: envelope.id, event, body });
    }
    return endpoints.length;
  }

  /** The endpoints subscribed to `event` (see {@link WebhookService.subscriptions}). */
  private subscribed(organizationId: string, event: WebhookEventType): Promise<WebhookEndpoint[]> {
    const key = `${organizationId}\u0000${event}`;
    const now = performance.now();
    const cached = this.subscriptions.get(key);
    if (cached && cached.until > now) return cached.endpoints;
    const endpoints = this.deps.webhooks.listSubscribed(organizationId, event);
    this.subscriptions.set(key, { until: now + SUBSCRIPTIONS_TTL_MS, endpoints });
    endpoints.catch(() => this.subscriptions.delete(key));
    return endpoints;
  }
}

/** How long {@link WebhookService} trusts a subscription lookup. */
export const SUBSCRIPTIONS_TTL_MS = 2000;
