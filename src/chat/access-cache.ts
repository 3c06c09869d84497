import type { KringEventListeners } from '../kernel/events.js';
import { GroupCommit } from '../kernel/group-commit.js';
import type { IdentityRepository, LinkedAccount, PlatformAccount } from '../kernel/ports/directory.js';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { PromiseCache } from '../kernel/promise-cache.js';
import type { Broadcast } from '../kernel/ports/broadcast.js';

/** The broadcast topic on which processes tell each other which accounts and members to drop. */
export const ACCESS_INVALIDATION_TOPIC = 'access-cache';
const invalidationSchema = z.object({ from: z.string(), members: z.array(z.string()).max(10_000), accounts: z.array(z.string()).max(10_000) });

/** How long a chat account's identity and member are reused without a membership event. */
export const ACCESS_CACHE_MS = 10_000;
const ACCESS_CACHE_MAX = 20_000;
/** Accounts looked up in one statement at most. */
const LOOKUP_BATCH = 200;

/**
 * Who a chat account is, for the chat router's authorisation: its linked identity and member, looked up
 * for every command, press and form.
 *
 * - Concurrent look-ups go to the database together: one statement for the accounts of every press that
 *   arrived during the previous look-up (see {@link GroupCommit}), not two per press.
 * - Results are kept briefly ({@link ACCESS_CACHE_MS}) as shared promises, and dropped at once when the
 *   membership capability says an account or member changed ({@link AccessCache.listeners}: linked,
 *   unlinked, lapsed, reactivated, updated). With a {@link Broadcast} (Redis, several processes), what
 *   they drop here is dropped in every other Kring process too. What no event tells (a change made by a
 *   process without the broadcast, such as the CLI) takes effect within the cache time.
 */
export class AccessCache {
  private readonly cache = new PromiseCache<string, LinkedAccount | null>({ ttlMs: ACCESS_CACHE_MS, maxEntries: ACCESS_CACHE_MAX });
  private readonly lookups: GroupCommit<PlatformAccount, LinkedAccount | null>;
  /** The cached accounts of each member, to drop them on a member's event. */
  private readonly accountsOfMember = new Map<string, Set<string>>();
  /** Counts membership events, so that a look-up in flight during one is not kept. */
  private generation = 0;

  /** This process, in invalidation messages (its own come back from Redis and are ignored). */
  private readonly origin = randomUUID();

  constructor(
    identities: Pick<IdentityRepository, 'findLinked'>,
    private readonly broadcast?: Broadcast,
  ) {
    this.lookups = new GroupCommit((accounts) => identities.findLinked(accounts), { maxBatch: LOOKUP_BATCH, maxInFlight: 2 });
    broadcast
      ?.subscribe(ACCESS_INVALIDATION_TOPIC, (raw) => {
        let parsed: z.infer<typeof invalidationSchema>;
        try {
          parsed = invalidationSchema.parse(JSON.parse(raw));
        } catch {
          return;
        }
        if (parsed.from === this.origin) return;
        for (const member of parsed.members) this.forgetMember(member);
        for (const key of parsed.accounts) this.forgetKey(key);
      })
      .catch(() => undefined);
  }

  /** Tells the other processes to drop these too (best effort: their cache time bounds a lost message). */
  private tellOthers(members: readonly string[], accounts: readonly PlatformAccount[]): void {
    if (!this.broadcast || this.broadcast.driver === 'in-process') return;
    const message = JSON.stringify({ from: this.origin, members, accounts: accounts.map(accountKey) });
    this.broadcast.publish(ACCESS_INVALIDATION_TOPIC, message).catch(() => undefined);
  }

  private forgetKey(key: string): void {
    this.generation++;
    this.cache.delete(key);
  }

  /** The account's identity and member, or null when the account is not linked. */
  lookup(account: PlatformAccount): Promise<LinkedAccount | null> {
    const key = accountKey(account);
    return this.cache.get(key, async () => {
      const generation = this.generation;
      const linked = await this.lookups.submit(account);
      // A membership event arrived while this look-up was on its way: answer, but do not keep it.
      if (generation !== this.generation) {
        this.cache.delete(key);
        return linked;
      }
      if (linked) {
        const keys = this.accountsOfMember.get(linked.member.id) ?? new Set<string>();
        if (this.accountsOfMember.size >= ACCESS_CACHE_MAX) this.accountsOfMember.clear();
        this.accountsOfMember.set(linked.member.id, keys.add(key));
      }
      return linked;
    });
  }

  /** Drops what is known about one chat account. */
  forgetAccount(account: PlatformAccount): void {
    this.generation++;
    this.cache.delete(accountKey(account));
  }

  /** Drops every cached account of one member. */
  forgetMember(memberId: string): void {
    this.generation++;
    for (const key of this.accountsOfMember.get(memberId) ?? []) this.cache.delete(key);
    this.accountsOfMember.delete(memberId);
  }

  /** Listeners that keep the cache true to membership changes in this process (subscribe them on the bus). */
  listeners(): KringEventListeners {
    const forget = ({ member, identities }: { member: { id: string }; identities: readonly PlatformAccount[] }) => {
      this.forgetMember(member.id);
      for (const identity of identities) this.forgetAccount(identity);
      this.tellOthers([member.id], identities);
    };
    return {
      'member.linked': ({ member, identity }) => forget({ member, identities: [identity] }),
      'member.unlinked': ({ member, identity }) => forget({ member, identities: [identity] }),
      'member.lapsed': forget,
      'member.reactivated': forget,
      'member.updated': ({ member }) => {
        this.forgetMember(member.id);
        this.tellOthers([member.id], []);
      },
    };
  }
}

function accountKey(account: PlatformAccount): string {
  return `${account.platform}\u0000${account.workspaceId}\u0000${account.platformUserId}`;
}
