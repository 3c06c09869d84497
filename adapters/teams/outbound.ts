import { TeamsInfo, type Activity, type ConversationParameters, type ConversationReference, type TurnContext } from 'botbuilder';
import { AuthenticationConstants } from 'botframework-connector';
import type { View } from '../../src/kernel/ports/chat-platform.js';
import { referenceKeys, referenceOf, type StoredConversationReference, type TeamsActivity } from './activity.js';
import { cardAttachment, renderCard } from './render.js';
import type { TeamsRuntime } from './runtime.js';

/**
 * Proactive Bot Connector calls (outside an inbound turn): send, update and delete in a conversation
 * Kring holds a reference for, and open a personal chat. Errors propagate unmapped; callers map them.
 *
 * @see https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/send-proactive-messages
 */

/** A message activity carrying the view as an Adaptive Card; `summary` is what notifications show. */
export function cardMessage(view: View): Partial<Activity> {
  return { type: 'message', summary: view.fallback, attachments: [cardAttachment(renderCard(view))] };
}

/** Runs `logic` in a proactive turn for the stored conversation. */
async function inConversation(rt: TeamsRuntime, reference: StoredConversationReference, logic: (context: TurnContext) => Promise<void>): Promise<void> {
  await rt.adapter.continueConversationAsync(rt.appId, reference as Partial<ConversationReference>, async (context) => {
    // The continuation activity gets a random id, which sendActivity would turn into a replyToId
    // (a reply to a message that does not exist). A proactive post is a new message.
    delete (context.activity as Partial<Activity>).id;
    await logic(context);
  });
}

/** Sends a new message in the conversation; resolves with the activity id Teams gave it. */
export async function sendToConversation(rt: TeamsRuntime, reference: StoredConversationReference, activity: Partial<Activity>): Promise<string> {
  let id = '';
  await inConversation(rt, reference, async (context) => {
    id = (await context.sendActivity(activity))?.id ?? '';
  });
  return id;
}

/** Replaces a message Kring posted in that conversation. */
export async function updateInConversation(rt: TeamsRuntime, reference: StoredConversationReference, activityId: string, activity: Partial<Activity>): Promise<void> {
  await inConversation(rt, reference, async (context) => {
    await context.updateActivity({ ...activity, id: activityId });
  });
}

/** Deletes a message Kring posted in that conversation. */
export async function deleteInConversation(rt: TeamsRuntime, reference: StoredConversationReference, activityId: string): Promise<void> {
  await inConversation(rt, reference, async (context) => {
    await context.deleteActivity(activityId);
  });
}

/**
 * The channels of a team with their names (the General channel has none), asked in a proactive turn of one
 * of its channels.
 *
 * @see https://learn.microsoft.com/microsoftteams/platform/bots/how-to/get-teams-context#get-the-list-of-channels-in-a-team
 */
export async function teamChannels(rt: TeamsRuntime, reference: StoredConversationReference, teamId: string): Promise<{ id: string; name: string | undefined }[]> {
  let channels: { id: string; name: string | undefined }[] = [];
  await inConversation(rt, reference, async (context) => {
    channels = (await TeamsInfo.getTeamChannels(context, teamId)).map((c) => ({ id: c.id ?? '', name: c.name ?? undefined }));
  });
  return channels;
}

/**
 * The Entra group id of a team (what Microsoft Graph calls the team's id), asked of the Bot Connector in a
 * proactive turn of one of its channels; `teamId` is the team as the Bot Framework names it
 * (`channelData.team.id`). Undefined when Teams does not say.
 *
 * @see https://learn.microsoft.com/microsoftteams/platform/bots/how-to/get-teams-context#get-team-details
 */
export async function teamGroupId(rt: TeamsRuntime, reference: StoredConversationReference, teamId: string): Promise<string | undefined> {
  let groupId: string | undefined;
  await inConversation(rt, reference, async (context) => {
    groupId = (await TeamsInfo.getTeamDetails(context, teamId)).aadGroupId ?? undefined;
  });
  return groupId;
}

/**
 * Opens (or reopens: Teams returns the existing one) the personal chat with a person and sends the
 * activity there; stores the new conversation's reference under the person's key. `memberId` may be
 * the Teams user id (`29:...`, works for members of a team Kring is in) or the Entra object id (works
 * when Kring is installed for that person).
 */
export async function sendInNewPersonalChat(
  rt: TeamsRuntime,
  target: { tenantId: string; memberId: string; userKey: string; serviceUrl: string; bot?: { id: string; name?: string } },
  activity: Partial<Activity>,
): Promise<{ conversationId: string; activityId: string }> {
  const parameters: ConversationParameters = {
    isGroup: false,
    bot: { id: target.bot?.id ?? rt.appId, name: target.bot?.name ?? 'Kring' },
    members: [{ id: target.memberId, name: '' }],
    tenantId: target.tenantId,
    channelData: { tenant: { id: target.tenantId } },
  };
  const audience = rt.settings.oauthScope ?? AuthenticationConstants.ToChannelFromBotOAuthScope;
  let result = { conversationId: '', activityId: '' };
  let created: TeamsActivity | undefined;
  await rt.adapter.createConversationAsync(rt.appId, 'msteams', target.serviceUrl, audience, parameters, async (context) => {
    created = { ...(context.activity as unknown as TeamsActivity) };
    // The created-conversation event has the new conversation's id as its own id: not a message to reply to.
    delete (context.activity as Partial<Activity>).id;
    const sent = await context.sendActivity(activity);
    result = { conversationId: created.conversation?.id ?? '', activityId: sent?.id ?? '' };
  });
  // The message is out; failing to remember the chat only costs a createConversation call next time.
  const reference = created && referenceOf({ ...created, conversation: { id: result.conversationId, conversationType: 'personal', tenantId: target.tenantId } });
  if (reference) {
    const personal = { ...reference, user: { id: target.memberId } };
    try {
      await rt.references.save(target.tenantId, referenceKeys.user(target.userKey), personal);
      await rt.references.save(target.tenantId, referenceKeys.conversation(result.conversationId), personal);
    } catch (err) {
      rt.logger.warn({ err }, 'Teams: could not store the personal chat reference');
    }
  }
  return result;
}
