import { z } from 'zod';

/**
 * What an API token may do: `<resource>:read` or `<resource>:write`. A token carries a set of these; every
 * admin-API route names the one it needs. Each capability declares the scopes of its routes
 * (`apiScopes` in its `defineCapability`), so the set of known scopes is the capability list's.
 * `<resource>:write` implies `<resource>:read` (a CRM that pushes members may also read them back).
 */
export type ApiScope = `${string}:read` | `${string}:write`;

/** The shape of a scope (lowercase resource, `:read` or `:write`); whether it exists is the capabilities' say. */
export const apiScopeSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,40}:(read|write)$/, 'a scope is <resource>:read or <resource>:write')
  .transform((s) => s as ApiScope);

/** True when a token holding `granted` may use a route that requires `required`. */
export function hasScope(granted: readonly string[], required: ApiScope): boolean {
  if (granted.includes(required)) return true;
  if (required.endsWith(':read')) return granted.includes(required.replace(/:read$/, ':write'));
  return false;
}

/**
 * Parses a scope list as people type it on the command line (`members:write,news:write`, spaces or
 * commas) against the `known` scopes. Duplicates are dropped; the result is in `known` order. Unknown
 * words are returned separately so the caller can name them.
 */
export function parseScopeList(text: string, known: readonly ApiScope[]): { scopes: ApiScope[]; unknown: string[] } {
  const words = text.split(/[\s,]+/).filter((w) => w !== '');
  const found = new Set<string>();
  const unknown: string[] = [];
  for (const word of words) {
    const scope = word.toLowerCase();
    if ((known as readonly string[]).includes(scope)) found.add(scope);
    else unknown.push(word);
  }
  return { scopes: known.filter((s) => found.has(s)), unknown };
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
