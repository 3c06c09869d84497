import type { Clock } from '../../../kernel/clock.js';
import { isActive, type Member, type PlatformIdentity } from '../../../kernel/community.js';
import type { ChatPlatforms, View } from '../../../kernel/ports/chat-platform.js';
import type { IdentityRepository, MemberRepository } from '../../../kernel/ports/directory.js';
import type { Logger } from '../../../kernel/ports/logger.js';
import type { Locale } from '../../../kernel/types.js';
import type { OnboardingRepository } from '../ports.js';
import { connectError } from './connect.errors.js';
import type { Interest } from './profile.js';
import { personSeenFrom, type ReachablePerson } from './reach.js';

/** What a welcome-time direct message says (rendered in the reader's language). */
export type OnboardingMessage =
  | { kind: 'welcome'; locale: Locale; organization: string; interests: string[]; buddy: ReachablePerson | null }
  | { kind: 'buddy'; locale: Locale; newcomer: ReachablePerson };

export interface OnboardingServiceDeps {
  repo: OnboardingRepository;
  members: Pick<MemberRepository, 'findById'>;
  identities: Pick<IdentityRepository, 'listByMember'>;
  organizations: { findById(id: string): Promise<{ name: string; defaultLocale: Locale } | null> };
  platforms: ChatPlatforms;
  clock: Clock;
  logger: Logger;
  listInterests(organizationId: string): Promise<Interest[]>;
  render(message: OnboardingMessage): View;
}

/**
 * The welcome of a new member (issue 13, onboarding): when a member links their first chat account
 * (`member.linked`), a direct message in their language on that account: how to fill in a profile and pick
 * interests, find others and be open to introductions, and their buddy, an ambassador who offered
 * (`/kring intros buddy on`), who gets a message to say hello. The house rules with their "I agree" button
 * come from the access capability on the same event. Once per member, whatever they link later.
 */
export class OnboardingService {
  constructor(private readonly deps: OnboardingServiceDeps) {}

  /** An ambassador offers (or stops offering) to be a newcomer's buddy. CONNECT.NOT_AMBASSADOR. */
  async setBuddy(member: Member, on: boolean): Promise<void> {
    if (!isActive(member) || !member.roles.includes('ambassador')) throw connectError('CONNECT.NOT_AMBASSADOR', 'not an ambassador');
    await this.deps.repo.setBuddy(member.organizationId, member.id, on);
  }

  /** The welcome job: the member and the account they linked, as they are now (nothing when either is gone). */
  async welcomeById(organizationId: string, memberId: string, identityId: string): Promise<void> {
    const member = await this.deps.members.findById(organizationId, memberId);
    const identity = member ? (await this.deps.identities.listByMember(member.id)).find((i) => i.id === identityId) : undefined;
    if (member && identity) await this.welcome(member, identity);
  }

  /** The welcome after a member linked `identity`; nothing when they were welcomed before or are not active. */
  async welcome(member: Member, identity: PlatformIdentity): Promise<void> {
    if (!isActive(member)) return;
    const claimed = await this.deps.repo.claimWelcome(member.organizationId, member.id, this.deps.clock.now());
    if (!claimed) return;
    const org = await this.deps.organizations.findById(member.organizationId);
    const buddy = claimed.buddyId ? await this.deps.members.findById(member.organizationId, claimed.buddyId) : null;
    const interests = (await this.deps.listInterests(member.organizationId)).map((i) => i.name);
    const buddyAccounts = buddy ? await this.deps.identities.listByMember(buddy.id) : [];
    const named = buddy ? personSeenFrom(identity, buddy.name, buddyAccounts) : null;
    await this.send(identity, this.deps.render({ kind: 'welcome', locale: member.locale ?? org?.defaultLocale ?? 'nl', organization: org?.name ?? '', interests, buddy: named }), `connect-welcome-${member.id}`);
    if (!buddy) return;
    const [account] = buddyAccounts;
    if (!account) return;
    const newcomer = personSeenFrom(account, member.name, [identity]);
    await this.send(account, this.deps.render({ kind: 'buddy', locale: buddy.locale ?? org?.defaultLocale ?? 'nl', newcomer }), `connect-buddy-${member.id}`);
  }

  private async send(account: Pick<PlatformIdentity, 'platform' | 'workspaceId' | 'platformUserId'>, view: View, key: string): Promise<void> {
    const platform = this.deps.platforms.get(account.platform);
    if (!platform) {
      this.deps.logger.warn({ platform: account.platform }, 'welcome message not sent: platform not connected');
      return;
    }
    try {
      await platform.sendDirect({ workspaceId: account.workspaceId, userId: account.platformUserId }, view, { idempotencyKey: key });
    } catch (err) {
      // A welcome is a courtesy: a platform that cannot deliver it (the account is gone, DMs are closed)
      // must not fail the link that triggered it, nor the buddy's message.
      this.deps.logger.warn({ platform: account.platform, code: (err as { code?: string }).code ?? 'unknown' }, 'welcome message not sent');
    }
  }
}
