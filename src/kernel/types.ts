import { z } from 'zod';

/** The chat platforms Kring connects to (`web`: Kring's own web community, adapters/web). */
export const PLATFORMS = ['discord', 'slack', 'teams', 'web'] as const;
export type Platform = (typeof PLATFORMS)[number];
export const platformSchema = z.enum(PLATFORMS);

/** Languages Kring speaks; anything else falls back to the organisation's default. */
export const LOCALES = ['nl', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** Maps a platform locale (`nl-NL`, `en-GB`, `nl`) onto one of ours, or undefined. */
export function toLocale(value: string | undefined | null): Locale | undefined {
  if (!value) return undefined;
  const lang = value.toLowerCase().split(/[-_]/)[0];
  return (LOCALES as readonly string[]).includes(lang ?? '') ? (lang as Locale) : undefined;
}

/** An organisation slug: lowercase letters, digits and dashes. */
export const slugSchema = z
  .string()
  .trim()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, 'use lowercase letters, digits and dashes (e.g. "my-club")');
