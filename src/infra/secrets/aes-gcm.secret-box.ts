import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { SecretBoxError, type SecretBox } from '../../kernel/ports/secret-box.js';

/**
 * {@link SecretBox} with AES-256-GCM from Node's own crypto (OpenSSL): authenticated encryption, a fresh
 * random 96-bit IV per seal (the size GCM is specified for; random IVs stay far below the 2^32 seals per
 * key NIST allows), the 128-bit tag checked on every open.
 *
 * Envelope (one string, stored where the clear value used to be):
 *
 *     kring-secret:v1:<key id>:<iv>:<ciphertext>:<tag>        (base64url parts)
 *
 * The additional authenticated data is `kring-secret:v1:<key id>:<context>`: the version, the key id and
 * the place the value belongs to are all bound to the ciphertext.
 *
 * Keys: each configured secret (`KRING_SECRET`, `KRING_SECRET_PREVIOUS`) is at least 32 random bytes,
 * base64. The AES key and the key id are derived from it with HKDF-SHA256 under different labels, so the
 * stored key id says which key sealed a value and reveals nothing about the key.
 */

const FORMAT = 'kring-secret';
const VERSION = 'v1';
const PREFIX = `${FORMAT}:`;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Fixed HKDF salt: the input is already uniformly random, the salt only separates Kring's use of it. */
const SALT = Buffer.from('kring secret-box', 'utf8');
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Fewer bytes than this in a configured secret is refused (AES-256 wants 256 bits of key material). */
export const MIN_SECRET_BYTES = 32;

/** One usable key: its id (stored in envelopes) and the derived AES-256 key. */
interface DerivedKey {
  id: string;
  key: Buffer;
}

/**
 * Decodes a configured secret (standard or URL-safe base64, as `openssl rand -base64 32` prints it).
 * Returns undefined when it is not base64 or shorter than {@link MIN_SECRET_BYTES}.
 */
export function decodeSecret(text: string): Buffer | undefined {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(compact)) return undefined;
  const bytes = Buffer.from(compact.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return bytes.length >= MIN_SECRET_BYTES ? bytes : undefined;
}

/** A new random secret in the configured form (what `openssl rand -base64 32` prints). */
export function generateSecret(): string {
  return randomBytes(MIN_SECRET_BYTES).toString('base64');
}

function derive(secret: Buffer): DerivedKey {
  const key = Buffer.from(hkdfSync('sha256', secret, SALT, 'kring secret-box aes-256-gcm key v1', 32));
  const id = Buffer.from(hkdfSync('sha256', secret, SALT, 'kring secret-box key id v1', 6)).toString('base64url');
  return { id, key };
}

/** The bytes of canonical base64url text (what `seal` writes); anything else, even if it decodes, is undefined. */
function canonicalBase64url(text: string): Buffer | undefined {
  if (text !== '' && !BASE64URL.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

function aad(keyId: string, context: string): Buffer {
  return Buffer.from(`${PREFIX}${VERSION}:${keyId}:${context}`, 'utf8');
}

/** The AES-256-GCM secret box over a current key and any previous ones. */
export class AesGcmSecretBox implements SecretBox {
  private readonly current: DerivedKey;
  private readonly byId: ReadonlyMap<string, DerivedKey>;
  readonly currentKeyId: string;
  readonly keyIds: readonly string[];

  /**
   * @param secrets the current secret first, then previous ones (each base64, at least 32 bytes).
   * @throws Error naming the position of a secret that does not decode (never the secret itself).
   */
  constructor(secrets: { current: string; previous?: readonly string[] }) {
    const all = [secrets.current, ...(secrets.previous ?? [])];
    const keys = all.map((text, i) => {
      const bytes = decodeSecret(text);
      if (!bytes) throw new Error(`${i === 0 ? 'the current secret' : `previous secret #${i}`} is not base64 of at least ${MIN_SECRET_BYTES} bytes`);
      return derive(bytes);
    });
    const byId = new Map<string, DerivedKey>();
    for (const k of keys) if (!byId.has(k.id)) byId.set(k.id, k);
    this.current = keys[0]!;
    this.byId = byId;
    this.currentKeyId = this.current.id;
    this.keyIds = [...byId.keys()];
  }

  async seal(plaintext: string, context: string): Promise<string> {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(this.current.id, context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [FORMAT, VERSION, this.current.id, iv.toString('base64url'), ciphertext.toString('base64url'), tag.toString('base64url')].join(':');
  }

  async open(envelope: string, context: string): Promise<string> {
    const parts = envelope.split(':');
    const [format, version, keyId, ivText, ciphertextText, tagText] = parts;
    if (parts.length !== 6 || format !== FORMAT || keyId === undefined || ivText === undefined || ciphertextText === undefined || tagText === undefined) {
      throw new SecretBoxError('SECRETS.MALFORMED', 'the stored value is not a sealed secret');
    }
    if (version !== VERSION) {
      throw new SecretBoxError('SECRETS.MALFORMED', `the secret was sealed in format ${String(version)}, which this version of Kring does not read (it was written by a newer Kring)`);
    }
    const key = this.byId.get(keyId);
    if (!key) {
      throw new SecretBoxError(
        'SECRETS.UNKNOWN_KEY',
        `the secret was sealed with key ${keyId}, which is neither KRING_SECRET (key ${this.currentKeyId}) nor one of KRING_SECRET_PREVIOUS`,
      );
    }
    const [iv, ciphertext, tag] = [ivText, ciphertextText, tagText].map(canonicalBase64url);
    if (!iv || !ciphertext || !tag) throw new SecretBoxError('SECRETS.MALFORMED', 'the sealed secret is not base64url');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SecretBoxError('SECRETS.MALFORMED', 'the sealed secret has a bad IV or tag length');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad(keyId, context));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch (cause) {
      throw new SecretBoxError('SECRETS.TAMPERED', 'the sealed secret does not open: it was changed, or it belongs to another place', { cause });
    }
  }

  isSealed(value: unknown): value is string {
    return typeof value === 'string' && value.startsWith(PREFIX);
  }

  keyIdOf(envelope: string): string | undefined {
    if (!this.isSealed(envelope)) return undefined;
    return envelope.split(':')[2];
  }
}
