import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ActionEvent, CommandEvent, FormSubmittedEvent, MessageRef } from '../../src/kernel/ports/chat-platform.js';
import { FORM_LIMITS } from '../../src/kernel/ports/chat-platform.js';

/**
 * What the web page sends (JSON bodies of `/web/api/*`), validated with zod, and the InboundEvents made
 * of it. The page is Kring's own, but anyone can send anything to these routes: a body of another shape is
 * answered 400 and reaches nothing.
 */

/** A channel id in the web space: lowercase letters, digits and dashes (the name people see). */
export const webChannelIdSchema = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, 'lowercase letters, digits and dashes');

/** Where a request comes from: a channel, or `@me` (the member's direct messages). */
const whereSchema = z.union([webChannelIdSchema, z.literal('@me')]);

/** A message the page shows: a stored post (uuid) or a private answer (`e-<hex>`, only in that page). */
const messageIdSchema = z.union([z.uuid(), z.string().regex(/^e-[0-9a-f]{8,32}$/)]);

export const commandBodySchema = z.strictObject({
  channel: whereSchema,
  text: z.string().max(4000),
});

export const actionBodySchema = z.strictObject({
  channel: whereSchema,
  messageId: messageIdSchema.optional(),
  actionId: z.string().min(1).max(60),
  value: z.string().max(100).optional(),
});

export const formBodySchema = z.strictObject({
  channel: whereSchema,
  formId: z.string().min(1).max(FORM_LIMITS.formId),
  values: z.record(z.string().max(FORM_LIMITS.fieldName), z.string().max(4000)).refine((v) => Object.keys(v).length <= FORM_LIMITS.fields, 'too many fields'),
});

export type CommandBody = z.infer<typeof commandBodySchema>;
export type ActionBody = z.infer<typeof actionBodySchema>;
export type FormBody = z.infer<typeof formBodySchema>;

/** Sign-in forms (urlencoded). */
export const signInStartSchema = z.object({ identifier: z.string().trim().min(1).max(254) });
export const signInVerifySchema = z.object({ code: z.string().trim().min(1).max(50) });
export const signInLinkSchema = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/) });

/**
 * `/kring poll create "Wat eten we?" pizza pasta` -> `['poll', 'create', 'Wat eten we?', 'pizza', 'pasta']`:
 * words, with double quotes (straight or curly) keeping spaces together. A leading `/kring` is optional.
 */
export function splitCommandText(text: string): string[] {
  const body = text.trim().replace(/^\/kring(?:\s+|$)/i, '');
  const words: string[] = [];
  for (const m of body.matchAll(/["“„]([^"“”„]*)["”“]|(\S+)/g)) {
    const word = m[1] ?? m[2];
    if (word !== undefined && word !== '') words.push(word);
  }
  return words;
}

/** Who acts, and where: the signed-in browser in the web space. */
export interface WebActor {
  space: string;
  userId: string;
  displayName?: string;
  locale?: string;
}

function base(actor: WebActor, channel: string) {
  return {
    platform: 'web' as const,
    workspaceId: actor.space,
    userId: actor.userId,
    ...(actor.displayName ? { displayName: actor.displayName } : {}),
    ...(actor.locale ? { locale: actor.locale } : {}),
    // `@me` is the member's own direct messages: no channel, as a DM on the other platforms.
    ...(channel === '@me' ? {} : { channelId: channel }),
    // The page never retries by itself: every request is a new event.
    eventId: randomUUID(),
  };
}

/** A typed command: the first word is the path, the router re-splits multi-word paths. */
export function toCommandEvent(actor: WebActor, body: CommandBody): CommandEvent {
  const [first, ...rest] = splitCommandText(body.text);
  return { type: 'command', ...base(actor, body.channel), path: first === undefined ? [] : [first], args: rest, options: {}, raw: body };
}

/** A press on a button or a choice in a select; `message` only for stored posts (private answers live in the page). */
export function toActionEvent(actor: WebActor, body: ActionBody): ActionEvent {
  const stored = body.messageId !== undefined && !body.messageId.startsWith('e-');
  const message: MessageRef | undefined = stored
    ? { platform: 'web', workspaceId: actor.space, channelId: body.channel === '@me' ? `@${actor.userId}` : body.channel, messageId: body.messageId! }
    : undefined;
  return {
    type: 'action',
    ...base(actor, body.channel),
    actionId: body.actionId,
    ...(body.value !== undefined ? { value: body.value } : {}),
    ...(message ? { message } : {}),
    raw: body,
  };
}

/** A submitted form. */
export function toFormSubmittedEvent(actor: WebActor, body: FormBody): FormSubmittedEvent {
  return { type: 'form-submitted', ...base(actor, body.channel), formId: body.formId, values: body.values, raw: body };
}
