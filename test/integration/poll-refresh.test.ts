import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { voteValue, type Poll } from '../../src/capabilities/polls/domain/poll.js';
import type { Database } from '../../src/infra/database/database.js';
import type { JobQueue } from '../../src/kernel/ports/job-queue.js';
import { BullMqJobQueue } from '../../src/infra/queue/bullmq.job-queue.js';
import { InProcessJobQueue } from '../../src/infra/queue/in-process.job-queue.js';
import { FakeChatPlatform } from '../fakes/fake-chat-platform.js';
import { createPostgresTestDatabase, prismaRepositories } from '../support/database.js';
import { silentLogger } from '../support/logger.js';
import { createPollHarness, replyText, type Account, type PollHarness } from '../support/poll-harness.js';
import { deleteRedisPrefixes } from '../support/redis.js';

const REDIS_URL = process.env['KRING_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const WINDOW_MS = 1000;

/** Counts the jobs a queue runs, by name, without changing what it does. */
class CountingQueue implements JobQueue {
  readonly ran = new Map<string, number>();
  constructor(private readonly inner: JobQueue) {}
  get driver() {
    return this.inner.driver;
  }
  enqueue(...args: Parameters<JobQueue['enqueue']>) {
    return this.inner.enqueue(...args);
  }
  enqueueBulk(...args: Parameters<JobQueue['enqueueBulk']>) {
    return this.inner.enqueueBulk(...args);
  }
  repeat(...args: Parameters<JobQueue['repeat']>) {
    return this.inner.repeat(...args);
  }
  process(queue: string, handler: Parameters<JobQueue['process']>[1], options?: Parameters<JobQueue['process']>[2]) {
    this.inner.process(
      queue,
      async (name, payload, meta) => {
        await handler(name, payload, meta);
        this.ran.set(name, (this.ran.get(name) ?? 0) + 1);
      },
      options,
    );
  }
  ping() {
    return this.inner.ping();
  }
  close() {
    return this.inner.close();
  }
}

async function until(check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

let db: Database;
const prefixes: string[] = [];
beforeAll(async () => {
  db = await createPostgresTestDatabase();
});
afterAll(async () => {
  await db?.close();
  await deleteRedisPrefixes(prefixes, REDIS_URL);
});

for (const [driver, makeQueue] of [
  ['in-process', () => new InProcessJobQueue(silentLogger, 100)],
  [
    'BullMQ on Redis',
    () => {
      const prefix = `test-${randomUUID()}`;
      prefixes.push(prefix);
      return new BullMqJobQueue({ url: REDIS_URL, prefix, logger: silentLogger });
    },
  ],
] as const) {
  describe(`live poll results through the ${driver} queue`, () => {
    let h: PollHarness;
    let queue: CountingQueue;
    const fakes = { slack: new FakeChatPlatform('slack'), discord: new FakeChatPlatform('discord'), teams: new FakeChatPlatform('teams') };
    const voters: Account[] = [];
    // Both suites share one database: workspaces belong to one organisation, so each suite has its own.
    const tag = randomUUID().slice(0, 8);
    const manager: Account = { platform: 'slack', workspaceId: `T${tag}`, userId: 'U-manager' };

    beforeAll(async () => {
      queue = new CountingQueue(makeQueue());
      h = await createPollHarness({
        repos: prismaRepositories(db.prisma),
        database: db,
        queue,
        platforms: Object.values(fakes),
        scheduler: { refreshWindowMs: WINDOW_MS, skewMarginMs: 50 },
      });
      await h.member({ roles: ['member', 'manager'], accounts: [manager] });
      const numbers = Array.from({ length: 250 }, (_, i) => `R${String(i).padStart(4, '0')}`);
      await h.repos.members.upsertMany(
        h.organization.id,
        numbers.map((memberNumber, i) => ({ memberNumber, name: `Voter ${i}`, email: null, status: 'active' as const, roles: ['member' as const], chapterId: null })),
      );
      const rows = [];
      for (const [i, n] of numbers.entries()) {
        const m = (await h.repos.members.findByNumber(h.organization.id, n))!;
        const account: Account = { platform: 'slack', workspaceId: `T${tag}`, userId: `UV${i}` };
        voters.push(account);
        rows.push({ organizationId: h.organization.id, memberId: m.id, platform: account.platform, workspaceId: account.workspaceId, platformUserId: account.userId });
      }
      await db.prisma.platformIdentity.createMany({ data: rows });
      for (const [platform, ws, ch] of [['discord', `9${tag}`, '910000000000000001'], ['teams', `tenant-${tag}`, '19:general@thread.tacv2']] as const) {
        const workspace = await h.repos.workspaces.upsert({ organizationId: h.organization.id, platform, externalId: ws });
        await h.repos.channels.upsert({ workspaceId: workspace.id, externalId: ch, purpose: 'general' });
      }
    }, 60_000);

    afterAll(async () => {
      await h?.stop();
    });

    it('turns 1,000 votes into a few edits per posted copy, with the exact final tally everywhere', async () => {
      const text = replyText(await h.command(manager, 'poll create Coalesce? | A | B | C | D --everywhere'));
      const poll: Poll = await h.polls.service.find(h.organization.id, /`([0-9a-f]{8})`/.exec(text)![1]!);
      await until(async () => (await h.polls.repo.listPosts(poll.id)).every((p) => p.messageId !== null));
      const posts = await h.polls.repo.listPosts(poll.id);
      expect(posts.map((p) => p.platform).sort()).toEqual(['discord', 'slack', 'teams']);

      const started = Date.now();
      // 250 members press 4 times each (1,000 presses, each changing the ballot), in bursts of 125
      // concurrent presses by different members (one member's own presses are in order, so the last counts).
      for (let k = 0; k < 4; k++) {
        for (let i = 0; i < voters.length; i += 125) {
          await Promise.all(voters.slice(i, i + 125).map((a, j) => h.press(a, voteValue(poll.id, (i + j + k) % 4))));
        }
      }
      const votingMs = Date.now() - started;
      const expected = [0, 0, 0, 0];
      voters.forEach((_, i) => (expected[(i + 3) % 4]! += 1));
      expect(await h.polls.repo.tally(poll.id)).toEqual({ counts: expected, voters: 250 });

      // Every copy converges on the exact tally (and the refresh that edited them has finished: the counting
      // queue counts a job once its handler returned, just after its last edit).
      await until(
        () =>
          (queue.ran.get('refresh') ?? 0) >= 1 &&
          Object.values(fakes).every((f) => [...f.messages.values()].every((m) => JSON.stringify(m.view).includes(`"count":${expected[0]},`))),
      );
      const refreshes = queue.ran.get('refresh') ?? 0;
      const windows = Math.ceil(votingMs / WINDOW_MS) + 2;
      expect(refreshes).toBeGreaterThanOrEqual(1);
      expect(refreshes).toBeLessThanOrEqual(windows);
      for (const f of Object.values(fakes)) expect(f.callsOf('update').length).toBeLessThanOrEqual(windows);

      // Closing shows the final results on every copy, without buttons.
      await h.polls.service.close(poll);
      await until(() =>
        Object.values(fakes).every((f) => [...f.messages.values()].every((m) => !m.view.blocks.some((b) => b.type === 'buttons'))),
      );
    }, 60_000);

    it('closes a poll at its deadline through a delayed job', async () => {
      const deadline = new Date(Date.now() + 1500);
      const poll = await h.polls.service.create({
        organizationId: h.organization.id,
        question: 'Deadline?',
        options: ['Yes', 'No'],
        deadline,
        targets: [{ platform: 'slack', workspaceExternalId: `T${tag}`, channelExternalId: 'C-deadline' }],
      });
      await until(async () => (await h.polls.repo.findById(poll.id))?.status === 'closed', 10_000);
      const closed = (await h.polls.repo.findById(poll.id))!;
      expect(closed.closedAt!.getTime()).toBeGreaterThanOrEqual(deadline.getTime());
      await until(() => [...fakes.slack.messages.values()].some((m) => m.channel.channelId === 'C-deadline' && JSON.stringify(m.view).includes('This poll is closed')));
    }, 20_000);
  });
}
