import { describe, expect, it } from 'vitest';
import type { Member } from '../../../kernel/community.js';
import { DashboardAccess, SESSION_TTL_MS, SIGN_IN_LINK_TTL_MS } from './dashboard-access.js';
import type { DashboardLinkStore, SettingsStore } from '../ports.js';

class MemoryStores implements DashboardLinkStore, SettingsStore {
  readonly links = new Map<string, { organizationId: string; memberId: string; expiresAt: Date; usedAt: Date | null }>();
  readonly settings = new Map<string, unknown>();
  async createLink(l: { organizationId: string; memberId: string; tokenHash: string; expiresAt: Date }) {
    this.links.set(l.tokenHash, { ...l, usedAt: null });
  }
  async consumeLink(tokenHash: string, now: Date) {
    const l = this.links.get(tokenHash);
    if (!l || l.usedAt || l.expiresAt <= now) return null;
    l.usedAt = now;
    return { organizationId: l.organizationId, memberId: l.memberId };
  }
  async pruneLinks() {
    return 0;
  }
  async getSetting(o: string, k: string) {
    return this.settings.get(`${o}/${k}`);
  }
  async setSetting(o: string, k: string, v: unknown) {
    this.settings.set(`${o}/${k}`, v);
  }
  async ensureSetting(o: string, k: string, v: unknown) {
    if (!this.settings.has(`${o}/${k}`)) this.settings.set(`${o}/${k}`, v);
    return this.settings.get(`${o}/${k}`);
  }
}

const ORG_A = '00000000-0000-4000-8000-00000000000a';
const ORG_B = '00000000-0000-4000-8000-00000000000b';
const member = (id: string, organizationId: string, roles: Member['roles'] = ['member', 'manager']): Member => ({
  id,
  organizationId,
  memberNumber: id,
  name: id,
  email: null,
  status: 'active',
  roles,
  chapterId: null,
  locale: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
});

function build() {
  let now = new Date('2026-11-25T10:00:00Z');
  const stores = new MemoryStores();
  const people = new Map<string, Member>([
    ['mies', member('mies', ORG_A)],
    ['olaf', member('olaf', ORG_B)],
    ['anne', member('anne', ORG_A, ['member'])],
  ]);
  const sut = new DashboardAccess({
    links: stores,
    settings: stores,
    members: { findById: async (org, id) => (people.get(id)?.organizationId === org ? people.get(id)! : null) },
    clock: { now: () => now },
  });
  return { sut, stores, people, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

describe(DashboardAccess.name, () => {
  it('signs a manager in once with a link stored only as a hash', async () => {
    const { sut, stores, people } = build();
    const { token } = await sut.createSignInToken(people.get('mies')!);
    expect([...stores.links.keys()][0]).not.toContain(token);
    const first = await sut.signIn(token);
    expect(first?.grant).toMatchObject({ purpose: 'session', organizationId: ORG_A, memberId: 'mies' });
    expect(await sut.signIn(token)).toBeNull();
    expect((await sut.session(first!.cookie))?.member.id).toBe('mies');
  });

  it('refuses a link after ten minutes and a session after it expires', async () => {
    const { sut, people, advance } = build();
    const late = await sut.createSignInToken(people.get('mies')!);
    advance(SIGN_IN_LINK_TTL_MS + 1);
    expect(await sut.signIn(late.token)).toBeNull();
    const fresh = await sut.signIn((await sut.createSignInToken(people.get('mies')!)).token);
    advance(SESSION_TTL_MS + 1);
    expect(await sut.session(fresh!.cookie)).toBeNull();
  });

  it('ends a session when the member is no longer a manager', async () => {
    const { sut, people } = build();
    const s = await sut.signIn((await sut.createSignInToken(people.get('mies')!)).token);
    people.set('mies', { ...people.get('mies')!, roles: ['member'] });
    expect(await sut.session(s!.cookie)).toBeNull();
  });

  it('never lets a session of one organisation pass for another', async () => {
    const { sut, people } = build();
    await sut.signIn((await sut.createSignInToken(people.get('mies')!)).token); // organisation A has a key now
    const olaf = await sut.signIn((await sut.createSignInToken(people.get('olaf')!)).token);
    const [payload, mac] = olaf!.cookie.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${Buffer.from(JSON.stringify({ ...claims, o: ORG_A, m: 'mies' })).toString('base64url')}.${mac}`;
    expect(await sut.session(forged)).toBeNull();
    expect(await sut.session(`${payload}.${mac}x`)).toBeNull();
    expect(await sut.session('garbage')).toBeNull();
  });

  it('keeps download tokens to their purpose, and exports to managers', async () => {
    const { sut, people } = build();
    const mydata = await sut.downloadToken('mydata', people.get('anne')!);
    expect((await sut.verifyDownload(mydata, 'mydata'))?.member.id).toBe('anne');
    expect(await sut.verifyDownload(mydata, 'export')).toBeNull();
    expect(await sut.session(mydata)).toBeNull();
    const exportByMember = await sut.downloadToken('export', people.get('anne')!, { period: 'week' });
    expect(await sut.verifyDownload(exportByMember, 'export')).toBeNull();
    const exportByManager = await sut.downloadToken('export', people.get('mies')!, { period: 'week' });
    expect((await sut.verifyDownload(exportByManager, 'export'))?.grant.params).toEqual({ period: 'week' });
  });
});
