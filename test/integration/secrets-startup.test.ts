import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PrismaPollRepository } from '../../src/capabilities/polls/repository/prisma-poll.repository.js';
import { createPrismaDirectory } from '../../src/infra/database/directory.js';
import { AesGcmSecretBox } from '../../src/infra/secrets/aes-gcm.secret-box.js';
import { GENERATED_KEY_FILE } from '../../src/infra/secrets/open-secret-box.js';
import { createPostgresTestDatabase } from '../support/database.js';

/**
 * The real Kring as a process (as `npm start` runs it, scripts/start.mjs), as an operator meets KRING_SECRET: refused in production without
 * it (exit 78, saying how to make one), generated into the data directory on the embedded default (0600,
 * loudly), and a key that does not open the stored secrets stops start-up (exit 78) instead of breaking them.
 */
const root = join(import.meta.dirname, '..', '..');
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs Kring until it listens (then stops it with SIGTERM) or exits by itself. */
function runKring(env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/start.mjs'], {
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes('"msg":"http server listening"')) child.kill('SIGTERM');
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function tempDataDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'kring-secrets-'));
  dirs.push(d);
  return d;
}

describe('KRING_SECRET at start-up', () => {
  it('refuses production without KRING_SECRET: exit 78, saying how to create one', async () => {
    const dataDir = await tempDataDir();
    const run = await runKring({ NODE_ENV: 'production', KRING_DATA_DIR: dataDir });
    expect(run.code).toBe(78);
    expect(run.stderr).toContain('KRING_SECRET is required in production');
    expect(run.stderr).toContain('openssl rand -base64 32');
    expect(run.stderr).not.toContain('    at ');
    await expect(stat(join(dataDir, GENERATED_KEY_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a KRING_SECRET that is not a key, naming the variable and not the value', async () => {
    const run = await runKring({ NODE_ENV: 'production', KRING_DATA_DIR: await tempDataDir(), KRING_SECRET: 'my-password-123' });
    expect(run.code).toBe(78);
    expect(run.stderr).toContain('KRING_SECRET must be base64 of at least 32 random bytes');
    expect(run.stderr).not.toContain('my-password-123');
  });

  it('on the embedded default generates a key into the data directory (0600) with a loud warning', { timeout: 120_000 }, async () => {
    const dataDir = await tempDataDir();
    const run = await runKring({ KRING_DATA_DIR: dataDir });
    expect(run.code).toBe(0);
    const file = join(dataDir, GENERATED_KEY_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const generated = (await readFile(file, 'utf8')).trim();
    expect(Buffer.from(generated, 'base64')).toHaveLength(32);
    const warning = run.stdout.split('\n').find((l) => l.includes('KRING_SECRET IS NOT SET'));
    expect(warning).toBeDefined();
    expect(JSON.parse(warning!)).toMatchObject({ level: 40, keyFile: file });
    expect(run.stdout).not.toContain(generated);
  });

  it('stops with exit 78 when KRING_SECRET does not open the stored secrets, and starts with the old key as previous', { timeout: 120_000 }, async () => {
    const db = await createPostgresTestDatabase();
    try {
      const oldKey = Buffer.alloc(32, 98).toString('base64');
      const newKey = Buffer.alloc(32, 99).toString('base64');
      const organization = await createPrismaDirectory(db.prisma).organizations.ensure({ slug: 'default', name: 'default' });
      // A secret sealed with the old key, as a first anonymous vote stores it.
      await new PrismaPollRepository(db.prisma, { secrets: new AesGcmSecretBox({ current: oldKey }) }).voterKeySecret(organization.id);
      const env = { DATABASE_URL: db.url, KRING_DATA_DIR: await tempDataDir() };

      const refused = await runKring({ ...env, KRING_SECRET: newKey });
      expect(refused.code).toBe(78);
      expect(refused.stderr).toContain(`sealed with key ${new AesGcmSecretBox({ current: oldKey }).currentKeyId}`);
      expect(refused.stderr).toContain(`KRING_SECRET is key ${new AesGcmSecretBox({ current: newKey }).currentKeyId}`);
      expect(refused.stderr).not.toContain('    at ');

      const started = await runKring({ ...env, KRING_SECRET: newKey, KRING_SECRET_PREVIOUS: oldKey });
      expect(started.code).toBe(0);
      expect(started.stdout).toContain('kring secrets rotate');
    } finally {
      await db.close();
    }
  });
});
