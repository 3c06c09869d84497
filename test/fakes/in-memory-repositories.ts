import { sameMember } from '../../src/capabilities/membership/domain/member-import.service.js';
import {
  canonicalRoles,
  type Chapter,
  type Member,
  type MemberRole,
  type MemberStatus,
  type Organization,
  type PlatformIdentity,
} from '../../src/kernel/community.js';
import { systemClock, type Clock } from '../../src/kernel/clock.js';
import { ConflictError, NotFoundError } from '../../src/kernel/errors.js';
import { newId } from '../../src/kernel/ids.js';
import type { Locale, Platform } from '../../src/kernel/types.js';
import type { LinkRequest } from '../../src/capabilities/membership/domain/link-request.js';
import type { MembershipRepositories } from '../../src/capabilities/membership/ports.js';
import type {
  Channel,
  ChannelPurpose,
  MemberListQuery,
  MemberUpsert,
  PlatformAccount,
  UpsertSummary,
  Workspace,
} from '../../src/kernel/ports/directory.js';

/**
 * Working in-memory implementations of every repository port, with the semantics of the Prisma ones
 * (test/contracts runs the same suite against both). Objects are copied in and out, so a caller can
 * never change stored state by mutating a returned value. Critical sections have no `await` inside,
 * which makes them atomic on the single JS thread (e.g. of two concurrent `confirm`s exactly one wins).
 */

export interface InMemoryRepositoriesOptions {
  /** Time source for timestamps the database would set (`createdAt`, `receivedAt`); default real time. */
  clock?: Clock;
}

/** Every directory repository and the membership's link requests, in memory. */
export function createInMemoryRepositories(options: InMemoryRepositoriesOptions = {}): MembershipRepositories {
  const clock = options.clock ?? systemClock;
  const now = (): Date => new Date(clock.now().getTime());
  const organizations = new Map<string, Organization>();
  const chapters = new Map<string, Chapter>();
  const members = new Map<string, Member>();
  /** `<organizationId> <memberNumber>` -> member id: imports of 10k rows stay linear. */
  const memberIdByNumber = new Map<string, string>();
  const identities = new Map<string, PlatformIdentity>();
  const linkRequests = new Map<string, LinkRequest>();
  const workspaces = new Map<string, Workspace & { installation: unknown; createdAt: Date }>();
  const channels = new Map<string, Omit<Channel, 'platform' | 'workspaceExternalId'> & { createdAt: Date }>();
  const processed = new Map<string, Date>();
  const references = new Map<string, unknown>();

  const copy = <T>(value: T): T => structuredClone(value);
  const accountKey = (a: PlatformAccount): string => `${a.platform}\u0000${a.workspaceId}\u0000${a.platformUserId}`;
  const sameAccount = (a: PlatformAccount, b: PlatformAccount): boolean => accountKey(a) === accountKey(b);
  const findIdentity = (account: PlatformAccount): PlatformIdentity | undefined =>
    [...identities.values()].find((i) => sameAccount(i, account));
  const memberByNumber = (organizationId: string, memberNumber: string): Member | undefined => {
    const id = memberIdByNumber.get(`${organizationId}\u0000${memberNumber}`);
    return id === undefined ? undefined : members.get(id);
  };
  const toChannel = (c: Omit<Channel, 'platform' | 'workspaceExternalId'> & { createdAt: Date }): Channel => {
    const ws = workspaces.get(c.workspaceId)!;
    const { createdAt: _createdAt, ...rest } = c;
    return copy({ ...rest, platform: ws.platform, workspaceExternalId: ws.externalId });
  };
  const toWorkspace = (w: Workspace & { installation: unknown; createdAt: Date }): Workspace => ({
    id: w.id, organizationId: w.organizationId, platform: w.platform, externalId: w.externalId, name: w.name,
  });
  const byMemberNumber = (a: Member, b: Member): number => (a.memberNumber < b.memberNumber ? -1 : a.memberNumber > b.memberNumber ? 1 : 0);

  return {
    organizations: {
      async findBySlug(slug) {
        const org = [...organizations.values()].find((o) => o.slug === slug);
        return org ? copy(org) : null;
      },
      async findById(id) {
        const org = organizations.get(id);
        return org ? copy(org) : null;
      },
      async ensure(input: { slug: string; name: string; defaultLocale?: Locale; timezone?: string }) {
        const existing = [...organizations.values()].find((o) => o.slug === input.slug);
        if (existing) return copy(existing);
        const org: Organization = {
          id: newId(), slug: input.slug, name: input.name,
          defaultLocale: input.defaultLocale ?? 'nl', timezone: input.timezone ?? 'Europe/Amsterdam', createdAt: now(),
        };
        organizations.set(org.id, org);
        return copy(org);
      },
      async list() {
        return [...organizations.values()].sort((a, b) => (a.slug < b.slug ? -1 : 1)).map(copy);
      },
    },

    chapters: {
      async list(organizationId) {
        return [...chapters.values()].filter((c) => c.organizationId === organizationId).sort((a, b) => (a.name < b.name ? -1 : 1)).map(copy);
      },
      async findById(organizationId, id) {
        const c = chapters.get(id);
        return c && c.organizationId === organizationId ? copy(c) : null;
      },
      async ensureMany(organizationId, names) {
        const result: Chapter[] = [];
        for (const name of new Set(names)) {
          let c = [...chapters.values()].find((x) => x.organizationId === organizationId && x.name === name);
          if (!c) {
            c = { id: newId(), organizationId, name };
            chapters.set(c.id, c);
          }
          result.push(copy(c));
        }
        return result;
      },
      async rename(organizationId, id, name) {
        const c = chapters.get(id);
        if (!c || c.organizationId !== organizationId) return null;
        if ([...chapters.values()].some((x) => x.organizationId === organizationId && x.name === name && x.id !== id)) {
          throw new ConflictError('PERSISTENCE.UNIQUE_VIOLATION', `Chapter "${name}" already exists.`);
        }
        c.name = name;
        return copy(c);
      },
    },

    members: {
      async findById(organizationId, id) {
        const m = members.get(id);
        return m && m.organizationId === organizationId ? copy(m) : null;
      },
      async findByNumber(organizationId, memberNumber) {
        const m = memberByNumber(organizationId, memberNumber);
        return m ? copy(m) : null;
      },
      async findByIds(organizationId, ids) {
        return ids.flatMap((id) => {
          const m = members.get(id);
          return m && m.organizationId === organizationId ? [copy(m)] : [];
        });
      },
      async findByEmail(organizationId, email) {
        const wanted = email.toLowerCase();
        return [...members.values()]
          .filter((m) => m.organizationId === organizationId && m.email?.toLowerCase() === wanted)
          .sort(byMemberNumber)
          .map(copy);
      },
      async list(organizationId, query: MemberListQuery) {
        const limit = Math.min(Math.max(1, Math.floor(query.limit)), 1000);
        return [...members.values()]
          .filter((m) => m.organizationId === organizationId)
          .filter((m) => !query.status || m.status === query.status)
          .filter((m) => query.after === undefined || m.memberNumber > query.after)
          .sort(byMemberNumber)
          .slice(0, limit)
          .map(copy);
      },
      async count(organizationId, status?: MemberStatus) {
        return [...members.values()].filter((m) => m.organizationId === organizationId && (!status || m.status === status)).length;
      },
      async upsertMany(organizationId, input: readonly MemberUpsert[]) {
        const summary: UpsertSummary = { created: 0, updated: 0, unchanged: 0, deactivatedIds: [], reactivatedIds: [], updatedIds: [] };
        const unique = [...new Map(input.map((m) => [m.memberNumber, m])).values()];
        for (const u of unique) {
          const existing = memberByNumber(organizationId, u.memberNumber);
          const roles = canonicalRoles(u.roles);
          if (!existing) {
            const at = now();
            const m: Member = {
              id: newId(), organizationId, memberNumber: u.memberNumber, name: u.name, email: u.email, status: u.status,
              roles, chapterId: u.chapterId, locale: u.locale ?? null, createdAt: at, updatedAt: at,
            };
            members.set(m.id, m);
            memberIdByNumber.set(`${organizationId}\u0000${m.memberNumber}`, m.id);
            summary.created++;
          } else if (sameMember(existing, u)) {
            summary.unchanged++;
          } else {
            if (existing.status === 'active' && u.status !== 'active') summary.deactivatedIds.push(existing.id);
            if (existing.status !== 'active' && u.status === 'active') summary.reactivatedIds.push(existing.id);
            summary.updatedIds.push(existing.id);
            Object.assign(existing, {
              name: u.name, email: u.email, status: u.status, roles, chapterId: u.chapterId,
              locale: u.locale === undefined ? existing.locale : u.locale, updatedAt: now(),
            });
            summary.updated++;
          }
        }
        return summary;
      },
      async lapseAllExcept(organizationId, keep) {
        const changed: Member[] = [];
        for (const m of members.values()) {
          if (m.organizationId === organizationId && m.status === 'active' && !keep.has(m.memberNumber)) {
            m.status = 'lapsed';
            m.updatedAt = now();
            changed.push(copy(m));
          }
        }
        return changed.sort(byMemberNumber);
      },
      async setStatus(organizationId, id, status: MemberStatus) {
        const m = members.get(id);
        if (!m || m.organizationId !== organizationId) return null;
        m.status = status;
        m.updatedAt = now();
        return copy(m);
      },
      async setRoles(organizationId, id, roles: readonly MemberRole[]) {
        const m = members.get(id);
        if (!m || m.organizationId !== organizationId) return null;
        m.roles = canonicalRoles(roles);
        m.updatedAt = now();
        return copy(m);
      },
    },

    identities: {
      async findByAccount(account) {
        const i = findIdentity(account);
        return i ? copy(i) : null;
      },
      async findLinked(accounts) {
        return accounts.map((account) => {
          const i = findIdentity(account);
          const m = i ? members.get(i.memberId) : undefined;
          return i && m ? { identity: copy(i), member: copy(m) } : null;
        });
      },
      async listByMember(memberId) {
        return [...identities.values()]
          .filter((i) => i.memberId === memberId)
          .sort((a, b) => a.linkedAt.getTime() - b.linkedAt.getTime())
          .map(copy);
      },
      async unlink(account) {
        const i = findIdentity(account);
        if (!i) return null;
        identities.delete(i.id);
        return copy(i);
      },
    },

    linkRequests: {
      async create(request) {
        const id = request.id ?? newId();
        if (linkRequests.has(id)) throw new ConflictError('PERSISTENCE.UNIQUE_VIOLATION', 'Link request already exists.');
        const r: LinkRequest = { ...copy(request), id, attempts: 0, consumedAt: null };
        linkRequests.set(id, r);
        return copy(r);
      },
      async findLatestOpen(account) {
        const open = [...linkRequests.values()]
          .filter((r) => r.consumedAt === null && sameAccount(r, account))
          .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
        return open[0] ? copy(open[0]) : null;
      },
      async findLatest(account) {
        const all = [...linkRequests.values()].filter((r) => sameAccount(r, account)).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
        return all[0] ? copy(all[0]) : null;
      },
      async countSince(account, since) {
        return [...linkRequests.values()].filter((r) => sameAccount(r, account) && r.createdAt.getTime() >= since.getTime()).length;
      },
      async recordFailedAttempt(id) {
        const r = linkRequests.get(id);
        if (!r) throw new NotFoundError('MEMBERSHIP.LINK_REQUEST_NOT_FOUND', `Link request ${id} does not exist.`);
        r.attempts++;
        return r.attempts;
      },
      async consume(id, at) {
        const r = linkRequests.get(id);
        if (r && r.consumedAt === null) r.consumedAt = new Date(at.getTime());
      },
      async confirm(id, at, displayName) {
        // No await in here: check-and-consume is atomic.
        const r = linkRequests.get(id);
        if (!r || r.consumedAt !== null) return null;
        r.consumedAt = new Date(at.getTime());
        const existing = findIdentity(r);
        const identity: PlatformIdentity = {
          id: existing?.id ?? newId(),
          organizationId: r.organizationId,
          memberId: r.memberId,
          platform: r.platform,
          workspaceId: r.workspaceId,
          platformUserId: r.platformUserId,
          displayName,
          linkedAt: new Date(at.getTime()),
        };
        identities.set(identity.id, identity);
        return copy(identity);
      },
    },

    workspaces: {
      async findByExternalId(platform: Platform, externalId) {
        const w = [...workspaces.values()].find((x) => x.platform === platform && x.externalId === externalId);
        return w ? toWorkspace(w) : null;
      },
      async upsert(input) {
        let w = [...workspaces.values()].find((x) => x.platform === input.platform && x.externalId === input.externalId);
        if (w && w.organizationId !== input.organizationId) {
          throw new ConflictError('WORKSPACE.OTHER_ORGANIZATION', `${input.platform} workspace ${input.externalId} belongs to another organisation.`);
        }
        if (!w) {
          w = {
            id: newId(), organizationId: input.organizationId, platform: input.platform, externalId: input.externalId,
            name: null, installation: null, createdAt: now(),
          };
          workspaces.set(w.id, w);
        }
        if (input.name !== undefined) w.name = input.name;
        if (input.installation !== undefined) w.installation = jsonCopy(input.installation);
        return toWorkspace(w);
      },
      async getInstallation(platform, externalId) {
        const w = [...workspaces.values()].find((x) => x.platform === platform && x.externalId === externalId);
        return w ? jsonCopy(w.installation) : null;
      },
      async deleteInstallation(platform, externalId) {
        const w = [...workspaces.values()].find((x) => x.platform === platform && x.externalId === externalId);
        if (w) w.installation = null;
      },
      async list(organizationId) {
        return [...workspaces.values()]
          .filter((w) => w.organizationId === organizationId)
          .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
          .map(toWorkspace);
      },
    },

    channels: {
      async upsert(input: { workspaceId: string; externalId: string; name?: string | null; purpose?: ChannelPurpose; chapterId?: string | null }) {
        const ws = workspaces.get(input.workspaceId);
        if (!ws) throw new NotFoundError('WORKSPACE.NOT_FOUND', `Workspace ${input.workspaceId} does not exist.`);
        let c = [...channels.values()].find((x) => x.workspaceId === ws.id && x.externalId === input.externalId);
        if (!c) {
          c = {
            id: newId(), organizationId: ws.organizationId, workspaceId: ws.id, externalId: input.externalId,
            name: null, purpose: 'general', chapterId: null, createdAt: now(),
          };
          channels.set(c.id, c);
        }
        if (input.name !== undefined) c.name = input.name;
        if (input.purpose !== undefined) c.purpose = input.purpose;
        if (input.chapterId !== undefined) c.chapterId = input.chapterId;
        return toChannel(c);
      },
      async list(organizationId, purpose) {
        return [...channels.values()]
          .filter((c) => c.organizationId === organizationId && (!purpose || c.purpose === purpose))
          .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
          .map(toChannel);
      },
      async findByExternalId(workspaceId, externalId) {
        const c = [...channels.values()].find((x) => x.workspaceId === workspaceId && x.externalId === externalId);
        return c ? toChannel(c) : null;
      },
    },

    processedEvents: {
      async markProcessed(key) {
        if (processed.has(key)) return false;
        processed.set(key, now());
        return true;
      },
      async prune(before) {
        let removed = 0;
        for (const [key, at] of processed) {
          if (at.getTime() < before.getTime()) {
            processed.delete(key);
            removed++;
          }
        }
        return removed;
      },
    },

    conversationReferences: {
      async save(platform, workspace, scopeKey, reference) {
        references.set(`${platform}\u0000${workspace}\u0000${scopeKey}`, jsonCopy(reference));
      },
      async find(platform, workspace, scopeKey) {
        const key = `${platform}\u0000${workspace}\u0000${scopeKey}`;
        return references.has(key) ? jsonCopy(references.get(key)) : null;
      },
    },
  };
}

/** What storing as JSON keeps (dates become strings, undefined disappears), as the database does. */
function jsonCopy(value: unknown): unknown {
  return value === undefined || value === null ? null : JSON.parse(JSON.stringify(value));
}
