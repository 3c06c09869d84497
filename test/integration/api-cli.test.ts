import { Command } from 'commander';
import { apiScopesOf } from '../../src/capability.js';
import { capabilities } from '../../src/capabilities.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { apiTokens } from '../../src/capabilities/api-tokens/index.js';
import { webhooks } from '../../src/capabilities/webhooks/index.js';
import { CliCapabilities } from '../../src/cli/cli-host.js';
import { ApiTokenService } from '../../src/capabilities/api-tokens/domain/api-token.service.js';
import { systemClock } from '../../src/kernel/clock.js';
import type { Database } from '../../src/infra/database/database.js';
import { PrismaApiTokenRepository } from '../../src/capabilities/api-tokens/repository/prisma-api-token.repository.js';
import { createPrismaDirectory } from '../../src/infra/database/directory.js';
import type { Directory } from '../../src/kernel/ports/directory.js';
import { createPostgresTestDatabase } from '../support/database.js';

/** `kring tokens …` and `kring webhooks …` on PostgreSQL, through commander as the CLI registers them. */
describe('kring CLI: tokens and webhooks', () => {
  let db: Database;
  let repos: Directory;
  let lines: string[];

  const kring = async (...args: string[]): Promise<string> => {
    const program = new Command('kring').exitOverride().configureOutput({ writeOut: (s) => void lines.push(s), writeErr: (s) => void lines.push(s) });
    const io = { stdout: { write: (s: string) => void lines.push(s) }, stderr: { write: (s: string) => void lines.push(s) }, env: { DATABASE_URL: db.url } };
    const host = new CliCapabilities(io, { out: (line = '') => void lines.push(line), err: (line) => void lines.push(line), setExitCode: () => undefined });
    // As src/cli/kring.ts registers them: from the capabilities' own `cli` hooks.
    for (const capability of [apiTokens, webhooks]) capability.cli?.(program, host.hostFor(capability) as never);
    lines = [];
    try {
      await program.parseAsync(['node', 'kring', ...args]);
    } finally {
      await host.close();
    }
    return lines.join('\n');
  };

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    repos = createPrismaDirectory(db.prisma);
    await repos.organizations.ensure({ slug: 'fietsclub', name: 'De Fietsclub' });
  });
  afterAll(async () => db?.close());
  beforeEach(() => {
    lines = [];
  });

  it('creates a token shown once, lists it without the secret, and revokes it', async () => {
    const created = await kring('tokens', 'create', '--org', 'fietsclub', '--name', 'CRM sync', '--scope', 'members:write,news:write');
    const secret = /(kring_[0-9A-Za-z]{43})/.exec(created)?.[1];
    expect(secret).toBeDefined();
    expect(created).toContain('only time the token is shown');
    const id = /id ([0-9a-f-]{36})/.exec(created)![1]!;

    const tokens = new ApiTokenService({ tokens: new PrismaApiTokenRepository(db.prisma), organizations: repos.organizations, clock: systemClock, scopes: apiScopesOf(capabilities) });
    expect((await tokens.authenticate(secret!))?.scopes).toEqual(['members:write', 'news:write']);

    const list = await kring('tokens', 'list', '--org', 'fietsclub');
    expect(list).toContain('CRM sync');
    expect(list).toContain('members:write,news:write');
    expect(list).not.toContain(secret);

    expect(await kring('tokens', 'revoke', id)).toContain('Revoked API token "CRM sync"');
    expect(await tokens.authenticate(secret!)).toBeNull();
    expect(await kring('tokens', 'list')).toMatch(/revoked \d{4}-/);
  });

  it('prints JSON with --json', async () => {
    const out = JSON.parse(await kring('tokens', 'create', '--org', 'fietsclub', '--name', 'CMS', '--scope', 'news:write', '--json')) as Record<string, unknown>;
    expect(out).toMatchObject({ organization: 'fietsclub', name: 'CMS', scopes: ['news:write'], token: expect.stringMatching(/^kring_/) });
  });

  it('names unknown scopes, unknown organisations and unknown ids', async () => {
    await expect(kring('tokens', 'create', '--org', 'fietsclub', '--name', 'x', '--scope', 'members:admin')).rejects.toThrow(/unknown scope members:admin/);
    await expect(kring('tokens', 'create', '--org', 'nope', '--name', 'x', '--scope', 'members:read')).rejects.toThrow(/Organisation "nope" does not exist/);
    await expect(kring('tokens', 'revoke', '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 'API.TOKEN_NOT_FOUND' });
    await expect(kring('tokens', 'create', '--org', 'fietsclub', '--name', 'x')).rejects.toMatchObject({ code: 'commander.missingMandatoryOptionValue' });
  });

  it('adds, lists and removes webhook endpoints, showing the signing secret once', async () => {
    const added = await kring('webhooks', 'add', '--org', 'fietsclub', '--url', 'http://crm.internal/kring', '--events', 'member.linked,poll.closed');
    const secret = /(whsec_[0-9A-Za-z]{40})/.exec(added)?.[1];
    expect(secret).toBeDefined();
    const id = /webhook ([0-9a-f-]{36})/.exec(added)![1]!;
    const list = await kring('webhooks', 'list', '--org', 'fietsclub');
    expect(list).toContain('http://crm.internal/kring');
    expect(list).toContain('member.linked,poll.closed');
    expect(list).not.toContain(secret);
    await expect(kring('webhooks', 'add', '--org', 'fietsclub', '--url', 'http://x', '--events', 'member.deleted')).rejects.toThrow(/unknown events member.deleted/);
    expect(await kring('webhooks', 'remove', id)).toContain('Removed webhook');
    expect(await kring('webhooks', 'list')).toContain('No webhook endpoints');
  });
});
