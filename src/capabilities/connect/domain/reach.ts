import type { Member, PlatformIdentity } from '../../../kernel/community.js';
import type { ChatPlatforms, View } from '../../../kernel/ports/chat-platform.js';
import type { IdentityRepository } from '../../../kernel/ports/directory.js';
import type { Logger } from '../../../kernel/ports/logger.js';
import type { Locale, Platform } from '../../../kernel/types.js';

/**
 * How connect's messages reach people: questions, welcomes, buddies and peer support all write to a member on
 * their first linked account and name the other person so the reader can find them. One place, so the
 * three services agree on which account is "first" and when a mention works.
 */

/** Someone named in a message, and how the reader reaches them: a mention on a shared workspace, else their platform. */
export interface ReachablePerson {
  name: string;
  mentionUserId: string | null;
  platform: Platform | null;
}

type Account = Pick<PlatformIdentity, 'platform' | 'workspaceId' | 'platformUserId'>;

/**
 * `name` (whose accounts are `theirs`) as seen from the reader's account `where`: a mention works only
 * inside the same workspace; elsewhere the reader is told the platform the other person uses.
 */
export function personSeenFrom(where: Pick<Account, 'platform' | 'workspaceId'> | undefined, name: string, theirs: readonly Account[]): ReachablePerson {
  const same = where ? theirs.find((t) => t.platform === where.platform && t.workspaceId === where.workspaceId) : undefined;
  return { name, mentionUserId: same?.platformUserId ?? null, platform: same ? null : (theirs[0]?.platform ?? null) };
}

export interface DirectMessengerDeps {
  identities: Pick<IdentityRepository, 'listByMember'>;
  organizations: { findById(id: string): Promise<{ defaultLocale: Locale } | null> };
  platforms: ChatPlatforms;
  logger: Logger;
}

/** Direct messages to a member's first linked account, in their language. Never logs what they say. */
export class DirectMessenger {
  /** `what` names the messages in the warning when a member cannot be reached ("ask", "peer-support"). */
  constructor(
    private readonly deps: DirectMessengerDeps,
    private readonly what: string,
  ) {}

  /** The member's first linked account (the one their messages go to), if any. */
  async firstAccount(member: Pick<Member, 'id'>): Promise<PlatformIdentity | undefined> {
    return (await this.deps.identities.listByMember(member.id))[0];
  }

  /** `other` as `reader` sees them, from the reader's first account. */
  async personFor(reader: Pick<Member, 'id'>, other: Pick<Member, 'id' | 'name'>): Promise<ReachablePerson> {
    const [first, theirs] = await Promise.all([this.firstAccount(reader), this.deps.identities.listByMember(other.id)]);
    return personSeenFrom(first, other.name, theirs);
  }

  /**
   * Sends `view` (made in the member's locale, else the organisation's) with `key` as the idempotency key.
   * A member without a reachable account gets nothing, with a warning that names neither them nor the text.
   */
  async send(member: Pick<Member, 'id' | 'organizationId' | 'locale'>, view: (locale: Locale) => View | Promise<View>, key: string): Promise<void> {
    const account = await this.firstAccount(member);
    const platform = account ? this.deps.platforms.get(account.platform) : undefined;
    if (!account || !platform) {
      this.deps.logger.warn({ key: key.replace(/-[0-9a-f-]{36}$/, '') }, `${this.what} message not sent: no reachable account`);
      return;
    }
    const org = await this.deps.organizations.findById(member.organizationId);
    await platform.sendDirect({ workspaceId: account.workspaceId, userId: account.platformUserId }, await view(member.locale ?? org?.defaultLocale ?? 'nl'), { idempotencyKey: key });
  }
}
