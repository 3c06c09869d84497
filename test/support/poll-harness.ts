import { randomUUID } from 'node:crypto';
import type { ChatRouter } from '../../src/chat/chat-router.js';
import type { Member, MemberRole, Organization, PlatformIdentity } from '../../src/kernel/community.js';
import type { MembershipRepositories } from '../../src/capabilities/membership/ports.js';
import type { PollRepository } from '../../src/capabilities/polls/ports.js';
import { systemClock, type Clock } from '../../src/kernel/clock.js';
import type { Platform } from '../../src/kernel/types.js';
import type { Database } from '../../src/infra/database/database.js';
import type { ActionEvent, ChatPlatform, CommandEvent, FormSubmittedEvent, Reply } from '../../src/kernel/ports/chat-platform.js';
import type { JobQueue } from '../../src/kernel/ports/job-queue.js';
import type { Logger } from '../../src/kernel/ports/logger.js';
import { InProcessJobQueue } from '../../src/infra/queue/in-process.job-queue.js';
import type { PollSchedulerOptions } from '../../src/capabilities/polls/jobs/poll.scheduler.js';
import type { PollsParts } from '../../src/capabilities/polls/index.js';
import { buildTestCapabilities, testContext } from './capabilities.js';
import { platformRegistry } from '../fakes/fake-chat-platform.js';
import { silentLogger } from './logger.js';

/** What the poll tests and the benchmark build: the real router, membership and polls over given parts. */
export interface PollHarness {
  app: ChatRouter;
  polls: PollsParts;
  repos: MembershipRepositories;
  organization: Organization;
  /** Creates an active member and links one chat account per given account. */
  member(options?: { roles?: MemberRole[]; chapterId?: string | null; accounts?: Account[] }): Promise<{ member: Member; identities: PlatformIdentity[] }>;
  /** Links one more chat account to a member. */
  link(member: Member, account: Account): Promise<PlatformIdentity>;
  /** Runs `/kring <words>` as this account. */
  command(account: Account, words: string, channelId?: string): Promise<Reply | undefined>;
  /** Presses a vote button (or picks a select option) as this account. */
  press(account: Account, value: string, eventId?: string): Promise<Reply | undefined>;
  /** Submits a form Kring opened (Reply.form) as this account, from `channelId`. */
  submit(account: Account, formId: string, values: Record<string, string>, channelId?: string): Promise<Reply | undefined>;
  stop(): Promise<void>;
}

/** A chat account: platform, workspace (team/guild/tenant) and user id. */
export interface Account {
  platform: Platform;
  workspaceId: string;
  userId: string;
}

export interface PollHarnessOptions {
  repos: MembershipRepositories;
  pollRepo?: PollRepository;
  /** Needed for the Prisma poll repository when `pollRepo` is not given. */
  database?: Database;
  /** Default: the in-process driver (fast retries). */
  queue?: JobQueue;
  platforms: readonly ChatPlatform[];
  scheduler?: PollSchedulerOptions;
  clock?: Clock;
  logger?: Logger;
  /** Starts the poll worker (default true). */
  startWorker?: boolean;
}

/**
 * Builds the system under test the way src/main.ts does (organisation, the polls capability from the one
 * list, the chat router over its commands) with the given repositories, queue and platforms.
 */
export async function createPollHarness(options: PollHarnessOptions): Promise<PollHarness> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const { repos } = options;
  const queue = options.queue ?? new InProcessJobQueue(logger, 10);
  const slug = `org-${randomUUID().slice(0, 8)}`;
  const organization = await repos.organizations.ensure({ slug, name: 'Vereniging Test', defaultLocale: 'en', timezone: 'Europe/Amsterdam' });
  const ctx = testContext({
    directory: repos,
    ...(options.database ? { database: options.database } : {}),
    queue,
    platforms: platformRegistry(options.platforms),
    clock,
    logger,
  });
  const { built, router: app } = buildTestCapabilities(['polls'], ctx, {
    defaultOrganizationSlug: slug,
    capabilityOptions: { polls: { ...(options.pollRepo ? { repo: options.pollRepo } : {}), ...(options.scheduler ? { scheduler: options.scheduler } : {}) } },
  });
  const polls = built.parts.polls;
  if (options.startWorker !== false) await polls.start?.();

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

  return {
    app,
    polls,
    repos,
    organization,
    link,
    async member(o = {}) {
      const memberNumber = `M${String(++seq).padStart(6, '0')}-${randomUUID().slice(0, 4)}`;
      await repos.members.upsertMany(organization.id, [
        { memberNumber, name: `Member ${seq}`, email: null, status: 'active', roles: o.roles ?? ['member'], chapterId: o.chapterId ?? null },
      ]);
      const member = (await repos.members.findByNumber(organization.id, memberNumber))!;
      const identities: PlatformIdentity[] = [];
      for (const account of o.accounts ?? []) identities.push(await link(member, account));
      return { member, identities };
    },
    command(account, words, channelId = 'C-general') {
      const [first = '', second = '', ...rest] = words.split(' ');
      const event: CommandEvent = {
        type: 'command',
        platform: account.platform,
        workspaceId: account.workspaceId,
        userId: account.userId,
        channelId,
        path: [first, second].filter((w) => w !== ''),
        args: rest,
        options: {},
        raw: null,
      };
      return app.handle(event);
    },
    press(account, value, eventId) {
      const event: ActionEvent = {
        type: 'action',
        platform: account.platform,
        workspaceId: account.workspaceId,
        userId: account.userId,
        channelId: 'C-general',
        actionId: 'poll.vote',
        value,
        ...(eventId ? { eventId } : {}),
        raw: null,
      };
      return app.handle(event);
    },
    submit(account, formId, values, channelId = 'C-general') {
      const event: FormSubmittedEvent = {
        type: 'form-submitted',
        platform: account.platform,
        workspaceId: account.workspaceId,
        userId: account.userId,
        channelId,
        formId,
        values,
        raw: null,
      };
      return app.handle(event);
    },
    async stop() {
      await queue.close();
    },
  };
}

/** The text of a reply (all text blocks), for assertions. */
export function replyText(reply: Reply | undefined): string {
  return (reply?.view.blocks ?? [])
    .map((b) => ('text' in b ? b.text : ''))
    .filter((t) => t !== '')
    .join('\n');
}
