import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Logger } from '../../kernel/ports/logger.js';
import { AesGcmSecretBox, generateSecret } from './aes-gcm.secret-box.js';

/** The generated key's file in the data directory (used only when KRING_SECRET is not set, never in production). */
export const GENERATED_KEY_FILE = 'kring-secret.key';

/** How Kring finds its encryption key (from the parsed configuration, or the CLI's environment). */
export interface SecretBoxOptions {
  /** `KRING_SECRET`: base64 of at least 32 random bytes. */
  secret: string | undefined;
  /** `KRING_SECRET_PREVIOUS`: keys that still open older values (rotation). */
  previous: readonly string[];
  /** `KRING_DATA_DIR`: where a key is generated when `secret` is unset. */
  dataDir: string;
  /** `NODE_ENV=production`: a missing `secret` is refused instead of generated. */
  production: boolean;
  logger?: Logger;
  /**
   * When to warn about a generated key: at every start (the server: `every-start`, the default), or only
   * when it is created (the CLI, whose every command would otherwise repeat it).
   */
  warn?: 'every-start' | 'when-created';
}

/** Production without KRING_SECRET (src/config/env.ts refuses this first; this is the backstop). */
export class SecretKeyMissingError extends Error {
  constructor() {
    super('KRING_SECRET is required in production: create one with `openssl rand -base64 32` and keep it with your backups');
    this.name = 'SecretKeyMissingError';
  }
}

/**
 * The secret box for this process: over `KRING_SECRET` (and `KRING_SECRET_PREVIOUS`) when set. Without it,
 * outside production, over a key kept in `<dataDir>/kring-secret.key`, generated (file mode 0600) on first
 * start, with a loud warning each start: losing that file loses every secret sealed with it, and a key
 * next to the database protects nothing against someone who copies the whole data directory.
 */
export async function openSecretBox(options: SecretBoxOptions): Promise<AesGcmSecretBox> {
  if (options.secret !== undefined) return new AesGcmSecretBox({ current: options.secret, previous: options.previous });
  if (options.production) throw new SecretKeyMissingError();
  const file = resolve(options.dataDir, GENERATED_KEY_FILE);
  const { secret, created } = await readOrCreateKeyFile(file, options.logger);
  const box = new AesGcmSecretBox({ current: secret, previous: options.previous });
  if (!created && options.warn === 'when-created') return box;
  options.logger?.warn(
    { keyFile: file, keyId: box.currentKeyId },
    `secrets: KRING_SECRET IS NOT SET. Secrets in the database are encrypted with the generated key in ${file}. ` +
      'Back that file up with the database (without it the stored Slack tokens and signing keys are lost); ' +
      'in production set KRING_SECRET (create one with `openssl rand -base64 32`) and put this key in KRING_SECRET_PREVIOUS ' +
      'until `kring secrets rotate` has run.',
  );
  return box;
}

async function readOrCreateKeyFile(file: string, logger: Logger | undefined): Promise<{ secret: string; created: boolean }> {
  try {
    const text = (await readFile(file, 'utf8')).trim();
    const mode = (await stat(file)).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      // Only the owner may read a key; tighten it rather than refuse (it may have been copied with cp).
      await chmod(file, 0o600);
      logger?.warn({ keyFile: file, mode: mode.toString(8) }, 'secrets: the key file was readable by others; its mode is now 0600');
    }
    return { secret: text, created: false };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(resolve(file, '..'), { recursive: true });
  const secret = generateSecret();
  try {
    // `wx`: exclusive create, so a server and a CLI starting together end up with one key.
    await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    logger?.warn({ keyFile: file }, `secrets: GENERATED A NEW ENCRYPTION KEY in ${file}`);
    return { secret, created: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return { secret: (await readFile(file, 'utf8')).trim(), created: false };
    throw err;
  }
}
