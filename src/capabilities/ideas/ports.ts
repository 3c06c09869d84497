import type { Organization } from '../../kernel/community.js';
import type { View } from '../../kernel/ports/chat-platform.js';
import type { Idea, IdeaPost, IdeaStatus, IdeaStatusChange, IdeaTarget } from './domain/idea.js';

/**
 * The idea box's ports. Storage: repository/prisma-idea.repository.ts. "One upvote per member" is a
 * database fact (unique index on idea and member): {@link IdeaRepository.upvote} inserts or does nothing.
 * Deliberately left out: withdrawing an upvote, editing an idea, anonymous ideas (the submitter hears back).
 */
export interface IdeaRepository {
  create(input: { organizationId: string; submittedByMemberId: string; text: string; targets: IdeaTarget[]; createdAt: Date }): Promise<Idea>;
  findById(id: string): Promise<Idea | null>;
  findByIdPrefix(organizationId: string, prefix: string, limit: number): Promise<Idea[]>;
  /** Most upvoted first, then newest; optionally one status. */
  list(organizationId: string, query: { status?: IdeaStatus; limit: number }): Promise<Idea[]>;
  /** Records the member's upvote; false when they had upvoted already. */
  upvote(ideaId: string, memberId: string, at: Date): Promise<boolean>;
  votes(ideaId: string): Promise<number>;
  /** The members who upvoted (for the status messages). */
  voterIds(ideaId: string): Promise<string[]>;
  /** Sets the status (and reason) and records the change, atomically; null when the idea does not exist. */
  setStatus(ideaId: string, status: IdeaStatus, reason: string | null, at: Date): Promise<Idea | null>;
  /** Status changes of the organisation's ideas in [from, to), oldest first. */
  changesBetween(organizationId: string, from: Date, to: Date): Promise<IdeaStatusChange[]>;
  listPosts(ideaId: string): Promise<IdeaPost[]>;
  setPostMessage(postId: string, messageId: string): Promise<void>;
}

export type IdeaRenderer = (input: { idea: Idea; votes: number; organization: Organization }) => View;

export interface IdeaJobs {
  publish(ideaId: string): Promise<void>;
  scheduleRefresh(ideaId: string): Promise<void>;
  /** Tell the submitter and the upvoters about a status change (one job per change). */
  notify(ideaId: string, changedAt: Date): Promise<void>;
}
