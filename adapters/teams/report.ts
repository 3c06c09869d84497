import { z } from 'zod';
import { REPORT_LIMITS, type MessageReportedEvent } from '../../src/kernel/ports/chat-platform.js';
import { baseConversationId, tenantOf, userIdOf, type TeamsActivity } from './activity.js';
import { plainText, type InboundOptions } from './inbound.js';

/**
 * Reporting a message in Teams: the message action "Report to moderators" (a message extension action
 * command with `context: ["message"]` and a static note parameter, see app-package/manifest.json). Teams
 * shows the small form, then sends a `composeExtension/submitAction` invoke carrying the whole message
 * (`value.messagePayload`) and the form's values (`value.data`); it waits five seconds for the answer.
 *
 * @see https://learn.microsoft.com/microsoftteams/platform/messaging-extensions/how-to/action-commands/define-action-command
 * @see https://learn.microsoft.com/microsoftteams/platform/messaging-extensions/how-to/action-commands/respond-to-task-module-submit
 */

/** The command id of the report action in the app manifest. */
export const TEAMS_REPORT_COMMAND_ID = 'reportMessage';
/** The name of the form's note parameter in the app manifest. */
export const TEAMS_REPORT_NOTE_PARAMETER = 'note';

const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((value) => value ?? undefined);

/** The parts of `value` of a report's submitAction that Kring reads, with the types the Teams docs give them. */
const submitActionValueSchema = z.looseObject({
  commandId: z.string(),
  commandContext: z.string(),
  data: optional(z.record(z.string(), z.unknown())),
  messagePayload: z.looseObject({
    id: z.string().min(1).max(256),
    linkToMessage: optional(z.string().max(2000)),
    from: optional(
      z.looseObject({
        user: optional(z.looseObject({ id: z.string().min(1).max(128), displayName: optional(z.string()) })),
      }),
    ),
    body: optional(z.looseObject({ contentType: optional(z.string()), content: optional(z.string()) })),
  }),
});

/** Whether the invoke is a submitted report (the action Kring declares), so the turn answers it as one. */
export function isReportInvoke(activity: TeamsActivity): boolean {
  if (activity.type !== 'invoke' || activity.name !== 'composeExtension/submitAction') return false;
  const value = activity.value as { commandId?: unknown } | undefined;
  return value?.commandId === TEAMS_REPORT_COMMAND_ID;
}

/**
 * A submitted report -> `message-reported`; undefined when the invoke is not one, or not of the shape Teams
 * sends (checked with zod; nothing is thrown). The message's HTML is reduced to plain text; the reporter's
 * note comes from the form.
 */
export function reportEvent(activity: TeamsActivity, options: InboundOptions): MessageReportedEvent | undefined {
  if (!isReportInvoke(activity) || !activity.from || !activity.conversation?.id) return undefined;
  const parsed = submitActionValueSchema.safeParse(activity.value);
  if (!parsed.success || parsed.data.commandContext !== 'message') return undefined;
  const { messagePayload: message, data } = parsed.data;
  const workspaceId = tenantOf(activity) ?? options.fallbackTenantId;
  const channelId = baseConversationId(activity.conversation.id);
  const content = message.body?.content ?? '';
  const text = (message.body?.contentType ?? 'html').toLowerCase() === 'html' ? plainText(content) : content.trim();
  const note = data?.[TEAMS_REPORT_NOTE_PARAMETER];
  const link = message.linkToMessage && /^https:\/\//.test(message.linkToMessage) ? message.linkToMessage : undefined;
  const author = message.from?.user?.id;
  return {
    type: 'message-reported',
    platform: 'teams',
    workspaceId,
    userId: userIdOf(activity.from),
    ...(activity.from.name ? { displayName: activity.from.name } : {}),
    ...(activity.locale ? { locale: activity.locale } : {}),
    ...(activity.id ? { eventId: activity.id } : {}),
    channelId,
    message: { platform: 'teams', workspaceId, channelId, messageId: message.id },
    ...(author ? { authorId: author } : {}),
    text: text.slice(0, REPORT_LIMITS.text),
    ...(link ? { link } : {}),
    ...(typeof note === 'string' && note.trim() !== '' ? { note: note.trim().slice(0, REPORT_LIMITS.note) } : {}),
    // The message travels in the event itself; raw keeps only where the report came from.
    raw: { type: activity.type, name: activity.name, id: activity.id, conversation: activity.conversation, from: { id: activity.from.id } },
  };
}

/** The answer Teams shows in the report dialog: a message box with the reply's text (a task "message"). */
export function reportAnswer(text: string): Record<string, unknown> {
  return { task: { type: 'message', value: text } };
}
