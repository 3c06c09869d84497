import { randomBytes } from 'node:crypto';
import { isActive, isManager, isModerator } from '../../src/kernel/community.js';
import {
  type ChannelRef,
  type ChatPlatform,
  type HttpRoute,
  type MessageRef,
  type PostOptions,
  type UserRef,
  type View,
} from '../../src/kernel/ports/chat-platform.js';
import type { Channel } from '../../src/kernel/ports/directory.js';
import type { Logger } from '../../src/kernel/ports/logger.js';
import type { WebMessage } from '../../src/kernel/ports/web-space.js';
import { toLocale, type Locale } from '../../src/kernel/types.js';
import { parseWebConfig, WEB_BASE_PATH, type ParsedWebConfig, type WebPlatformConfig } from './config.js';
import { channelNotFound, invalidTarget, messageNotFound, toChatPlatformError } from './errors.js';
import { createWebRoutes } from './http.js';
import { webChannelIdSchema } from './inbound.js';
import { LiveHub } from './live.js';
import { renderMessage } from './render.js';
import { hashToken, newToken, SIGN_IN_LINK_TTL_MS, type WebViewer } from './session.js';

export { hashToken, newToken, PENDING_TTL_MS, SIGN_IN_LINK_TTL_MS, type WebViewer } from './session.js';

export type { WebPlatformConfig } from './config.js';
export { WEB_BASE_PATH } from './config.js';
export { webCatalogue } from './i18n.js';

/** Channel lists are reused this long (every live event asks for visibility). */
const CHANNEL_CACHE_MS = 1_000;

/**
 * Kring's own web community: a fourth platform on Kring's HTTP server, under `/web`. Members sign in with
 * the same e-mailed code as in chat (`/kring link` + `/kring verify` through the router: a web identity is
 * a linked PlatformIdentity with platform `web`), then a session cookie. The page shows the channels the
 * member may see, renders the same Views as HTML, sends typed `/kring …` commands, button presses and forms
 * through the same InboundHandler, and receives new, edited and deleted messages live (server-sent events).
 *
 * The web space is one organisation's: its workspace external id is {@link WebPlatformConfig.space}.
 * Channels are connected like on the other platforms (`/kring channel connect news` typed in a channel of
 * the page; managers may open a channel by name to connect it).
 */
export class WebPlatform implements ChatPlatform {
  readonly platform = 'web' as const;
  readonly routes: readonly HttpRoute[];

  readonly config: ParsedWebConfig;
  readonly log: Logger;
  readonly live = new LiveHub();
  private channelCache: { until: number; channels: Channel[] } | undefined;

  constructor(config: ParsedWebConfig) {
    this.config = config;
    this.log = config.logger.child({ platform: 'web' });
    this.routes = createWebRoutes(this);
  }

  async start(): Promise<void> {
    await this.config.sessions.prune(this.config.clock.now()).catch((err: unknown) => this.log.warn({ err: (err as Error).message }, 'web: pruning sessions failed'));
  }

  async stop(): Promise<void> {
    this.live.close();
  }

  /** The web address of the community (for the landing page and the start-up line). */
  get url(): string {
    return `${this.config.publicUrl}${WEB_BASE_PATH}/`;
  }

  // -------------------------------------------------------------------------------------------
  // ChatPlatform
  // -------------------------------------------------------------------------------------------

  async post(channel: ChannelRef, view: View, options: PostOptions = {}): Promise<MessageRef> {
    this.ownSpace(channel.workspaceId);
    if (!webChannelIdSchema.safeParse(channel.channelId).success) throw invalidTarget(channel.channelId);
    if (!(await this.connectedChannel(channel.channelId))) throw channelNotFound(channel.channelId);
    return this.store(channel.channelId, view, options);
  }

  async update(message: MessageRef, view: View): Promise<void> {
    this.ownSpace(message.workspaceId);
    const updated = await this.config.messages.update(this.config.space, message.messageId, view).catch((err: unknown) => {
      throw toChatPlatformError(err);
    });
    if (!updated) throw messageNotFound(message.messageId);
    await this.live.publish({ kind: 'update', channel: updated.channel, id: updated.id, html: this.html(updated) });
  }

  async delete(message: MessageRef): Promise<void> {
    this.ownSpace(message.workspaceId);
    if (!/^[0-9a-f-]{36}$/i.test(message.messageId)) throw messageNotFound(message.messageId);
    const deleted = await this.config.messages.delete(this.config.space, message.messageId).catch((err: unknown) => {
      throw toChatPlatformError(err);
    });
    if (!deleted) throw messageNotFound(message.messageId);
    await this.live.publish({ kind: 'delete', channel: message.channelId, id: message.messageId });
  }

  async sendDirect(user: UserRef, view: View, options: PostOptions = {}): Promise<MessageRef> {
    this.ownSpace(user.workspaceId);
    if (!/^u-[0-9a-f]{8,64}$/.test(user.userId)) throw invalidTarget(user.userId);
    return this.store(`@${user.userId}`, view, options);
  }

  // -------------------------------------------------------------------------------------------
  // Sign-in links and viewers (used by the routes, the demo and tests)
  // -------------------------------------------------------------------------------------------

  /** A new web user id (the `platformUserId` of a web identity once linked). */
  newUserId(): string {
    return `u-${randomBytes(12).toString('hex')}`;
  }

  /**
   * A one-time sign-in link for a web user who is linked already (the demo's manager; an operator's
   * help): valid {@link SIGN_IN_LINK_TTL_MS}, stored as its hash only.
   */
  async signInLink(userId: string): Promise<string> {
    const token = newToken();
    await this.config.sessions.save(hashToken(token), {
      kind: 'link',
      space: this.config.space,
      userId,
      expiresAt: new Date(this.config.clock.now().getTime() + SIGN_IN_LINK_TTL_MS),
    });
    return `${this.config.publicUrl}${WEB_BASE_PATH}/signin/link?token=${token}`;
  }

  /** The linked, active member of a web user id, or null. */
  async viewerOf(userId: string, localeHint?: string): Promise<WebViewer | null> {
    const { identities, members } = this.config.directory;
    const identity = await identities.findByAccount({ platform: 'web', workspaceId: this.config.space, platformUserId: userId });
    if (!identity || identity.organizationId !== this.config.organizationId) return null;
    const member = await members.findById(identity.organizationId, identity.memberId);
    if (!member || !isActive(member)) return null;
    const locale = member.locale ?? toLocale(localeHint) ?? this.config.defaultLocale;
    return { userId, identity, member, isManager: isManager(member), locale };
  }

  /** The connected web channels of this space (cached for a second). */
  async channels(): Promise<Channel[]> {
    const now = Date.now();
    if (this.channelCache && this.channelCache.until > now) return this.channelCache.channels;
    const all = await this.config.directory.channels.list(this.config.organizationId);
    const channels = all.filter((c) => c.platform === 'web' && c.workspaceExternalId === this.config.space).sort((a, b) => a.externalId.localeCompare(b.externalId));
    this.channelCache = { until: now + CHANNEL_CACHE_MS, channels };
    return channels;
  }

  /** Forgets the cached channel list (after `/kring channel connect` from the page). */
  forgetChannels(): void {
    this.channelCache = undefined;
  }

  /**
   * Whether `viewer` may see a channel: general and news channels every member; a chapter channel its
   * chapter's members and the managers; the managers' channel the managers; the moderators' channel the
   * moderators; the ideas channel every member; their own direct messages.
   * Managers may also open a channel that is not connected yet (to connect it).
   */
  async canSee(viewer: WebViewer, channel: string): Promise<boolean> {
    if (channel.startsWith('@')) return channel === `@${viewer.userId}`;
    const connected = (await this.channels()).find((c) => c.externalId === channel);
    if (!connected) return viewer.isManager;
    switch (connected.purpose) {
      // The ideas channel: where members' ideas are posted for upvotes, open to every member.
      case 'general':
      case 'news':
      case 'ideas':
        return true;
      case 'chapter':
        return viewer.isManager || (connected.chapterId !== null && connected.chapterId === viewer.member.chapterId);
      case 'managers':
        return viewer.isManager;
      // Reported messages land there: moderators (and the counsellor) only, managers included only with the role.
      case 'moderators':
        return isModerator(viewer.member);
    }
  }

  /** One stored message as the page's HTML. */
  html(message: WebMessage, locale: Locale = this.config.defaultLocale): string {
    return renderMessage({
      id: message.id,
      view: message.view,
      at: message.createdAt,
      timeZone: this.config.timeZone,
      locale,
      from: this.config.translator.for(locale)('web.from'),
    });
  }

  // -------------------------------------------------------------------------------------------

  private ownSpace(workspaceId: string): void {
    if (workspaceId !== this.config.space) throw invalidTarget(`workspace ${workspaceId}`);
  }

  private async connectedChannel(channelId: string): Promise<Channel | undefined> {
    this.forgetChannels();
    return (await this.channels()).find((c) => c.externalId === channelId);
  }

  private async store(channel: string, view: View, options: PostOptions): Promise<MessageRef> {
    const { message, created } = await this.config.messages
      .create({ space: this.config.space, channel, view, ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}) })
      .catch((err: unknown) => {
        throw toChatPlatformError(err);
      });
    if (created) await this.live.publish({ kind: 'post', channel, id: message.id, html: this.html(message) });
    return { platform: 'web', workspaceId: this.config.space, channelId: channel, messageId: message.id };
  }
}

/** Builds the web community (validates the config; nothing is served until the routes are mounted). */
export function createWebPlatform(config: WebPlatformConfig): WebPlatform {
  return new WebPlatform(parseWebConfig(config));
}
