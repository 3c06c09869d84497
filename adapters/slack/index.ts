import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, ExpressReceiver, webApi, type InstallURLOptions } from '@slack/bolt';
import type { Request as ExpressRequest, Response as ExpressResponse } from 'express';
import {
  ChatPlatformError,
  type AccessPlace,
  type ChannelRef,
  type ChatPlatform,
  type HttpRoute,
  type InboundEvent,
  type MessageRef,
  type PostOptions,
  type Reply,
  type ThreadRef,
  type UserRef,
  type View,
} from '../../src/kernel/ports/chat-platform.js';
import type { Logger } from '../../src/kernel/ports/logger.js';
import { parseSlackConfig, type ParsedSlackConfig, type SlackPlatformConfig } from './config.js';
import { toChatPlatformError } from './errors.js';
import { SlackDeliveries } from './deliveries.js';
import { createEventsRoute, type SlackRequest } from './http.js';
import { failureOutcome, pageLocale, sendInstallPage, slackErrorOutcome, type InstallOutcome } from './install-pages.js';
import { WorkspaceInstallationStore } from './installation-store.js';
import { registerListeners } from './listeners.js';
import { ResponseUrlPoster } from './response-url.js';
import { BoundedWork } from '../../src/kernel/bounded-work.js';
import { renderMessage, renderModal } from './render.js';
import { toSlackLogger } from './slack-logger.js';
import { SlackUserLocales } from './user-locales.js';
import { toChannelRename } from './inbound.js';

export type { SlackPlatformConfig, SlackSingleWorkspaceConfig, SlackOAuthConfig } from './config.js';
export { SLACK_BOT_SCOPES, SLACK_DEFAULT_API_URL } from './config.js';
export { SLACK_EVENTS_PATH } from './http.js';

/** Bolt's installer callbacks (its `@slack/oauth` type, reached through the receiver Bolt exports). */
type CallbackOptions = NonNullable<Parameters<NonNullable<ExpressReceiver['installer']>['handleCallback']>[2]>;

/** Where "Add to Slack" starts and where Slack sends the installer back (OAuth mode only). */
export const SLACK_INSTALL_PATH = '/slack/install';
export const SLACK_OAUTH_REDIRECT_PATH = '/slack/oauth_redirect';

/** `event_type` of the message metadata Kring puts on posts that carry an idempotency key. */
export const SLACK_POST_METADATA_TYPE = 'kring_post';

/** How far back findPosted looks: a queue retry follows within hours. */
const FIND_POSTED_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Messages findPosted reads (one conversations.history page; Slack advises at most 200). */
const FIND_POSTED_PAGE_SIZE = 200;

/** Web API calls give up after this long; the queue retries TRANSIENT failures. */
const API_TIMEOUT_MS = 10_000;

/**
 * Kring on Slack: Bolt (HTTP mode) for inbound, the Web API client for outbound.
 *
 * Inbound requests reach Bolt only through our `/slack/events` route (signature, timestamp and repeat
 * checks first, see http.ts); Bolt's ExpressReceiver is used for its ack handling and, in OAuth mode, its
 * installer — its own Express app is never served. Outbound calls go through one WebClient with the
 * workspace's token per call, `rejectRateLimitedCalls` and no retries: a 429 or 5xx surfaces at once as
 * RATE_LIMITED / TRANSIENT, and the announcement queue decides when to try again.
 */
export class SlackPlatform implements ChatPlatform {
  readonly platform = 'slack' as const;
  readonly routes: readonly HttpRoute[];

  private readonly log: Logger;
  private readonly client: InstanceType<typeof webApi.WebClient>;
  private readonly receiver: ExpressReceiver;
  private readonly app: App;
  private readonly installations: WorkspaceInstallationStore | undefined;
  private readonly inflight = new Set<Promise<void>>();
  private readonly locales: SlackUserLocales;
  private readonly renameListeners: ((channel: ChannelRef, name: string) => void | Promise<void>)[] = [];
  private readonly responses = new ResponseUrlPoster();
  /**
   * The work after the ack, 64 deliveries at a time. A burst waits here (up to 10,000 deliveries, several
   * seconds of presses at 1,000/s), so requests keep being read and acknowledged while the work catches up.
   */
  private readonly work = new BoundedWork({ concurrency: 64, maxWaiting: 10_000 });
  private state: 'created' | 'running' | 'stopped' = 'created';

  constructor(private readonly config: ParsedSlackConfig) {
    this.log = config.logger.child({ platform: 'slack' });
    const slackLogger = toSlackLogger(this.log);
    const clientOptions = {
      slackApiUrl: config.apiUrl,
      logger: slackLogger,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
      timeout: API_TIMEOUT_MS,
    };
    this.client = new webApi.WebClient(undefined, clientOptions);

    let installUrlOptions: InstallURLOptions | undefined;
    let installations: WorkspaceInstallationStore | undefined;
    if (config.mode === 'oauth') {
      installations = new WorkspaceInstallationStore({
        workspaces: config.workspaces,
        organizationId: config.organizationId,
        logger: this.log,
        allowedWorkspaceIds: config.allowedWorkspaceIds,
      });
      installUrlOptions = {
        scopes: config.scopes,
        ...(config.redirectUri === undefined ? {} : { redirectUri: config.redirectUri }),
      };
    }
    this.installations = installations;

    this.receiver = new ExpressReceiver({
      signingSecret: config.signingSecret,
      // We verify signatures ourselves (both timestamp directions, injectable clock) before Bolt runs.
      signatureVerification: false,
      // Ack first, work after: Slack shows an error when the HTTP answer takes over 3 s.
      processBeforeResponse: false,
      // The durable replay check, started before Bolt runs, reaches the listeners through their context.
      customPropertiesExtractor: (req) => ({ kringFirstDelivery: (req as SlackRequest).kringFirstDelivery }),
      logger: slackLogger,
      // Bodies are checked before Bolt sees them (payloads.ts) and listeners catch their own failures, so an
      // error here is a bug of ours or Bolt's: log it and ack. A 500 helps nobody — Slack's retry of an event
      // is dropped as a repeat, and a member would see "dispatch_failed".
      processEventErrorHandler: async ({ error, response }) => {
        this.log.error({ err: error }, 'slack: Bolt failed on a request; acked');
        return !response.headersSent;
      },
      ...(config.mode === 'oauth' && installations !== undefined
        ? {
            clientId: config.clientId,
            clientSecret: config.clientSecret,
            stateSecret: config.stateSecret,
            installationStore: installations,
            scopes: config.scopes,
            ...(config.redirectUri === undefined ? {} : { redirectUri: config.redirectUri }),
            installerOptions: {
              installPath: SLACK_INSTALL_PATH,
              redirectUriPath: SLACK_OAUTH_REDIRECT_PATH,
              clientOptions: { slackApiUrl: config.apiUrl },
            },
          }
        : {}),
    });

    this.app = new App({
      receiver: this.receiver,
      ...(config.mode === 'single' ? { token: config.botToken } : {}),
      logger: slackLogger,
      clientOptions,
      // init() (auth.test) runs in start(), not in the constructor.
      deferInitialization: true,
      // Bolt's conversation store keeps per-conversation state in memory; Kring has no use for it.
      convoStore: false,
    });

    this.locales = new SlackUserLocales((workspaceId, userId) => this.userLocale(workspaceId, userId), this.log, { clock: config.clock });

    registerListeners(this.app, {
      // Slack sends no locale with interactions: the event gets the user's, looked up and cached.
      handler: config.handler,
      // The locale look-up only waits (users.info), so it runs before the event takes one of the work slots.
      prepare: (event) => this.locales.withLocale(event),
      logger: this.log,
      respond: (responseUrl, message) => this.responses.post(responseUrl, message),
      work: this.work,
      deliverEventReply: (event, reply) => this.deliverEventReply(event, reply),
      openForm: async (event, triggerId, form) => {
        const token = await this.tokenFor(event.workspaceId);
        const view = renderModal(form, event.channelId === undefined ? {} : { channelId: event.channelId });
        // https://docs.slack.dev/reference/methods/views.open
        await this.call('views.open', () => this.client.views.open({ token, trigger_id: triggerId, view }));
      },
      onUninstalled: async (teamId) => {
        if (this.installations === undefined) {
          this.log.warn({ teamId }, 'slack: app uninstalled or token revoked; SLACK_BOT_TOKEN no longer works');
          return;
        }
        await this.installations.deleteInstallation({ teamId, enterpriseId: undefined, isEnterpriseInstall: false });
      },
    });

    this.routes = [
      createEventsRoute({
        signingSecret: config.signingSecret,
        clock: config.clock,
        logger: this.log,
        deliveries: new SlackDeliveries(config.processedEvents, this.log),
        accepting: () => this.state === 'running',
        dispatch: (req, res) => {
          this.forgetChangedUser(req.body);
          this.noticeRename(req.body);
          return this.track(this.receiver.requestHandler(req as ExpressRequest, res as ExpressResponse));
        },
      }),
      ...this.oauthRoutes(installUrlOptions),
    ];
  }

  /** Checks the token (single workspace; `auth.test`) and starts accepting requests. */
  async start(): Promise<void> {
    if (this.state === 'running') return;
    try {
      await this.app.init();
    } catch (e) {
      throw toChatPlatformError(e, 'auth.test');
    }
    if (this.config.mode === 'single') {
      const token = this.config.botToken;
      const auth = await this.call('auth.test', () => this.client.auth.test({ token }));
      this.log.info({ teamId: auth.team_id, botUserId: auth.user_id }, 'slack: connected');
      const registration = this.config.registration;
      if (registration !== undefined && auth.team_id) {
        await registration.workspaces.upsert({
          organizationId: registration.organizationId,
          platform: 'slack',
          externalId: auth.team_id,
          name: auth.team ?? null,
        });
      }
    } else {
      this.log.info('slack: ready for OAuth installs');
    }
    this.state = 'running';
  }

  /** Stops accepting requests (503, Slack retries events) and waits for replies in flight. */
  async stop(): Promise<void> {
    this.state = 'stopped';
    await Promise.allSettled([...this.inflight]);
    this.responses.close();
  }

  /** https://docs.slack.dev/reference/methods/chat.postMessage */
  async post(channel: ChannelRef, view: View, options?: PostOptions): Promise<MessageRef> {
    const token = await this.tokenFor(channel.workspaceId);
    const key = options?.idempotencyKey;
    const res = await this.call('chat.postMessage', () =>
      this.client.chat.postMessage({
        token,
        channel: channel.channelId,
        ...renderMessage(view),
        // Lets a later run recognise this post as ours (conversations.history with include_all_metadata).
        ...(key === undefined ? {} : { metadata: { event_type: SLACK_POST_METADATA_TYPE, event_payload: { key } } }),
      }),
    );
    if (!res.ts || !res.channel) throw new ChatPlatformError('INVALID', 'Slack chat.postMessage answered without ts/channel');
    return { platform: 'slack', workspaceId: channel.workspaceId, channelId: res.channel, messageId: res.ts };
  }

  /** https://docs.slack.dev/reference/methods/chat.postMessage with `thread_ts`: a thread is a message's replies. */
  async openThread(message: MessageRef, view: View, options: { threadName: string; existingThreadId?: string }): Promise<ThreadRef> {
    if (options.existingThreadId !== undefined) return { threadId: options.existingThreadId, channelId: message.channelId };
    const token = await this.tokenFor(message.workspaceId);
    await this.call('chat.postMessage', () =>
      this.client.chat.postMessage({ token, channel: message.channelId, thread_ts: message.messageId, ...renderMessage(view) }),
    );
    return { threadId: message.messageId, channelId: message.channelId };
  }

  /** https://docs.slack.dev/reference/methods/chat.update */
  async update(message: MessageRef, view: View): Promise<void> {
    const token = await this.tokenFor(message.workspaceId);
    await this.call('chat.update', () =>
      this.client.chat.update({ token, channel: message.channelId, ts: message.messageId, ...renderMessage(view) }),
    );
  }

  /** https://docs.slack.dev/reference/methods/chat.delete */
  async delete(message: MessageRef): Promise<void> {
    const token = await this.tokenFor(message.workspaceId);
    await this.call('chat.delete', () => this.client.chat.delete({ token, channel: message.channelId, ts: message.messageId }));
  }

  /** https://docs.slack.dev/reference/methods/conversations.open, then chat.postMessage in the DM. */
  async sendDirect(user: UserRef, view: View, options?: PostOptions): Promise<MessageRef> {
    const token = await this.tokenFor(user.workspaceId);
    const opened = await this.call('conversations.open', () => this.client.conversations.open({ token, users: user.userId }));
    const channelId = opened.channel?.id;
    if (!channelId) throw new ChatPlatformError('INVALID', 'Slack conversations.open answered without a channel');
    return this.post({ workspaceId: user.workspaceId, channelId }, view, options);
  }

  /** https://docs.slack.dev/reference/events/channel_rename and group_rename (scopes channels:read, groups:read). */
  onChannelRenamed(listener: (channel: ChannelRef, name: string) => void | Promise<void>): void {
    this.renameListeners.push(listener);
  }

  /**
   * The channel's name (`general`), null for a DM or a channel Slack does not know (any more).
   * https://docs.slack.dev/reference/methods/conversations.info
   */
  async channelName(channel: ChannelRef): Promise<string | null> {
    const token = await this.tokenFor(channel.workspaceId);
    try {
      const info = await this.call('conversations.info', () => this.client.conversations.info({ token, channel: channel.channelId }));
      const c = info.channel;
      return c === undefined || c.is_im === true || !c.name ? null : c.name;
    } catch (e) {
      if (e instanceof ChatPlatformError && e.code === 'NOT_FOUND') return null;
      throw e;
    }
  }

  /** Members-only places on Slack are private channels Kring is in (Kring opens and closes them). */
  readonly accessPlaceKinds = ['channel'] as const;

  /**
   * Invites the member to the members-only private channel; one who is in already is fine.
   * https://docs.slack.dev/reference/methods/conversations.invite (scope groups:write; Kring must be in it)
   */
  async grantChannelAccess(user: UserRef, place: AccessPlace): Promise<void> {
    const channel = this.placeChannel(place);
    const token = await this.tokenFor(place.workspaceId);
    try {
      await this.client.conversations.invite({ token, channel, users: user.userId });
    } catch (e) {
      if (slackErrorOf(e) === 'already_in_channel') return;
      throw toChatPlatformError(e, 'conversations.invite');
    }
  }

  /**
   * Removes the member from the private channel; one who is not in it is fine.
   * https://docs.slack.dev/reference/methods/conversations.kick
   */
  async revokeChannelAccess(user: UserRef, place: AccessPlace): Promise<void> {
    const channel = this.placeChannel(place);
    const token = await this.tokenFor(place.workspaceId);
    try {
      await this.client.conversations.kick({ token, channel, user: user.userId });
    } catch (e) {
      // conversations.kick: `not_in_channel` is "the user was not in the channel".
      if (slackErrorOf(e) === 'not_in_channel') return;
      throw toChatPlatformError(e, 'conversations.kick');
    }
  }

  /**
   * Removes a member's message on a moderator's decision. A bot token may delete only the bot's own
   * messages, so Slack usually answers `cant_delete_message` (PERMISSION_DENIED): the moderator removes it
   * by hand then. https://docs.slack.dev/reference/methods/chat.delete
   */
  async removeMessage(message: MessageRef, _reason: string): Promise<void> {
    const token = await this.tokenFor(message.workspaceId);
    await this.call('chat.delete', () => this.client.chat.delete({ token, channel: message.channelId, ts: message.messageId }));
  }

  private placeChannel(place: AccessPlace): string {
    if (place.kind !== 'channel') throw new ChatPlatformError('INVALID', `Slack members-only places are private channels, not a ${place.kind}`);
    return place.id;
  }

  /**
   * Kring's earlier post with this idempotency key among the channel's messages of the last
   * {@link FIND_POSTED_WINDOW_MS}, read back from the message metadata `post` puts on it.
   * https://docs.slack.dev/reference/methods/conversations.history (one page, newest first).
   */
  async findPosted(channel: ChannelRef, idempotencyKey: string): Promise<MessageRef | null> {
    const token = await this.tokenFor(channel.workspaceId);
    const oldest = (this.config.clock.now().getTime() - FIND_POSTED_WINDOW_MS) / 1000;
    const history = await this.call('conversations.history', () =>
      this.client.conversations.history({
        token,
        channel: channel.channelId,
        oldest: oldest.toFixed(6),
        limit: FIND_POSTED_PAGE_SIZE,
        include_all_metadata: true,
      }),
    );
    const found = (history.messages ?? []).find(
      // The generated response type declares event_payload as `{}`; ours is `{ key }`.
      (m) =>
        m.metadata?.event_type === SLACK_POST_METADATA_TYPE &&
        (m.metadata.event_payload as { key?: unknown } | undefined)?.key === idempotencyKey,
    );
    return found?.ts ? { platform: 'slack', workspaceId: channel.workspaceId, channelId: channel.channelId, messageId: found.ts } : null;
  }

  /**
   * Replies to events that carry no response_url: in the channel for `channel`; as an ephemeral message
   * (https://docs.slack.dev/reference/methods/chat.postEphemeral) or, without a channel, a DM for `private`.
   */
  private async deliverEventReply(event: InboundEvent, reply: Reply): Promise<void> {
    const channelId = event.channelId;
    if (reply.visibility === 'channel') {
      if (channelId === undefined) throw new Error('a channel reply to an event without a channel');
      await this.post({ workspaceId: event.workspaceId, channelId }, reply.view);
      return;
    }
    if (channelId === undefined) {
      await this.sendDirect({ workspaceId: event.workspaceId, userId: event.userId }, reply.view);
      return;
    }
    const token = await this.tokenFor(event.workspaceId);
    await this.call('chat.postEphemeral', () =>
      this.client.chat.postEphemeral({ token, channel: channelId, user: event.userId, ...renderMessage(reply.view) }),
    );
  }

  /**
   * The user's locale (`nl-NL`), undefined when Slack has none for them.
   * https://docs.slack.dev/reference/methods/users.info (`include_locale`)
   */
  private async userLocale(workspaceId: string, userId: string): Promise<string | undefined> {
    const token = await this.tokenFor(workspaceId);
    const info = await this.call('users.info', () => this.client.users.info({ token, user: userId, include_locale: true }));
    const locale = info.user?.locale;
    return typeof locale === 'string' && locale !== '' ? locale : undefined;
  }

  /** Tells the listeners about a `channel_rename`/`group_rename` event. */
  private noticeRename(body: unknown): void {
    const renamed = toChannelRename(body);
    if (renamed === undefined) return;
    for (const listener of this.renameListeners) {
      Promise.resolve()
        .then(() => listener({ workspaceId: renamed.workspaceId, channelId: renamed.channelId }, renamed.name))
        .catch((err: unknown) => this.log.warn({ err, channelId: renamed.channelId }, 'slack: a channel rename listener failed'));
    }
  }

  /** A `user_change` event: the person's profile (language included) changed, so their cached locale goes. */
  private forgetChangedUser(body: unknown): void {
    const envelope = body as { type?: unknown; team_id?: unknown; event?: { type?: unknown; user?: { id?: unknown } } } | undefined;
    if (envelope?.type !== 'event_callback' || envelope.event?.type !== 'user_change') return;
    const userId = envelope.event.user?.id;
    if (typeof envelope.team_id === 'string' && typeof userId === 'string') this.locales.forget(envelope.team_id, userId);
  }

  /** The bot token for a workspace: the configured one, or the installation's. */
  private async tokenFor(workspaceId: string): Promise<string> {
    if (this.config.mode === 'single') return this.config.botToken;
    let token: string | undefined;
    try {
      token = (await this.installations!.find(workspaceId))?.bot?.token;
    } catch (e) {
      throw new ChatPlatformError('TRANSIENT', 'Slack installation lookup failed', { cause: e });
    }
    if (token === undefined) {
      throw new ChatPlatformError('PERMISSION_DENIED', `Kring is not installed in Slack workspace ${workspaceId}`);
    }
    return token;
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw toChatPlatformError(e, what);
    }
  }

  private track(work: Promise<void>): Promise<void> {
    const p = work.finally(() => this.inflight.delete(p));
    this.inflight.add(p);
    return p;
  }

  /**
   * `GET /slack/install` and `GET /slack/oauth_redirect`, served by Bolt's installer (OAuth mode), ending on
   * our own page in the person's language (install-pages.ts) whatever happens: never Bolt's English 500.
   */
  private oauthRoutes(installUrlOptions: InstallURLOptions | undefined): HttpRoute[] {
    const installer = this.receiver.installer;
    const config = this.config;
    if (installer === undefined || installUrlOptions === undefined || config.mode !== 'oauth') return [];
    const page = (req: IncomingMessage, res: ServerResponse, outcome: InstallOutcome, workspace?: { id: string; name: string | undefined }): void =>
      sendInstallPage(res, config.translator, {
        outcome,
        locale: pageLocale(req, config.defaultLocale),
        installPath: SLACK_INSTALL_PATH,
        ...(workspace === undefined ? {} : { workspace }),
      });
    const callbackOptions: CallbackOptions = {
      successAsync: async (installation, _options, req, res) => {
        const id = installation.team?.id ?? '';
        page(req, res, 'installed', { id, name: installation.team?.name });
      },
      failureAsync: async (error, _options, req, res) => {
        const outcome = failureOutcome(error);
        if (outcome === 'failed') this.log.error({ err: error }, 'slack: install failed');
        else this.log.info({ outcome, code: error.code }, 'slack: install did not complete');
        page(req, res, outcome);
      },
    };
    return [
      {
        method: 'GET',
        path: SLACK_INSTALL_PATH,
        handle: (req, res) => {
          installer.handleInstallPath(req, res, undefined, installUrlOptions).catch((err: unknown) => {
            this.log.error({ err }, 'slack: install page failed');
            page(req, res, 'failed');
          });
        },
      },
      {
        method: 'GET',
        path: SLACK_OAUTH_REDIRECT_PATH,
        handle: (req, res) => {
          // Slack sends the person back with `error=access_denied` when they press Cancel (or another error
          // code): nothing to verify or exchange, and not worth Bolt's error log line.
          const slackError = new URL(req.url ?? '/', 'http://localhost').searchParams.get('error');
          if (slackError !== null) {
            this.log.info({ error: slackError.slice(0, 40) }, 'slack: install not granted');
            page(req, res, slackErrorOutcome(slackError));
            return;
          }
          installer.handleCallback(req, res, callbackOptions).catch((err: unknown) => {
            this.log.error({ err }, 'slack: install redirect failed');
            page(req, res, 'failed');
          });
        },
      },
    ];
  }
}

/** The Slack error string of a failed Web API call (`already_in_channel`), if it has one. */
function slackErrorOf(e: unknown): string | undefined {
  const error = (e as { data?: { error?: unknown } } | undefined)?.data?.error;
  return typeof error === 'string' ? error : undefined;
}

/** Creates the Slack adapter; throws ValidationError naming every bad config key. */
export function createSlackPlatform(config: SlackPlatformConfig): SlackPlatform {
  return new SlackPlatform(parseSlackConfig(config));
}
