import type { Activity, TurnContext } from 'botbuilder';
import type { ActionEvent, CommandEvent, Form, FormSubmittedEvent, Reply } from '../../src/kernel/ports/chat-platform.js';
import { baseConversationId, referenceKeys, tenantOf, userIdOf, type TeamsActivity } from './activity.js';
import { toChatPlatformError } from './errors.js';
import { actionEvent, formEvent, isBotAdded, isBotRemoved, memberEvents, messageEvent, reactionEvents } from './inbound.js';
import { cardMessage, sendInNewPersonalChat, sendToConversation } from './outbound.js';
import { ADAPTIVE_CARD_CONTENT_TYPE, cardAttachment, renderCard, renderFormCard } from './render.js';
import { handleInTime, handleSafely, withReplyRetries, type TeamsRuntime } from './runtime.js';
import { isReportInvoke, reportAnswer, reportEvent } from './report.js';

/**
 * One inbound turn: map the activity, hand the event to the application, render its Reply back into
 * Teams. Never throws: failures are logged and the person gets no (or a generic) answer.
 *
 * @see https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/conversation-messages
 */
export async function runTurn(rt: TeamsRuntime, context: TurnContext): Promise<void> {
  const activity = context.activity as unknown as TeamsActivity;
  try {
    switch (activity.type) {
      case 'message':
        return await onMessage(rt, context, activity);
      case 'invoke':
        return await onInvoke(rt, context, activity);
      case 'conversationUpdate':
        return await onConversationUpdate(rt, activity);
      case 'messageReaction':
        for (const event of reactionEvents(activity, { fallbackTenantId: fallbackTenant(rt) })) await handleSafely(rt, event);
        return;
      default:
        return;
    }
  } catch (err) {
    rt.logger.error({ err, activityType: activity.type, activityId: activity.id }, 'Teams: turn failed');
    if (activity.type === 'invoke' && activity.name === 'adaptiveCard/action') await answerInvoke(context, errorResponse());
  }
}

async function onMessage(rt: TeamsRuntime, context: TurnContext, activity: TeamsActivity): Promise<void> {
  const event = messageEvent(activity, { fallbackTenantId: fallbackTenant(rt) });
  if (!event) return;
  // Any message shows Kring is in this conversation (with RSC it sees every channel message), which
  // makes the channel reachable for proactive posts; unchanged references are not rewritten.
  await rememberQuietly(rt, activity);
  if (event.type !== 'command') {
    await handleSafely(rt, event);
    return;
  }
  const reply = await handleSafely(rt, event);
  if (reply) await deliverCommandReply(rt, context, activity, event, reply);
}

/**
 * A command's reply goes into the same conversation (a channel reply lands in the message's thread).
 * A private reply to a command written in a channel or group chat goes to the personal chat instead,
 * and only falls back to the thread when that chat cannot be reached.
 */
async function deliverCommandReply(rt: TeamsRuntime, context: TurnContext, activity: TeamsActivity, event: CommandEvent, reply: Reply): Promise<void> {
  // A form is a card with inputs, shown like a private reply; it remembers the conversation it came from.
  const message = reply.form ? formMessage(reply.form, event.channelId ?? (activity.conversation ? baseConversationId(activity.conversation.id) : undefined)) : cardMessage(reply.view);
  const personal = activity.conversation?.conversationType === 'personal';
  if (reply.visibility === 'private' && !personal && activity.from) {
    try {
      await sendPrivately(rt, activity, event.workspaceId, message);
      return;
    } catch (err) {
      rt.logger.warn({ err: toChatPlatformError(err, 'a private reply'), eventId: event.eventId }, 'Teams: personal chat unreachable, replying in the thread');
    }
  }
  try {
    await withReplyRetries(rt, 'a command reply', () => context.sendActivity(message));
  } catch (err) {
    rt.logger.error({ err, eventId: event.eventId }, 'Teams: could not deliver a command reply');
  }
}

function formMessage(form: Form, channelId: string | undefined): Partial<Activity> {
  const card = renderFormCard(form, channelId === undefined ? {} : { channelId });
  return { type: 'message', summary: form.title, attachments: [cardAttachment(card)] };
}

async function sendPrivately(rt: TeamsRuntime, activity: TeamsActivity, tenantId: string, message: Partial<Activity>): Promise<void> {
  const from = activity.from!;
  const userKey = userIdOf(from);
  const known = await rt.references.find(tenantId, referenceKeys.user(userKey));
  if (known) {
    await withReplyRetries(rt, 'a private reply', () => sendToConversation(rt, known, message));
    return;
  }
  await withReplyRetries(rt, 'a private reply', () =>
    sendInNewPersonalChat(
      rt,
      {
        tenantId,
        memberId: from.id,
        userKey,
        serviceUrl: activity.serviceUrl ?? rt.settings.defaultServiceUrl,
        ...(activity.recipient ? { bot: { id: activity.recipient.id, ...(activity.recipient.name ? { name: activity.recipient.name } : {}) } } : {}),
      },
      message,
    ),
  );
}

/**
 * A press on an Action.Execute button arrives as an `adaptiveCard/action` invoke and is answered in the
 * HTTP response. Teams shows a returned card to the person who pressed, in place of the original card:
 * - replaceOriginal: the updated card; for a channel-visible reply, the message is also updated for
 *   everyone else;
 * - private reply: the reply's card, for that person only (Teams' ephemeral answer);
 * - channel reply: posted as a new message; the presser gets a short confirmation.
 *
 * @see https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/work-with-universal-actions-for-adaptive-cards
 */
async function onInvoke(rt: TeamsRuntime, context: TurnContext, activity: TeamsActivity): Promise<void> {
  if (isReportInvoke(activity)) return onReport(rt, context, activity);
  const options = { fallbackTenantId: fallbackTenant(rt) };
  const event = formEvent(activity, options) ?? actionEvent(activity, options);
  if (!event) {
    // An `adaptiveCard/action` without an Action.Execute Kring can read, or an invoke Kring declares nothing
    // for (its manifest has no task modules or message extensions): 400, as botbuilder's own handler answers a
    // malformed adaptiveCard/action, rather than botbuilder's 501 for an invoke nobody answered.
    await context.sendActivity({ type: 'invokeResponse', value: { status: 400, body: badRequestResponse() } });
    return;
  }
  // Teams waits about five seconds for this answer: past the deadline it gets an empty one, in time.
  const outcome = await handleInTime(rt, event);
  if (outcome === 'late') {
    await answerInvoke(context, messageResponse(''));
    return;
  }
  await answerInvoke(context, await invokeResponseFor(rt, context, event, outcome.reply));
}

/**
 * A report from the message action (see report.ts): handled within the invoke's deadline, and answered with
 * the reply's text in the report dialog. A report Kring cannot read gets 400; a late one an empty answer
 * (the dialog closes; the report is still handled).
 */
async function onReport(rt: TeamsRuntime, context: TurnContext, activity: TeamsActivity): Promise<void> {
  const event = reportEvent(activity, { fallbackTenantId: fallbackTenant(rt) });
  if (!event) {
    await context.sendActivity({ type: 'invokeResponse', value: { status: 400, body: badRequestResponse() } });
    return;
  }
  const outcome = await handleInTime(rt, event);
  const text = outcome === 'late' ? undefined : outcome.reply?.view.fallback;
  await context.sendActivity({ type: 'invokeResponse', value: { status: 200, body: text === undefined ? {} : reportAnswer(text) } });
}

async function invokeResponseFor(rt: TeamsRuntime, context: TurnContext, event: ActionEvent | FormSubmittedEvent, reply: Reply | undefined): Promise<Record<string, unknown>> {
  if (!reply) return messageResponse('');
  // A form asked for by a button replaces the card for the presser; a submitted form's reply replaces the form.
  if (reply.form) return { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: renderFormCard(reply.form, event.channelId === undefined ? {} : { channelId: event.channelId }) };
  if (reply.replaceOriginal || reply.visibility === 'private') {
    if (reply.replaceOriginal && reply.visibility === 'channel' && event.type === 'action' && event.message) {
      const messageId = event.message.messageId;
      try {
        await context.updateActivity({ ...cardMessage(reply.view), id: messageId });
      } catch (err) {
        rt.logger.warn({ err: toChatPlatformError(err, 'a card update'), eventId: event.eventId }, 'Teams: could not update the card for everyone');
      }
    }
    return { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: renderCard(reply.view) };
  }
  try {
    await context.sendActivity(cardMessage(reply.view));
  } catch (err) {
    rt.logger.error({ err: toChatPlatformError(err, 'an action reply'), eventId: event.eventId }, 'Teams: could not post an action reply');
    return errorResponse();
  }
  return messageResponse(reply.view.fallback);
}

function messageResponse(text: string): Record<string, unknown> {
  return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text };
}

/** The Universal Actions error body for a request Kring cannot read. */
function badRequestResponse(): Record<string, unknown> {
  return { statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'BadRequest', message: 'Kring could not read this action.' } };
}

/** Teams shows its own generic failure text for an error response; no stack or message of ours. */
function errorResponse(): Record<string, unknown> {
  return { statusCode: 500, type: 'application/vnd.microsoft.error', value: { code: 'InternalError', message: 'Kring could not handle this action.' } };
}

async function answerInvoke(context: TurnContext, body: Record<string, unknown>): Promise<void> {
  await context.sendActivity({ type: 'invokeResponse', value: { status: 200, body } });
}

/**
 * Members added/removed -> member-joined/left events; Kring's own arrival (installed in a team, a
 * group chat or personally) stores the conversation so that it can post there later.
 */
async function onConversationUpdate(rt: TeamsRuntime, activity: TeamsActivity): Promise<void> {
  const tenantId = tenantOf(activity) ?? fallbackTenant(rt);
  noticeRename(rt, activity, tenantId);
  if (isBotRemoved(activity)) {
    rt.logger.info({ tenantId, conversationType: activity.conversation?.conversationType }, 'Teams: Kring was removed from a conversation');
  } else {
    await rememberQuietly(rt, activity);
    if (isBotAdded(activity)) {
      rt.logger.info({ tenantId, conversationType: activity.conversation?.conversationType, team: activity.channelData?.team?.id }, 'Teams: Kring was added to a conversation');
    }
  }
  for (const event of memberEvents(activity, { fallbackTenantId: fallbackTenant(rt) })) {
    await handleSafely(rt, event);
  }
}

/**
 * A channel renamed in a team Kring is in: `channelData.eventType` `channelRenamed` with the channel's id and
 * new name. Tells the listeners; their failures are logged.
 *
 * @see https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/subscribe-to-conversation-events#channel-renamed
 */
function noticeRename(rt: TeamsRuntime, activity: TeamsActivity, tenantId: string): void {
  const channel = activity.channelData?.channel;
  if (activity.channelData?.eventType !== 'channelRenamed' || !channel?.id || !channel.name) return;
  const ref = { workspaceId: tenantId, channelId: channel.id };
  const name = channel.name;
  for (const listener of rt.renameListeners) {
    Promise.resolve()
      .then(() => listener(ref, name))
      .catch((err: unknown) => rt.logger.warn({ err, channelId: channel.id }, 'Teams: a channel rename listener failed'));
  }
}

async function rememberQuietly(rt: TeamsRuntime, activity: TeamsActivity): Promise<void> {
  try {
    await rt.references.remember(activity);
  } catch (err) {
    rt.logger.warn({ err, conversationType: activity.conversation?.conversationType }, 'Teams: could not store a conversation reference');
  }
}

function fallbackTenant(rt: TeamsRuntime): string {
  return rt.settings.tenantId ?? 'emulator';
}
