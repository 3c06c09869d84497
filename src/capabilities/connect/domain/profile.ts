import { z } from 'zod';
import type { Platform } from '../../../kernel/types.js';
import { FORM_LIMITS } from '../../../kernel/ports/chat-platform.js';

/** Limits of what members and managers write. */
export const CONNECT_LIMITS = {
  /** A member's own introduction. */
  intro: 500,
  interestName: 60,
  /** Interests on one association's list: what one select field offers on every platform (Discord: 25). */
  interests: FORM_LIMITS.options,
  /** Members per page of `/kring find`. */
  findPage: 10,
  /** A question to helpers (`/kring ask`). */
  question: 500,
} as const;

/** Cadences a member can choose for introductions, in weeks (null: not open to introductions). */
export const INTRO_CADENCES = [2, 4, 8] as const;

/**
 * How others may reach a member who found them: `hidden` (not findable: the default), `name` (findable by
 * name and chapter, no handle), or the linked platform whose account they share.
 */
export const REACHES = ['hidden', 'name', 'slack', 'discord', 'teams', 'web'] as const;
export type Reach = (typeof REACHES)[number];

/** An interest on the association's list. */
export interface Interest {
  id: string;
  organizationId: string;
  name: string;
  /** The name as compared: see {@link interestKey}. */
  nameKey: string;
  createdAt: Date;
}

/** A member's profile as they saved it (interests and topics by interest id). */
export interface Profile {
  memberId: string;
  organizationId: string;
  intro: string;
  interestIds: string[];
  helpsWithIds: string[];
  introsEveryWeeks: number | null;
  reach: Reach;
  /** When they saved it themselves (null: only the import touched it). */
  savedAt: Date | null;
  /** They agreed that the association's own systems (admin API, webhooks) may read it (`/kring privacy share on`). */
  shareWithApi: boolean;
}

/** What a member submits. */
export interface ProfileInput {
  intro: string;
  interestIds: string[];
  helpsWithIds: string[];
  introsEveryWeeks: number | null;
  reach: Reach;
}

/** Lowercase, no accents, letters and digits only: `Fietsen`, `fietsen ` and `FIETSEN` are one interest. */
export function interestKey(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/** A valid interest name (trimmed, 1–60 characters, no comma: select values are joined with commas). */
export const interestNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(CONNECT_LIMITS.interestName)
  .refine((s) => !s.includes(',') && interestKey(s) !== '', 'an interest name has letters or digits and no comma');

/** Whether `reach` is a platform the member shares an account of. */
export function reachPlatform(reach: Reach): Platform | null {
  return reach === 'hidden' || reach === 'name' ? null : reach;
}

/** Findable with `/kring find`: they chose anything but `hidden`. */
export function isFindable(profile: Pick<Profile, 'reach'>): boolean {
  return profile.reach !== 'hidden';
}

/** Splits a submitted multi-select value (`a,b,c`; empty for none). */
export function splitChoices(value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') return [];
  return [...new Set(value.split(',').map((v) => v.trim()).filter((v) => v !== ''))];
}
