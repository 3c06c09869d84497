import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MemberRepository } from '../../../kernel/ports/directory.js';
import { isActive, isManager, type Member } from '../../../kernel/community.js';
import type { Clock } from '../../../kernel/clock.js';
import { INSIGHTS_SETTINGS } from './insights.service.js';
import type { DashboardLinkStore, SettingsStore } from '../ports.js';

/** What a signed token grants. */
export type TokenPurpose = 'session' | 'mydata' | 'export';

/** A verified token: whose it is and for which organisation. */
export interface Grant {
  purpose: TokenPurpose;
  organizationId: string;
  memberId: string;
  expiresAt: Date;
  /** Extra signed parameters (e.g. the export's period). */
  params: Record<string, string>;
}

export const SIGN_IN_LINK_TTL_MS = 10 * 60_000;
export const SESSION_TTL_MS = 8 * 60 * 60_000;
export const DOWNLOAD_TTL_MS = 15 * 60_000;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/**
 * Access to the insights dashboard and to download links.
 *
 * - Sign-in links: 32 random bytes, only their sha256 stored, single use (consumed atomically), valid
 *   {@link SIGN_IN_LINK_TTL_MS}, personal to one manager.
 * - Sessions and download links: `<payload>.<HMAC-SHA256>` signed with a secret of the organisation
 *   (random, kept in `organization_setting`), so a token of one organisation never verifies for another,
 *   and one organisation's secret leaking exposes nobody else. Every use re-checks that the member is
 *   still an active manager of that organisation (sessions) or still exists (downloads).
 */
export class DashboardAccess {
  private readonly secrets = new Map<string, Buffer>();

  constructor(
    private readonly deps: {
      links: DashboardLinkStore;
      settings: SettingsStore;
      members: Pick<MemberRepository, 'findById'>;
      clock: Clock;
    },
  ) {}

  /** A new single-use sign-in token for `member` (a manager); the caller puts it in a URL. */
  async createSignInToken(member: Member): Promise<{ token: string; expiresAt: Date }> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.deps.clock.now().getTime() + SIGN_IN_LINK_TTL_MS);
    await this.deps.links.createLink({ organizationId: member.organizationId, memberId: member.id, tokenHash: sha256(token), expiresAt });
    return { token, expiresAt };
  }

  /** Consumes a sign-in token; returns a signed session value, or null (unknown, used, expired, not a manager). */
  async signIn(token: string): Promise<{ cookie: string; grant: Grant } | null> {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
    const now = this.deps.clock.now();
    const link = await this.deps.links.consumeLink(sha256(token), now);
    if (!link) return null;
    const member = await this.manager(link.organizationId, link.memberId);
    if (!member) return null;
    const grant: Grant = { purpose: 'session', organizationId: link.organizationId, memberId: link.memberId, expiresAt: new Date(now.getTime() + SESSION_TTL_MS), params: {} };
    return { cookie: await this.sign(grant), grant };
  }

  /** The manager a session value belongs to, or null when it is forged, expired or no longer a manager. */
  async session(value: string | undefined): Promise<{ grant: Grant; member: Member } | null> {
    const grant = await this.verify(value, 'session');
    if (!grant) return null;
    const member = await this.manager(grant.organizationId, grant.memberId);
    return member ? { grant, member } : null;
  }

  /** A signed, short-lived download token for one member's file. */
  async downloadToken(purpose: Exclude<TokenPurpose, 'session'>, member: Member, params: Record<string, string> = {}): Promise<string> {
    const expiresAt = new Date(this.deps.clock.now().getTime() + DOWNLOAD_TTL_MS);
    return this.sign({ purpose, organizationId: member.organizationId, memberId: member.id, expiresAt, params });
  }

  /**
   * Verifies a download token of `purpose`; null when forged, expired, for another purpose, or when its
   * member is gone (or, for exports, no longer an active manager).
   */
  async verifyDownload(value: string | undefined, purpose: Exclude<TokenPurpose, 'session'>): Promise<{ grant: Grant; member: Member } | null> {
    const grant = await this.verify(value, purpose);
    if (!grant) return null;
    const member =
      purpose === 'export' ? await this.manager(grant.organizationId, grant.memberId) : await this.deps.members.findById(grant.organizationId, grant.memberId);
    return member ? { grant, member } : null;
  }

  private async manager(organizationId: string, memberId: string): Promise<Member | null> {
    const member = await this.deps.members.findById(organizationId, memberId);
    return member && member.organizationId === organizationId && isActive(member) && isManager(member) ? member : null;
  }

  /** The organisation's signing key; created on first signing, never by verifying (ids there are untrusted). */
  private async secret(organizationId: string, create: boolean): Promise<Buffer | null> {
    const cached = this.secrets.get(organizationId);
    if (cached) return cached;
    const { settings } = this.deps;
    const stored = create
      ? await settings.ensureSetting(organizationId, INSIGHTS_SETTINGS.secret, randomBytes(32).toString('base64'))
      : await settings.getSetting(organizationId, INSIGHTS_SETTINGS.secret);
    if (stored === null || stored === undefined) return null;
    if (typeof stored !== 'string' || stored.length < 32) throw new Error('insights: the dashboard secret setting is malformed');
    const key = Buffer.from(stored, 'base64');
    this.secrets.set(organizationId, key);
    return key;
  }

  private async sign(grant: Grant): Promise<string> {
    const payload = b64(JSON.stringify({ p: grant.purpose, o: grant.organizationId, m: grant.memberId, e: grant.expiresAt.getTime(), x: grant.params }));
    const key = await this.secret(grant.organizationId, true);
    if (!key) throw new Error('insights: no dashboard secret');
    const mac = createHmac('sha256', key).update(payload).digest();
    return `${payload}.${b64(mac)}`;
  }

  private async verify(value: string | undefined, purpose: TokenPurpose): Promise<Grant | null> {
    if (!value || value.length > 2000) return null;
    const [payload, mac, extra] = value.split('.');
    if (!payload || !mac || extra !== undefined) return null;
    let data: { p?: unknown; o?: unknown; m?: unknown; e?: unknown; x?: unknown };
    try {
      data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof data;
    } catch {
      return null;
    }
    if (data.p !== purpose || typeof data.o !== 'string' || typeof data.m !== 'string' || typeof data.e !== 'number') return null;
    if (!/^[0-9a-f-]{36}$/i.test(data.o)) return null;
    // The organisation named in the (untrusted) payload picks the key: another organisation's key never fits.
    const key = await this.secret(data.o, false);
    if (!key) return null;
    const expected = createHmac('sha256', key).update(payload).digest();
    const actual = Buffer.from(mac, 'base64url');
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return null;
    if (data.e <= this.deps.clock.now().getTime()) return null;
    const params: Record<string, string> = {};
    if (data.x && typeof data.x === 'object') {
      for (const [k, v] of Object.entries(data.x)) if (typeof v === 'string') params[k] = v;
    }
    return { purpose, organizationId: data.o, memberId: data.m, expiresAt: new Date(data.e), params };
  }
}
