import { apiScopesOf } from '../../../capability.js';
import { capabilities } from '../../../capabilities.js';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../../kernel/clock.js';
import { NotFoundError, ValidationError } from '../../../kernel/errors.js';
import { newId } from '../../../kernel/ids.js';
import type { ApiTokenRepository } from '../ports.js';
import { hashApiToken, type ApiToken } from './api-token.js';
import { ApiTokenService } from './api-token.service.js';

/** A working in-memory token store that also remembers the hashes it was given. */
function memoryTokens(): ApiTokenRepository & { hashes: Map<string, string>; touches: number } {
  const rows = new Map<string, ApiToken & { tokenHash: string }>();
  const strip = ({ tokenHash: _h, ...t }: ApiToken & { tokenHash: string }): ApiToken => ({ ...t, scopes: [...t.scopes] });
  const repo = {
    hashes: new Map<string, string>(),
    touches: 0,
    async create(input: { organizationId: string; name: string; tokenHash: string; scopes: readonly string[]; createdAt: Date }) {
      const row = { id: newId(), organizationId: input.organizationId, name: input.name, tokenHash: input.tokenHash, scopes: [...input.scopes] as ApiToken['scopes'], createdAt: input.createdAt, lastUsedAt: null, revokedAt: null };
      rows.set(row.id, row);
      repo.hashes.set(row.id, input.tokenHash);
      return strip(row);
    },
    async findByHash(hash: string) {
      const row = [...rows.values()].find((r) => r.tokenHash === hash);
      return row ? strip(row) : null;
    },
    async findById(id: string) {
      const row = rows.get(id);
      return row ? strip(row) : null;
    },
    async list(organizationId?: string) {
      return [...rows.values()].filter((r) => organizationId === undefined || r.organizationId === organizationId).map(strip);
    },
    async revoke(id: string, at: Date) {
      const row = rows.get(id);
      if (!row) return null;
      row.revokedAt ??= at;
      return strip(row);
    },
    async touch(id: string, at: Date) {
      repo.touches++;
      const row = rows.get(id);
      if (row) row.lastUsedAt = at;
    },
  };
  return repo;
}

describe(ApiTokenService.name, () => {
  const org = { id: newId() };
  let now: Date;
  const clock: Clock = { now: () => now };
  let tokens: ReturnType<typeof memoryTokens>;
  let sut: ApiTokenService;

  beforeEach(() => {
    now = new Date('2025-03-01T10:00:00Z');
    tokens = memoryTokens();
    sut = new ApiTokenService({ tokens, organizations: { findById: async (id) => (id === org.id ? ({ id } as never) : null) }, clock, scopes: apiScopesOf(capabilities) });
  });

  it('creates a token whose secret is returned once and stored only as its hash', async () => {
    const { token, secret } = await sut.create({ organizationId: org.id, name: 'CRM sync', scopes: ['news:write', 'members:write'] });
    expect(secret).toMatch(/^kring_/);
    expect(token.scopes).toEqual(['members:write', 'news:write']);
    expect(tokens.hashes.get(token.id)).toBe(hashApiToken(secret));
    expect(JSON.stringify(await sut.list())).not.toContain(secret);
  });

  it('names every invalid field at once', async () => {
    const error = await sut.create({ organizationId: org.id, name: ' ', scopes: ['members:admin'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path).sort()).toEqual(['name', 'scopes.0']);
  });

  it('refuses an organisation that does not exist', async () => {
    await expect(sut.create({ organizationId: newId(), name: 'x', scopes: ['members:read'] })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('authenticates the secret, and nothing after revocation', async () => {
    const { token, secret } = await sut.create({ organizationId: org.id, name: 'CRM', scopes: ['members:read'] });
    expect((await sut.authenticate(secret))?.id).toBe(token.id);
    // One character changed (a random secret may already end in x).
    expect(await sut.authenticate(`${secret.slice(0, -1)}${secret.endsWith('x') ? 'y' : 'x'}`)).toBeNull();
    expect(await sut.authenticate('not a token')).toBeNull();
    await sut.revoke(token.id);
    expect(await sut.authenticate(secret)).toBeNull();
  });

  it('keeps the first revocation time when revoked twice, and says when the id is unknown', async () => {
    const { token } = await sut.create({ organizationId: org.id, name: 'CRM', scopes: ['members:read'] });
    const first = await sut.revoke(token.id);
    now = new Date(now.getTime() + 60_000);
    expect((await sut.revoke(token.id)).revokedAt).toEqual(first.revokedAt);
    await expect(sut.revoke(newId())).rejects.toMatchObject({ code: 'API.TOKEN_NOT_FOUND' });
  });

  it('records use at most once a minute', async () => {
    const { secret } = await sut.create({ organizationId: org.id, name: 'CRM', scopes: ['members:read'] });
    for (let i = 0; i < 5; i++) await sut.authenticate(secret);
    expect(tokens.touches).toBe(1);
    now = new Date(now.getTime() + 61_000);
    await sut.authenticate(secret);
    expect(tokens.touches).toBe(2);
  });
});
