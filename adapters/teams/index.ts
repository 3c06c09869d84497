import type {
  AccessPlace,
  ChannelRef,
  ChatPlatform,
  HttpRoute,
  MessageRef,
  PostOptions,
  ThreadRef,
  UserRef,
  View,
} from '../../src/kernel/ports/chat-platform.js';
import { ChatPlatformError } from '../../src/kernel/ports/chat-platform.js';
import { referenceKeys } from './activity.js';
import { KringCloudAdapter, createBotFrameworkAuthentication } from './bot-framework.js';
import { parseTeamsSettings, type TeamsPlatformConfig } from './config.js';
import { toChatPlatformError } from './errors.js';
import { createMessagesRoute } from './http.js';
import { cardMessage, deleteInConversation, sendInNewPersonalChat, sendToConversation, teamChannels, teamGroupId, updateInConversation } from './outbound.js';
import { GraphChannelMembers } from './graph.js';
import { ReferenceStore, type TeamsRuntime } from './runtime.js';
import { BoundedWork } from '../../src/kernel/bounded-work.js';

export type { TeamsPlatformConfig } from './config.js';
export { teamsSettingsSchema, TEAMS_APP_TYPES, type TeamsAppType } from './config.js';
export { TEAMS_REPORT_COMMAND_ID } from './report.js';

/**
 * Kring on Microsoft Teams, through botbuilder's CloudAdapter (Bot Framework protocol).
 *
 * Inbound: `POST /api/messages` (mount on the shared server). Outbound: proactive sends through the
 * conversation references stored when Kring is installed in a team/chat or spoken to, so a channel
 * must have seen Kring arrive (conversationUpdate) before `post` can reach it.
 *
 * Teams has no idempotent send: `PostOptions.idempotencyKey` cannot be honoured, so a retried `post`
 * after a lost response may duplicate the message.
 *
 * Members-only private channels are opened and closed through Microsoft Graph (graph.ts). Bots cannot
 * delete people's messages in Teams, so `removeMessage` is left out. Reports arrive through the message
 * action in the app manifest (report.ts).
 */
export interface TeamsPlatform extends ChatPlatform {
  readonly platform: 'teams';
}

/** What Teams calls a team's first channel, which its channel list leaves unnamed. */
const GENERAL_CHANNEL_NAME = 'General';

/** Creates the Teams adapter. Throws a ValidationError naming every bad setting. */
export function createTeamsPlatform(config: TeamsPlatformConfig): TeamsPlatform {
  const settings = parseTeamsSettings(config);
  const logger = config.logger.child({ platform: 'teams' });
  const auth = createBotFrameworkAuthentication(settings);
  const rt: TeamsRuntime = {
    settings,
    appId: settings.appId ?? '',
    adapter: new KringCloudAdapter(auth),
    auth,
    handler: config.handler,
    logger,
    references: new ReferenceStore(config.conversationReferences, settings.tenantId ?? 'emulator'),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    renameListeners: [],
    // Presses and forms 64 at a time; a burst waits (up to 10,000) and each is answered by its deadline.
    work: new BoundedWork({ concurrency: 64, maxWaiting: 10_000 }),
  };

  const inFlight = new Set<Promise<unknown>>();
  let accepting = true;
  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work)).catch(() => undefined);
    return work;
  };
  const routes: readonly HttpRoute[] = [createMessagesRoute(rt, { accepting: () => accepting, track })];

  /** Runs an outbound call with errors mapped onto ChatPlatformError. */
  const outbound = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await track(call());
    } catch (err) {
      throw toChatPlatformError(err, what);
    }
  };

  /**
   * Members-only private channels need Microsoft Graph with the bot's own client secret: absent in emulator
   * mode and for a managed identity (UserAssignedMSI has no secret to ask Graph a token with).
   */
  const graph =
    settings.appId && settings.appPassword
      ? new GraphChannelMembers({ appId: settings.appId, appPassword: settings.appPassword, graphUrl: settings.graphUrl, loginUrl: settings.graphLoginUrl }, logger)
      : undefined;
  /** Team (Bot Framework id) -> its Entra group id, which Graph addresses teams by. */
  const groupIds = new Map<string, Promise<string | undefined>>();

  /** The private channel's team as Graph knows it: from the channel's stored reference and the team's details. */
  const graphChannel = async (place: AccessPlace, what: string): Promise<{ teamGroupId: string; channelId: string }> => {
    if (place.kind !== 'channel') throw new ChatPlatformError('INVALID', `Teams members-only places are private channels, not a ${place.kind}`);
    const reference = await conversationRef(place.workspaceId, place.id, what);
    if (reference.conversation.conversationType !== 'channel' || !reference.teamId) {
      throw new ChatPlatformError('INVALID', `Teams: ${place.id} is not a channel of a team (${what})`);
    }
    const teamId = reference.teamId;
    let groupId = groupIds.get(teamId);
    if (!groupId) {
      groupId = outbound(what, () => teamGroupId(rt, reference, teamId));
      groupIds.set(teamId, groupId);
      // A failed look-up is asked again next time.
      groupId.catch(() => groupIds.delete(teamId));
    }
    const found = await groupId;
    if (!found) throw new ChatPlatformError('INVALID', `Teams did not tell the Entra group of team ${teamId} (${what})`);
    return { teamGroupId: found, channelId: place.id };
  };
  /** Graph addresses people by their Entra object id, which is Kring's Teams user id whenever Teams gives one. */
  const entraId = (user: UserRef): string => {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(user.userId)) {
      throw new ChatPlatformError('INVALID', 'Teams: this account has no Entra object id, so Graph cannot add it to a channel');
    }
    return user.userId;
  };

  const conversationRef = async (workspaceId: string, conversationId: string, what: string) => {
    const reference = await rt.references.find(workspaceId, referenceKeys.conversation(conversationId));
    if (!reference) {
      throw new ChatPlatformError('NOT_FOUND', `Teams: no conversation reference for ${conversationId} (Kring was never added there) during ${what}`);
    }
    return reference;
  };

  return {
    platform: 'teams',
    routes,
    ...(graph === undefined
      ? {}
      : {
          accessPlaceKinds: ['channel'] as const,
          /** Adds the member to the private channel: https://learn.microsoft.com/graph/api/channel-post-members */
          async grantChannelAccess(user: UserRef, place: AccessPlace): Promise<void> {
            const { teamGroupId: team, channelId } = await graphChannel(place, 'grantChannelAccess');
            await track(graph.add(place.workspaceId, team, channelId, entraId(user)));
          },
          /** Removes them: https://learn.microsoft.com/graph/api/channel-delete-members */
          async revokeChannelAccess(user: UserRef, place: AccessPlace): Promise<void> {
            const { teamGroupId: team, channelId } = await graphChannel(place, 'revokeChannelAccess');
            await track(graph.remove(place.workspaceId, team, channelId, entraId(user)));
          },
        }),

    async start() {
      accepting = true;
      if (!settings.appId) {
        logger.warn(
          '!!! Teams authentication is OFF: MICROSOFT_APP_ID is not set, so /api/messages accepts unsigned requests. ' +
            'Use this only with the Bot Framework Emulator on a private machine; set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD in production. !!!',
        );
      } else {
        logger.info({ appType: settings.appType, tenantId: settings.tenantId }, 'Teams adapter ready on POST /api/messages');
      }
    },

    async stop() {
      accepting = false;
      await Promise.allSettled([...inFlight]);
    },

    /** @see https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference#send-to-conversation */
    async post(channel: ChannelRef, view: View, _options?: PostOptions): Promise<MessageRef> {
      const reference = await conversationRef(channel.workspaceId, channel.channelId, 'post');
      const messageId = await outbound('post', () => sendToConversation(rt, reference, cardMessage(view)));
      return { platform: 'teams', workspaceId: channel.workspaceId, channelId: channel.channelId, messageId };
    },

    /** @see https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference#update-activity */
    async update(message: MessageRef, view: View): Promise<void> {
      const reference = await conversationRef(message.workspaceId, message.channelId, 'update');
      await outbound('update', () => updateInConversation(rt, reference, message.messageId, cardMessage(view)));
    },

    /**
     * A reply to the channel message: Teams threads are a message's reply chain (conversation
     * `<channel>;messageid=<message>`).
     *
     * @see https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/send-proactive-messages#send-a-message-to-a-channel-thread
     */
    async openThread(message: MessageRef, view: View, options: { threadName: string; existingThreadId?: string }): Promise<ThreadRef> {
      if (options.existingThreadId !== undefined) return { threadId: options.existingThreadId, channelId: message.channelId };
      const reference = await conversationRef(message.workspaceId, message.channelId, 'openThread');
      const inThread = { ...reference, conversation: { ...reference.conversation, id: `${message.channelId};messageid=${message.messageId}` } };
      await outbound('openThread', () => sendToConversation(rt, inThread, cardMessage(view)));
      return { threadId: message.messageId, channelId: message.channelId };
    },

    /** @see https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference#delete-activity */
    async delete(message: MessageRef): Promise<void> {
      const reference = await conversationRef(message.workspaceId, message.channelId, 'delete');
      await outbound('delete', () => deleteInConversation(rt, reference, message.messageId));
    },

    /** Teams reports renames as `conversationUpdate` with `channelRenamed` (see turn.ts). */
    onChannelRenamed(listener: (channel: ChannelRef, name: string) => void | Promise<void>): void {
      rt.renameListeners.push(listener);
    },

    /**
     * A channel's name from its team's channel list; `General` for the team's General channel (Teams gives
     * it no name of its own). Null for chats, and for channels whose team Kring does not know yet (the
     * next message in the channel tells it).
     *
     * @see https://learn.microsoft.com/microsoftteams/platform/bots/how-to/get-teams-context#get-the-list-of-channels-in-a-team
     */
    async channelName(channel: ChannelRef): Promise<string | null> {
      const reference = await rt.references.find(channel.workspaceId, referenceKeys.conversation(channel.channelId));
      if (!reference || reference.conversation.conversationType !== 'channel' || !reference.teamId) return null;
      const teamId = reference.teamId;
      const channels = await outbound('channelName', () => teamChannels(rt, reference, teamId));
      const found = channels.find((c) => c.id === channel.channelId);
      if (!found) return null;
      return found.name ?? GENERAL_CHANNEL_NAME;
    },

    /**
     * Sends to the person's personal chat with Kring; opens it (createConversation) when Kring has not
     * spoken with them yet, on the tenant's service URL.
     *
     * @see https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference#create-conversation
     */
    async sendDirect(user: UserRef, view: View): Promise<MessageRef> {
      const message = cardMessage(view);
      const known = await rt.references.find(user.workspaceId, referenceKeys.user(user.userId));
      if (known) {
        const messageId = await outbound('sendDirect', () => sendToConversation(rt, known, message));
        return { platform: 'teams', workspaceId: user.workspaceId, channelId: known.conversation.id, messageId };
      }
      const tenant = await rt.references.find(user.workspaceId, referenceKeys.tenant());
      const sent = await outbound('sendDirect', () =>
        sendInNewPersonalChat(
          rt,
          {
            tenantId: user.workspaceId,
            memberId: user.userId,
            userKey: user.userId,
            serviceUrl: tenant?.serviceUrl ?? settings.defaultServiceUrl,
            ...(tenant?.bot ? { bot: { id: tenant.bot.id, ...(tenant.bot.name ? { name: tenant.bot.name } : {}) } } : {}),
          },
          message,
        ),
      );
      return { platform: 'teams', workspaceId: user.workspaceId, channelId: sent.conversationId, messageId: sent.activityId };
    },
  };
}
