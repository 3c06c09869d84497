import type { Platform } from '../../kernel/types.js';
import type { IntroCandidate, IntroGroup, Program, ProgramScope, Round, RoundTotals } from './domain/intro.js';
import type { Interest, Profile, ProfileInput, Reach } from './domain/profile.js';

/** A findable member on one page of `/kring find`. */
export interface FoundProfile {
  memberId: string;
  name: string;
  chapterId: string | null;
  intro: string;
  reach: Reach;
  /** Their linked accounts (the service shows only the one `reach` names). */
  accounts: { platform: Platform; workspaceId: string; platformUserId: string; displayName: string | null }[];
}

/** A group to store for a round: its members and the account each introduction goes to. */
export interface NewIntroGroup {
  starter: number;
  members: { memberId: string; platform: Platform; workspaceId: string; platformUserId: string }[];
}

/**
 * The connect capability's tables (interests, profiles, introduction rounds). Every read is scoped to one
 * organisation; only active members' profiles are ever returned by the finding and pairing queries, so a
 * lapsed member disappears at once.
 */
export interface ConnectRepository {
  /** The association's interests, by name. */
  listInterests(organizationId: string): Promise<Interest[]>;
  /** Adds an interest; null when one with the same key exists already. */
  addInterest(organizationId: string, name: string, nameKey: string): Promise<Interest | null>;
  /** Removes an interest (members' choices of it and its rounds go with it); false when it was not there. */
  removeInterest(organizationId: string, interestId: string): Promise<boolean>;

  /** The member's profile, or null when they have none. */
  getProfile(organizationId: string, memberId: string): Promise<Profile | null>;
  /** Saves what the member submitted (replaces their interests and topics); `firstTime`: the first own save. */
  saveProfile(organizationId: string, memberId: string, input: ProfileInput, at: Date): Promise<{ profile: Profile; firstTime: boolean }>;
  /**
   * Adds interests to members (the member import's `interesses` column): creates a hidden profile where
   * there is none, never removes a choice and never changes what a member set themselves. Returns the
   * number of choices added.
   */
  addMemberInterests(organizationId: string, entries: readonly { memberId: string; interestIds: readonly string[] }[]): Promise<number>;
  /** Sets whether the association's own systems may read the member's profile (creating a hidden one when there is none). */
  setSharing(organizationId: string, memberId: string, on: boolean): Promise<void>;
  /** Profiles whose members agreed to share them (`share_with_api`), by member id. */
  sharedProfiles(organizationId: string): Promise<Profile[]>;
  /** Findable (reach not hidden) active members with this interest, by name, one page; and how many there are. */
  findByInterest(organizationId: string, interestId: string, page: { offset: number; limit: number }): Promise<{ total: number; items: FoundProfile[] }>;

  createProgram(input: Omit<Program, 'id' | 'createdAt' | 'stoppedAt'>): Promise<Program>;
  /** The running program of this scope, if any. */
  findRunningProgram(organizationId: string, scope: ProgramScope): Promise<Program | null>;
  listRunningPrograms(organizationId: string): Promise<Program[]>;
  getProgram(programId: string): Promise<Program | null>;
  stopProgram(programId: string, at: Date): Promise<void>;
  /**
   * Active members open to introductions who are due at `now` (see `introDue`), in the program's scope, with
   * at least one linked account.
   */
  introCandidates(program: Program, now: Date): Promise<IntroCandidate[]>;
  /** Pair keys (`pairKey`) of the groups of the program's last `rounds` rounds. */
  recentPairKeys(programId: string, rounds: number): Promise<string[]>;
  /**
   * Stores a round as one transaction: the round with the next number, its groups, the members'
   * `last_introduced_at`, and the program's next round. Null when the program stopped or its next round is
   * not due (another process ran it): nothing is written then.
   */
  saveRound(input: { program: Program; ranAt: Date; followUpAt: Date; nextRoundAt: Date; groups: readonly NewIntroGroup[] }): Promise<{ round: Round; groups: IntroGroup[] } | null>;
  getRound(roundId: string): Promise<Round | null>;
  roundGroups(roundId: string): Promise<IntroGroup[]>;
  getGroup(groupId: string): Promise<IntroGroup | null>;
  /** Claims the round's follow-up (sets `follow_up_sent_at`); false when it was claimed already. */
  claimFollowUp(roundId: string, at: Date): Promise<boolean>;
  /** Records a member's "did you meet?" (a later press changes it); false when they are not in the group. */
  answerFollowUp(groupId: string, memberId: string, met: boolean, at: Date): Promise<boolean>;
  roundTotals(roundId: string): Promise<RoundTotals>;
  /** The program's last rounds, newest first, with their follow-up totals. */
  listRounds(programId: string, limit: number): Promise<(Round & { totals: RoundTotals })[]>;
}

/** Jobs the connect capability puts on its queue. */
export interface ConnectJobs {
  /** Runs the program's round at `at` (in hops for far moments). */
  scheduleRound(programId: string, at: Date): Promise<void>;
  /** Sends one member's introduction of a group. */
  introduce(groupId: string, memberId: string): Promise<void>;
  /** Sends the round's "did you meet?" at `at`. */
  scheduleFollowUp(roundId: string, at: Date): Promise<void>;
  /** Sends one member's "did you meet?" of a group. */
  followUp(groupId: string, memberId: string): Promise<void>;
  /** Hands an open question to the managers at `at` when nobody offered help by then. */
  scheduleEscalation(askId: string, at: Date): Promise<void>;
}

/** A peer-support situation on the association's list (e.g. a diagnosis). The list holds no people. */
export interface Situation {
  id: string;
  name: string;
}

/** A member's "I'd like to talk to someone who also …", with the volunteers asked so far. */
export interface PeerRequest {
  id: string;
  organizationId: string;
  seekerId: string;
  situationId: string;
  status: 'asking' | 'introduced' | 'unmatched';
  asked: { volunteerId: string; answer: 'yes' | 'no' | null }[];
}

/**
 * Peer support's storage, kept apart from the rest of connect: who shares which situation is sealed at
 * rest and is never listed. Every row hangs off the member's profile, so erasing the member erases it.
 */
export interface PeerRepository {
  listSituations(organizationId: string): Promise<Situation[]>;
  /** Null when one with that key exists. */
  addSituation(organizationId: string, name: string, nameKey: string): Promise<Situation | null>;
  /** Records the member's offer to talk about a situation, consent time `at` (again: ends a pause). */
  offer(organizationId: string, memberId: string, situationId: string, at: Date): Promise<void>;
  /** Pauses every offer of the member; returns how many. */
  pause(memberId: string, at: Date): Promise<number>;
  /** Deletes the member's offers and open requests. */
  leave(memberId: string): Promise<void>;
  createRequest(organizationId: string, seekerId: string, situationId: string, at: Date): Promise<string>;
  getRequest(requestId: string): Promise<PeerRequest | null>;
  /** The active, unpaused volunteer for the request's situation asked least recently, not asked yet; null when none. */
  nextVolunteer(request: PeerRequest): Promise<string | null>;
  recordAsk(requestId: string, volunteerId: string, at: Date): Promise<void>;
  /** Records a waiting volunteer's answer; false when they were not asked or the request is over. */
  answer(requestId: string, volunteerId: string, answer: 'yes' | 'no', at: Date): Promise<boolean>;
  setStatus(requestId: string, status: 'introduced' | 'unmatched', at: Date): Promise<void>;
}

/** A member's question to members who offered help on a topic (`/kring ask`). */
export interface Ask {
  id: string;
  organizationId: string;
  askerId: string;
  interestId: string;
  question: string;
  /** `draft`: waiting for the asker's OK to send it; then `open`, `helped`, `escalated` or `cancelled`. */
  status: 'draft' | 'open' | 'helped' | 'escalated' | 'cancelled';
  createdAt: Date;
  helperId: string | null;
  escalateAt: Date | null;
  /** Members it was sent to. */
  recipientIds: string[];
}

/** Asks for help over the connect tables; every row hangs off a profile, so erasing a member erases their asks. */
export interface AskRepository {
  /** Stores a draft (creating a hidden profile for the asker when they have none). */
  createDraft(input: { organizationId: string; askerId: string; interestId: string; question: string; at: Date }): Promise<Ask>;
  getAsk(askId: string): Promise<Ask | null>;
  /**
   * Up to `limit` active members with a linked account who offered help on the interest, not the asker,
   * those sent a question on it least recently first (never sent: first; ties in random order).
   */
  pickHelpers(organizationId: string, interestId: string, exceptMemberId: string, limit: number): Promise<string[]>;
  /** Draft -> open in one transaction: the recipients, their `last_asked_at`, the escalation moment. False when it was not a draft any more. */
  open(askId: string, recipientIds: readonly string[], at: Date, escalateAt: Date): Promise<boolean>;
  /** Open -> helped by this recipient; false when it was not open or they were not sent it. */
  claim(askId: string, helperId: string, at: Date): Promise<boolean>;
  /** Draft or open -> escalated; false when it was neither. */
  escalate(askId: string, at: Date): Promise<boolean>;
  /** Draft or open -> cancelled, only for the asker; false otherwise. */
  cancel(askId: string, askerId: string): Promise<boolean>;
  /** The association's ask settings: how many helpers one question goes to, and after how many hours unanswered ones go to the managers. */
  askSettings(organizationId: string): Promise<{ helpers: number; escalateHours: number }>;
  /** Active managers (roles manager or board) with a linked account. */
  managers(organizationId: string): Promise<string[]>;
}

/** The welcome of new members and the ambassadors who offer to be their buddy (`connect_onboarding`, `connect_profile.buddy`). */
export interface OnboardingRepository {
  /** Sets whether the member offers to be a newcomer's buddy (creating a hidden profile when they have none). */
  setBuddy(organizationId: string, memberId: string, on: boolean): Promise<void>;
  /**
   * The first time only, in one transaction: picks a buddy (an active, linked ambassador who offered, not the
   * member, the one who had a newcomer longest ago first, ties at random), records the welcome and the buddy's
   * `last_buddy_at`. Null when the member was welcomed before; `buddyId` null when no buddy offered.
   */
  claimWelcome(organizationId: string, memberId: string, at: Date): Promise<{ buddyId: string | null } | null>;
}

/** Where an interest opens a door: a Discord role or a Slack/Teams channel that members who chose it get into. */
export interface InterestPlace {
  interestId: string;
  platform: Platform;
  /** Slack team id, Discord guild id, Teams tenant id. */
  workspaceId: string;
  kind: 'role' | 'channel';
  /** The Discord role id, or the channel id. */
  externalId: string;
}

/** The interests' places (`connect_interest_place`): at most one per interest and workspace. */
export interface InterestPlaceRepository {
  /** Sets the interest's place in that workspace (replacing an earlier one). */
  setPlace(place: InterestPlace): Promise<void>;
  /** Every place of the organisation's interests. */
  placesOf(organizationId: string): Promise<InterestPlace[]>;
}
