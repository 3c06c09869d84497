import { randomUUID } from 'node:crypto';
import type { ChatRouter } from '../../src/chat/chat-router.js';
import type { Member, MemberRole, Organization, PlatformIdentity } from '../../src/kernel/community.js';
import type { MembershipRepositories } from '../../src/capabilities/membership/ports.js';
import type { MeetupsParts } from '../../src/capabilities/meetups/index.js';
import type { MeetupSchedulerOptions } from '../../src/capabilities/meetups/jobs/meetup.scheduler.js';
import type { WebhooksParts } from '../../src/capabilities/webhooks/index.js';
import { systemClock, type Clock } from '../../src/kernel/clock.js';
import type { EventBus, KringEventName, KringEvents } from '../../src/kernel/events.js';
import type { Locale, Platform } from '../../src/kernel/types.js';
import type { Database } from '../../src/infra/database/database.js';
import type { ActionEvent, ChatPlatform, CommandEvent, FormSubmittedEvent, Reply } from '../../src/kernel/ports/chat-platform.js';
import type { JobQueue } from '../../src/kernel/ports/job-queue.js';
import type { Logger } from '../../src/kernel/ports/logger.js';
import { InProcessJobQueue } from '../../src/infra/queue/in-process.job-queue.js';
import { buildTestCapabilities, testContext, type CapabilityName } from './capabilities.js';
import { platformRegistry } from '../fakes/fake-chat-platform.js';
import { silentLogger } from './logger.js';

/** A chat account: platform, workspace (team/guild/tenant) and user id. */
export interface Account {
  platform: Platform;
  workspaceId: string;
  userId: string;
}

/** What the meet-up tests and the benchmark build: the real router and meet-ups (and webhooks) over given parts. */
export interface MeetupHarness {
  app: ChatRouter;
  meetups: MeetupsParts;
  /** Present when the harness was built with webhooks. */
  webhooks?: WebhooksParts;
  bus: EventBus;
  repos: MembershipRepositories;
  organization: Organization;
  /** Every bus event of these names, in order. */
  heard: { [E in KringEventName]?: KringEvents[E][] };
  /** Creates an active member (options: roles, chapter, language) and links one chat account per given account. */
  member(options?: { roles?: MemberRole[]; chapterId?: string | null; locale?: Locale | null; name?: string; accounts?: Account[] }): Promise<{ member: Member; identities: PlatformIdentity[] }>;
  link(member: Member, account: Account): Promise<PlatformIdentity>;
  /** Runs `/kring <words>` as this account (a rest argument keeps its spaces and quotes). */
  command(account: Account, words: string, channelId?: string): Promise<Reply | undefined>;
  /** Presses a button as this account. */
  press(account: Account, actionId: string, value: string, channelId?: string): Promise<Reply | undefined>;
  /** Submits a form Kring opened as this account. */
  submit(account: Account, formId: string, values: Record<string, string>, channelId?: string): Promise<Reply | undefined>;
  stop(): Promise<void>;
}

export interface MeetupHarnessOptions {
  repos: MembershipRepositories;
  database: Database;
  queue?: JobQueue;
  platforms: readonly ChatPlatform[];
  scheduler?: MeetupSchedulerOptions;
  clock?: Clock;
  logger?: Logger;
  /** Also build the webhooks capability (it listens on the same bus). */
  webhooks?: boolean;
  /** The organisation's language (default en). */
  defaultLocale?: Locale;
  /** Start the workers (default true). */
  start?: boolean;
  /** Bus events to record in `heard`. */
  record?: readonly KringEventName[];
}

/**
 * Builds the system under test the way src/main.ts does (an organisation, capabilities from the one list,
 * the chat router over their commands) over the given PostgreSQL database, queue, platforms and clock.
 */
export async function createMeetupHarness(options: MeetupHarnessOptions): Promise<MeetupHarness> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const { repos } = options;
  const queue = options.queue ?? new InProcessJobQueue(logger, 10);
  const slug = `org-${randomUUID().slice(0, 8)}`;
  const organization = await repos.organizations.ensure({ slug, name: 'Vereniging Test', defaultLocale: options.defaultLocale ?? 'en', timezone: 'Europe/Amsterdam' });
  const ctx = testContext({ directory: repos, database: options.database, queue, platforms: platformRegistry(options.platforms), clock, logger });
  const heard: MeetupHarness['heard'] = {};
  for (const name of options.record ?? []) {
    const list: unknown[] = (heard[name] = []);
    ctx.bus.on(name, (payload) => void list.push(payload), 'test');
  }
  const names: CapabilityName[] = options.webhooks ? ['meetups', 'webhooks'] : ['meetups'];
  const { built, router: app } = buildTestCapabilities(names, ctx, {
    defaultOrganizationSlug: slug,
    capabilityOptions: { ...(options.scheduler ? { meetups: { scheduler: options.scheduler } } : {}), ...(options.webhooks ? { webhooks: { retryDelaysMs: [50, 50] } } : {}) },
  });
  const meetups = built.parts.meetups;
  if (options.start !== false) {
    await meetups.start?.();
    if (options.webhooks) await built.parts.webhooks.start?.();
  }

  let seq = 0;
  const link = async (member: Member, account: Account): Promise<PlatformIdentity> => {
    await repos.workspaces.upsert({ organizationId: organization.id, platform: account.platform, externalId: account.workspaceId });
    const request = await repos.linkRequests.create({
      organizationId: organization.id,
      memberId: member.id,
      platform: account.platform,
      workspaceId: account.workspaceId,
      platformUserId: account.userId,
      codeHash: 'test',
      expiresAt: new Date(clock.now().getTime() + 60_000),
      createdAt: clock.now(),
    });
    const identity = await repos.linkRequests.confirm(request.id, clock.now(), null);
    if (!identity) throw new Error('link failed');
    return identity;
  };
  const base = (account: Account, channelId: string) => ({ platform: account.platform, workspaceId: account.workspaceId, userId: account.userId, channelId, raw: null });

  return {
    app,
    meetups,
    ...(options.webhooks ? { webhooks: built.parts.webhooks } : {}),
    bus: ctx.bus,
    repos,
    organization,
    heard,
    link,
    async member(o = {}) {
      const memberNumber = `M${String(++seq).padStart(5, '0')}-${randomUUID().slice(0, 4)}`;
      await repos.members.upsertMany(organization.id, [
        { memberNumber, name: o.name ?? `Member ${seq}`, email: null, status: 'active', roles: o.roles ?? ['member'], chapterId: o.chapterId ?? null, locale: o.locale ?? null },
      ]);
      const member = (await repos.members.findByNumber(organization.id, memberNumber))!;
      const identities: PlatformIdentity[] = [];
      for (const account of o.accounts ?? []) identities.push(await link(member, account));
      return { member, identities };
    },
    command(account, words, channelId = 'C-general') {
      // The router joins the words after the command path again: one word per space is how platforms send text.
      const [first = '', second = '', ...rest] = words.split(' ');
      const event: CommandEvent = { type: 'command', ...base(account, channelId), path: [first, second].filter((w) => w !== ''), args: rest, options: {} };
      return app.handle(event);
    },
    press(account, actionId, value, channelId = 'C-general') {
      const event: ActionEvent = { type: 'action', ...base(account, channelId), actionId, value, eventId: randomUUID() };
      return app.handle(event);
    },
    submit(account, formId, values, channelId = 'C-general') {
      const event: FormSubmittedEvent = { type: 'form-submitted', ...base(account, channelId), formId, values };
      return app.handle(event);
    },
    async stop() {
      await queue.close();
    },
  };
}
