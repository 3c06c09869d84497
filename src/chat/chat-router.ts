import { randomBytes } from 'node:crypto';
import { decideAccess, MANAGER_ROLES, MODERATOR_ROLES, type Organization } from '../kernel/community.js';
import type { EventBus, KringEventListeners } from '../kernel/events.js';
import { KringError, ValidationError } from '../kernel/errors.js';
import { toLocale, type Locale } from '../kernel/types.js';
import { validate } from '../kernel/validate.js';
import type { ActionEvent, CommandEvent, FormSubmittedEvent, InboundEvent, InboundHandler, MessageReportedEvent, Reply } from '../kernel/ports/chat-platform.js';
import type { Logger } from '../kernel/ports/logger.js';
import type { Directory, PlatformAccount } from '../kernel/ports/directory.js';
import { usage, type ActionDefinition, type CommandContext, type CommandDefinition, type FormHandlerDefinition, type ReportHandlerDefinition } from './command.js';
import { helpCommand } from './help.command.js';
import { parseInboundEvent } from './inbound.schema.js';
import type { Translator } from '../kernel/i18n.js';
import { privateText } from './views.js';
import { AccessCache } from './access-cache.js';
import type { Broadcast } from '../kernel/ports/broadcast.js';
import { PromiseCache } from '../kernel/promise-cache.js';

/** How long a workspace -> organisation look-up is reused (every inbound event needs one). */
const ORGANIZATION_CACHE_MS = 30_000;
const ORGANIZATION_CACHE_MAX = 10_000;

export interface ChatRouterDeps {
  directory: Pick<Directory, 'organizations' | 'workspaces' | 'identities' | 'members'>;
  /** The organisation that workspaces connected through env tokens belong to (KRING_ORG). */
  defaultOrganizationSlug: string;
  commands: readonly CommandDefinition[];
  actions: readonly ActionDefinition[];
  /** Handlers of submitted forms (Reply.form), by formId. */
  forms?: readonly FormHandlerDefinition[];
  /** The handler of reported messages (the first one given; the moderation capability's). */
  reports?: readonly ReportHandlerDefinition[];
  /**
   * Where `activity.seen` goes: messages seen, reactions, joins and leaves as they arrive, and commands and
   * actions after they were handled (insights listens). A listener's failure never changes a reply. When
   * the bus can subscribe (`on`), the router also listens to the membership events that change who an
   * account is (linked, unlinked, lapsed, reactivated, updated), to drop its cached access at once.
   */
  bus?: Pick<EventBus, 'publish'> & Partial<Pick<EventBus, 'on'>>;
  /**
   * Tells the other Kring processes which cached accounts to drop when a membership event happens in this
   * one, and hears theirs (Redis pub/sub with several processes; docs/SCALING.md). Without it, another
   * process's change takes effect here within the cache time.
   */
  broadcast?: Broadcast;
  translator: Translator;
  logger: Logger;
}

/**
 * The platform-neutral command router: InboundEvent -> (authorisation) -> command handler -> Reply.
 * Authorisation happens here, once, from our membership roles. It never throws to an adapter: every
 * failure becomes a polite, localised reply, and unexpected errors are logged with a reference the
 * member can quote (no stack traces in chat).
 */
export class ChatRouter implements InboundHandler {
  readonly commands: readonly CommandDefinition[];
  private readonly actions: readonly ActionDefinition[];
  private readonly translator: Translator;
  /** Workspace -> organisation look-ups, shared while in flight (every inbound event needs one). */
  private readonly organizationCache = new PromiseCache<string, Organization>({ ttlMs: ORGANIZATION_CACHE_MS, maxEntries: ORGANIZATION_CACHE_MAX });
  /** Who a chat account is: identity and member, looked up in batches and kept briefly. */
  private readonly access: AccessCache;

  constructor(private readonly deps: ChatRouterDeps) {
    this.translator = deps.translator;
    this.access = new AccessCache(deps.directory.identities, deps.broadcast);
    const on = deps.bus?.on?.bind(deps.bus);
    if (on) {
      for (const [event, listener] of Object.entries(this.access.listeners())) on(event as keyof KringEventListeners, listener as never, 'chat-router');
    }
    const help = helpCommand(() => this.commands);
    this.commands = [help, ...deps.commands];
    this.actions = deps.actions;
  }

  async handle(input: InboundEvent): Promise<Reply | undefined> {
    const parsed = parseInboundEvent(input);
    if ('error' in parsed) {
      this.deps.logger.warn({ platform: input?.platform, type: input?.type, problem: parsed.error }, 'malformed inbound event dropped');
      return undefined;
    }
    const event = parsed.event;
    let locale: Locale = toLocale(event.locale) ?? 'en';
    try {
      const organization = await this.organizationFor(event);
      locale = toLocale(event.locale) ?? organization.defaultLocale;
      switch (event.type) {
        case 'command':
          try {
            return await this.runCommand(event, organization);
          } finally {
            await this.observe(event, organization);
          }
        case 'action':
          try {
            return await this.runAction(event, organization);
          } finally {
            await this.observe(event, organization);
          }
        case 'form-submitted':
          return await this.runForm(event, organization);
        // Not observed: a report carries the message's text, which must not travel to activity listeners.
        case 'message-reported':
          return await this.runReport(event, organization);
        default:
          await this.observe(event, organization);
          return undefined;
      }
    } catch (err) {
      return this.failure(err, event, locale);
    }
  }

  /**
   * Tells the bus what was seen or handled; the bus isolates and logs a failing listener. Listeners learn
   * that something happened, not what a member typed or chose: a command's words and options, a button's
   * value (a peer-support topic, an answer on a secret item) and the platform's raw payload (which holds
   * both) are left out.
   */
  private async observe(event: InboundEvent, organization: Organization): Promise<void> {
    await this.deps.bus?.publish('activity.seen', { event: withoutContent(event), organization });
  }

  /**
   * The organisation a workspace belongs to; unknown workspaces join the default organisation. Cached
   * for a short while: a workspace never moves to another organisation (WorkspaceRepository.upsert
   * refuses), and two look-ups per message would cap ingestion far below what chats send.
   */
  private organizationFor(event: InboundEvent): Promise<Organization> {
    return this.organizationCache.get(`${event.platform}\u0000${event.workspaceId}`, () => this.lookUpOrganization(event));
  }

  private async lookUpOrganization(event: InboundEvent): Promise<Organization> {
    const ws = await this.deps.directory.workspaces.findByExternalId(event.platform, event.workspaceId);
    if (ws) {
      const org = await this.deps.directory.organizations.findById(ws.organizationId);
      if (org) return org;
    }
    const org = await this.deps.directory.organizations.findBySlug(this.deps.defaultOrganizationSlug);
    if (!org) throw new Error(`default organisation ${this.deps.defaultOrganizationSlug} does not exist`);
    await this.deps.directory.workspaces.upsert({ organizationId: org.id, platform: event.platform, externalId: event.workspaceId });
    return org;
  }

  private async context(event: CommandEvent | ActionEvent | FormSubmittedEvent | MessageReportedEvent, organization: Organization): Promise<CommandContext> {
    const account: PlatformAccount = { platform: event.platform, workspaceId: event.workspaceId, platformUserId: event.userId };
    const linked = await this.access.lookup(account);
    const access = decideAccess(linked?.identity ?? null, linked?.member ?? null);
    // A linked member from another organisation's workspace is not a member here.
    const sameOrg = access.member?.organizationId === organization.id;
    const locale = access.member?.locale ?? toLocale(event.locale) ?? organization.defaultLocale;
    return {
      event,
      account,
      organization,
      locale,
      t: this.translator.for(locale),
      member: sameOrg ? access.member : null,
      identity: sameOrg ? access.identity : null,
      isMember: sameOrg && access.isMember,
      isManager: sameOrg && access.isManager,
      isModerator: sameOrg && access.isModerator,
    };
  }

  /** Finds the command with the longest path (or alias) matching the words; the rest are its arguments. */
  private resolve(event: CommandEvent): { def: CommandDefinition; rest: string[] } | undefined {
    const words = [...event.path, ...event.args].map((w) => w.trim()).filter((w) => w !== '');
    const lower = words.map((w) => w.toLowerCase());
    let best: { def: CommandDefinition; length: number } | undefined;
    for (const def of this.commands) {
      for (const path of [def.path, ...(def.aliases ?? [])]) {
        const matches = path.every((segment, i) => lower[i] === segment);
        if (matches && (!best || path.length > best.length)) best = { def, length: path.length };
      }
    }
    if (!best) return words.length === 0 ? { def: this.commands[0]!, rest: [] } : undefined;
    return { def: best.def, rest: words.slice(best.length) };
  }

  private async runCommand(event: CommandEvent, organization: Organization): Promise<Reply> {
    const ctx = await this.context(event, organization);
    const resolved = this.resolve(event);
    if (!resolved) {
      const command = [...event.path, ...event.args].slice(0, 2).join(' ');
      return privateText(ctx.t('errors.unknownCommand', { command: `/kring ${command}`.trim() }));
    }
    const { def, rest } = resolved;
    const denied = this.deny(def.access, ctx);
    if (denied) return denied;
    const raw: Record<string, unknown> = {};
    def.args.forEach((spec, i) => {
      const named = event.options[spec.name];
      if (named !== undefined) raw[spec.name] = named;
      else if (spec.rest) raw[spec.name] = rest.slice(i).join(' ') || undefined;
      else if (rest[i] !== undefined) raw[spec.name] = spec.kind === 'integer' ? Number(rest[i]) : rest[i];
    });
    let args: unknown;
    try {
      args = validate(def.schema, raw);
    } catch (err) {
      if (err instanceof ValidationError) {
        return privateText(ctx.t('errors.badArguments', { details: err.issues.map((i) => i.message).join('; '), usage: usage(def) }));
      }
      throw err;
    }
    this.deps.logger.info({ platform: event.platform, command: def.path.join(' '), user: event.userId }, 'command');
    return this.runHandler(ctx, () => def.run(ctx, args));
  }

  private async runAction(event: ActionEvent, organization: Organization): Promise<Reply> {
    const ctx = await this.context(event, organization);
    const def = this.actions.find((a) => event.actionId === a.prefix || event.actionId.startsWith(`${a.prefix}.`));
    if (!def) return privateText(ctx.t('errors.actionExpired'));
    const denied = this.deny(def.access, ctx);
    if (denied) return denied;
    return this.runHandler(ctx, () => def.run(ctx, event));
  }

  private async runForm(event: FormSubmittedEvent, organization: Organization): Promise<Reply> {
    const ctx = await this.context(event, organization);
    const def = (this.deps.forms ?? []).find((f) => f.formId === event.formId);
    if (!def) return privateText(ctx.t('errors.actionExpired'));
    const denied = this.deny(def.access, ctx);
    if (denied) return denied;
    this.deps.logger.info({ platform: event.platform, form: def.formId, user: event.userId }, 'form submitted');
    return this.runHandler(ctx, () => def.run(ctx, event.values));
  }

  private async runReport(event: MessageReportedEvent, organization: Organization): Promise<Reply> {
    const ctx = await this.context(event, organization);
    const def = this.deps.reports?.[0];
    if (!def) return privateText(ctx.t('errors.actionExpired'));
    const denied = this.deny(def.access, ctx);
    if (denied) return denied;
    this.deps.logger.info({ platform: event.platform, user: event.userId }, 'message reported');
    return this.runHandler(ctx, () => def.run(ctx, event));
  }

  /**
   * Runs a handler; a failure is answered in the language the handler would have answered in (the
   * member's own, which the event's locale does not know).
   */
  private async runHandler(ctx: CommandContext, run: () => Promise<Reply>): Promise<Reply> {
    try {
      return await run();
    } catch (err) {
      // failure() answers every command, action and form (only other events go unanswered).
      return this.failure(err, ctx.event, ctx.locale)!;
    }
  }

  /**
   * A polite refusal when `ctx` may not run something of this access level; undefined when allowed. Someone
   * not linked yet may well be a board member: they are told to link first, never that they lack the role.
   * Manager and moderator refusals name every role that grants the right ({@link MANAGER_ROLES},
   * {@link MODERATOR_ROLES}), in the member's language. Platform admin flags never count.
   */
  private deny(access: CommandDefinition['access'], ctx: CommandContext): Reply | undefined {
    if (access === 'anyone') return undefined;
    const granting = access === 'moderator' ? MODERATOR_ROLES : MANAGER_ROLES;
    const roles = () => granting.map((role) => ctx.t(`roles.${role}`)).join(', ');
    const needsRole = access === 'manager' || access === 'moderator';
    if (!ctx.member) return privateText(needsRole ? ctx.t('errors.managerNotLinked', { roles: roles() }) : ctx.t('errors.notMember'));
    if (!ctx.isMember) return privateText(ctx.t('errors.notMember'));
    if (access === 'manager' && !ctx.isManager) return privateText(ctx.t('errors.notManager', { roles: roles() }));
    if (access === 'moderator' && !ctx.isModerator) return privateText(ctx.t('errors.notManager', { roles: roles() }));
    return undefined;
  }

  private failure(err: unknown, event: InboundEvent, locale: Locale): Reply | undefined {
    const t = this.translator.for(locale);
    if (err instanceof KringError && err.messageKey) {
      this.deps.logger.info({ platform: event.platform, type: event.type, code: err.code }, 'request refused');
      const params: Record<string, string | number> = { ...err.params };
      if (typeof params['attemptsLeft'] === 'number') params['count'] = params['attemptsLeft'];
      return answers(event) ? privateText(t(err.messageKey, params)) : undefined;
    }
    const ref = randomBytes(4).toString('hex');
    this.deps.logger.error({ ref, platform: event.platform, type: event.type, err }, 'unexpected error handling inbound event');
    return answers(event) ? privateText(t('errors.unexpected', { ref })) : undefined;
  }
}

/** Events a person waits for an answer to (the others go unanswered, also on failure). */
function answers(event: InboundEvent): boolean {
  return event.type === 'command' || event.type === 'action' || event.type === 'form-submitted' || event.type === 'message-reported';
}

/** An inbound event as activity listeners get it: its kind, who, where and when, without content. */
export function withoutContent(event: InboundEvent): InboundEvent {
  switch (event.type) {
    case 'command':
      return { ...event, args: [], options: {}, raw: undefined };
    case 'action': {
      const { value: _value, ...rest } = event;
      return { ...rest, raw: undefined };
    }
    default:
      return { ...event, raw: undefined };
  }
}
