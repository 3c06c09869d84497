import type { Member, PlatformIdentity } from '../../../kernel/community.js';

/**
 * What happened to a member's access, for listeners outside the domain (the composition root wires
 * Discord role grants/revocations to these). Every method is optional. A listener that throws never fails
 * the operation that fired it: the error goes to the service's `onEventError` callback instead.
 */
export interface MembershipEvents {
  /** A chat account was verified and linked to the member. */
  memberLinked?(member: Member, identity: PlatformIdentity): Promise<void>;
  /** A chat account's link was removed at the member's request. */
  memberUnlinked?(member: Member, identity: PlatformIdentity): Promise<void>;
  /**
   * The member lost access: status went from `active` to `lapsed` or `left` (by an import or by hand).
   * `identities` are the member's linked chat accounts (possibly none).
   */
  memberLapsed?(member: Member, identities: PlatformIdentity[]): Promise<void>;
}

/** Names of the {@link MembershipEvents}. */
export type MembershipEventName = keyof MembershipEvents;

/** Receives a listener's error; the domain has no logger, the composition root passes one in. */
export type EventErrorHandler = (error: unknown, event: MembershipEventName) => void;

/**
 * Calls one listener and swallows its failure (reported to `onError`). Returns false when it failed.
 */
export async function emitMembershipEvent<E extends MembershipEventName>(
  events: MembershipEvents | undefined,
  event: E,
  args: Parameters<NonNullable<MembershipEvents[E]>>,
  onError: EventErrorHandler | undefined,
): Promise<boolean> {
  const listener = events?.[event] as ((...a: unknown[]) => Promise<void>) | undefined;
  if (!listener) return true;
  try {
    await listener.apply(events, args);
    return true;
  } catch (error) {
    try {
      onError?.(error, event);
    } catch {
      // A failing error handler must not fail the operation either.
    }
    return false;
  }
}
