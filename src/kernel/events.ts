import type { Member, MemberRole, Organization, PlatformIdentity } from './community.js';
import type { InboundEvent } from './ports/chat-platform.js';
import type { Logger } from './ports/logger.js';

/**
 * Every event one capability tells the others about, with its payload: the one map of Kring's events.
 * Payloads are plain data in kernel terms (no capability's internal types), so a listener never reaches
 * into the capability that published. Add an event here, publish it from its capability's service, and
 * subscribe with `on: { 'event.name': ... }` in another capability's `index.ts`.
 */
export interface KringEvents {
  /** A chat account was verified and linked to the member. */
  'member.linked': { member: Member; identity: PlatformIdentity };
  /** A chat account's link was removed at the member's request (or by a GDPR erasure). */
  'member.unlinked': { member: Member; identity: PlatformIdentity };
  /**
   * The member lost access: status went from `active` to `lapsed` or `left` (an import, the admin API or by
   * hand). `identities` are the member's linked chat accounts (possibly none).
   */
  'member.lapsed': { member: Member; identities: PlatformIdentity[] };
  /**
   * The member has access again: status went from `lapsed` or `left` back to `active` (an import, the admin
   * API or by hand). `identities` are the member's linked chat accounts (possibly none).
   */
  'member.reactivated': { member: Member; identities: PlatformIdentity[] };
  /**
   * A stored member's record changed (name, e-mail, status, roles, chapter or language) through an import,
   * the admin API or the CLI; `member` is the record after the change. Published before `member.lapsed` /
   * `member.reactivated` when the status change also changes access. Not published for new members.
   */
  'member.updated': { member: Member };
  /** A poll closed (by hand or at its deadline), with its final results. */
  'poll.closed': {
    organizationId: string;
    pollId: string;
    question: string;
    closedAt: Date;
    /** Members who voted. */
    totalVoters: number;
    /** One line per option, in option order. */
    results: { label: string; votes: number }[];
  };
  /** An announcement reached every channel it could (nothing pending any more). */
  'announcement.published': {
    organizationId: string;
    announcementId: string;
    title: string;
    publishedAt: Date;
    /** Copies delivered. */
    deliveries: number;
  };
  /**
   * An inbound event was seen: messages, reactions, joins and leaves as they arrive, and commands, button
   * presses after they were handled (whatever the outcome). Insights counts these; the text of
   * a message never travels here (adapters reduce it to terms before).
   */
  'activity.seen': { event: InboundEvent; organization: Organization };
  /** A meet-up was created (meet-ups capability); `place.kind` is `address` or `online`. */
  'meetup.created': {
    organizationId: string;
    meetupId: string;
    title: string;
    description: string;
    startsAt: Date;
    endsAt: Date;
    /** IANA zone the times are shown in. */
    timeZone: string;
    place: { kind: 'address' | 'online'; text: string };
    /** Places for members and guests; null = no limit. */
    capacity: number | null;
    audience: { kind: 'all' } | { kind: 'chapters'; chapterIds: string[] } | { kind: 'roles'; roles: MemberRole[] };
    createdAt: Date;
  };
  /**
   * A member's answer to a meet-up changed (or they moved up from the waitlist: `promoted`). `seat` is
   * `confirmed` or `waitlisted` for `going`, null otherwise.
   */
  'meetup.rsvp-changed': {
    organizationId: string;
    meetupId: string;
    title: string;
    member: Member;
    answer: 'going' | 'maybe' | 'not_going';
    seat: 'confirmed' | 'waitlisted' | null;
    guests: number;
    previousAnswer: 'going' | 'maybe' | 'not_going' | null;
    promoted: boolean;
    changedAt: Date;
  };
  /** A member checked in at a meet-up; `firstTime` when it is their first meet-up of the organisation. */
  'meetup.attended': { organizationId: string; meetupId: string; title: string; member: Member; checkedInAt: Date; firstTime: boolean };
}

/** The name of a Kring event. */
export type KringEventName = keyof KringEvents;

/** Handles one event. */
export type KringEventListener<E extends KringEventName> = (payload: KringEvents[E]) => Promise<void> | void;

/** A listener for each of some events (what a capability's `on` declares). */
export type KringEventListeners = { [E in KringEventName]?: KringEventListener<E> };

/**
 * The bus: publishers await their listeners, which run one after another in the order they subscribed
 * (the capability list's order). A listener that throws is logged and skipped: the next listeners still
 * run and `publish` resolves, because the publisher's own work (the stored vote, the link) is done and
 * must not be undone or reported as failed by someone else's listener.
 */
export interface EventBus {
  /** Subscribes; `source` names the listener in logs (e.g. the capability). Returns an unsubscribe function. */
  on<E extends KringEventName>(event: E, listener: KringEventListener<E>, source?: string): () => void;
  /** Calls every listener of `event` in order; never rejects. Resolves with how many listeners failed (each logged). */
  publish<E extends KringEventName>(event: E, payload: KringEvents[E]): Promise<number>;
}

interface Subscription {
  listener: (payload: never) => Promise<void> | void;
  source: string;
}

/** The in-process {@link EventBus}: one per Kring process (events do not cross processes). */
export class InProcessEventBus implements EventBus {
  private readonly listeners = new Map<KringEventName, Subscription[]>();

  /** @param logger receives failing listeners (event name, listener source and error; never the payload). */
  constructor(private readonly logger: Pick<Logger, 'error'>) {}

  on<E extends KringEventName>(event: E, listener: KringEventListener<E>, source = 'anonymous'): () => void {
    const list = this.listeners.get(event) ?? [];
    const subscription: Subscription = { listener: listener as Subscription['listener'], source };
    // Copy on write: a publish in progress keeps the list it started with.
    this.listeners.set(event, [...list, subscription]);
    return () => this.listeners.set(event, (this.listeners.get(event) ?? []).filter((s) => s !== subscription));
  }

  async publish<E extends KringEventName>(event: E, payload: KringEvents[E]): Promise<number> {
    const list = this.listeners.get(event);
    if (!list) return 0;
    let failed = 0;
    for (const { listener, source } of list) {
      try {
        await (listener as KringEventListener<E>)(payload);
      } catch (err) {
        failed++;
        // The payload stays out of the log: it can hold member data (and anonymous polls' voters never travel here).
        this.logger.error({ event, listener: source, err }, 'event listener failed');
      }
    }
    return failed;
  }

  /** How many listeners `event` has (tests, start-up diagnostics). */
  listenerCount(event: KringEventName): number {
    return this.listeners.get(event)?.length ?? 0;
  }
}
