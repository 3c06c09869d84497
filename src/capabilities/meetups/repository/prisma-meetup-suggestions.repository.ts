import type { InterestCount, MeetupSuggestionStore } from '../ports.js';
import type { PrismaClient } from '../../../infra/database/generated/prisma/client.js';

/** `organization_setting` keys of the suggestions. */
const THRESHOLD_KEY = 'meetups.interestThreshold';
const suggestedKey = (chapterId: string, interestId: string) => `meetups.suggested.${chapterId}.${interestId}`;

/**
 * {@link MeetupSuggestionStore} on PostgreSQL. The threshold and the suggestions made sit in
 * `organization_setting` (one row each: the key names the chapter and interest, so a suggestion is claimed
 * by one INSERT … ON CONFLICT DO NOTHING). Interests are read, never written, from the connect
 * capability's tables (`connect_interest`, `connect_member_interest` with kind `interest`), joined to
 * `member` for the chapter and the status; only counts leave this class.
 */
export class PrismaMeetupSuggestionsRepository implements MeetupSuggestionStore {
  constructor(private readonly prisma: PrismaClient) {}

  async threshold(organizationId: string): Promise<number | null> {
    const row = await this.prisma.organizationSetting.findUnique({ where: { organizationId_key: { organizationId, key: THRESHOLD_KEY } } });
    return typeof row?.value === 'number' && Number.isInteger(row.value) && row.value > 0 ? row.value : null;
  }

  async setThreshold(organizationId: string, threshold: number | null): Promise<void> {
    if (threshold === null) {
      await this.prisma.organizationSetting.deleteMany({ where: { organizationId, key: THRESHOLD_KEY } });
      return;
    }
    await this.prisma.organizationSetting.upsert({
      where: { organizationId_key: { organizationId, key: THRESHOLD_KEY } },
      create: { organizationId, key: THRESHOLD_KEY, value: threshold },
      update: { value: threshold },
    });
  }

  async sharedInChapter(organizationId: string, chapterId: string, interestNames: readonly string[]): Promise<InterestCount[]> {
    if (interestNames.length === 0) return [];
    const rows = await this.prisma.$queryRaw<{ interest_id: string; name: string; members: number }[]>`
      SELECT i.id AS interest_id, i.name, count(DISTINCT m.id)::int AS members
        FROM connect_interest i
        JOIN connect_member_interest mi ON mi.interest_id = i.id AND mi.kind = 'interest'
        JOIN member m ON m.id = mi.member_id
       WHERE i.organization_id = ${organizationId}::uuid
         AND i.name = ANY(${[...interestNames]}::text[])
         AND m.organization_id = ${organizationId}::uuid
         AND m.chapter_id = ${chapterId}::uuid
         AND m.status = 'active'
       GROUP BY i.id, i.name
       ORDER BY members DESC, i.name`;
    return rows.map((r) => ({ interestId: r.interest_id, name: r.name, members: r.members }));
  }

  async sharedAtLeast(organizationId: string, threshold: number, limit: number) {
    const rows = await this.prisma.$queryRaw<{ interest_id: string; name: string; chapter_id: string; chapter_name: string; members: number; suggested_at: string | null }[]>`
      SELECT i.id AS interest_id, i.name, c.id AS chapter_id, c.name AS chapter_name, count(DISTINCT m.id)::int AS members,
             (SELECT s.value->>'at' FROM organization_setting s
               WHERE s.organization_id = ${organizationId}::uuid AND s.key = 'meetups.suggested.' || c.id::text || '.' || i.id::text) AS suggested_at
        FROM connect_interest i
        JOIN connect_member_interest mi ON mi.interest_id = i.id AND mi.kind = 'interest'
        JOIN member m ON m.id = mi.member_id
        JOIN chapter c ON c.id = m.chapter_id
       WHERE i.organization_id = ${organizationId}::uuid
         AND m.organization_id = ${organizationId}::uuid
         AND m.status = 'active'
       GROUP BY i.id, i.name, c.id, c.name
      HAVING count(DISTINCT m.id) >= ${threshold}
       ORDER BY members DESC, c.name, i.name
       LIMIT ${limit}`;
    return rows.map((r) => ({
      interestId: r.interest_id,
      name: r.name,
      chapterId: r.chapter_id,
      chapterName: r.chapter_name,
      members: r.members,
      suggestedAt: r.suggested_at ? new Date(r.suggested_at) : null,
    }));
  }

  async claimSuggestion(organizationId: string, chapterId: string, interestId: string, members: number, at: Date): Promise<boolean> {
    const value = JSON.stringify({ members, at: at.toISOString() });
    const inserted = await this.prisma.$executeRaw`
      INSERT INTO organization_setting (organization_id, key, value, updated_at)
      VALUES (${organizationId}::uuid, ${suggestedKey(chapterId, interestId)}, ${value}::jsonb, ${at})
      ON CONFLICT (organization_id, key) DO NOTHING`;
    return inserted === 1;
  }

  async managerIds(organizationId: string): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT id FROM member
       WHERE organization_id = ${organizationId}::uuid AND status = 'active'
         AND roles && ARRAY['manager', 'board']::"MemberRole"[]
       ORDER BY member_number`;
    return rows.map((r) => r.id);
  }
}
