import { z } from 'zod';

/**
 * What an API token may do. A token carries a set of these; every route names the one it needs.
 * `<resource>:write` implies `<resource>:read` (a CRM that pushes members may also read them back).
 */
export const API_SCOPES = [
  'members:read',
  'members:write',
  'chapters:read',
  'chapters:write',
  'news:read',
  'news:write',
  'polls:read',
  'polls:write',
  'insights:read',
  'webhooks:write',
] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export const apiScopeSchema = z.enum(API_SCOPES);

/** True when a token holding `granted` may use a route that requires `required`. */
export function hasScope(granted: readonly string[], required: ApiScope): boolean {
  if (granted.includes(required)) return true;
  if (required.endsWith(':read')) return granted.includes(required.replace(/:read$/, ':write'));
  return false;
}

/**
 * Parses a scope list as people type it on the command line (`members:write,news:write`, spaces or
 * commas). Duplicates are dropped; the result is in {@link API_SCOPES} order. Unknown words are returned
 * separately so the caller can name them.
 */
export function parseScopeList(text: string): { scopes: ApiScope[]; unknown: string[] } {
  const words = text.split(/[\s,]+/).filter((w) => w !== '');
  const known = new Set<ApiScope>();
  const unknown: string[] = [];
  for (const word of words) {
    const parsed = apiScopeSchema.safeParse(word.toLowerCase());
    if (parsed.success) known.add(parsed.data);
    else unknown.push(word);
  }
  return { scopes: API_SCOPES.filter((s) => known.has(s)), unknown };
}

/**
 * An API token as stored and listed: never the secret itself, only its hash. The admin API checks tokens;
 * the api-tokens capability issues and stores them.
 */
export interface ApiToken {
  id: string;
  organizationId: string;
  /** What the token is for, e.g. `CRM sync` (shown in `kring tokens list` and in logs' context). */
  name: string;
  scopes: ApiScope[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}
