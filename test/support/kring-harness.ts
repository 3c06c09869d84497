import { randomUUID } from 'node:crypto';
import { loadConfig, type Config } from '../../src/config/env.js';
import type { Chapter, Member, MemberRole, MemberStatus, Organization, PlatformIdentity } from '../../src/kernel/community.js';
import type { Clock } from '../../src/kernel/clock.js';
import type { Locale, Platform } from '../../src/kernel/types.js';
import { LogMailer } from '../../src/infra/mail/log.mailer.js';
import { startKring, type Kring } from '../../src/main.js';
import { PrismaLinkRequestRepository } from '../../src/capabilities/membership/repository/prisma-link-request.repository.js';
import type { Database } from '../../src/infra/database/database.js';
import type { JobQueue } from '../../src/kernel/ports/job-queue.js';
import type { Logger } from '../../src/kernel/ports/logger.js';
import type { Directory } from '../../src/kernel/ports/directory.js';
import type { MailMessage } from '../../src/kernel/ports/mailer.js';
import { createPostgresTestDatabase } from './database.js';
import { RecordingLogger } from './logger.js';
import { deleteRedisPrefixes } from './redis.js';
import { TEST_KRING_SECRET } from './secrets.js';

/**
 * Boots the whole of Kring the way `npm start` does (`startKring`: config, database, queue, capabilities,
 * router, adapters, HTTP server on 127.0.0.1:0), on a fresh PostgreSQL database, with the parts a test
 * needs to see or steer replaced: a LogMailer outbox to read verification codes from, a recording logger,
 * the queue (in-process, or BullMQ under a unique `test-<uuid>` prefix that is deleted afterwards) and,
 * optionally, the clock. The platform env points the adapters at protocol fakes the test started.
 *
 * It seeds one organisation with two chapters and four members: a plain member with e-mail, a manager, a
 * lapsed member and a member without e-mail address. Nothing in Kring is mocked.
 */

/** The e-mail transport: Kring's own LogMailer, which can be told to refuse the next message. */
export class OutboxMailer extends LogMailer {
  private failures = 0;

  /** The next `times` messages are refused, as an SMTP server that is down would. */
  failNext(times = 1): void {
    this.failures += times;
  }

  override async send(message: MailMessage): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('SMTP 421: service not available (injected by the test)');
    }
    await super.send(message);
  }
}

/** A member the harness seeded (the flows type its member number and read its e-mail). */
export type SeededMember = Member;

export interface SeededMembers {
  /** Active, plain member with an e-mail address, in chapter Utrecht. */
  member: SeededMember;
  /** Active community manager with an e-mail address, in chapter Amsterdam. */
  manager: SeededMember;
  /** Lapsed member with an e-mail address. */
  lapsed: SeededMember;
  /** Active member without an e-mail address (cannot receive a code). */
  noEmail: SeededMember;
}

export interface KringHarnessOptions {
  /** Environment merged over the harness defaults: the platform variables (SLACK_*, DISCORD_*, ...). */
  env?: Record<string, string | undefined>;
  /** The organisation's default language (`KRING_DEFAULT_LOCALE`); default `nl`. */
  defaultLocale?: Locale;
  /** Display name of the organisation; default `Vereniging De Kring`. */
  organizationName?: string;
  /**
   * `in-process` (default) or `bullmq` (Redis at `KRING_TEST_REDIS_URL` or 127.0.0.1:6379, keys under a
   * unique prefix, deleted on stop), or a queue of the test's own.
   */
  queue?: 'in-process' | 'bullmq' | JobQueue;
  /** Replaces the fresh PostgreSQL database. Kring closes it on stop. */
  database?: Database;
  mailer?: OutboxMailer;
  logger?: Logger;
  clock?: Clock;
  /** Seed the chapter and the four members (default true). */
  seed?: boolean;
}

/** A chat account as the platforms identify people. */
export interface AccountRef {
  platform: Platform;
  workspaceId: string;
  userId: string;
}

/** A `platform_identity` row, as stored. */
export interface IdentityRow {
  platform: string;
  workspace_id: string;
  platform_user_id: string;
  member_id: string;
  display_name: string | null;
}

/** A `link_request` row, as stored. */
export interface LinkRequestRow {
  member_id: string;
  attempts: number;
  consumed_at: Date | null;
  code_hash: string;
}

/** A `channel` row joined with its workspace. */
export interface ChannelRow {
  platform: string;
  workspace: string;
  external_id: string;
  purpose: string;
}

export interface KringHarness {
  kring: Kring;
  config: Config;
  /** `http://127.0.0.1:<port>` of Kring's HTTP server. */
  baseUrl: string;
  mailer: OutboxMailer;
  /** The logger Kring got (a RecordingLogger unless the test gave another). */
  logger: Logger;
  organization: Organization;
  chapters: { utrecht: Chapter; amsterdam: Chapter };
  members: SeededMembers;
  /** The 6-digit code in the newest mail to `email`; throws when there is none. */
  codeFor(email: string): string;
  /** Mails sent to `email`, oldest first. */
  mailsTo(email: string): MailMessage[];
  /** Rows of `platform_identity` (optionally of one account), oldest first. */
  identityRows(account?: AccountRef): Promise<IdentityRow[]>;
  /** Rows of `link_request` of one account, oldest first. */
  linkRequestRows(account: AccountRef): Promise<LinkRequestRow[]>;
  /** Connected channels. */
  channelRows(): Promise<ChannelRow[]>;
  /** Adds an active member (or one with the given status and roles). */
  addMember(input: { name: string; email?: string | null; status?: MemberStatus; roles?: MemberRole[]; chapter?: Chapter | null; locale?: Locale | null }): Promise<SeededMember>;
  /** Error-level lines Kring logged so far (with the default recording logger; empty otherwise). */
  loggedErrors(): { msg: string | undefined; obj: object }[];
  /** Links an account to a member directly in the database (set-up only: no code, no events). */
  linkDirectly(member: Member, account: AccountRef): Promise<PlatformIdentity>;
  stop(): Promise<void>;
}

const CODE_IN_MAIL = /^\s{4}(\d{6})\s*$/m;
const DEFAULT_REDIS = process.env['KRING_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** Starts Kring for one test file (or one describe block). Stop it in `afterAll`. */
export async function startKringHarness(options: KringHarnessOptions = {}): Promise<KringHarness> {
  const logger = options.logger ?? new RecordingLogger();
  const mailer = options.mailer ?? new OutboxMailer({ outboxSize: 1000 });
  const queueChoice = options.queue ?? 'in-process';
  const prefix = queueChoice === 'bullmq' ? `test-${randomUUID()}` : undefined;
  const env: Record<string, string | undefined> = {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    KRING_ORG: 'de-kring',
    KRING_ORG_NAME: options.organizationName ?? 'Vereniging De Kring',
    KRING_DEFAULT_LOCALE: options.defaultLocale ?? 'nl',
    REDIS_URL: queueChoice === 'bullmq' ? DEFAULT_REDIS : undefined,
    // Secrets in the test database are sealed with the tests' key (not one generated into ./data).
    KRING_SECRET: TEST_KRING_SECRET,
    ...options.env,
  };
  // Before the database exists: a bad environment then leaves nothing behind.
  const config = loadConfig(env);
  const database = options.database ?? (await createPostgresTestDatabase());

  let kring: Kring;
  try {
    kring = await startKring(config, {
      database,
      logger,
      mailer,
      ...(typeof queueChoice === 'object' ? { queue: queueChoice } : {}),
      ...(prefix ? { queuePrefix: prefix } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    });
  } catch (err) {
    await database.close().catch(() => undefined);
    if (prefix) await deleteRedisKeys(prefix);
    throw err;
  }

  const stop = async (): Promise<void> => {
    // Kring closes its database, which drops a test database.
    await kring.stop();
    if (prefix) await deleteRedisKeys(prefix);
  };
  const repos = { ...kring.directory, linkRequests: new PrismaLinkRequestRepository(kring.database.prisma) };
  const organization = (await repos.organizations.findBySlug(config.org.slug))!;
  const clock = options.clock ?? { now: () => new Date() };

  let seq = 0;
  const addMember: KringHarness['addMember'] = async (input) => {
    const memberNumber = String(2000 + ++seq);
    await repos.members.upsertMany(organization.id, [
      {
        memberNumber,
        name: input.name,
        email: input.email === undefined ? `lid${memberNumber}@example.org` : input.email,
        status: input.status ?? 'active',
        roles: input.roles ?? ['member'],
        chapterId: input.chapter?.id ?? null,
        locale: input.locale ?? null,
      },
    ]);
    return (await repos.members.findByNumber(organization.id, memberNumber))!;
  };

  let seeded: { chapters: KringHarness['chapters']; members: SeededMembers } = { chapters: {} as KringHarness['chapters'], members: {} as SeededMembers };
  if (options.seed !== false) {
    try {
      seeded = await seedOrganization(repos, organization.id);
    } catch (err) {
      await stop();
      throw err;
    }
  }
  const { chapters, members } = seeded;

  const query = <T>(sql: string, ...params: unknown[]): Promise<T[]> => kring.database.prisma.$queryRawUnsafe<T[]>(sql, ...params);

  return {
    kring,
    config,
    baseUrl: `http://127.0.0.1:${kring.http.port}`,
    mailer,
    logger,
    organization,
    chapters,
    members,
    codeFor(email) {
      const mail = mailer.lastTo(email);
      const code = mail ? CODE_IN_MAIL.exec(mail.text)?.[1] : undefined;
      if (!code) throw new Error(`no verification code was mailed to ${email} (outbox: ${mailer.sent.map((m) => m.to).join(', ') || 'empty'})`);
      return code;
    },
    mailsTo: (email) => mailer.sent.filter((m) => m.to === email),
    identityRows: (account) =>
      account
        ? query<IdentityRow>(
            'SELECT platform::text, workspace_id, platform_user_id, member_id::text, display_name FROM platform_identity WHERE platform::text = $1 AND workspace_id = $2 AND platform_user_id = $3 ORDER BY linked_at',
            account.platform,
            account.workspaceId,
            account.userId,
          )
        : query<IdentityRow>('SELECT platform::text, workspace_id, platform_user_id, member_id::text, display_name FROM platform_identity ORDER BY linked_at'),
    linkRequestRows: (account) =>
      query<LinkRequestRow>(
        'SELECT member_id::text, attempts, consumed_at, code_hash FROM link_request WHERE platform::text = $1 AND workspace_id = $2 AND platform_user_id = $3 ORDER BY created_at',
        account.platform,
        account.workspaceId,
        account.userId,
      ),
    channelRows: () =>
      query<ChannelRow>(
        'SELECT w.platform::text AS platform, w.external_id AS workspace, c.external_id, c.purpose::text AS purpose FROM channel c JOIN workspace w ON w.id = c.workspace_id ORDER BY c.created_at',
      ),
    addMember,
    loggedErrors: () => (logger instanceof RecordingLogger ? logger.lines.filter((l) => l.level === 'error').map(({ msg, obj }) => ({ msg, obj })) : []),
    async linkDirectly(member, account) {
      const now = clock.now();
      const request = await repos.linkRequests.create({
        organizationId: member.organizationId,
        memberId: member.id,
        platform: account.platform,
        workspaceId: account.workspaceId,
        platformUserId: account.userId,
        codeHash: 'set-up-by-the-test',
        expiresAt: new Date(now.getTime() + 60_000),
        createdAt: now,
      });
      const identity = await repos.linkRequests.confirm(request.id, now, null);
      if (!identity) throw new Error('linkDirectly: the link request was consumed already');
      return identity;
    },
    stop,
  };
}

/** Deletes every Redis key under `prefix:` (BullMQ queues of one harness). */
async function deleteRedisKeys(prefix: string): Promise<void> {
  await deleteRedisPrefixes([prefix], DEFAULT_REDIS);
}

/** A chapter in each of two cities, and the four members every flow needs. */
async function seedOrganization(repos: Directory, organizationId: string): Promise<{ chapters: KringHarness['chapters']; members: SeededMembers }> {
  const created = await repos.chapters.ensureMany(organizationId, ['Utrecht', 'Amsterdam']);
  const chapter = (name: string) => created.find((c) => c.name === name)!;
  const chapters = { utrecht: chapter('Utrecht'), amsterdam: chapter('Amsterdam') };
  await repos.members.upsertMany(organizationId, [
    { memberNumber: '1001', name: 'Anna de Vries', email: 'anna@example.org', status: 'active', roles: ['member'], chapterId: chapters.utrecht.id },
    { memberNumber: '1002', name: 'Marieke Bakker', email: 'marieke@example.org', status: 'active', roles: ['member', 'manager'], chapterId: chapters.amsterdam.id },
    { memberNumber: '1003', name: 'Lotte Jansen', email: 'lotte@example.org', status: 'lapsed', roles: ['member'], chapterId: null },
    { memberNumber: '1004', name: 'Noah de Boer', email: null, status: 'active', roles: ['member'], chapterId: chapters.utrecht.id },
  ]);
  const find = async (memberNumber: string) => (await repos.members.findByNumber(organizationId, memberNumber))!;
  return { chapters, members: { member: await find('1001'), manager: await find('1002'), lapsed: await find('1003'), noEmail: await find('1004') } };
}
