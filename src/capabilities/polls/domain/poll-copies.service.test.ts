import { beforeEach, describe, expect, it } from 'vitest';
import { FakeChatPlatform, platformRegistry } from '../../../../test/fakes/fake-chat-platform.js';
import { InMemoryPollRepository } from '../../../../test/fakes/in-memory-poll.repository.js';
import { createInMemoryRepositories } from '../../../../test/fakes/in-memory-repositories.js';
import { silentLogger } from '../../../../test/support/logger.js';
import type { Organization } from '../../../kernel/community.js';
import type { Poll } from './poll.js';
import { PollService } from './poll.service.js';
import { systemClock } from '../../../kernel/clock.js';
import type { EnqueueOptions, JobQueue } from '../../../kernel/ports/job-queue.js';
import { PollScheduler } from '../jobs/poll.scheduler.js';
import { PollCopiesService } from './poll-copies.service.js';

class RecordingQueue {
  readonly driver = 'in-process' as const;
  readonly jobs: { name: string; options: EnqueueOptions | undefined }[] = [];
  async enqueue(_queue: string, name: string, _payload: unknown, options?: EnqueueOptions) {
    this.jobs.push({ name, options });
  }
}

describe(PollCopiesService.name, () => {
  let slack: FakeChatPlatform;
  let discord: FakeChatPlatform;
  let repo: InMemoryPollRepository;
  let polls: PollService;
  let sut: PollCopiesService;
  let org: Organization;
  let poll: Poll;

  beforeEach(async () => {
    slack = new FakeChatPlatform('slack');
    discord = new FakeChatPlatform('discord');
    repo = new InMemoryPollRepository();
    const repos = createInMemoryRepositories();
    org = await repos.organizations.ensure({ slug: 'club', name: 'Club' });
    const queue = new RecordingQueue() as unknown as JobQueue;
    const scheduler = new PollScheduler(queue, systemClock);
    polls = new PollService({ repo, clock: systemClock });
    sut = new PollCopiesService({
      polls,
      repo,
      platforms: platformRegistry([slack, discord]),
      organizations: repos.organizations,
      chapters: repos.chapters,
      jobs: scheduler,
      logger: silentLogger,
      skipUnchanged: true,
      render: ({ poll: p, tally }) => ({ fallback: p.question, blocks: [{ type: 'text', text: `${p.status} ${tally.voters}` }] }),
    });
    poll = await polls.create({
      organizationId: org.id,
      question: 'Q?',
      options: ['a', 'b'],
      targets: [
        { platform: 'slack', workspaceExternalId: 'T1', channelExternalId: 'C1' },
        { platform: 'discord', workspaceExternalId: 'G1', channelExternalId: 'D1' },
      ],
    });
  });

  it('posts every copy once, and on a retry only the copies that failed for a passing reason', async () => {
    discord.failNext({ code: 'RATE_LIMITED', op: 'post' });
    await expect(sut.publish(poll.id)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect((await repo.listPosts(poll.id)).map((p) => p.messageId !== null)).toEqual([true, false]);
    await sut.publish(poll.id, true);
    expect(slack.callsOf('post').filter((c) => c.outcome === 'ok')).toHaveLength(1);
    expect(discord.callsOf('post').filter((c) => c.outcome === 'ok')).toHaveLength(1);
    expect((await repo.listPosts(poll.id)).every((p) => p.messageId !== null)).toBe(true);
  });

  it('gives up on a copy the platform refuses for good', async () => {
    discord.failNext({ code: 'PERMISSION_DENIED', op: 'post' });
    await sut.publish(poll.id);
    expect((await repo.listPosts(poll.id)).map((p) => p.messageId !== null)).toEqual([true, false]);
  });

  it('edits every copy with the current state, skips edits that change nothing, and ignores a deleted message', async () => {
    await sut.publish(poll.id);
    await sut.refresh(poll.id);
    expect(slack.callsOf('update')).toHaveLength(0);
    const [slackPost] = await repo.listPosts(poll.id);
    await slack.delete({ platform: 'slack', workspaceId: 'T1', channelId: 'C1', messageId: slackPost!.messageId! });
    await polls.close(poll);
    await sut.refresh(poll.id);
    expect(discord.callsOf('update').map((c) => c.view.blocks)).toEqual([[{ type: 'text', text: 'closed 0' }]]);
  });

  it('retries a refresh when a platform asks to slow down', async () => {
    await sut.publish(poll.id);
    await polls.close(poll);
    discord.failNext({ code: 'RATE_LIMITED', op: 'update' });
    await expect(sut.refresh(poll.id)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await sut.refresh(poll.id);
    expect([...discord.messages.values()][0]!.view.blocks).toEqual([{ type: 'text', text: 'closed 0' }]);
    // Slack was edited on the first run already and is not edited again.
    expect(slack.callsOf('update').filter((c) => c.outcome === 'ok')).toHaveLength(1);
  });

  it('closes a poll only once its deadline has come', async () => {
    const soon = await polls.create({ organizationId: org.id, question: 'Later?', options: ['a', 'b'], deadline: new Date(Date.now() + 60_000) });
    await sut.close(soon.id);
    expect((await repo.findById(soon.id))!.status).toBe('open');
  });
});
