import type { ChatPlatforms, MessageRef, View } from '../../../kernel/ports/chat-platform.js';
import type { Logger } from '../../../kernel/ports/logger.js';
import type { OrganizationRepository } from '../../../kernel/ports/directory.js';
import type { Organization } from '../../../kernel/community.js';
import { postWaitingCopies, updatePostedCopies, type PostedCopy } from '../../../kernel/posted-copies.js';
import type { StatementJobs, StatementRenderer, StatementRepository } from '../ports.js';
import type { Statement, StatementPost } from './statement.js';

export interface StatementCopiesDeps {
  repo: StatementRepository;
  platforms: ChatPlatforms;
  organizations: OrganizationRepository;
  jobs: StatementJobs;
  render: StatementRenderer;
  /** The first message of a discussion thread (in the organisation's language: everyone reads it). */
  renderIntro: (input: { statement: Statement; organization: Organization }) => View;
  logger: Logger;
}

/** What opening a discussion did. */
export type DiscussOutcome = { kind: 'opened' | 'exists'; platform: string } | { kind: 'unsupported' } | { kind: 'no-copy' };

/**
 * Keeps a statement's copies right on every platform (publish, refresh: each reads the current state, so a
 * late or repeated job still leaves every copy right) and opens the discussion thread under a copy.
 */
export class StatementCopiesService {
  /** Openings in flight per copy: two quick presses open one thread. */
  private readonly opening = new Map<string, Promise<DiscussOutcome>>();

  constructor(private readonly deps: StatementCopiesDeps) {}

  /** Posts the copies still waiting; then refreshes (answers may have come in meanwhile). */
  async publish(statementId: string, retry = false): Promise<void> {
    const state = await this.load(statementId);
    if (!state) return;
    await postWaitingCopies({
      platforms: this.deps.platforms,
      copies: state.posts,
      view: state.view,
      retry,
      onPosted: (copy, messageId) => this.deps.repo.setPostMessage(copy.id, messageId),
      onFailure: (copy, err) => this.warn('posting', statementId, copy, err),
    });
    await this.deps.jobs.scheduleRefresh(statementId);
  }

  /** Every posted copy with the current bars (after closing: the final ones, without buttons). */
  async refresh(statementId: string): Promise<void> {
    const state = await this.load(statementId);
    if (!state) return;
    await updatePostedCopies({
      platforms: this.deps.platforms,
      copies: state.posts,
      view: state.view,
      onFailure: (copy, err) => this.warn('updating', statementId, copy, err),
    });
  }

  /**
   * Opens (or finds) the discussion thread under the copy the button was on (`message`).
   */
  discuss(statement: Statement, message: MessageRef): Promise<DiscussOutcome> {
    const key = `${statement.id}\u0000${message.platform}\u0000${message.channelId}\u0000${message.messageId}`;
    const running = this.opening.get(key);
    if (running) return running.then((o) => (o.kind === 'opened' ? { ...o, kind: 'exists' as const } : o));
    const work = this.openThread(statement, message).finally(() => this.opening.delete(key));
    this.opening.set(key, work);
    return work;
  }

  private async openThread(statement: Statement, message: MessageRef): Promise<DiscussOutcome> {
    const platform = this.deps.platforms.get(message.platform);
    if (!platform?.openThread) return { kind: 'unsupported' };
    const post = await this.deps.repo.findPostByMessage(statement.id, message.platform, message.channelId, message.messageId);
    if (!post) return { kind: 'no-copy' };
    if (post.threadId !== null) {
      return { kind: 'exists', platform: message.platform };
    }
    const organization = await this.deps.organizations.findById(statement.organizationId);
    if (!organization) return { kind: 'no-copy' };
    const thread = await platform.openThread(message, this.deps.renderIntro({ statement, organization }), { threadName: statement.text });
    await this.deps.repo.setPostThread(post.id, thread.threadId);
    return { kind: 'opened', platform: message.platform };
  }

  private async load(statementId: string): Promise<{ statement: Statement; posts: StatementPost[]; view: View } | null> {
    const statement = await this.deps.repo.findById(statementId);
    if (!statement) return null;
    const organization = await this.deps.organizations.findById(statement.organizationId);
    if (!organization) return null;
    const [tally, posts] = await Promise.all([this.deps.repo.tally(statementId), this.deps.repo.listPosts(statementId)]);
    return { statement, posts, view: this.deps.render({ statement, tally, organization }) };
  }

  private warn(what: string, statementId: string, copy: PostedCopy, err: unknown): void {
    this.deps.logger.warn(
      { statementId, platform: copy.platform, channel: copy.channelExternalId, err: err instanceof Error ? `${err.name}: ${err.message}` : String(err) },
      `statement: ${what} a copy failed`,
    );
  }
}
