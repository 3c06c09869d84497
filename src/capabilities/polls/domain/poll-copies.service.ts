import type { Organization } from '../../../kernel/community.js';
import type { Poll, PollPost, Tally } from './poll.js';
import type { PollJobs, PollRenderer, PollRepository } from '../ports.js';
import type { PollService } from './poll.service.js';
import { ChatPlatformError, type ChatPlatforms, type View } from '../../../kernel/ports/chat-platform.js';
import type { Logger } from '../../../kernel/ports/logger.js';
import type { ChapterRepository, OrganizationRepository } from '../../../kernel/ports/directory.js';

export interface PollCopiesDeps {
  polls: PollService;
  repo: PollRepository;
  platforms: ChatPlatforms;
  organizations: OrganizationRepository;
  chapters: ChapterRepository;
  /** Schedules the follow-up jobs (the queue's scheduler in jobs/poll.scheduler.ts). */
  jobs: PollJobs;
  render: PollRenderer;
  logger: Logger;
  /**
   * Skip an edit when this process last put the very same view on that copy. Exact only when one process
   * runs the jobs (in-process queue); with several BullMQ workers another process may have edited since.
   */
  skipUnchanged?: boolean;
}

/**
 * Keeps a poll's posted copies right on every platform: `publish` posts the copies still waiting,
 * `refresh` re-renders every posted copy with the current tally, `close` closes a poll whose deadline has
 * come. Each reads the current state, so a job that runs late, twice or after another one still leaves every
 * copy right. Platforms are looked up when acting (they connect after the capabilities are built).
 */
export class PollCopiesService {
  /** What each copy shows now (by post id), to skip edits that would change nothing. Bounded. */
  private readonly shown = new Map<string, string>();

  constructor(private readonly deps: PollCopiesDeps) {}

  /**
   * Posts every copy that has no message yet; retries only the ones that failed for a passing reason. On a
   * retry, a platform that can find an earlier post by its key (Slack metadata) is asked first, so a post
   * whose answer got lost is not posted twice.
   */
  async publish(pollId: string, retry = false): Promise<void> {
    const state = await this.load(pollId);
    if (!state) return;
    const waiting = (await this.deps.repo.listPosts(pollId)).filter((p) => p.messageId === null);
    const view = this.view(state);
    let failure: unknown;
    await Promise.all(
      waiting.map(async (post) => {
        const platform = this.deps.platforms.get(post.platform);
        if (!platform) {
          this.deps.logger.warn({ pollId, platform: post.platform }, 'poll: platform not connected, copy not posted');
          return;
        }
        const channel = { workspaceId: post.workspaceExternalId, channelId: post.channelExternalId };
        try {
          const earlier = retry && platform.findPosted ? await platform.findPosted(channel, post.id) : null;
          // A retried post is recognised by the platform where it can (Discord nonce).
          const ref = earlier ?? (await platform.post(channel, view, { idempotencyKey: post.id }));
          await this.deps.repo.setPostMessage(post.id, ref.messageId);
          this.shown.set(post.id, JSON.stringify(view));
        } catch (err) {
          if (isRetryable(err)) failure = err;
          this.deps.logger.warn({ pollId, platform: post.platform, channel: post.channelExternalId, err: errText(err) }, 'poll: posting a copy failed');
        }
      }),
    );
    if (failure) throw failure;
    // Votes may have landed while copies were being posted with an older tally.
    await this.deps.jobs.scheduleRefresh(pollId);
  }

  /** Brings every posted copy up to date; when the poll closed meanwhile, once more with the final view. */
  async refresh(pollId: string, again = true): Promise<void> {
    const state = await this.load(pollId);
    if (!state) return;
    const posts = (await this.deps.repo.listPosts(pollId)).filter((p): p is PollPost & { messageId: string } => p.messageId !== null);
    const view = this.view(state);
    const fingerprint = JSON.stringify(view);
    let retry: unknown;
    await Promise.all(
      posts.map(async (post) => {
        if (this.deps.skipUnchanged && this.shown.get(post.id) === fingerprint) return;
        const platform = this.deps.platforms.get(post.platform);
        if (!platform) return;
        try {
          await platform.update(
            { platform: post.platform, workspaceId: post.workspaceExternalId, channelId: post.channelExternalId, messageId: post.messageId },
            view,
          );
          if (this.shown.size > 5000) this.shown.clear();
          this.shown.set(post.id, fingerprint);
        } catch (err) {
          // A deleted message stays deleted; nothing to retry.
          if (err instanceof ChatPlatformError && err.code === 'NOT_FOUND') return;
          if (isRetryable(err)) retry = err;
          this.deps.logger.warn({ pollId, platform: post.platform, channel: post.channelExternalId, err: errText(err) }, 'poll: updating a copy failed');
        }
      }),
    );
    if (retry) throw retry;
    if (again && state.poll.status === 'open') {
      // Closing raced with this refresh: our edits may have landed after the final ones.
      const now = await this.deps.repo.findById(pollId);
      if (now && now.status !== 'open') await this.refresh(pollId, false);
    }
  }

  /** Closes the poll when its deadline has come; an early wake-up (long deadlines) schedules the next. */
  async close(pollId: string): Promise<void> {
    const closed = await this.deps.polls.closeIfDue(pollId);
    if (closed) return;
    const poll = await this.deps.repo.findById(pollId);
    if (poll?.status === 'open' && poll.deadline) await this.deps.jobs.scheduleClose(poll);
  }

  private async load(pollId: string): Promise<{ poll: Poll; tally: Tally; organization: Organization; chapterNames: string[] } | null> {
    const poll = await this.deps.repo.findById(pollId);
    if (!poll) return null;
    const organization = await this.deps.organizations.findById(poll.organizationId);
    if (!organization) return null;
    const tally = await this.deps.repo.tally(pollId);
    let chapterNames: string[] = [];
    if (poll.audience.kind === 'chapters') {
      const ids = poll.audience.chapterIds;
      chapterNames = (await this.deps.chapters.list(poll.organizationId)).filter((c) => ids.includes(c.id)).map((c) => c.name);
    }
    return { poll, tally, organization, chapterNames };
  }

  private view(state: { poll: Poll; tally: Tally; organization: Organization; chapterNames: string[] }): View {
    return this.deps.render(state);
  }
}

function isRetryable(err: unknown): boolean {
  // Unknown errors (network, bugs in an adapter) are retried too; the queue gives up after its attempts.
  return !(err instanceof ChatPlatformError) || err.retryable;
}

function errText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
