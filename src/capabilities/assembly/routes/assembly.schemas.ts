import { z } from 'zod';
import { timestamp } from '../../../http/api/common.schemas.js';
import { ASSEMBLY_LIMITS, ASSEMBLY_MODES, ITEM_KINDS, ITEM_STATUSES, MAJORITIES, quorumSchema } from '../domain/assembly.js';

/** Assembly operations' schemas; limits are the assembly domain's. */

export const assemblyIdParam = z.uuid().meta({ description: 'The assembly id.' });

export const assemblyCreateBody = z
  .strictObject({
    title: z.string().trim().min(3).max(ASSEMBLY_LIMITS.titleLength).meta({ example: 'Algemene ledenvergadering 2027' }),
    startsAt: z.iso.datetime({ offset: true }).meta({ description: 'When the meeting starts (ISO 8601 with offset).' }),
    mode: z.enum(ASSEMBLY_MODES).default('hybrid'),
    earlyVotingFrom: z.iso.datetime({ offset: true }).nullable().default(null).meta({ description: 'From when early votes count: at most 30 days before `startsAt`; null: none.' }),
    maxProxiesPerHolder: z.number().int().min(0).max(ASSEMBLY_LIMITS.maxProxiesPerHolder).default(1),
    quorum: quorumSchema.default({ kind: 'none' }).meta({ description: 'none; { kind: count, min }; or { kind: fraction, numerator, denominator } of the eligible voters.' }),
  })
  .meta({ id: 'AssemblyInput' });

export const itemCreateBody = z
  .strictObject({
    title: z.string().trim().min(3).max(ASSEMBLY_LIMITS.itemTitleLength),
    kind: z.enum(ITEM_KINDS),
    candidates: z.array(z.string().trim().min(1).max(ASSEMBLY_LIMITS.candidateLength)).max(ASSEMBLY_LIMITS.candidates).default([]),
    majority: z.enum(MAJORITIES).default('simple'),
    secret: z.boolean().optional().meta({ description: 'Default: secret for a vote on persons, open for a motion.' }),
  })
  .meta({ id: 'AgendaItemInput' });

export const snapshotBody = z
  .strictObject({
    weights: z.record(z.string().trim().min(1).max(64), z.number().int().min(0).max(ASSEMBLY_LIMITS.maxWeight)).default({}).meta({ description: 'Voting weight by member number (default 1; 0 leaves a member out).' }),
  })
  .meta({ id: 'AssemblySnapshotInput' });

const resultSchema = z.object({
  counts: z.array(z.object({ choice: z.string(), votes: z.number().int() })),
  ballots: z.number().int(),
  votesCast: z.number().int(),
  eligibleVoters: z.number().int(),
  eligibleWeight: z.number().int(),
  turnoutPercent: z.number().int(),
  present: z.number().int(),
  byProxy: z.number().int(),
  early: z.number().int(),
  quorumRequired: z.number().int(),
  quorumReached: z.boolean(),
  adopted: z.boolean(),
  elected: z.string().nullable(),
});

export const itemSchema = z
  .object({
    id: z.uuid(),
    position: z.number().int(),
    title: z.string(),
    kind: z.enum(ITEM_KINDS),
    choices: z.array(z.string()),
    majority: z.enum(MAJORITIES),
    secret: z.boolean(),
    status: z.enum(ITEM_STATUSES),
    openedAt: timestamp.nullable(),
    closedAt: timestamp.nullable(),
    result: resultSchema.nullable(),
  })
  .meta({ id: 'AgendaItem' });

export const assemblySchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    startsAt: timestamp,
    mode: z.enum(ASSEMBLY_MODES),
    earlyVotingFrom: timestamp.nullable(),
    maxProxiesPerHolder: z.number().int(),
    quorum: quorumSchema,
    snapshotAt: timestamp.nullable(),
    votingOpenedAt: timestamp.nullable(),
    items: z.array(itemSchema),
    eligible: z.number().int(),
    checkedIn: z.number().int(),
    present: z.number().int().meta({ description: 'Present or represented (checked in, by proxy of someone checked in, or voted early).' }),
    quorumRequired: z.number().int(),
    quorumReached: z.boolean(),
  })
  .meta({ id: 'Assembly' });

export const votersSchema = z
  .object({
    snapshotAt: timestamp.nullable(),
    voters: z.array(z.object({ memberNumber: z.string(), name: z.string(), status: z.string(), roles: z.array(z.string()), weight: z.number().int() })),
  })
  .meta({ id: 'AssemblyVoters' });

export const resultsSchema = z
  .object({
    assemblyId: z.uuid(),
    items: z.array(itemSchema.extend({ receipts: z.array(z.object({ receipt: z.string(), choice: z.string(), weight: z.number().int() })) })),
    proxies: z.array(z.object({ grantor: z.string(), holder: z.string(), used: z.number().int() }).meta({ description: 'Member numbers.' })),
  })
  .meta({ id: 'AssemblyResults' });

export const langQuery = z.object({ lang: z.enum(['nl', 'en']).optional() });
