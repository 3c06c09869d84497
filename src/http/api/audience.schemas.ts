import { z } from 'zod';
import { MEMBER_ROLES } from '../../kernel/community.js';

/** Who a poll or an announcement is for (shared by both; the same shape the domain takes). */
export const audienceSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('all') }),
    z.strictObject({ kind: z.literal('chapters'), chapterIds: z.array(z.uuid()).min(1).max(100) }),
    z.strictObject({ kind: z.literal('roles'), roles: z.array(z.enum(MEMBER_ROLES)).min(1).max(MEMBER_ROLES.length) }),
  ])
  .meta({ id: 'Audience', description: '`all` members, members of some `chapters` (ids), or holders of some `roles`.' });
