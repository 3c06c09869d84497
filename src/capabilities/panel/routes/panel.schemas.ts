import { z } from 'zod';
import { PLATFORMS } from '../../../kernel/types.js';
import { timestamp } from '../../../http/api/common.schemas.js';
import { PANEL_LIMITS } from '../domain/panel.js';

/** The panel operations' schemas; limits are the panel domain's. */

const stratumSchema = z
  .object({
    label: z.string().meta({ description: 'Chapter / age group / membership type; `-` where unknown.', example: 'Utrecht / 18-30 / -' }),
    pool: z.number().int().meta({ description: 'Members who signed up in this group.' }),
    seats: z.number().int().meta({ description: 'Of them on the panel.' }),
  })
  .meta({ id: 'PanelStratum' });

export const panelSchema = z
  .object({
    id: z.uuid(),
    size: z.number().int().meta({ description: 'The size it was drawn at.' }),
    seats: z.number().int().meta({ description: 'Members on it now (after changes by hand).' }),
    seed: z.number().int().meta({ description: 'The seed of the draw: the same candidates, size and seed give the same panel.' }),
    drawnAt: timestamp,
    candidates: z.number().int().meta({ description: 'Active members who signed up (`/kring panel join`).' }),
    strata: z.array(stratumSchema),
    places: z.array(z.object({ platform: z.enum(PLATFORMS), workspaceId: z.string(), kind: z.enum(['role', 'channel']), id: z.string() })).meta({ description: 'Its members-only place per workspace.' }),
  })
  .meta({ id: 'Panel' });

export const panelMemberSchema = z
  .object({
    memberNumber: z.string(),
    name: z.string(),
    chapter: z.string().nullable(),
    ageGroup: z.string().nullable().meta({ description: 'From the member import, when it has the column.' }),
    membershipType: z.string().nullable().meta({ description: 'From the member import, when it has the column.' }),
    source: z.enum(['draw', 'manual']),
    stratum: z.string(),
    addedAt: timestamp,
  })
  .meta({ id: 'PanelMember' });

export const panelMemberListSchema = z.object({ data: z.array(panelMemberSchema) }).meta({ id: 'PanelMemberList' });

export const panelDrawBody = z
  .strictObject({
    size: z.number().int().min(1).max(PANEL_LIMITS.size).meta({ example: 12 }),
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional().meta({ description: 'Repeat an earlier draw (same candidates, same size). Omitted: a fresh one.' }),
  })
  .meta({ id: 'PanelDrawInput' });
