import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WorkspaceInstallationStore } from '../../adapters/slack/installation-store.js';
import { PrismaInsightsRepository } from '../../src/capabilities/insights/repository/prisma-insights.repository.js';
import { PrismaPollRepository } from '../../src/capabilities/polls/repository/prisma-poll.repository.js';
import { PrismaWebhookEndpointRepository } from '../../src/capabilities/webhooks/repository/prisma-webhook-endpoint.repository.js';
import { main as cli } from '../../src/cli/kring.js';
import type { Database } from '../../src/infra/database/database.js';
import { createPrismaDirectory } from '../../src/infra/database/directory.js';
import { AesGcmSecretBox } from '../../src/infra/secrets/aes-gcm.secret-box.js';
import { resealStoredSecrets, sealStoredSecretsAtStart, UnreadableSecretsError } from '../../src/infra/secrets/stored-secrets.js';
import type { SecretBox } from '../../src/kernel/ports/secret-box.js';
import { createPostgresTestDatabase } from '../support/database.js';
import { RecordingLogger, silentLogger } from '../support/logger.js';

/**
 * Encryption at rest on a real PostgreSQL database: what the repositories write is sealed (a full
 * `pg_dump` holds no clear secret), clear rows of earlier versions keep working and are sealed at start,
 * keys rotate (`kring secrets rotate`), and a key that does not fit stops start-up instead of breaking
 * every Slack workspace.
 */

const OLD_KEY = Buffer.alloc(32, 11).toString('base64');
const NEW_KEY = Buffer.alloc(32, 12).toString('base64');
const BOT_TOKEN = 'xoxb-5555-6666-averysecretbottoken';
const WEBHOOK_SECRET = 'whsec_0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c';
const execFileAsync = promisify(execFile);

let db: Database;
beforeAll(async () => {
  db = await createPostgresTestDatabase();
});
afterAll(async () => db?.close());

/** Every row of the database as `pg_dump` writes it. */
async function dump(): Promise<string> {
  const { stdout } = await execFileAsync('pg_dump', ['--data-only', '--no-owner', db.url], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

function slackInstallation(teamId: string) {
  return {
    team: { id: teamId, name: 'Roeivereniging' },
    enterprise: undefined,
    isEnterpriseInstall: false,
    bot: { token: BOT_TOKEN, userId: 'U0BOT', id: 'B0BOT', scopes: ['chat:write'] },
    user: { token: undefined, scopes: undefined, id: 'U0INSTALLER' },
    appId: 'A0KRING',
    tokenType: 'bot' as const,
  };
}

/** The repositories that store secrets, over one box. */
function stores(box: SecretBox) {
  const directory = createPrismaDirectory(db.prisma, box);
  return {
    directory,
    polls: new PrismaPollRepository(db.prisma, { secrets: box }),
    insights: new PrismaInsightsRepository(db.prisma, { secrets: box }),
    webhooks: new PrismaWebhookEndpointRepository(db.prisma, { secrets: box }),
  };
}

async function freshOrganization(slug: string): Promise<string> {
  const directory = createPrismaDirectory(db.prisma);
  return (await directory.organizations.ensure({ slug, name: slug })).id;
}

describe('secrets at rest', () => {
  let orgId: string;
  beforeEach(async () => {
    await db.prisma.$executeRaw`TRUNCATE organization, organization_setting, workspace, webhook_endpoint CASCADE`;
    orgId = await freshOrganization('roeiclub');
  });

  it('writes no secret in clear: a full pg_dump after every kind of write holds none', async () => {
    const box = new AesGcmSecretBox({ current: NEW_KEY });
    const s = stores(box);
    const installations = new WorkspaceInstallationStore({ workspaces: s.directory.workspaces, organizationId: orgId, logger: silentLogger, allowedWorkspaceIds: undefined });
    await installations.storeInstallation(slackInstallation('T0ROEI'));
    const voterKeySecret = await s.polls.voterKeySecret(orgId);
    const dashboardSecret = (await s.insights.ensureSetting(orgId, 'insights.dashboardSecret', Buffer.alloc(32, 5).toString('base64'))) as string;
    const endpoint = await s.webhooks.create({ organizationId: orgId, url: 'https://crm.example.org/hook', secret: WEBHOOK_SECRET, events: ['member.linked'], createdAt: new Date() });

    const text = await dump();
    for (const secret of [BOT_TOKEN, voterKeySecret, dashboardSecret, WEBHOOK_SECRET]) expect(text).not.toContain(secret);
    expect(text).toContain('kring-secret:v1:');

    // And every one reads back as it was written.
    expect((await installations.fetchInstallation({ teamId: 'T0ROEI', enterpriseId: undefined, isEnterpriseInstall: false })).bot?.token).toBe(BOT_TOKEN);
    expect(await s.polls.voterKeySecret(orgId)).toBe(voterKeySecret);
    expect(await s.insights.getSetting(orgId, 'insights.dashboardSecret')).toBe(dashboardSecret);
    expect((await s.webhooks.findById(endpoint.id))?.secret).toBe(WEBHOOK_SECRET);
    // A setting that is no secret stays readable JSON.
    await s.insights.setSetting(orgId, 'insights.unansweredHours', 12);
    expect(await s.insights.getSetting(orgId, 'insights.unansweredHours')).toBe(12);
  });

  it('keeps working on clear rows written before encryption, and seals them at start', async () => {
    const legacyVoter = Buffer.alloc(32, 21).toString('base64');
    const legacyDashboard = Buffer.alloc(32, 22).toString('base64');
    await db.prisma.$executeRaw`INSERT INTO workspace (id, organization_id, platform, external_id, name, installation, updated_at)
      VALUES (gen_random_uuid(), ${orgId}::uuid, 'slack', 'T0LEGACY', 'Oud', ${JSON.stringify(slackInstallation('T0LEGACY'))}::jsonb, now())`;
    await db.prisma.$executeRaw`INSERT INTO organization_setting (organization_id, key, value, updated_at) VALUES
      (${orgId}::uuid, 'polls.voterKeySecret', to_jsonb(${legacyVoter}::text), now()),
      (${orgId}::uuid, 'insights.dashboardSecret', to_jsonb(${legacyDashboard}::text), now()),
      (${orgId}::uuid, 'insights.topics', 'true'::jsonb, now())`;
    await db.prisma.$executeRaw`INSERT INTO webhook_endpoint (id, organization_id, url, secret, events) VALUES
      (gen_random_uuid(), ${orgId}::uuid, 'https://crm.example.org/hook', ${WEBHOOK_SECRET}, ARRAY['member.linked'])`;
    const box = new AesGcmSecretBox({ current: NEW_KEY });
    const s = stores(box);

    // Read as they are, before anything is sealed.
    expect(await s.directory.workspaces.getInstallation('slack', 'T0LEGACY')).toMatchObject({ bot: { token: BOT_TOKEN } });
    expect(await s.polls.voterKeySecret(orgId)).toBe(legacyVoter);
    expect(await s.insights.getSetting(orgId, 'insights.dashboardSecret')).toBe(legacyDashboard);
    expect((await s.webhooks.list(orgId))[0]?.secret).toBe(WEBHOOK_SECRET);
    expect(await dump()).toContain(BOT_TOKEN);

    const logger = new RecordingLogger();
    const report = await sealStoredSecretsAtStart(db.prisma, box, logger);
    expect(report).toMatchObject({ sealed: 4, current: 0, unreadable: [] });
    expect(logger.lines.some((l) => l.msg?.includes('stored in clear'))).toBe(true);

    const text = await dump();
    for (const secret of [BOT_TOKEN, legacyVoter, legacyDashboard, WEBHOOK_SECRET]) expect(text).not.toContain(secret);
    // The same values, now from their envelopes; the plain setting untouched.
    expect(await s.directory.workspaces.getInstallation('slack', 'T0LEGACY')).toMatchObject({ bot: { token: BOT_TOKEN } });
    expect(await s.polls.voterKeySecret(orgId)).toBe(legacyVoter);
    expect(await s.insights.getSetting(orgId, 'insights.dashboardSecret')).toBe(legacyDashboard);
    expect((await s.webhooks.list(orgId))[0]?.secret).toBe(WEBHOOK_SECRET);
    expect(await s.insights.getSetting(orgId, 'insights.topics')).toBe(true);
    // A second start finds nothing left to do.
    expect(await sealStoredSecretsAtStart(db.prisma, box, silentLogger)).toMatchObject({ sealed: 0, current: 4 });
  });

  it('rotates: values of the previous key still open, `kring secrets rotate` re-seals them, then the old key can go', async () => {
    const before = new AesGcmSecretBox({ current: OLD_KEY });
    const old = stores(before);
    await old.directory.workspaces.upsert({ organizationId: orgId, platform: 'slack', externalId: 'T0ROT', installation: slackInstallation('T0ROT') });
    const voterKeySecret = await old.polls.voterKeySecret(orgId);
    await old.webhooks.create({ organizationId: orgId, url: 'https://crm.example.org/hook', secret: WEBHOOK_SECRET, events: ['member.linked'], createdAt: new Date() });

    const during = new AesGcmSecretBox({ current: NEW_KEY, previous: [OLD_KEY] });
    expect(await stores(during).polls.voterKeySecret(orgId)).toBe(voterKeySecret);
    expect(await resealStoredSecrets(db.prisma, during, { rotate: true, dryRun: true })).toMatchObject({ previous: 3, current: 0 });

    const out: string[] = [];
    const io = {
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => out.push(t) },
      env: { DATABASE_URL: db.url, KRING_SECRET: NEW_KEY, KRING_SECRET_PREVIOUS: OLD_KEY, LOG_LEVEL: 'silent' },
    };
    expect(await cli(['node', 'kring', 'secrets', 'rotate'], io)).toBe(0);
    expect(out.join('')).toContain('3 re-sealed from a previous key');
    expect(out.join('')).toContain('KRING_SECRET_PREVIOUS can be removed');

    const after = new AesGcmSecretBox({ current: NEW_KEY });
    expect(await resealStoredSecrets(db.prisma, after, { rotate: true, dryRun: true })).toMatchObject({ current: 3, previous: 0, unreadable: [] });
    const s = stores(after);
    expect(await s.polls.voterKeySecret(orgId)).toBe(voterKeySecret);
    expect(await s.directory.workspaces.getInstallation('slack', 'T0ROT')).toMatchObject({ bot: { token: BOT_TOKEN } });
    expect((await s.webhooks.list(orgId))[0]?.secret).toBe(WEBHOOK_SECRET);
    // The old key alone no longer opens anything.
    await expect(stores(before).polls.voterKeySecret(orgId)).rejects.toMatchObject({ code: 'SECRETS.UNKNOWN_KEY' });

    out.length = 0;
    expect(await cli(['node', 'kring', 'secrets', 'status'], { ...io, env: { ...io.env, KRING_SECRET_PREVIOUS: '' } })).toBe(0);
    expect(out.join('')).toContain(`Current key (KRING_SECRET): ${after.currentKeyId}`);
    expect(out.join('')).toContain('3 with the current key, 0 with a previous key, 0 in clear, 0 unreadable');
  });

  it('refuses to start when stored secrets were sealed with a key that is not configured, naming it', async () => {
    const before = new AesGcmSecretBox({ current: OLD_KEY });
    await stores(before).polls.voterKeySecret(orgId);
    const other = new AesGcmSecretBox({ current: NEW_KEY });

    const err = await sealStoredSecretsAtStart(db.prisma, other, silentLogger).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(UnreadableSecretsError);
    expect((err as Error).message).toContain(`sealed with key ${before.currentKeyId}`);
    expect((err as Error).message).toContain('KRING_SECRET_PREVIOUS');
    expect((err as Error).message).not.toContain(OLD_KEY);
    // `kring secrets rotate` says the same and changes nothing.
    const errors: string[] = [];
    const code = await cli(['node', 'kring', 'secrets', 'rotate'], {
      stdout: { write: () => true },
      stderr: { write: (t: string) => errors.push(t) },
      env: { DATABASE_URL: db.url, KRING_SECRET: NEW_KEY },
    });
    expect(code).toBe(2);
    expect(errors.join('')).toContain(`sealed with key ${before.currentKeyId}, which is not configured`);
    expect(await stores(before).polls.voterKeySecret(orgId)).toBeTypeOf('string');
  });

  it('refuses an envelope copied into another organisation', async () => {
    const box = new AesGcmSecretBox({ current: NEW_KEY });
    const other = await freshOrganization('zeilclub');
    await stores(box).polls.voterKeySecret(orgId);
    await db.prisma.$executeRaw`INSERT INTO organization_setting (organization_id, key, value, updated_at)
      SELECT ${other}::uuid, key, value, now() FROM organization_setting WHERE organization_id = ${orgId}::uuid AND key = 'polls.voterKeySecret'`;

    await expect(stores(box).polls.voterKeySecret(other)).rejects.toMatchObject({ code: 'SECRETS.TAMPERED' });
  });
});
