import { createHash, randomBytes } from 'node:crypto';
import type { Member, PlatformIdentity } from '../../src/kernel/community.js';
import type { Locale } from '../../src/kernel/types.js';

/** Sign-in and session tokens of the web community, and who a signed-in page belongs to. */

/** How long a one-time sign-in link (the demo's, an operator's) stays valid. */
export const SIGN_IN_LINK_TTL_MS = 15 * 60_000;
/** How long a sign-in may wait for its e-mailed code. */
export const PENDING_TTL_MS = 30 * 60_000;

/** Who is looking at the page. */
export interface WebViewer {
  userId: string;
  identity: PlatformIdentity;
  member: Member;
  isManager: boolean;
  locale: Locale;
}

/** sha256 of a token: the only form in which tokens are stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A new random token (32 bytes, base64url). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}
