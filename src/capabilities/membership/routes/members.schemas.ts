import { z } from 'zod';
import { MEMBER_ROLES, MEMBER_STATUSES } from '../../../kernel/community.js';
import { LOCALES } from '../../../kernel/types.js';
import { line, pageQueryFields, timestamp } from '../../../http/api/common.schemas.js';

/**
 * Member operations' schemas. The limits are the CSV importer's (member number 64, name 200, chapter 100),
 * because both paths end in the same importer.
 */

export const memberNumberParam = line(64).meta({ description: 'The member number (lidnummer) from the member administration.', example: 'L-1042' });

/** The fields of a member as the administration knows them (all but the number). */
const memberFields = {
  name: line(200).meta({ example: 'Jan de Vries' }),
  email: z.email().max(254).nullable().default(null).meta({ description: 'Used to send verification codes; null when unknown.', example: 'jan@example.org' }),
  status: z.enum(MEMBER_STATUSES).default('active').meta({ description: 'Only `active` members get members-only access; `lapsed` or `left` removes it.' }),
  roles: z.array(z.enum(MEMBER_ROLES)).max(10).default(['member']).meta({ description: '`member` is always implied.' }),
  chapter: line(100).nullable().default(null).meta({ description: 'Chapter (afdeling) name; created when new.', example: 'Utrecht' }),
  locale: z.enum(LOCALES).nullable().optional().meta({ description: 'Preferred language; omit to keep the stored one.' }),
};

export const memberUpsertBody = z.strictObject(memberFields).meta({ id: 'MemberUpsert' });

export const memberSyncItem = z.strictObject({ memberNumber: memberNumberParam, ...memberFields }).meta({ id: 'MemberSyncItem' });

export const memberSyncBody = z
  .strictObject({
    members: z
      .array(memberSyncItem)
      .min(1, 'the full list must hold at least one member (an empty list would lapse everybody)')
      .max(10_000)
      .superRefine((members, ctx) => {
        const seen = new Map<string, number>();
        members.forEach((m, i) => {
          const first = seen.get(m.memberNumber);
          if (first !== undefined) {
            ctx.addIssue({ code: 'custom', path: [i, 'memberNumber'], message: `member number ${m.memberNumber} is also at index ${first}` });
          } else seen.set(m.memberNumber, i);
        });
      }),
  })
  .meta({ id: 'MemberSync' });

export const memberSyncQuery = z.object({
  dryRun: z
    .enum(['true', 'false'])
    .default('false')
    .meta({ description: '`true`: report what would change, change nothing.' }),
});

export const memberListQuery = z.object({
  ...pageQueryFields,
  status: z.enum(MEMBER_STATUSES).optional().meta({ description: 'Only members with this status.' }),
});

export const memberSchema = z
  .object({
    id: z.uuid(),
    memberNumber: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    status: z.enum(MEMBER_STATUSES),
    roles: z.array(z.enum(MEMBER_ROLES)),
    chapter: z.object({ id: z.uuid(), name: z.string() }).nullable(),
    locale: z.enum(LOCALES).nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Member' });

export const memberPageSchema = z
  .object({
    data: z.array(memberSchema),
    next: z.string().nullable().meta({ description: 'Cursor of the next page (`after`), null on the last page.' }),
  })
  .meta({ id: 'MemberPage' });

export const memberSyncReportSchema = z
  .object({
    dryRun: z.boolean(),
    received: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    lapsed: z.number().int().meta({ description: 'Active members absent from the list, now lapsed (access removed).' }),
  })
  .meta({ id: 'MemberSyncReport' });
