import type { IdentityRepository, PlatformAccount } from '../../../kernel/ports/directory.js';
import type { Member } from '../../../kernel/community.js';
import type { Clock } from '../../../kernel/clock.js';
import type { ErasureSummary, MemberDataExport, PrivacyStore } from '../ports.js';

/** The file `/kring mydata` hands out. */
export interface MemberDataFile extends MemberDataExport {
  /** What this file is, in one sentence (English; the chat reply explains it in the member's language). */
  about: string;
  generatedAt: string;
  organization: { id: string; name: string };
}

/** What forgetting did. */
export interface ForgetResult extends ErasureSummary {
  unlinkedAccounts: number;
}

/**
 * A member's privacy rights in Kring: opting out of insights (counted only in anonymous totals from
 * then on), a copy of everything Kring holds about them (GDPR access), and erasure (GDPR erasure).
 */
export class PrivacyService {
  constructor(
    private readonly deps: {
      store: PrivacyStore;
      identities: Pick<IdentityRepository, 'listByMember'>;
      /** Unlinks one chat account the way `/kring unlink` does (so platform roles are revoked too). */
      unlink: (account: PlatformAccount) => Promise<void>;
      /** Writes the buffered activity, so nothing of the member is still waiting when they are erased. */
      flushActivity: () => Promise<void>;
      clock: Clock;
    },
  ) {}

  async isOptedOut(memberId: string): Promise<boolean> {
    return this.deps.store.isOptedOut(memberId);
  }

  /**
   * Opts the member out of (true) or back into (false) insights. Opting out takes effect for everything
   * not yet written too: the store attributes activity to members only when it writes.
   */
  async setOptOut(memberId: string, optOut: boolean): Promise<void> {
    await this.deps.store.setOptOut(memberId, optOut);
  }

  /** Everything Kring holds about the member, as one JSON-ready object; null when the member is gone. */
  async exportData(member: Member, organizationName: string): Promise<MemberDataFile | null> {
    const data = await this.deps.store.memberData(member.organizationId, member.id);
    if (!data) return null;
    return {
      about: 'Everything Kring holds about you in this association: your member record, linked chat accounts, privacy choice, daily activity counts (never message text) and your votes in named polls.',
      generatedAt: this.deps.clock.now().toISOString(),
      organization: { id: member.organizationId, name: organizationName },
      ...data,
    };
  }

  /**
   * Erases the member: unlinks every chat account, turns named votes into anonymous counts, folds their
   * activity into the anonymous totals and deletes the member record and everything hanging off it.
   */
  async forget(member: Member): Promise<ForgetResult> {
    await this.deps.flushActivity();
    const accounts = await this.deps.identities.listByMember(member.id);
    let unlinked = 0;
    for (const a of accounts) {
      try {
        await this.deps.unlink({ platform: a.platform, workspaceId: a.workspaceId, platformUserId: a.platformUserId });
        unlinked++;
      } catch {
        // Already unlinked meanwhile: the erasure below removes whatever is left anyway.
      }
    }
    const summary = await this.deps.store.eraseMember(member.organizationId, member.id);
    return { ...summary, unlinkedAccounts: Math.max(unlinked, summary.identities) };
  }
}
