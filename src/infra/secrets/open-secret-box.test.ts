import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RecordingLogger } from '../../../test/support/logger.js';
import { AesGcmSecretBox } from './aes-gcm.secret-box.js';
import { GENERATED_KEY_FILE, openSecretBox, SecretKeyMissingError } from './open-secret-box.js';

const KEY = Buffer.alloc(32, 3).toString('base64');
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function dataDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'kring-secret-'));
  dirs.push(d);
  return join(d, 'data');
}

describe(openSecretBox.name, () => {
  it('uses KRING_SECRET when it is set, and writes no key file', async () => {
    const dir = await dataDir();
    const sut = await openSecretBox({ secret: KEY, previous: [], dataDir: dir, production: true });
    expect(sut.currentKeyId).toBe(new AesGcmSecretBox({ current: KEY }).currentKeyId);
    await expect(stat(join(dir, GENERATED_KEY_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses production without KRING_SECRET and says how to make one', async () => {
    const err = await openSecretBox({ secret: undefined, previous: [], dataDir: await dataDir(), production: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretKeyMissingError);
    expect((err as Error).message).toContain('openssl rand -base64 32');
  });

  it('outside production generates a key into the data directory (mode 0600), with a loud warning, and keeps using it', async () => {
    const dir = await dataDir();
    const logger = new RecordingLogger();
    const first = await openSecretBox({ secret: undefined, previous: [], dataDir: dir, production: false, logger });
    const file = join(dir, GENERATED_KEY_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const key = (await readFile(file, 'utf8')).trim();
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
    const warnings = logger.lines.filter((e) => e.level === 'warn').map((e) => e.msg ?? '');
    expect(warnings.some((m) => m.includes('GENERATED A NEW ENCRYPTION KEY'))).toBe(true);
    expect(warnings.some((m) => m.includes('KRING_SECRET IS NOT SET') && m.includes('openssl rand -base64 32'))).toBe(true);
    // The key itself is never logged.
    expect(JSON.stringify(logger.lines)).not.toContain(key);

    const envelope = await first.seal('token', 'ctx');
    const second = await openSecretBox({ secret: undefined, previous: [], dataDir: dir, production: false });
    expect(second.currentKeyId).toBe(first.currentKeyId);
    expect(await second.open(envelope, 'ctx')).toBe('token');
  });

  it('warns the CLI only when it creates the key', async () => {
    const dir = await dataDir();
    await openSecretBox({ secret: undefined, previous: [], dataDir: dir, production: false });
    const logger = new RecordingLogger();
    await openSecretBox({ secret: undefined, previous: [], dataDir: dir, production: false, logger, warn: 'when-created' });
    expect(logger.lines.filter((e) => e.level === 'warn')).toEqual([]);
  });

  it('tightens a key file that others could read', async () => {
    const dir = await dataDir();
    await openSecretBox({ secret: undefined, previous: [], dataDir: dir, production: false });
    const file = join(dir, GENERATED_KEY_FILE);
    await chmod(file, 0o644);
    await openSecretBox({ secret: undefined, previous: [], dataDir: dir, production: false });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('two processes starting together end up with one key', async () => {
    const dir = await dataDir();
    const boxes = await Promise.all(Array.from({ length: 8 }, () => openSecretBox({ secret: undefined, previous: [], dataDir: dir, production: false })));
    expect(new Set(boxes.map((b) => b.currentKeyId)).size).toBe(1);
  });

  it('keeps previous keys next to the generated one', async () => {
    const dir = await dataDir();
    const sut = await openSecretBox({ secret: undefined, previous: [KEY], dataDir: dir, production: false });
    expect(sut.keyIds).toContain(new AesGcmSecretBox({ current: KEY }).currentKeyId);
  });
});
