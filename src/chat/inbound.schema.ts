import { z } from 'zod';
import { platformSchema } from '../kernel/types.js';
import type { InboundEvent } from '../kernel/ports/chat-platform.js';

/**
 * zod schema of InboundEvent: adapters build events from platform payloads, and the app checks them
 * here once more before acting (a malformed event gets a polite reply or is dropped, never a crash).
 */
const base = {
  platform: platformSchema,
  workspaceId: z.string().min(1).max(128),
  userId: z.string().min(1).max(128),
  displayName: z.string().max(256).optional(),
  locale: z.string().max(35).optional(),
  eventId: z.string().max(256).optional(),
  channelId: z.string().max(256).optional(),
  raw: z.unknown(),
};

const messageRef = z.object({
  platform: platformSchema,
  workspaceId: z.string(),
  channelId: z.string(),
  messageId: z.string(),
});

export const inboundEventSchema = z.discriminatedUnion('type', [
  z.object({
    ...base,
    type: z.literal('command'),
    path: z.array(z.string().max(100)).max(10),
    args: z.array(z.string().max(4000)).max(100),
    options: z.record(z.string(), z.union([z.string().max(4000), z.number(), z.boolean()])),
  }),
  z.object({
    ...base,
    type: z.literal('action'),
    actionId: z.string().min(1).max(255),
    value: z.string().max(2000).optional(),
    message: messageRef.optional(),
  }),
  z.object({
    ...base,
    type: z.literal('form-submitted'),
    formId: z.string().min(1).max(60),
    values: z.record(z.string().max(40), z.string().max(4000)),
  }),
  z.object({
    ...base,
    type: z.literal('message-seen'),
    channelId: z.string().min(1),
    threadId: z.string().optional(),
    messageId: z.string().max(256).optional(),
    question: z.boolean().optional(),
    terms: z.array(z.string().max(64)).max(200).optional(),
    length: z.number().int().min(0),
    at: z.date(),
  }),
  z.object({
    ...base,
    type: z.literal('reaction-added'),
    channelId: z.string().min(1).max(256),
    messageId: z.string().min(1).max(256),
    messageAuthorId: z.string().min(1).max(128).optional(),
    at: z.date(),
  }),
  z.object({
    ...base,
    type: z.literal('message-reported'),
    channelId: z.string().min(1).max(256),
    message: messageRef,
    authorId: z.string().min(1).max(128).optional(),
    text: z.string().max(4000),
    link: z.url({ protocol: /^https?$/ }).max(2000).optional(),
    note: z.string().max(1000).optional(),
  }),
  z.object({ ...base, type: z.literal('member-joined') }),
  z.object({ ...base, type: z.literal('member-left') }),
]);

/** Parses an inbound event; returns null (and the reason) when it is malformed. */
export function parseInboundEvent(value: unknown): { event: InboundEvent } | { error: string } {
  const result = inboundEventSchema.safeParse(value);
  if (!result.success) return { error: result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  return { event: result.data as InboundEvent };
}
