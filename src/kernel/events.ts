import type { Member, MemberRole, Organization, PlatformIdentity } from './community.js';
import type { AccessPlaceKind, InboundEvent } from './ports/chat-platform.js';
import type { Platform } from './types.js';
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
  /** A statement closed, with its final answers (counts only, never who answered). */
  'statement.closed': {
    organizationId: string;
    statementId: string;
    text: string;
    closedAt: Date;
    answers: { agree: number; neutral: number; disagree: number; total: number };
  };
  /**
   * The chair closed an item of a general assembly (assembly capability), with its result: counts only,
   * never who voted what.
   */
  'assembly.item-closed': {
    organizationId: string;
    assemblyId: string;
    assemblyTitle: string;
    itemId: string;
    position: number;
    title: string;
    kind: 'motion' | 'election';
    secret: boolean;
    closedAt: Date;
    counts: { choice: string; votes: number }[];
    ballots: number;
    turnoutPercent: number;
    present: number;
    quorumRequired: number;
    quorumReached: boolean;
    adopted: boolean;
    elected: string | null;
  };
  /** A survey closed, with its final counts per question (never who answered what; no text answers). */
  'survey.closed': {
    organizationId: string;
    surveyId: string;
    title: string;
    anonymous: boolean;
    closedAt: Date;
    invited: number;
    completed: number;
    respondents: number;
    questions: { position: number; kind: 'single' | 'multiple' | 'scale' | 'nps' | 'text'; prompt: string; answered: number; counts: { label: string; count: number }[]; average: number | null; nps: number | null }[];
  };
  /**
   * The insights dashboard asks for the survey figures of a period. The payload gathers the answer: each
   * listener (the surveys capability) pushes one entry per survey into `surveys`, and the publisher reads
   * it once `publish` resolves (listeners are awaited in order). Counts only: never who answered what, and
   * an anonymous survey's figures only once at least its minimum group size of responses is in them.
   */
  'survey.figures-requested': {
    organizationId: string;
    /** Surveys open in [since, until], or sent or closed in it. */
    since: Date;
    until: Date;
    /** At most this many surveys, newest first. */
    limit: number;
    surveys: SurveyFigures[];
  };
  /**
   * A capability asks who is in a group of members another capability keeps (surveys: a survey sent to the
   * sounding-board panel). The payload gathers the answer: the listener that owns `group` (the panel
   * capability) pushes the ids of the group's active members into `memberIds`, and the publisher reads it
   * once `publish` resolves (listeners are awaited in order). Without such a listener the group is empty.
   */
  'audience.members-requested': { organizationId: string; group: 'panel'; memberIds: string[] };
  /**
   * A manager drew the sounding-board panel (panel capability), replacing the one before: counts only,
   * never who is on it. `strata`: every stratum of the candidates (chapter / age group / membership type)
   * with its pool and the seats it got.
   */
  'panel.drawn': {
    organizationId: string;
    panelId: string;
    size: number;
    seats: number;
    candidates: number;
    drawnAt: Date;
    strata: { label: string; pool: number; seats: number }[];
  };
  /** A verified member put an idea in the idea box (ideas); posting it to the ideas channels is under way. */
  'idea.submitted': {
    organizationId: string;
    ideaId: string;
    text: string;
    /** Who submitted it (ideas are not anonymous: the submitter hears of every change). */
    submitter: { memberNumber: string; name: string };
    submittedAt: Date;
  };
  /** A manager moved an idea of the idea box on (counts only: never who upvoted). */
  'idea.status-changed': {
    organizationId: string;
    ideaId: string;
    text: string;
    status: 'new' | 'under_consideration' | 'planned' | 'done' | 'declined';
    reason: string | null;
    votes: number;
    changedAt: Date;
  };
  /**
   * Another capability proposes a news item for the managers to review (the ideas' monthly "you said, we
   * did"): the news capability stores it as a draft (never posted by itself) and tells the managers'
   * channels. A proposal whose title an announcement that is not retracted has already is ignored, so a
   * repeated job makes one draft.
   */
  'news.draft-proposed': {
    organizationId: string;
    title: string;
    body: string;
    /** Who proposes it (`ideas`), for the managers' message and the logs. */
    source: string;
    proposedAt: Date;
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
  /**
   * A member import (CSV or XLSX) wrote a batch of rows (membership): for each row, its member number and the
   * cells of the columns membership does not read itself, by header as written. Other capabilities fill their
   * own data from these (connect: the `interesses` / `interests` column). Dry runs publish nothing.
   */
  'members.imported': { organizationId: string; rows: { memberNumber: string; columns: Record<string, string> }[] };
  /**
   * A member was erased at their request (`/kring forget`, insights): their record and everything hanging
   * off it is deleted already; listeners drop what they keep elsewhere (caches, rows without a foreign key).
   */
  'member.forgotten': { organizationId: string; memberId: string; at: Date };
  /** A manager added an interest to the association's list (connect). */
  'connect.interest-created': { organizationId: string; interestId: string; name: string; at: Date };
  /** A manager removed an interest (connect); members' choices of it went with it. */
  'connect.interest-removed': { organizationId: string; interestId: string; name: string; at: Date };
  /**
   * A member saved their profile (connect). `shared`: they agreed that the association's own systems may
   * read it (admin API, webhooks); listeners outside Kring pass it on only then. Never holds peer-support
   * situations.
   */
  'connect.profile-saved': {
    member: Member;
    firstTime: boolean;
    shared: boolean;
    profile: { intro: string; interests: string[]; helpsWith: string[]; introductionsEveryWeeks: number | null; findable: boolean };
    at: Date;
  };
  /** An introduction round paired its members (connect); `memberIds`: everyone introduced in it. */
  'connect.round-completed': {
    organizationId: string;
    programId: string;
    roundId: string;
    /** What the round was for, e.g. the interest's or chapter's name. */
    label: string;
    number: number;
    ranAt: Date;
    members: number;
    groups: number;
    memberIds: string[];
  };
  /** A member answered "did you meet?" after an introduction (connect), with the round's totals after it. */
  'connect.followup-answered': {
    organizationId: string;
    roundId: string;
    memberId: string;
    met: boolean;
    at: Date;
    /** Groups in which someone said yes; answers yes and no so far. */
    totals: { metGroups: number; yes: number; no: number };
  };
  /** A member's question went to members who offered help on its topic (connect). */
  'connect.ask-opened': { organizationId: string; askId: string; topic: string; helpers: number; at: Date };
  /** Someone pressed "I'll help" on a question (connect). */
  'connect.ask-helped': { organizationId: string; askId: string; topic: string; at: Date };
  /** A question nobody took on in time went to the managers (connect). */
  'connect.ask-escalated': { organizationId: string; askId: string; topic: string; at: Date };
  /**
   * Two members sharing a situation were introduced after both said yes (connect, peer support). Carries
   * no member and no situation: only that it happened, for the association's totals.
   */
  'connect.peer-introduced': { organizationId: string; at: Date };
  /**
   * A moderator suspended the member from the community until `until` (moderation); the access capability
   * takes their access away on every platform and gives it back at `until`. `caseNumber` is the case the
   * decision was made on (null when there is none).
   */
  'member.suspended': { member: Member; until: Date; caseNumber: number | null };
  /** A suspension ended (its time was up) and the member's access came back (access). */
  'member.suspension-ended': { member: Member; endedAt: Date; caseNumber: number | null };
  /** The member agreed to the association's house rules (access; version = the rules' version they saw). */
  'member.rules-agreed': { member: Member; version: number; agreedAt: Date };
  /**
   * Kring let a member into a members-only place on a platform, or took them out of it (access): the
   * platform's member role (`member-role`), a role or a private channel. `reason` says why.
   */
  'access.changed': {
    organizationId: string;
    member: Member;
    account: { platform: Platform; workspaceId: string; platformUserId: string };
    place: { kind: 'member-role' | AccessPlaceKind; id: string; name: string | null };
    change: 'granted' | 'revoked';
    reason: 'entitled' | 'lapsed' | 'suspended' | 'unlinked' | 'audience' | 'place-removed';
    at: Date;
  };
  /**
   * A reported message became a case in the moderators' queue (moderation). Never who reported it nor
   * what the message said: listeners (webhooks) pass this outside Kring.
   */
  'case.opened': { organizationId: string; caseNumber: number; platform: Platform; reportedMember: Member | null; openedAt: Date };
  /** A case was decided (moderation): dismissed, warned, suspended, handed to the counsellor or closed by them. */
  'case.closed': { organizationId: string; caseNumber: number; outcome: 'dismissed' | 'warned' | 'suspended' | 'resolved'; closedAt: Date };
}

/** One survey's results as the insights dashboard charts them (`survey.figures-requested`). */
export interface SurveyFigures {
  surveyId: string;
  title: string;
  status: 'open' | 'closed';
  anonymous: boolean;
  sentAt: Date | null;
  closedAt: Date | null;
  minGroupSize: number;
  invited: number;
  completed: number;
  /** Responses in the figures (anonymous: released ones). */
  respondents: number;
  /**
   * False for an anonymous survey with fewer than `minGroupSize` responses in its results: `questions` is
   * then empty, so a small group's answers cannot be read off the dashboard.
   */
  shown: boolean;
  questions: {
    position: number;
    kind: 'single' | 'multiple' | 'scale' | 'nps' | 'text';
    prompt: string;
    /** Members who answered this question. */
    answered: number;
    /** Choices: one bar per option; scale and NPS: one bar per value; text: none. */
    bars: { label: string; count: number }[];
    /** Scale: the mean, one decimal. */
    average: number | null;
    nps: { score: number; promoters: number; passives: number; detractors: number } | null;
    /** Text answers of a named survey (no names); null on anonymous surveys, which only show `answered`. */
    texts: string[] | null;
  }[];
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
