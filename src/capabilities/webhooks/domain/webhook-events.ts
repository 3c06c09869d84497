import { z } from 'zod';
import { MEMBER_ROLES } from '../../../kernel/community.js';
import { platformSchema } from '../../../kernel/types.js';

/**
 * Outgoing webhook events: what Kring tells an association's own systems, their payload shapes and the
 * envelope every delivery has. The payloads are the public contract documented in docs/API.md; add
 * fields, never rename or remove them.
 */
export const WEBHOOK_EVENTS = [
  'member.linked',
  'member.unlinked',
  'poll.closed',
  'announcement.published',
  'event.created',
  'rsvp.changed',
  'event.attended',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];
export const webhookEventSchema = z.enum(WEBHOOK_EVENTS);

/** An organisation's subscription: where to POST which events, and the secret that signs them. */
export interface WebhookEndpoint {
  id: string;
  organizationId: string;
  url: string;
  /** HMAC-SHA256 key (`whsec_…`); shown once when the endpoint is added. */
  secret: string;
  events: WebhookEventType[];
  createdAt: Date;
  disabledAt: Date | null;
}

const identitySchema = z
  .object({
    platform: platformSchema,
    workspaceId: z.string().meta({ description: 'Slack team id, Discord guild id or Teams tenant id.' }),
    platformUserId: z.string(),
    displayName: z.string().nullable(),
  })
  .meta({ id: 'WebhookIdentity', description: 'The chat account.' });

/** `data` of each event type, as zod schemas (the OpenAPI document's `webhooks` section shows them). */
export const webhookDataSchemas = {
  'member.linked': z
    .object({ memberNumber: z.string(), name: z.string(), identity: identitySchema, linkedAt: z.iso.datetime() })
    .meta({ id: 'MemberLinkedData', description: 'A member verified a chat account.' }),
  'member.unlinked': z
    .object({ memberNumber: z.string(), name: z.string(), identity: identitySchema })
    .meta({ id: 'MemberUnlinkedData', description: 'A member removed the link of a chat account.' }),
  'poll.closed': z
    .object({
      pollId: z.uuid(),
      question: z.string(),
      closedAt: z.iso.datetime(),
      totalVoters: z.number().int(),
      results: z.array(z.object({ position: z.number().int(), label: z.string(), votes: z.number().int() })),
    })
    .meta({ id: 'PollClosedData', description: 'A poll closed (by hand or at its deadline); the final results.' }),
  'announcement.published': z
    .object({ announcementId: z.uuid(), title: z.string(), publishedAt: z.iso.datetime(), deliveries: z.number().int() })
    .meta({ id: 'AnnouncementPublishedData', description: 'News went out to its channels.' }),
  'event.created': z
    .object({
      eventId: z.uuid(),
      title: z.string(),
      description: z.string(),
      startsAt: z.iso.datetime(),
      endsAt: z.iso.datetime(),
      timeZone: z.string().meta({ description: 'IANA zone the meet-up is shown in.', example: 'Europe/Amsterdam' }),
      place: z.object({ kind: z.enum(['address', 'online']), text: z.string() }),
      capacity: z.number().int().nullable().meta({ description: 'Places for members and guests; null: no limit.' }),
      audience: z.object({ kind: z.enum(['all', 'chapters', 'roles']), chapterIds: z.array(z.uuid()), roles: z.array(z.enum(MEMBER_ROLES)) }),
      createdAt: z.iso.datetime(),
    })
    .meta({ id: 'EventCreatedData', description: 'A meet-up was created (chat, CLI or admin API).' }),
  'rsvp.changed': z
    .object({
      eventId: z.uuid(),
      title: z.string(),
      member: z.object({ memberNumber: z.string(), name: z.string() }),
      answer: z.enum(['going', 'maybe', 'not_going']),
      place: z.enum(['confirmed', 'waitlisted']).nullable().meta({ description: 'For `going`: a confirmed place or a place on the waitlist.' }),
      guests: z.number().int(),
      previousAnswer: z.enum(['going', 'maybe', 'not_going']).nullable(),
      promoted: z.boolean().meta({ description: 'True when the member moved up from the waitlist (somebody else gave up a place).' }),
      changedAt: z.iso.datetime(),
    })
    .meta({ id: 'RsvpChangedData', description: "A member's answer to a meet-up changed, or they moved up from the waitlist." }),
  'event.attended': z
    .object({
      eventId: z.uuid(),
      title: z.string(),
      member: z.object({ memberNumber: z.string(), name: z.string() }),
      checkedInAt: z.iso.datetime(),
      firstTime: z.boolean().meta({ description: "The member's first meet-up of the organisation." }),
    })
    .meta({ id: 'EventAttendedData', description: 'A member checked in at a meet-up (record attendance in the member administration).' }),
} as const satisfies Record<WebhookEventType, z.ZodType>;

/** The chat account in `member.linked` / `member.unlinked`. */
export type WebhookIdentity = z.infer<typeof identitySchema>;

/** `data` of each event type. */
export type WebhookEventData = { [E in WebhookEventType]: z.infer<(typeof webhookDataSchemas)[E]> };

/** The JSON body of every delivery of `event` (the same bytes are signed). */
export function webhookEnvelopeSchema<E extends WebhookEventType>(event: E) {
  return z.object({
    id: z.uuid().meta({ description: 'Unique per event; ignore a redelivery whose id you processed already.' }),
    type: z.literal(event),
    createdAt: z.iso.datetime().meta({ description: 'When the event happened.' }),
    organization: z.object({ id: z.uuid(), slug: z.string() }),
    data: webhookDataSchemas[event],
  });
}

/** The JSON body of every delivery (the same bytes are signed). */
export interface WebhookEnvelope<E extends WebhookEventType = WebhookEventType> {
  /** Unique per event; a receiver uses it to ignore a redelivery it has processed already. */
  id: string;
  type: E;
  /** ISO 8601, when the event happened. */
  createdAt: string;
  organization: { id: string; slug: string };
  data: WebhookEventData[E];
}
