import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../../../test/factories/membership.factory.js';
import { testSecretBox } from '../../../../test/support/secrets.js';
import { AesGcmSecretBox } from '../../../infra/secrets/aes-gcm.secret-box.js';
import type { Member } from '../../../kernel/community.js';
import type { DeskLinkStore } from '../ports.js';
import { DESK_LINK_TTL_MS, DESK_SESSION_TTL_MS, DeskAccess } from './desk-access.js';

/** The link table as the Prisma repository keeps it: by hash, used once, only before it expires. */
class MemoryDeskLinks implements DeskLinkStore {
  readonly links = new Map<string, { organizationId: string; memberId: string; expiresAt: Date; usedAt: Date | null }>();
  async createDeskLink(l: { organizationId: string; memberId: string; tokenHash: string; expiresAt: Date }) {
    this.links.set(l.tokenHash, { organizationId: l.organizationId, memberId: l.memberId, expiresAt: l.expiresAt, usedAt: null });
  }
  async consumeDeskLink(tokenHash: string, now: Date) {
    const l = this.links.get(tokenHash);
    if (!l || l.usedAt || l.expiresAt <= now) return null;
    l.usedAt = now;
    return { organizationId: l.organizationId, memberId: l.memberId };
  }
  async pruneDeskLinks(now: Date) {
    for (const [hash, l] of this.links) if (l.expiresAt < now) this.links.delete(hash);
  }
}

const ORG_A = '00000000-0000-4000-8000-00000000000a';
const ORG_B = '00000000-0000-4000-8000-00000000000b';
const person = (id: string, organizationId: string, roles: Member['roles']): Member => ({
  id,
  organizationId,
  memberNumber: id.slice(-4),
  name: id,
  email: null,
  status: 'active',
  roles,
  chapterId: null,
  locale: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
});
const MO = '00000000-0000-4000-8000-0000000000a1';
const VERA = '00000000-0000-4000-8000-0000000000a2';
const OLAF = '00000000-0000-4000-8000-0000000000b1';

function build() {
  const clock = new FixedClock();
  const links = new MemoryDeskLinks();
  const people = new Map<string, Member>([
    [MO, person(MO, ORG_A, ['member', 'moderator'])],
    [VERA, person(VERA, ORG_A, ['member', 'counsellor'])],
    [OLAF, person(OLAF, ORG_B, ['member', 'moderator'])],
  ]);
  const sut = new DeskAccess({
    links,
    secrets: testSecretBox,
    members: { findById: async (org, id) => (people.get(id)?.organizationId === org ? people.get(id)! : null) },
    clock,
  });
  return { sut, clock, links, people };
}

describe(DeskAccess.name, () => {
  it('signs a moderator or the counsellor in once with a link; only its hash is stored', async () => {
    const { sut, links, people } = build();
    for (const id of [MO, VERA]) {
      const { token } = await sut.createSignInToken(people.get(id)!);
      expect([...links.links.keys()].some((hash) => hash.includes(token))).toBe(false);
      const signed = await sut.signIn(token);
      expect(signed?.session.member.id).toBe(id);
      expect(await sut.signIn(token)).toBeNull();
      expect((await sut.session(signed!.cookie))?.member.id).toBe(id);
    }
  });

  it('refuses a link after its ten minutes, and a session after its two hours', async () => {
    const { sut, clock, people } = build();
    const late = await sut.createSignInToken(people.get(MO)!);
    clock.advance(DESK_LINK_TTL_MS);
    expect(await sut.signIn(late.token)).toBeNull();

    const signed = (await sut.signIn((await sut.createSignInToken(people.get(MO)!)).token))!;
    clock.advance(DESK_SESSION_TTL_MS - 1);
    expect(await sut.session(signed.cookie)).not.toBeNull();
    clock.advance(1);
    expect(await sut.session(signed.cookie)).toBeNull();
  });

  it('ends the session at once when the member loses the role or stops being active', async () => {
    const { sut, people } = build();
    const signed = (await sut.signIn((await sut.createSignInToken(people.get(MO)!)).token))!;
    people.set(MO, { ...people.get(MO)!, roles: ['member'] });
    expect(await sut.session(signed.cookie)).toBeNull();
    people.set(MO, { ...people.get(MO)!, roles: ['member', 'moderator'], status: 'lapsed' });
    expect(await sut.session(signed.cookie)).toBeNull();
    // A link made while they were a moderator does not sign in after the role went either.
    people.set(MO, { ...people.get(MO)!, status: 'active', roles: ['member', 'moderator'] });
    const { token } = await sut.createSignInToken(people.get(MO)!);
    people.set(MO, { ...people.get(MO)!, roles: ['member', 'manager'] });
    expect(await sut.signIn(token)).toBeNull();
  });

  it('opens no forged, altered or foreign session value', async () => {
    const { sut, people } = build();
    const signed = (await sut.signIn((await sut.createSignInToken(people.get(MO)!)).token))!;
    const parts = signed.cookie.split(':');
    const altered = [...parts.slice(0, -1), Buffer.from('x'.repeat(16)).toString('base64')].join(':');
    // The same contents sealed for another place (or with another key) are no session.
    const elsewhere = await testSecretBox.seal(JSON.stringify({ o: ORG_A, m: MO, e: Date.now() * 2, c: 'a'.repeat(43) }), 'organization_setting:x:y');
    const otherKey = await new AesGcmSecretBox({ current: Buffer.alloc(32, 9).toString('base64') }).seal(
      JSON.stringify({ o: ORG_A, m: MO, e: Date.now() * 2, c: 'a'.repeat(43) }),
      'moderation_desk_session',
    );
    // A valid envelope naming a member of another organisation than theirs.
    const readdressed = await testSecretBox.seal(JSON.stringify({ o: ORG_A, m: OLAF, e: Date.now() * 2, c: 'a'.repeat(43) }), 'moderation_desk_session');
    for (const value of [undefined, '', 'nonsense', altered, elsewhere, otherKey, readdressed, 'x'.repeat(5000)]) {
      expect(await sut.session(value)).toBeNull();
    }
    for (const token of ['', 'short', 'A'.repeat(43), `${'A'.repeat(42)}!`, 'A'.repeat(44)]) expect(await sut.signIn(token)).toBeNull();
  });

  it('matches a form only with the session\'s own form token', async () => {
    const { sut, people } = build();
    const a = (await sut.signIn((await sut.createSignInToken(people.get(MO)!)).token))!.session;
    const b = (await sut.signIn((await sut.createSignInToken(people.get(MO)!)).token))!.session;
    expect(a.formToken).not.toBe(b.formToken);
    expect(DeskAccess.formTokenMatches(a, a.formToken)).toBe(true);
    for (const posted of [b.formToken, undefined, '', ['x'], a.formToken.slice(1), `${a.formToken}x`]) {
      expect(DeskAccess.formTokenMatches(a, posted)).toBe(false);
    }
  });
});
