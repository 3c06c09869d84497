import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { EventBus } from '../../../kernel/events.js';
import type { Mailer } from '../../../kernel/ports/mailer.js';
import type { PlatformAccount } from '../../../kernel/ports/directory.js';
import type { MembershipMails, MembershipRepositories } from '../ports.js';
import type { LinkRequest } from './link-request.js';
import type { Clock } from '../../../kernel/clock.js';
import { newId } from '../../../kernel/ids.js';
import { LOCALES, platformSchema, type Locale } from '../../../kernel/types.js';
import { validate } from '../../../kernel/validate.js';
import { MembershipError } from './membership.errors.js';
import {
  MEMBER_ROLES,
  MEMBER_STATUSES,
  canonicalRoles,
  decideAccess,
  isActive,
  type AccessDecision,
  maskEmail,
  type Chapter,
  type Member,
  type MemberRole,
  type MemberStatus,
  type Organization,
  type PlatformIdentity,
} from '../../../kernel/community.js';

/** Limits of the code-based verification. */
export interface MembershipSettings {
  /** How long a code stays valid (default 15 minutes). */
  codeTtlMs: number;
  /** Wrong codes allowed per request before it is locked (default 5). */
  maxAttempts: number;
  /** Codes one chat account may ask per hour (default 5). */
  maxCodesPerHour: number;
}

export const DEFAULT_MEMBERSHIP_SETTINGS: Readonly<MembershipSettings> = {
  codeTtlMs: 15 * 60_000,
  maxAttempts: 5,
  maxCodesPerHour: 5,
};

export interface MembershipServiceDeps {
  repos: Pick<MembershipRepositories, 'organizations' | 'chapters' | 'members' | 'identities' | 'linkRequests'>;
  mailer: Mailer;
  /** The e-mails it sends, in the member's language. */
  mails: MembershipMails;
  clock: Clock;
  settings?: Partial<MembershipSettings>;
  /** Where `member.linked`, `member.unlinked` and `member.lapsed` go (a failing listener never undoes the change). */
  bus?: Pick<EventBus, 'publish'>;
}

export interface RequestLinkInput {
  organizationId: string;
  account: PlatformAccount;
  /** Member number or e-mail address, as the member typed it. */
  identifier: string;
  /** Language of the e-mail. */
  locale: Locale;
}

export interface ConfirmLinkInput {
  account: PlatformAccount;
  /** The code as typed (spaces and dashes are ignored). */
  code: string;
  displayName: string | null;
}

/** A linked member's own data. */
export interface MemberProfile {
  member: Member;
  chapter: Chapter | null;
  identities: PlatformIdentity[];
  organization: Organization;
}

const HOUR_MS = 60 * 60_000;

const accountSchema = z.object({
  platform: platformSchema,
  workspaceId: z.string().min(1).max(200),
  platformUserId: z.string().min(1).max(200),
});

const requestLinkSchema = z.object({
  organizationId: z.string().min(1),
  account: accountSchema,
  identifier: z.string().trim().min(1, 'give your member number or e-mail address').max(254),
  locale: z.enum(LOCALES),
});

const confirmLinkSchema = z.object({
  account: accountSchema,
  code: z.string().max(50),
  displayName: z.string().max(200).nullable(),
});

/**
 * Membership use cases: who is a verified member or manager, linking a chat account to a member with a
 * one-time code sent by e-mail, unlinking, the member's profile, and status/role changes by managers.
 *
 * Security rules: codes are 6 random digits (crypto.randomInt), stored only as sha256(request id + code),
 * compared in constant time, valid for `codeTtlMs`, locked after `maxAttempts` wrong tries, at most
 * `maxCodesPerHour` per chat account, and a new request supersedes the older open ones. A code is never
 * returned, logged or put in an error.
 */
export class MembershipService {
  private readonly settings: MembershipSettings;

  constructor(private readonly deps: MembershipServiceDeps) {
    this.settings = { ...DEFAULT_MEMBERSHIP_SETTINGS, ...deps.settings };
  }

  /** Decides whether this chat account is a verified active member, and whether a manager. */
  async access(account: PlatformAccount): Promise<AccessDecision> {
    const identity = await this.deps.repos.identities.findByAccount(account);
    const member = identity ? await this.deps.repos.members.findById(identity.organizationId, identity.memberId) : null;
    return decideAccess(identity, member);
  }

  /**
   * Starts linking: finds the member by number or e-mail address, and e-mails a one-time code.
   * Returns where it went (masked) and until when the code is valid.
   * @throws MembershipError `MEMBERSHIP.MEMBER_NOT_FOUND`, `AMBIGUOUS_EMAIL`, `NOT_ACTIVE`, `NO_EMAIL`,
   *   `ALREADY_LINKED`, `TOO_MANY_CODES`, `MAIL_FAILED`; ValidationError for malformed input.
   */
  async requestLink(input: RequestLinkInput): Promise<{ sentTo: string; expiresAt: Date }> {
    const { organizationId, account, identifier, locale } = validate(requestLinkSchema, input);
    const { organizations, identities, linkRequests } = this.deps.repos;
    const now = this.deps.clock.now();

    const organization = await organizations.findById(organizationId);
    if (!organization) {
      throw new MembershipError('MEMBERSHIP.ORGANIZATION_NOT_FOUND', `Organisation ${organizationId} does not exist.`);
    }
    const member = await this.findMember(organizationId, identifier);
    if (!isActive(member)) {
      throw new MembershipError('MEMBERSHIP.NOT_ACTIVE', `Member ${member.memberNumber} is ${member.status}.`);
    }
    if (!member.email) {
      throw new MembershipError('MEMBERSHIP.NO_EMAIL', `Member ${member.memberNumber} has no e-mail address.`);
    }
    const current = await identities.findByAccount(account);
    if (current && current.memberId === member.id) {
      throw new MembershipError('MEMBERSHIP.ALREADY_LINKED', 'This account is linked to this member already.');
    }
    const recent = await linkRequests.countSince(account, new Date(now.getTime() - HOUR_MS));
    if (recent >= this.settings.maxCodesPerHour) {
      throw new MembershipError('MEMBERSHIP.TOO_MANY_CODES', `${recent} codes asked in the last hour.`, {
        params: { max: this.settings.maxCodesPerHour },
      });
    }

    await this.supersedeOpenRequests(account, now);
    const id = newId();
    // Uniform 6 digits, leading zeros kept: 10^6 codes, at most maxAttempts guesses each.
    const code = randomInt(0, 1_000_000).toString().padStart(6, '0');
    const expiresAt = new Date(now.getTime() + this.settings.codeTtlMs);
    await linkRequests.create({
      id,
      organizationId,
      memberId: member.id,
      platform: account.platform,
      workspaceId: account.workspaceId,
      platformUserId: account.platformUserId,
      codeHash: hashCode(id, code),
      expiresAt,
      createdAt: now,
    });
    const mail = this.deps.mails.verification(locale, {
      to: member.email,
      memberName: member.name,
      organizationName: organization.name,
      platform: account.platform,
      code,
      minutes: Math.round(this.settings.codeTtlMs / 60_000),
    });
    try {
      await this.deps.mailer.send(mail);
    } catch (cause) {
      // A code nobody received must not stay confirmable; the member simply asks again.
      await linkRequests.consume(id, now);
      throw new MembershipError('MEMBERSHIP.MAIL_FAILED', 'The verification e-mail could not be sent.', { cause });
    }
    return { sentTo: maskEmail(member.email), expiresAt };
  }

  /**
   * Finishes linking with the code from the e-mail. A wrong code costs one attempt; after `maxAttempts`
   * the request is locked and even the right code fails.
   * @throws MembershipError `MEMBERSHIP.NO_PENDING_LINK`, `CODE_EXPIRED`, `CODE_INVALID` (params
   *   `{ attemptsLeft }`), `TOO_MANY_ATTEMPTS`, `CODE_LOCKED` (any code after the lock), `NOT_ACTIVE`.
   */
  async confirmLink(input: ConfirmLinkInput): Promise<{ member: Member; identity: PlatformIdentity }> {
    const { account, code: typed, displayName } = validate(confirmLinkSchema, input);
    const { members, linkRequests } = this.deps.repos;
    const now = this.deps.clock.now();
    const { maxAttempts } = this.settings;

    const request = await linkRequests.findLatestOpen(account);
    if (!request) {
      // Nothing open: when the newest request was locked by wrong codes, say so (even the right code fails now).
      const latest = await linkRequests.findLatest(account);
      if (latest && latest.attempts >= maxAttempts) {
        throw new MembershipError('MEMBERSHIP.CODE_LOCKED', 'The code was locked after too many wrong attempts.');
      }
      throw new MembershipError('MEMBERSHIP.NO_PENDING_LINK', 'No open link request for this account.');
    }
    if (now.getTime() >= request.expiresAt.getTime()) {
      throw new MembershipError('MEMBERSHIP.CODE_EXPIRED', 'The code has expired.');
    }
    if (request.attempts >= maxAttempts) {
      await linkRequests.consume(request.id, now);
      throw new MembershipError('MEMBERSHIP.TOO_MANY_ATTEMPTS', 'Too many wrong codes.');
    }
    const code = typed.replace(/[\s-]/g, '');
    if (!/^\d{6}$/.test(code)) {
      // Cannot be right, so it costs no attempt: a typo in the format is not a guess.
      throw new MembershipError('MEMBERSHIP.CODE_INVALID', 'The code must be 6 digits.', {
        params: { attemptsLeft: maxAttempts - request.attempts },
      });
    }
    if (!codeMatches(request, code)) {
      const attempts = await linkRequests.recordFailedAttempt(request.id);
      if (attempts >= maxAttempts) {
        await linkRequests.consume(request.id, now);
        throw new MembershipError('MEMBERSHIP.TOO_MANY_ATTEMPTS', 'Too many wrong codes.');
      }
      throw new MembershipError('MEMBERSHIP.CODE_INVALID', 'Wrong code.', { params: { attemptsLeft: maxAttempts - attempts } });
    }

    const member = await members.findById(request.organizationId, request.memberId);
    if (!member || !isActive(member)) {
      // The member lapsed between asking and confirming.
      await linkRequests.consume(request.id, now);
      throw new MembershipError('MEMBERSHIP.NOT_ACTIVE', 'The member is no longer active.');
    }
    const identity = await linkRequests.confirm(request.id, now, displayName);
    if (!identity) {
      // A concurrent confirm consumed it first.
      throw new MembershipError('MEMBERSHIP.NO_PENDING_LINK', 'The link request was used already.');
    }
    await this.deps.bus?.publish('member.linked', { member, identity });
    return { member, identity };
  }

  /**
   * Removes the link of this chat account. @throws MembershipError `MEMBERSHIP.NOT_LINKED`.
   */
  async unlink(account: PlatformAccount): Promise<{ member: Member; identity: PlatformIdentity }> {
    const { identities, members } = this.deps.repos;
    const identity = await identities.findByAccount(account);
    const member = identity ? await members.findById(identity.organizationId, identity.memberId) : null;
    const removed = identity && member ? await identities.unlink(account) : null;
    if (!removed || !member) throw new MembershipError('MEMBERSHIP.NOT_LINKED', 'This account is not linked.');
    await this.deps.bus?.publish('member.unlinked', { member, identity: removed });
    return { member, identity: removed };
  }

  /** The linked member's own data. @throws MembershipError `MEMBERSHIP.NOT_LINKED`. */
  async profile(account: PlatformAccount): Promise<MemberProfile> {
    const { identities, members, chapters, organizations } = this.deps.repos;
    const identity = await identities.findByAccount(account);
    const member = identity ? await members.findById(identity.organizationId, identity.memberId) : null;
    const organization = member ? await organizations.findById(member.organizationId) : null;
    if (!member || !organization) throw new MembershipError('MEMBERSHIP.NOT_LINKED', 'This account is not linked.');
    const [chapter, all] = await Promise.all([
      member.chapterId ? chapters.findById(member.organizationId, member.chapterId) : Promise.resolve(null),
      identities.listByMember(member.id),
    ]);
    return { member, chapter, identities: all, organization };
  }

  /**
   * Changes a member's status (managers, CLI, API). A change publishes `member.updated`; going from
   * `active` to `lapsed`/`left` then publishes `member.lapsed`, and back to `active` `member.reactivated`
   * (membership's own listeners take the platforms' member role away or give it back).
   * @throws MembershipError `MEMBERSHIP.MEMBER_NOT_FOUND`.
   */
  async setStatus(organizationId: string, memberId: string, status: MemberStatus): Promise<Member> {
    validate(z.enum(MEMBER_STATUSES), status);
    const { members, identities } = this.deps.repos;
    const before = await members.findById(organizationId, memberId);
    const after = before ? await members.setStatus(organizationId, memberId, status) : null;
    if (!before || !after) throw new MembershipError('MEMBERSHIP.MEMBER_NOT_FOUND', `Member ${memberId} does not exist.`);
    if (before.status === after.status) return after;
    await this.deps.bus?.publish('member.updated', { member: after });
    if (isActive(before) !== isActive(after)) {
      const linked = await identities.listByMember(after.id);
      await this.deps.bus?.publish(isActive(after) ? 'member.reactivated' : 'member.lapsed', { member: after, identities: linked });
    }
    return after;
  }

  /**
   * Replaces a member's roles (`member` is always kept); a change publishes `member.updated`.
   * @throws MembershipError `MEMBERSHIP.MEMBER_NOT_FOUND`.
   */
  async setRoles(organizationId: string, memberId: string, roles: readonly MemberRole[]): Promise<Member> {
    validate(z.array(z.enum(MEMBER_ROLES)), roles);
    const { members } = this.deps.repos;
    const before = await members.findById(organizationId, memberId);
    const updated = before ? await members.setRoles(organizationId, memberId, canonicalRoles(roles)) : null;
    if (!before || !updated) throw new MembershipError('MEMBERSHIP.MEMBER_NOT_FOUND', `Member ${memberId} does not exist.`);
    if (canonicalRoles(before.roles).join() !== canonicalRoles(updated.roles).join()) await this.deps.bus?.publish('member.updated', { member: updated });
    return updated;
  }

  /** By e-mail when the identifier has an `@`, else by member number. */
  private async findMember(organizationId: string, identifier: string): Promise<Member> {
    const { members } = this.deps.repos;
    if (identifier.includes('@')) {
      const found = await members.findByEmail(organizationId, identifier.toLowerCase());
      if (found.length > 1) {
        throw new MembershipError('MEMBERSHIP.AMBIGUOUS_EMAIL', `${found.length} members share this e-mail address.`);
      }
      if (found[0]) return found[0];
    } else {
      const member = await members.findByNumber(organizationId, identifier);
      if (member) return member;
    }
    throw new MembershipError('MEMBERSHIP.MEMBER_NOT_FOUND', 'No member with that number or e-mail address.');
  }

  /** Consumes every open request of the account, so only the newest code can ever work. */
  private async supersedeOpenRequests(account: PlatformAccount, now: Date): Promise<void> {
    // Normally at most one is open; the bound only guards against a misbehaving repository.
    for (let i = 0; i < 100; i++) {
      const open = await this.deps.repos.linkRequests.findLatestOpen(account);
      if (!open) return;
      await this.deps.repos.linkRequests.consume(open.id, now);
    }
  }
}

/** sha256 over the request id and the code: the id salts it, so equal codes never share a hash. */
function hashCode(requestId: string, code: string): string {
  return createHash('sha256').update(`${requestId}:${code}`).digest('hex');
}

function codeMatches(request: LinkRequest, code: string): boolean {
  const expected = Buffer.from(request.codeHash, 'hex');
  const actual = Buffer.from(hashCode(request.id, code), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
