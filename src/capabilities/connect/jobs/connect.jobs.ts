import { z } from 'zod';

/** The connect capability's queue. */
export const CONNECT_QUEUE = 'connect';

/** Job names on {@link CONNECT_QUEUE}. */
export const CONNECT_JOB = {
  /** Runs a program's round when due (re-enqueued in hops towards far moments). */
  round: 'round',
  /** One member's introduction of one group. */
  introduce: 'introduce',
  /** A round's follow-up: queues one "did you meet?" per member. */
  followUp: 'follow-up',
  /** One member's "did you meet?". */
  followUpOne: 'follow-up-one',
  /** A question nobody took on goes to the managers (in hops towards its moment). */
  askEscalate: 'ask-escalate',
  /** A new member's welcome (after the link's own answer). */
  welcome: 'welcome',
} as const;

export const roundPayload = z.object({ programId: z.uuid(), at: z.number().int(), hop: z.number().int().min(0) });
export const followUpPayload = z.object({ roundId: z.uuid(), at: z.number().int(), hop: z.number().int().min(0) });
export const memberPayload = z.object({ groupId: z.uuid(), memberId: z.uuid() });
export const askEscalatePayload = z.object({ askId: z.uuid(), at: z.number().int(), hop: z.number().int().min(0) });
export const welcomePayload = z.object({ organizationId: z.uuid(), memberId: z.uuid(), identityId: z.string().min(1).max(100) });

/** Deterministic job ids (BullMQ forbids `:`). */
export const connectJobId = {
  round: (programId: string, at: number, hop: number) => `connect-round-${programId}-${at}-${hop}`,
  introduce: (groupId: string, memberId: string) => `connect-intro-${groupId}-${memberId}`,
  followUp: (roundId: string, at: number, hop: number) => `connect-followup-${roundId}-${at}-${hop}`,
  followUpOne: (groupId: string, memberId: string) => `connect-followup-one-${groupId}-${memberId}`,
  askEscalate: (askId: string, at: number, hop: number) => `connect-ask-escalate-${askId}-${at}-${hop}`,
  welcome: (memberId: string) => `connect-welcome-${memberId}`,
};
