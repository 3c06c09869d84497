import type { PlatformIdentity } from '../../kernel/community.js';
import type { MailMessage } from '../../kernel/ports/mailer.js';
import type { Locale, Platform } from '../../kernel/types.js';
import type { Directory, PlatformAccount } from '../../kernel/ports/directory.js';
import type { LinkRequest } from './domain/link-request.js';

/** Storage of pending verifications (implemented in repository/prisma-link-request.repository.ts and in test/fakes). */
export interface LinkRequestRepository {
  /**
   * Stores a new request. `id` may be chosen by the caller (the code hash covers the request id, so the
   * service needs it before storing); a new id is generated when it is absent.
   */
  create(request: Omit<LinkRequest, 'id' | 'attempts' | 'consumedAt' | 'createdAt'> & { createdAt: Date; id?: string }): Promise<LinkRequest>;
  /** The newest unconsumed request of this chat account (expired ones included: the caller decides). */
  findLatestOpen(account: PlatformAccount): Promise<LinkRequest | null>;
  /** The newest request of this chat account, consumed or not (why is nothing open: locked, used, withdrawn?). */
  findLatest(account: PlatformAccount): Promise<LinkRequest | null>;
  /** Counts requests of this account created since `since` (rate limit on sending codes). */
  countSince(account: PlatformAccount, since: Date): Promise<number>;
  /** Atomically adds one failed attempt; returns the new count. */
  recordFailedAttempt(id: string): Promise<number>;
  /** Marks the request consumed without linking (too many attempts, superseded). */
  consume(id: string, at: Date): Promise<void>;
  /**
   * In one transaction: consumes the request (only if still open) and links the account to the member.
   * Returns null when the request was consumed already (a concurrent confirm won). If the account is
   * linked already, the old link is replaced.
   */
  confirm(id: string, at: Date, displayName: string | null): Promise<PlatformIdentity | null>;
}

/** What the membership services store to: the directory plus the pending verifications. */
export interface MembershipRepositories extends Directory {
  linkRequests: LinkRequestRepository;
}

/** What the verification e-mail needs to say. */
export interface VerificationMailInput {
  to: string;
  memberName: string;
  organizationName: string;
  platform: Platform;
  code: string;
  /** Minutes the code stays valid. */
  minutes: number;
}

/** The e-mails membership sends, written in the member's language (views.ts builds them from the catalogue). */
export interface MembershipMails {
  verification(locale: Locale, input: VerificationMailInput): MailMessage;
}
