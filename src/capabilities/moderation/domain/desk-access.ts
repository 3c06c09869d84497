import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../../../kernel/clock.js';
import { isActive, isModerator, type Member } from '../../../kernel/community.js';
import type { MemberRepository } from '../../../kernel/ports/directory.js';
import type { SecretBox } from '../../../kernel/ports/secret-box.js';
import type { DeskLinkStore } from '../ports.js';

/** The desk's path on Kring's HTTP server. */
export const DESK_BASE = '/moderation';

/** A sign-in link to the case desk works once, within this time. */
export const DESK_LINK_TTL_MS = 10 * 60_000;
/** A desk session lasts this long (shorter than the dashboard's: cases are about people). */
export const DESK_SESSION_TTL_MS = 2 * 60 * 60_000;

/** Where a session envelope is "stored" (the cookie): authenticated by the secret box, so no other sealed value opens as one. */
const SESSION_CONTEXT = 'moderation_desk_session';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The sealed session's contents. */
const sessionSchema = z.object({
  o: z.uuid(),
  m: z.uuid(),
  e: z.number().int(),
  /** The session's form token: every form of the desk carries it (a second guard beside SameSite=Strict). */
  c: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
});

/** A signed-in moderator (or counsellor) on the desk. */
export interface DeskSession {
  member: Member;
  /** The form token of this session. */
  formToken: string;
  expiresAt: Date;
}

/**
 * Access to the moderators' case desk (`/moderation`): single-use sign-in links handed out in chat by
 * `/kring case desk` (32 random bytes; only their sha256 is stored in `moderation_desk_link`; consumed
 * atomically), and sessions sealed with Kring's secret box (`KRING_SECRET`: authenticated encryption, so
 * a cookie cannot be read, forged or re-addressed). Every use re-checks that the member is still an active
 * moderator or counsellor of their organisation, so taking the role away ends the session at once.
 */
export class DeskAccess {
  constructor(
    private readonly deps: {
      links: DeskLinkStore;
      secrets: Pick<SecretBox, 'seal' | 'open'>;
      members: Pick<MemberRepository, 'findById'>;
      clock: Clock;
    },
  ) {}

  /** A new single-use sign-in token for `member` (the caller checked their role and puts it in a URL). */
  async createSignInToken(member: Member): Promise<{ token: string; expiresAt: Date }> {
    const now = this.deps.clock.now();
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + DESK_LINK_TTL_MS);
    // Expired links are of no use to anyone: they go whenever a new one is made.
    await this.deps.links.pruneDeskLinks(now);
    await this.deps.links.createDeskLink({ organizationId: member.organizationId, memberId: member.id, tokenHash: sha256(token), expiresAt });
    return { token, expiresAt };
  }

  /** Consumes a sign-in token; returns the sealed session value for the cookie, or null (malformed, unknown, used, expired, no longer a moderator). */
  async signIn(token: string): Promise<{ cookie: string; session: DeskSession } | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    const now = this.deps.clock.now();
    const link = await this.deps.links.consumeDeskLink(sha256(token), now);
    if (!link) return null;
    const member = await this.moderator(link.organizationId, link.memberId);
    if (!member) return null;
    const expiresAt = new Date(now.getTime() + DESK_SESSION_TTL_MS);
    const formToken = randomBytes(32).toString('base64url');
    const cookie = await this.deps.secrets.seal(JSON.stringify({ o: member.organizationId, m: member.id, e: expiresAt.getTime(), c: formToken }), SESSION_CONTEXT);
    return { cookie, session: { member, formToken, expiresAt } };
  }

  /** The moderator a session value belongs to, or null when it is forged, expired or the role is gone. */
  async session(value: string | undefined): Promise<DeskSession | null> {
    if (!value || value.length > 4000) return null;
    let claims: z.infer<typeof sessionSchema>;
    try {
      claims = sessionSchema.parse(JSON.parse(await this.deps.secrets.open(value, SESSION_CONTEXT)));
    } catch {
      return null;
    }
    if (claims.e <= this.deps.clock.now().getTime()) return null;
    const member = await this.moderator(claims.o, claims.m);
    return member ? { member, formToken: claims.c, expiresAt: new Date(claims.e) } : null;
  }

  /** Whether a form's token is this session's (compared in constant time). */
  static formTokenMatches(session: DeskSession, posted: unknown): boolean {
    if (typeof posted !== 'string' || posted.length !== session.formToken.length) return false;
    return timingSafeEqual(Buffer.from(posted), Buffer.from(session.formToken));
  }

  private async moderator(organizationId: string, memberId: string): Promise<Member | null> {
    const member = await this.deps.members.findById(organizationId, memberId);
    return member && member.organizationId === organizationId && isActive(member) && isModerator(member) ? member : null;
  }
}
