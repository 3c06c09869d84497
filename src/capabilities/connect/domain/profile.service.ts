import type { Clock } from '../../../kernel/clock.js';
import { isActive, type Member } from '../../../kernel/community.js';
import type { EventBus } from '../../../kernel/events.js';
import type { MemberRepository } from '../../../kernel/ports/directory.js';
import type { ConnectRepository, FoundProfile } from '../ports.js';
import { connectError } from './connect.errors.js';
import { CONNECT_LIMITS, INTRO_CADENCES, interestKey, interestNameSchema, REACHES, reachPlatform, splitChoices, type Interest, type Profile, type ProfileInput, type Reach } from './profile.js';

/** The raw values of a submitted profile form (every one checked: a submission can be forged). */
export interface ProfileSubmission {
  intro?: string | undefined;
  interests?: string | undefined;
  helpsWith?: string | undefined;
  cadence?: string | undefined;
  reach?: string | undefined;
}

/** One page of `/kring find`. */
export interface FindPage {
  interest: Interest;
  total: number;
  page: number;
  pages: number;
  items: FoundProfile[];
}

/** Import column headers that hold interests, as compared (see `interestKey`). */
const INTEREST_COLUMNS = new Set(['interesses', 'interesse', 'interests', 'interest', 'hobbys', 'hobbies']);

/**
 * Interests and profiles: managers keep the association's list of interests; a verified member keeps a
 * profile (their own introduction, interests, topics they can help with, whether and how often they want
 * introductions, and how others may reach them); `find` lists the members who chose to be findable.
 * Everything is opt-in: a new profile is hidden and closed to introductions.
 */
export class ProfileService {
  constructor(
    private readonly deps: {
      repo: ConnectRepository;
      members: Pick<MemberRepository, 'findByNumber' | 'findByIds'>;
      bus: Pick<EventBus, 'publish'>;
      clock: Clock;
      /** After a save: the member's interests before and after (interest places follow them). */
      interestsChanged?: (member: Member, before: readonly string[], after: readonly string[]) => Promise<void>;
    },
  ) {}

  listInterests(organizationId: string): Promise<Interest[]> {
    return this.deps.repo.listInterests(organizationId);
  }

  /** Adds an interest to the list. CONNECT.BAD_INTEREST_NAME, CONNECT.INTEREST_EXISTS, CONNECT.TOO_MANY_INTERESTS. */
  async addInterest(organizationId: string, rawName: string): Promise<Interest> {
    const parsed = interestNameSchema.safeParse(rawName);
    if (!parsed.success) throw connectError('CONNECT.BAD_INTEREST_NAME', 'bad interest name', { max: CONNECT_LIMITS.interestName });
    const name = parsed.data;
    const existing = await this.deps.repo.listInterests(organizationId);
    const key = interestKey(name);
    const same = existing.find((i) => i.nameKey === key);
    if (same) throw connectError('CONNECT.INTEREST_EXISTS', 'interest exists', { name: same.name });
    if (existing.length >= CONNECT_LIMITS.interests) throw connectError('CONNECT.TOO_MANY_INTERESTS', 'interest list full', { max: CONNECT_LIMITS.interests });
    const interest = await this.deps.repo.addInterest(organizationId, name, key);
    if (!interest) throw connectError('CONNECT.INTEREST_EXISTS', 'interest exists', { name });
    await this.deps.bus.publish('connect.interest-created', { organizationId, interestId: interest.id, name: interest.name, at: this.deps.clock.now() });
    return interest;
  }

  /** Removes an interest (members' choices of it go too). CONNECT.UNKNOWN_INTEREST. */
  async removeInterest(organizationId: string, name: string): Promise<Interest> {
    const interest = await this.interestByName(organizationId, name);
    await this.deps.repo.removeInterest(organizationId, interest.id);
    await this.deps.bus.publish('connect.interest-removed', { organizationId, interestId: interest.id, name: interest.name, at: this.deps.clock.now() });
    return interest;
  }

  /** Removes the interest with this id (the admin API). CONNECT.UNKNOWN_INTEREST when it is not on the list. */
  async removeInterestById(organizationId: string, interestId: string): Promise<Interest> {
    const interest = (await this.deps.repo.listInterests(organizationId)).find((i) => i.id === interestId);
    if (!interest) throw connectError('CONNECT.UNKNOWN_INTEREST', 'unknown interest', { name: interestId, known: '—' });
    await this.deps.repo.removeInterest(organizationId, interest.id);
    await this.deps.bus.publish('connect.interest-removed', { organizationId, interestId: interest.id, name: interest.name, at: this.deps.clock.now() });
    return interest;
  }

  /** The interest called `name` (any case, accents or spaces). CONNECT.UNKNOWN_INTEREST names the list. */
  async interestByName(organizationId: string, name: string): Promise<Interest> {
    const list = await this.deps.repo.listInterests(organizationId);
    const key = interestKey(name);
    const found = key === '' ? undefined : list.find((i) => i.nameKey === key);
    if (!found) throw connectError('CONNECT.UNKNOWN_INTEREST', 'unknown interest', { name: name.slice(0, CONNECT_LIMITS.interestName), known: list.map((i) => i.name).join(', ') || '—' });
    return found;
  }

  /** The member's profile (a hidden, empty one when they have none yet). */
  async profileOf(member: Member): Promise<Profile> {
    return (
      (await this.deps.repo.getProfile(member.organizationId, member.id)) ?? {
        memberId: member.id,
        organizationId: member.organizationId,
        intro: '',
        interestIds: [],
        helpsWithIds: [],
        introsEveryWeeks: null,
        reach: 'hidden',
        savedAt: null,
        shareWithApi: false,
      }
    );
  }

  /**
   * Checks and saves a submitted profile. Every error leaves the stored profile as it was:
   * CONNECT.NOT_MEMBER, CONNECT.INTRO_TOO_LONG, CONNECT.BAD_CHOICE (a value the form did not offer).
   */
  async save(member: Member, submission: ProfileSubmission, linkedPlatforms: readonly string[]): Promise<Profile> {
    if (!isActive(member)) throw connectError('CONNECT.NOT_MEMBER', 'not an active member');
    const intro = (submission.intro ?? '').trim();
    if (intro.length > CONNECT_LIMITS.intro) throw connectError('CONNECT.INTRO_TOO_LONG', 'introduction too long', { max: CONNECT_LIMITS.intro, length: intro.length });
    const interests = await this.deps.repo.listInterests(member.organizationId);
    const known = new Set(interests.map((i) => i.id));
    const interestIds = splitChoices(submission.interests);
    const helpsWithIds = splitChoices(submission.helpsWith);
    if (![...interestIds, ...helpsWithIds].every((id) => known.has(id))) throw connectError('CONNECT.BAD_CHOICE', 'unknown interest id');
    const cadence = submission.cadence === undefined || submission.cadence === '' || submission.cadence === 'off' ? null : Number(submission.cadence);
    if (cadence !== null && !(INTRO_CADENCES as readonly number[]).includes(cadence)) throw connectError('CONNECT.BAD_CHOICE', 'bad cadence');
    const reach = (submission.reach === undefined || submission.reach === '' ? 'hidden' : submission.reach) as Reach;
    if (!REACHES.includes(reach)) throw connectError('CONNECT.BAD_CHOICE', 'bad reach');
    const platform = reachPlatform(reach);
    if (platform !== null && !linkedPlatforms.includes(platform)) throw connectError('CONNECT.BAD_CHOICE', 'reach names a platform the member has no account on');

    const input: ProfileInput = { intro, interestIds, helpsWithIds, introsEveryWeeks: cadence, reach };
    const at = this.deps.clock.now();
    const before = (await this.deps.repo.getProfile(member.organizationId, member.id))?.interestIds ?? [];
    const { profile, firstTime } = await this.deps.repo.saveProfile(member.organizationId, member.id, input, at);
    await this.deps.interestsChanged?.(member, before, profile.interestIds);
    await this.publishSaved(member, profile, interests, firstTime, at);
    return profile;
  }

  /**
   * `/kring privacy share on|off`: whether the association's own systems (admin API, webhooks) may read
   * the member's profile. Turning it on tells them the profile as it is now. CONNECT.NOT_MEMBER.
   */
  async setSharing(member: Member, on: boolean): Promise<Profile> {
    if (!isActive(member)) throw connectError('CONNECT.NOT_MEMBER', 'not an active member');
    await this.deps.repo.setSharing(member.organizationId, member.id, on);
    const profile = await this.profileOf(member);
    if (on) await this.publishSaved(member, profile, await this.deps.repo.listInterests(member.organizationId), false, this.deps.clock.now());
    return profile;
  }

  /** Profiles of active members who agreed to share them with the association's own systems (admin API). */
  async sharedProfiles(organizationId: string): Promise<{ member: Member; profile: Profile }[]> {
    const shared = await this.deps.repo.sharedProfiles(organizationId);
    const members = await this.deps.members.findByIds(organizationId, shared.map((p) => p.memberId));
    return shared.flatMap((profile) => {
      const member = members.find((m) => m.id === profile.memberId);
      return member && isActive(member) ? [{ member, profile }] : [];
    });
  }

  private async publishSaved(member: Member, profile: Profile, interests: readonly Interest[], firstTime: boolean, at: Date): Promise<void> {
    await this.deps.bus.publish('connect.profile-saved', {
      member,
      firstTime,
      shared: profile.shareWithApi,
      profile: {
        intro: profile.intro,
        interests: interests.filter((i) => profile.interestIds.includes(i.id)).map((i) => i.name),
        helpsWith: interests.filter((i) => profile.helpsWithIds.includes(i.id)).map((i) => i.name),
        introductionsEveryWeeks: profile.introsEveryWeeks,
        findable: profile.reach !== 'hidden',
      },
      at,
    });
  }

  /**
   * One page (1-based) of the findable active members with the interest called `name`. The asker must be an
   * active member (the command's access says so too). CONNECT.UNKNOWN_INTEREST.
   */
  async find(asker: Member, name: string, page: number): Promise<FindPage> {
    if (!isActive(asker)) throw connectError('CONNECT.NOT_MEMBER', 'not an active member');
    const interest = await this.interestByName(asker.organizationId, name);
    const limit = CONNECT_LIMITS.findPage;
    const wanted = Math.max(1, Math.floor(page));
    const result = await this.deps.repo.findByInterest(asker.organizationId, interest.id, { offset: (wanted - 1) * limit, limit });
    const pages = Math.max(1, Math.ceil(result.total / limit));
    return { interest, total: result.total, page: wanted, pages, items: result.items };
  }

  /**
   * The member import's extra columns (`members.imported`): an `interesses` / `interests` column (names
   * separated by `,` or `;`) adds those interests to the members, adding names that are not on the list yet
   * while it has room. Never removes a choice. Returns the number of choices added.
   */
  async importInterests(organizationId: string, rows: readonly { memberNumber: string; columns: Record<string, string> }[]): Promise<number> {
    const wanted: { memberNumber: string; names: string[] }[] = [];
    for (const row of rows) {
      const names: string[] = [];
      for (const [header, value] of Object.entries(row.columns)) {
        if (!INTEREST_COLUMNS.has(interestKey(header))) continue;
        names.push(...value.split(/[,;]/).map((n) => n.trim()).filter((n) => n !== ''));
      }
      if (names.length > 0) wanted.push({ memberNumber: row.memberNumber, names });
    }
    if (wanted.length === 0) return 0;
    const byKey = new Map((await this.deps.repo.listInterests(organizationId)).map((i) => [i.nameKey, i]));
    const entries: { memberId: string; interestIds: string[] }[] = [];
    for (const { memberNumber, names } of wanted) {
      const member = await this.deps.members.findByNumber(organizationId, memberNumber);
      if (!member) continue;
      const ids: string[] = [];
      for (const name of names) {
        const key = interestKey(name);
        let interest = byKey.get(key);
        if (!interest && byKey.size < CONNECT_LIMITS.interests && interestNameSchema.safeParse(name).success) {
          interest = (await this.deps.repo.addInterest(organizationId, name, key)) ?? undefined;
          if (interest) {
            byKey.set(key, interest);
            await this.deps.bus.publish('connect.interest-created', { organizationId, interestId: interest.id, name: interest.name, at: this.deps.clock.now() });
          }
        }
        if (interest) ids.push(interest.id);
      }
      if (ids.length > 0) entries.push({ memberId: member.id, interestIds: [...new Set(ids)] });
    }
    return entries.length === 0 ? 0 : this.deps.repo.addMemberInterests(organizationId, entries);
  }
}
