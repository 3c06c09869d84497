import type { Clock } from '../../../kernel/clock.js';
import { ChatPlatformError, type ChatPlatforms, type View } from '../../../kernel/ports/chat-platform.js';
import type { OrganizationRepository } from '../../../kernel/ports/directory.js';
import type { Logger } from '../../../kernel/ports/logger.js';
import type { MeetupPost } from './meetup.js';
import type { MeetupJobs, MeetupRenderers, MeetupRepository } from '../ports.js';

export interface MeetupCopiesDeps {
  repo: MeetupRepository;
  platforms: ChatPlatforms;
  organizations: Pick<OrganizationRepository, 'findById'>;
  jobs: MeetupJobs;
  render: MeetupRenderers['message'];
  clock: Clock;
  logger: Logger;
  /**
   * Skip an edit when this process last put the very same view on that copy. Exact only when one process
   * runs the jobs (in-process queue); with several BullMQ workers another process may have edited since.
   */
  skipUnchanged?: boolean;
}

/**
 * Keeps a meet-up's posted copies right on every platform: `publish` posts the copies still waiting,
 * `refresh` re-renders every copy with the current count and state (open, full, check-in, ended,
 * cancelled), `wake` refreshes at a moment, `mirror` keeps the platforms' native scheduled events in step.
 * Each reads the current state, so a job that runs late, twice or out of order still leaves every copy right.
 */
export class MeetupCopiesService {
  private readonly shown = new Map<string, string>();
  /** Each meet-up's refreshes, one after another (the last one queued). */
  private readonly refreshes = new Map<string, Promise<void>>();

  constructor(private readonly deps: MeetupCopiesDeps) {}

  /** Posts every copy without a message yet; on a retry asks platforms that can find an earlier post first. */
  async publish(meetupId: string, retry = false): Promise<void> {
    const view = await this.view(meetupId);
    if (!view) return;
    const waiting = (await this.deps.repo.listPosts(meetupId)).filter((p) => p.messageId === null);
    let failure: unknown;
    await Promise.all(
      waiting.map(async (post) => {
        const platform = this.deps.platforms.get(post.platform);
        if (!platform) {
          this.deps.logger.warn({ meetupId, platform: post.platform }, 'meetup: platform not connected, copy not posted');
          return;
        }
        const channel = { workspaceId: post.workspaceExternalId, channelId: post.channelExternalId };
        try {
          const earlier = retry && platform.findPosted ? await platform.findPosted(channel, post.id) : null;
          const ref = earlier ?? (await platform.post(channel, view, { idempotencyKey: post.id }));
          await this.deps.repo.setPostMessage(post.id, ref.messageId);
          this.shown.set(post.id, JSON.stringify(view));
        } catch (err) {
          if (isRetryable(err)) failure = err;
          this.deps.logger.warn({ meetupId, platform: post.platform, channel: post.channelExternalId, err: errText(err) }, 'meetup: posting a copy failed');
        }
      }),
    );
    if (failure) throw failure;
    // Answers may have landed while the copies were posted with an older count.
    await this.deps.jobs.scheduleRefresh(meetupId);
  }

  /**
   * Brings every posted copy up to date. Refreshes of one meet-up run one after another in this process,
   * each reading the count when it starts: two at once (jobs of consecutive windows) could otherwise let
   * the one that read first edit last, leaving a copy with an old count and no later refresh to fix it.
   */
  refresh(meetupId: string): Promise<void> {
    const previous = this.refreshes.get(meetupId) ?? Promise.resolve();
    // A failed refresh fails its own job (which retries), not the next one.
    const next = previous.catch(() => undefined).then(() => this.refreshNow(meetupId));
    this.refreshes.set(meetupId, next);
    const forget = () => {
      if (this.refreshes.get(meetupId) === next) this.refreshes.delete(meetupId);
    };
    next.then(forget, forget);
    return next;
  }

  private async refreshNow(meetupId: string): Promise<void> {
    const view = await this.view(meetupId);
    if (!view) return;
    const posts = (await this.deps.repo.listPosts(meetupId)).filter((p): p is MeetupPost & { messageId: string } => p.messageId !== null);
    const fingerprint = JSON.stringify(view);
    let retry: unknown;
    await Promise.all(
      posts.map(async (post) => {
        if (this.deps.skipUnchanged && this.shown.get(post.id) === fingerprint) return;
        const platform = this.deps.platforms.get(post.platform);
        if (!platform) return;
        try {
          await platform.update({ platform: post.platform, workspaceId: post.workspaceExternalId, channelId: post.channelExternalId, messageId: post.messageId }, view);
          if (this.shown.size > 5000) this.shown.clear();
          this.shown.set(post.id, fingerprint);
        } catch (err) {
          // A deleted message stays deleted; nothing to retry.
          if (err instanceof ChatPlatformError && err.code === 'NOT_FOUND') return;
          if (isRetryable(err)) retry = err;
          this.deps.logger.warn({ meetupId, platform: post.platform, channel: post.channelExternalId, err: errText(err) }, 'meetup: updating a copy failed');
        }
      }),
    );
    if (retry) throw retry;
  }

  /** Refreshes the copies once `at` has come; before that, schedules the next hop towards it. */
  async wake(meetupId: string, at: number, hop: number): Promise<void> {
    if (this.deps.clock.now().getTime() < at) {
      await this.deps.jobs.scheduleWake(meetupId, at, hop + 1);
      return;
    }
    await this.refresh(meetupId);
  }

  /**
   * Mirrors the meet-up as a native scheduled event in every workspace it is posted to whose platform has
   * them (Discord); a cancelled meet-up cancels its mirrors. Mirrors are a convenience: failures other
   * than passing ones are logged and left.
   */
  async mirror(meetupId: string): Promise<void> {
    const meetup = await this.deps.repo.findById(meetupId);
    if (!meetup) return;
    const mirrors = await this.deps.repo.listMirrors(meetupId);
    const workspaces = new Map<string, { platform: MeetupPost['platform']; workspaceId: string }>();
    for (const post of await this.deps.repo.listPosts(meetupId)) workspaces.set(`${post.platform}/${post.workspaceExternalId}`, { platform: post.platform, workspaceId: post.workspaceExternalId });
    let retry: unknown;
    for (const { platform: name, workspaceId } of workspaces.values()) {
      const platform = this.deps.platforms.get(name);
      if (!platform?.upsertScheduledEvent) continue;
      const existing = mirrors.find((m) => m.platform === name && m.workspaceExternalId === workspaceId);
      try {
        if (meetup.status === 'cancelled') {
          if (existing && platform.cancelScheduledEvent) await platform.cancelScheduledEvent(workspaceId, existing.externalId);
          continue;
        }
        // Nothing to mirror once it has ended (Discord refuses start times in the past).
        if (meetup.startsAt.getTime() <= this.deps.clock.now().getTime()) continue;
        const externalId = await platform.upsertScheduledEvent(
          workspaceId,
          { title: meetup.title, description: meetup.description, startsAt: meetup.startsAt, endsAt: meetup.endsAt, location: meetup.place.text },
          existing?.externalId,
        );
        if (externalId !== existing?.externalId) await this.deps.repo.saveMirror({ meetupId, platform: name, workspaceExternalId: workspaceId, externalId });
      } catch (err) {
        if (err instanceof ChatPlatformError && err.code === 'NOT_FOUND') continue;
        if (isRetryable(err)) retry = err;
        this.deps.logger.warn({ meetupId, platform: name, err: errText(err) }, 'meetup: mirroring as a scheduled event failed');
      }
    }
    if (retry) throw retry;
  }

  private async view(meetupId: string): Promise<View | null> {
    const meetup = await this.deps.repo.findById(meetupId);
    if (!meetup) return null;
    const organization = await this.deps.organizations.findById(meetup.organizationId);
    if (!organization) return null;
    const headcount = await this.deps.repo.headcount(meetupId);
    return this.deps.render({ meetup, headcount, organization, now: this.deps.clock.now() });
  }
}

function isRetryable(err: unknown): boolean {
  // Unknown errors (network, bugs in an adapter) are retried too; the queue gives up after its attempts.
  return !(err instanceof ChatPlatformError) || err.retryable;
}

function errText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
