import type { SecretBox } from '../../kernel/ports/secret-box.js';
import { SecretBoxError } from '../../kernel/ports/secret-box.js';
import type { Logger } from '../../kernel/ports/logger.js';
import type { PrismaClient } from '../database/generated/prisma/client.js';

/**
 * Where Kring stores secrets, and the passes over all of them: sealing what earlier versions stored in
 * clear (at every start), and re-sealing under the current key (`kring secrets rotate`).
 *
 * The places, each sealed by its repository with the context named here:
 * - `workspace.installation`: Slack OAuth installations (bot tokens), PrismaWorkspaceRepository;
 * - `organization_setting` values of secret keys: the anonymous voter-key secret (polls) and the
 *   dashboard signing secret (insights), in their repositories;
 * - `webhook_endpoint.secret`: the HMAC secret outgoing webhooks are signed with.
 */

/** The `context` of each place a secret is stored in (see {@link SecretBox}). */
export const secretPlaces = {
  installation: (platform: string, externalId: string): string => `workspace.installation:${platform}:${externalId}`,
  setting: (organizationId: string, key: string): string => `organization_setting:${organizationId}:${key}`,
  webhookSecret: (endpointId: string): string => `webhook_endpoint.secret:${endpointId}`,
};

/**
 * `organization_setting` keys that versions before encryption at rest stored in clear. A migration list:
 * it names what old databases hold, so it never grows (new secret settings are sealed from the start).
 */
export const CLEAR_TEXT_SECRET_SETTINGS: readonly string[] = ['polls.voterKeySecret', 'insights.dashboardSecret'];

/** The box a repository was given, or a clear refusal (a repository never stores a secret in clear). */
export function requireSecretBox(box: SecretBox | undefined, where: string): SecretBox {
  if (!box) throw new Error(`${where} was built without a SecretBox, so it cannot store or read secrets (src/main.ts passes one)`);
  return box;
}

/** A stored secret string: an envelope is opened, clear text stored before encryption is returned as is. */
export async function openStoredSecret(box: SecretBox, stored: string, context: string): Promise<string> {
  return box.isSealed(stored) ? box.open(stored, context) : stored;
}

/** A stored secret that no configured key opens. */
export interface UnreadableSecret {
  /** Which row, without the secret: `workspace slack:T0123`, `organization_setting <org> <key>`, `webhook_endpoint <id>`. */
  place: string;
  keyId: string | undefined;
  code: SecretBoxError['code'];
}

/** What a pass over the stored secrets found and did. */
export interface StoredSecretsReport {
  /** Clear-text secrets (from before encryption) now sealed with the current key. */
  sealed: number;
  /** Clear-text secrets left as they are (a dry run). */
  clear: number;
  /** Secrets moved from a previous key to the current one (only when rotating). */
  resealed: number;
  /** Secrets already sealed with the current key. */
  current: number;
  /** Secrets still sealed with a previous key (when not rotating, or in a dry run). */
  previous: number;
  unreadable: UnreadableSecret[];
}

interface StoredSecret {
  place: string;
  context: string;
  /** The stored value: an envelope, or clear text (a JSON object for clear installations). */
  stored: unknown;
  /** How the clear value becomes the sealed plaintext: installations are JSON, the others strings. */
  json: boolean;
  /** Replaces the stored value, only if it is still `stored` (another process may have changed it). */
  replace(next: string): Promise<void>;
}

/**
 * Seals every clear-text secret with the current key and, with `rotate`, re-seals every secret sealed
 * with a previous key (with `dryRun`, only counts). Secrets sealed with a key that is not configured are
 * reported, not touched. Each row is replaced only if it still holds what was read, so concurrent passes
 * are harmless.
 */
export async function resealStoredSecrets(prisma: PrismaClient, box: SecretBox, options: { rotate: boolean; dryRun?: boolean }): Promise<StoredSecretsReport> {
  const report: StoredSecretsReport = { sealed: 0, clear: 0, resealed: 0, current: 0, previous: 0, unreadable: [] };
  for (const secret of await storedSecrets(prisma)) {
    if (!box.isSealed(secret.stored)) {
      if (options.dryRun) {
        report.clear++;
      } else {
        const plaintext = secret.json ? JSON.stringify(secret.stored) : String(secret.stored);
        await secret.replace(await box.seal(plaintext, secret.context));
        report.sealed++;
      }
      continue;
    }
    const keyId = box.keyIdOf(secret.stored);
    if (keyId === box.currentKeyId) {
      report.current++;
    } else if (keyId === undefined || !box.keyIds.includes(keyId)) {
      report.unreadable.push({ place: secret.place, keyId, code: 'SECRETS.UNKNOWN_KEY' });
    } else if (!options.rotate || options.dryRun) {
      report.previous++;
    } else {
      try {
        const plaintext = await box.open(secret.stored, secret.context);
        await secret.replace(await box.seal(plaintext, secret.context));
        report.resealed++;
      } catch (err) {
        if (!(err instanceof SecretBoxError)) throw err;
        report.unreadable.push({ place: secret.place, keyId, code: err.code });
      }
    }
  }
  return report;
}

/** Every stored secret, sealed or in clear. */
async function storedSecrets(prisma: PrismaClient): Promise<StoredSecret[]> {
  const workspaces = await prisma.$queryRaw<{ id: string; platform: string; external_id: string; installation: unknown }[]>`
    SELECT id::text, platform::text, external_id, installation FROM workspace
     WHERE installation IS NOT NULL AND jsonb_typeof(installation) <> 'null'
     ORDER BY created_at, id`;
  const settings = await prisma.$queryRaw<{ organization_id: string; key: string; value: unknown }[]>`
    SELECT organization_id::text, key, value FROM organization_setting
     WHERE jsonb_typeof(value) = 'string' AND (key = ANY(${CLEAR_TEXT_SECRET_SETTINGS as string[]}) OR value #>> '{}' LIKE 'kring-secret:%')
     ORDER BY organization_id, key`;
  const webhooks = await prisma.$queryRaw<{ id: string; secret: string }[]>`
    SELECT id::text, secret FROM webhook_endpoint ORDER BY created_at, id`;
  return [
    ...workspaces.map((w) => ({
      place: `workspace ${w.platform}:${w.external_id}`,
      context: secretPlaces.installation(w.platform, w.external_id),
      stored: w.installation,
      json: true,
      replace: async (next: string) => {
        await prisma.$executeRaw`
          UPDATE workspace SET installation = to_jsonb(${next}::text), updated_at = now()
           WHERE id = ${w.id}::uuid AND installation = ${JSON.stringify(w.installation)}::jsonb`;
      },
    })),
    ...settings.map((s) => ({
      place: `organization_setting ${s.organization_id} ${s.key}`,
      context: secretPlaces.setting(s.organization_id, s.key),
      stored: s.value,
      json: false,
      replace: async (next: string) => {
        await prisma.$executeRaw`
          UPDATE organization_setting SET value = to_jsonb(${next}::text), updated_at = now()
           WHERE organization_id = ${s.organization_id}::uuid AND key = ${s.key} AND value = ${JSON.stringify(s.value)}::jsonb`;
      },
    })),
    ...webhooks.map((w) => ({
      place: `webhook_endpoint ${w.id}`,
      context: secretPlaces.webhookSecret(w.id),
      stored: w.secret,
      json: false,
      replace: async (next: string) => {
        await prisma.$executeRaw`UPDATE webhook_endpoint SET secret = ${next} WHERE id = ${w.id}::uuid AND secret = ${w.secret}`;
      },
    })),
  ];
}

/** Stored secrets that no configured key opens: starting would break every one of them. */
export class UnreadableSecretsError extends Error {
  readonly unreadable: readonly UnreadableSecret[];
  constructor(unreadable: readonly UnreadableSecret[], box: SecretBox) {
    const keyIds = [...new Set(unreadable.map((u) => u.keyId ?? '?'))];
    super(
      `Kring cannot start: ${unreadable.length} secret(s) in the database were sealed with key ${keyIds.join(', ')}, ` +
        `but KRING_SECRET is key ${box.currentKeyId}${box.keyIds.length > 1 ? ` and KRING_SECRET_PREVIOUS holds ${box.keyIds.slice(1).join(', ')}` : ''}.\n` +
        '  - Set KRING_SECRET back to the key these were sealed with, or put that key in KRING_SECRET_PREVIOUS\n' +
        '    (comma-separated) and run `kring secrets rotate`.\n' +
        `  First affected: ${unreadable.slice(0, 5).map((u) => u.place).join('; ')}`,
    );
    this.name = 'UnreadableSecretsError';
    this.unreadable = unreadable;
  }
}

/**
 * The start-up pass: seals what earlier versions stored in clear (logged), and refuses to go on when
 * stored secrets were sealed with a key that is not configured (a changed KRING_SECRET without
 * KRING_SECRET_PREVIOUS would otherwise break every Slack workspace and change anonymous voter keys).
 */
export async function sealStoredSecretsAtStart(prisma: PrismaClient, box: SecretBox, logger: Logger): Promise<StoredSecretsReport> {
  const report = await resealStoredSecrets(prisma, box, { rotate: false });
  if (report.sealed > 0) logger.info({ sealed: report.sealed, keyId: box.currentKeyId }, 'secrets: encrypted the secrets an earlier version stored in clear');
  if (report.previous > 0) logger.warn({ previous: report.previous }, 'secrets: some secrets are still sealed with a previous key: run `kring secrets rotate`');
  if (report.unreadable.length > 0) throw new UnreadableSecretsError(report.unreadable, box);
  return report;
}
